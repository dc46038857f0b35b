import { contentId } from '../core/hash.js';
import { InvalidRecordError, type VeridataError } from '../core/errors.js';
import { type JsonlLine, type ReadStats, readJsonlLines } from '../core/io/read-jsonl.js';

/** Where a command finds the text it works on: one explicit field, or the first of several alias names present. */
export interface TextField {
  /** Names tried in order; each is a field name or, when no field has that name, a dotted path (`messages.0.content`). */
  readonly names: readonly string[];
  /** True when the user named the field: then only that name is used. */
  readonly explicit: boolean;
}

/** The field to read: `name` exactly when given, else the first of `aliases` present. */
export function textField(name: string | undefined, aliases: readonly string[]): TextField {
  return name === undefined || name === '' ? { names: aliases, explicit: false } : { names: [name], explicit: true };
}

/** The field names as shown to users: `prompt` or `prompt|input|question`. */
export function describeField(field: TextField): string {
  return field.names.join('|');
}

/** A field's value by exact name, or by dotted path (`messages.0.content`) when no field has that name. */
export function lookupField(record: Record<string, unknown>, name: string): unknown {
  if (Object.hasOwn(record, name) || !name.includes('.')) return record[name];
  let value: unknown = record;
  for (const part of name.split('.')) {
    if (typeof value !== 'object' || value === null || !Object.hasOwn(value, part)) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

/** The text a record holds in `field`, or why it holds none (`field "prompt": missing`); null counts as missing. */
export function textOf(record: Record<string, unknown>, field: TextField): { text: string } | { problem: string } {
  for (const name of field.names) {
    const value = lookupField(record, name);
    if (value === undefined || value === null) continue;
    if (typeof value !== 'string') return { problem: `field "${name}": expected a string, got ${Array.isArray(value) ? 'an array' : typeof value}` };
    return { text: value };
  }
  return { problem: `field "${field.names[0]}": missing${field.names.length > 1 ? ` (also looked for ${field.names.slice(1).join(', ')})` : ''}` };
}

/** A record's id as commands report it: its `id` field (text or number), else the content id of its line. */
export function recordIdOf(line: JsonlLine): string {
  const id = line.value.id;
  if (typeof id === 'string' && id !== '') return id;
  if (typeof id === 'number' && Number.isFinite(id)) return String(id);
  return contentId(line.text);
}

/** A line of a JSONL file with the text of its field. */
export interface TextRecord {
  readonly line: JsonlLine;
  readonly text: string;
}

/** Options for `readTextRecords`. */
export interface ReadTextOptions {
  readonly field: TextField;
  /** Skip and count lines that are not JSON objects or lack a text field, instead of stopping. */
  readonly skipInvalid: boolean;
  /** Receives the counts: `records` yielded, `skipped` for both kinds of bad line. */
  readonly stats: ReadStats;
  readonly signal?: AbortSignal;
}

const MAX_SKIPPED_EXAMPLES = 5;

/** Counts a skipped line in `stats`, keeping the first few messages as examples. */
export function skipRecord(stats: ReadStats, error: VeridataError): void {
  stats.skipped += 1;
  if (stats.skippedExamples.length < MAX_SKIPPED_EXAMPLES) stats.skippedExamples.push(error.message);
}

/**
 * Streams the lines of a JSONL file with the text of `field`, in order. A line that is not a JSON object throws
 * InvalidJsonError and a record without that text (missing, null or not a string) throws InvalidRecordError naming
 * `file:line` and the field; with `skipInvalid` both are counted in `stats` and skipped.
 */
export async function* readTextRecords(path: string, options: ReadTextOptions): AsyncGenerator<TextRecord> {
  const { stats } = options;
  const parse = { records: 0, skipped: 0, skippedExamples: [] as string[] };
  let copied = 0;
  const syncSkipped = () => {
    // JSON failures are counted by readJsonlLines; fold them in, in the order they happened.
    while (parse.skipped > copied) {
      const message = parse.skippedExamples[copied];
      stats.skipped += 1;
      if (message !== undefined && stats.skippedExamples.length < MAX_SKIPPED_EXAMPLES) stats.skippedExamples.push(message);
      copied += 1;
    }
  };
  for await (const line of readJsonlLines(path, { skipInvalid: options.skipInvalid, stats: parse, ...(options.signal ? { signal: options.signal } : {}) })) {
    syncSkipped();
    const found = textOf(line.value, options.field);
    if ('problem' in found) {
      const error = new InvalidRecordError(path, line.lineNumber, found.problem);
      if (!options.skipInvalid) throw error;
      skipRecord(stats, error);
      continue;
    }
    stats.records += 1;
    yield { line, text: found.text };
  }
  syncSkipped();
}
