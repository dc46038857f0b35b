import type { Verdict } from '../core/schemas/verdict.js';
import type { RoutedSample } from '../llm/sample-problem.js';
import { extractFinalAnswer } from '../../verifiers/math/extract-answer.js';
import type { JudgeScore } from './judge.js';
import type { InputProblem } from './read-problems.js';
import { qualityFlags } from './quality-flags.js';

/** What decided a sample: a verifier, a judge, or nobody (no verifier applies and no judge is configured). */
export type Decision = 'approve' | 'reject' | 'unscored';

/** A generated sample with everything that scored it. */
export interface ScoredSample {
  readonly problem: InputProblem;
  readonly sample: RoutedSample;
  readonly verdict: Verdict | undefined;
  readonly judge: JudgeScore | undefined;
}

/** The score that decides: a verifier's pass/fail where one decided, else the judge's score, else none. */
export function decisiveScore(scored: ScoredSample): { score: number | null; decision: Decision; by: 'verifier' | 'judge' | null } {
  const { verdict, judge } = scored;
  if (verdict !== undefined && verdict.status !== 'error') return { score: verdict.score, decision: verdict.status === 'pass' ? 'approve' : 'reject', by: 'verifier' };
  if (judge?.score !== null && judge?.score !== undefined) return { score: judge.score, decision: 'unscored', by: 'judge' };
  return { score: null, decision: 'unscored', by: null };
}

/** A response's sample id: the problem id and the sample index, so it is stable across reruns and readable. */
export function sampleId(problemId: string, index: number): string {
  return `${problemId}/${index}`;
}

/**
 * One scored sample as an output record: the response contract (`id`, `problem_id`, `prompt`, `response`, `model`,
 * `verdict`, `meta`) plus what generation knows about it, then the problem's own fields, untouched. No wall-clock value
 * and nothing that depends on the cache: a resumed or replayed run writes the same bytes.
 */
export function sampleRecord(scored: ScoredSample, approvalThreshold: number | undefined): Record<string, unknown> {
  const { problem, sample, verdict, judge } = scored;
  const { response } = sample;
  const decided = decisiveScore(scored);
  const decision: Decision = decided.by === 'judge' && approvalThreshold !== undefined ? (decided.score! >= approvalThreshold ? 'approve' : 'reject') : decided.decision;
  const extracted = problem.tests !== undefined ? undefined : typeof verdict?.details.extracted === 'string' ? verdict.details.extracted : extractFinalAnswer(response.content);
  const extractedAnswer = typeof extracted === 'string' ? extracted : extracted?.status === 'found' ? extracted.answer : null;
  const judgeCost = judge?.costUsd ?? 0;
  const record: Record<string, unknown> = {
    id: sampleId(problem.id, sample.index),
    problem_id: problem.id,
    prompt: problem.prompt,
    response: response.content,
    reasoning: response.reasoning,
    extracted_answer: extractedAnswer,
    model: sample.model,
    model_requested: sample.requestedModel,
    sample_index: sample.index,
    finish_reason: response.finishReason,
    tokens_in: response.usage.promptTokens,
    tokens_out: response.usage.completionTokens,
    cost_usd: sample.costUsd === null ? null : roundUsd(sample.costUsd + judgeCost),
    cost_source: sample.costSource,
    verdict: verdict ?? null,
    judge: judge === undefined ? null : { score: judge.score, reasoning: judge.reasoning, model: judge.model, cost_usd: judge.costUsd === null ? null : roundUsd(judge.costUsd), ...(judge.error === undefined ? {} : { error: judge.error }) },
    score: decided.score,
    scored_by: decided.by,
    decision,
    quality_flags: qualityFlags(response.content, response.reasoning, response.finishReason === 'length'),
    ...(sample.reroutes.length === 0 ? {} : { reroutes: sample.reroutes }),
  };
  // The problem's own fields follow; a field of the same name as one generation writes (a stale `score`) yields to it.
  for (const [key, value] of Object.entries(problem.passThrough)) if (!Object.hasOwn(record, key)) record[key] = value;
  record.meta = problem.meta;
  return record;
}

/** Twelve decimals: sums of float prices must not print as 0.30000000000000004 and differ between runs. */
export function roundUsd(usd: number): number {
  return Math.round(usd * 1e12) / 1e12;
}
