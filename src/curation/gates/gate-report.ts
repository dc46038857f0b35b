import { z } from 'zod';
import type { BenchmarkScore } from '../benchmark-index.js';
import type { PairStats } from './pair-stats.js';

/** Thresholds of the DPO checklist; each is a `veridata gates` flag. Length bias and split overlap only warn unless set. */
export const GateThresholds = z.object({
  minPairs: z.number().int().min(0).default(1000).describe('least number of pairs'),
  minGap: z.number().min(0).max(1).default(0.15).describe('least mean preference gap (chosen_score - rejected_score)'),
  minDecontamination: z.number().min(0).max(1).default(0.9).describe('least share of benchmark items never seen in the pairs (with --against)'),
  maxConflicts: z.number().int().min(0).default(0).describe('most conflicting preferences (A over B and B over A for one prompt)'),
  maxIdentical: z.number().int().min(0).default(0).describe('most pairs whose chosen equals rejected'),
  maxEmpty: z.number().int().min(0).default(0).describe('most pairs with an empty prompt, chosen or rejected'),
  maxDuplicates: z.number().int().min(0).optional().describe('most repeated pairs (default: report only)'),
  maxLengthRatio: z.number().min(1).optional().describe('most chosen/rejected mean length ratio, either way (default: warn outside 1.5)'),
  maxSplitOverlap: z.number().int().min(0).optional().describe('most prompts shared between --splits files (default: warn above 0)'),
});
export type GateThresholds = z.infer<typeof GateThresholds>;

export const GateStatus = z.enum(['pass', 'fail', 'warn', 'info', 'skipped']);
export type GateStatus = z.infer<typeof GateStatus>;

export interface GateResult {
  readonly gate: string;
  readonly status: GateStatus;
  /** The measured value (null when the gate could not be measured). */
  readonly value: number | null;
  /** The rule it was held to, e.g. ">= 1000", or "" for a report-only figure. */
  readonly rule: string;
  readonly detail: string;
}

/** Prompts found in more than one split file. */
export interface SplitOverlap {
  readonly files: readonly string[];
  readonly sharedPrompts: number;
  readonly examples: readonly string[];
}

/** An advisory band for length bias when no threshold is given: beyond it a trainer may learn "longer is better". */
const ADVISORY_LENGTH_RATIO = 1.5;

const lines = (numbers: readonly number[]): string => (numbers.length === 0 ? '' : ` (lines ${numbers.join(', ')}${numbers.length >= 5 ? ', ...' : ''})`);

function atLeast(gate: string, value: number, minimum: number, detail: string): GateResult {
  return { gate, status: value >= minimum ? 'pass' : 'fail', value, rule: `>= ${minimum}`, detail };
}

function atMost(gate: string, value: number, maximum: number, detail: string): GateResult {
  return { gate, status: value <= maximum ? 'pass' : 'fail', value, rule: `<= ${maximum}`, detail };
}

/** Holds the measured statistics to the thresholds: one result per checklist item, in a fixed order. */
export function evaluateGates(stats: PairStats, thresholds: GateThresholds, benchmarks: readonly Pick<BenchmarkScore, 'file' | 'items' | 'unseen'>[] | undefined, splits: SplitOverlap | undefined): GateResult[] {
  const results: GateResult[] = [];
  results.push(atLeast('pairs', stats.pairs, thresholds.minPairs, `${stats.pairs} pairs`));
  if (stats.scored === 0 && stats.pairs > 0) {
    results.push({ gate: 'preference gap', status: 'skipped', value: null, rule: `>= ${thresholds.minGap}`, detail: 'no pair carries chosen_score and rejected_score' });
  } else {
    const gap = stats.scored === 0 ? 0 : stats.gapSum / stats.scored;
    const unscored = stats.pairs - stats.scored;
    results.push(atLeast('preference gap', round(gap), thresholds.minGap, `mean chosen_score - rejected_score${unscored > 0 ? ` over the ${stats.scored} scored pairs (${unscored} carry no scores)` : ''}`));
  }
  if (benchmarks === undefined || benchmarks.length === 0) {
    results.push({ gate: 'decontamination', status: 'skipped', value: null, rule: `>= ${thresholds.minDecontamination}`, detail: 'no --against benchmark given' });
  } else {
    const items = benchmarks.reduce((sum, bench) => sum + bench.items, 0);
    const unseen = benchmarks.reduce((sum, bench) => sum + bench.unseen, 0);
    const worst = Math.min(...benchmarks.map((bench) => (bench.items === 0 ? 1 : bench.unseen / bench.items)));
    const per = benchmarks.map((bench) => `${bench.file}: ${bench.items - bench.unseen} of ${bench.items} items overlap`).join('; ');
    // Every benchmark must be trustworthy on its own: the gate holds the worst one, not the average.
    results.push(atLeast('decontamination', round(worst), thresholds.minDecontamination, `${items - unseen} of ${items} benchmark items appear in the pairs (${per})`));
  }
  results.push(atMost('conflicts', stats.conflicts, thresholds.maxConflicts, `pairs reversing an earlier pair of the same prompt${lines(stats.examples.conflicts)}`));
  results.push(atMost('chosen == rejected', stats.identical, thresholds.maxIdentical, `pairs whose two texts are the same${lines(stats.examples.identical)}`));
  results.push(atMost('empty fields', stats.emptyFields, thresholds.maxEmpty, `pairs with an empty prompt, chosen or rejected${lines(stats.examples.emptyFields)}`));
  if (thresholds.maxDuplicates !== undefined) results.push(atMost('duplicate pairs', stats.duplicates, thresholds.maxDuplicates, `repeated pairs${lines(stats.examples.duplicates)}`));
  else results.push({ gate: 'duplicate pairs', status: stats.duplicates > 0 ? 'warn' : 'info', value: stats.duplicates, rule: '', detail: `repeated pairs${lines(stats.examples.duplicates)}` });

  const chosenMean = stats.pairs === 0 ? 0 : stats.chosenChars / stats.pairs;
  const rejectedMean = stats.pairs === 0 ? 0 : stats.rejectedChars / stats.pairs;
  const ratio = rejectedMean === 0 ? (chosenMean === 0 ? 1 : Number.POSITIVE_INFINITY) : chosenMean / rejectedMean;
  const lengthDetail = `mean chosen ${chosenMean.toFixed(0)} chars, rejected ${rejectedMean.toFixed(0)} chars`;
  const outside = (limit: number): boolean => ratio > limit || ratio < 1 / limit;
  if (thresholds.maxLengthRatio !== undefined) {
    results.push({ gate: 'length bias', status: outside(thresholds.maxLengthRatio) ? 'fail' : 'pass', value: round(ratio), rule: `within 1/${thresholds.maxLengthRatio}..${thresholds.maxLengthRatio}`, detail: lengthDetail });
  } else {
    results.push({ gate: 'length bias', status: outside(ADVISORY_LENGTH_RATIO) ? 'warn' : 'info', value: round(ratio), rule: '', detail: lengthDetail });
  }
  if (splits === undefined) {
    results.push({ gate: 'split overlap', status: 'skipped', value: null, rule: '', detail: 'no --splits files given' });
  } else {
    const detail = `prompts in more than one of ${splits.files.join(', ')}${splits.examples.length > 0 ? `, e.g. ${JSON.stringify(splits.examples[0])}` : ''}`;
    if (thresholds.maxSplitOverlap !== undefined) results.push(atMost('split overlap', splits.sharedPrompts, thresholds.maxSplitOverlap, detail));
    else results.push({ gate: 'split overlap', status: splits.sharedPrompts > 0 ? 'warn' : 'info', value: splits.sharedPrompts, rule: '', detail });
  }
  return results;
}

function round(value: number): number {
  return Number.isFinite(value) ? Math.round(value * 1e6) / 1e6 : value;
}

/** The readable table: one row per gate, status first, so a failing gate is the first thing the eye finds. */
export function formatGateTable(results: readonly GateResult[]): string {
  const rows = results.map((result) => [result.status.toUpperCase(), result.gate, result.value === null ? '-' : String(result.value), result.rule, result.detail]);
  const header = ['STATUS', 'GATE', 'VALUE', 'RULE', 'DETAIL'];
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const format = (row: readonly string[]): string =>
    row
      .map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]!)))
      .join('  ')
      .trimEnd();
  return [format(header), ...rows.map(format)].join('\n');
}
