import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { InvalidOptionError, InvalidRecordError, OutputUnwritableError } from '../core/errors.js';
import { hashString32, mix32 } from '../core/hash.js';
import { outputIdentity } from '../core/io/output-target.js';
import { type JsonlLine, createReadStats, readJsonlLines } from '../core/io/read-jsonl.js';
import { type Progress, silentProgress } from '../core/progress.js';
import { RecordAliases } from '../core/schemas/aliases.js';
import { DedupColumns } from './dedup.js';
import { type LineOutput, checkOutputIsNotInput, openLineOutput } from './line-output.js';
import { describeField, lookupField, skipRecord, textField, textOf } from './record-text.js';
import { HashIndex64 } from './text/hash-index.js';
import { normalizeText } from './text/normalize.js';

/** The splits, in the order shares are laid out on [0, 1). */
export const SPLIT_NAMES = ['train', 'val', 'test'] as const;
export type SplitName = (typeof SPLIT_NAMES)[number];

/** Shares may miss 1 by this much (0.333 + 0.333 + 0.334); they are then scaled to sum to exactly 1. */
export const SHARE_TOLERANCE = 1e-3;

/** Requested shares of train, val and test. */
export type SplitShares = Readonly<Record<SplitName, number>>;

/** Checks that shares are in [0, 1] and sum to 1 within `SHARE_TOLERANCE`; returns them scaled to sum to exactly 1. */
export function validateShares(shares: SplitShares): SplitShares {
  for (const name of SPLIT_NAMES) {
    const share = shares[name];
    if (!(share >= 0 && share <= 1)) throw new InvalidOptionError(`--${name}`, `must be a share between 0 and 1, got ${share}`);
  }
  const sum = shares.train + shares.val + shares.test;
  if (Math.abs(sum - 1) > SHARE_TOLERANCE) {
    throw new InvalidOptionError(
      '--train/--val/--test',
      `shares sum to ${Number(sum.toFixed(6))}, not 1 (train ${shares.train}, val ${shares.val}, test ${shares.test})`,
      'Give shares that add up to 1, e.g. --train 0.8 --val 0.1 --test 0.1.',
    );
  }
  return { train: shares.train / sum, val: shares.val / sum, test: shares.test / sum };
}

/**
 * The split of a group: its key hashed with the seed to a point on [0, 1) (53 bits), which falls in train, val or
 * test by the cumulative shares. A pure function of (key, seed, shares): the same group lands in the same split in any
 * file, in any order, in one pass.
 */
export function assignSplit(groupKey: string, seed: number, shares: SplitShares): SplitName {
  const high = hashString32(groupKey, mix32(seed ^ 0x73706c31));
  const low = hashString32(groupKey, mix32(seed ^ 0x73706c32));
  const point = (high * 2 ** 21 + (low >>> 11)) / 2 ** 53;
  if (point < shares.train) return 'train';
  if (point < shares.train + shares.val) return 'val';
  if (shares.test > 0) return 'test';
  return shares.val > 0 ? 'val' : 'train'; // a rounding remainder when there is no test share
}

/** Options of one `veridata split` run. */
export const SplitOptions = z.object({
  in: z.string().min(1),
  train: z.number().min(0).max(1).default(0.8),
  val: z.number().min(0).max(1).default(0.2),
  test: z.number().min(0).max(1).default(0),
  seed: z.int().min(0).max(0xffffffff).default(0),
  /** Directory receiving train.jsonl, val.jsonl and test.jsonl (the last only with a test share). */
  outDir: z.string().min(1).optional(),
  trainOut: z.string().min(1).optional(),
  valOut: z.string().min(1).optional(),
  testOut: z.string().min(1).optional(),
  /** Field holding the prompt when grouping by prompt; default: the first of prompt, input, question present. */
  field: z.string().min(1).optional(),
  /** `prompt` (normalised), or a field whose value names the group; default: `dedup_cluster` when the first row has it. */
  groupBy: z.string().min(1).optional(),
  skipInvalid: z.boolean().default(false),
});
export type SplitOptions = z.infer<typeof SplitOptions>;

/** One split of a run: where it went and what landed there. */
export interface SplitPart {
  readonly name: SplitName;
  readonly out: string;
  /** The share asked for (after scaling to sum to 1). */
  readonly share: number;
  readonly rows: number;
  /** `rows` over all rows written. */
  readonly rowShare: number;
  readonly groups: number;
}

/** What a split run wrote. */
export interface SplitSummary {
  readonly command: 'split';
  readonly in: string;
  /** `prompt` or the field rows were grouped by. */
  readonly groupBy: string;
  readonly seed: number;
  readonly rows: number;
  readonly groups: number;
  readonly splits: SplitPart[];
  readonly skippedInvalid: number;
  readonly skippedExamples: string[];
  readonly seconds: number;
  readonly rowsPerSecond: number;
}

/** Where each split with a share above 0 goes: `--<name>-out`, else `<out-dir>/<name>.jsonl`. */
export function splitTargets(options: SplitOptions, shares: SplitShares): Map<SplitName, string> {
  const targets = new Map<SplitName, string>();
  for (const name of SPLIT_NAMES) {
    const explicit = options[`${name}Out`];
    if (shares[name] === 0) {
      if (explicit !== undefined) throw new InvalidOptionError(`--${name}-out`, `the ${name} share is 0; give --${name} SHARE as well`);
      continue;
    }
    const path = explicit ?? (options.outDir === undefined ? undefined : join(options.outDir, `${name}.jsonl`));
    if (path === undefined) {
      throw new InvalidOptionError(`--${name}-out`, `the ${name} split (share ${shares[name]}) has nowhere to go`, 'Give --out-dir DIR, or --train-out, --val-out and --test-out for every split with a share.');
    }
    targets.set(name, path);
  }
  return targets;
}

async function checkDistinctOutputs(input: string, targets: Map<SplitName, string>): Promise<void> {
  const seen = new Map<string, SplitName>();
  for (const [name, path] of targets) {
    await checkOutputIsNotInput(input, path, `--${name}-out`);
    const identity = await outputIdentity(path);
    const other = seen.get(identity);
    if (other) throw new InvalidOptionError(`--${name}-out`, `${path} is also where the ${other} split goes; every split needs its own file`);
    seen.set(identity, name);
  }
}

type GroupKeyOf = (line: JsonlLine) => { key: string } | { problem: string };

function groupKeyFor(groupBy: string, promptField: ReturnType<typeof textField>): GroupKeyOf {
  if (groupBy === 'prompt') {
    return (line) => {
      const found = textOf(line.value, promptField);
      return 'problem' in found ? found : { key: `p:${normalizeText(found.text)}` };
    };
  }
  return (line) => {
    const value = lookupField(line.value, groupBy);
    if (value === undefined || value === null) return { problem: `field "${groupBy}": missing (it names each row's group)` };
    return { key: `f:${typeof value === 'string' ? value : JSON.stringify(value)}` };
  };
}

/**
 * Splits a JSONL file into train, val and (optionally) test files by group, in one streaming pass: every row of a
 * group (one normalised prompt, or one dedup cluster so paraphrases stay together) lands in the same split, chosen by
 * `assignSplit`. Lines are written unchanged, in input order; every output appears complete or not at all.
 */
export async function runSplit(options: SplitOptions, context: { signal?: AbortSignal; progress?: Progress } = {}): Promise<SplitSummary> {
  const shares = validateShares(options);
  const targets = splitTargets(options, shares);
  await checkDistinctOutputs(options.in, targets);
  const started = performance.now();
  const { signal } = context;
  const progress = context.progress ?? silentProgress();
  if (options.outDir !== undefined) {
    await mkdir(options.outDir, { recursive: true }).catch((error: unknown) => {
      throw new OutputUnwritableError(options.outDir!, error);
    });
  }
  const outputs = new Map<SplitName, LineOutput>();
  const counts = new Map<SplitName, { rows: number; groups: number }>(SPLIT_NAMES.map((name) => [name, { rows: 0, groups: 0 }]));
  const promptField = textField(options.field, RecordAliases.prompt);
  const stats = createReadStats();
  const groups = new HashIndex64(1 << 12);
  let groupBy = options.groupBy;
  let keyOf: GroupKeyOf | undefined = groupBy === undefined ? undefined : groupKeyFor(groupBy, promptField);
  let rows = 0;
  try {
    for (const [name, path] of targets) outputs.set(name, await openLineOutput(path, signal));
    for await (const line of readJsonlLines(options.in, { skipInvalid: options.skipInvalid, stats, ...(signal ? { signal } : {}) })) {
      if (keyOf === undefined) {
        groupBy = Object.hasOwn(line.value, DedupColumns.cluster) ? DedupColumns.cluster : 'prompt';
        keyOf = groupKeyFor(groupBy, promptField);
      }
      const group = keyOf(line);
      if ('problem' in group) {
        const error = new InvalidRecordError(options.in, line.lineNumber, group.problem);
        if (!options.skipInvalid) throw error;
        stats.records -= 1; // counted by the reader as a record, but skipped here
        skipRecord(stats, error);
        continue;
      }
      const split = assignSplit(group.key, options.seed, shares);
      const count = counts.get(split)!;
      count.rows += 1;
      const groupHigh = hashString32(group.key, 0x67727031);
      const groupLow = hashString32(group.key, 0x67727032);
      if (groups.get(groupHigh, groupLow) < 0) {
        groups.set(groupHigh, groupLow, 1);
        count.groups += 1;
      }
      rows += 1;
      progress.tick();
      const wait = outputs.get(split)!.write(`${line.text.trimEnd()}\n`);
      if (wait) await wait;
    }
    for (const output of outputs.values()) await output.commit();
  } catch (error) {
    for (const output of outputs.values()) await output.discard();
    throw error;
  } finally {
    progress.done();
  }
  const seconds = (performance.now() - started) / 1000;
  return {
    command: 'split',
    in: options.in,
    groupBy: groupBy === 'prompt' ? `prompt (${describeField(promptField)}, normalised)` : (groupBy ?? 'prompt'),
    seed: options.seed,
    rows,
    groups: groups.size,
    splits: [...targets].map(([name, out]) => {
      const count = counts.get(name)!;
      return { name, out, share: shares[name], rows: count.rows, rowShare: rows === 0 ? 0 : count.rows / rows, groups: count.groups };
    }),
    skippedInvalid: stats.skipped,
    skippedExamples: stats.skippedExamples,
    seconds,
    rowsPerSecond: seconds > 0 ? rows / seconds : 0,
  };
}
