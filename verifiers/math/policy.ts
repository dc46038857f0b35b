import { z } from 'zod';

/** The documented convention choices of the math verifier; each is a `--<flag>` of `veridata verify math`. */
export const MathPolicy = z
  .object({
    percentOptional: z.boolean().default(true).describe('a percent sign is optional when the gold is a percentage, and 25% equals 0.25'),
    inequalityMatchesInterval: z.boolean().default(true).describe('a solved inequality matches an interval gold and the reverse'),
    singletonSetMatchesElement: z.boolean().default(true).describe('a one-element set matches its element'),
    numberWords: z.boolean().default(true).describe('number words ("twelve") are read as numbers'),
    jIsImaginary: z.boolean().default(true).describe('j is the imaginary unit when no i appears'),
    unsimplifiedFractions: z.boolean().default(true).describe('unsimplified fractions (4/8) equal their value'),
    removableSingularities: z.boolean().default(true).describe('(x^2-1)/(x-1) equals x+1'),
    relativeTolerance: z.number().min(0).max(0.01).default(1e-6).describe('relative tolerance, used only when one side is a finite decimal literal'),
  })
  .strict();
export type MathPolicy = z.infer<typeof MathPolicy>;

export const defaultMathPolicy: MathPolicy = MathPolicy.parse({});
