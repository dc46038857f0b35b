import { Worker } from 'node:worker_threads';
import { VeridataError } from '../src/core/errors.js';
import { mapConcurrent } from '../src/core/pool/map-concurrent.js';
import type { ChunkReply, ChunkRequest } from './chunk-worker.js';
import type { ChunkStats, GenerationPlan } from './generate.js';
import { toPlanSpec } from './plan-spec.js';

/** Records per block sent to a worker: large enough to amortise messaging, small enough to keep memory flat. */
const BLOCK_SIZE = 8_000;

const fromSource = import.meta.url.endsWith('.ts');

/** How long closing waits for the workers to stop. */
const CLOSE_WAIT_MS = 2_000;

// A worker holds one block at a time: a small young generation keeps its memory flat (V8 would grow it to 48 MiB).
const WORKER_LIMITS = { maxYoungGenerationSizeMb: 4, maxOldGenerationSizeMb: 64 };
const workerEntry = new URL(`./chunk-worker${fromSource ? '.ts' : '.js'}`, import.meta.url);

/** Starts a chunk worker. From source, Node 20 workers do not inherit tsx's hooks, so the worker registers them first. */
function startWorker(): Worker {
  if (!fromSource) return new Worker(workerEntry, { resourceLimits: WORKER_LIMITS });
  const tsxApi = import.meta.resolve('tsx/esm/api');
  const bootstrap = `import(${JSON.stringify(tsxApi)}).then(({ register }) => { register(); return import(${JSON.stringify(workerEntry.href)}); });`;
  return new Worker(bootstrap, { eval: true, resourceLimits: WORKER_LIMITS });
}

/** A fixed set of worker threads, each serialising one block at a time. */
class ChunkWorkers {
  private readonly idle: Worker[] = [];
  private readonly waiting: ((worker: Worker) => void)[] = [];
  private readonly all: Worker[] = [];
  private nextId = 0;

  constructor(count: number) {
    for (let i = 0; i < count; i += 1) {
      const worker = startWorker();
      worker.unref();
      this.all.push(worker);
      this.idle.push(worker);
    }
  }

  async run(request: Omit<ChunkRequest, 'id'>): Promise<Extract<ChunkReply, { text: string }>> {
    const worker = this.idle.pop() ?? (await new Promise<Worker>((resolve) => this.waiting.push(resolve)));
    try {
      const id = this.nextId++;
      const reply = await new Promise<ChunkReply>((resolve, reject) => {
        const onMessage = (message: ChunkReply) => {
          if (message.id !== id) return;
          worker.off('message', onMessage);
          worker.off('error', reject);
          resolve(message);
        };
        worker.on('message', onMessage);
        worker.once('error', reject);
        worker.postMessage({ ...request, id });
      });
      if ('error' in reply) {
        const error = reply.error;
        throw error.code ? new VeridataError(error.code as VeridataError['code'], error.message) : new Error(error.message);
      }
      return reply;
    } finally {
      const next = this.waiting.shift();
      if (next) next(worker);
      else this.idle.push(worker);
    }
  }

  /**
   * Stops every worker, waiting at most CLOSE_WAIT_MS: a worker blocked in native code cannot be terminated, and waiting
   * for it would keep an interrupted run from removing its temporary files (a second signal still ends the process).
   */
  async close(): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const waited = new Promise<void>((resolve) => (timer = setTimeout(resolve, CLOSE_WAIT_MS)));
    await Promise.race([Promise.all(this.all.map((worker) => worker.terminate())), waited]);
    clearTimeout(timer);
  }
}

function* blocks(start: number, end: number): Generator<{ start: number; end: number }> {
  for (let blockStart = start; blockStart < end; blockStart += BLOCK_SIZE) {
    yield { start: blockStart, end: Math.min(end, blockStart + BLOCK_SIZE) };
  }
}

/**
 * Training chunks for records [start, end), serialised by `workers` threads and yielded in order: the same bytes as
 * `trainingChunks`, since every record depends on (seed, index) alone. At most two blocks per worker are in flight.
 */
export async function* parallelTrainingChunks(
  plan: GenerationPlan,
  range: { start: number; end: number },
  stats: ChunkStats,
  workers: number,
  signal?: AbortSignal,
): AsyncGenerator<string> {
  const spec = toPlanSpec(plan);
  const pool = new ChunkWorkers(workers);
  try {
    const replies = mapConcurrent(blocks(range.start, range.end), workers * 2, (block) => pool.run({ spec, ...block }), {
      buffer: workers,
      ...(signal ? { signal } : {}),
    });
    for await (const reply of replies) {
      stats.lines += reply.lines;
      for (const index of reply.questionIndices) stats.questions.add(index);
      for (const [label, count] of reply.negatives) stats.negatives.set(label, (stats.negatives.get(label) ?? 0) + count);
      yield reply.text;
    }
  } finally {
    await pool.close();
  }
}
