import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import type { z } from 'zod';
import { InputUnreadableError, InvalidJsonError, InvalidRecordError, VeridataError } from '../errors.js';

/** One non-blank line of a JSONL file: its 1-based physical line number, its text and the object it holds. */
export interface JsonlLine {
  readonly lineNumber: number;
  readonly text: string;
  readonly value: Record<string, unknown>;
}

/** Counts filled in while reading; pass one in to learn how many lines were skipped. */
export interface ReadStats {
  /** Records yielded. */
  records: number;
  /** Lines skipped because they were not JSON objects or failed the schema (only with `skipInvalid`). */
  skipped: number;
  /** The first few skipped lines as `file:line: reason`, for a summary. */
  skippedExamples: string[];
}

/** A fresh, zeroed `ReadStats`. */
export function createReadStats(): ReadStats {
  return { records: 0, skipped: 0, skippedExamples: [] };
}

const MAX_SKIPPED_EXAMPLES = 5;

/** Options shared by `readJsonlLines` and `readJsonl`. */
export interface ReadJsonlLinesOptions {
  /** Skip (and count in `stats`) lines that are not JSON objects or fail the schema, instead of throwing. */
  readonly skipInvalid?: boolean;
  /** Receives the counts; read it after the loop ends. */
  readonly stats?: ReadStats;
  /** Stops reading with the signal's reason. */
  readonly signal?: AbortSignal;
}

/** Options for `readJsonl`. */
export interface ReadJsonlOptions extends ReadJsonlLinesOptions {
  /** Maps each raw object before validation, e.g. `(raw, line) => resolveRecord(raw, 'problem', { lineText: line.text })`. */
  readonly transform?: (value: Record<string, unknown>, line: JsonlLine) => unknown;
}

/** Parses one line that must hold a JSON object; throws InvalidJsonError naming file and line otherwise. */
export function parseJsonObject(text: string, file: string, lineNumber: number): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new InvalidJsonError(file, lineNumber, error instanceof Error ? error.message : String(error));
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidJsonError(file, lineNumber, `found ${value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`}`);
  }
  return value as Record<string, unknown>;
}

/** Opens a file (or standard input for `-`) for streaming; a missing file or a directory is InputUnreadableError. */
async function openInput(path: string): Promise<Readable> {
  if (path === '-') return process.stdin;
  let handle;
  try {
    handle = await open(path, 'r');
    if ((await handle.stat()).isDirectory()) throw new Error('EISDIR: is a directory');
  } catch (error) {
    await handle?.close().catch(() => {});
    throw new InputUnreadableError(path, error);
  }
  return createReadStream('', { fd: handle, highWaterMark: 1 << 16 });
}

/** Non-blank lines with their physical line numbers; constant memory (one line at a time), CRLF and a BOM tolerated. */
async function* readTextLines(path: string, signal: AbortSignal | undefined): AsyncGenerator<{ lineNumber: number; text: string }> {
  signal?.throwIfAborted();
  const input = await openInput(path);
  const lines = createInterface({ input, crlfDelay: Infinity });
  let lineNumber = 0;
  try {
    for await (const raw of lines) {
      lineNumber += 1;
      signal?.throwIfAborted();
      const text = lineNumber === 1 && raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw;
      if (text.trim() === '') continue;
      yield { lineNumber, text };
    }
  } catch (error) {
    if (error instanceof VeridataError || signal?.aborted) throw error;
    throw new InputUnreadableError(path, error);
  } finally {
    lines.close();
    if (input !== process.stdin) input.destroy();
  }
}

function skip(stats: ReadStats | undefined, error: VeridataError): void {
  if (!stats) return;
  stats.skipped += 1;
  if (stats.skippedExamples.length < MAX_SKIPPED_EXAMPLES) stats.skippedExamples.push(error.message);
}

/** Lines parsed as JSON objects; an invalid one throws, or with `skipInvalid` is counted and skipped. */
async function* parsedLines(path: string, options: ReadJsonlLinesOptions): AsyncGenerator<JsonlLine> {
  for await (const { lineNumber, text } of readTextLines(path, options.signal)) {
    let value: Record<string, unknown>;
    try {
      value = parseJsonObject(text, path, lineNumber);
    } catch (error) {
      if (!options.skipInvalid || !(error instanceof InvalidJsonError)) throw error;
      skip(options.stats, error);
      continue;
    }
    yield { lineNumber, text, value };
  }
}

/**
 * Streams the JSON objects of a JSONL file (`-` is standard input) in order, one line in memory at a time. Blank lines
 * are skipped; a line that is not a JSON object throws InvalidJsonError (or is counted and skipped with `skipInvalid`);
 * a missing file throws InputUnreadableError.
 */
export async function* readJsonlLines(path: string, options: ReadJsonlLinesOptions = {}): AsyncGenerator<JsonlLine> {
  for await (const line of parsedLines(path, options)) {
    if (options.stats) options.stats.records += 1;
    yield line;
  }
}

/**
 * Streams a JSONL file's records validated by `schema` (after `transform`, if given), in file order. A record that
 * fails the schema throws InvalidRecordError naming `file:line` and the field path, unless `skipInvalid` is set, in
 * which case it is counted in `stats` and skipped.
 */
export async function* readJsonl<T>(path: string, schema: z.ZodType<T>, options: ReadJsonlOptions = {}): AsyncGenerator<T> {
  const { stats, transform } = options;
  for await (const line of parsedLines(path, options)) {
    const result = schema.safeParse(transform ? transform(line.value, line) : line.value);
    if (!result.success) {
      const error = new InvalidRecordError(path, line.lineNumber, result.error);
      if (!options.skipInvalid) throw error;
      skip(stats, error);
      continue;
    }
    if (stats) stats.records += 1;
    yield result.data;
  }
}
