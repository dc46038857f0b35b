import { createReadStream } from 'node:fs';
import { open, stat, type FileHandle } from 'node:fs/promises';
import { OutputUnwritableError, ResumeMismatchError } from '../errors.js';

/** What a checkpoint was written for: a rerun must be the same command with the same data-shaping settings. */
export interface CheckpointHeader {
  readonly command: string;
  /** A hash of every setting that shapes the data (models, parameters, seed, prompts, thresholds). */
  readonly config: string;
}

/** A run's progress over several output files, committed per input unit (a problem). */
export interface Checkpoint {
  readonly path: string;
  /** Units finished by earlier runs: skip that many inputs. */
  readonly resumed: number;
  /** The id of the last finished unit, to check that the input is the one the earlier run read. */
  readonly lastDoneId: string | undefined;
  /** What earlier runs paid (USD), requests in flight when they were killed included. */
  readonly spentUsd: number;
  /** Lines each output holds after the resume cut. */
  readonly keptLines: readonly number[];
  /** Records money paid, durably and at once: a kill right after a paid request still counts it. */
  spend(usd: number): void;
  /** Queues one unit's lines (`texts[i]` for output i, whole lines or empty); they reach disk at the next flush. */
  commit(id: string, texts: readonly string[]): void;
  /** Characters queued by `commit` and not yet flushed (a flush threshold, so UTF-16 length rather than the byte count). */
  readonly pendingBytes: number;
  /** Writes queued lines to the outputs, then their units to the checkpoint: a unit is marked done only once its lines are written. */
  flush(): Promise<void>;
  /** Flushes and closes every file; idempotent. */
  close(): Promise<void>;
}

const VERSION = 1;

interface Entry {
  readonly checkpoint?: number;
  readonly command?: string;
  readonly config?: string;
  readonly spent?: number;
  readonly done?: string;
  readonly lines?: number[];
}

/** The bytes of `path` up to the end of its `lines`-th line, or undefined when it holds fewer whole lines. */
async function endOfLine(path: string, lines: number): Promise<number | undefined> {
  if (lines === 0) return 0;
  let seen = 0;
  let offset = 0;
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
    let from = 0;
    for (;;) {
      const newline = chunk.indexOf(0x0a, from);
      if (newline < 0) break;
      seen += 1;
      if (seen === lines) return offset + newline + 1;
      from = newline + 1;
    }
    offset += chunk.length;
  }
  return undefined;
}

async function sizeOf(path: string): Promise<number | undefined> {
  return stat(path).then(
    (stats) => stats.size,
    () => undefined,
  );
}

async function readEntries(path: string): Promise<{ entries: Entry[]; validBytes: number }> {
  const size = await sizeOf(path);
  if (size === undefined || size === 0) return { entries: [], validBytes: 0 };
  const entries: Entry[] = [];
  let validBytes = 0;
  let rest = '';
  let lineNumber = 0;
  for await (const chunk of createReadStream(path, { encoding: 'utf8' }) as AsyncIterable<string>) {
    rest += chunk;
    let newline: number;
    while ((newline = rest.indexOf('\n')) >= 0) {
      const text = rest.slice(0, newline);
      rest = rest.slice(newline + 1);
      lineNumber += 1;
      validBytes += Buffer.byteLength(text, 'utf8') + 1;
      let entry: Entry | null;
      try {
        entry = JSON.parse(text) as Entry | null;
      } catch {
        entry = null;
      }
      // `null` parses, but reading a field of it would crash.
      if (entry === null) throw new ResumeMismatchError(path, `line ${lineNumber} is not a checkpoint entry`);
      entries.push(entry);
    }
  }
  // What follows the last newline is a line cut by a kill: it never counted.
  return { entries, validBytes };
}

/**
 * Opens the checkpoint at `path` for a run writing `outputs`. A fresh run (no checkpoint) starts the outputs empty and
 * refuses outputs that already hold data it did not write. A resumed run cuts each output back to the lines of the
 * units marked done (a kill between writing lines and marking them leaves extra lines; they are written again), and
 * refuses to resume a checkpoint of another command or config.
 */
export async function openCheckpoint(options: { path: string; outputs: readonly string[]; header: CheckpointHeader }): Promise<Checkpoint> {
  const { path, outputs, header } = options;
  const { entries, validBytes } = await readEntries(path);
  const keptLines = outputs.map(() => 0);
  let resumed = 0;
  let lastDoneId: string | undefined;
  let spentUsd = 0;
  if (entries.length === 0) {
    for (const output of outputs) {
      if (((await sizeOf(output)) ?? 0) > 0) throw new ResumeMismatchError(output, `exists and has no checkpoint (${path}), so veridata did not write it and will not overwrite it`);
    }
  } else {
    const first = entries[0]!;
    if (first.checkpoint !== VERSION) throw new ResumeMismatchError(path, `not a veridata checkpoint (version ${String(first.checkpoint)})`);
    if (first.command !== header.command) throw new ResumeMismatchError(path, `was written by \`veridata ${first.command}\`, not \`veridata ${header.command}\``);
    if (first.config !== header.config) throw new ResumeMismatchError(path, `was written with other generation settings (config ${first.config}, now ${header.config}): models, parameters, seed, prompts or thresholds changed`);
    for (const entry of entries.slice(1)) {
      if (typeof entry.spent === 'number') spentUsd += entry.spent;
      if (typeof entry.done === 'string' && Array.isArray(entry.lines) && entry.lines.length === outputs.length) {
        resumed += 1;
        lastDoneId = entry.done;
        entry.lines.forEach((count, index) => (keptLines[index]! += count));
      }
    }
  }

  const handles: FileHandle[] = [];
  let checkpointHandle: FileHandle;
  try {
    checkpointHandle = await open(path, 'a+');
    if ((await checkpointHandle.stat()).size > validBytes) await checkpointHandle.truncate(validBytes);
  } catch (error) {
    throw new OutputUnwritableError(path, error);
  }
  try {
    for (const [index, output] of outputs.entries()) {
      const handle = await open(output, 'a+').catch((error: unknown) => {
        throw new OutputUnwritableError(output, error);
      });
      handles.push(handle);
      const end = await endOfLine(output, keptLines[index]!);
      if (end === undefined) throw new ResumeMismatchError(output, `holds fewer lines than its checkpoint records (${keptLines[index]}): it was edited or replaced since`);
      if ((await handle.stat()).size > end) await handle.truncate(end);
    }
  } catch (error) {
    await Promise.all([checkpointHandle.close(), ...handles.map((handle) => handle.close())]);
    throw error;
  }

  let checkpointChain: Promise<void> = Promise.resolve();
  let failure: unknown;
  const append = (handle: FileHandle, file: string, text: string): Promise<void> =>
    handle.appendFile(text, 'utf8').catch((error: unknown) => {
      failure ??= new OutputUnwritableError(file, error);
      throw failure;
    });
  const appendCheckpoint = (text: string): Promise<void> => {
    checkpointChain = checkpointChain.then(() => append(checkpointHandle, path, text));
    return checkpointChain;
  };
  if (entries.length === 0) await appendCheckpoint(`${JSON.stringify({ checkpoint: VERSION, command: header.command, config: header.config })}\n`);

  let pendingTexts = outputs.map(() => '');
  let pendingDone = '';
  let pendingBytes = 0;
  let flushing: Promise<void> = Promise.resolve();
  let closed = false;

  const flush = (): Promise<void> => {
    flushing = flushing.then(async () => {
      if (failure) throw failure;
      if (pendingDone === '') return;
      const texts = pendingTexts;
      const done = pendingDone;
      pendingTexts = outputs.map(() => '');
      pendingDone = '';
      pendingBytes = 0;
      await Promise.all(texts.map((text, index) => (text === '' ? undefined : append(handles[index]!, outputs[index]!, text))));
      await appendCheckpoint(done);
    });
    return flushing;
  };

  return {
    path,
    resumed,
    lastDoneId,
    spentUsd,
    keptLines,
    spend(usd) {
      if (!(usd > 0) || closed) return;
      // Errors surface at the next flush; a spend entry is bookkeeping and must not reject into nowhere.
      appendCheckpoint(`${JSON.stringify({ spent: usd })}\n`).catch(() => {});
    },
    commit(id, texts) {
      if (texts.length !== outputs.length) throw new Error(`checkpoint commit: ${texts.length} texts for ${outputs.length} outputs`);
      const lines = texts.map((text) => (text.match(/\n/g) ?? []).length);
      texts.forEach((text, index) => {
        pendingTexts[index] += text;
        pendingBytes += text.length;
      });
      pendingDone += `${JSON.stringify({ done: id, lines })}\n`;
    },
    get pendingBytes() {
      return pendingBytes;
    },
    flush,
    async close() {
      if (closed) return;
      try {
        await flush();
        await checkpointChain;
      } finally {
        closed = true;
        await Promise.all([checkpointHandle.close(), ...handles.map((handle) => handle.close())].map((closing) => closing.catch(() => {})));
      }
    },
  };
}
