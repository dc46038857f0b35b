import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { Extraction, extractFinalAnswer, type ExtractOptions } from './extract-answer.js';

function answerOf(text: string, options?: ExtractOptions): string | undefined {
  const extraction = extractFinalAnswer(text, options);
  return extraction.status === 'found' ? extraction.answer : undefined;
}

function expectFound(text: string, answer: string, source: string): void {
  expect(extractFinalAnswer(text)).toMatchObject({ status: 'found', answer, source });
}

function expectNone(text: string, reason: string, options?: ExtractOptions): void {
  expect(extractFinalAnswer(text, options)).toEqual({ status: 'none', reason });
}

/** The answer is the text under its span, or, for joined boxes and solution lists, parts that each occur in the text. */
function isConsistent(text: string, extraction: Extraction): boolean {
  if (extraction.status === 'none') return true;
  const [start, end] = extraction.span;
  if (start < 0 || end > text.length || end <= start) return false;
  if (text.slice(start, end) === extraction.answer) return true;
  return extraction.answer.split(', ').every((part) => text.slice(start, end).includes(part));
}

const selfCorrectingChainOfThought = [
  "Let's find the number of integers n with 1 <= n <= 100 such that n^2 + n is divisible by 6.",
  'Since n^2 + n = n(n+1) is always even, we need 3 | n(n+1), i.e. n = 0 or 2 (mod 3).',
  'Among 1..100 there are 33 multiples of 3, so the count is 100 - 33 = 67. So the answer is 66.',
  'Wait, that subtraction is wrong: 100 - 33 = 67, not 66. Let me recount the residues 2 (mod 3): 2, 5, ..., 98 is 33 numbers,',
  'and the multiples of 3 are 33 numbers, so 66 in total.',
  '',
  '**Final Answer:** 66',
].join('\n');

describe('explicit anchors', () => {
  test('FINAL ANSWER after a chain of thought with self-corrections', () => {
    expectFound(selfCorrectingChainOfThought, '66', 'final-answer');
    expectFound('Step 1: count the red balls.\nStep 2: count the blue balls.\nFINAL ANSWER: (2, 3)', '(2, 3)', 'final-answer');
  });

  test('<answer> tags, and an unclosed one is a truncated output', () => {
    expectFound('We compare both sides.\n<answer>\\frac{3}{4}</answer>', '\\frac{3}{4}', 'answer-tag');
    expectFound('<answer> 12 </answer>\nThe answer is shown above.', '12', 'answer-tag');
    expectNone('The final result goes here: <answer>\\frac{3}{', 'truncated');
  });

  test('GSM8K `#### X`, but not a markdown heading', () => {
    const gsm8k = 'Natalia sold 48/2 = <<48/2=24>>24 clips in May.\nNatalia sold 48+24 = <<48+24=72>>72 clips altogether in April and May.\n#### 72';
    expectFound(gsm8k, '72', 'hash-anchor');
    expectFound('#### $1,250', '$1,250', 'hash-anchor');
    expectFound('#### Step 1: split the bill\nEach pays 45 / 3 = 15 dollars.\n#### Step 2: tip\nThe total is 15 + 3 = 18.\n#### 18', '18', 'hash-anchor');
    expect(extractFinalAnswer('#### Step 2: tip\nSo each pays 18.')).toMatchObject({ source: 'last-number', answer: '18' });
  });

  test('Minerva: "Final Answer: The final answer is $X$. I hope it is correct."', () => {
    const minerva = 'We have $x^2 = 16$, so $x = \\pm 4$; the positive root is 4.\nFinal Answer: The final answer is $4$. I hope it is correct.';
    expect(extractFinalAnswer(minerva)).toEqual({ status: 'found', answer: '4', source: 'final-answer', span: [minerva.lastIndexOf('$4$') + 1, minerva.lastIndexOf('$4$') + 2] });
    expectFound('Final Answer: The final answer is $\\frac{1}{\\sqrt{2}}$. I hope it is correct.', '\\frac{1}{\\sqrt{2}}', 'final-answer');
  });

  test('"The answer is" ends at the sentence; "Answer:" counts only at a line start', () => {
    expectFound('Adding the two groups gives 12 students. The answer is 12.', '12', 'answer-is');
    expectFound('So the answer is: 3.5. Next, we check the units.', '3.5', 'answer-is');
    expectFound('The correct option is (A) $x = 2$.', '(A)', 'answer-is');
    expectFound('**Answer:** $\\dfrac{9}{7}$', '\\dfrac{9}{7}', 'answer-colon');
    expectFound('### Answer: 17', '17', 'answer-colon');
    expect(extractFinalAnswer('Let me check my answer: 2 + 3 = 5, which works. The total is 9.')).toMatchObject({ source: 'last-number', answer: '9' });
  });

  test('a phrase that points back at an answer is not an anchor; filler words are skipped', () => {
    expectFound('So $\\boxed{5}$.\n\nThis answer is consistent with the constraint $x > 0$.', '5', 'boxed');
    expectFound('#### 18\nThe answer is correct because 6 * 3 = 18.', '18', 'hash-anchor');
    expectFound('Therefore, the answer is indeed 12.', '12', 'answer-is');
    expectFound('\\boxed{5}. Hmm, wait: the answer is not 5, it is 6.', 'not 5, it is 6', 'answer-is');
  });

  test('the usual closing formats of chat models', () => {
    expectFound('**Final Answer**\n\\[\n\\boxed{42}\n\\]', '42', 'boxed');
    expectFound('**Final Answer**: 42', '42', 'final-answer');
    expectFound('### Final Answer\nThe final answer is $\\boxed{\\dfrac{3}{8}}$.', '\\dfrac{3}{8}', 'boxed');
  });

  test('the right-most anchor or box wins, so self-corrections count', () => {
    expectFound('The answer is 5. Hmm, wait: I dropped a factor of 2. The answer is 10.', '10', 'answer-is');
    expectFound('So the count is $\\boxed{5}$.\n\nWait, that double counts the corner. Actually, the answer is 4.', '4', 'answer-is');
    expectFound('The answer is 5.\n\nLet me double-check with a table... yes.\n\n$\\boxed{6}$', '6', 'boxed');
    expectFound('The answer is $\\boxed{7}$.', '7', 'boxed');
    expectFound('The final answer is \\(\\boxed{\\mathbf{15}}\\).', '\\mathbf{15}', 'boxed');
  });

  test('trailing period and enclosing $...$, \\(...\\), \\[...\\] are stripped; a lone $ (money) is kept', () => {
    expectFound('The answer is $\\frac{1}{2}$.', '\\frac{1}{2}', 'answer-is');
    expectFound('The answer is \\(x+1\\).', 'x+1', 'answer-is');
    expectFound('Final answer: \\[ (x-1)^2 \\]', '(x-1)^2', 'final-answer');
    expectFound('FINAL ANSWER: $$2^{10}$$', '2^{10}', 'final-answer');
    expectFound('The answer is $12 per hour.\nThat is the wage.', '$12 per hour', 'answer-is');
    expectFound('We double-check the count (the answer is 14.)', '14', 'answer-is');
    expectFound('So the answer is [0, 1).', '[0, 1)', 'answer-is');
    expectFound('Final answer: (-\\infty, 2] \\cup (3, \\infty)', '(-\\infty, 2] \\cup (3, \\infty)', 'final-answer');
  });

  test('an anchored hedge is no answer', () => {
    expectNone('The answer is either 4 or 5.', 'hedge');
    expectNone('Final answer: maybe 7', 'hedge');
  });

  test('markdown bold is a weak anchor: a value, with no number after it', () => {
    expectFound('Counting the cases gives a total of **73** arrangements.', '73', 'bold');
    expectFound('**Solution.** The result is $\\boxed{-7}$.', '-7', 'boxed');
    expectFound('**Step 1:** list the cases.\n**Step 2:** there are 12 of them.', '12', 'last-number');
    expectFound('We have **3** apples and **4** pears, 7 fruits in all.', '7', 'last-number');
    expectFound('So the probability is **$\\frac{1}{6}$**', '\\frac{1}{6}', 'bold');
  });
});

describe('boxes', () => {
  test('nested braces, escaped braces, \\fbox and brace-less \\boxed', () => {
    expectFound('Rationalising, $\\boxed{\\frac{1}{\\sqrt{2}}}$.', '\\frac{1}{\\sqrt{2}}', 'boxed');
    expectFound('The intersection is $\\boxed{(1,2)}$.', '(1,2)', 'boxed');
    expectFound('The solution set is $\\boxed{\\left\\{1, 2\\right\\}}$.', '\\left\\{1, 2\\right\\}', 'boxed');
    expectFound('$\\boxed{\\begin{pmatrix} 1 & 0 \\\\ 0 & 1 \\end{pmatrix}}$', '\\begin{pmatrix} 1 & 0 \\\\ 0 & 1 \\end{pmatrix}', 'boxed');
    expectFound('Hence \\fbox{42}.', '42', 'boxed');
    expectFound('The answer: \\boxed 7', '7', 'boxed');
    expectFound('so \\boxed{\\boxed{12}}', '12', 'boxed');
  });

  test('several boxes join only when "and", "or", commas or $ separate them, and identical boxes count once', () => {
    expectFound('The roots are $\\boxed{2}$ and $\\boxed{3}$.', '2, 3', 'boxed');
    expectFound('\\boxed{1}, \\boxed{2}, \\boxed{3}, \\boxed{4}', '1, 2, 3, 4', 'boxed');
    expectFound('x = \\boxed{-1} or x = \\boxed{\\frac{1}{2}}', '\\frac{1}{2}', 'boxed');
    expectFound('$\\boxed{840}$ and $\\boxed{840}$', '840', 'boxed');
    expectFound('\\boxed{\\frac{1}{2}} Hmm, let me verify: the probability is indeed \\boxed{0.5}.', '0.5', 'boxed');
    const text = 'so $\\boxed{2}$ or $\\boxed{3}$';
    expect(extractFinalAnswer(text)).toMatchObject({ answer: '2, 3', span: [text.indexOf('2'), text.indexOf('3') + 1] });
  });

  test('an unterminated \\boxed{ is a truncated output, even after a complete box', () => {
    expectNone('The answer is \\boxed{\\frac{1}{2}', 'truncated');
    expectNone('First guess $\\boxed{3}$. Re-deriving with the correct bound we get $\\boxed{\\frac{7}{', 'truncated');
    expectNone('Putting it together, the answer is \\boxed', 'truncated');
  });

  test('anchors inside a box belong to it, and an empty box is only a mention', () => {
    expectFound('\\boxed{\\text{The answer is } 5}', '\\text{The answer is } 5', 'boxed');
    expectFound('I will put the result in \\boxed{}.\nThe total is 14.', '14', 'last-number');
  });
});

describe('<think> blocks', () => {
  test('R1-style thinking is ignored', () => {
    const r1 = '<think>\nThe answer is 20? Trying x=4 gives 20, too small; \\boxed{4} is wrong. x=5 gives 25.\n</think>\nFinal answer: 5';
    expectFound(r1, '5', 'final-answer');
    expectFound('<think>maybe 3 or 4</think>\n\nThe sum is $\\boxed{7}$.', '7', 'boxed');
    expectFound('The model begins mid-thought, its <think> was in the prompt... \\boxed{9}</think>The answer is 8.', '8', 'answer-is');
  });

  test('an unclosed <think> hides everything after it', () => {
    expectNone('<think>Let me compute. 3 + 4 = 7, so the answer is \\boxed{7', 'truncated');
    expectNone('<think>Let me compute. 3 + 4 = 7, so the answer is 7.', 'truncated');
    expectFound('The answer is 7. <think>hmm, should I double check', '7', 'answer-is');
    expectNone('<think>The answer is 5.</think>\n', 'no-answer');
    const longThought = `<think>${'Consider the next case. '.repeat(1000)}So the answer is 12.`;
    expectNone(longThought, 'truncated');
    expectFound(`${longThought}</think>\nThe answer is 13.`, '13', 'answer-is');
  });
});

describe('last-number fallback', () => {
  test.each([
    ['The net change is -12', '-12'],
    ['The total revenue is -1,234.5 dollars.', '-1,234.5'],
    ['The probability is 3/4.', '3/4'],
    ['The answer, in scientific notation, comes to 1.5e3.', '1.5e3'],
    ['About 45% of the class passed.', '45%'],
    ['So the price increased by 40\\%.', '40\\%'],
    ['Each ticket costs $12', '12'],
    ['She needs 2 1/2 cups of flour.', '2 1/2'],
    ['So the population is about 420,000.', '420,000'],
    ['Thus $x = 3/7$.', '3/7'],
    ['The set is $\\{2, 1\\}$.', '\\{2, 1\\}'],
    ['Squaring, we get $x = 2^{10}$.', '2^{10}'],
    ['Out of 100 students, 45 like tea, so 55 like coffee.', '55'],
    ['Factoring, $(x-2)(x-3)=0$, so $x=2$ or $x=3$.', '2, 3'],
    ['The roots are $x = 2$ and $x = 3$.', '2, 3'],
    ['In lowest terms the ratio is \\frac{3}{7} here', '\\frac{3}{7}'],
  ])('%s -> %s', (text, answer) => {
    expect(extractFinalAnswer(text)).toMatchObject({ status: 'found', answer, source: 'last-number' });
  });

  test.each([
    "Sorry, I don't know.",
    "As an AI language model, I'm unable to help with that request.",
    "I can't determine the value of x from the 3 equations given.",
    'I cannot solve this problem without the figure for part 2.',
    "I'm not sure, but 12 seems plausible.",
    'It is unable to determine 5 values from this.',
    'The problem is ambiguous, so there is no unique answer.',
    "Let me think... I\u2019m sorry, I ran out of time before finishing 3 of the 4 cases.",
  ])('refusal: %s', (text) => expectNone(text, 'refusal'));

  test.each([
    'It is either 4 or 5.',
    'I get 4 or 5 depending on rounding.',
    'The value is maybe 4.',
    'So the count is somewhere between 4 and 5.',
    'It could be 3 or 4.',
    'The result is $4$ or $5$.',
    'Probably 17.',
  ])('hedge: %s', (text) => expectNone(text, 'hedge'));

  test('a number inside an expression is no answer', () => {
    expectNone('Therefore the area is 4\\pi square units.', 'no-answer');
    expectNone('So we end with 2^{10} ways', 'no-answer');
    expectNone('The result is 3x + 2', 'no-answer');
    expectNone('No digits here, just words.', 'no-answer');
  });

  test('empty input is empty; a response of thinking alone has no answer', () => {
    expectNone('', 'empty');
    expectNone(' \n\t ', 'empty');
    expectNone('<think>3 + 4 = 7</think>', 'no-answer');
  });
});

describe('caps', () => {
  test('only the tail is scanned', () => {
    const text = `The answer is 41.\n${'Some unrelated discussion follows here. '.repeat(300)}`;
    expect(text.length).toBeGreaterThan(8192);
    expectNone(text, 'no-answer');
    expect(answerOf(text, { maxScanChars: text.length })).toBe('41');
    expect(extractFinalAnswer(`\\boxed{3}${'x'.repeat(100)}`, { maxScanChars: 50 })).toEqual({ status: 'none', reason: 'no-answer' });
  });

  test('an answer longer than maxAnswerChars is no answer (the output is complete, the answer unusable)', () => {
    const long = `\\boxed{${'1+'.repeat(600)}1}`;
    expectNone(long, 'no-answer');
    expect(answerOf(long, { maxAnswerChars: 2000 })).toBe(`${'1+'.repeat(600)}1`);
    expectNone(`FINAL ANSWER: ${'x'.repeat(2000)}`, 'no-answer');
  });

  test('spans point into the original text, not the scanned tail', () => {
    const text = `${'filler '.repeat(2000)}\n#### 72`;
    const extraction = extractFinalAnswer(text);
    expect(extraction).toMatchObject({ status: 'found', answer: '72', span: [text.length - 2, text.length] });
  });
});

describe('public math cases fixture', () => {
  const fixture = fileURLToPath(new URL('../../../shared/data/math-cases-public.jsonl', import.meta.url));
  const rows = readFileSync(fixture, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as { id: string; category: string; gold: string; prediction: string; expected: boolean });

  test('every row extracts consistently; refusals and adversarial rows never come from the last-number fallback', () => {
    const table = rows.map((row) => {
      const extraction = Extraction.parse(extractFinalAnswer(row.prediction));
      expect(isConsistent(row.prediction, extraction), row.id).toBe(true);
      if ((row.category === 'refusals' || row.category === 'malformed_adversarial') && !row.expected) {
        expect(extraction.status === 'found' && extraction.source, row.id).not.toBe('last-number');
      }
      return {
        id: row.id,
        category: row.category,
        expected: row.expected,
        source: extraction.status === 'found' ? extraction.source : `none:${extraction.reason}`,
        answer: extraction.status === 'found' ? extraction.answer.slice(0, 40) : '',
      };
    });
    const counts = new Map<string, number>();
    for (const row of table) counts.set(row.source, (counts.get(row.source) ?? 0) + 1);
    console.table(table);
    console.log('sources:', Object.fromEntries(counts));
    expect(table).toHaveLength(140);
  });

  test('the extraction rows give the intended answers', () => {
    const expected: Record<string, string | undefined> = {
      'pub-101': '7', 'pub-102': '7', 'pub-103': '7', 'pub-104': '\\left\\{1, 2\\right\\}', 'pub-105': '\\{1, 2\\}',
      'pub-107': '\\sqrt[3]{2}', 'pub-108': '12', 'pub-109': '12 students', 'pub-110': '42', 'pub-111': '24',
      'pub-112': '(2, 3)', 'pub-113': '5', 'pub-114': '$1250', 'pub-115': '-4', 'pub-116': '3.50', 'pub-117': '15',
      'pub-118': '-12', 'pub-119': '55', 'pub-120': '2', 'pub-121': '1, 2, 3, 4', 'pub-122': '0.5', 'pub-015': '2 1/2',
      'pub-037': '420,000', 'pub-042': '40\\%', 'pub-054': '(A)', 'pub-081': '2, 3', 'pub-082': '2, 3', 'pub-069': '\\{2, 1\\}',
      'pub-123': undefined, 'pub-124': undefined, 'pub-125': undefined, 'pub-126': undefined, 'pub-127': undefined,
      'pub-128': undefined, 'pub-129': undefined, 'pub-131': undefined,
    };
    for (const row of rows) {
      if (row.id in expected) expect(answerOf(row.prediction), row.id).toBe(expected[row.id]);
    }
  });
});

const fragments = [
  '\\boxed{', '\\boxed', '\\fbox{', '{', '}', '\\{', '\\}', '\\\\', ' ', '\n', '\n\n', '.', ',', 'The answer is ', 'answer: ',
  'Final Answer: ', 'FINAL ANSWER:', 'The final answer is ', '####', '#### ', '<think>', '</think>', '<answer>', '</answer>',
  '**', '$', '$$', '\\(', '\\)', '\\[', '\\]', '1', '23', '-', '−', '/', '%', '\\%', 'e', 'x', '=', ' or ', ' and ', 'sorry',
  'maybe', 'between', '\\frac', '\\frac{1}{2}', '(A)', '^', '_', 'İ', '\u2019', '😀', '\ud800',
];
const responseText = fc.oneof(fc.array(fc.constantFrom(...fragments), { maxLength: 60 }).map((parts) => parts.join('')), fc.string({ maxLength: 200 }));
const extractOptions = fc.record({ maxScanChars: fc.integer({ min: 1, max: 400 }), maxAnswerChars: fc.integer({ min: 1, max: 100 }) }, { requiredKeys: [] });

describe('properties', () => {
  test('any input gives a valid extraction whose answer is the text under its span (or its joined parts)', () => {
    fc.assert(
      fc.property(responseText, extractOptions, (text, options) => {
        for (const extraction of [extractFinalAnswer(text), extractFinalAnswer(text, options)]) {
          expect(Extraction.safeParse(extraction).success).toBe(true);
          expect(isConsistent(text, extraction)).toBe(true);
          if (extraction.status === 'found' && text.slice(...extraction.span) !== extraction.answer) {
            expect(['boxed', 'last-number']).toContain(extraction.source);
          }
        }
      }),
      { numRuns: 2000 },
    );
  });

  test('adversarial megabyte inputs take linear time, scanned whole or by the tail', () => {
    const megabyte = 1 << 20;
    const fill = (unit: string) => unit.repeat(Math.ceil(megabyte / unit.length));
    const inputs = [
      fill('\\boxed{'), fill('{'), fill('}'), fill('1'), fill('1,000'), fill('$a '), fill('$'), fill('**'), fill('**a\n'),
      fill('The answer is '), fill('Answer: '), fill('#### '), fill('<think>'), fill('</think>'), fill('<answer>'),
      fill('\\('), fill('\\frac{1}{2}'), fill('\\boxed{1} and '), fill('sorry '), fill(' or 4'), `${fill('\\boxed{')}${fill('}')}`,
      `${fill('x')}\\boxed{7}`,
    ];
    let slowest = 0;
    for (const text of inputs) {
      for (const options of [{}, { maxScanChars: Number.POSITIVE_INFINITY }]) {
        const started = performance.now();
        extractFinalAnswer(text, options);
        const elapsed = performance.now() - started;
        slowest = Math.max(slowest, elapsed);
        expect(elapsed, `${text.slice(0, 12)} ${JSON.stringify(options)}`).toBeLessThan(5000);
      }
    }
    console.log(`slowest 1 MB extraction: ${slowest.toFixed(1)} ms`);
  });

  test('random megabyte-scale inputs never throw', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...fragments), { minLength: 1, maxLength: 8 }), fc.integer({ min: 1000, max: 60000 }), (parts, times) => {
        const text = parts.join('').repeat(times);
        const started = performance.now();
        const extraction = extractFinalAnswer(text, { maxScanChars: Number.POSITIVE_INFINITY });
        expect(performance.now() - started).toBeLessThan(5000);
        expect(isConsistent(text, extraction)).toBe(true);
      }),
      { numRuns: 30 },
    );
  });
});

describe('retracted answers', () => {
  test('an answer taken back afterwards without a new anchor is no answer', () => {
    for (const text of [
      'The answer is 5. Wait, that is wrong. Let me redo it: 2*3 = 6.',
      'The answer is 5. Actually, no: the answer should be 6.',
      'The answer is $5$. Hmm, wait. Recomputing, 2+4 = 6, so the total is 6.',
      '$\\boxed{5}$ Oops, I made an error in step 2.',
      'so we get 5. Wait, I think I made a mistake.',
    ]) {
      expect(extractFinalAnswer(text)).toEqual({ status: 'none', reason: 'retracted' });
    }
  });

  test('a later anchor after the retraction is the answer, and a confirmation is no retraction', () => {
    expect(extractFinalAnswer('The answer is 10. Wait, I made an error. The answer is 12.')).toMatchObject({ status: 'found', answer: '12' });
    expect(extractFinalAnswer('The answer is 5. Let me double check: 2+3=5. Yes.')).toMatchObject({ status: 'found', answer: '5' });
    expect(extractFinalAnswer('<think>wait, actually 6?</think>The answer is 5.')).toMatchObject({ status: 'found', answer: '5' });
  });
});

describe('numbers and boxes that are not the value', () => {
  test('a last number naming a part of the text (section 4, step 3) is no answer', () => {
    expect(extractFinalAnswer('The result is 3.\n\nNote: see section 4.')).toEqual({ status: 'none', reason: 'no-answer' });
    expect(extractFinalAnswer('We are done, as in Step 3')).toEqual({ status: 'none', reason: 'no-answer' });
    expect(extractFinalAnswer('so there are 12 apples')).toMatchObject({ status: 'found', answer: '12' });
  });

  test('a box raised to a power is not the answer; a box before ^\\circ is', () => {
    expect(extractFinalAnswer('so $$\\boxed{3}^2$$ in all')).toEqual({ status: 'none', reason: 'no-answer' });
    expect(extractFinalAnswer('the angle is $\\boxed{30}^\\circ$')).toMatchObject({ status: 'found', answer: '30' });
    expect(extractFinalAnswer('the angle is $\\boxed{30}^{\\circ}$')).toMatchObject({ status: 'found', answer: '30' });
  });
});

describe('final-answer headings and contradicted fallbacks', () => {
  const answerOf = (text: string): string | undefined => {
    const extraction = extractFinalAnswer(text);
    return extraction.status === 'found' ? extraction.answer : undefined;
  };

  test('a "Final Answer" heading takes the value on the next non-blank line', () => {
    expect(extractFinalAnswer('Work.\n\n**Final Answer**\n\n5')).toMatchObject({ status: 'found', answer: '5', source: 'final-answer' });
    expect(answerOf('## Final Answer\n$\\frac{3}{4}$')).toBe('\\frac{3}{4}');
    expect(answerOf('### Final Answer:\n\n-12')).toBe('-12');
    // prose under the heading is not read as the answer by the heading rule
    expect(extractFinalAnswer('## Final Answer\nThe number of apples is 12').status === 'found' && extractFinalAnswer('## Final Answer\nThe number of apples is 12')).toMatchObject({ source: 'last-number' });
    // "final answer" inside a sentence is not a heading
    expect(extractFinalAnswer('We check the final answer\n\n5 times over')).not.toMatchObject({ source: 'final-answer' });
  });

  test('a last number that the text after it takes back or asks about is no answer', () => {
    expect(extractFinalAnswer('$x=3$ is a root, but we need the other one.')).toEqual({ status: 'none', reason: 'no-answer' });
    expect(extractFinalAnswer('Could the answer be 4?')).toEqual({ status: 'none', reason: 'no-answer' });
    expect(extractFinalAnswer('Adding them gives 6, which is not what we want.')).toEqual({ status: 'none', reason: 'no-answer' });
    expect(answerOf('So she has 18 apples left in the basket.')).toBe('18');
    // an anchor is not second-guessed by words after it
    expect(answerOf('The answer is 7. No other value works, but that is fine.')).toBe('7');
  });
});

describe('rejected alternatives after an anchored answer', () => {
  test('", not 8", "(not 13)" and "rather than" end the answer; words inside braces do not', () => {
    const answerOf = (text: string) => {
      const extraction = extractFinalAnswer(text);
      return extraction.status === 'found' ? extraction.answer : undefined;
    };
    expect(answerOf('The answer is 7, not 8.')).toBe('7');
    expect(answerOf('So the answer is 12 (not 13).')).toBe('12');
    expect(answerOf('The answer is 5 rather than 6.')).toBe('5');
    expect(answerOf('The answer is \\text{not possible}.')).toBe('\\text{not possible}');
  });
});
