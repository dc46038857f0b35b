import { z } from 'zod';

/** Metadata travels with every record; commands add keys to it and never drop the user's. */
export const Meta = z.record(z.string(), z.unknown());
export type Meta = z.infer<typeof Meta>;

/** A gold answer: text as written (`"3/4"`, `"x = 2"`) or a plain number. */
export const GoldAnswer = z.union([z.string(), z.number()]);

/** A task to solve: a prompt, optionally with a gold answer (math) or unit tests (code). Unknown fields pass through. */
export const Problem = z.looseObject({
  id: z.string().min(1),
  prompt: z.string().min(1),
  answer: GoldAnswer.optional(),
  tests: z.string().optional(),
  meta: Meta.default({}),
});
export type Problem = z.infer<typeof Problem>;
