import { availableParallelism } from 'node:os';
import { AtomicFile } from '../src/core/io/write-jsonl.js';
import type { Progress } from '../src/core/progress.js';
import {
  type ChunkStats,
  type GenerationPlan,
  ItemGenerator,
  shardRange,
  testChunks,
  trainingChunks,
} from './generate.js';
import { parallelTrainingChunks } from './parallel-chunks.js';
import { QuestionCounter } from './question-counter.js';

/** Where `veridata gen` writes: files (atomically) or standard output when `out` is `-`. */
export interface GenOutputs {
  readonly out: string;
  readonly testOut?: string;
  readonly testCount?: number;
  readonly progress?: Progress;
  readonly signal?: AbortSignal;
  /** Worker threads serialising records; 0 or 1 keeps everything on the main thread (default: one per core). */
  readonly workers?: number;
}

/** Below this many records, starting worker threads costs more than it saves. */
const PARALLEL_THRESHOLD = 100_000;

/** What one `veridata gen` run wrote. Wall-clock figures live here, never in the data files. */
export interface GenSummary {
  family: string;
  format: string;
  seed: number;
  shard: string;
  out: string;
  lines: number;
  uniqueQuestions: number;
  uniqueExact: boolean;
  spaceSize: number;
  trainingSpaceSize: number | null;
  heldOutShare: number;
  negatives: Record<string, number>;
  test: { out: string; lines: number; uniqueQuestions: number } | null;
  seconds: number;
  itemsPerSecond: number;
}

interface Sink {
  write(chunk: string): Promise<void> | void;
  commit(): Promise<void>;
  discard(): Promise<void>;
}

function stdoutSink(): Sink {
  return {
    write(chunk) {
      if (process.stdout.write(chunk)) return;
      return new Promise((resolve) => process.stdout.once('drain', () => resolve()));
    },
    commit: async () => {},
    discard: async () => {},
  };
}

async function openSink(path: string): Promise<Sink> {
  if (path === '-') return stdoutSink();
  // A 1 MiB buffer lets the next chunks be generated while the previous ones are written.
  const file = new AtomicFile(path, { highWaterMark: 1 << 20 });
  await file.open();
  return file;
}

async function drain(chunks: Iterable<string> | AsyncIterable<string>, sink: Sink, options: GenOutputs, onChunk: () => void): Promise<void> {
  let written = 0;
  for await (const chunk of chunks) {
    options.signal?.throwIfAborted();
    const wait = sink.write(chunk);
    if (wait) await wait;
    // Generation is synchronous; yielding to the event loop now and then lets Ctrl-C and progress timers run.
    else if (++written % 16 === 0) await new Promise((resolve) => setImmediate(resolve));
    onChunk();
  }
}

/**
 * Runs one generation plan: the training (or test-format) file and optionally a held-out test file. Every output is
 * opened before any item is made, so an unwritable path fails at once, and committed only when complete.
 */
export async function runGen(plan: GenerationPlan, outputs: GenOutputs): Promise<GenSummary> {
  const started = performance.now();
  const generator = new ItemGenerator(plan);
  const testOnly = plan.format.name === 'test';
  if (!testOnly) generator.checkFeasible();

  const sinks: Sink[] = [];
  try {
    const main = await openSink(outputs.out);
    sinks.push(main);
    const testSink = outputs.testOut === undefined ? undefined : await openSink(outputs.testOut);
    if (testSink) sinks.push(testSink);

    const range = shardRange(plan.count, plan.shard);
    const questions = new QuestionCounter(generator.space.size);
    const stats: ChunkStats = { lines: 0, questions, negatives: new Map() };
    const progress = outputs.progress;
    let reported = 0;
    const report = () => {
      progress?.tick(stats.lines - reported);
      reported = stats.lines;
    };
    const workers = outputs.workers ?? availableParallelism();
    // Unique mode walks one permutation in order, and cached lines are cheaper than any thread: both stay here.
    const parallel =
      !testOnly && !plan.unique && !generator.cachesLines() && workers > 1 && range.end - range.start >= PARALLEL_THRESHOLD;
    const chunks = testOnly
      ? testChunks(generator, plan.count, range, stats)
      : parallel
        ? parallelTrainingChunks(plan, range, stats, workers, outputs.signal)
        : trainingChunks(generator, range, stats);
    await drain(chunks, main, outputs, report);

    let test: GenSummary['test'] = null;
    if (testSink && outputs.testOut !== undefined) {
      const testCount = outputs.testCount ?? 0;
      const testQuestions = new QuestionCounter(generator.space.size);
      const testStats: ChunkStats = { lines: 0, questions: testQuestions, negatives: new Map() };
      await drain(testChunks(generator, testCount, { start: 0, end: testCount }, testStats), testSink, outputs, () => {});
      test = { out: outputs.testOut, lines: testStats.lines, uniqueQuestions: testQuestions.count() };
    }
    for (const sink of sinks) await sink.commit();
    progress?.done();

    const seconds = (performance.now() - started) / 1000;
    return {
      family: plan.template.name,
      format: plan.format.name,
      seed: plan.seed,
      shard: `${plan.shard.index}/${plan.shard.count}`,
      out: outputs.out,
      lines: stats.lines,
      uniqueQuestions: questions.count(),
      uniqueExact: questions.exact,
      spaceSize: generator.space.size,
      trainingSpaceSize: generator.trainingSize() ?? null,
      heldOutShare: plan.heldOutShare,
      negatives: plan.format.usesNegatives ? Object.fromEntries([...stats.negatives].sort(([a], [b]) => a.localeCompare(b))) : {},
      test,
      seconds,
      itemsPerSecond: seconds > 0 ? stats.lines / seconds : 0,
    };
  } catch (error) {
    await Promise.all(sinks.map((sink) => sink.discard()));
    throw error;
  }
}
