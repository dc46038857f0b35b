import { z } from 'zod';
import { Meta } from './problem.js';
import { Verdict } from './verdict.js';

/** One model response to one problem, with the verdict once a verifier has seen it. */
export const Response = z.looseObject({
  id: z.string().min(1),
  problem_id: z.string().min(1),
  prompt: z.string(),
  response: z.string(),
  model: z.string().optional(),
  verdict: Verdict.optional(),
  meta: Meta.default({}),
});
export type Response = z.infer<typeof Response>;
