import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { asyncBufferFromFile, parquetReadObjects } from 'hyparquet';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runCli } from '../helpers/run-cli.js';

const directory = mkdtempSync(join(tmpdir(), 'veridata-export-e2e-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));
const pairs = join(directory, 'pairs.jsonl');
const PAIRS = 1000;

const readLines = (path: string) => readFileSync(path, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);

beforeAll(async () => {
  const result = await runCli(['gen', 'arith', '--count', String(PAIRS), '--seed', '5', '--format', 'dpo', '--negatives', 'refusal,wrong', '--out', pairs, '--json']);
  expect(result.code, result.stderr).toBe(0);
});

describe('veridata export', () => {
  test('pairs from veridata gen to KTO: N desirable and N undesirable rows, summary on stdout', async () => {
    const out = join(directory, 'kto.jsonl');
    const result = await runCli(['export', '--in', pairs, '--to', 'trl-kto', '--out', out, '--json']);
    expect(result.code, result.stderr).toBe(0);
    const summary = JSON.parse(result.stdout);
    expect(summary).toMatchObject({ command: 'export', format: 'trl-kto', kind: 'pair', records: PAIRS, rows: 2 * PAIRS, labels: { true: PAIRS, false: PAIRS } });
    const rows = readLines(out);
    expect(rows.filter((row) => row.label === true)).toHaveLength(PAIRS);
    expect(rows.filter((row) => row.label === false)).toHaveLength(PAIRS);
    for (const row of rows) expect(Object.keys(row)).toEqual(['prompt', 'completion', 'label', 'id', 'meta']);
  });

  test('--parquet read back equals the JSONL export (conversational DPO with a system prompt)', async () => {
    const jsonl = join(directory, 'dpo-chat.jsonl');
    const parquet = join(directory, 'dpo-chat.parquet');
    const common = ['export', '--in', pairs, '--to', 'trl-dpo-chat', '--system', 'Answer briefly.', '--json'];
    expect((await runCli([...common, '--out', jsonl])).code).toBe(0);
    const result = await runCli([...common, '--out', parquet, '--parquet', '--row-group-size', '300']);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ output: 'parquet', rows: PAIRS, rowGroups: 4 });
    const rows = await parquetReadObjects({ file: await asyncBufferFromFile(parquet) });
    expect(rows).toEqual(readLines(jsonl));
    expect(rows[0]).toMatchObject({ prompt: [{ role: 'system', content: 'Answer briefly.' }, { role: 'user' }], chosen: [{ role: 'assistant' }] });
  });

  test('a column whose type changes stops with exit 2, naming the column, the line and both types', async () => {
    const input = join(directory, 'mixed.jsonl');
    const lines = readFileSync(pairs, 'utf8').split('\n').slice(0, 5);
    const fifth = JSON.parse(lines[4]!);
    fifth.meta.difficulty = 'hard';
    lines[4] = JSON.stringify(fifth);
    writeFileSync(input, `${lines.join('\n')}\n`);
    const out = join(directory, 'mixed-out.jsonl');
    const result = await runCli(['export', '--in', input, '--to', 'trl-dpo', '--meta', 'struct', '--out', out]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`[INVALID_RECORD] ${input}:5: column "meta.difficulty" changes type: string here, integer since line 1`);
    expect(() => readFileSync(out)).toThrow();
    // The default JSON meta column holds any content.
    expect((await runCli(['export', '--in', input, '--to', 'trl-dpo', '--out', out])).code).toBe(0);
  });

  test('llamafactory writes its dataset_info.json entry beside the output, keeping the others', async () => {
    const data = mkdtempSync(join(directory, 'data-'));
    writeFileSync(join(data, 'dataset_info.json'), JSON.stringify({ alpaca_en_demo: { file_name: 'alpaca_en_demo.json' } }));
    const result = await runCli(['export', '--in', pairs, '--to', 'llamafactory', '--out', join(data, 'arith_dpo.jsonl'), '--json']);
    expect(result.code, result.stderr).toBe(0);
    const info = JSON.parse(readFileSync(join(data, 'dataset_info.json'), 'utf8'));
    expect(info).toEqual({
      alpaca_en_demo: { file_name: 'alpaca_en_demo.json' },
      arith_dpo: { file_name: 'arith_dpo.jsonl', formatting: 'alpaca', ranking: true, columns: { prompt: 'instruction', query: 'input', chosen: 'chosen', rejected: 'rejected' } },
    });
  });

  test('usage errors: an unknown format lists the ids, a missing --to is named', async () => {
    const unknown = await runCli(['export', '--in', pairs, '--to', 'trl-orpo', '--out', join(directory, 'x.jsonl')]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('[UNKNOWN_NAME] no export format "trl-orpo" (available: trl-dpo, trl-dpo-chat, trl-kto,');
    const missing = await runCli(['export', '--in', pairs, '--out', join(directory, 'x.jsonl')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--to: is required');
    const list = await runCli(['export', '--list']);
    expect(list.stdout.split('\n').filter(Boolean)).toHaveLength(11);
  });
});
