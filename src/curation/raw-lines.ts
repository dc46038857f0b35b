import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { InputUnreadableError } from '../core/errors.js';

/** One physical line: its 1-based number and its text (a first-line BOM removed). */
export interface RawLine {
  readonly lineNumber: number;
  readonly text: string;
}

/** Which lines `readLinesAt` reads. */
export interface ReadLinesAtOptions {
  /** 1-based line numbers, ascending; only the first `count` are used. */
  readonly lineNumbers: Int32Array;
  readonly count: number;
  readonly signal?: AbortSignal;
}

/**
 * The lines of a file whose numbers are listed in `lineNumbers`, unparsed: a second pass over a file the first pass
 * already validated, so only the rows it kept are read again and no JSON is parsed twice.
 */
export async function* readLinesAt(path: string, options: ReadLinesAtOptions): AsyncGenerator<RawLine> {
  const { lineNumbers, count, signal } = options;
  const input = createReadStream(path, { highWaterMark: 1 << 16 });
  const lines = createInterface({ input, crlfDelay: Infinity });
  let lineNumber = 0;
  let next = 0;
  try {
    for await (const raw of lines) {
      lineNumber += 1;
      if (next >= count) break;
      if (lineNumber !== lineNumbers[next]) continue;
      signal?.throwIfAborted();
      next += 1;
      yield { lineNumber, text: lineNumber === 1 && raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw };
    }
  } catch (error) {
    if (signal?.aborted) throw error;
    throw new InputUnreadableError(path, error);
  } finally {
    lines.close();
    input.destroy();
  }
}

/**
 * A copy of `text` that shares no memory with the string it was cut from. A substring in V8 points into its parent, and
 * readline's lines point into the 64 KiB chunk they were read from, so one id kept per open cluster would keep most of
 * the file in memory (dedup of 1M lines peaked at 386 MiB).
 */
function detached(text: string): string {
  return Buffer.from(text, 'utf8').toString('utf8');
}

const LEADING_ID = /^\{\s*"id"\s*:\s*(?:"([^"\\]*)"|(-?\d+(?:\.\d+)?)\s*[,}])/;

/**
 * The id of a JSON object line without parsing it when the line starts with a plain `id` (the first key of an object
 * is a top-level key): a string without escapes, or an integer or decimal; otherwise undefined, and the caller parses.
 */
export function leadingId(text: string): string | undefined {
  const match = LEADING_ID.exec(text);
  if (!match) return undefined;
  if (match[1] !== undefined) return match[1] === '' ? undefined : detached(match[1]);
  return String(Number(match[2]));
}
