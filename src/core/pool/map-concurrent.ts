import { setMaxListeners } from 'node:events';
/** Options for `mapConcurrent`. */
export interface MapConcurrentOptions {
  /** Stops reading and rejects with the signal's reason; `fn`'s signal is aborted too. */
  readonly signal?: AbortSignal;
  /** Finished results that may wait behind a slower earlier item (default 4 × limit). */
  readonly buffer?: number;
}

type Slot<R> = { readonly state: 'pending' } | { readonly state: 'done'; readonly value: R } | { readonly state: 'failed'; readonly error: unknown };

const PENDING = { state: 'pending' } as const;

/**
 * Maps `fn` over `source` with at most `limit` calls in flight and yields the results in input order. It never reads
 * more than `limit + buffer` items ahead of what the consumer has taken, so memory stays bounded however large the
 * input. A failure (of `fn` or of the source) stops reading at once; results before it are still yielded in order,
 * then the error is thrown. On early exit, error or abort, `fn`'s signal is aborted and the source is closed (at once,
 * or when a read already under way returns: waiting for it could mean waiting on a slow upstream).
 */
export async function* mapConcurrent<T, R>(
  source: AsyncIterable<T> | Iterable<T>,
  limit: number,
  fn: (item: T, index: number, signal: AbortSignal) => Promise<R> | R,
  options: MapConcurrentOptions = {},
): AsyncGenerator<R, void, undefined> {
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`mapConcurrent: limit must be a positive integer, got ${limit}`);
  const buffer = options.buffer ?? limit * 4;
  if (!Number.isInteger(buffer) || buffer < 0) throw new RangeError(`mapConcurrent: buffer must be an integer >= 0, got ${buffer}`);
  const window = limit + buffer;
  const outer = options.signal;
  outer?.throwIfAborted();

  const asynchronous = Symbol.asyncIterator in source;
  const iterator: AsyncIterator<T> | Iterator<T> = asynchronous
    ? (source as AsyncIterable<T>)[Symbol.asyncIterator]()
    : (source as Iterable<T>)[Symbol.iterator]();
  const controller = new AbortController();
  // Every call in flight may listen on the one signal (an HTTP client adds a listener per request): no leak warning.
  setMaxListeners(0, controller.signal);
  const slots = new Map<number, Slot<R>>();
  let started = 0;
  let yielded = 0;
  let inFlight = 0;
  let reading = false;
  let sourceDone = false;
  let stopped = false;
  let finished = false;
  let wake: (() => void) | undefined;
  const notify = () => {
    const resolve = wake;
    wake = undefined;
    resolve?.();
  };
  const onAbort = () => {
    controller.abort(outer?.reason);
    notify();
  };
  outer?.addEventListener('abort', onAbort, { once: true });

  const fail = (index: number, error: unknown) => {
    slots.set(index, { state: 'failed', error });
    stopped = true;
  };
  const start = (item: T) => {
    const index = started;
    started += 1;
    slots.set(index, PENDING);
    inFlight += 1;
    let result: Promise<R>;
    try {
      result = Promise.resolve(fn(item, index, controller.signal));
    } catch (error) {
      result = Promise.reject(error);
    }
    result.then(
      (value) => {
        inFlight -= 1;
        slots.set(index, { state: 'done', value });
        notify();
      },
      (error: unknown) => {
        inFlight -= 1;
        fail(index, error);
        notify();
      },
    );
  };
  const canRead = () => !sourceDone && !stopped && !reading && inFlight < limit && started - yielded < window;
  const readAsync = () => {
    reading = true;
    (iterator as AsyncIterator<T>).next().then(
      (step) => {
        reading = false;
        if (finished) {
          if (!step.done) void Promise.resolve(iterator.return?.()).catch(() => {});
          return;
        }
        if (step.done) sourceDone = true;
        else if (!stopped && !controller.signal.aborted) start(step.value);
        notify();
      },
      (error: unknown) => {
        reading = false;
        fail(started, error);
        started += 1;
        notify();
      },
    );
  };

  try {
    while (true) {
      if (outer?.aborted) throw outer.reason;
      if (asynchronous) {
        if (canRead()) readAsync();
      } else {
        while (canRead()) {
          let step: IteratorResult<T>;
          try {
            step = (iterator as Iterator<T>).next();
          } catch (error) {
            fail(started, error);
            started += 1;
            break;
          }
          if (step.done) sourceDone = true;
          else start(step.value);
        }
      }
      const slot = slots.get(yielded);
      if (slot !== undefined && slot.state !== 'pending') {
        slots.delete(yielded);
        yielded += 1;
        if (slot.state === 'failed') throw slot.error;
        yield slot.value;
        continue;
      }
      if (yielded === started && !reading && (sourceDone || stopped)) return;
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
  } finally {
    finished = true;
    outer?.removeEventListener('abort', onAbort);
    if (inFlight > 0 && !controller.signal.aborted) controller.abort();
    // With a read still pending, return() would queue behind it; the read's handler closes the source instead.
    if (!sourceDone && !reading) {
      try {
        await iterator.return?.();
      } catch {
        // The source failing to close must not hide why we stopped.
      }
    }
  }
}
