import { execFileSync } from 'node:child_process';
import { chmod, lstat, mkdir, mkdtemp, open, readdir, readFile, rm, stat, symlink, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { OutputUnwritableError } from '../errors.js';
import { toJsonLine, toPythonJsonLine } from './jsonl-format.js';
import { AtomicFile, openResumable, writeJsonlAtomic } from './write-jsonl.js';

let root: string;
let counter = 0;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'veridata-write-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function freshDirectory(): Promise<string> {
  counter += 1;
  const directory = join(root, `case-${counter}`);
  await mkdir(directory);
  return directory;
}

/** A source that records how many items were taken from it. */
function countingSource<T>(items: readonly T[], failAt?: number): { source: AsyncGenerator<T>; taken: () => number } {
  let taken = 0;
  async function* source() {
    for (const [index, item] of items.entries()) {
      if (index === failAt) throw new Error(`source failed at ${index}`);
      taken += 1;
      yield item;
    }
  }
  return { source: source(), taken: () => taken };
}

const recordArbitrary = fc.record({ id: fc.string(), text: fc.string({ unit: 'binary' }), score: fc.double({ noNaN: true, noDefaultInfinity: true }) });

describe('writeJsonlAtomic', () => {
  test('writes every record as one line and leaves no temporary file', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(recordArbitrary, { maxLength: 50 }), fc.boolean(), async (records, asynchronous) => {
        const directory = await freshDirectory();
        const path = join(directory, 'out.jsonl');
        const source = asynchronous ? countingSource(records).source : records;
        expect(await writeJsonlAtomic(path, source)).toBe(records.length);
        expect(await readFile(path, 'utf8')).toBe(records.map(toJsonLine).join(''));
        expect(await readdir(directory)).toEqual(['out.jsonl']);
      }),
      { numRuns: 30 },
    );
  });

  test('large outputs go through backpressure intact, with any serializer', async () => {
    const directory = await freshDirectory();
    const path = join(directory, 'big.jsonl');
    const records = Array.from({ length: 20_000 }, (_, index) => ({ index, text: 'é'.repeat(index % 50) }));
    await writeJsonlAtomic(path, records, { highWaterMark: 1024, serialize: toPythonJsonLine });
    expect(await readFile(path, 'utf8')).toBe(records.map(toPythonJsonLine).join(''));
  });

  test('an unwritable path fails before any record is read', async () => {
    const directory = await freshDirectory();
    for (const path of [join(directory, 'missing', 'out.jsonl'), directory]) {
      const { source, taken } = countingSource([{ a: 1 }]);
      const error = await writeJsonlAtomic(path, source).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(OutputUnwritableError);
      expect((error as OutputUnwritableError).code).toBe('OUTPUT_UNWRITABLE');
      expect(taken()).toBe(0);
    }
  });

  test('a failing source or an abort leaves the previous target untouched and no temporary file', async () => {
    const directory = await freshDirectory();
    const path = join(directory, 'out.jsonl');
    await writeFile(path, 'previous\n');
    const records = Array.from({ length: 100 }, (_, index) => ({ index }));

    await expect(writeJsonlAtomic(path, countingSource(records, 60).source)).rejects.toThrow('source failed at 60');
    expect(await readFile(path, 'utf8')).toBe('previous\n');
    expect(await readdir(directory)).toEqual(['out.jsonl']);

    const controller = new AbortController();
    const reason = new Error('interrupted');
    async function* slow() {
      for (const record of records) {
        if (record.index === 30) controller.abort(reason);
        yield record;
      }
    }
    await expect(writeJsonlAtomic(path, slow(), { signal: controller.signal })).rejects.toBe(reason);
    expect(await readFile(path, 'utf8')).toBe('previous\n');
    expect(await readdir(directory)).toEqual(['out.jsonl']);
  });
});

describe('AtomicFile', () => {
  test('write asks to wait only under backpressure; the target changes only on commit', async () => {
    const directory = await freshDirectory();
    const path = join(directory, 'out.txt');
    await writeFile(path, 'old');
    const file = new AtomicFile(path, { highWaterMark: 64 });
    await file.open();
    expect(file.tempPath).toMatch(new RegExp(`^${directory}/out\\.txt\\.tmp-${process.pid}-[0-9a-f]{8}$`));
    expect(file.write('small\n')).toBeUndefined();
    const wait = file.write('x'.repeat(1000));
    expect(wait).toBeInstanceOf(Promise);
    await wait;
    expect(await readFile(path, 'utf8')).toBe('old');
    await file.commit();
    expect(await readFile(path, 'utf8')).toBe(`small\n${'x'.repeat(1000)}`);
    await file.discard();
    expect(await readdir(directory)).toEqual(['out.txt']);
  });

  test('discard removes the temporary file, is idempotent, and later writes fail', async () => {
    const directory = await freshDirectory();
    const file = new AtomicFile(join(directory, 'out.txt'));
    expect(() => file.write('x')).toThrow(/not open/);
    await file.open();
    file.write('partial');
    await file.discard();
    await file.discard();
    expect(await readdir(directory)).toEqual([]);
    expect(() => file.write('x')).toThrow(/discarded/);
  });

  test('an aborted signal rejects a backpressure wait', async () => {
    const directory = await freshDirectory();
    const controller = new AbortController();
    const file = new AtomicFile(join(directory, 'out.txt'), { highWaterMark: 1, signal: controller.signal });
    await file.open();
    const reason = new Error('stop');
    controller.abort(reason);
    await expect(file.write('xx')).rejects.toBe(reason);
    await file.discard();
    expect(await readdir(directory)).toEqual([]);
  });
});

describe('AtomicFile targets that a rename would destroy', () => {
  test('two writers of one file get distinct temporary files, and the last commit wins whole', async () => {
    const directory = await freshDirectory();
    const path = join(directory, 'same.jsonl');
    const first = new AtomicFile(path);
    const second = new AtomicFile(join(directory, '..', basename(directory), 'same.jsonl'));
    await first.open();
    await second.open();
    expect(first.tempPath).not.toBe(second.tempPath);
    first.write('first\n'.repeat(1000));
    second.write('second\n');
    await first.commit();
    await second.commit();
    expect(await readFile(path, 'utf8')).toBe('second\n');
    expect(await readdir(directory)).toEqual(['same.jsonl']);
  });

  test('a symlink is followed: its target is replaced whole, the link stays a link', async () => {
    const directory = await freshDirectory();
    await mkdir(join(directory, 'real'));
    const target = join(directory, 'real', 'target.jsonl');
    await writeFile(target, 'old\n');
    await symlink('real/target.jsonl', join(directory, 'link.jsonl'));
    await symlink('link.jsonl', join(directory, 'link2.jsonl'));
    await writeJsonlAtomic(join(directory, 'link2.jsonl'), [{ a: 1 }]);
    expect((await lstat(join(directory, 'link.jsonl'))).isSymbolicLink()).toBe(true);
    expect((await lstat(join(directory, 'link2.jsonl'))).isSymbolicLink()).toBe(true);
    expect(await readFile(target, 'utf8')).toBe('{"a":1}\n');
    expect((await readdir(directory)).sort()).toEqual(['link.jsonl', 'link2.jsonl', 'real']);
    expect(await readdir(join(directory, 'real'))).toEqual(['target.jsonl']);
  });

  test('a dangling symlink creates the file it names', async () => {
    const directory = await freshDirectory();
    await symlink('new.jsonl', join(directory, 'link.jsonl'));
    await writeJsonlAtomic(join(directory, 'link.jsonl'), [{ a: 1 }]);
    expect((await lstat(join(directory, 'link.jsonl'))).isSymbolicLink()).toBe(true);
    expect(await readFile(join(directory, 'new.jsonl'), 'utf8')).toBe('{"a":1}\n');
  });

  test('a replaced file keeps its permission bits', async () => {
    const directory = await freshDirectory();
    const path = join(directory, 'out.jsonl');
    await writeFile(path, 'old\n');
    await chmod(path, 0o640);
    await writeJsonlAtomic(path, [{ a: 1 }]);
    expect((await stat(path)).mode & 0o777).toBe(0o640);
  });

  test('a FIFO is written in place: the reader gets the lines and the FIFO stays a FIFO', async () => {
    const directory = await freshDirectory();
    const fifo = join(directory, 'fifo');
    execFileSync('mkfifo', [fifo]);
    const reader = readFile(fifo, 'utf8');
    const file = new AtomicFile(fifo);
    await file.open();
    expect(file.inPlace).toBe(true);
    expect(file.tempPath).toBeUndefined();
    file.write('{"a":1}\n');
    await file.commit();
    expect(await reader).toBe('{"a":1}\n');
    expect((await lstat(fifo)).isFIFO()).toBe(true);
    expect(await readdir(directory)).toEqual(['fifo']);
  });

  test('a /dev/fd/N alias is written through the open descriptor, not replaced', async () => {
    const directory = await freshDirectory();
    const path = join(directory, 'opened.jsonl');
    await writeFile(path, 'kept\n');
    const handle = await open(path, 'a');
    try {
      const before = await stat(path);
      await writeJsonlAtomic(`/dev/fd/${handle.fd}`, [{ a: 1 }]);
      expect((await stat(path)).ino).toBe(before.ino);
      expect(await readFile(path, 'utf8')).toBe('kept\n{"a":1}\n');
    } finally {
      await handle.close();
    }
  });

  test('a character device node is written in place, not replaced', async (context) => {
    const directory = await freshDirectory();
    const device = join(directory, 'null');
    // A private copy of /dev/null: if this ever regressed, only the copy would be replaced. Needs root (mknod).
    try {
      execFileSync('mknod', ['-m', '666', device, 'c', '1', '3'], { stdio: 'ignore' });
    } catch {
      context.skip();
    }
    await writeJsonlAtomic(device, [{ a: 1 }]);
    expect((await lstat(device)).isCharacterDevice()).toBe(true);
    expect(await readdir(directory)).toEqual(['null']);
  });

  test('a directory is refused before anything is written', async () => {
    const directory = await freshDirectory();
    await expect(writeJsonlAtomic(directory, [{ a: 1 }])).rejects.toThrow(/EISDIR: the output path is a directory/);
    expect(await readdir(directory)).toEqual([]);
  });
});

describe('openResumable', () => {
  test('a character device is appended to without truncating, resuming or fsyncing it', async (context) => {
    const directory = await freshDirectory();
    const device = join(directory, 'null');
    try {
      execFileSync('mknod', ['-m', '666', device, 'c', '1', '3'], { stdio: 'ignore' });
    } catch {
      context.skip();
    }
    const output = await openResumable(device);
    expect(output.doneCount).toBe(0);
    await output.appendLine('{"a":1}\n');
    await output.close(); // fsync on /dev/null is EINVAL: it must not be attempted
    expect((await lstat(device)).isCharacterDevice()).toBe(true);
    expect(await readdir(directory)).toEqual(['null']);
  });

  const lineArbitrary = fc.record({ text: fc.string({ unit: 'binary', maxLength: 20 }), value: fc.integer() });

  test('a run cut anywhere, then resumed, equals an uninterrupted run byte for byte', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(lineArbitrary, { minLength: 1, maxLength: 25 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.boolean(),
        async (rows, cutShare, byId) => {
          const records = rows.map((row, index) => ({ id: `r${index}`, ...row }));
          const directory = await freshDirectory();

          const complete = join(directory, 'complete.jsonl');
          const first = await openResumable(complete);
          expect(first).toMatchObject({ doneCount: 0, droppedBytes: 0 });
          for (const record of records) await first.append(record);
          await first.close();
          const expected = await readFile(complete);

          const interrupted = join(directory, 'interrupted.jsonl');
          const crashed = await openResumable(interrupted);
          for (const record of records) await crashed.append(record);
          await crashed.close();
          const cut = Math.floor(cutShare * expected.length);
          await truncate(interrupted, cut);

          const resumed = await openResumable(interrupted);
          const keptLines = expected.subarray(0, cut).toString('latin1').split('\n').length - 1;
          expect(resumed.doneCount).toBe(keptLines);
          expect(resumed.droppedBytes).toBe(cut - (expected.subarray(0, cut).lastIndexOf(0x0a) + 1));
          const pending = byId ? records.filter((record) => !resumed.doneIds.has(record.id)) : records.slice(resumed.doneCount);
          for (const record of pending) await resumed.append(record);
          await resumed.close();
          expect((await readFile(interrupted)).equals(expected)).toBe(true);
        },
      ),
      { numRuns: 60 },
    );
  });

  test('reports done ids with a custom idOf and keeps appends in call order', async () => {
    const directory = await freshDirectory();
    const path = join(directory, 'out.jsonl');
    await writeFile(path, '{"key":"a"}\n\n{"key":"b"}\n{"key":"c","half');
    const output = await openResumable(path, (record) => String(record.key));
    expect([...output.doneIds]).toEqual(['a', 'b']);
    expect(output.doneCount).toBe(2);
    expect(output.droppedBytes).toBe(16);
    await Promise.all(['c', 'd', 'e'].map((key) => output.append({ key })));
    await expect(output.appendLine('no newline')).rejects.toThrow(/whole line/);
    await output.close();
    expect(await readFile(path, 'utf8')).toBe('{"key":"a"}\n\n{"key":"b"}\n{"key":"c"}\n{"key":"d"}\n{"key":"e"}\n');
  });

  test('an output in a missing directory is OutputUnwritableError', async () => {
    const directory = await freshDirectory();
    await expect(openResumable(join(directory, 'missing', 'out.jsonl'))).rejects.toBeInstanceOf(OutputUnwritableError);
  });
});
