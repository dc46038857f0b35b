import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { readParquet } from 'parquet-wasm';
import { afterAll, expect, test } from 'vitest';
import { runExport } from './run-export.js';

// pyarrow is not packaged for this Debian, so the files are also read by a second, independent Parquet reader: the
// Apache Arrow Rust implementation (compiled to WebAssembly), which maps Parquet to Arrow types the way pyarrow does.
const directory = mkdtempSync(join(tmpdir(), 'veridata-arrow-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

const messages = 'List<Struct<{role:Utf8, content:Utf8}>>';
const turn = 'Struct<{from:Utf8, value:Utf8}>';
const arrowSchemas: Record<string, string> = {
  'trl-dpo': 'prompt: Utf8 | chosen: Utf8 | rejected: Utf8 | id: Utf8 | meta: Utf8',
  'trl-dpo-chat': `prompt: ${messages} | chosen: ${messages} | rejected: ${messages} | id: Utf8 | meta: Utf8`,
  'trl-kto': 'prompt: Utf8 | completion: Utf8 | label: Bool | id: Utf8 | meta: Utf8',
  'trl-sft': 'prompt: Utf8 | completion: Utf8 | id: Utf8 | meta: Utf8',
  'trl-sft-chat': `messages: ${messages} | id: Utf8 | meta: Utf8`,
  reward: `chosen: ${messages} | rejected: ${messages} | margin: Float64 | id: Utf8 | meta: Utf8`,
  'axolotl-chatml-intel': 'question: Utf8 | chosen: Utf8 | rejected: Utf8 | id: Utf8 | meta: Utf8',
  'axolotl-chat-template': 'messages: List<Struct<{role:Utf8, content:Utf8}>> | chosen: Struct<{role:Utf8, content:Utf8}> | rejected: Struct<{role:Utf8, content:Utf8}> | id: Utf8 | meta: Utf8',
  llamafactory: 'instruction: Utf8 | input: Utf8 | chosen: Utf8 | rejected: Utf8 | id: Utf8 | meta: Utf8',
  sharegpt: `conversations: List<${turn}> | chosen: ${turn} | rejected: ${turn} | id: Utf8 | meta: Utf8`,
};

const pairs = Array.from({ length: 30 }, (_, index) => ({
  prompt: `${index}*2=?`,
  chosen: `The answer is ${index * 2}.`,
  rejected: `The answer is ${index * 2 + 1}.`,
  chosen_score: 1,
  rejected_score: index % 3 === 0 ? 0.25 : 0,
  margin: index % 3 === 0 ? 0.75 : 1,
  meta: { family: 'arith', index, weight: index % 2 === 0 ? 1 : 0.5, tags: index % 4 === 0 ? [] : ['x'], source: { name: 'gen', seed: 1 } },
}));
const input = join(directory, 'pairs.jsonl');
// Floats first: the weight column is typed float from line 1, so later whole numbers are written (and read) as doubles.
writeFileSync(input, `${pairs.map((pair, index) => JSON.stringify(index === 0 ? { ...pair, meta: { ...pair.meta, weight: 0.5 } } : pair)).join('\n')}\n`);

function readArrow(path: string): { schema: string; rows: unknown[] } {
  const table = tableFromIPC(readParquet(readFileSync(path)).intoIPCStream());
  const rows = [...table].map((row) => JSON.parse(JSON.stringify(row?.toJSON(), (_key, value: unknown) => (typeof value === 'bigint' ? Number(value) : value))) as unknown);
  return { schema: table.schema.fields.map((field) => `${field.name}: ${String(field.type)}`).join(' | '), rows };
}

const readLines = (path: string) => readFileSync(path, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as unknown);

test.each(Object.keys(arrowSchemas))('%s: Arrow (Rust) reads the declared column types and the JSONL rows', async (format) => {
  const jsonl = join(directory, `${format}.jsonl`);
  const parquet = join(directory, `${format}.parquet`);
  await runExport({ in: input, out: jsonl, to: format, datasetInfo: false });
  await runExport({ in: input, out: parquet, to: format, parquet: true, rowGroupSize: 7, datasetInfo: false });
  const { schema, rows } = readArrow(parquet);
  expect(schema).toBe(arrowSchemas[format]);
  expect(rows).toEqual(readLines(jsonl));
});

test('--meta struct: integers Int64, floats Float64, lists and nested structs as Arrow types', async () => {
  const parquet = join(directory, 'struct.parquet');
  const jsonl = join(directory, 'struct.jsonl');
  await runExport({ in: input, out: parquet, to: 'trl-dpo', meta: 'struct', parquet: true, rowGroupSize: 8 });
  await runExport({ in: input, out: jsonl, to: 'trl-dpo', meta: 'struct' });
  const { schema, rows } = readArrow(parquet);
  expect(schema).toBe(
    'prompt: Utf8 | chosen: Utf8 | rejected: Utf8 | id: Utf8 | meta: Struct<{chosen_score:Float64, rejected_score:Float64, margin:Float64, family:Utf8, index:Int64, weight:Float64, tags:List<Utf8>, source:Struct<{name:Utf8, seed:Int64}>}>',
  );
  expect(rows).toEqual(readLines(jsonl));
});
