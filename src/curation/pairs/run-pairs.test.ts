import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { VeridataError } from '../../core/errors.js';
import { Pair, pairId } from '../../core/schemas/pair.js';
import { PairRulesOptions } from './pair-rules.js';
import { runPairs } from './run-pairs.js';

const verdict = (status: 'pass' | 'fail' | 'error', reason = status === 'pass' ? 'equivalent' : 'not-equivalent') => ({ status, score: status === 'pass' ? 1 : 0, reason, verifier: 'math', details: {} });

function files(lines: readonly unknown[]): { input: string; output: string } {
  const directory = mkdtempSync(join(tmpdir(), 'veridata-pairs-'));
  const input = join(directory, 'in.jsonl');
  writeFileSync(input, lines.map((line) => (typeof line === 'string' ? line : JSON.stringify(line))).join('\n') + '\n');
  return { input, output: join(directory, 'pairs.jsonl') };
}

const read = (path: string): Record<string, unknown>[] => readFileSync(path, 'utf8').trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);

describe('runPairs', () => {
  test('pairs interleaved responses per prompt, in order of first appearance, as Pair records with meta saying why', async () => {
    const { input, output } = files([
      { prompt: '2+2=?', output: 'The answer is 4.', verdict: verdict('pass'), model: 'big', trace_id: 't1' },
      { prompt: '3+3=?', output: 'I do not know.', verdict: verdict('fail', 'no-answer'), model: 'small' },
      { prompt: '2+2=?', output: 'The answer is 5.', verdict: verdict('fail'), model: 'small', trace_id: 't2' },
      { prompt: '3+3=?', output: '6', verdict: verdict('pass') },
      { prompt: '4+4=?', output: '8', verdict: verdict('pass') },
    ]);
    const summary = await runPairs({ in: input, out: output, rules: PairRulesOptions.parse({}) });
    const pairs = read(output);
    expect(pairs.map((pair) => [pair.prompt, pair.chosen, pair.rejected])).toEqual([
      ['2+2=?', 'The answer is 4.', 'The answer is 5.'],
      ['3+3=?', '6', 'I do not know.'],
    ]);
    for (const pair of pairs) expect(Pair.safeParse(pair).success).toBe(true);
    expect(pairs[0]).toMatchObject({
      id: pairId('2+2=?', 'The answer is 4.', 'The answer is 5.'),
      chosen_score: 1,
      rejected_score: 0,
      margin: 1,
      meta: { pair_rule: 'verifier', verifier: 'math', chosen_model: 'big', rejected_model: 'small', trace_id: { chosen: 't1', rejected: 't2' }, rejected_reason: 'not-equivalent' },
    });
    expect(summary).toMatchObject({ responses: 5, prompts: 3, promptsWithoutPair: 1, pairs: 2, standings: { pass: 3, fail: 2, unverified: 0 } });
  });

  test('reads exported solver logs: passed is score 1, failed 0, with trace ids and the verifier kept', async () => {
    const { input, output } = files([
      { prompt: 'Write f', output: 'def f(): return 1', verifier: { name: 'pytest', passed: true }, trace_id: 'a', meta: {} },
      { prompt: 'Write f', output: 'def f(): return 2', verifier: { name: 'pytest', passed: false }, trace_id: 'b', meta: {} },
    ]);
    await runPairs({ in: input, out: output, rules: PairRulesOptions.parse({}) });
    expect(read(output)).toMatchObject([{ chosen: 'def f(): return 1', chosen_score: 1, rejected_score: 0, meta: { verifier: 'pytest', trace_id: { chosen: 'a', rejected: 'b' } } }]);
  });

  test('judge scores: tiebreak between passes; fallback places undecided responses; never over a fail', async () => {
    const { input, output } = files([
      { prompt: 'p', output: 'short pass', verdict: verdict('pass'), judge_score: 0.3 },
      { prompt: 'p', output: 'clear pass', verdict: verdict('pass'), judge_score: 0.9 },
      { prompt: 'q', output: 'undecided good', verdict: verdict('error', 'guard'), judge: { score: 0.8 } },
      { prompt: 'q', output: 'undecided bad', verdict: verdict('error', 'guard'), judge: { score: 0.1 } },
      { prompt: 'r', output: 'wrong but loved', verdict: verdict('fail'), judge_score: 1 },
      { prompt: 'r', output: 'unsure', verdict: verdict('error', 'guard'), judge_score: 0.2 },
    ]);
    await runPairs({ in: input, out: output, rules: PairRulesOptions.parse({ judge: 'fallback' }) });
    expect(read(output).map((pair) => [pair.chosen, pair.rejected, (pair.meta as { pair_rule: string }).pair_rule])).toEqual([
      ['clear pass', 'short pass', 'judge-tiebreak'],
      ['undecided good', 'undecided bad', 'judge-fallback'],
    ]);
  });

  test('a bad line names file, line and field, and leaves no output; --skip-invalid counts it instead', async () => {
    const { input, output } = files([{ prompt: 'p', output: 'a', verdict: verdict('pass') }, { prompt: 'p', verdict: verdict('fail') }, { prompt: 'p', output: 'b', verdict: { status: 'maybe' } }, 'not json']);
    const error = await runPairs({ in: input, out: output, rules: PairRulesOptions.parse({}) }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(VeridataError);
    expect((error as VeridataError).message).toBe(`${input}:2: field "response": missing (also looked for output, completion)`);
    expect(existsSync(output)).toBe(false);
    const summary = await runPairs({ in: input, out: output, rules: PairRulesOptions.parse({}), skipInvalid: true });
    expect(summary.skippedInvalid).toBe(3);
    expect(summary.skippedExamples[1]).toContain(':3: field "verdict.status"');
    expect(read(output)).toEqual([]);
  });

  test('spilling to disk gives the same file as grouping in memory', async () => {
    const lines = Array.from({ length: 400 }, (_, index) => ({ prompt: `q${index % 37}`, output: `answer ${index % 11}`, verdict: verdict(index % 3 === 0 ? 'pass' : 'fail') }));
    const { input, output } = files(lines);
    await runPairs({ in: input, out: output, rules: PairRulesOptions.parse({ strategy: 'all-pass-fail' }) });
    const inMemory = readFileSync(output, 'utf8');
    await runPairs({ in: input, out: output, rules: PairRulesOptions.parse({ strategy: 'all-pass-fail' }), memoryBudget: 100 });
    expect(readFileSync(output, 'utf8')).toBe(inMemory);
    expect(inMemory.length).toBeGreaterThan(0);
  });
});

describe('runPairs safeguards', () => {
  test('responses sharing a problem_id but answering different prompts are never paired', async () => {
    const { input, output } = files([
      { problem_id: 'p1', prompt: 'What is 2+2?', output: '4', verdict: verdict('pass') },
      { problem_id: 'p1', prompt: 'What is 3+3?', output: '5', verdict: verdict('fail') },
    ]);
    const summary = await runPairs({ in: input, out: output, rules: PairRulesOptions.parse({}) });
    expect(summary.pairs).toBe(0);
    expect(summary.prompts).toBe(2);
  });

  test('a pass counts 1 in the scores (never a negative margin), and scores are written as floats', async () => {
    const { input, output } = files([
      { prompt: 'p', output: 'graded pass', verdict: { ...verdict('pass'), score: 0.4 } },
      { prompt: 'p', output: 'close fail', verdict: { ...verdict('fail'), reason: 'tests-failed', score: 0.9 } },
    ]);
    await runPairs({ in: input, out: output, rules: PairRulesOptions.parse({}) });
    const text = readFileSync(output, 'utf8');
    expect(text).toContain('"chosen_score":1.0,"rejected_score":0.9,"margin":0.1,');
    expect(read(output)[0]).toMatchObject({ chosen: 'graded pass', rejected: 'close fail' });
  });

  test('the input file is never the output, whatever its spelling', async () => {
    const { input } = files([{ prompt: 'p', output: 'a', verdict: verdict('pass') }]);
    const before = readFileSync(input, 'utf8');
    const sameFile = join(input, '..', '.', 'in.jsonl');
    await expect(runPairs({ in: input, out: sameFile, rules: PairRulesOptions.parse({}) })).rejects.toThrow('is the input file');
    expect(readFileSync(input, 'utf8')).toBe(before);
  });

  test('a prompt with thousands of responses pairs within the cap without enumerating every pass x fail', async () => {
    const lines = Array.from({ length: 6000 }, (_, index) => ({ prompt: 'busy', output: `answer ${index}`, verdict: verdict(index % 2 === 0 ? 'pass' : 'fail') }));
    const { input, output } = files(lines);
    const summary = await runPairs({ in: input, out: output, rules: PairRulesOptions.parse({ strategy: 'all-pass-fail', maxPerPrompt: 3 }) });
    expect(summary.pairs).toBe(3);
    expect(read(output).map((pair) => [pair.chosen, pair.rejected])).toEqual([
      ['answer 0', 'answer 1'],
      ['answer 2', 'answer 3'],
      ['answer 4', 'answer 5'],
    ]);
  });
});
