import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, test } from 'vitest';
import type { VeridataError } from '../core/errors.js';
import { DedupOptions, runDedup } from './dedup.js';

const directory = mkdtempSync(join(tmpdir(), 'veridata-dedup-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));
let counter = 0;

function file(lines: readonly (string | object)[]): string {
  counter += 1;
  const path = join(directory, `in-${counter}.jsonl`);
  writeFileSync(path, lines.map((line) => `${typeof line === 'string' ? line : JSON.stringify(line)}\n`).join(''));
  return path;
}

const read = (path: string) => readFileSync(path, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);
const options = (input: string, extra: Partial<DedupOptions> = {}) => DedupOptions.parse({ in: input, out: `${input}.out`, ...extra });

const story = (name: string, a: number) =>
  `${name} buys ${a} boxes of pencils with 12 pencils in each box and gives 7 pencils to each of 4 friends. How many pencils are left?`;

describe('runDedup', () => {
  test('planted duplicates: exact and reworded rows join the first one, a changed number stays apart', async () => {
    const input = file([
      { id: 'a', prompt: story('Leo', 3) },
      { id: 'b', prompt: '79-7=?' },
      { id: 'c', prompt: story('Mia', 3) }, // a rewording, same numbers
      { id: 'd', prompt: '79-8=?' },
      { id: 'e', prompt: '  79-7=? ' }, // exact after normalisation
      { id: 'f', prompt: story('Leo', 4) }, // one number changed
    ]);
    const summary = await runDedup(options(input));
    expect(summary).toMatchObject({ rows: 6, distinctTexts: 5, duplicates: 2, exactDuplicates: 1, nearDuplicates: 1, duplicateClusters: 2, written: 6 });
    const rows = read(`${input}.out`);
    expect(rows.map((row) => [row.id, row.dedup_cluster, row.dedup_duplicate])).toEqual([
      ['a', 'a', false],
      ['b', 'b', false],
      ['c', 'a', true],
      ['d', 'd', false],
      ['e', 'b', true],
      ['f', 'f', false],
    ]);
    expect(rows[4]!.dedup_similarity).toBe(1);
    expect(rows[2]!.dedup_similarity).toBeGreaterThanOrEqual(0.8);
    expect(rows[3]!.dedup_similarity).toBe(0);
    // Every other field keeps its bytes; the columns come last.
    expect(readFileSync(`${input}.out`, 'utf8').split('\n')[0]).toBe(
      `${JSON.stringify({ id: 'a', prompt: story('Leo', 3) }).slice(0, -1)},"dedup_cluster":"a","dedup_similarity":${rows[0]!.dedup_similarity},"dedup_duplicate":false}`,
    );
  });

  test('--drop keeps the first row of each cluster; rerunning on its own output replaces the columns', async () => {
    const input = file([{ prompt: 'Add 2 and 3.' }, { prompt: 'add 2 and 3.' }, { prompt: 'Add 2 and 4.' }]);
    const summary = await runDedup(options(input, { drop: true }));
    expect(summary).toMatchObject({ rows: 3, written: 2, dropped: 1 });
    const rerun = await runDedup(DedupOptions.parse({ in: `${input}.out`, out: `${input}.again` }));
    expect(rerun).toMatchObject({ rows: 2, duplicates: 0 });
    expect(read(`${input}.again`).map((row) => Object.keys(row))).toEqual([
      ['prompt', 'dedup_cluster', 'dedup_similarity', 'dedup_duplicate'],
      ['prompt', 'dedup_cluster', 'dedup_similarity', 'dedup_duplicate'],
    ]);
  });

  test('a record without its text names file, line and field, and leaves no output; --skip-invalid counts it', async () => {
    const input = file([{ prompt: 'fine' }, '', { question: 7 }, 'not json', { prompt: 'fine' }]);
    const error = (await runDedup(options(input)).catch((caught: unknown) => caught)) as VeridataError;
    expect(error.code).toBe('INVALID_RECORD');
    expect(error.message).toBe(`${input}:3: field "question": expected a string, got number`);
    expect(existsSync(`${input}.out`)).toBe(false);

    const missing = file([{ text: 'x' }]);
    await expect(runDedup(options(missing, { field: 'prompt' }))).rejects.toThrow(`${missing}:1: field "prompt": missing`);

    const summary = await runDedup(options(input, { skipInvalid: true }));
    expect(summary).toMatchObject({ rows: 2, skippedInvalid: 2, exactDuplicates: 1, written: 2 });
    expect(summary.skippedExamples).toHaveLength(2);
    expect(read(`${input}.out`).map((row) => row.dedup_duplicate)).toEqual([false, true]);
  });

  test('the same file always gives the same bytes, and cluster ids appear in the order of their first rows', async () => {
    const texts = ['79-7=?', '79 - 7 = ?', '79-8=?', story('Leo', 3), story('Ana', 3), story('Leo', 5), 'What is 2+2?', 'what is 2+2?'];
    await fc.assert(
      fc.asyncProperty(fc.array(fc.constantFrom(...texts), { minLength: 1, maxLength: 15 }), async (prompts) => {
        const input = file(prompts.map((prompt, position) => ({ id: `r${position}`, prompt })));
        await runDedup(options(input));
        const first = readFileSync(`${input}.out`, 'utf8');
        await runDedup(options(input));
        expect(readFileSync(`${input}.out`, 'utf8')).toBe(first);
        const clusters = read(`${input}.out`).map((row) => Number(String(row.dedup_cluster).slice(1)));
        const order = [...new Set(clusters)];
        expect(order).toEqual([...order].sort((a, b) => a - b));
        clusters.forEach((cluster, position) => expect(cluster).toBeLessThanOrEqual(position));
      }),
      { numRuns: 25 },
    );
  });
});
