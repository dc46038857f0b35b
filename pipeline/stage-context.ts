import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import type { z } from 'zod';
import { InputUnreadableError, InvalidOptionError, InvalidRecordError } from '../src/core/errors.js';
import { type Checkpoint, type CheckpointHeader, openCheckpoint } from '../src/core/io/checkpoint.js';
import { readJsonlLines } from '../src/core/io/read-jsonl.js';
import { mapConcurrent } from '../src/core/pool/map-concurrent.js';
import { type Progress, silentProgress } from '../src/core/progress.js';
import { withChildSignal } from '../src/core/signals.js';
import type { RunConfig } from '../src/core/schemas/run-config.js';
import { createBudget } from '../src/llm/budget.js';
import { openResponseCache, type ResponseCache } from '../src/llm/cache.js';
import { createCompletionCaller, type CompletionCaller } from '../src/llm/cached-completions.js';
import { createProblemSampler, type ProblemSampler } from '../src/llm/sample-problem.js';
import { modelTargets } from '../src/generation/run-settings.js';
import type { LoadedPipeline, Track } from './config.js';

/** Which slice of a stage's input this process handles: records [floor(k*T/n), floor((k+1)*T/n)) of T. */
export interface Shard {
  readonly index: number;
  readonly count: number;
}

/** Everything a stage needs to run. */
export interface StageContext {
  readonly loaded: LoadedPipeline;
  readonly track: Track;
  readonly shard?: Shard;
  readonly signal?: AbortSignal;
  /** A progress reporter for `label`, given the number of records when known. */
  readonly progress?: (label: string, total: number | undefined) => Progress;
  readonly env?: NodeJS.ProcessEnv;
}

/** The run's output directory (relative paths are relative to the config file). */
export function outputDir(context: Pick<StageContext, 'loaded'>): string {
  return resolve(context.loaded.directory, context.loaded.config.output_dir);
}

/** A stage's directory; a shard writes under `shards/<k>-of-<n>/` and `veridata merge` joins them. */
export function stageDir(context: Pick<StageContext, 'loaded' | 'track'>, stage: 1 | 2 | 3, shard?: Shard): string {
  const base = join(outputDir(context), context.track, `stage${stage}`);
  return shard === undefined ? base : join(base, 'shards', `${shard.index}-of-${shard.count}`);
}

/** A path as users should read it in messages: relative to the working directory. */
export function shown(path: string): string {
  const relativePath = relative(process.cwd(), path);
  return relativePath.startsWith('..') ? path : relativePath;
}

/** A stage input that does not exist yet: names it and the command that makes it. */
export class StageInputMissingError extends InputUnreadableError {
  constructor(path: string, runFirst: string) {
    super(path, new Error(`it does not exist yet: run ${runFirst} first`));
    Object.defineProperty(this, 'hint', { value: `Run ${runFirst}, then this stage again.` });
  }
}

/**
 * Checks every line of a stage input against its schema before anything is spent, and counts the records. A missing
 * file names the stage that writes it; a bad line names the file, line and field.
 */
export async function checkStageInput<T>(path: string, schema: z.ZodType<T>, runFirst: string, signal?: AbortSignal): Promise<number> {
  if (!existsSync(path)) throw new StageInputMissingError(shown(path), runFirst);
  let count = 0;
  for await (const line of readJsonlLines(path, signal ? { signal } : {})) {
    const parsed = schema.safeParse(line.value);
    if (!parsed.success) throw new InvalidRecordError(shown(path), line.lineNumber, parsed.error);
    count += 1;
  }
  return count;
}

/** Records of a checked stage input, parsed, in order; with a shard, only its contiguous slice. */
export async function* stageRecords<T>(path: string, schema: z.ZodType<T>, total: number, shard?: Shard, signal?: AbortSignal): AsyncGenerator<T> {
  const [from, to] = shard === undefined ? [0, total] : shardRange(shard, total);
  let index = 0;
  for await (const line of readJsonlLines(path, signal ? { signal } : {})) {
    if (index >= to) return;
    if (index >= from) yield schema.parse(line.value);
    index += 1;
  }
}

/** The records a shard covers. */
export function shardRange(shard: Shard, total: number): [number, number] {
  return [Math.floor((shard.index * total) / shard.count), Math.floor(((shard.index + 1) * total) / shard.count)];
}

/**
 * The shard of this process: `--shard k/n`, else a Kubernetes Indexed Job's JOB_COMPLETION_INDEX or a Slurm array's
 * SLURM_ARRAY_TASK_ID (0-based against SLURM_ARRAY_TASK_MIN) with `--shards N` or SLURM_ARRAY_TASK_COUNT.
 */
export function resolveShard(flag: string | undefined, shards: string | undefined, env: NodeJS.ProcessEnv = process.env): Shard | undefined {
  if (flag !== undefined) {
    const match = /^(\d+)\/(\d+)$/.exec(flag.trim());
    if (match === null) throw new InvalidOptionError('--shard', `expected k/n such as 0/4, got "${flag}"`);
    const shard = { index: Number(match[1]), count: Number(match[2]) };
    if (shard.count < 1 || shard.index >= shard.count) throw new InvalidOptionError('--shard', `k must be below n (0-based), got ${flag}`);
    return shard;
  }
  const count = shards ?? env.SLURM_ARRAY_TASK_COUNT;
  const index = env.JOB_COMPLETION_INDEX ?? (env.SLURM_ARRAY_TASK_ID === undefined ? undefined : String(Number(env.SLURM_ARRAY_TASK_ID) - Number(env.SLURM_ARRAY_TASK_MIN ?? 0)));
  if (index === undefined) {
    if (shards !== undefined) throw new InvalidOptionError('--shards', 'needs the shard index: --shard k/n, JOB_COMPLETION_INDEX or SLURM_ARRAY_TASK_ID');
    return undefined;
  }
  if (count === undefined) throw new InvalidOptionError('--shards', `the shard index comes from the environment (${index}); give the shard count with --shards N`);
  return resolveShard(`${index}/${count}`, undefined, env);
}

/** An LLM session of one stage: the role's models over the cache and the stage's budget. */
export interface LlmSession {
  readonly caller: CompletionCaller;
  readonly sampler: ProblemSampler;
  readonly cache: ResponseCache;
  readonly spentUsd: () => number;
  close(): void;
}

/** Opens the cache and the clients of `config`'s models, spending against the checkpoint's budget. */
export function openLlmSession(config: RunConfig, checkpoint: Checkpoint, progress: Progress, env?: NodeJS.ProcessEnv): LlmSession {
  const targets = modelTargets(config, env ?? process.env);
  const cache = openResponseCache(config.cache);
  const budget = createBudget(config.max_usd, checkpoint.spentUsd);
  let spent = 0;
  const caller = createCompletionCaller({
    cache,
    budget,
    concurrency: config.concurrency,
    onSpend: (usd) => {
      spent += usd;
      checkpoint.spend(usd);
      progress.add(usd);
    },
  });
  return { caller, sampler: createProblemSampler({ caller, targets: targets.generation, seed: config.seed }), cache, spentUsd: () => spent, close: () => cache.close() };
}

/** What `runRecords` did. */
export interface RecordsRun {
  readonly resumed: number;
  readonly processed: number;
}

const FLUSH_INTERVAL_MS = 250;

/**
 * Processes records in input order with bounded concurrency and commits each one's output lines to the checkpoint, so
 * a stage killed at any point resumes where it stopped and ends as an uninterrupted run would.
 */
export async function runRecords<T extends { id: string }>(options: {
  records: AsyncIterable<T>;
  checkpoint: Checkpoint;
  concurrency: number;
  process: (record: T, signal: AbortSignal) => Promise<string[]>;
  progress: Progress;
  signal?: AbortSignal;
}): Promise<RecordsRun> {
  const { checkpoint } = options;
  let seen = 0;
  async function* remaining(): AsyncGenerator<T> {
    for await (const record of options.records) {
      seen += 1;
      if (seen > checkpoint.resumed) yield record;
      else if (seen === checkpoint.resumed && record.id !== checkpoint.lastDoneId) {
        throw new InvalidOptionError('input', `the checkpoint ${shown(checkpoint.path)} ends with "${checkpoint.lastDoneId}" but record ${seen} of the input is "${record.id}": the input changed; delete the stage directory to start it over`);
      }
    }
  }
  let processed = 0;
  let lastFlush = performance.now();
  const results = mapConcurrent(remaining(), options.concurrency, (record, _index, shared) => withChildSignal(shared, async (signal) => ({ id: record.id, texts: await options.process(record, signal) })), {
    buffer: options.concurrency * 4,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  try {
    for await (const { id, texts } of results) {
      checkpoint.commit(id, texts);
      processed += 1;
      options.progress.tick();
      if (performance.now() - lastFlush >= FLUSH_INTERVAL_MS) {
        await checkpoint.flush();
        lastFlush = performance.now();
      }
    }
  } finally {
    await checkpoint.flush().catch(() => {});
  }
  return { resumed: checkpoint.resumed, processed };
}

/** Opens a stage's checkpoint over its per-record outputs, creating the directory. */
export async function openStageCheckpoint(directory: string, outputs: readonly string[], header: CheckpointHeader): Promise<Checkpoint> {
  await mkdir(directory, { recursive: true });
  return openCheckpoint({ path: join(directory, 'checkpoint.jsonl'), outputs: outputs.map((name) => join(directory, name)), header });
}

/** The progress reporter of a stage, or a silent one. */
export function stageProgress(context: StageContext, label: string, total: number | undefined): Progress {
  return context.progress?.(label, total) ?? silentProgress();
}

/** Marks a shard's stage as finished, with how many input records it covered; `veridata merge` checks for it. */
export async function writeShardMarker(directory: string, marker: { stage: number; track: string; shard: Shard; records: number }): Promise<void> {
  await writeFile(join(directory, 'shard.json'), `${JSON.stringify(marker)}\n`);
}
