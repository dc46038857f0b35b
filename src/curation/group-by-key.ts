import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { hashString32 } from '../core/hash.js';

/** One item to group: its key, its position in the input (groups come out in order of their first item) and its data. */
export interface KeyedItem<T> {
  readonly key: string;
  readonly order: number;
  readonly item: T;
}

/** A whole group: every item with this key, in input order. */
export interface Group<T> {
  readonly key: string;
  readonly firstOrder: number;
  readonly items: T[];
}

export interface GroupByKeyOptions {
  /** Bytes of serialized items held in memory before grouping spills to bucket files on disk (default 16 MiB; as objects they take several times that). */
  readonly memoryBudget?: number;
  /** Bucket files once spilled (default 32): each must fit in memory when its turn comes. */
  readonly buckets?: number;
  /** Where bucket files go (default the system temp directory); removed when done. */
  readonly tempDirectory?: string;
}

const DEFAULT_MEMORY_BUDGET = 16 << 20;
const DEFAULT_BUCKETS = 32;

/**
 * Groups items by key and maps each group to output text, yielding the texts in order of each group's first item, so
 * the result is the same however the input interleaves groups. Small inputs are grouped in memory; past
 * `memoryBudget` the items spill to `buckets` files by key hash, each bucket is grouped on its own, and the buckets'
 * outputs are merged back into first-appearance order: memory stays near one bucket, not the whole input.
 * `mapGroup` returns '' for a group that produces nothing.
 */
export async function* groupByKey<T>(items: AsyncIterable<KeyedItem<T>>, mapGroup: (group: Group<T>) => string, options: GroupByKeyOptions = {}): AsyncGenerator<string> {
  const budget = options.memoryBudget ?? DEFAULT_MEMORY_BUDGET;
  const bucketCount = options.buckets ?? DEFAULT_BUCKETS;
  let memory: KeyedItem<T>[] = [];
  let bytes = 0;
  let spill: Spill | undefined;
  try {
    for await (const keyed of items) {
      if (spill) {
        await spill.add(keyed);
        continue;
      }
      memory.push(keyed);
      bytes += JSON.stringify(keyed.item).length + keyed.key.length + 32;
      if (bytes > budget) {
        spill = await Spill.create(bucketCount, options.tempDirectory);
        for (const held of memory) await spill.add(held);
        memory = [];
      }
    }
    if (!spill) {
      for (const group of groupInMemory(memory)) {
        const text = mapGroup(group);
        if (text !== '') yield text;
      }
      return;
    }
    yield* spill.finish(mapGroup);
  } finally {
    await spill?.remove();
  }
}

function groupInMemory<T>(items: readonly KeyedItem<T>[]): Group<T>[] {
  const groups = new Map<string, Group<T>>();
  for (const { key, order, item } of items) {
    let group = groups.get(key);
    if (!group) {
      group = { key, firstOrder: order, items: [] };
      groups.set(key, group);
    }
    group.items.push(item);
  }
  // Map keeps insertion order, which is first-appearance order when items arrive in order; sort to be sure.
  return [...groups.values()].sort((a, b) => a.firstOrder - b.firstOrder);
}

/** Bucket files of spilled items, then per-bucket outputs (`order<TAB>json text` lines, sorted by order). */
class Spill {
  readonly #directory: string;
  readonly #writers: WriteStream[];

  private constructor(directory: string, writers: WriteStream[]) {
    this.#directory = directory;
    this.#writers = writers;
  }

  /** The first write error of any bucket file; later writes rethrow it (an interrupted run destroys the streams). */
  #error: Error | undefined;

  static async create(bucketCount: number, tempDirectory: string | undefined): Promise<Spill> {
    const directory = await mkdtemp(join(tempDirectory ?? tmpdir(), 'veridata-group-'));
    const writers = Array.from({ length: bucketCount }, (_, index) => createWriteStream(join(directory, `bucket-${index}.jsonl`)));
    const spill = new Spill(directory, writers);
    for (const writer of writers) writer.on('error', (error) => spill.#fail(error));
    return spill;
  }

  #fail(error: Error): void {
    this.#error ??= error;
  }

  async add(keyed: KeyedItem<unknown>): Promise<void> {
    if (this.#error) throw this.#error;
    const writer = this.#writers[hashString32(keyed.key) % this.#writers.length]!;
    if (!writer.write(`${JSON.stringify(keyed)}\n`)) await drained(writer);
    if (this.#error) throw this.#error;
  }

  async *finish<T>(mapGroup: (group: Group<T>) => string): AsyncGenerator<string> {
    await Promise.all(this.#writers.map((writer) => new Promise<void>((resolve, reject) => writer.end((error?: Error | null) => (error ? reject(error) : resolve())))));
    const outputs: string[] = [];
    for (let index = 0; index < this.#writers.length; index += 1) {
      const items: KeyedItem<T>[] = [];
      for await (const line of readLines(join(this.#directory, `bucket-${index}.jsonl`))) items.push(JSON.parse(line) as KeyedItem<T>);
      const outputPath = join(this.#directory, `out-${index}.txt`);
      const writer = createWriteStream(outputPath);
      writer.on('error', (error) => this.#fail(error));
      for (const group of groupInMemory(items)) {
        const text = mapGroup(group);
        if (text === '') continue;
        if (!writer.write(`${group.firstOrder}\t${JSON.stringify(text)}\n`)) await drained(writer);
        if (this.#error) throw this.#error;
      }
      await new Promise<void>((resolve, reject) => writer.end((error?: Error | null) => (error ? reject(error) : resolve())));
      outputs.push(outputPath);
    }
    yield* mergeByOrder(outputs);
  }

  async remove(): Promise<void> {
    this.#error ??= new Error('grouping stopped');
    for (const writer of this.#writers) writer.destroy();
    await rm(this.#directory, { recursive: true, force: true });
  }
}

/** Waits until a stream can take more, or is closed or failed (then the caller checks the error): never forever. */
function drained(writer: WriteStream): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = (): void => {
      writer.off('drain', done);
      writer.off('close', done);
      writer.off('error', done);
      resolve();
    };
    writer.once('drain', done);
    writer.once('close', done);
    writer.once('error', done);
  });
}

async function* readLines(path: string): AsyncGenerator<string> {
  const lines = createInterface({ input: createReadStream(path), crlfDelay: Infinity });
  for await (const line of lines) if (line !== '') yield line;
}

/** K-way merge of files whose lines are `order<TAB>json string`, each sorted by order. */
async function* mergeByOrder(paths: readonly string[]): AsyncGenerator<string> {
  const heads = paths.map((path) => ({ lines: readLines(path)[Symbol.asyncIterator](), order: 0, text: '', done: false }));
  const advance = async (head: (typeof heads)[number]): Promise<void> => {
    const next = await head.lines.next();
    if (next.done) {
      head.done = true;
      return;
    }
    const tab = next.value.indexOf('\t');
    head.order = Number(next.value.slice(0, tab));
    head.text = JSON.parse(next.value.slice(tab + 1)) as string;
  };
  await Promise.all(heads.map(advance));
  for (;;) {
    let best: (typeof heads)[number] | undefined;
    for (const head of heads) if (!head.done && (!best || head.order < best.order)) best = head;
    if (!best) return;
    yield best.text;
    await advance(best);
  }
}
