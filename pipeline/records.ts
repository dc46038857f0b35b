import { z } from 'zod';
import { GoldAnswer, Meta } from '../src/core/schemas/problem.js';
import { Verdict } from '../src/core/schemas/verdict.js';
import { CodeMode } from './config.js';

/** A coding seed (seeds/code/<mode>.jsonl). */
export const CodeSeed = z.looseObject({
  id: z.string().min(1),
  mode: CodeMode.optional(),
  seed: z.string().min(1),
  source: z.string().optional(),
  license: z.string().optional(),
});

/** A math seed problem with its gold answer (seeds/math/*.jsonl). */
export const MathSeed = z.looseObject({
  id: z.string().min(1),
  prompt: z.string().min(1),
  answer: GoldAnswer,
  source: z.string().optional(),
  /** false: no new problem is written from this seed in stage 1 (it is still a stage-2 problem itself). */
  synthesize: z.boolean().optional(),
});

/** Where a gold answer came from: the seed file, or the majority of sampled solutions. */
export const AnswerSource = z.enum(['seed', 'majority']);

/** One stage-1 reply, before sanitising (stage1/generations.jsonl). */
export const Generation = z.looseObject({
  id: z.string().min(1),
  seed_id: z.string().min(1),
  mode: z.string().min(1),
  sample_index: z.number().int().min(0),
  reply: z.string(),
  model: z.string(),
  finish_reason: z.string(),
});
export type Generation = z.infer<typeof Generation>;

/** A stage-1 question (stage1/questions.jsonl): the input of stage 2. */
export const Question = z.looseObject({
  id: z.string().min(1),
  prompt: z.string().min(1),
  mode: z.string().min(1),
  seed_id: z.string().min(1),
  /** Math only: the gold answer and where it came from. */
  answer: GoldAnswer.optional(),
  answer_source: AnswerSource.optional(),
  meta: Meta.default({}),
});
export type Question = z.infer<typeof Question>;

/** One trial of stage 2: an attempt at solving a question (code: with its own tests). */
export const Trial = z.looseObject({
  question_id: z.string().min(1),
  trial: z.number().int().min(0),
  model: z.string(),
  solution: z.string().nullable(),
  tests: z.string().nullable(),
  verdict: Verdict,
  /** Own tests passed and no trusted test of another trial refuted the solution. */
  passed: z.boolean(),
});
export type Trial = z.infer<typeof Trial>;

/** A verified triplet (stage2/triplets.jsonl): the input of stage 3. */
export const Triplet = z.looseObject({
  id: z.string().min(1),
  prompt: z.string().min(1),
  mode: z.string(),
  solution: z.string(),
  /** Code: the chosen trial's tests. */
  tests: z.string().optional(),
  /** Math: the gold answer. */
  answer: GoldAnswer.optional(),
  answer_source: AnswerSource.optional(),
  pass_sequence: z.array(z.union([z.literal(0), z.literal(1)])).min(1),
  pass_trial_num: z.number().int().min(1),
  pass_percentage: z.number().min(0).max(1),
  difficulty: z.enum(['easy', 'medium', 'hard']),
  chosen_trial: z.number().int().min(0),
  meta: Meta.default({}),
});
export type Triplet = z.infer<typeof Triplet>;

/** easy: at least 2/3 of the trials pass; hard: under 1/3; else medium (fractions compared exactly). */
export function difficultyOf(passes: number, trials: number): 'easy' | 'medium' | 'hard' {
  if (passes * 3 >= trials * 2) return 'easy';
  if (passes * 3 < trials) return 'hard';
  return 'medium';
}

/** The unbiased pass@k estimate of one question with `c` passes out of `n` trials: 1 - C(n-c, k) / C(n, k). */
export function passAtK(n: number, c: number, k: number): number {
  if (n - c < k) return 1;
  let miss = 1;
  for (let index = n - c + 1; index <= n; index += 1) miss *= 1 - k / index;
  return 1 - miss;
}
