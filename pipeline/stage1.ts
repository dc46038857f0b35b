import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { InputUnreadableError, InvalidRecordError } from '../src/core/errors.js';
import { readJsonlLines } from '../src/core/io/read-jsonl.js';
import { writeJsonlAtomic } from '../src/core/io/write-jsonl.js';
import type { ChatMessage } from '../src/llm/chat-client.js';
import { createMathPool } from '../verifiers/math/math-pool.js';
import { extractFinalAnswer } from '../verifiers/math/extract-answer.js';
import { runConfigFor, type CodeMode } from './config.js';
import { fillPrompt, type PromptName } from './prompts.js';
import { CodeSeed, Generation, MathSeed, Question } from './records.js';
import { sanitizeQuestions, type SanitizeSummary } from './sanitize-questions.js';
import {
  type StageContext,
  openLlmSession,
  openStageCheckpoint,
  runRecords,
  shardRange,
  shown,
  stageDir,
  stageProgress,
  checkStageInput,
  stageRecords,
  writeShardMarker,
} from './stage-context.js';

/** One seed as stage 1 asks about it. */
interface SeedItem {
  readonly id: string;
  readonly mode: string;
  /** The text that fills `{seed}`. */
  readonly text: string;
}

/** What stage 1 did, per track. */
export interface Stage1Summary {
  readonly track: string;
  readonly seeds: number;
  readonly resumed: number;
  readonly generated: number;
  readonly failedSamples: number;
  /** Absent for a shard: sanitising and dedup run on the merged replies (`veridata merge --stage 1`). */
  readonly sanitize?: SanitizeSummary;
  /** Math: written problems given a gold answer by agreement, and those dropped for want of a majority. */
  readonly agreement?: { readonly candidates: number; readonly kept: number; readonly noMajority: number };
  readonly questions?: number;
  readonly spentUsd: number;
}

function hashOf(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 16);
}

/** A seed file the config names that does not exist is INPUT_UNREADABLE naming the config key and file. */
export function checkSeedFilesExist(loaded: StageContext['loaded'], track: 'code' | 'math'): void {
  const { config, file, directory } = loaded;
  const paths = track === 'code' ? (config.code?.seeds ?? []).map((entry) => entry.path) : (config.math?.seeds ?? []);
  for (const [index, relative] of paths.entries()) {
    const path = resolve(directory, relative);
    const key = track === 'code' ? `code.seeds.${index}.path` : `math.seeds.${index}`;
    if (!existsSync(path)) {
      throw Object.assign(new InputUnreadableError(shown(path), new Error(`the seed file named by ${key} in ${shown(file)} does not exist`)), { hint: `Fix ${key} in ${shown(file)}, or create the file (seeds/README.md describes the format).` });
    }
  }
}

/** Checks every seed file before any call: a missing file names the config key; a bad line its file, line and field. */
async function loadSeeds(context: StageContext): Promise<{ files: { path: string; mode: string; count: number }[]; total: number }> {
  const { config, directory } = context.loaded;
  const entries = context.track === 'code' ? config.code!.seeds.map((entry) => ({ path: entry.path, mode: entry.mode as string })) : config.math!.seeds.map((path) => ({ path, mode: 'math' }));
  const files: { path: string; mode: string; count: number }[] = [];
  checkSeedFilesExist(context.loaded, context.track);
  for (const [index, entry] of entries.entries()) {
    const path = resolve(directory, entry.path);
    const key = context.track === 'code' ? `code.seeds.${index}.path` : `math.seeds.${index}`;
    let count = 0;
    for await (const line of readJsonlLines(path)) {
      const parsed = (context.track === 'code' ? CodeSeed : MathSeed).safeParse(line.value);
      if (!parsed.success) throw new InvalidRecordError(shown(path), line.lineNumber, parsed.error);
      const mode = (parsed.data as { mode?: string }).mode;
      if (context.track === 'code' && mode !== undefined && mode !== entry.mode) throw new InvalidRecordError(shown(path), line.lineNumber, `field "mode": "${mode}", but ${key} reads this file as mode "${entry.mode}"`);
      count += 1;
    }
    files.push({ path, mode: entry.mode, count });
  }
  return { files, total: files.reduce((sum, entry) => sum + entry.count, 0) };
}

async function* seedItems(context: StageContext, files: { path: string; mode: string }[]): AsyncGenerator<SeedItem & { prompt?: string; answer?: string | number; synthesize?: boolean }> {
  for (const entry of files) {
    for await (const { value } of readJsonlLines(entry.path)) {
      if (context.track === 'code') {
        const seed = CodeSeed.parse(value);
        yield { id: seed.id, mode: entry.mode, text: seed.seed };
      } else {
        const seed = MathSeed.parse(value);
        yield { id: seed.id, mode: 'math', text: seed.prompt, prompt: seed.prompt, answer: seed.answer, synthesize: seed.synthesize !== false };
      }
    }
  }
}

async function* sliced<T>(items: AsyncIterable<T>, from: number, to: number): AsyncGenerator<T> {
  let index = 0;
  for await (const item of items) {
    if (index >= to) return;
    if (index >= from) yield item;
    index += 1;
  }
}

/** The stage-1 prompt of a seed: the question prompt of its mode (code) or of math problems. */
export function questionPrompt(mode: string, seed: string): ChatMessage[] {
  const name = (mode === 'math' ? 'math-question' : `question-${mode as CodeMode}`) as PromptName;
  return [{ role: 'user', content: fillPrompt(name, { seed }) }];
}

/** The math-solution prompt: stage 2's trials and stage 1's agreement votes (at other sample indices). */
export function mathSolutionPrompt(question: string): ChatMessage[] {
  return [{ role: 'user', content: fillPrompt('math-solution', { question }) }];
}

/** Agreement votes use sample indices from here, so they are never the same samples as stage 2's trials. */
export const AGREEMENT_FIRST_INDEX = 1000;

/**
 * Stage 1: seeds -> question prompts per mode -> the questions model -> stage1/generations.jsonl (checkpointed per
 * seed), then sanitising and exact/near-duplicate removal into stage1/questions.jsonl with the audit in
 * stage1/questions.all.jsonl. Math: the seed problems pass through with their gold answers; written problems get a gold
 * answer only from a majority of sampled solutions, or are dropped.
 */
export async function runStage1(context: StageContext): Promise<Stage1Summary> {
  const { config } = context.loaded;
  const track = context.track;
  const seeds = await loadSeeds(context);
  const perSeed = track === 'code' ? config.code!.questions_per_seed : config.math!.synthesize_per_seed;
  const directory = stageDir(context, 1, context.shard);
  const runConfig = runConfigFor(context.loaded, config.models.questions);
  const header = { command: `stage1-${track}`, config: hashOf({ models: runConfig.models, seed: config.seed, perSeed, prompts: seeds.files.map((entry) => entry.mode) }) };
  const checkpoint = await openStageCheckpoint(directory, ['generations.jsonl', 'failures.jsonl'], header);
  const [from, to] = context.shard === undefined ? [0, seeds.total] : shardRange(context.shard, seeds.total);
  const progress = stageProgress(context, `stage 1 ${track}`, perSeed === 0 ? 0 : to - from);
  const session = openLlmSession(runConfig, checkpoint, progress, context.env);
  let generated = 0;
  let failedSamples = 0;
  let run: Awaited<ReturnType<typeof runRecords>>;
  try {
    run = await runRecords({
      records: perSeed === 0 ? (async function* () {})() : sliced(seedItems(context, seeds.files), from, to),
      checkpoint,
      concurrency: config.concurrency,
      progress,
      ...(context.signal ? { signal: context.signal } : {}),
      process: async (seed, signal) => {
        // A math seed marked `"synthesize": false` is used as it is, and no problem is written from it.
        if (seed.synthesize === false) return ['', ''];
        const { samples, failed } = await session.sampler.sample(seed.id, questionPrompt(seed.mode, seed.text), perSeed, signal);
        generated += samples.length;
        failedSamples += failed.length;
        const lines = samples.map(
          (sample) =>
            `${JSON.stringify({
              id: `${seed.id}/${sample.index}`,
              seed_id: seed.id,
              mode: seed.mode,
              sample_index: sample.index,
              reply: sample.response.content,
              model: sample.model,
              finish_reason: sample.response.finishReason,
              tokens_in: sample.response.usage.promptTokens,
              tokens_out: sample.response.usage.completionTokens,
              cost_usd: sample.costUsd,
            } satisfies Generation & Record<string, unknown>)}\n`,
        );
        const failures = failed.map((failure) => `${JSON.stringify({ seed_id: seed.id, sample_index: failure.index, failures: failure.failures })}\n`);
        return [lines.join(''), failures.join('')];
      },
    });
  } finally {
    await checkpoint.close();
    session.close();
    progress.done();
  }
  const summary = { track, seeds: to - from, resumed: run.resumed, generated, failedSamples, spentUsd: session.spentUsd() };
  if (context.shard !== undefined) {
    await writeShardMarker(directory, { stage: 1, track, shard: context.shard, records: to - from });
    return summary;
  }
  return { ...summary, ...(await finishStage1(context, directory)) };
}

/** Sanitising, dedup and (math) agreement over the whole stage's replies: after a run, or after merging shards. */
export async function finishStage1(context: StageContext, directory = stageDir(context, 1)): Promise<Pick<Stage1Summary, 'sanitize' | 'agreement' | 'questions'>> {
  const { config } = context.loaded;
  const generations = join(directory, 'generations.jsonl');
  if (context.track === 'code') {
    const sanitize = await sanitizeQuestions({
      generations,
      allPath: join(directory, 'questions.all.jsonl'),
      keptPath: join(directory, 'questions.jsonl'),
      threshold: config.code!.near_duplicate_threshold,
      toQuestion: (generation, text) => ({ id: generation.id, prompt: text, mode: generation.mode, seed_id: generation.seed_id, meta: { model: generation.model } }),
    });
    return { sanitize, questions: sanitize.kept };
  }
  // Math: seeds are questions with their own gold answers, and the texts written ones must not duplicate.
  const seeds = await loadSeeds(context);
  const seedQuestions: Question[] = [];
  for await (const item of seedItems(context, seeds.files)) {
    seedQuestions.push({ id: item.id, prompt: item.prompt!, answer: item.answer!, answer_source: 'seed', mode: 'seed', seed_id: item.id, meta: {} });
  }
  const candidates = join(directory, 'candidates.jsonl');
  const sanitize = await sanitizeQuestions({
    generations,
    allPath: join(directory, 'questions.all.jsonl'),
    keptPath: candidates,
    threshold: 0.7,
    known: seedQuestions.map((question) => ({ id: question.id, text: question.prompt })),
    toQuestion: (generation, text) => ({ id: generation.id, prompt: text, mode: 'written', seed_id: generation.seed_id, meta: { model: generation.model } }),
  });
  const agreement = await agreeOnAnswers(context, directory, candidates);
  const questions = join(directory, 'questions.jsonl');
  async function* all(): AsyncGenerator<Question> {
    yield* seedQuestions;
    for await (const { value } of readJsonlLines(join(directory, 'agreement', 'agreement.jsonl'))) {
      const vote = value as { question: Question; kept: boolean; answer: string | null; share: number; votes: number };
      if (vote.kept) yield { ...vote.question, answer: vote.answer!, answer_source: 'majority', meta: { ...vote.question.meta, agreement: { share: vote.share, votes: vote.votes } } };
    }
  }
  const count = await writeJsonlAtomic(questions, all());
  return { sanitize, agreement, questions: count };
}

/**
 * Gives each written math problem a gold answer by agreement: k solutions from the solutions model, each final answer
 * compared with every other by the math verifier; the answer most solutions agree with becomes the gold answer when
 * its share reaches the threshold, else the problem is dropped. Checkpointed per problem (agreement.jsonl).
 */
async function agreeOnAnswers(context: StageContext, directory: string, candidates: string): Promise<{ candidates: number; kept: number; noMajority: number }> {
  const { config } = context.loaded;
  const { samples: k, threshold } = config.math!.agreement;
  const total = await checkStageInput(candidates, Question, 'stage 1');
  const runConfig = runConfigFor(context.loaded, config.models.solutions);
  const checkpoint = await openStageCheckpoint(join(directory, 'agreement'), ['agreement.jsonl'], { command: 'stage1-math-agreement', config: hashOf({ models: runConfig.models, seed: config.seed, k, threshold }) });
  const progress = stageProgress(context, 'stage 1 math agreement', total);
  const session = openLlmSession(runConfig, checkpoint, progress, context.env);
  const pool = createMathPool({ concurrency: 2 });
  try {
    await runRecords({
      records: stageRecords(candidates, Question, total),
      checkpoint,
      concurrency: config.concurrency,
      progress,
      ...(context.signal ? { signal: context.signal } : {}),
      process: async (question, signal) => {
        const { samples } = await session.sampler.sample(question.id, mathSolutionPrompt(question.prompt), k, signal, AGREEMENT_FIRST_INDEX);
        const answers = samples.map((sample) => {
          const found = extractFinalAnswer(sample.response.content);
          return found.status === 'found' ? found.answer : undefined;
        });
        let best: { answer: string; count: number } | undefined;
        for (const candidate of answers) {
          if (candidate === undefined) continue;
          let count = 0;
          for (const sample of samples) if ((await pool.check(sample.response.content, candidate)).status === 'pass') count += 1;
          if (best === undefined || count > best.count) best = { answer: candidate, count };
        }
        const share = best === undefined ? 0 : Math.round((best.count / k) * 1000) / 1000;
        const keep = best !== undefined && best.count / k >= threshold;
        return [`${JSON.stringify({ id: question.id, question, kept: keep, answer: keep ? best!.answer : null, share, votes: k, answers: answers.map((answer) => answer ?? null) })}\n`];
      },
    });
  } finally {
    await checkpoint.close();
    session.close();
    await pool.close();
    progress.done();
  }
  let kept = 0;
  for await (const { value } of readJsonlLines(join(directory, 'agreement', 'agreement.jsonl'))) if ((value as { kept: boolean }).kept) kept += 1;
  return { candidates: total, kept, noMajority: total - kept };
}
