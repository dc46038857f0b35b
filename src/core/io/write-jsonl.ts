import { randomBytes } from 'node:crypto';
import { createWriteStream, fstat as fstatCallback, type WriteStream } from 'node:fs';
import { type FileHandle, open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { OutputUnwritableError } from '../errors.js';
import { toJsonLine } from './jsonl-format.js';
import { resolveOutputTarget } from './output-target.js';
import { readJsonlLines } from './read-jsonl.js';

const fstat = promisify(fstatCallback);

/** Options for `AtomicFile` and `writeJsonlAtomic`. */
export interface AtomicFileOptions {
  /** Aborting rejects a pending backpressure wait with the signal's reason. */
  readonly signal?: AbortSignal;
  /** Bytes buffered in memory before `write` asks the caller to wait (default 64 KiB). */
  readonly highWaterMark?: number;
  /** Flush to disk before the rename (default true); off only for scratch files. */
  readonly fsync?: boolean;
}

type AtomicFileState = 'new' | 'open' | 'committed' | 'discarded';

/**
 * A file written whole or not at all: text goes to a temporary file beside the target and replaces the target only on
 * `commit()` (fsync, then rename); `discard()` removes the temporary file and leaves the target as it was. A symlink is
 * followed: its target is replaced and the link kept. FIFOs, character devices (/dev/null, a terminal) and descriptor
 * aliases (/dev/stdout, /dev/fd/N) cannot be replaced by a rename without destroying them, so they are written in place,
 * as a stream: there `discard()` cannot take back what was already written.
 */
export class AtomicFile {
  readonly path: string;
  readonly #options: AtomicFileOptions;
  #state: AtomicFileState = 'new';
  #target: string | undefined;
  #tempPath: string | undefined;
  #inPlace = false;
  #handle: FileHandle | undefined;
  /** A descriptor the process already had (/dev/stdout, /dev/fd/N): written, never closed. */
  #borrowed: number | undefined;
  #stream: WriteStream | undefined;
  #error: OutputUnwritableError | undefined;
  #drain: Promise<void> | undefined;

  constructor(path: string, options: AtomicFileOptions = {}) {
    this.path = path;
    this.#options = options;
  }

  /** The temporary file being written, once open; undefined before `open()` and for a target written in place. */
  get tempPath(): string | undefined {
    return this.#tempPath;
  }

  /** True once `open()` found a target that is written in place rather than replaced (a FIFO, a device, /dev/fd/N). */
  get inPlace(): boolean {
    return this.#inPlace;
  }

  /** Creates the temporary file; an unwritable location throws OutputUnwritableError here, before any work is done. */
  async open(): Promise<void> {
    if (this.#state !== 'new') throw new Error(`AtomicFile ${this.path} is already ${this.#state}`);
    try {
      const target = await resolveOutputTarget(this.path);
      this.#target = target.target;
      if (target.kind === 'in-place') {
        this.#inPlace = true;
        if (target.descriptor !== undefined) {
          await fstat(target.descriptor).catch(() => {
            throw new Error(`EBADF: descriptor ${target.descriptor} is not open in this process`);
          });
          this.#borrowed = target.descriptor;
        } else {
          // Append: an alias of a file the shell opened with >> must not be truncated; a FIFO or device does not care.
          this.#handle = await open(target.target, 'a');
        }
      } else {
        // A random part as well as the pid: two writers in one process (--out and --test-out naming one file through
        // two spellings) must never share a temporary file; `wx` fails rather than reuse a leftover one.
        this.#tempPath = join(dirname(target.target), `${basename(target.target)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
        this.#handle = await open(this.#tempPath, 'wx');
        // Replacing a file keeps its permission bits, as editing it in place would.
        if (target.existing) await this.#handle.chmod(target.existing.mode & 0o7777);
      }
    } catch (error) {
      await this.#handle?.close().catch(() => {});
      this.#handle = undefined;
      if (this.#tempPath) await unlink(this.#tempPath).catch(() => {});
      throw new OutputUnwritableError(this.path, error);
    }
    const stream = createWriteStream('', {
      // A numeric fd: a FileHandle given to a stream cannot be closed until the stream is destroyed.
      fd: this.#borrowed ?? (this.#handle as FileHandle).fd,
      autoClose: false,
      highWaterMark: this.#options.highWaterMark ?? 1 << 16,
    });
    stream.on('error', (error) => {
      this.#error ??= new OutputUnwritableError(this.path, error);
    });
    this.#stream = stream;
    this.#state = 'open';
  }

/** Queues text; returns a Promise only when the buffer is full and the caller should wait before writing more. */
  write(chunk: string): Promise<void> | undefined {
    const stream = this.#openStream();
    if (stream.write(chunk)) return undefined;
    this.#drain ??= this.#waitForDrain(stream).finally(() => {
      this.#drain = undefined;
    });
    return this.#drain;
  }

  /** Flushes, fsyncs and renames the temporary file over the target (in place: flushes and closes); on failure the temporary file is removed. */
  async commit(): Promise<void> {
    const stream = this.#openStream();
    try {
      await new Promise<void>((resolve, reject) => {
        stream.once('error', reject);
        stream.end(() => {
          stream.off('error', reject);
          resolve();
        });
      });
      if (this.#error) throw this.#error;
      const handle = this.#handle;
      if (this.#options.fsync !== false && !this.#inPlace) await handle?.sync();
      await handle?.close();
      this.#handle = undefined;
      if (this.#tempPath) await rename(this.#tempPath, this.#target as string);
    } catch (error) {
      await this.discard();
      throw error instanceof OutputUnwritableError ? error : new OutputUnwritableError(this.path, error);
    }
    this.#state = 'committed';
    if (this.#options.fsync !== false && !this.#inPlace) await syncDirectory(dirname(this.#target as string));
  }

  /** Removes the temporary file and leaves the target untouched (in place: only closes); safe to call twice or after commit. */
  async discard(): Promise<void> {
    if (this.#state === 'committed' || this.#state === 'discarded') return;
    const wasOpen = this.#state === 'open';
    this.#state = 'discarded';
    if (!wasOpen) return;
    const stream = this.#stream;
    if (stream && !stream.destroyed) {
      await new Promise<void>((resolve) => {
        stream.once('close', () => resolve());
        stream.destroy();
      });
    }
    await this.#handle?.close().catch(() => {});
    this.#handle = undefined;
    if (this.#tempPath) await unlink(this.#tempPath).catch(() => {});
  }

  #openStream(): WriteStream {
    if (this.#error) throw this.#error;
    if (this.#state !== 'open' || !this.#stream) {
      throw new Error(`AtomicFile ${this.path} is ${this.#state === 'new' ? 'not open yet' : this.#state}`);
    }
    return this.#stream;
  }

  #waitForDrain(stream: WriteStream): Promise<void> {
    const signal = this.#options.signal;
    return new Promise<void>((resolve, reject) => {
      const cleanup = () => {
        stream.off('drain', onDrain);
        stream.off('error', onError);
        signal?.removeEventListener('abort', onAbort);
      };
      const onDrain = () => {
        cleanup();
        resolve();
      };
      const onError = () => {
        cleanup();
        reject(this.#error);
      };
      const onAbort = () => {
        cleanup();
        reject(signal?.reason);
      };
      if (signal?.aborted) return onAbort();
      stream.on('drain', onDrain);
      stream.on('error', onError);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}

/** Makes a rename durable; best effort, since some file systems cannot fsync a directory. */
async function syncDirectory(directory: string): Promise<void> {
  try {
    const handle = await open(directory, 'r');
    await handle.sync().finally(() => handle.close());
  } catch {
    // A failed directory fsync cannot lose the data written, only the rename on power loss.
  }
}

/** Options for `writeJsonlAtomic`. */
export interface WriteJsonlOptions extends AtomicFileOptions {
  /** Turns a record into one line ending in `\n` (default `toJsonLine`; `toPythonJsonLine` matches Python files). */
  readonly serialize?: (record: unknown) => string;
}

const BATCH_CHARACTERS = 1 << 15;

/**
 * Writes records as JSONL atomically: the target appears complete or not at all. The output is opened before the first
 * record is read, so an unwritable path throws OutputUnwritableError without consuming anything; an error or an abort
 * removes the temporary file and leaves the target untouched. Returns the number of records written.
 */
export async function writeJsonlAtomic(
  path: string,
  records: AsyncIterable<unknown> | Iterable<unknown>,
  options: WriteJsonlOptions = {},
): Promise<number> {
  const { signal, serialize = toJsonLine } = options;
  signal?.throwIfAborted();
  const file = new AtomicFile(path, options);
  await file.open();
  let count = 0;
  let batch = '';
  const flush = async () => {
    const wait = file.write(batch);
    batch = '';
    if (wait) await wait;
  };
  try {
    if (Symbol.asyncIterator in records) {
      for await (const record of records) {
        signal?.throwIfAborted();
        batch += serialize(record);
        count += 1;
        if (batch.length >= BATCH_CHARACTERS) await flush();
      }
    } else {
      for (const record of records) {
        signal?.throwIfAborted();
        batch += serialize(record);
        count += 1;
        if (batch.length >= BATCH_CHARACTERS) await flush();
      }
    }
    if (batch.length > 0) await flush();
    signal?.throwIfAborted();
    await file.commit();
    return count;
  } catch (error) {
    await file.discard();
    throw error;
  }
}

/** An output file opened for resuming: what is already done, and an appender for the rest. */
export interface ResumableOutput {
  readonly path: string;
  /** Ids (from `idOf`) of the records already in the file. */
  readonly doneIds: ReadonlySet<string>;
  /** Records (non-blank lines) already in the file, for order-preserving prefix resume: skip that many inputs. */
  readonly doneCount: number;
  /** Bytes of a half-written last line that were cut off (0 if the file ended cleanly). */
  readonly droppedBytes: number;
  /** Appends one line (must end in `\n`) with a single write; calls are applied in order. */
  appendLine(line: string): Promise<void>;
  /** Appends one record serialised by the `serialize` option. */
  append(record: unknown): Promise<void>;
  /** Waits for pending appends, fsyncs and closes the file. */
  close(): Promise<void>;
}

/** Options for `openResumable`. */
export interface ResumableOptions {
  /** Turns a record into one line ending in `\n` (default `toJsonLine`). */
  readonly serialize?: (record: unknown) => string;
}

/** The default id of an output record: its `id` field when it is a string. */
export function recordId(record: Record<string, unknown>): string | undefined {
  return typeof record.id === 'string' ? record.id : undefined;
}

/** Position just after the last `\n` in the file, found by reading backwards from the end. */
async function endOfLastLine(handle: FileHandle, size: number): Promise<number> {
  const block = Buffer.allocUnsafe(1 << 16);
  let end = size;
  while (end > 0) {
    const start = Math.max(0, end - block.length);
    const { bytesRead } = await handle.read(block, 0, end - start, start);
    const newline = block.subarray(0, bytesRead).lastIndexOf(0x0a);
    if (newline >= 0) return start + newline + 1;
    end = start;
  }
  return 0;
}

/**
 * Opens (or creates) an append-only JSONL output for a resumable run. A half-written last line left by a crash is cut
 * off (the file is truncated after its last newline); the ids of the records kept are collected with `idOf`. Appends
 * write whole lines, one write each, so a later crash again leaves at most one partial line.
 */
export async function openResumable(
  path: string,
  idOf: (record: Record<string, unknown>) => string | undefined = recordId,
  options: ResumableOptions = {},
): Promise<ResumableOutput> {
  const serialize = options.serialize ?? toJsonLine;
  let handle: FileHandle;
  let droppedBytes = 0;
  // A FIFO or a device (/dev/null, a terminal) holds no earlier run to resume, cannot be truncated or fsynced, and
  // reading a FIFO back would block: it is only appended to.
  let regular = true;
  try {
    handle = await open(path, 'a+');
    const stats = await handle.stat();
    regular = stats.isFile();
    if (stats.isDirectory()) throw new Error('EISDIR: is a directory');
    const keep = regular ? await endOfLastLine(handle, stats.size) : stats.size;
    if (keep < stats.size) {
      await handle.truncate(keep);
      droppedBytes = stats.size - keep;
    }
  } catch (error) {
    throw new OutputUnwritableError(path, error);
  }

  const doneIds = new Set<string>();
  let doneCount = 0;
  try {
    for await (const { value } of regular ? readJsonlLines(path) : []) {
      doneCount += 1;
      const id = idOf(value);
      if (id !== undefined) doneIds.add(id);
    }
  } catch (error) {
    await handle.close();
    throw error;
  }

  let tail: Promise<void> = Promise.resolve();
  let failure: unknown;
  let closed = false;
  const writeAll = async (bytes: Buffer) => {
    let offset = 0;
    while (offset < bytes.length) {
      const { bytesWritten } = await handle.write(bytes, offset, bytes.length - offset);
      offset += bytesWritten;
    }
  };
  const appendLine = (line: string): Promise<void> => {
    if (closed) return Promise.reject(new Error(`resumable output ${path} is closed`));
    if (!line.endsWith('\n')) return Promise.reject(new Error('appendLine needs a whole line ending in a newline'));
    const bytes = Buffer.from(line, 'utf8');
    tail = tail.then(async () => {
      if (failure) throw failure;
      try {
        await writeAll(bytes);
      } catch (error) {
        failure = new OutputUnwritableError(path, error);
        throw failure;
      }
    });
    return tail;
  };
  return {
    path,
    doneIds,
    doneCount,
    droppedBytes,
    appendLine,
    append: (record) => appendLine(serialize(record)),
    async close() {
      if (closed) return;
      closed = true;
      try {
        await tail.catch(() => {});
        if (!failure && regular) await handle.sync();
      } finally {
        await handle.close();
      }
      if (failure) throw failure;
    },
  };
}
