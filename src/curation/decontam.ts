import { z } from 'zod';
import { createReadStats } from '../core/io/read-jsonl.js';
import { type Progress, silentProgress } from '../core/progress.js';
import { RecordAliases } from '../core/schemas/aliases.js';
import { BenchmarkIndex, type BenchmarkScore } from './benchmark-index.js';
import { type LineOutput, checkOutputIsNotInput, fieldAppender, openLineOutput } from './line-output.js';
import { describeField, readTextRecords, textField } from './record-text.js';

/** Fields a benchmark item's question is read from, in order, when `--bench-field` is not given. */
export const BENCHMARK_QUESTION_FIELDS = ['question', 'prompt', 'input', 'problem'] as const;

/** The n-gram sizes of the issue and of open-r1 (8) and GPT-3 / lm-evaluation-harness (13). */
export const DEFAULT_NGRAM_SIZES = [8, 13] as const;

/** Columns `decontam` adds to every line (all but `contaminated` are null on a clean line). */
export const DecontamColumns = {
  contaminated: 'contaminated',
  benchmark: 'contamination_benchmark',
  line: 'contamination_line',
  match: 'contamination_match',
  span: 'contamination_span',
} as const;

/** Options for `loadBenchmarks`. */
export interface LoadBenchmarksOptions {
  /** Field holding each item's question; default: the first of question, prompt, input, problem present. */
  readonly field?: string;
  readonly ngramSizes?: readonly number[];
  /** Skip and count benchmark lines that are not JSON or have no question, instead of stopping. */
  readonly skipInvalid?: boolean;
  readonly signal?: AbortSignal;
}

/** A loaded benchmark index and what its files held. */
export interface LoadedBenchmarks {
  readonly index: BenchmarkIndex;
  readonly field: string;
  readonly skippedInvalid: number;
  readonly skippedExamples: string[];
}

/**
 * Reads benchmark (test) JSONL files into a `BenchmarkIndex`, one item per line. A line without a question stops with
 * file, line and field named (or is skipped and counted with `skipInvalid`). `veridata gates` observes training
 * prompts with `index.check(prompt)` and reads `index.scores()`.
 */
export async function loadBenchmarks(files: readonly string[], options: LoadBenchmarksOptions = {}): Promise<LoadedBenchmarks> {
  const index = new BenchmarkIndex(options.ngramSizes ?? DEFAULT_NGRAM_SIZES);
  const field = textField(options.field, BENCHMARK_QUESTION_FIELDS);
  const stats = createReadStats();
  for (const file of files) {
    const benchmark = index.addBenchmark(file);
    const records = readTextRecords(file, {
      field,
      skipInvalid: options.skipInvalid === true,
      stats,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    for await (const { line, text } of records) index.addItem(benchmark, line.lineNumber, text);
  }
  return { index, field: describeField(field), skippedInvalid: stats.skipped, skippedExamples: stats.skippedExamples };
}

/** Options of one `veridata decontam` run. */
export const DecontamOptions = z.object({
  in: z.string().min(1),
  out: z.string().min(1),
  against: z.array(z.string().min(1)).min(1),
  /** Training field holding the text; default: the first of prompt, input, question present. */
  field: z.string().min(1).optional(),
  /** Benchmark field holding the question; default: the first of question, prompt, input, problem present. */
  benchField: z.string().min(1).optional(),
  ngram: z.array(z.int().min(1).max(64)).min(1).default([...DEFAULT_NGRAM_SIZES]),
  drop: z.boolean().default(false),
  skipInvalid: z.boolean().default(false),
});
export type DecontamOptions = z.infer<typeof DecontamOptions>;

/** What a decontamination run found, both ways round, overall and per benchmark file. */
export interface DecontamSummary {
  readonly command: 'decontam';
  readonly in: string;
  readonly out: string;
  readonly field: string;
  readonly benchField: string;
  readonly ngram: number[];
  readonly rows: number;
  readonly contaminatedRows: number;
  /** Share of training rows that overlap no benchmark (1 for an empty file). */
  readonly cleanShare: number;
  /** Share of all benchmark items that no training row overlaps: what a decontamination gate checks. */
  readonly unseenShare: number;
  /** The lowest `unseenShare` of any one benchmark file. */
  readonly worstUnseenShare: number;
  readonly benchmarks: (BenchmarkScore & { readonly cleanShare: number })[];
  readonly written: number;
  readonly dropped: number;
  readonly skippedInvalid: number;
  readonly skippedExamples: string[];
  readonly benchmarkSkippedInvalid: number;
  readonly seconds: number;
  readonly rowsPerSecond: number;
}

/** What the caller passes besides the options: cancellation and progress. */
export interface DecontamContext {
  readonly signal?: AbortSignal;
  readonly progress?: Progress;
}

/**
 * Checks every training line against the benchmark files and writes it with the `DecontamColumns` added, in order; with
 * `drop`, contaminated lines are left out and the rest are written unchanged. One pass over the training file; the
 * benchmarks are held in memory. The output appears complete or not at all.
 */
export async function runDecontam(options: DecontamOptions, context: DecontamContext = {}): Promise<DecontamSummary> {
  for (const benchmark of options.against) await checkOutputIsNotInput(benchmark, options.out);
  await checkOutputIsNotInput(options.in, options.out);
  const started = performance.now();
  const { signal } = context;
  const loaded = await loadBenchmarks(options.against, {
    ...(options.benchField === undefined ? {} : { field: options.benchField }),
    ngramSizes: options.ngram,
    skipInvalid: options.skipInvalid,
    ...(signal ? { signal } : {}),
  });
  const field = textField(options.field, RecordAliases.prompt);
  const output: LineOutput = await openLineOutput(options.out, signal);
  const progress = context.progress ?? silentProgress();
  try {
    const stats = createReadStats();
    const appendColumns = fieldAppender(Object.values(DecontamColumns));
    let contaminatedRows = 0;
    const records = readTextRecords(options.in, { field, skipInvalid: options.skipInvalid, stats, ...(signal ? { signal } : {}) });
    for await (const { line, text } of records) {
      const result = loaded.index.check(text);
      progress.tick();
      if (result) contaminatedRows += 1;
      if (options.drop && result) continue;
      const evidence = result?.evidence;
      const written = options.drop
        ? `${line.text.trimEnd()}\n`
        : appendColumns(line.text, [result !== undefined, evidence?.benchmark ?? null, evidence?.line ?? null, evidence?.match ?? null, evidence?.span ?? null]);
      const wait = output.write(written);
      if (wait) await wait;
    }
    await output.commit();

    const rows = loaded.index.rows;
    const benchmarks = loaded.index.scores().map((score) => ({ ...score, cleanShare: rows === 0 ? 1 : 1 - score.contaminatedRows / rows }));
    const items = benchmarks.reduce((sum, score) => sum + score.items, 0);
    const unseen = benchmarks.reduce((sum, score) => sum + score.unseen, 0);
    const seconds = (performance.now() - started) / 1000;
    return {
      command: 'decontam',
      in: options.in,
      out: options.out,
      field: describeField(field),
      benchField: loaded.field,
      ngram: [...loaded.index.ngramSizes].reverse(),
      rows,
      contaminatedRows,
      cleanShare: rows === 0 ? 1 : (rows - contaminatedRows) / rows,
      unseenShare: items === 0 ? 1 : unseen / items,
      worstUnseenShare: Math.min(1, ...benchmarks.map((score) => score.unseenShare)),
      benchmarks,
      written: output.lines,
      dropped: options.drop ? contaminatedRows : 0,
      skippedInvalid: stats.skipped,
      skippedExamples: [...loaded.skippedExamples, ...stats.skippedExamples].slice(0, 5),
      benchmarkSkippedInvalid: loaded.skippedInvalid,
      seconds,
      rowsPerSecond: seconds > 0 ? rows / seconds : 0,
    };
  } catch (error) {
    await output.discard();
    throw error;
  } finally {
    progress.done();
  }
}
