import { z } from 'zod';
import { contentId } from '../hash.js';
import { Meta } from './problem.js';

/** A preference pair; `id` is derived from the texts, so the same pair always has the same id. */
export const Pair = z.looseObject({
  id: z.string().min(1),
  prompt: z.string(),
  chosen: z.string(),
  rejected: z.string(),
  chosen_score: z.number(),
  rejected_score: z.number(),
  margin: z.number(),
  meta: Meta.default({}),
});
export type Pair = z.infer<typeof Pair>;

/** The deterministic id of a pair: a hash of prompt, chosen and rejected. */
export function pairId(prompt: string, chosen: string, rejected: string): string {
  return contentId('pair', prompt, chosen, rejected);
}

/**
 * A pair as found in the wild (a DPO file from elsewhere): scores and margin may be missing. Commands that only move
 * pairs between formats read this; commands that need the scores (`gates`, `reward` exports) read `Pair` or say which
 * field is missing.
 */
export const LoosePair = Pair.extend({
  chosen_score: z.number().optional(),
  rejected_score: z.number().optional(),
  margin: z.number().optional(),
});
export type LoosePair = z.infer<typeof LoosePair>;
