import { z } from 'zod';

/** Cheap signals about one response, for filtering a dataset without re-reading every text. */
export const QualityFlags = z.strictObject({
  /** The provider stopped it at max_tokens (finish_reason "length"): the answer may be cut off. */
  truncated: z.boolean(),
  /** A marked final answer: `\boxed{}`, `<answer>`, `#### `, "Final answer:", "The answer is". */
  has_answer_tags: z.boolean(),
  /** Reasoning apart from the answer, or visible steps in it ("Step 1", numbered steps, "therefore"). */
  has_reasoning: z.boolean(),
  /** "Wait", "Actually", "let me re-check", ...: the model revised itself. */
  self_correction: z.boolean(),
  /** Characters of reasoning: the separate reasoning text, else 0. */
  reasoning_length: z.number().int().min(0),
});
export type QualityFlags = z.infer<typeof QualityFlags>;

const ANSWER_TAG = /\\boxed\s*\{|<answer>|^\s*####\s|\bfinal answer\b|\bthe answer is\b/im;
const STEPS = /\bstep\s*\d+\b|^\s*\d+[.)]\s+\S|\b(therefore|thus|hence|so we get|it follows that)\b|^\s*first(ly)?,/im;
const SELF_CORRECTION = /\b(wait|actually|hmm+|on second thought|let me (re-?check|reconsider|double[- ]check|correct)|i made (a|an) (mistake|error)|that('s| is) (wrong|not right|incorrect))\b/i;

/** The flags of a response text with its reasoning (null when the provider gave none). */
export function qualityFlags(content: string, reasoning: string | null, truncated: boolean): QualityFlags {
  const thinking = reasoning ?? '';
  return {
    truncated,
    has_answer_tags: ANSWER_TAG.test(content),
    has_reasoning: thinking.trim() !== '' || STEPS.test(content),
    self_correction: SELF_CORRECTION.test(thinking) || SELF_CORRECTION.test(content),
    reasoning_length: thinking.length,
  };
}
