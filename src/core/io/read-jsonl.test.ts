import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { InputUnreadableError, InvalidJsonError, InvalidRecordError, type VeridataError } from '../errors.js';
import { Problem } from '../schemas/problem.js';
import { toJsonLine } from './jsonl-format.js';
import { createReadStats, readJsonl, readJsonlLines } from './read-jsonl.js';

let directory: string;
let counter = 0;
beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'veridata-read-'));
});
afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

async function writeTemporary(text: string): Promise<string> {
  counter += 1;
  const path = join(directory, `input-${counter}.jsonl`);
  await writeFile(path, text);
  return path;
}

async function collect<T>(source: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of source) items.push(item);
  return items;
}

async function failure(source: AsyncIterable<unknown>): Promise<VeridataError> {
  try {
    await collect(source);
  } catch (error) {
    return error as VeridataError;
  }
  throw new Error('expected the read to fail');
}

const recordArbitrary = fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 5 });

describe('readJsonlLines', () => {
  test('JSONL written then read gives the same objects, whatever the line endings and blank lines', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(recordArbitrary, fc.constantFrom('\n', '\r\n'), fc.constantFrom('', '\n', '  \r\n')), { maxLength: 20 }),
        async (rows) => {
          const text = rows.map(([record, ending, blank]) => `${toJsonLine(record).slice(0, -1)}${ending}${blank}`).join('');
          const path = await writeTemporary(text);
          const lines = await collect(readJsonlLines(path));
          expect(lines.map((line) => line.value)).toEqual(rows.map(([record]) => JSON.parse(JSON.stringify(record))));
          expect(lines.map((line) => line.text)).toEqual(rows.map(([record]) => JSON.stringify(record)));
        },
      ),
      { numRuns: 50 },
    );
  });

  test('line numbers are physical lines, counting blank ones; a BOM and a missing final newline are fine', async () => {
    const path = await writeTemporary('\ufeff{"a":1}\r\n\r\n   \n{"a":2}');
    const lines = await collect(readJsonlLines(path));
    expect(lines.map(({ lineNumber, value }) => [lineNumber, value])).toEqual([
      [1, { a: 1 }],
      [4, { a: 2 }],
    ]);
  });

  test('a line that is not a JSON object names file and line', async () => {
    const cases = ['{"a":', '[1,2]', '42', 'null', '"text"'];
    const messages: string[] = [];
    for (const bad of cases) {
      const path = await writeTemporary(`{"ok":1}\n\n${bad}\n{"ok":2}\n`);
      const error = await failure(readJsonlLines(path));
      expect(error).toBeInstanceOf(InvalidJsonError);
      expect(error.code).toBe('INVALID_JSON');
      messages.push(error.message.replace(path, 'in.jsonl'));
    }
    expect(messages.slice(1)).toMatchInlineSnapshot(`
      [
        "in.jsonl:3: not a JSON object (found an array)",
        "in.jsonl:3: not a JSON object (found a number)",
        "in.jsonl:3: not a JSON object (found null)",
        "in.jsonl:3: not a JSON object (found a string)",
      ]
    `);
    expect(messages[0]).toMatch(/^in\.jsonl:3: not a JSON object \(.+\)$/);
  });

  test('skipInvalid counts and skips lines that are not JSON objects', async () => {
    const path = await writeTemporary('{"a":1}\nnot json\n[1]\n{"a":2}\n');
    const stats = createReadStats();
    const lines = await collect(readJsonlLines(path, { skipInvalid: true, stats }));
    expect(lines.map((line) => line.value)).toEqual([{ a: 1 }, { a: 2 }]);
    expect(stats.records).toBe(2);
    expect(stats.skipped).toBe(2);
    expect(stats.skippedExamples.map((example) => example.replace(path, 'in.jsonl'))[1]).toBe(
      'in.jsonl:3: not a JSON object (found an array)',
    );
  });

  test('a missing file or a directory is InputUnreadableError', async () => {
    const missing = await failure(readJsonlLines(join(directory, 'nope.jsonl')));
    expect(missing).toBeInstanceOf(InputUnreadableError);
    expect(missing.code).toBe('INPUT_UNREADABLE');
    expect(missing.message).toContain('nope.jsonl');
    expect(await failure(readJsonlLines(directory))).toBeInstanceOf(InputUnreadableError);
  });

  test('stopping early closes the file', async () => {
    const path = await writeTemporary(Array.from({ length: 10_000 }, (_, index) => toJsonLine({ index })).join(''));
    const before = (await readdir('/proc/self/fd')).length;
    for (let round = 0; round < 20; round += 1) {
      for await (const line of readJsonlLines(path)) if (line.value.index === 3) break;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await readdir('/proc/self/fd')).length).toBeLessThanOrEqual(before);
  });

  test('an aborted signal stops the read with its reason', async () => {
    const path = await writeTemporary('{"a":1}\n{"a":2}\n');
    const controller = new AbortController();
    const seen: unknown[] = [];
    const reason = new Error('stop');
    await expect(
      (async () => {
        for await (const line of readJsonlLines(path, { signal: controller.signal })) {
          seen.push(line.value);
          controller.abort(reason);
        }
      })(),
    ).rejects.toBe(reason);
    expect(seen).toEqual([{ a: 1 }]);
  });
});

describe('readJsonl', () => {
  test('validates each record and names file, line and field', async () => {
    const path = await writeTemporary('{"id":"a","prompt":"p"}\n{"id":"b","prompt":"q","answer":true}\n');
    const error = await failure(readJsonl(path, Problem));
    expect(error).toBeInstanceOf(InvalidRecordError);
    expect(error.message.replace(path, 'in.jsonl')).toMatchInlineSnapshot(
      `"in.jsonl:2: field "answer": Invalid input"`,
    );
    const nested = await writeTemporary('{"list":[{"x":1},{"x":"two"}]}\n');
    const Nested = z.object({ list: z.array(z.object({ x: z.number() })) });
    expect((await failure(readJsonl(nested, Nested))).message.replace(nested, 'in.jsonl')).toMatchInlineSnapshot(
      `"in.jsonl:1: field "list.1.x": Invalid input: expected number, received string"`,
    );
  });

  test('yields parsed data (defaults applied) and with skipInvalid counts schema failures too', async () => {
    const path = await writeTemporary('{"id":"a","prompt":"p"}\n{"id":"","prompt":"q"}\nbad\n{"id":"c","prompt":"r","extra":1}\n');
    const stats = createReadStats();
    const problems = await collect(readJsonl(path, Problem, { skipInvalid: true, stats }));
    expect(problems).toEqual([
      { id: 'a', prompt: 'p', meta: {} },
      { id: 'c', prompt: 'r', extra: 1, meta: {} },
    ]);
    expect(stats).toMatchObject({ records: 2, skipped: 2 });
  });

  test('transform sees the raw object and its line before validation', async () => {
    const path = await writeTemporary('{"question":"p"}\n');
    const problems = await collect(
      readJsonl(path, Problem, { transform: (raw, line) => ({ id: `line-${line.lineNumber}`, prompt: raw.question }) }),
    );
    expect(problems).toEqual([{ id: 'line-1', prompt: 'p', meta: {} }]);
  });
});
