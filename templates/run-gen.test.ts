import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { outputFormats } from './formats.js';
import type { GenerationPlan } from './generate.js';
import { templates } from './index.js';
import { parseNegativeMix } from './negatives.js';
import { runGen } from './run-gen.js';

const directory = mkdtempSync(join(tmpdir(), 'veridata-run-gen-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

function planFor(family: string, overrides: Partial<GenerationPlan> = {}): GenerationPlan {
  const template = templates.get(family);
  return {
    template,
    config: template.config.parse({}),
    count: 100,
    seed: 1,
    format: outputFormats.get('notebook'),
    negatives: parseNegativeMix('refusal'),
    unique: false,
    shard: { index: 0, count: 1 },
    heldOutShare: 0.05,
    ...overrides,
  };
}

describe('runGen checks the test set before writing training', () => {
  test('a test set larger than the held-out share fails at once, and neither file is left behind', async () => {
    const [out, testOut] = [join(directory, 'big.jsonl'), join(directory, 'big-test.jsonl')];
    const started = performance.now();
    await expect(runGen(planFor('arith', { count: 5_000_000 }), { out, testOut, testCount: 5000, workers: 1 })).rejects.toMatchObject({
      code: 'SPACE_EXHAUSTED',
      message: expect.stringMatching(/asked for 5000 test questions, but only \d+ of the 52792 questions/),
    });
    // Five million training lines take seconds; the check takes a scan of 52792 questions.
    expect(performance.now() - started).toBeLessThan(3000);
    expect(existsSync(out)).toBe(false);
    expect(existsSync(testOut)).toBe(false);
    expect(readdirSync(directory).filter((name) => name.startsWith('big'))).toEqual([]);
  });

  test('--held-out 0 with a test file is refused before anything is made', async () => {
    const [out, testOut] = [join(directory, 'none.jsonl'), join(directory, 'none-test.jsonl')];
    await expect(runGen(planFor('word', { heldOutShare: 0 }), { out, testOut, testCount: 1, workers: 1 })).rejects.toMatchObject({
      code: 'SPACE_EXHAUSTED',
      message: expect.stringContaining('--held-out 0 reserves no question'),
    });
    expect(existsSync(out)).toBe(false);
  });

  test('--format test with --test-out would write the same questions twice: refused', async () => {
    const [out, testOut] = [join(directory, 'twice.jsonl'), join(directory, 'twice-test.jsonl')];
    await expect(
      runGen(planFor('arith', { format: outputFormats.get('test') }), { out, testOut, testCount: 10, workers: 1 }),
    ).rejects.toMatchObject({ code: 'INVALID_OPTION' });
    expect(existsSync(out)).toBe(false);
  });
});

describe('runGen summary', () => {
  test('each phase has its own rate, the test set counts one question per line, and records its held-out share', async () => {
    const [out, testOut] = [join(directory, 'word.jsonl'), join(directory, 'word-test.jsonl')];
    const summary = await runGen(planFor('word', { count: 10, format: outputFormats.get('sft') }), { out, testOut, testCount: 3000, workers: 1 });
    expect(summary.lines).toBe(10);
    expect(summary.uniqueQuestions).toBeLessThanOrEqual(summary.lines);
    expect(summary.distinctQuestion).toBe(templates.get('word').distinctQuestion);
    expect(summary.test).toMatchObject({ out: testOut, lines: 3000, uniqueQuestions: 3000, heldOutShare: 0.05 });
    // Review 3.6: 251 s of test generation divided among 10 training lines gave 0.04 items/s.
    expect(summary.itemsPerSecond).toBeCloseTo(10 / summary.seconds, 3);
    expect(summary.test!.itemsPerSecond).toBeCloseTo(3000 / summary.test!.seconds, 3);
    expect(summary.totalSeconds).toBeGreaterThanOrEqual(summary.seconds + summary.test!.seconds);
    const questions = readFileSync(testOut, 'utf8').trimEnd().split('\n').map((line) => JSON.parse(line).question);
    expect(new Set(questions).size).toBe(3000);
    for (const line of readFileSync(out, 'utf8').trimEnd().split('\n')) expect(JSON.parse(line).meta.held_out_share).toBe(0.05);
  });
});
