import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects } from 'hyparquet';
import { afterAll, describe, expect, test } from 'vitest';
import type { RecordKind } from '../../core/schemas/aliases.js';
import { exportFormats } from './formats/index.js';
import { GRPO_RESERVED_COLUMNS } from './formats/trl-grpo.js';
import { runExport, type ExportOptions } from './run-export.js';

const directory = mkdtempSync(join(tmpdir(), 'veridata-export-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));
let fileCount = 0;

function writeLines(records: readonly unknown[], name = `in-${(fileCount += 1)}.jsonl`): string {
  const path = join(directory, name);
  writeFileSync(path, records.map((record) => (typeof record === 'string' ? record : JSON.stringify(record))).join('\n') + '\n');
  return path;
}

function readLines(path: string): Record<string, unknown>[] {
  return readFileSync(path, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);
}

function out(name: string): string {
  fileCount += 1;
  return join(directory, `${fileCount}-${name}`);
}

const pairs = Array.from({ length: 7 }, (_, index) => ({
  id: `pair-${index}`,
  prompt: `${index}+1=?`,
  chosen: `The answer is ${index + 1}.`,
  rejected: "Sorry, I don't know.",
  chosen_score: 1,
  rejected_score: index === 3 ? 0.5 : 0,
  margin: index === 3 ? 0.5 : 1,
  meta: { family: 'arith', index, answer: String(index + 1) },
  trace_id: `t${index}`,
}));

const verdict = (status: 'pass' | 'fail' | 'error') => ({ status, score: status === 'pass' ? 1 : 0, reason: status === 'pass' ? 'equivalent' : 'not-equivalent', verifier: 'math', details: {} });
const responses = [
  { prompt: '2+2=?', output: 'The answer is 4.', answer: 4, verdict: verdict('pass'), model: 'm1' },
  { prompt: '2+2=?', output: 'The answer is 5.', answer: 4, verdict: verdict('fail'), model: 'm2' },
  { prompt: '3+3=?', output: 'The answer is 6.', answer: 6, verdict: verdict('error'), model: 'm1' },
  { prompt: '3+3=?', completion: 'It is 6.', meta: { source: 'gen' } },
];

const problems = [
  { question: 'What is 7*6?', gold: 42 },
  { prompt: 'Write add(a, b).', tests: ['assert add(1, 2) == 3', 'assert add(0, 0) == 0'] },
  { prompt: '1/2 + 1/4 = ?', answer: '3/4', verifier: { name: 'math', passed: true } },
];

/**
 * What each trainer reads, written from its documentation (shared/reference/formats-providers-dedup.md §3), not from
 * the exporter's own schemas: the keys of a row and a check of each value's shape.
 */
const isText = (value: unknown) => typeof value === 'string' && value.length > 0;
const isMessages = (value: unknown, roles: readonly string[]) =>
  Array.isArray(value) && value.length === roles.length && value.every((message, index) => message.role === roles[index] && isText(message.content) && Object.keys(message).length === 2);
const isTurn = (value: unknown, from: string) => typeof value === 'object' && value !== null && (value as { from?: unknown }).from === from && isText((value as { value?: unknown }).value);

type Expectation = { keys: string[]; check: (row: Record<string, unknown>, system: boolean) => boolean };
const user = (system: boolean) => (system ? ['system', 'user'] : ['user']);
const expected: Record<string, Partial<Record<RecordKind, Expectation>>> = {
  'trl-dpo': { pair: { keys: ['prompt', 'chosen', 'rejected'], check: (row) => isText(row.prompt) && isText(row.chosen) && isText(row.rejected) } },
  'trl-dpo-chat': {
    pair: {
      keys: ['prompt', 'chosen', 'rejected'],
      check: (row, system) => isMessages(row.prompt, user(system)) && isMessages(row.chosen, ['assistant']) && isMessages(row.rejected, ['assistant']),
    },
  },
  'trl-kto': {
    pair: { keys: ['prompt', 'completion', 'label'], check: (row) => isText(row.prompt) && isText(row.completion) && typeof row.label === 'boolean' },
    response: { keys: ['prompt', 'completion', 'label'], check: (row) => isText(row.prompt) && isText(row.completion) && typeof row.label === 'boolean' },
  },
  'trl-sft': {
    pair: { keys: ['prompt', 'completion'], check: (row) => isText(row.prompt) && isText(row.completion) },
    response: { keys: ['prompt', 'completion'], check: (row) => isText(row.prompt) && isText(row.completion) },
  },
  'trl-sft-chat': {
    pair: { keys: ['messages'], check: (row, system) => isMessages(row.messages, [...user(system), 'assistant']) },
    response: { keys: ['messages'], check: (row, system) => isMessages(row.messages, [...user(system), 'assistant']) },
  },
  'trl-grpo': {
    problem: {
      keys: ['prompt', 'answer', 'tests', 'verifier'],
      check: (row, system) =>
        (system ? isMessages(row.prompt, ['system', 'user']) : isText(row.prompt)) &&
        (row.answer === null || typeof row.answer === 'string') &&
        (row.tests === null || typeof row.tests === 'string') &&
        isText(row.verifier),
    },
  },
  reward: {
    pair: {
      keys: ['chosen', 'rejected', 'margin'],
      check: (row, system) => isMessages(row.chosen, [...user(system), 'assistant']) && isMessages(row.rejected, [...user(system), 'assistant']) && typeof row.margin === 'number',
    },
  },
  'axolotl-chatml-intel': {
    pair: { keys: ['question', 'chosen', 'rejected'], check: (row, system) => isText(row.question) && isText(row.chosen) && isText(row.rejected) && (!system || isText(row.system)) },
  },
  'axolotl-chat-template': {
    pair: {
      keys: ['messages', 'chosen', 'rejected'],
      check: (row, system) => isMessages(row.messages, user(system)) && isMessages([row.chosen], ['assistant']) && isMessages([row.rejected], ['assistant']),
    },
  },
  llamafactory: {
    pair: { keys: ['instruction', 'input', 'chosen', 'rejected'], check: (row) => isText(row.instruction) && row.input === '' && isText(row.chosen) && isText(row.rejected) },
    response: { keys: ['instruction', 'input', 'output'], check: (row) => isText(row.instruction) && row.input === '' && isText(row.output) },
  },
  sharegpt: {
    pair: {
      keys: ['conversations', 'chosen', 'rejected'],
      check: (row) => Array.isArray(row.conversations) && row.conversations.length === 1 && isTurn(row.conversations[0], 'human') && isTurn(row.chosen, 'gpt') && isTurn(row.rejected, 'gpt'),
    },
    response: {
      keys: ['conversations'],
      check: (row) => Array.isArray(row.conversations) && isTurn(row.conversations[0], 'human') && isTurn(row.conversations[1], 'gpt'),
    },
  },
};
const systemFormats = new Set(['trl-dpo-chat', 'trl-sft-chat', 'trl-grpo', 'reward', 'axolotl-chatml-intel', 'axolotl-chat-template', 'llamafactory', 'sharegpt']);
const inputs: Record<RecordKind, unknown[]> = { pair: pairs, response: responses, problem: problems };
/** The input of one case: KTO labels responses by verdict, so it gets only responses that have one. */
const inputOf = (format: string, kind: RecordKind) => (format === 'trl-kto' && kind === 'response' ? responses.slice(0, 3) : inputs[kind]);

const cases = Object.entries(expected).flatMap(([format, kinds]) =>
  Object.keys(kinds).flatMap((kind) => [false, ...(systemFormats.has(format) ? [true] : [])].map((system) => ({ format, kind: kind as RecordKind, system }))),
);

describe('every format writes its trainer\'s field names', () => {
  test('the table covers every registered format', () => {
    expect(Object.keys(expected).sort()).toEqual(exportFormats.names().sort());
    for (const format of exportFormats.list()) expect(format.system, format.name).toBe(systemFormats.has(format.name));
  });

  test.each(cases)('$format from $kind records (system prompt: $system)', async ({ format, kind, system }) => {
    const target = out(`${format}.jsonl`);
    const summary = await runExport({ in: writeLines(inputOf(format, kind)), out: target, to: format, ...(system ? { system: 'Be brief.' } : {}) });
    expect(summary.kind).toBe(kind);
    const rows = readLines(target);
    expect(rows.length).toBe(summary.rows);
    expect(rows.length).toBeGreaterThan(0);
    const expectation = expected[format]![kind]!;
    const keys = [...expectation.keys, ...(system && ['axolotl-chatml-intel', 'llamafactory', 'sharegpt'].includes(format) ? ['system'] : []), 'id', 'meta'];
    for (const row of rows) {
      expect(Object.keys(row).sort()).toEqual(keys.sort());
      expect(expectation.check(row, system), JSON.stringify(row)).toBe(true);
      expect(typeof row.meta).toBe('string');
      if (system && 'system' in row) expect(row.system).toBe('Be brief.');
    }
    expect(new Set(rows.map((row) => row.id)).size).toBe(rows.length);
  });

  test('a format without a system field refuses --system and names the chat variant', async () => {
    await expect(runExport({ in: writeLines(pairs), out: out('x.jsonl'), to: 'trl-dpo', system: 'S' })).rejects.toThrow(
      '--system: trl-dpo has no place for a system prompt; use --to trl-dpo-chat',
    );
  });
});

describe('labels and skips', () => {
  test('KTO: N pairs give N desirable and N undesirable rows, chosen true and rejected false', async () => {
    const target = out('kto.jsonl');
    const summary = await runExport({ in: writeLines(pairs), out: target, to: 'trl-kto' });
    const rows = readLines(target);
    expect(summary.labels).toEqual({ true: pairs.length, false: pairs.length });
    expect(rows.filter((row) => row.label === true).map((row) => row.completion)).toEqual(pairs.map((pair) => pair.chosen));
    expect(rows.filter((row) => row.label === false).map((row) => row.completion)).toEqual(pairs.map((pair) => pair.rejected));
  });

  test('KTO from responses: pass true, fail false, error skipped and counted, no verdict refused', async () => {
    const target = out('kto.jsonl');
    const summary = await runExport({ in: writeLines(responses.slice(0, 3)), out: target, to: 'trl-kto' });
    expect(readLines(target).map((row) => [row.completion, row.label])).toEqual([
      ['The answer is 4.', true],
      ['The answer is 5.', false],
    ]);
    expect(summary.skipped).toEqual({ 'verdict-error': 1 });
    await expect(runExport({ in: writeLines(responses), out: out('kto.jsonl'), to: 'trl-kto' })).rejects.toThrow(
      /:4: field "verdict": a KTO label needs a verdict/,
    );
  });

  test('SFT from responses keeps passes and unverified responses, counts the rest', async () => {
    const target = out('sft.jsonl');
    const summary = await runExport({ in: writeLines(responses), out: target, to: 'trl-sft' });
    expect(readLines(target).map((row) => row.completion)).toEqual(['The answer is 4.', 'It is 6.']);
    expect(summary).toMatchObject({ records: 4, rows: 2, skipped: { 'verdict-fail': 1, 'verdict-error': 1 }, unverified: 1 });
  });

  test('GRPO: gold answers become text, tests are joined, the verifier is named, no reserved column', async () => {
    const target = out('grpo.jsonl');
    await runExport({ in: writeLines(problems), out: target, to: 'trl-grpo' });
    const rows = readLines(target);
    expect(rows.map(({ prompt, answer, tests, verifier }) => ({ prompt, answer, tests, verifier }))).toEqual([
      { prompt: 'What is 7*6?', answer: '42', tests: null, verifier: 'math' },
      { prompt: 'Write add(a, b).', answer: null, tests: 'assert add(1, 2) == 3\nassert add(0, 0) == 0', verifier: 'pytest' },
      { prompt: '1/2 + 1/4 = ?', answer: '3/4', tests: null, verifier: 'math' },
    ]);
    for (const row of rows) for (const name of GRPO_RESERVED_COLUMNS) expect(row).not.toHaveProperty(name);
    // The solver-log verifier object was used for the column, so it is not copied into meta.
    expect(JSON.parse(rows[2]!.meta as string)).toEqual({});
    const fromPairs = out('grpo.jsonl');
    await runExport({ in: writeLines(pairs), out: fromPairs, to: 'trl-grpo', overrides: { answer: 'meta.answer' }, verifier: 'math' });
    expect(readLines(fromPairs)[0]).toMatchObject({ prompt: '0+1=?', answer: '1', verifier: 'math' });
    await expect(runExport({ in: writeLines([{ prompt: 'no truth' }]), out: out('g.jsonl'), to: 'trl-grpo' })).rejects.toThrow(
      /:1: field "answer": a GRPO row needs ground truth/,
    );
  });
});

describe('meta and column types', () => {
  test('meta holds the record\'s meta plus the input fields no column uses; meta keys win a clash', async () => {
    const target = out('dpo.jsonl');
    const input = [{ ...pairs[0], meta: { family: 'arith', trace_id: 'from-meta' } }];
    const summary = await runExport({ in: writeLines(input), out: target, to: 'trl-dpo' });
    expect(JSON.parse(readLines(target)[0]!.meta as string)).toEqual({ family: 'arith', trace_id: 'from-meta', chosen_score: 1, rejected_score: 0, margin: 1 });
    expect(summary.shadowedFields).toBe(1);
    const dropped = out('dpo.jsonl');
    await runExport({ in: writeLines(input), out: dropped, to: 'trl-dpo', meta: 'drop' });
    expect(Object.keys(readLines(dropped)[0]!)).toEqual(['prompt', 'chosen', 'rejected', 'id']);
  });

  test('--meta struct: a meta key whose type changes is an error naming column and line; nothing is written', async () => {
    const input = writeLines([...pairs.slice(0, 3), { ...pairs[3], meta: { ...pairs[3]!.meta, index: 'three' } }]);
    const target = out('struct.jsonl');
    writeFileSync(target, 'before\n');
    await expect(runExport({ in: input, out: target, to: 'trl-dpo', meta: 'struct' })).rejects.toThrow(
      `${input}:4: column "meta.index" changes type: string here, integer since line 1`,
    );
    expect(readFileSync(target, 'utf8')).toBe('before\n');
    const skipped = await runExport({ in: input, out: target, to: 'trl-dpo', meta: 'struct', skipInvalid: true });
    expect(skipped).toMatchObject({ rows: 3, skippedInvalid: 1 });
    expect(skipped.columns).toMatchObject({ 'meta.index': 'integer', 'meta.family': 'string' });
  });

  test('reward margins are a float column: integral margins are written 1.0', async () => {
    const target = out('reward.jsonl');
    await runExport({ in: writeLines(pairs), out: target, to: 'reward' });
    const text = readFileSync(target, 'utf8');
    expect(text).toContain('"margin":1.0,');
    expect(text).toContain('"margin":0.5,');
  });
});

describe('pairs from elsewhere', () => {
  test('a plain {prompt, chosen, rejected} file exports; reward takes its margin from the scores or names what is missing', async () => {
    const plain = [{ prompt: 'p', chosen: 'a', rejected: 'b' }];
    const target = out('plain-dpo.jsonl');
    await runExport({ in: writeLines(plain), out: target, to: 'trl-dpo' });
    expect(readLines(target)).toMatchObject([{ prompt: 'p', chosen: 'a', rejected: 'b' }]);
    const scored = out('scored-reward.jsonl');
    await runExport({ in: writeLines([{ prompt: 'p', chosen: 'a', rejected: 'b', chosen_score: 0.9, rejected_score: 0.4 }]), out: scored, to: 'reward' });
    expect(readLines(scored)[0]?.margin).toBeCloseTo(0.5, 12);
    await expect(runExport({ in: writeLines(plain), out: out('plain-reward.jsonl'), to: 'reward' })).rejects.toThrow('field "margin"');
  });
});

describe('bad input names file, line and field; outputs stay whole', () => {
  const bad = ['{"prompt": "p", "chosen": "c", "rejected": "r", "chosen_score": 1, "rejected_score": 0, "margin": 1}', 'not json', JSON.stringify({ ...pairs[1], chosen: 7 }), JSON.stringify({ ...pairs[2], rejected: undefined }), JSON.stringify({ ...pairs[4], chosen: '' })];

  test.each([
    [[bad[0], bad[1]], ':2: not a JSON object'],
    [[bad[0], bad[2]], ':2: field "chosen": Invalid input: expected string, received number'],
    [[bad[0], bad[3]], ':2: field "rejected"'],
    [[bad[0], bad[4]], ':2: field "chosen" of the trl-dpo row: Too small'],
  ])('%j stops with %s, the target untouched and no temporary file left', async (lines, message) => {
    const input = writeLines(lines as string[]);
    const target = out('bad.jsonl');
    writeFileSync(target, 'before\n');
    await expect(runExport({ in: input, out: target, to: 'trl-dpo' })).rejects.toThrow(`${input}${message}`);
    expect(readFileSync(target, 'utf8')).toBe('before\n');
    expect(readdirSync(directory).filter((name) => name.includes('.tmp-'))).toEqual([]);
  });

  test('--skip-invalid skips and counts every bad line', async () => {
    const target = out('skip.jsonl');
    const summary = await runExport({ in: writeLines(bad), out: target, to: 'trl-dpo', skipInvalid: true });
    expect(summary).toMatchObject({ records: 1, rows: 1, skippedInvalid: 4 });
    expect(summary.skippedExamples).toHaveLength(4);
  });

  test('field overrides follow the aliases: --prompt-field, --chosen-field, --rejected-field', async () => {
    const target = out('overrides.jsonl');
    const input = writeLines([{ instruction: 'Q?', good: 'A', bad: 'B', chosen_score: 1, rejected_score: 0, margin: 1 }]);
    await runExport({ in: input, out: target, to: 'trl-dpo', overrides: { prompt: 'instruction', chosen: 'good', rejected: 'bad' } });
    const [row] = readLines(target);
    expect(row).toMatchObject({ prompt: 'Q?', chosen: 'A', rejected: 'B' });
    expect(JSON.parse(row!.meta as string)).toEqual({ chosen_score: 1, rejected_score: 0, margin: 1 });
  });
});

describe('LLaMA-Factory dataset_info.json', () => {
  test('the entry is merged beside the output without clobbering other entries; a broken file is refused', async () => {
    const dataDirectory = mkdtempSync(join(directory, 'data-'));
    const info = join(dataDirectory, 'dataset_info.json');
    const other = { other_set: { file_name: 'other.json', columns: { prompt: 'q' } }, arith_dpo: { file_name: 'old.json' } };
    writeFileSync(info, JSON.stringify(other));
    const pairsSummary = await runExport({ in: writeLines(pairs), out: join(dataDirectory, 'arith_dpo.parquet'), to: 'llamafactory', parquet: true });
    expect(pairsSummary.datasetInfo).toMatchObject({ name: 'arith_dpo', action: 'replaced' });
    await runExport({ in: writeLines(responses), out: join(dataDirectory, 'arith_sft.jsonl'), to: 'llamafactory', system: 'S' });
    await runExport({ in: writeLines(pairs), out: join(dataDirectory, 'chat.jsonl'), to: 'sharegpt', datasetInfo: true, datasetName: 'chat_pairs' });
    const merged = JSON.parse(readFileSync(info, 'utf8'));
    expect(Object.keys(merged)).toEqual(['other_set', 'arith_dpo', 'arith_sft', 'chat_pairs']);
    expect(merged.other_set).toEqual(other.other_set);
    expect(merged.arith_dpo).toEqual({
      file_name: 'arith_dpo.parquet',
      formatting: 'alpaca',
      ranking: true,
      columns: { prompt: 'instruction', query: 'input', chosen: 'chosen', rejected: 'rejected' },
    });
    expect(merged.arith_sft).toEqual({
      file_name: 'arith_sft.jsonl',
      formatting: 'alpaca',
      ranking: false,
      columns: { prompt: 'instruction', query: 'input', response: 'output', system: 'system' },
    });
    expect(merged.chat_pairs).toEqual({ file_name: 'chat.jsonl', formatting: 'sharegpt', ranking: true, columns: { messages: 'conversations', chosen: 'chosen', rejected: 'rejected' } });
    writeFileSync(info, '{"broken": ');
    await expect(runExport({ in: writeLines(pairs), out: join(dataDirectory, 'x.jsonl'), to: 'llamafactory' })).rejects.toThrow('cannot merge the dataset entry');
    expect(readFileSync(info, 'utf8')).toBe('{"broken": ');
  });
});

/** Parquet values as JSON: INT64 comes back as bigint. */
function plain(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value, (_key, item: unknown) => (typeof item === 'bigint' ? Number(item) : item)));
}

/** A JSONL row as Arrow holds it: struct fields the schema has, null where a row lacks one. */
async function readParquet(path: string): Promise<{ rows: Record<string, unknown>[]; rowGroups: number; columns: string[] }> {
  const file = await asyncBufferFromFile(path);
  const metadata = await parquetMetadataAsync(file);
  const rows = (await parquetReadObjects({ file })) as Record<string, unknown>[];
  return { rows: plain(rows) as Record<string, unknown>[], rowGroups: metadata.row_groups.length, columns: metadata.schema.map((element) => element.name) };
}

describe('Parquet', () => {
  test.each(cases.filter((item) => !item.system || item.format === 'trl-grpo'))('$format from $kind: read back equals the JSONL export', async ({ format, kind, system }) => {
    const options: Omit<ExportOptions, 'out' | 'parquet'> = { in: writeLines(inputOf(format, kind)), to: format, ...(system ? { system: 'Be brief.' } : {}), datasetInfo: false };
    const jsonl = out(`${format}.jsonl`);
    const parquet = out(`${format}.parquet`);
    await runExport({ ...options, out: jsonl });
    const summary = await runExport({ ...options, out: parquet, parquet: true, rowGroupSize: 2 });
    const { rows, rowGroups } = await readParquet(parquet);
    expect(rows).toEqual(readLines(jsonl));
    expect(rowGroups).toBe(Math.ceil(summary.rows / 2));
  });

  test('--meta struct: nested meta with integers, floats, lists and missing keys reads back like the JSONL', async () => {
    const input = writeLines([
      { ...pairs[0], meta: { n: 1, x: 0.5, tags: ['a', 'b'], nested: { k: 'v', empty: [] } } },
      { ...pairs[1], meta: { n: 2, x: 1, tags: [], nested: { k: 'w', empty: [] } } },
      { ...pairs[2], meta: { n: 3, x: 2.25, nested: { k: 'z', empty: [] } } },
    ]);
    const jsonl = out('struct.jsonl');
    const parquet = out('struct.parquet');
    await runExport({ in: input, out: jsonl, to: 'trl-dpo', meta: 'struct' });
    await runExport({ in: input, out: parquet, to: 'trl-dpo', meta: 'struct', parquet: true });
    const { rows } = await readParquet(parquet);
    // The third row has no tags: the Parquet column is null there (hyparquet reads a null list as a missing field).
    const expectedRows = readLines(jsonl);
    expect(rows).toEqual(expectedRows);
    expect(readFileSync(jsonl, 'utf8')).toContain('"x":1.0');
  });

  test('a row group holds --row-group-size rows, and an empty input gives a valid empty file', async () => {
    const many = writeLines(Array.from({ length: 25 }, (_, index) => ({ ...pairs[0], id: `p${index}`, prompt: `q${index}` })));
    const parquet = out('many.parquet');
    await runExport({ in: many, out: parquet, to: 'trl-kto', parquet: true, rowGroupSize: 10 });
    const { rows, rowGroups } = await readParquet(parquet);
    expect(rows).toHaveLength(50);
    expect(rowGroups).toBe(5);
    const empty = out('empty.parquet');
    const summary = await runExport({ in: writeLines([]), out: empty, to: 'trl-dpo-chat', parquet: true });
    expect(summary.rows).toBe(0);
    const read = await readParquet(empty);
    expect(read.rows).toEqual([]);
    expect(read.columns).toContain('prompt');
  });
});
