/** A fixed set of numbered slots: at most `count` holders at once, each knowing which slot it holds. */
export interface Slots {
  use<T>(fn: (slot: number) => Promise<T>): Promise<T>;
  /** Resolves once every current holder is done. */
  drain(): Promise<void>;
}

/** Slots 0..count-1, handed out lowest first, waiters served in arrival order. */
export function createSlots(count: number): Slots {
  const free = Array.from({ length: count }, (_, index) => index);
  const waiters: ((slot: number) => void)[] = [];
  const running = new Set<Promise<unknown>>();
  const release = (slot: number) => {
    const next = waiters.shift();
    if (next) next(slot);
    else {
      free.push(slot);
      free.sort((a, b) => a - b);
    }
  };
  return {
    async use(fn) {
      const slot = free.length > 0 ? free.shift()! : await new Promise<number>((resolve) => waiters.push(resolve));
      const work = (async () => {
        try {
          return await fn(slot);
        } finally {
          release(slot);
        }
      })();
      running.add(work);
      try {
        return await work;
      } finally {
        running.delete(work);
      }
    },
    async drain() {
      while (running.size > 0) await Promise.allSettled([...running]);
    },
  };
}
