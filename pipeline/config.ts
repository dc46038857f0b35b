import { resolve } from 'node:path';
import { z } from 'zod';
import { InvalidConfigError } from '../src/core/errors.js';
import { readConfigFile } from '../src/core/io/read-config.js';
import { MIN_MEMORY_BYTES, parseDuration, parseSize } from '../src/core/units.js';
import { ModelConfig, RunConfig } from '../src/core/schemas/run-config.js';

/** The stage-1 modes of the code track: each has its own question prompt (seeds/prompts/question-<mode>.md). */
export const CodeMode = z.enum(['leetcode', 'algorithm', 'data_structure', 'package', 'docs']);
export type CodeMode = z.infer<typeof CodeMode>;

/** What the pipeline builds: coding triplets, math problems with gold answers, or both. */
export const Track = z.enum(['code', 'math']);
export type Track = z.infer<typeof Track>;

const SeedFile = z.strictObject({ path: z.string().min(1), mode: CodeMode });

/** The code track: seeds per mode, trials, and what stage 3 makes. */
export const CodeTrackConfig = z.strictObject({
  seeds: z.array(SeedFile).min(1),
  /** Questions the questions model writes per seed (samples of one prompt). */
  questions_per_seed: z.number().int().min(1).max(16).default(1),
  /** Two questions at or above this word-shingle similarity are near duplicates; the first is kept. */
  near_duplicate_threshold: z.number().gt(0).max(1).default(0.7),
  /** Solution + tests attempts per question (stage 2). */
  trials: z.number().int().min(1).max(16).default(3),
  /** Run every passing trial's solution against every other passing trial's tests, to find weak tests. */
  cross_check: z.boolean().default(true),
  /** Stage 3: write a function-completion version of every verified question. */
  style_conversion: z.boolean().default(true),
  /** Stage 3: responses of the responses model per question. */
  responses: z.number().int().min(1).max(16).default(2),
});

/** The math track: seed problems with gold answers, and the agreement that gives written questions a gold answer. */
export const MathTrackConfig = z.strictObject({
  seeds: z.array(z.string().min(1)).min(1),
  /** New problems the questions model writes per seed (0: the seed problems only). */
  synthesize_per_seed: z.number().int().min(0).max(16).default(1),
  agreement: z
    .strictObject({
      /** Solutions sampled per written problem; their majority answer becomes its gold answer. */
      samples: z.number().int().min(2).max(32).default(5),
      /** The share of samples the majority needs; below it the problem is dropped. */
      threshold: z.number().gt(0.5).max(1).default(0.6),
    })
    .default({ samples: 5, threshold: 0.6 }),
  trials: z.number().int().min(1).max(16).default(3),
  responses: z.number().int().min(1).max(16).default(2),
});

/** Where stage-2 and stage-3 code runs. */
export const SandboxConfig = z.strictObject({
  backend: z.enum(['auto', 'docker', 'bwrap']).default('auto'),
  /** CPU time of one run. */
  timeout: z.string().default('10s'),
  memory: z.string().default('512m'),
  coverage: z.boolean().default(true),
  docker_hosts: z.array(z.string()).default([]),
  concurrency: z.number().int().min(1).max(256).default(2),
});

/** The sandbox limits of one run, from the config's text values (errors name the config key). */
export function sandboxLimitsOf(settings: z.infer<typeof SandboxConfig>): { cpuMs: number; memoryBytes: number } {
  return { cpuMs: parseDuration('sandbox.timeout', settings.timeout), memoryBytes: parseSize('sandbox.memory', settings.memory, MIN_MEMORY_BYTES) };
}

/** The models of each role; roles without their own list use `solutions`. */
export const PipelineModels = z.strictObject({
  questions: z.array(ModelConfig).min(1),
  solutions: z.array(ModelConfig).min(1),
  style: z.array(ModelConfig).min(1).optional(),
  responses: z.array(ModelConfig).min(1).optional(),
});

/** `veridata.yaml`: one reproducible pipeline run. Unknown keys are errors. */
export const PipelineConfig = z
  .strictObject({
    output_dir: z.string().min(1).default('runs/demo'),
    tracks: z.array(Track).min(1).optional(),
    endpoints: RunConfig.shape.endpoints,
    models: PipelineModels,
    seed: z.number().int().min(0).default(0),
    concurrency: z.number().int().min(1).max(4096).default(8),
    max_usd: z.number().positive().optional(),
    cache: RunConfig.shape.cache,
    code: CodeTrackConfig.optional(),
    math: MathTrackConfig.optional(),
    sandbox: SandboxConfig.default(SandboxConfig.parse({})),
    /** `veridata export` formats written from stage 3 (sft from the correct responses, dpo from the pairs). */
    exports: z.array(z.string().min(1)).default(['trl-sft', 'trl-dpo']),
    /** Benchmark files the stage-3 prompts are checked against (`veridata decontam`). */
    benchmarks: z.array(z.string().min(1)).default([]),
  })
  .superRefine((config, context) => {
    const endpoints = new Set(Object.keys(config.endpoints));
    for (const [role, models] of Object.entries(config.models)) {
      (models ?? []).forEach((model: ModelConfig, index: number) => {
        if (!endpoints.has(model.endpoint)) context.addIssue({ code: 'custom', path: ['models', role, index, 'endpoint'], message: `no endpoint "${model.endpoint}" (defined: ${[...endpoints].join(', ')})` });
      });
    }
    for (const track of config.tracks ?? []) {
      if (config[track] === undefined) context.addIssue({ code: 'custom', path: ['tracks'], message: `track "${track}" is listed but the config has no "${track}:" section` });
    }
    if (config.code === undefined && config.math === undefined) context.addIssue({ code: 'custom', path: [], message: 'needs a "code:" or a "math:" section (or both)' });
  });
export type PipelineConfig = z.infer<typeof PipelineConfig>;

/** A loaded pipeline config, with the file it came from (seed paths are relative to its directory). */
export interface LoadedPipeline {
  readonly file: string;
  readonly directory: string;
  readonly config: PipelineConfig;
}

/** Reads and checks `veridata.yaml` (or `file`); errors name the file, line and key. */
export async function loadPipelineConfig(file: string): Promise<LoadedPipeline> {
  const config = await readConfigFile(file, PipelineConfig);
  return { file, directory: resolve(file, '..'), config };
}

/** The tracks a command runs: `--track` when given, else the config's list, else every track it has a section for. */
export function tracksOf(loaded: LoadedPipeline, requested?: Track): Track[] {
  if (requested !== undefined) {
    if (loaded.config[requested] === undefined) throw new InvalidConfigError(loaded.file, undefined, requested, `--track ${requested} needs a "${requested}:" section in the config`);
    return [requested];
  }
  return loaded.config.tracks ?? Track.options.filter((track) => loaded.config[track] !== undefined);
}

/** The role's models as a RunConfig for the generation machinery (cache, budget, routing); the cache path is relative to the config file. */
export function runConfigFor(loaded: LoadedPipeline, models: readonly ModelConfig[], extra: { responses?: number; concurrency?: number } = {}): RunConfig {
  const { config } = loaded;
  return RunConfig.parse({
    endpoints: config.endpoints,
    models,
    responses_per_problem: extra.responses ?? 1,
    concurrency: extra.concurrency ?? config.concurrency,
    seed: config.seed,
    ...(config.max_usd === undefined ? {} : { max_usd: config.max_usd }),
    cache: { ...config.cache, path: resolve(loaded.directory, config.cache.path) },
  });
}

