import { InvalidOptionError } from '../core/errors.js';
import { outputIdentity } from '../core/io/output-target.js';
import { AtomicFile } from '../core/io/write-jsonl.js';

const EMPTY_OBJECT = /^\{\s*\}$/;

/**
 * A function adding the fields `names` (in that order) to a JSON object line, ending the result in a newline. The
 * line's own bytes (field order, number spelling) are kept when none of the names occurs in it; otherwise the record is
 * parsed and rewritten with those fields replaced in place. Lines must hold JSON objects (callers have parsed them
 * once already).
 */
export function fieldAppender(names: readonly string[]): (text: string, values: readonly unknown[]) => string {
  const keys = names.map((name) => JSON.stringify(name));
  return (text, values) => {
    const trimmed = text.trimEnd();
    if (!trimmed.endsWith('}') || keys.some((key) => trimmed.includes(key))) {
      const record = JSON.parse(trimmed) as Record<string, unknown>;
      names.forEach((name, position) => {
        record[name] = values[position];
      });
      return `${JSON.stringify(record)}\n`;
    }
    let added = '';
    for (let position = 0; position < keys.length; position += 1) {
      added += `${position === 0 ? '' : ','}${keys[position]}:${JSON.stringify(values[position])}`;
    }
    return EMPTY_OBJECT.test(trimmed) ? `{${added}}\n` : `${trimmed.slice(0, -1)},${added}}\n`;
  };
}

/** An output of whole lines, written atomically and in batches. */
export interface LineOutput {
  readonly path: string;
  /** Queues one line (ending in `\n`); await the result when it is a Promise (the buffer is full). */
  write(line: string): Promise<void> | undefined;
  /** Lines written so far. */
  readonly lines: number;
  /** Flushes and puts the file in place. */
  commit(): Promise<void>;
  /** Removes the temporary file; the target is left as it was. */
  discard(): Promise<void>;
}

const BATCH_CHARACTERS = 1 << 16;

/** Standard output as a sink: written as it goes (nothing to take back), waiting for the reader when the pipe is full. */
function standardOutput(): Pick<AtomicFile, 'write' | 'commit' | 'discard'> {
  return {
    write(chunk) {
      if (process.stdout.write(chunk)) return undefined;
      return new Promise<void>((resolve) => process.stdout.once('drain', () => resolve()));
    },
    commit: async () => {},
    discard: async () => {},
  };
}

/**
 * Opens `path` for atomic line output; an unwritable path throws OutputUnwritableError now. `-` is standard output,
 * written through `process.stdout` itself (reopening /dev/stdout would share Node's non-blocking pipe and fail with
 * EAGAIN once the reader falls behind).
 */
export async function openLineOutput(path: string, signal?: AbortSignal): Promise<LineOutput> {
  let file: Pick<AtomicFile, 'write' | 'commit' | 'discard'>;
  if (path === '-') file = standardOutput();
  else {
    const atomic = new AtomicFile(path, { highWaterMark: 1 << 20, ...(signal ? { signal } : {}) });
    await atomic.open();
    file = atomic;
  }
  let batch = '';
  let lines = 0;
  const flush = () => {
    const text = batch;
    batch = '';
    return file.write(text);
  };
  return {
    path,
    get lines() {
      return lines;
    },
    write(line) {
      batch += line;
      lines += 1;
      return batch.length >= BATCH_CHARACTERS ? flush() : undefined;
    },
    async commit() {
      if (batch.length > 0) await flush();
      await file.commit();
    },
    discard: () => file.discard(),
  };
}

/** Refuses an output that would overwrite the input (a rename over it while it is still being read). */
export async function checkOutputIsNotInput(input: string, output: string, flag = '--out'): Promise<void> {
  if (input === '-' || output === '-') return;
  if ((await outputIdentity(input)) === (await outputIdentity(output))) throw new InvalidOptionError(flag, `must not be ${input}, which is also read (write to a new file)`);
}
