import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { ExtractedSolution, extractSolution } from './extract-solution.js';

const fence = (language: string, code: string) => `\`\`\`${language}\n${code}\n\`\`\``;

const solve = 'def solve(n):\n    return helper(n) * 2';
const helper = 'def helper(n):\n    return n + 1';
const testBlock = 'import pytest\nfrom solution import solve\n\ndef test_solve():\n    assert solve(1) == 4';

describe('raw code and no code', () => {
  test('an answer without fences is the code, unchanged', () => {
    const code = 'import math\n\ndef area(r):\n    return math.pi * r * r\n';
    expect(extractSolution(code)).toEqual({ code, source: 'raw', blocks: 0, chosen: [], note: 'The answer has no fenced block, so all of it is the code.' });
  });

  test('raw code without fences or think tags comes back unchanged', () => {
    const line = fc.oneof(
      fc.constantFrom('import os', 'from typing import List', '    return x', '    pass', '', '# a comment', 'x = [1, 2, 3]', '    if x:', 'print(solve(3))'),
      fc.stringMatching(/^ {0,8}[a-z_][a-z0-9_]{0,8} = [0-9a-z'"()[\] +*-]{0,20}$/),
    );
    const code = fc.tuple(fc.stringMatching(/^[a-z_][a-z0-9_]{0,10}$/), fc.array(line, { maxLength: 30 }), fc.constantFrom('', '\n', '\r\n', '\n\n')).map(
      ([name, body, end]) => [`def ${name}(x):`, ...body.map((text) => `    ${text}`), '    return x'].join('\n') + end,
    );
    fc.assert(
      fc.property(code, (text) => {
        const extracted = extractSolution(text);
        expect(extracted.code).toBe(text);
        expect(extracted.source).toBe('raw');
      }),
    );
  });

  test('empty, blank and prose-only answers have no code', () => {
    for (const text of ['', '   \n\t\n', "I'm sorry, I cannot solve this problem.", 'The answer is that no such function exists.\nTry another approach.']) {
      const extracted = extractSolution(text);
      expect(extracted).toMatchObject({ code: null, source: 'none', blocks: 0, chosen: [] });
    }
    expect(extractSolution('').note).toBe('The answer is empty.');
  });
});

describe('fenced blocks', () => {
  test('one block, tagged or not, with ``` or ~~~', () => {
    for (const text of [`Here it is:\n${fence('python', solve)}\nDone.`, fence('', solve), `~~~py\n${solve}\n~~~`, fence('Python3', solve)]) {
      expect(extractSolution(text)).toMatchObject({ code: `${solve}\n`, source: 'fenced-block', blocks: 1, chosen: [0] });
    }
  });

  test('explanation, solution, usage example and test block: the solution is taken, with the helper it calls', () => {
    const text = [
      'First a helper:', fence('python', helper),
      'Then the solution:', fence('python', solve),
      'Usage:', fence('python', 'print(solve(3))'),
      'And tests:', fence('python', testBlock),
    ].join('\n\n');
    const extracted = extractSolution(text, { wanted: ['solve'] });
    expect(extracted).toMatchObject({ code: `${helper}\n\n${solve}\n`, source: 'fenced-block', blocks: 4, chosen: [0, 1] });
    expect(extracted.note).toBe('Took block 2 of 4, the last that defines solve; added block 1, defining functions it calls; skipped 1 test block.');
    // For `from solution import *` the last block defining a function that is not a test block, again with its helper.
    expect(extractSolution(text)).toMatchObject({ chosen: [0, 1] });
  });

  test('the last block defining every wanted name wins over earlier drafts', () => {
    const draft = 'def solve(n):\n    return n';
    const final = 'def solve(n):\n    return n * 2\n\nclass Cache:\n    pass';
    expect(extractSolution(`${fence('python', draft)}\nBetter:\n${fence('python', final)}`, { wanted: ['solve', 'Cache'] })).toMatchObject({ chosen: [1], code: `${final}\n` });
    expect(extractSolution(`${fence('python', final)}\nOr simply:\n${fence('python', draft)}`, { wanted: ['solve'] })).toMatchObject({ chosen: [1] });
  });

  test('wanted names spread over two blocks are joined in order, later blocks first', () => {
    const first = 'def parse(s):\n    return s.split()';
    const second = 'MAX = 10\n\nasync def fetch(x):\n    return x';
    const old = 'def parse(s):\n    return []';
    const extracted = extractSolution([fence('python', old), fence('python', first), 'and', fence('python', second)].join('\n'), { wanted: ['fetch', 'parse', 'MAX'] });
    expect(extracted).toMatchObject({ code: `${first}\n\n${second}\n`, chosen: [1, 2] });
    expect(extracted.note).toBe('Took blocks 2 and 3 of 3, which together define fetch, parse, MAX.');
  });

  test('blocks in other languages are skipped, and a response with only those has no code', () => {
    const text = [fence('bash', 'pip install numpy'), fence('python', solve), fence('output', '8'), fence('json', '{"a": 1}'), fence('console', '$ python x.py')].join('\n');
    expect(extractSolution(text)).toMatchObject({ chosen: [1], blocks: 5, note: expect.stringContaining('skipped 4 blocks tagged bash, output, json, console') });
    expect(extractSolution([fence('bash', 'ls'), fence('text', 'hello')].join('\n'))).toMatchObject({ code: null, source: 'none', blocks: 2 });
  });

  test('an unterminated last fence is not a block', () => {
    expect(extractSolution(`Sure:\n\`\`\`python\ndef solve(n):\n    return n *`)).toMatchObject({
      code: null,
      source: 'none',
      blocks: 0,
      note: 'No complete Python code block: its last code block is not closed (the output was cut off).',
    });
    const text = `${fence('python', solve)}\nNow a faster one:\n\`\`\`python\ndef solve(n):\n    retu`;
    expect(extractSolution(text, { wanted: ['solve'] })).toMatchObject({ chosen: [0], code: `${solve}\n`, note: expect.stringContaining('an unclosed last block (cut-off output) was ignored') });
  });

  test('test blocks are taken only when nothing else defines the wanted names', () => {
    const fixtureTests = 'import pytest\n\n@pytest.fixture\ndef data():\n    return [1]\n\nTOLERANCE = 1e-9\n\ndef test_x(data):\n    pass';
    expect(extractSolution(`${fence('python', solve)}\n${fence('python', fixtureTests)}`, { wanted: ['solve'] })).toMatchObject({ chosen: [0] });
    expect(extractSolution(`${fence('python', solve)}\n${fence('python', fixtureTests)}`, { wanted: ['TOLERANCE'] })).toMatchObject({ chosen: [1], note: expect.stringContaining('test blocks included') });
    expect(extractSolution(`${fence('python', solve)}\n${fence('python', fixtureTests)}`)).toMatchObject({ chosen: [0] });
  });

  test('no block defines a wanted name: the last solution-like block is taken, and the note says so', () => {
    const extracted = extractSolution(fence('python', solve), { wanted: ['other'] });
    expect(extracted).toMatchObject({ chosen: [0], note: expect.stringContaining('no block defines other') });
  });

  test('a longer fence holds a shorter one, and an indented fence in a list loses its indentation', () => {
    const nested = '````python\ns = """\n```\nnot a fence\n```\n"""\n\ndef solve(n):\n    return s\n````';
    expect(extractSolution(nested, { wanted: ['solve'] }).code).toBe('s = """\n```\nnot a fence\n```\n"""\n\ndef solve(n):\n    return s\n');
    const listed = '1. Write it:\n\n   ```python\n   def solve(n):\n       return n\n   ```\n';
    expect(extractSolution(listed, { wanted: ['solve'] }).code).toBe('def solve(n):\n    return n\n');
  });
});

describe('reasoning and markers', () => {
  test('<think> ... </think> is dropped, blocks inside it are not seen', () => {
    const text = `<think>\nMaybe:\n${fence('python', 'def solve(n):\n    return 0')}\nNo.\n</think>\n\n${fence('python', solve)}`;
    expect(extractSolution(text, { wanted: ['solve'] })).toMatchObject({ code: `${solve}\n`, blocks: 1, chosen: [0], note: expect.stringMatching(/^Ignored the <think> reasoning; /) });
    expect(extractSolution(`Okay, I need to add.\n</think>\n\ndef add(a, b):\n    return a + b\n`)).toMatchObject({ code: 'def add(a, b):\n    return a + b\n', source: 'raw' });
  });

  test('an unterminated <think> means no answer; a tag inside a string literal is code', () => {
    expect(extractSolution('<think>\nLet me write the function:\n```python\ndef solve(n):\n')).toMatchObject({ code: null, source: 'none', note: expect.stringContaining('ends inside <think>') });
    const code = 'def strip(s):\n    return s.split("</think>")[-1]\n';
    expect(extractSolution(code)).toMatchObject({ code, source: 'raw' });
  });

  test('KodCode markers win, fences inside them are stripped', () => {
    const text = [
      'Explanation with an example:', fence('python', 'def solve(n):\n    return -1'),
      '<|Solution Begin|>', fence('python', solve), '<|Solution End|>',
      '<|Test Begin|>', fence('python', testBlock), '<|Test End|>',
    ].join('\n');
    expect(extractSolution(text, { wanted: ['solve'] })).toMatchObject({ code: `${solve}\n`, source: 'kodcode-markers', blocks: 3, chosen: [1] });
    expect(extractSolution(`<|Solution Begin|>\n${solve}\n<|Solution End|>`)).toMatchObject({ code: `${solve}\n`, source: 'kodcode-markers', chosen: [] });
  });
});

describe('cost', () => {
  test('a huge answer is read from its tail in linear time, and the note says so', () => {
    const filler = 'word '.repeat(1_000_000);
    const text = `${fence('python', 'def solve(n):\n    return 0')}\n${filler}\n${fence('python', solve)}\n${fence('python', helper)}`;
    const started = performance.now();
    const extracted = extractSolution(text, { wanted: ['solve'] });
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(extracted).toMatchObject({ chosen: [0, 1], blocks: 2, code: `${solve}\n\n${helper}\n` }); // response order
    expect(extracted.note).toMatch(/^The answer has \d+ characters, so only its last \d+ were read; /);
    const fences = '```\n'.repeat(200_000) + '```python\n' + 'x = 1\n'.repeat(100_000);
    const many = performance.now();
    expect(extractSolution(fences, { maxChars: 10_000_000 }).source).toBe('fenced-block');
    expect(performance.now() - many).toBeLessThan(2_000);
  });

  test('every result matches the schema', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('```python\n', '```\n', '~~~\n', 'def f():\n', '    return 1\n', '<think>\n', '</think>\n', '<|Solution Begin|>\n', '<|Solution End|>\n', 'text\n', 'import pytest\n', 'def test_f():\n')), fc.array(fc.constantFrom('f', 'g', 'test_f')), (parts, wanted) => {
        const extracted = extractSolution(parts.join(''), { wanted });
        expect(ExtractedSolution.safeParse(extracted).success).toBe(true);
        expect(extracted.chosen.every((index) => index < extracted.blocks)).toBe(true);
        expect(extracted.code === null).toBe(extracted.source === 'none');
      }),
    );
  });
});
