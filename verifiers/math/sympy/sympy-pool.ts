import { availableParallelism } from 'node:os';
import { SympyProcess, type SympyOutcome, type SympyProcessOptions, type SympyVersions } from './sympy-process.js';
import type { SympyRequest } from './sympy-protocol.js';

/** Options of a pool of SymPy worker processes. */
export interface SympyPoolOptions extends SympyProcessOptions {
  /** Python processes (default: one per core). Each answers one comparison at a time. */
  readonly concurrency?: number;
}

/** Counts of a pool's life, for summaries and tests. */
export interface SympyPoolStats {
  readonly comparisons: number;
  readonly timeouts: number;
  /** Processes that died or broke the protocol mid-comparison. */
  readonly crashes: number;
  /** Processes started beyond the first of each slot: one per timeout or crash. */
  readonly restarts: number;
}

type Task = { readonly request: Omit<SympyRequest, 'id'>; readonly resolve: (outcome: SympyOutcome) => void; readonly reject: (error: unknown) => void };

/**
 * A small pool of persistent SymPy processes with a queue: comparisons wait for a free process, so the per-comparison
 * budget counts only SymPy's own work, never time spent queued. A process cut for time or dead is restarted at once,
 * so the next comparison finds it warm.
 */
export class SympyPool {
  readonly concurrency: number;
  readonly timeoutMs: number;
  private readonly idle: SympyProcess[];
  private readonly processes: SympyProcess[];
  private readonly queue: Task[] = [];
  private counts = { comparisons: 0, timeouts: 0, crashes: 0 };
  private closed = false;
  private firstVersions: SympyVersions | undefined;

  constructor(options: SympyPoolOptions = {}) {
    this.concurrency = Math.max(1, options.concurrency ?? availableParallelism());
    this.processes = Array.from({ length: this.concurrency }, () => new SympyProcess(options));
    this.idle = [...this.processes];
    this.timeoutMs = this.processes[0]!.timeoutMs;
  }

  /** Starts every process and waits until each has imported sympy; throws INFRASTRUCTURE when it cannot. */
  async ready(): Promise<SympyVersions> {
    const versions = await Promise.all(this.processes.map((worker) => worker.start()));
    this.firstVersions = versions[0]!;
    return this.firstVersions;
  }

  /** Interpreter and sympy versions, once a process has started (still known after close()). */
  get versions(): SympyVersions | undefined {
    this.firstVersions ??= this.processes.find((worker) => worker.versions !== undefined)?.versions;
    return this.firstVersions;
  }

  get stats(): SympyPoolStats {
    const starts = this.processes.reduce((sum, worker) => sum + worker.starts, 0);
    const started = this.processes.filter((worker) => worker.starts > 0).length;
    return { ...this.counts, restarts: Math.max(0, starts - started) };
  }

  /** Compares two SymPy expressions; resolves with SymPy's answer, a timeout or a crash, and never hangs. */
  compare(request: Omit<SympyRequest, 'id'>): Promise<SympyOutcome> {
    if (this.closed) return Promise.reject(new Error('SymPy pool is closed'));
    return new Promise<SympyOutcome>((resolve, reject) => {
      this.queue.push({ request, resolve, reject });
      this.dispatch();
    });
  }

  /** Kills every process; queued comparisons are rejected. */
  async close(): Promise<void> {
    this.closed = true;
    for (const worker of this.processes) worker.close();
    for (const task of this.queue.splice(0)) task.reject(new Error('SymPy pool closed'));
  }

  private dispatch(): void {
    while (this.idle.length > 0 && this.queue.length > 0) {
      const worker = this.idle.pop()!;
      const task = this.queue.shift()!;
      void this.run(worker, task);
    }
  }

  private async run(worker: SympyProcess, task: Task): Promise<void> {
    try {
      const outcome = await worker.compare(task.request);
      this.counts.comparisons += 1;
      if (outcome.status === 'timeout') this.counts.timeouts += 1;
      if (outcome.status === 'crashed') this.counts.crashes += 1;
      // Restart now, so the import of sympy overlaps with other work instead of the next comparison's wait.
      if (outcome.status !== 'answered' && !this.closed) worker.start().catch(() => {});
      task.resolve(outcome);
    } catch (error) {
      task.reject(error);
    } finally {
      if (!this.closed) {
        this.idle.push(worker);
        this.dispatch();
      }
    }
  }
}

/** A pool of SymPy worker processes; call `ready()` to fail fast when python3-sympy is missing. */
export function createSympyPool(options: SympyPoolOptions = {}): SympyPool {
  return new SympyPool(options);
}
