import { InvalidRecordError } from '../core/errors.js';
import { readJsonlLines, type ReadStats } from '../core/io/read-jsonl.js';
import { type FieldOverrides, RecordAliases, resolveRecord } from '../core/schemas/aliases.js';

/** A problem as generation reads it: the canonical fields, and the raw record whose other fields pass through. */
export interface InputProblem {
  readonly id: string;
  readonly prompt: string;
  readonly answer?: string | number;
  readonly tests?: string;
  readonly meta: Record<string, unknown>;
  /** The line's fields other than those generation rewrites (id, prompt and its alias, responses). */
  readonly passThrough: Record<string, unknown>;
  readonly lineNumber: number;
}

const REWRITTEN = new Set(['id', 'meta', ...RecordAliases.prompt, ...RecordAliases.response]);

/**
 * Problems of a JSONL file, streamed: `{id, prompt}` (or `input`/`question`, as dpogen writes them), with an optional
 * gold `answer` (or `gold`) or `tests` (or `test_code`). A line without a usable prompt, or with an answer or tests of
 * the wrong type, is an error naming the file, line and field (or, with `skipInvalid`, skipped and counted).
 */
export async function* readProblems(path: string, options: { overrides?: FieldOverrides; skipInvalid?: boolean; stats?: ReadStats; signal?: AbortSignal } = {}): AsyncGenerator<InputProblem> {
  const overrides = options.overrides ?? {};
  for await (const line of readJsonlLines(path, { skipInvalid: options.skipInvalid === true, ...(options.stats ? { stats: options.stats } : {}), ...(options.signal ? { signal: options.signal } : {}) })) {
    try {
      yield toProblem(path, line.lineNumber, line.value, line.text, overrides);
    } catch (error) {
      if (!(options.skipInvalid && error instanceof InvalidRecordError) || options.stats === undefined) throw error;
      options.stats.skipped += 1;
      if (options.stats.skippedExamples.length < 5) options.stats.skippedExamples.push(error.message);
    }
  }
}

function toProblem(path: string, lineNumber: number, value: Record<string, unknown>, text: string, overrides: FieldOverrides): InputProblem {
  const record = resolveRecord(value, 'problem', { lineText: text, overrides });
  const fail = (field: string, message: string): never => {
    throw new InvalidRecordError(path, lineNumber, `field "${field}": ${message}`);
  };
  const { prompt, answer, tests } = record;
  const promptName = overrides.prompt ?? 'prompt';
  if (prompt === undefined) fail(promptName, `missing${overrides.prompt ? '' : ' (also looked for input, question)'}`);
  if (typeof prompt !== 'string') fail(promptName, `expected text, got ${Array.isArray(prompt) ? 'a list' : typeof prompt}`);
  if ((prompt as string).trim() === '') fail(promptName, 'is empty');
  if (answer !== undefined && typeof answer !== 'string' && typeof answer !== 'number') fail(overrides.answer ?? 'answer', `expected text or a number, got ${typeof answer}`);
  if (tests !== undefined && typeof tests !== 'string') fail(overrides.tests ?? 'tests', `expected Python test code (text or a list of texts), got ${typeof tests}`);
  const meta = value.meta;
  if (meta !== undefined && meta !== null && (typeof meta !== 'object' || Array.isArray(meta))) fail('meta', 'expected an object');
  const passThrough: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) if (!REWRITTEN.has(key) && key !== overrides.prompt) passThrough[key] = field;
  return {
    id: String(record.id),
    prompt: prompt as string,
    ...(answer === undefined ? {} : { answer: answer as string | number }),
    ...(tests === undefined || (tests as string).trim() === '' ? {} : { tests: tests as string }),
    meta: (meta as Record<string, unknown> | undefined) ?? {},
    passThrough,
    lineNumber,
  };
}
