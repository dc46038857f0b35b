import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, test } from 'vitest';
import { normalizeText } from './text/normalize.js';
import { SplitOptions, assignSplit, runSplit, validateShares } from './split.js';

const directory = mkdtempSync(join(tmpdir(), 'veridata-split-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));
let counter = 0;

function file(lines: readonly object[]): string {
  counter += 1;
  const path = join(directory, `in-${counter}.jsonl`);
  writeFileSync(path, lines.map((line) => `${JSON.stringify(line)}\n`).join(''));
  return path;
}

const readLines = (path: string) => (existsSync(path) ? readFileSync(path, 'utf8').split('\n').filter(Boolean) : []);
const records = (path: string) => readLines(path).map((line) => JSON.parse(line) as Record<string, unknown>);

async function split(input: string, extra: Partial<SplitOptions> = {}) {
  counter += 1;
  const outDir = join(directory, `out-${counter}`);
  const summary = await runSplit(SplitOptions.parse({ in: input, outDir, ...extra }));
  return { summary, train: join(outDir, 'train.jsonl'), val: join(outDir, 'val.jsonl'), test: join(outDir, 'test.jsonl') };
}

describe('split', () => {
  test('every row of a prompt lands in one split, whatever its case or spacing; lines are kept as they were', async () => {
    const rows = Array.from({ length: 600 }, (_, index) => {
      const question = `${index % 150}+${(index % 150) * 7}=?`;
      return { id: `r${index}`, prompt: index % 2 === 0 ? question : ` ${question.toUpperCase()}  ` };
    });
    const input = file(rows);
    const { summary, train, val, test: testFile } = await split(input, { train: 0.7, val: 0.2, test: 0.1, seed: 3 });
    expect(summary).toMatchObject({ rows: 600, groups: 150 });
    const splitOf = new Map<string, string>();
    for (const [name, path] of [['train', train], ['val', val], ['test', testFile]] as const) {
      for (const record of records(path)) {
        const key = normalizeText(String(record.prompt));
        expect(splitOf.get(key) ?? name).toBe(name);
        splitOf.set(key, name);
      }
    }
    expect(splitOf.size).toBe(150);
    const inputLines = new Set(readLines(input));
    for (const line of [...readLines(train), ...readLines(val), ...readLines(testFile)]) expect(inputLines.has(line)).toBe(true);
  });

  test('a dedup_cluster column keeps paraphrases together and is used by default', async () => {
    const rows = Array.from({ length: 400 }, (_, index) => ({ prompt: `paraphrase ${index}`, dedup_cluster: `c${index % 40}` }));
    const { summary, train, val } = await split(file(rows), { seed: 9 });
    expect(summary.groupBy).toBe('dedup_cluster');
    expect(summary.groups).toBe(40);
    const trainClusters = new Set(records(train).map((record) => record.dedup_cluster));
    for (const record of records(val)) expect(trainClusters.has(record.dedup_cluster)).toBe(false);
  });

  test('shares come out close to those asked for, by groups', async () => {
    const rows = Array.from({ length: 20_000 }, (_, index) => ({ prompt: `question number ${index}` }));
    const { summary } = await split(file(rows), { train: 0.8, val: 0.1, test: 0.1, seed: 1 });
    const shares = Object.fromEntries(summary.splits.map((part) => [part.name, part.rowShare]));
    expect(shares.train).toBeCloseTo(0.8, 1);
    expect(Math.abs(shares.train! - 0.8)).toBeLessThan(0.015);
    expect(Math.abs(shares.val! - 0.1)).toBeLessThan(0.015);
    expect(Math.abs(shares.test! - 0.1)).toBeLessThan(0.015);
  });

  test('the same seed gives the same files; the order rows arrive in changes nothing but their order', async () => {
    const prompts = Array.from({ length: 30 }, (_, index) => `prompt ${index}`);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.constantFrom(...prompts), { minLength: 1, maxLength: 40 }), fc.nat({ max: 5 }), async (chosen, seed) => {
        const rows = chosen.map((prompt, index) => ({ id: index, prompt }));
        const forward = await split(file(rows), { seed });
        const again = await split(file(rows), { seed });
        const backward = await split(file([...rows].reverse()), { seed });
        for (const name of ['train', 'val'] as const) {
          expect(readLines(again[name])).toEqual(readLines(forward[name]));
          expect([...readLines(backward[name])].sort()).toEqual([...readLines(forward[name])].sort());
        }
      }),
      { numRuns: 20 },
    );
    expect(prompts.map((prompt) => assignSplit(`p:${prompt}`, 1, validateShares({ train: 0.5, val: 0.5, test: 0 })))).not.toEqual(
      prompts.map((prompt) => assignSplit(`p:${prompt}`, 2, validateShares({ train: 0.5, val: 0.5, test: 0 }))),
    );
  });

  test('shares must sum to 1 and every split with a share needs a destination', async () => {
    expect(() => validateShares({ train: 0.8, val: 0.2, test: 0.1 })).toThrow('--train/--val/--test: shares sum to 1.1, not 1 (train 0.8, val 0.2, test 0.1)');
    expect(validateShares({ train: 0.333, val: 0.333, test: 0.334 }).train).toBeCloseTo(0.333);
    expect(() => validateShares({ train: 0.9, val: 0.05, test: 0.049 })).not.toThrow();
    expect(() => validateShares({ train: 1.2, val: -0.2, test: 0 })).toThrow('--train: must be a share between 0 and 1');
    const input = file([{ prompt: 'a' }]);
    await expect(runSplit(SplitOptions.parse({ in: input, trainOut: join(directory, 'only-train.jsonl') }))).rejects.toThrow('--val-out: the val split (share 0.2) has nowhere to go');
    await expect(runSplit(SplitOptions.parse({ in: input, outDir: directory, testOut: join(directory, 't.jsonl') }))).rejects.toThrow('--test-out: the test share is 0');
    const same = join(directory, 'same.jsonl');
    await expect(runSplit(SplitOptions.parse({ in: input, trainOut: same, valOut: same }))).rejects.toThrow('--val-out: ');
  });

  test('a row without its group names file, line and field; --skip-invalid counts it', async () => {
    const input = file([{ prompt: 'a', problem_id: 1 }, { prompt: 'b' }]);
    await expect(split(input, { groupBy: 'problem_id' })).rejects.toThrow(`${input}:2: field "problem_id": missing`);
    const { summary } = await split(input, { groupBy: 'problem_id', skipInvalid: true });
    expect(summary).toMatchObject({ rows: 1, skippedInvalid: 1 });
  });
});
