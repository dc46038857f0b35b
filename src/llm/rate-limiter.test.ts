import fc from 'fast-check';
import { expect, test } from 'vitest';
import { backoffMs } from './backoff.js';
import { createRateLimiter } from './rate-limiter.js';
import { splitReasoning } from './split-reasoning.js';

test('requests per minute: a full bucket admits a burst, then one request per refill interval', async () => {
  let clock = 0;
  const limiter = createRateLimiter({ requestsPerMinute: 600 }, () => clock);
  for (let index = 0; index < 600; index += 1) await limiter.acquire(1);
  let admitted = false;
  const next = limiter.acquire(1).then(() => (admitted = true));
  await new Promise((resolve) => setTimeout(resolve, 20));
  expect(admitted).toBe(false);
  clock += 100; // 600/min refills one request every 100 ms
  await next;
  expect(admitted).toBe(true);
});

test('tokens per minute hold back a large request; one larger than the bucket still goes when it is full', async () => {
  let clock = 0;
  const limiter = createRateLimiter({ tokensPerMinute: 1000 }, () => clock);
  await limiter.acquire(5000);
  let admitted = false;
  const next = limiter.acquire(500).then(() => (admitted = true));
  await new Promise((resolve) => setTimeout(resolve, 20));
  expect(admitted).toBe(false);
  clock += 30_000;
  await next;
  expect(admitted).toBe(true);
});

test('a pause holds everyone back until it ends', async () => {
  const limiter = createRateLimiter({});
  limiter.pause(150);
  const started = performance.now();
  await limiter.acquire(1);
  expect(performance.now() - started).toBeGreaterThanOrEqual(140);
});

test('backoff: Retry-After wins; otherwise jittered and growing, within the cap', () => {
  expect(backoffMs(1, { baseMs: 500, maxMs: 30_000 }, 7000)).toBe(7000);
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 30 }), fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }), (attempt, random) => {
      const delay = backoffMs(attempt, { baseMs: 500, maxMs: 30_000 }, undefined, () => random);
      const ceiling = Math.min(30_000, 500 * 2 ** (attempt - 1));
      expect(delay).toBeGreaterThanOrEqual(Math.floor(ceiling / 2));
      expect(delay).toBeLessThanOrEqual(ceiling);
    }),
  );
});

test('reasoning is kept apart from the answer, from any provider field or inline think block', () => {
  expect(splitReasoning({ content: 'The answer is 4.', reasoning: '2+2' })).toEqual({ content: 'The answer is 4.', reasoning: '2+2' });
  expect(splitReasoning({ content: 'x', reasoning_content: 'because' })).toEqual({ content: 'x', reasoning: 'because' });
  expect(splitReasoning({ content: '<think>\nadd them\n</think>\n\nThe answer is 4.' })).toEqual({ content: 'The answer is 4.', reasoning: 'add them' });
  expect(splitReasoning({ content: '<think>still thinking when cut' })).toEqual({ content: '', reasoning: 'still thinking when cut' });
  expect(splitReasoning({ content: 'plain' })).toEqual({ content: 'plain', reasoning: null });
  expect(splitReasoning({ content: null })).toEqual({ content: '', reasoning: null });
});
