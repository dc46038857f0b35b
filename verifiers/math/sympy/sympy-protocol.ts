import { z } from 'zod';

/**
 * The JSON-lines protocol between the TypeScript client and sympy-worker.py. These schemas are the types; every line
 * the Python process writes is checked against them, since a line that does not fit means the worker is broken.
 */

/** One comparison: two SymPy-syntax expressions written by serializeSympy. `kind` is `compare` (test hooks add more). */
export const SympyRequest = z.object({
  id: z.number().int().nonnegative(),
  kind: z.string().min(1),
  gold: z.string(),
  answer: z.string(),
  /** Relative tolerance, used only when a side holds a decimal literal (a SymPy Float). */
  tolerance: z.number().min(0).optional(),
  /** Test hooks only: how long `test-sleep` sleeps. */
  seconds: z.number().optional(),
});
export type SympyRequest = z.infer<typeof SympyRequest>;

/** The answer to one request: `equal` is null when SymPy could not decide (it raised, or equals() returned None). */
export const SympyReply = z.object({
  id: z.union([z.number(), z.string(), z.null()]),
  equal: z.boolean().nullable(),
  detail: z.string(),
});
export type SympyReply = z.infer<typeof SympyReply>;

/** The first line the worker writes: ready with its versions, or why it cannot start (sympy missing). */
export const SympyReady = z.discriminatedUnion('ready', [
  z.object({ ready: z.literal(true), sympy: z.string(), python: z.string() }),
  z.object({ ready: z.literal(false), error: z.string() }),
]);
export type SympyReady = z.infer<typeof SympyReady>;
