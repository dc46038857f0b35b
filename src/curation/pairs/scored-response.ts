import { z } from 'zod';
import { Verdict } from '../../core/schemas/verdict.js';

/**
 * How a response stands for pairing. `pass` and `fail` come from a verifier and decide; `unverified` means the
 * verifier said `error` (could not decide) or none applied, so only a judge score can place it.
 */
export const Standing = z.enum(['pass', 'fail', 'unverified']);
export type Standing = z.infer<typeof Standing>;

/** One response reduced to what pairing needs; built from a response record or an exported solver-log line. */
export const ScoredResponse = z.object({
  /** Order of the response within its input file (its line number), the tiebreak that keeps output deterministic. */
  order: z.number().int(),
  id: z.string(),
  text: z.string(),
  standing: Standing,
  /** The verifier's score (0..1; partial credit such as the share of tests passed), undefined when unverified. */
  verifierScore: z.number().min(0).max(1).optional(),
  /** A judge's score (0..1) when the record carries one. */
  judgeScore: z.number().min(0).max(1).optional(),
  reason: z.string().optional(),
  verifier: z.string().optional(),
  model: z.string().optional(),
  traceId: z.union([z.string(), z.number()]).optional(),
});
export type ScoredResponse = z.infer<typeof ScoredResponse>;

/** Verdict reasons of a wrong answer given in the right shape: the hard negatives DPO learns most from. */
const NEAR_MISS_REASONS = new Set(['not-equivalent', 'tests-failed', 'wrong-answer', 'assertion-failed']);

/**
 * How hard a failing response is as a negative, higher is harder: a near miss (right format, wrong answer; most tests
 * passed) over a trivial one (no answer, syntax error, timeout, refusal).
 */
export function negativeHardness(response: ScoredResponse): number {
  const nearMiss = response.reason !== undefined && NEAR_MISS_REASONS.has(response.reason) ? 1 : 0;
  return nearMiss * 2 + (response.verifierScore ?? 0);
}

/** The parts of a record that scoring reads, with where they were found for error messages. */
export interface ScoringFields {
  readonly verdict: unknown;
  /** Solver-log shape: `verifier: {name, passed}`. */
  readonly verifierField: unknown;
  readonly judge: unknown;
}

/** Why a record cannot be scored: the field and what is wrong with it. */
export class ScoringError extends Error {
  readonly field: string;
  constructor(field: string, message: string) {
    super(message);
    this.field = field;
  }
}

const SolverLogVerifier = z.looseObject({ name: z.string().min(1), passed: z.boolean() });
const JudgeScore = z.number().min(0).max(1);

/** The judge score of a record: a number in 0..1 or `{score}`; anything else present is an error. */
export function readJudgeScore(value: unknown, field: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  const candidate = typeof value === 'object' && !Array.isArray(value) ? (value as { score?: unknown }).score : value;
  const parsed = JudgeScore.safeParse(candidate);
  if (!parsed.success) throw new ScoringError(field, 'a judge score must be a number from 0 to 1 (or an object with one as "score")');
  return parsed.data;
}

/** Standing, verifier score and reason from a verdict object or a solver-log `verifier: {name, passed}`. */
export function readVerification(fields: ScoringFields): Pick<ScoredResponse, 'standing' | 'verifierScore' | 'reason' | 'verifier'> {
  if (fields.verdict !== undefined && fields.verdict !== null) {
    const verdict = Verdict.safeParse(fields.verdict);
    if (!verdict.success) {
      const issue = verdict.error.issues[0];
      throw new ScoringError(`verdict${issue?.path.length ? `.${issue.path.join('.')}` : ''}`, issue?.message ?? 'not a verdict');
    }
    const { status, score, reason, verifier } = verdict.data;
    if (status === 'error') return { standing: 'unverified', reason, verifier };
    // The status decides and the score only grades within it, so a pass scored 0.4 still ranks above a fail scored 0.9.
    return { standing: status, verifierScore: score, reason, verifier };
  }
  if (fields.verifierField !== undefined && fields.verifierField !== null) {
    const log = SolverLogVerifier.safeParse(fields.verifierField);
    if (!log.success) throw new ScoringError('verifier', 'expected {"name": string, "passed": boolean}');
    return log.data.passed
      ? { standing: 'pass', verifierScore: 1, reason: 'passed', verifier: log.data.name }
      : { standing: 'fail', verifierScore: 0, reason: 'failed', verifier: log.data.name };
  }
  return { standing: 'unverified' };
}
