import { fstat as fstatCallback, type Stats } from 'node:fs';
import { lstat, readlink, realpath, stat } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { VeridataError } from '../errors.js';

const fstat = promisify(fstatCallback);

/**
 * Where writing a path really goes. `atomic`: a regular file (or none yet) at `target`, the end of any symlink chain, so
 * a temporary file beside it can be renamed over it. `in-place`: a FIFO, a character device or a descriptor alias
 * (/dev/stdout, /dev/fd/N, /proc/self/fd/N), which a rename would replace instead of write to, so it is written
 * directly; for an alias of one of this process's descriptors, `descriptor` is that descriptor, to be written as it is
 * (reopening a socket's alias fails with ENXIO, and reopening a file would lose the offset and flags the shell chose).
 */
export type OutputTarget =
  | { readonly kind: 'atomic'; readonly target: string; readonly existing: Stats | undefined }
  | { readonly kind: 'in-place'; readonly target: string; readonly descriptor?: number };

/** Refused targets: a rename cannot write them and writing them in place is never what a data tool should do. */
export class UnsupportedTargetError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(`${code}: ${message}`);
    this.code = code;
  }
}

const MAX_SYMLINK_HOPS = 40;

/**
 * Paths naming an already open descriptor. Reopening one writes to whatever the descriptor points at (a pipe, a terminal,
 * a file the shell opened), so it is never replaced, even when it currently resolves to a regular file.
 */
function isDescriptorAlias(path: string): boolean {
  return /^\/(dev\/(fd\/|stdout$|stderr$|stdin$)|proc\/)/.test(path);
}

const STANDARD_DESCRIPTORS: Record<string, number> = { '/dev/stdin': 0, '/dev/stdout': 1, '/dev/stderr': 2 };

/** The descriptor of this process that an alias names, if it names one: /dev/stdout -> 1, /proc/self/fd/7 -> 7. */
export function descriptorOf(path: string): number | undefined {
  if (path in STANDARD_DESCRIPTORS) return STANDARD_DESCRIPTORS[path];
  const match = /^\/(?:dev\/fd|proc\/(?:self|thread-self|(\d+))\/fd)\/(\d+)$/.exec(path);
  if (!match || (match[1] !== undefined && Number(match[1]) !== process.pid)) return undefined;
  return Number(match[2]);
}

function inPlace(original: string, alias: string): OutputTarget {
  const descriptor = descriptorOf(alias);
  return descriptor === undefined ? { kind: 'in-place', target: original } : { kind: 'in-place', target: original, descriptor };
}

async function lstatOrUndefined(path: string): Promise<Stats | undefined> {
  return lstat(path).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
}

function classify(path: string, original: string, stats: Stats | undefined): OutputTarget {
  if (stats === undefined || stats.isFile()) return { kind: 'atomic', target: path, existing: stats };
  if (stats.isDirectory()) throw new UnsupportedTargetError('EISDIR', 'the output path is a directory');
  if (stats.isFIFO() || stats.isCharacterDevice()) return { kind: 'in-place', target: original };
  if (stats.isBlockDevice()) throw new UnsupportedTargetError('EBLOCKDEV', 'the output path is a block device; refusing to overwrite it');
  throw new UnsupportedTargetError('EBADTYPE', 'the output path is a socket or another special file');
}

/**
 * Resolves an output path: follows symlinks to the file they name (a dangling link names the file to create), so the
 * link stays and its target is replaced; FIFOs, character devices and descriptor aliases are written in place;
 * directories, block devices and sockets are refused with `UnsupportedTargetError`.
 */
export async function resolveOutputTarget(path: string): Promise<OutputTarget> {
  const original = resolve(path);
  if (isDescriptorAlias(original)) return inPlace(original, original);
  let current = original;
  for (let hop = 0; hop <= MAX_SYMLINK_HOPS; hop += 1) {
    const stats = await lstatOrUndefined(current);
    if (!stats?.isSymbolicLink()) return classify(current, original, stats);
    const link = await readlink(current);
    current = isAbsolute(link) ? link : resolve(dirname(current), link);
    if (isDescriptorAlias(current)) return inPlace(original, current);
  }
  throw new UnsupportedTargetError('ELOOP', `more than ${MAX_SYMLINK_HOPS} symbolic links in a chain`);
}

/**
 * A key equal for two paths (or `-`, standard output) exactly when writing them reaches the same file: device and
 * inode when it exists, else the real directory plus the name to be created. Unreadable paths get a key of their own
 * spelling, so the write itself reports the problem.
 */
export async function outputIdentity(path: string): Promise<string> {
  try {
    const stats = path === '-' ? await fstat(1) : await stat(path);
    return `inode:${stats.dev}:${stats.ino}`;
  } catch {
    try {
      const target = await resolveOutputTarget(path);
      return `path:${join(await realpath(dirname(target.target)), basename(target.target))}`;
    } catch {
      return `path:${resolve(path)}`;
    }
  }
}

/** True when writing `path` reaches a character device (a terminal, /dev/null), where two writers do no harm. */
export async function isCharacterDevice(path: string): Promise<boolean> {
  const stats = await (path === '-' ? fstat(1) : stat(path)).catch(() => undefined);
  return stats?.isCharacterDevice() === true;
}

/**
 * Refuses an output that is the input file itself (any spelling: `../`, a symlink, a hard link): the output replaces
 * its target, so the input would be lost. Standard input (`-`) and character devices are never the same file.
 */
export async function assertNotInput(input: string, output: string, outputFlag = '--out'): Promise<void> {
  if (input === '-' || (await isCharacterDevice(output))) return;
  const [inputKey, outputKey] = await Promise.all([outputIdentity(input), outputIdentity(output)]);
  if (inputKey === outputKey) {
    throw new VeridataError('INVALID_OPTION', `${outputFlag}: ${output} is the input file ${input}; writing it would destroy the input`, {
      hint: `Write to another file (e.g. ${output}.out.jsonl) and rename it afterwards if you mean to replace the input.`,
    });
  }
}
