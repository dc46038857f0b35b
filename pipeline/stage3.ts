import { createHash } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { readJsonlLines } from '../src/core/io/read-jsonl.js';
import { writeJsonlAtomic } from '../src/core/io/write-jsonl.js';
import { exportFormats } from '../src/curation/export/formats/index.js';
import { runExport } from '../src/curation/export/run-export.js';
import { PairRulesOptions } from '../src/curation/pairs/pair-rules.js';
import { runGeneration, type GenerationSummary } from '../src/generation/run-generation.js';
import { runConfigFor, sandboxLimitsOf } from './config.js';
import { section } from './extract.js';
import { fillPrompt } from './prompts.js';
import { Triplet } from './records.js';
import { checkStageInput, writeShardMarker, openLlmSession, openStageCheckpoint, runRecords, shardRange, type StageContext, stageDir, stageProgress, stageRecords } from './stage-context.js';

/** What stage 3 did. */
export interface Stage3Summary {
  readonly track: string;
  readonly triplets: number;
  /** Code: completion-style versions written, and those dropped (missing, or the solution itself). */
  readonly style?: { readonly converted: number; readonly dropped: number };
  readonly problems: number;
  readonly generation: GenerationSummary;
  /** Responses that passed verification (the SFT set), and problems with at least one. */
  readonly sft: number;
  readonly correctProblems: number;
  readonly exports: Record<string, number>;
}

function hashOf(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 16);
}

/** The style-conversion prompt of a verified triplet. */
export function styleConversionPrompt(triplet: Pick<Triplet, 'prompt' | 'solution' | 'tests'>) {
  return [{ role: 'user' as const, content: fillPrompt('instruct-to-complete', { question: triplet.prompt, solution: triplet.solution.trimEnd(), tests: (triplet.tests ?? '').trimEnd() }) }];
}

/** The function-completion prompt built from a converted question. */
export function completionPrompt(completion: string): string {
  return fillPrompt('complete-function', { completion });
}

const normalizedCode = (text: string) => text.replace(/\s+/g, ' ').trim();

/**
 * Stage 3: post-training data from the verified triplets. Code: each question is also rewritten as a
 * function-completion task (dropped when the model returns the solution itself); a second model answers both styles,
 * each response cross-verified against the stage-2 tests in the sandbox; math: the responses are checked against the
 * gold answer. The generation is `veridata dpo` itself (cache, budget, checkpoint): dpo.jsonl holds the pass-over-fail
 * pairs, dpo.jsonl.responses.jsonl every labelled response, sft.jsonl the correct ones, and exports/ the trainer files.
 */
export async function runStage3(context: StageContext): Promise<Stage3Summary> {
  const { config } = context.loaded;
  const track = context.track;
  const input = join(stageDir(context, 2), 'triplets.jsonl');
  const total = await checkStageInput(input, Triplet, `stage 2 (pnpm stage:2, or veridata stage 2${track === 'math' ? ' --track math' : ''})`, context.signal);
  const directory = stageDir(context, 3, context.shard);
  await mkdir(directory, { recursive: true });
  const [from, to] = context.shard === undefined ? [0, total] : shardRange(context.shard, total);

  let style: Stage3Summary['style'];
  const completions = new Map<string, string>();
  if (track === 'code' && config.code!.style_conversion) {
    const styleConfig = runConfigFor(context.loaded, config.models.style ?? config.models.solutions);
    const styleDirectory = join(directory, 'style');
    const checkpoint = await openStageCheckpoint(styleDirectory, ['style.jsonl'], { command: 'stage3-style', config: hashOf({ models: styleConfig.models, seed: config.seed }) });
    const progress = stageProgress(context, 'stage 3 style', to - from);
    const session = openLlmSession(styleConfig, checkpoint, progress, context.env);
    try {
      await runRecords({
        records: stageRecords(input, Triplet, total, context.shard, context.signal),
        checkpoint,
        concurrency: config.concurrency,
        progress,
        ...(context.signal ? { signal: context.signal } : {}),
        process: async (triplet, signal) => {
          const { samples } = await session.sampler.sample(triplet.id, styleConversionPrompt(triplet), 1, signal);
          const found = samples[0] === undefined ? ({ ok: false, reason: 'no-reply' } as const) : section(samples[0].response.content, 'Completion');
          const reason = !found.ok ? found.reason : normalizedCode(found.text) === normalizedCode(triplet.solution) ? 'is-the-solution' : null;
          return [`${JSON.stringify({ id: triplet.id, completion: reason === null && found.ok ? found.text : null, dropped: reason, model: samples[0]?.model ?? null })}\n`];
        },
      });
    } finally {
      await checkpoint.close();
      session.close();
      progress.done();
    }
    let converted = 0;
    let dropped = 0;
    for await (const { value } of readJsonlLines(join(styleDirectory, 'style.jsonl'))) {
      const line = value as { id: string; completion: string | null };
      if (line.completion === null) dropped += 1;
      else {
        converted += 1;
        completions.set(line.id, line.completion);
      }
    }
    style = { converted, dropped };
  }

  // The problems of the generation: both styles of each coding question (with the stage-2 tests), or the math problems.
  const problemsPath = join(directory, 'problems.jsonl');
  async function* problems() {
    for await (const triplet of stageRecords(input, Triplet, total, context.shard, context.signal)) {
      const meta = { question_id: triplet.id, mode: triplet.mode, difficulty: triplet.difficulty, pass_percentage: triplet.pass_percentage };
      if (track === 'math') {
        yield { id: triplet.id, prompt: triplet.prompt, answer: triplet.answer, meta: { ...meta, answer_source: triplet.answer_source ?? 'seed' } };
        continue;
      }
      yield { id: `${triplet.id}/instruct`, prompt: triplet.prompt, tests: triplet.tests, meta: { ...meta, style: 'instruct' } };
      const completion = completions.get(triplet.id);
      if (completion !== undefined) yield { id: `${triplet.id}/complete`, prompt: completionPrompt(completion), tests: triplet.tests, meta: { ...meta, style: 'complete', original_prompt: triplet.prompt } };
    }
  }
  const problemCount = await writeJsonlAtomic(problemsPath, problems());

  const responses = track === 'code' ? config.code!.responses : config.math!.responses;
  const settings = config.sandbox;
  const out = join(directory, 'dpo.jsonl');
  const generation = await runGeneration({
    mode: 'dpo',
    config: runConfigFor(context.loaded, config.models.responses ?? config.models.solutions, { responses }),
    problems: problemsPath,
    out,
    pairRules: PairRulesOptions.parse({}),
    minGap: 0.2,
    verifiers: {
      sandbox: settings.backend,
      concurrency: settings.concurrency,
      limits: sandboxLimitsOf(settings),
      ...(settings.docker_hosts.length > 0 ? { dockerHosts: settings.docker_hosts } : {}),
    },
    ...(context.signal ? { signal: context.signal } : {}),
    ...(context.progress ? { progress: (count: number | undefined) => context.progress!(`stage 3 ${track} responses`, count) } : {}),
    ...(context.env ? { env: context.env } : {}),
  });

  if (context.shard !== undefined) {
    await writeShardMarker(directory, { stage: 3, track, shard: context.shard, records: to - from });
    return { track, triplets: to - from, ...(style === undefined ? {} : { style }), problems: problemCount, generation, sft: 0, correctProblems: 0, exports: {} };
  }
  const finished = await finishStage3(context, directory);
  return { track, triplets: to - from, ...(style === undefined ? {} : { style }), problems: problemCount, generation, ...finished };
}

/** The SFT set, per-problem correctness and the trainer exports, from the labelled responses (after a run or a merge). */
export async function finishStage3(context: StageContext, directory = stageDir(context, 3)): Promise<Pick<Stage3Summary, 'sft' | 'correctProblems' | 'exports'>> {
  const { config } = context.loaded;
  const out = join(directory, 'dpo.jsonl');
  // SFT: the responses verification passed; one correctness line per problem (KodCode's r1_correctness).
  const responsesPath = `${out}.responses.jsonl`;
  const correct = new Map<string, number[]>();
  async function* passing() {
    for await (const { value } of readJsonlLines(responsesPath)) {
      const response = value as { problem_id: string; verdict: { status: string } | null };
      const sequence = correct.get(response.problem_id) ?? [];
      sequence.push(response.verdict?.status === 'pass' ? 1 : 0);
      correct.set(response.problem_id, sequence);
      if (response.verdict?.status === 'pass') yield value;
    }
  }
  const sft = await writeJsonlAtomic(join(directory, 'sft.jsonl'), passing());
  await writeJsonlAtomic(
    join(directory, 'correctness.jsonl'),
    [...correct].map(([id, sequence]) => ({ id, correct: sequence.includes(1), pass_sequence: sequence, pass_trial_num: sequence.reduce((sum, pass) => sum + pass, 0) })),
  );

  const exports: Record<string, number> = {};
  const exportDirectory = join(directory, 'exports');
  await mkdir(exportDirectory, { recursive: true });
  for (const name of config.exports) {
    const format = exportFormats.get(name);
    const source = format.accepts[0] === 'pair' ? out : responsesPath;
    const summary = await runExport({ in: source, out: join(exportDirectory, `${name}.jsonl`), to: name });
    exports[name] = summary.rows;
  }
  return { sft, correctProblems: [...correct.values()].filter((sequence) => sequence.includes(1)).length, exports };
}
