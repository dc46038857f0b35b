import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import type { VeridataError } from '../core/errors.js';
import { DecontamOptions, runDecontam } from './decontam.js';

const directory = mkdtempSync(join(tmpdir(), 'veridata-decontam-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));
let counter = 0;

function file(lines: readonly (string | object)[]): string {
  counter += 1;
  const path = join(directory, `file-${counter}.jsonl`);
  writeFileSync(path, lines.map((line) => `${typeof line === 'string' ? line : JSON.stringify(line)}\n`).join(''));
  return path;
}

const read = (path: string) => readFileSync(path, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);

describe('runDecontam', () => {
  test('evidence columns on every line, both scores in the summary, --drop writes the clean lines unchanged', async () => {
    const bench = file([{ question: '12+30=?', answer: 42 }, { question: '7*8=?', answer: 56 }, { prompt: '99-9=?' }]);
    const lines = [{ id: 'a', prompt: '1+1=?' }, { id: 'b', prompt: '7*8=?' }, { id: 'c', prompt: 'Solve: 12+30=? Reply with a number.' }, { id: 'd', prompt: '2+2=?' }];
    const train = file(lines);
    const summary = await runDecontam(DecontamOptions.parse({ in: train, out: `${train}.out`, against: [bench] }));
    expect(summary).toMatchObject({ rows: 4, contaminatedRows: 2, cleanShare: 0.5, written: 4 });
    expect(summary.benchmarks).toMatchObject([{ file: bench, items: 3, seen: 2, unseen: 1, contaminatedRows: 2, matches: { exact: 1, contains: 1 } }]);
    expect(summary.unseenShare).toBeCloseTo(1 / 3);
    const rows = read(`${train}.out`);
    expect(rows[0]).toEqual({ ...lines[0], contaminated: false, contamination_benchmark: null, contamination_line: null, contamination_match: null, contamination_span: null });
    expect(rows[1]).toMatchObject({ contaminated: true, contamination_benchmark: bench, contamination_line: 2, contamination_match: 'exact', contamination_span: '7*8=?' });
    expect(rows[2]).toMatchObject({ contaminated: true, contamination_line: 1, contamination_match: 'contains', contamination_span: '12+30=?' });

    const dropped = await runDecontam(DecontamOptions.parse({ in: train, out: `${train}.clean`, against: [bench], drop: true }));
    expect(dropped).toMatchObject({ written: 2, dropped: 2 });
    const trainLines = readFileSync(train, 'utf8').split('\n');
    expect(readFileSync(`${train}.clean`, 'utf8')).toBe(`${trainLines[0]}\n${trainLines[3]}\n`);
  });

  test('a benchmark line without a question names file, line and field; --bench-field picks the field', async () => {
    const bench = file([{ question: '1+1=?' }, { answer: 3 }]);
    const train = file([{ prompt: '1+1=?' }]);
    const error = (await runDecontam(DecontamOptions.parse({ in: train, out: `${train}.out`, against: [bench] })).catch((caught: unknown) => caught)) as VeridataError;
    expect(error.message).toBe(`${bench}:2: field "question": missing (also looked for prompt, input, problem)`);
    expect(existsSync(`${train}.out`)).toBe(false);
    const skipped = await runDecontam(DecontamOptions.parse({ in: train, out: `${train}.out`, against: [bench], skipInvalid: true }));
    expect(skipped).toMatchObject({ benchmarkSkippedInvalid: 1, contaminatedRows: 1 });

    const problems = file([{ problem: 'x', question: '1+1=?' }]);
    const byField = await runDecontam(DecontamOptions.parse({ in: train, out: `${train}.out2`, against: [problems], benchField: 'problem' }));
    expect(byField.contaminatedRows).toBe(0);
  });

  test('the output may not overwrite an input', async () => {
    const bench = file([{ question: '1+1=?' }]);
    const train = file([{ prompt: '1+1=?' }]);
    await expect(runDecontam(DecontamOptions.parse({ in: train, out: bench, against: [bench] }))).rejects.toThrow(/--out: must not be/);
  });
});
