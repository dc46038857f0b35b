import { availableParallelism } from 'node:os';
import { InvalidOptionError } from '../src/core/errors.js';
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
  /** Distinct questions in --out (never more than `lines`); what counts as distinct is `distinctQuestion`. */
  uniqueQuestions: number;
  uniqueExact: boolean;
  /** The family's unit of distinctness, e.g. `question text` (arith) or `problem: scenario and numbers` (word). */
  distinctQuestion: string;
  spaceSize: number;
  trainingSpaceSize: number | null;
  heldOutShare: number;
  negatives: Record<string, number>;
  /**
   * The held-out test set. It is disjoint from every training file written with a held-out share of at least
   * `heldOutShare` (the same fact keys are reserved there), not from one written with a smaller share.
   */
  test: { out: string; lines: number; uniqueQuestions: number; heldOutShare: number; seconds: number; itemsPerSecond: number } | null;
  /** Time spent writing --out, and its rate; the test set has its own. */
  seconds: number;
  itemsPerSecond: number;
  /** The whole run, both files included. */
  totalSeconds: number;
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
 * Runs one generation plan: the training (or test-format) file and optionally a held-out test file. Every check that
 * can fail (space too small, test share too small) runs and every output is opened before any item is made, and the
 * test set is written before training, so a test set the share cannot supply never costs a training run. Outputs are
 * committed only when both are complete.
 */
export async function runGen(plan: GenerationPlan, outputs: GenOutputs): Promise<GenSummary> {
  const started = performance.now();
  const generator = new ItemGenerator(plan);
  const testOnly = plan.format.name === 'test';
  const testCount = outputs.testOut === undefined ? 0 : (outputs.testCount ?? 0);
  if (testOnly && outputs.testOut !== undefined) {
    throw new InvalidOptionError(
      '--test-out',
      '--format test already writes held-out questions to --out; a second test file would repeat the same questions',
      'Drop --test-out, or write training with another --format and the test set with --test-out.',
    );
  }
  if (testOnly) generator.checkTestFeasible(plan.count);
  else {
    generator.checkFeasible();
    if (outputs.testOut !== undefined) generator.checkTestFeasible(testCount);
  }

  const sinks: Sink[] = [];
  try {
    const main = await openSink(outputs.out);
    sinks.push(main);
    const testSink = outputs.testOut === undefined ? undefined : await openSink(outputs.testOut);
    if (testSink) sinks.push(testSink);

    let test: GenSummary['test'] = null;
    if (testSink && outputs.testOut !== undefined) {
      const testStarted = performance.now();
      const testStats: ChunkStats = { lines: 0, questions: { add: () => {} }, negatives: new Map() };
      await drain(testChunks(generator, testCount, { start: 0, end: testCount }, testStats), testSink, outputs, () => {});
      const seconds = (performance.now() - testStarted) / 1000;
      // Test questions are distinct by construction: one per line.
      test = {
        out: outputs.testOut,
        lines: testStats.lines,
        uniqueQuestions: testStats.lines,
        heldOutShare: plan.heldOutShare,
        seconds,
        itemsPerSecond: rate(testStats.lines, seconds),
      };
    }

    const mainStarted = performance.now();
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
    const seconds = (performance.now() - mainStarted) / 1000;

    for (const sink of sinks) await sink.commit();
    progress?.done();

    return {
      family: plan.template.name,
      format: plan.format.name,
      seed: plan.seed,
      shard: `${plan.shard.index}/${plan.shard.count}`,
      out: outputs.out,
      lines: stats.lines,
      // Test-format lines are distinct by construction; a sketch's estimate may overshoot, never past the line count.
      uniqueQuestions: testOnly ? stats.lines : Math.min(questions.count(), stats.lines),
      uniqueExact: testOnly || questions.exact,
      distinctQuestion: plan.template.distinctQuestion,
      spaceSize: generator.space.size,
      trainingSpaceSize: generator.trainingSize() ?? null,
      heldOutShare: plan.heldOutShare,
      negatives: plan.format.usesNegatives ? Object.fromEntries([...stats.negatives].sort(([a], [b]) => a.localeCompare(b))) : {},
      test,
      seconds,
      itemsPerSecond: rate(stats.lines, seconds),
      totalSeconds: (performance.now() - started) / 1000,
    };
  } catch (error) {
    await Promise.all(sinks.map((sink) => sink.discard()));
    throw error;
  }
}

function rate(lines: number, seconds: number): number {
  return seconds > 0 ? lines / seconds : 0;
}
