import { z } from 'zod';

/** Stable reason codes; verifiers may add their own, but these keep one meaning everywhere. */
export const VerdictReason = z.string().min(1);

/** Outcome of one verification. `error` means "could not decide"; it never counts as a pass. */
export const Verdict = z.looseObject({
  status: z.enum(['pass', 'fail', 'error']), // fail: the response is wrong; error: the verifier could not decide
  score: z.number().min(0).max(1),
  reason: VerdictReason, // not-equivalent, no-answer, timeout, tests-failed, syntax-error, tampering, guard, infrastructure, ...
  verifier: z.string().min(1),
  details: z.record(z.string(), z.unknown()), // what was compared with what, shown to users
});
export type Verdict = z.infer<typeof Verdict>;
