import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { mapConcurrent } from './map-concurrent.js';

/** Waits a given number of event-loop turns: 0 is a microtask hop, n > 0 is n macrotasks. */
async function pause(turns: number): Promise<void> {
  if (turns === 0) return Promise.resolve();
  for (let turn = 0; turn < turns; turn += 1) await new Promise((resolve) => setImmediate(resolve));
}

/** An async source that counts items pulled and whether it was closed. */
function trackedSource<T>(items: readonly T[], failAt?: number) {
  const state = { pulled: 0, closed: false };
  async function* source() {
    try {
      for (const [index, item] of items.entries()) {
        await pause(index % 2);
        if (index === failAt) throw new Error(`source failed at ${index}`);
        state.pulled += 1;
        yield item;
      }
    } finally {
      state.closed = true;
    }
  }
  return { source: source(), state };
}

/** A read already under way when the consumer stops closes the source once it returns, a few turns later. */
async function eventually(check: () => boolean): Promise<boolean> {
  for (let turn = 0; turn < 20 && !check(); turn += 1) await pause(1);
  return check();
}

async function collect<T>(source: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of source) items.push(item);
  return items;
}

describe('mapConcurrent', () => {
  test('yields results in input order, never exceeds the limit, never reads more than limit + buffer ahead', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.nat(4), { maxLength: 40 }),
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 0, max: 6 }),
        fc.array(fc.nat(3), { minLength: 1, maxLength: 5 }),
        fc.boolean(),
        async (delays, limit, buffer, consumerPauses, asynchronous) => {
          const { source, state } = trackedSource(delays);
          let inFlight = 0;
          let maxInFlight = 0;
          let pulledSync = 0;
          const syncSource = (function* () {
            for (const delay of delays) {
              pulledSync += 1;
              yield delay;
            }
          })();
          const results: number[] = [];
          const mapped = mapConcurrent(asynchronous ? source : syncSource, limit, async (delay, index) => {
            inFlight += 1;
            maxInFlight = Math.max(maxInFlight, inFlight);
            await pause(delay);
            inFlight -= 1;
            return index * 10 + delay;
          }, { buffer });
          for await (const result of mapped) {
            results.push(result);
            const pulled = asynchronous ? state.pulled : pulledSync;
            expect(pulled - results.length).toBeLessThanOrEqual(limit + buffer);
            await pause(consumerPauses[results.length % consumerPauses.length] ?? 0);
          }
          expect(results).toEqual(delays.map((delay, index) => index * 10 + delay));
          expect(maxInFlight).toBeLessThanOrEqual(limit);
        },
      ),
      { numRuns: 150 },
    );
  });

  test('uses the whole limit when work is slow', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    const results = await collect(
      mapConcurrent(Array.from({ length: 50 }, (_, index) => index), 5, async (item) => {
        inFlight += 1;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await pause(3);
        inFlight -= 1;
        return item;
      }),
    );
    expect(results).toHaveLength(50);
    expect(maxInFlight).toBe(5);
  });

  test('a failure stops reading; earlier results come first, in order, then the error', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 29 }), fc.integer({ min: 1, max: 6 }), fc.boolean(), async (failAt, limit, inSource) => {
        const items = Array.from({ length: 30 }, (_, index) => index);
        const { source, state } = trackedSource(items, inSource ? failAt : undefined);
        const received: number[] = [];
        const error = await (async () => {
          for await (const result of mapConcurrent(source, limit, async (item) => {
            await pause((item * 7) % 3);
            if (item === failAt) throw new Error(`fn failed at ${item}`);
            return item;
          }, { buffer: 2 })) {
            received.push(result);
          }
        })().catch((caught: unknown) => caught);
        expect(error).toBeInstanceOf(Error);
        expect((error as Error).message).toMatch(new RegExp(`failed at ${failAt}$`));
        expect(received).toEqual(items.slice(0, failAt));
        expect(state.pulled).toBeLessThanOrEqual(failAt + 1 + limit + 2);
        expect(await eventually(() => state.closed)).toBe(true);
      }),
      { numRuns: 60 },
    );
  });

  test('breaking early closes the source and aborts work still running', async () => {
    const { source, state } = trackedSource(Array.from({ length: 100 }, (_, index) => index));
    const signals: AbortSignal[] = [];
    for await (const result of mapConcurrent(source, 4, async (item, _index, signal) => {
      signals.push(signal);
      await pause(item === 0 ? 3 : 30);
      return item;
    })) {
      expect(result).toBe(0);
      break;
    }
    expect(await eventually(() => state.closed)).toBe(true);
    expect(state.pulled).toBeLessThan(100);
    expect(signals.at(-1)?.aborted).toBe(true);
  });

  test('an abort rejects with its reason at once, even while work is pending', async () => {
    const controller = new AbortController();
    const reason = new Error('interrupted');
    let fnSignal: AbortSignal | undefined;
    const run = collect(
      mapConcurrent([1, 2, 3], 2, (item, _index, signal) => {
        fnSignal = signal;
        return new Promise<number>(() => {});
      }, { signal: controller.signal }),
    );
    await pause(2);
    controller.abort(reason);
    await expect(run).rejects.toBe(reason);
    expect(fnSignal?.aborted).toBe(true);
    expect(fnSignal?.reason).toBe(reason);
    await expect(collect(mapConcurrent([1], 1, (item) => item, { signal: controller.signal }))).rejects.toBe(reason);
  });

  test('synchronous functions, synchronous throws and bad limits', async () => {
    expect(await collect(mapConcurrent(new Set(['a', 'b']), 3, (item, index) => `${index}${item}`))).toEqual(['0a', '1b']);
    await expect(
      collect(
        mapConcurrent([1, 2], 1, (item) => {
          if (item === 2) throw new Error('sync throw');
          return item;
        }),
      ),
    ).rejects.toThrow('sync throw');
    await expect(collect(mapConcurrent([1], 0, (item) => item))).rejects.toThrow(RangeError);
    expect(await collect(mapConcurrent([], 2, (item) => item))).toEqual([]);
  });
});
