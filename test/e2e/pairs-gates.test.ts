import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { runCli } from '../helpers/run-cli.js';

const directory = mkdtempSync(join(tmpdir(), 'veridata-pairs-gates-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

const path = (name: string) => join(directory, name);
const readJsonl = (file: string): Record<string, unknown>[] => readFileSync(file, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);
const normalized = (text: string) => text.trim().replace(/\s+/g, ' ').toLowerCase();

describe('veridata pairs', () => {
  test('verdicts in, pairs out; a solver log works the same; bad input names file, line and field', async () => {
    const verdict = (status: string) => ({ status, score: status === 'pass' ? 1 : 0, reason: status === 'pass' ? 'equivalent' : 'not-equivalent', verifier: 'math', details: {} });
    writeFileSync(
      path('verdicts.jsonl'),
      [
        { prompt: '2+2=?', output: 'The answer is 4.', verdict: verdict('pass'), trace_id: 'a' },
        { prompt: '2+2=?', output: 'The answer is 5.', verdict: verdict('fail'), trace_id: 'b' },
        { prompt: 'Write f', output: 'def f(): return 1', verifier: { name: 'pytest', passed: true }, trace_id: 'c', meta: {} },
        { prompt: 'Write f', output: 'def f(): return 2', verifier: { name: 'pytest', passed: false }, trace_id: 'd', meta: {} },
      ]
        .map((line) => JSON.stringify(line))
        .join('\n'),
    );
    const run = await runCli(['pairs', '--in', path('verdicts.jsonl'), '--out', path('pairs.jsonl'), '--json']);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ pairs: 2, prompts: 2 });
    expect(readJsonl(path('pairs.jsonl')).map((pair) => [pair.chosen, pair.rejected, (pair.meta as { verifier: string }).verifier])).toEqual([
      ['The answer is 4.', 'The answer is 5.', 'math'],
      ['def f(): return 1', 'def f(): return 2', 'pytest'],
    ]);

    writeFileSync(path('bad.jsonl'), `${JSON.stringify({ prompt: 'p', output: 'x' })}\n${JSON.stringify({ prompt: 'p', output: 'y', verdict: { status: 'pass', score: 7, reason: 'r', verifier: 'v', details: {} } })}\n`);
    const bad = await runCli(['pairs', '--in', path('bad.jsonl'), '--out', path('bad-pairs.jsonl')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(`[INVALID_RECORD] ${path('bad.jsonl')}:2: field "verdict.score"`);
  });
});

describe('veridata gates', () => {
  test('a gen set with --test-out passes every gate against its own test set', async () => {
    const gen = await runCli(['gen', 'arith', '--count', '3000', '--seed', '7', '--format', 'dpo', '--out', path('train.jsonl'), '--test-out', path('test.jsonl'), '--test-count', '400', '--json']);
    expect(gen.code).toBe(0);
    const gates = await runCli(['gates', '--in', path('train.jsonl'), '--against', path('test.jsonl'), '--json']);
    expect(gates.stderr).not.toContain('[INTERNAL]');
    const report = JSON.parse(gates.stdout) as { passed: boolean; gates: { gate: string; status: string; value: number }[] };
    expect(report.gates.find((gate) => gate.gate === 'decontamination')).toMatchObject({ status: 'pass', value: 1 });
    expect(report.passed).toBe(true);
    expect(gates.code).toBe(0);
  });

  test('a word-problem set passes decontamination against its own test set: shared template wording with other numbers is not an overlap', async () => {
    // gen keeps every test problem (scenario and numbers) out of training, but the templates' wording recurs in both.
    const gen = await runCli(['gen', 'word', '--count', '5000', '--seed', '3', '--format', 'dpo', '--out', path('word.jsonl'), '--test-out', path('word-test.jsonl'), '--test-count', '400', '--json']);
    expect(gen.code, gen.stderr).toBe(0);
    const gates = await runCli(['gates', '--in', path('word.jsonl'), '--against', path('word-test.jsonl'), '--json']);
    const report = JSON.parse(gates.stdout) as { gates: { gate: string; status: string; value: number; detail: string }[]; benchmarks: { seen: number }[] };
    expect(report.gates.find((gate) => gate.gate === 'decontamination')).toMatchObject({ status: 'pass', value: 1 });
    expect(report.benchmarks[0]).toMatchObject({ seen: 0 });
  });

  test('a set whose test questions overlap its training questions fails decontamination and says how many', async () => {
    // The notebook's mistake: a "test" set drawn from the same generator as training.
    expect((await runCli(['gen', 'arith', '--count', '20000', '--seed', '1', '--format', 'dpo', '--out', path('nb-train.jsonl')])).code).toBe(0);
    // (`gen --format test` would draw from the reserved share; the notebook drew its test set like its training set.)
    expect((await runCli(['gen', 'arith', '--count', '400', '--seed', '2', '--format', 'sft', '--out', path('nb-draw.jsonl')])).code).toBe(0);
    writeFileSync(path('nb-test.jsonl'), readJsonl(path('nb-draw.jsonl')).map((item) => `${JSON.stringify({ question: item.prompt })}\n`).join(''));
    const trainPrompts = new Set(readJsonl(path('nb-train.jsonl')).map((pair) => normalized(String(pair.prompt))));
    const overlapping = readJsonl(path('nb-test.jsonl')).filter((item) => trainPrompts.has(normalized(String(item.question)))).length;
    expect(overlapping).toBeGreaterThan(40); // independent count: ~20k of ~50k questions drawn, so a third or more recur

    const gates = await runCli(['gates', '--in', path('nb-train.jsonl'), '--against', path('nb-test.jsonl'), '--json']);
    expect(gates.code).toBe(1);
    const report = JSON.parse(gates.stdout) as { passed: boolean; failed: string[]; gates: { gate: string; detail: string; value: number }[] };
    expect(report.failed).toContain('decontamination');
    const decontamination = report.gates.find((gate) => gate.gate === 'decontamination')!;
    expect(decontamination.detail).toContain(`${overlapping} of 400 benchmark items appear in the pairs`);
    expect(decontamination.value).toBeCloseTo((400 - overlapping) / 400, 6);
    expect(gates.stderr).toContain('[CHECK_FAILED]');
  });

  test('conflicting preferences fail; the readable table names the gate', async () => {
    const pair = (chosen: string, rejected: string) => JSON.stringify({ prompt: 'p', chosen, rejected, chosen_score: 1, rejected_score: 0, margin: 1, meta: {} });
    writeFileSync(path('conflict.jsonl'), `${pair('A', 'B')}\n${pair('B', 'A')}\n`);
    const gates = await runCli(['gates', '--in', path('conflict.jsonl'), '--min-pairs', '1', '--json']);
    expect(gates.code).toBe(1);
    const report = JSON.parse(gates.stdout) as { failed: string[] };
    expect(report.failed).toEqual(['conflicts']);
  });
});
