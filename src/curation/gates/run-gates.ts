import { InvalidRecordError } from '../../core/errors.js';
import { createReadStats, readJsonlLines } from '../../core/io/read-jsonl.js';
import { type FieldOverrides, resolveRecord } from '../../core/schemas/aliases.js';
import { LoosePair } from '../../core/schemas/pair.js';
import type { BenchmarkIndex, BenchmarkScore } from '../benchmark-index.js';
import { evaluateGates, type GateResult, type GateThresholds } from './gate-report.js';
import { PairStatsCollector, type PairStats } from './pair-stats.js';
import { measureSplitOverlap } from './split-overlap.js';

export interface RunGatesOptions {
  readonly in: string;
  readonly thresholds: GateThresholds;
  /** Benchmark items to check every prompt against (see `loadBenchmarks`). */
  readonly benchmarks?: BenchmarkIndex;
  readonly splits?: readonly string[];
  readonly overrides?: FieldOverrides;
  readonly skipInvalid?: boolean;
  readonly signal?: AbortSignal;
  readonly onLine?: () => void;
}

export interface GatesReport {
  readonly command: 'gates';
  readonly in: string;
  /** True when no gate failed (warnings do not fail). */
  readonly passed: boolean;
  readonly failed: string[];
  readonly gates: GateResult[];
  readonly stats: Omit<PairStats, 'examples'>;
  readonly benchmarks: BenchmarkScore[] | null;
  readonly skippedInvalid: number;
  readonly skippedExamples: string[];
  readonly seconds: number;
}

const NUMBER_FIELDS = ['chosen_score', 'rejected_score'] as const;

/** The DPO checklist over a pairs file: one streaming pass for the pair statistics and benchmark overlap, then the splits. */
export async function runGates(options: RunGatesOptions): Promise<GatesReport> {
  const started = performance.now();
  const stats = createReadStats();
  const collector = new PairStatsCollector();
  const overrides = options.overrides ?? {};
  for await (const line of readJsonlLines(options.in, { stats, skipInvalid: options.skipInvalid === true, ...(options.signal ? { signal: options.signal } : {}) })) {
    const record = resolveRecord(line.value, 'pair', { overrides, lineText: line.text });
    const parsed = LoosePair.safeParse(record);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = String(issue?.path[0] ?? '(record)');
      const hint = (NUMBER_FIELDS as readonly string[]).includes(field) ? ' (a score must be a number; `veridata pairs` writes them)' : '';
      const error = new InvalidRecordError(options.in, line.lineNumber, `field "${field}": ${record[field] === undefined ? 'missing' : (issue?.message ?? 'invalid')}${hint}`);
      if (!options.skipInvalid) throw error;
      stats.skipped += 1;
      if (stats.skippedExamples.length < 5) stats.skippedExamples.push(error.message);
      continue;
    }
    collector.add(parsed.data, line.lineNumber);
    options.benchmarks?.check(parsed.data.prompt);
    options.onLine?.();
  }
  const benchmarks = options.benchmarks?.scores();
  const splits = options.splits && options.splits.length > 0 ? await measureSplitOverlap(options.splits, overrides, options.signal) : undefined;
  const gates = evaluateGates(collector.stats, options.thresholds, benchmarks, splits);
  const failed = gates.filter((gate) => gate.status === 'fail').map((gate) => gate.gate);
  const { examples: _examples, ...counts } = collector.stats;
  return {
    command: 'gates',
    in: options.in,
    passed: failed.length === 0,
    failed,
    gates,
    stats: counts,
    benchmarks: benchmarks ?? null,
    skippedInvalid: stats.skipped,
    skippedExamples: stats.skippedExamples,
    seconds: (performance.now() - started) / 1000,
  };
}
