import { InterruptedError } from './errors.js';

/** The part of `process` signal handling uses; injectable for tests. */
export interface SignalSource {
  on(event: NodeJS.Signals, listener: (signal: NodeJS.Signals) => void): unknown;
  off(event: NodeJS.Signals, listener: (signal: NodeJS.Signals) => void): unknown;
}

/** Options for `createInterruptController` and `withInterruptHandling`. */
export interface InterruptOptions {
  /** Signals that stop the run (default SIGINT and SIGTERM). */
  readonly signals?: readonly NodeJS.Signals[];
  readonly process?: SignalSource;
  /** Called on the first signal, e.g. to print "stopping; press Ctrl-C again to quit now". */
  readonly onInterrupt?: (signal: NodeJS.Signals) => void;
  /** Called on a second signal while still stopping; default: `forceExit`, which nothing can hold up. */
  readonly onForce?: (signal: NodeJS.Signals) => void;
  /** The InterruptedError's hint: what became of the outputs (default: rerun, finished work is kept). */
  readonly hint?: string;
}

/**
 * Ends the process at once by the signal itself. `process.exit` first waits for worker threads to stop, and a worker
 * blocked in native code never does (a run could then only be ended by SIGKILL); with our listeners removed, the
 * re-raised signal takes its default action, which waits for nothing. Shells report it as 128 + n: 130 for SIGINT.
 */
export function forceExit(signal: NodeJS.Signals): void {
  process.removeAllListeners(signal);
  process.kill(process.pid, signal);
}

/** An AbortSignal that SIGINT/SIGTERM abort with an InterruptedError as the reason. */
export interface InterruptController {
  readonly signal: AbortSignal;
  /** The signal received, if any. */
  readonly received: NodeJS.Signals | undefined;
  /** Removes the signal listeners; Node's default handling (exit at once) applies again. */
  dispose(): void;
}

/**
 * Wires SIGINT and SIGTERM to an AbortController: the first signal aborts with `InterruptedError(signal)` so work can
 * stop cleanly (discard temporary files, keep finished lines); a second one ends the process at once (`forceExit`).
 */
export function createInterruptController(options: InterruptOptions = {}): InterruptController {
  const source = options.process ?? process;
  const signals = options.signals ?? ['SIGINT', 'SIGTERM'];
  const controller = new AbortController();
  let received: NodeJS.Signals | undefined;
  const listener = (signal: NodeJS.Signals) => {
    if (received !== undefined) {
      (options.onForce ?? forceExit)(signal);
      return;
    }
    received = signal;
    options.onInterrupt?.(signal);
    controller.abort(new InterruptedError(signal, options.hint));
  };
  for (const signal of signals) source.on(signal, listener);
  return {
    signal: controller.signal,
    get received() {
      return received;
    },
    dispose() {
      for (const signal of signals) source.off(signal, listener);
    },
  };
}

/**
 * Runs `fn` with an AbortSignal wired to SIGINT/SIGTERM. If a signal arrived and `fn` then fails (typically with the
 * abort reason or an AbortError), the failure becomes the InterruptedError (code INTERRUPTED, exit code 130), whatever
 * `fn` threw; if `fn` completes anyway, its result stands, since the work it reports is done. Listeners are removed at
 * the end.
 */
export async function withInterruptHandling<T>(fn: (signal: AbortSignal) => Promise<T>, options: InterruptOptions = {}): Promise<T> {
  const interrupt = createInterruptController(options);
  try {
    return await fn(interrupt.signal);
  } catch (error) {
    if (interrupt.signal.aborted) throw interrupt.signal.reason;
    throw error;
  } finally {
    interrupt.dispose();
  }
}

/** The live children of each parent signal; the parent has one listener that aborts them all. */
const childrenOf = new WeakMap<AbortSignal, Set<AbortController>>();

function childrenSet(parent: AbortSignal): Set<AbortController> {
  let children = childrenOf.get(parent);
  if (children === undefined) {
    const created = new Set<AbortController>();
    children = created;
    childrenOf.set(parent, created);
    parent.addEventListener('abort', () => {
      for (const child of created) child.abort(parent.reason);
    }, { once: true });
  }
  return children;
}

/**
 * Runs `fn` with a signal of its own that aborts when `parent` does. HTTP clients add an abort listener per request
 * and never remove it; on one long-lived shared signal those pile up, so every unit of work gets a child signal whose
 * listeners go away with it. The parent carries one listener for all its children (adding an EventTarget listener
 * scans the ones already there, which at 64 units in flight was a measurable share of the CPU per request).
 */
export async function withChildSignal<T>(parent: AbortSignal, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const child = new AbortController();
  if (parent.aborted) child.abort(parent.reason);
  const children = childrenSet(parent);
  children.add(child);
  try {
    return await fn(child.signal);
  } finally {
    children.delete(child);
  }
}
