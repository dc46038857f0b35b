import { availableParallelism } from 'node:os';
import { type ResourceLimits, Worker } from 'node:worker_threads';
import { VeridataError } from '../../src/core/errors.js';
import type { Verdict } from '../../src/core/schemas/verdict.js';
import type { MathBatchReply, MathBatchRequest, MathWorkerData } from './math-worker.js';
import { defaultMathPolicy, type MathPolicy } from './policy.js';

/** One response to check against its gold answer. */
export interface MathCheck {
  readonly response: string;
  readonly gold: string | number;
}

/** Options for `createMathPool`. */
export interface MathPoolOptions {
  /** Worker threads (default: one per core). */
  readonly concurrency?: number;
  /** Milliseconds one check may run before its worker is terminated (default 250). */
  readonly timeoutMs?: number;
  readonly policy?: MathPolicy;
  /** Seed of the probe points (default: verifyMath's). */
  readonly seed?: number;
  /** Most checks sent to a worker in one message (default 64). */
  readonly batchSize?: number;
  /** Per-worker V8 limits (default 256 MiB old generation); a worker over them dies and is respawned. */
  readonly resourceLimits?: ResourceLimits;
  /** Test-only: make the worker honour `testResponses` (busy loop, out of memory, crash). Never set in production. */
  readonly testHooks?: boolean;
}

/** A verdict as JSON text with its status and reason: what the pool moves between threads, ready to write. */
export interface SerializedVerdict {
  readonly status: Verdict['status'];
  readonly reason: string;
  /** `JSON.stringify(verdict)`. */
  readonly json: string;
}

/** Counts of a pool's life, for summaries and tests. */
export interface MathPoolStats {
  readonly checks: number;
  /** Workers terminated for overrunning the budget or dying, each replaced by a fresh one. */
  readonly respawns: number;
  readonly timeouts: number;
  readonly deaths: number;
}

/** Why a check was cut: the only values of `details.why` in a pool guard verdict. */
export type GuardWhy = 'time budget exceeded' | 'worker out of memory' | 'worker crashed';

/** Responses that misbehave on purpose in a pool made with `testHooks`, to exercise its guards; plain text otherwise. */
export const testResponses = { busyLoop: '__veridata_test_busy_loop__', outOfMemory: '__veridata_test_out_of_memory__', crash: '__veridata_test_crash__' } as const;

/** Default per-check time budget in milliseconds. */
export const defaultMathTimeoutMs = 250;
const DEFAULT_LIMITS: ResourceLimits = { maxOldGenerationSizeMb: 256, maxYoungGenerationSizeMb: 16 };

const fromSource = import.meta.url.endsWith('.ts');
const workerEntry = new URL(`./math-worker${fromSource ? '.ts' : '.js'}`, import.meta.url);

/** The verdict of a check the pool had to cut: `error` / `guard`, never a pass. */
export function guardVerdict(why: GuardWhy, timeoutMs: number): Verdict {
  const explanation =
    why === 'time budget exceeded'
      ? `The check ran past its ${timeoutMs} ms budget; its worker was terminated and replaced.`
      : `The worker checking this case died (${why}); it was replaced.`;
  return { status: 'error', score: 0, reason: 'guard', verifier: 'math', details: { why, explanation } };
}

/** How long `close()` waits for a worker to stop; one stuck inside a native operation is left unref()ed instead. */
const TERMINATE_WAIT_MS = 2_000;

async function terminateWithin(worker: Worker, milliseconds: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, milliseconds);
    timer.unref();
  });
  await Promise.race([worker.terminate().catch(() => {}), timeout]);
  clearTimeout(timer);
}

function serialized(verdict: Verdict): SerializedVerdict {
  return { status: verdict.status, reason: verdict.reason, json: JSON.stringify(verdict) };
}

interface Pending {
  readonly check: MathCheck;
  resolve(verdict: SerializedVerdict): void;
  reject(error: unknown): void;
}

/** Workers of one slot that may die in a row without answering anything before the pool gives up on starting them. */
const MAX_FAILED_STARTS = 3;

interface Slot {
  worker: Worker;
  readonly progress: Int32Array;
  batch: Pending[] | undefined;
  batchId: number;
  /** Checks-started counter seen at the last watchdog tick, and when it last changed. */
  seen: number;
  since: number;
  /** Set when the pool itself terminates the worker, so its exit is not taken for a death. */
  retiring: boolean;
  oom: boolean;
  /** Whether this worker has answered a batch; and how many workers of this slot in a row died before answering. */
  answered: boolean;
  failedStarts: number;
  lastError: string | undefined;
}

/**
 * A pool of warm worker threads running `verifyMath`. Checks are queued, sent in batches, and resolved in any order
 * (each promise gets its own verdict). A check that overruns `timeoutMs`, or whose worker dies (out of memory), gets a
 * `guard` error verdict; the worker is replaced and the rest of its batch is run again. The returned promises never
 * reject, and a hung check cannot hang the caller.
 */
export class MathPool {
  readonly timeoutMs: number;
  readonly concurrency: number;
  readonly #batchSize: number;
  readonly #workerData: Omit<MathWorkerData, 'progress'>;
  readonly #limits: ResourceLimits;
  readonly #slots: Slot[] = [];
  #queue: Pending[] = [];
  #queueHead = 0;
  #scheduled = false;
  #closed = false;
  #broken: VeridataError | undefined;
  #nextBatch = 1;
  #inFlight = 0;
  #watchdog: ReturnType<typeof setInterval>;
  #checks = 0;
  #timeouts = 0;
  #deaths = 0;

  constructor(options: MathPoolOptions = {}) {
    this.concurrency = options.concurrency ?? availableParallelism();
    this.timeoutMs = options.timeoutMs ?? defaultMathTimeoutMs;
    this.#batchSize = options.batchSize ?? 64;
    if (!Number.isInteger(this.concurrency) || this.concurrency < 1) throw new RangeError(`MathPool: concurrency must be a positive integer, got ${this.concurrency}`);
    if (!(this.timeoutMs > 0)) throw new RangeError(`MathPool: timeoutMs must be positive, got ${this.timeoutMs}`);
    if (!Number.isInteger(this.#batchSize) || this.#batchSize < 1) throw new RangeError(`MathPool: batchSize must be a positive integer, got ${this.#batchSize}`);
    this.#workerData = { policy: options.policy ?? defaultMathPolicy, seed: options.seed, testHooks: options.testHooks === true };
    this.#limits = options.resourceLimits ?? DEFAULT_LIMITS;
    for (let index = 0; index < this.concurrency; index += 1) this.#slots.push(this.#startSlot());
    this.#watchdog = setInterval(() => this.#watch(), Math.max(5, Math.min(50, Math.floor(this.timeoutMs / 5))));
    this.#watchdog.unref();
  }

  /** Checks one response. Resolves with its verdict (a guard error if cut); rejects only when the pool is already closed. */
  async check(response: string, gold: string | number): Promise<Verdict> {
    return JSON.parse((await this.checkSerialized(response, gold)).json) as Verdict;
  }

  /** `check`, with the verdict left as JSON text: for writers that only copy it into a line. */
  checkSerialized(response: string, gold: string | number): Promise<SerializedVerdict> {
    if (this.#closed) return Promise.reject(new Error('MathPool is closed'));
    if (this.#broken) return Promise.reject(this.#broken);
    return new Promise<SerializedVerdict>((resolve, reject) => {
      this.#queue.push({ check: { response, gold }, resolve, reject });
      this.#schedule();
    });
  }

  /** Checks many pairs; verdicts come back in the order of `checks`. */
  checkAll(checks: readonly MathCheck[]): Promise<Verdict[]> {
    return Promise.all(checks.map((check) => this.check(check.response, check.gold)));
  }

  get stats(): MathPoolStats {
    return { checks: this.#checks, respawns: this.#timeouts + this.#deaths, timeouts: this.#timeouts, deaths: this.#deaths };
  }

  /** Terminates every worker; pending checks resolve with a guard verdict. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#watchdog);
    const pending = [...this.#queue.slice(this.#queueHead), ...this.#slots.flatMap((slot) => slot.batch ?? [])];
    this.#queue = [];
    this.#queueHead = 0;
    await Promise.all(
      this.#slots.map((slot) => {
        slot.retiring = true;
        slot.batch = undefined;
        return terminateWithin(slot.worker, TERMINATE_WAIT_MS);
      }),
    );
    for (const item of pending) item.resolve(serialized(guardVerdict('worker crashed', this.timeoutMs)));
  }

  #startWorker(progress: SharedArrayBuffer): Worker {
    const workerData: MathWorkerData = { ...this.#workerData, progress };
    if (!fromSource) return new Worker(workerEntry, { workerData, resourceLimits: this.#limits });
    // From source, Node 20 workers do not inherit tsx's hooks, so the worker registers them first.
    const tsxApi = import.meta.resolve('tsx/esm/api');
    const bootstrap = `import(${JSON.stringify(tsxApi)}).then(({ register }) => { register(); return import(${JSON.stringify(workerEntry.href)}); });`;
    return new Worker(bootstrap, { eval: true, workerData, resourceLimits: this.#limits });
  }

  #startSlot(): Slot {
    const buffer = new SharedArrayBuffer(8);
    const slot: Slot = {
      worker: this.#startWorker(buffer),
      progress: new Int32Array(buffer),
      batch: undefined,
      batchId: 0,
      seen: 0,
      since: 0,
      retiring: false,
      oom: false,
      answered: false,
      failedStarts: 0,
      lastError: undefined,
    };
    this.#attach(slot);
    return slot;
  }

  #attach(slot: Slot): void {
    const worker = slot.worker;
    worker.unref();
    worker.on('message', (reply: MathBatchReply) => {
      if (slot.worker !== worker || reply.batch !== slot.batchId || !slot.batch) return;
      const batch = slot.batch;
      slot.batch = undefined;
      slot.answered = true;
      slot.failedStarts = 0;
      this.#inFlight -= 1;
      const json = reply.json.split('\n');
      const status = reply.status.split('\n') as Verdict['status'][];
      const reason = reply.reason.split('\n');
      for (let index = 0; index < batch.length; index += 1) {
        batch[index]!.resolve({ status: status[index]!, reason: reason[index]!, json: json[index]! });
      }
      this.#checks += batch.length;
      this.#dispatch();
    });
    worker.on('error', (error: Error & { code?: string }) => {
      if (slot.worker !== worker) return;
      if (error.code === 'ERR_WORKER_OUT_OF_MEMORY') slot.oom = true;
      slot.lastError = error.message;
    });
    worker.on('exit', () => {
      if (slot.worker !== worker || slot.retiring || this.#closed) return;
      this.#deaths += 1;
      if (!slot.answered && !slot.oom) slot.failedStarts += 1;
      if (slot.failedStarts >= MAX_FAILED_STARTS) {
        this.#giveUp(slot.lastError ?? 'it exited before answering');
        return;
      }
      this.#replace(slot, slot.oom ? 'worker out of memory' : 'worker crashed');
    });
  }

  /** Cuts the check under way (if any) with a guard verdict, requeues the rest of the batch, and starts a fresh worker. */
  #replace(slot: Slot, why: GuardWhy): void {
    const batch = slot.batch;
    const current = Atomics.load(slot.progress, 0);
    const old = slot.worker;
    slot.retiring = true;
    old.terminate().catch(() => {});
    if (batch) {
      this.#inFlight -= 1;
      const culprit = current > 0 ? current - 1 : 0;
      const rest = batch.filter((_, index) => index !== culprit);
      batch[culprit]?.resolve(serialized(guardVerdict(why, this.timeoutMs)));
      this.#checks += 1;
      // The other checks of the batch run again (their results died with the worker); they go first to keep latency low.
      this.#queue = [...rest, ...this.#queue.slice(this.#queueHead)];
      this.#queueHead = 0;
    }
    const buffer = new SharedArrayBuffer(8);
    slot.worker = this.#startWorker(buffer);
    (slot as { progress: Int32Array }).progress = new Int32Array(buffer);
    slot.batch = undefined;
    slot.seen = 0;
    slot.since = 0;
    slot.retiring = false;
    slot.oom = false;
    slot.answered = false;
    slot.lastError = undefined;
    this.#attach(slot);
    this.#dispatch();
  }

  /** Workers that cannot even start would be respawned forever: fail every pending and later check instead. */
  #giveUp(reason: string): void {
    this.#broken = new VeridataError('INFRASTRUCTURE', `the math worker threads cannot start: ${reason}`, {
      hint: 'Rerun with --debug; if it persists, rebuild (pnpm build) or report the output.',
    });
    const pending = [...this.#queue.slice(this.#queueHead), ...this.#slots.flatMap((slot) => slot.batch ?? [])];
    void this.close();
    for (const item of pending) item.reject(this.#broken);
  }

  #watch(): void {
    const now = performance.now();
    for (const slot of this.#slots) {
      if (!slot.batch) continue;
      if (Atomics.load(slot.progress, 0) === 0) {
        slot.since = now; // loading or between checks: not a check's time
        continue;
      }
      const started = Atomics.load(slot.progress, 1);
      if (started !== slot.seen) {
        slot.seen = started;
        slot.since = now;
      } else if (now - slot.since > this.timeoutMs) {
        this.#timeouts += 1;
        this.#replace(slot, 'time budget exceeded');
      }
    }
  }

  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    // Checks queued in the same turn travel together.
    queueMicrotask(() => {
      this.#scheduled = false;
      this.#dispatch();
    });
  }

  #dispatch(): void {
    if (this.#closed) return;
    for (const slot of this.#slots) {
      if (this.#queueHead >= this.#queue.length) break;
      if (slot.batch) continue;
      const end = Math.min(this.#queue.length, this.#queueHead + this.#batchSize);
      const batch = this.#queue.slice(this.#queueHead, end);
      this.#queueHead = end;
      slot.batch = batch;
      slot.batchId = this.#nextBatch++;
      slot.since = performance.now();
      this.#inFlight += 1;
      const checks: (string | number)[] = new Array(batch.length * 2);
      for (let index = 0; index < batch.length; index += 1) {
        checks[2 * index] = batch[index]!.check.response;
        checks[2 * index + 1] = batch[index]!.check.gold;
      }
      const request: MathBatchRequest = { batch: slot.batchId, checks };
      slot.worker.postMessage(request);
    }
    if (this.#queueHead >= this.#queue.length) {
      this.#queue = [];
      this.#queueHead = 0;
    } else if (this.#queueHead > 4096) {
      this.#queue = this.#queue.slice(this.#queueHead);
      this.#queueHead = 0;
    }
    // The watchdog keeps the process alive only while checks are in flight: idle workers never hold it open.
    if (this.#inFlight > 0) this.#watchdog.ref();
    else this.#watchdog.unref();
  }
}

/** Starts a pool of warm math workers; call `close()` when done. */
export function createMathPool(options: MathPoolOptions = {}): MathPool {
  return new MathPool(options);
}
