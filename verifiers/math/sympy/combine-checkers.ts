import { z } from 'zod';
import type { Verdict } from '../../../src/core/schemas/verdict.js';
import type { SympyRecord } from './check-with-sympy.js';

/** Which checker decides `veridata verify math` verdicts: veridata's own, SymPy's, or veridata's with SymPy's recorded beside it. */
export const MathChecker = z.enum(['builtin', 'sympy', 'both']);
export type MathChecker = z.infer<typeof MathChecker>;

/** One case where the two checkers reached different statuses; a line of the disagreements file. */
export interface CheckerDisagreement {
  /** 1-based position of the record in the output (equal to its position among the input's records). */
  readonly record: number;
  /** Line of the input file. */
  readonly line: number;
  /** The record's `id` or `trace_id`, when it has one. */
  readonly id?: string | number;
  readonly gold: string | number;
  readonly extracted?: string;
  readonly builtin: { readonly status: Verdict['status']; readonly reason: string };
  readonly sympy: SympyRecord;
}

/**
 * The verdict written for a case checked by both checkers, and whether they disagree (different statuses). `both`
 * keeps the built-in verdict and records SymPy's in `details.sympy`; `sympy` takes SymPy's verdict and records the
 * built-in status and reason in `details.builtin`.
 */
export function combineCheckers(checker: Exclude<MathChecker, 'builtin'>, builtin: Verdict, sympy: { verdict: Verdict; record: SympyRecord }): { verdict: Verdict; disagree: boolean } {
  const disagree = builtin.status !== sympy.verdict.status;
  if (checker === 'sympy') {
    return { verdict: { ...sympy.verdict, details: { ...sympy.verdict.details, builtin: { status: builtin.status, reason: builtin.reason } } }, disagree };
  }
  return { verdict: { ...builtin, details: { ...builtin.details, sympy: sympy.record } }, disagree };
}

/** `pass/fail`-style key of a disagreement: built-in status first, SymPy's second. */
export function disagreementPair(builtin: Verdict['status'], sympy: Verdict['status']): string {
  return `${builtin}/${sympy}`;
}
