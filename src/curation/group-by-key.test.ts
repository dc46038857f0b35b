import { readdir, rm } from 'node:fs/promises';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { type Group, groupByKey, type KeyedItem } from './group-by-key.js';

async function* source(keys: readonly string[]): AsyncGenerator<KeyedItem<{ n: number }>> {
  for (let index = 0; index < keys.length; index += 1) yield { key: keys[index]!, order: index, item: { n: index } };
}

const describeGroup = (group: Group<{ n: number }>): string => `${group.key}:${group.firstOrder}:${group.items.map((item) => item.n).join(',')}\n`;

async function collect(keys: readonly string[], memoryBudget: number, tempDirectory?: string): Promise<string[]> {
  const out: string[] = [];
  for await (const text of groupByKey(source(keys), describeGroup, { memoryBudget, buckets: 4, ...(tempDirectory ? { tempDirectory } : {}) })) out.push(text);
  return out;
}

describe('groupByKey', () => {
  test('groups interleaved keys and yields them in order of first appearance', async () => {
    expect(await collect(['b', 'a', 'b', 'c', 'a'], 1 << 20)).toEqual(['b:0:0,2\n', 'a:1:1,4\n', 'c:3:3\n']);
  });

  test('spilling to disk gives exactly the in-memory result, and removes its files', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'veridata-group-test-'));
    await fc.assert(
      fc.asyncProperty(fc.array(fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g'), { maxLength: 200 }), async (keys) => {
        const inMemory = await collect(keys, 1 << 30);
        const spilled = await collect(keys, 16, directory);
        expect(spilled).toEqual(inMemory);
      }),
      { numRuns: 40 },
    );
    expect(await readdir(directory)).toEqual([]);
    await rm(directory, { recursive: true, force: true });
  });

  test('a group that maps to nothing is left out', async () => {
    const out: string[] = [];
    for await (const text of groupByKey(source(['x', 'y', 'x']), (group) => (group.key === 'x' ? '' : 'y\n'), { memoryBudget: 8 })) out.push(text);
    expect(out).toEqual(['y\n']);
  });
});
