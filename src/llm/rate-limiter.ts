import { sleep } from './backoff.js';

/** Limits of one (endpoint, model): requests and tokens per minute; absent means unlimited. */
export interface RateLimits {
  readonly requestsPerMinute?: number;
  readonly tokensPerMinute?: number;
}

/** Admits requests within the limits; a 429 pauses everyone sharing the limiter, not just the worker that got it. */
export interface RateLimiter {
  /** Waits until a request of about `tokens` tokens may go. */
  acquire(tokens: number, signal?: AbortSignal): Promise<void>;
  /** Nobody sends before `ms` from now (a Retry-After, or a 429 without one). */
  pause(ms: number): void;
}

/** Token buckets refilled continuously; a bucket holds at most a minute's worth. */
export function createRateLimiter(limits: RateLimits, now: () => number = () => performance.now()): RateLimiter {
  const buckets = [
    { capacity: limits.requestsPerMinute, level: limits.requestsPerMinute ?? 0, cost: () => 1 },
    { capacity: limits.tokensPerMinute, level: limits.tokensPerMinute ?? 0, cost: (tokens: number) => tokens },
  ].filter((bucket): bucket is { capacity: number; level: number; cost: (tokens: number) => number } => bucket.capacity !== undefined && bucket.capacity > 0);
  let refilledAt = now();
  let pausedUntil = 0;
  let queue = Promise.resolve();
  const refill = () => {
    const at = now();
    const minutes = (at - refilledAt) / 60_000;
    refilledAt = at;
    for (const bucket of buckets) bucket.level = Math.min(bucket.capacity, bucket.level + bucket.capacity * minutes);
  };
  return {
    acquire(tokens, signal) {
      // One waiter at a time keeps admission in arrival order.
      const turn = queue.then(async () => {
        for (;;) {
          const pause = pausedUntil - now();
          if (pause > 0) {
            await sleep(pause, signal);
            continue;
          }
          refill();
          let waitMs = 0;
          for (const bucket of buckets) {
            // A request larger than the whole bucket still goes once the bucket is full.
            const need = Math.min(bucket.cost(tokens), bucket.capacity);
            if (bucket.level < need) waitMs = Math.max(waitMs, ((need - bucket.level) / bucket.capacity) * 60_000);
          }
          if (waitMs === 0) {
            for (const bucket of buckets) bucket.level -= Math.min(bucket.cost(tokens), bucket.capacity);
            return;
          }
          await sleep(Math.ceil(waitMs), signal);
        }
      });
      queue = turn.catch(() => {});
      return turn;
    },
    pause(ms) {
      pausedUntil = Math.max(pausedUntil, now() + ms);
    },
  };
}
