import { InvalidOptionError } from '../src/core/errors.js';
import { Rational } from './rational.js';
import type { Rng } from './rng.js';
import type { MathItem, Mistake } from './template.js';

/** The notebook's only negative, kept verbatim for compatibility. */
export const REFUSAL = "Sorry, I don't know.";

export type NegativeKind = 'refusal' | 'wrong';

/** A weighted mix of negative kinds, parsed from `refusal,wrong:3`. */
export interface NegativeMix {
  readonly kinds: readonly NegativeKind[];
  readonly weights: readonly number[];
}

/** Parses `--negatives`: a comma list of kinds, each optionally `:weight` (default weight 1). */
export function parseNegativeMix(text: string): NegativeMix {
  const kinds: NegativeKind[] = [];
  const weights: number[] = [];
  for (const part of text.split(',').map((piece) => piece.trim()).filter(Boolean)) {
    const [name, weightText] = part.split(':');
    if (name !== 'refusal' && name !== 'wrong') {
      throw new InvalidOptionError('--negatives', `unknown negative kind "${name}" (available: refusal, wrong)`);
    }
    const weight = weightText === undefined ? 1 : Number(weightText);
    if (!(weight > 0) || !Number.isFinite(weight)) {
      throw new InvalidOptionError('--negatives', `weight of "${name}" must be a positive number, got "${weightText}"`);
    }
    if (kinds.includes(name)) throw new InvalidOptionError('--negatives', `"${name}" is listed twice`);
    kinds.push(name);
    weights.push(weight);
  }
  if (kinds.length === 0) throw new InvalidOptionError('--negatives', 'name at least one kind: refusal, wrong');
  return { kinds, weights };
}

/** A chosen negative: its text (without the question) and the label recorded in `meta.negative`. */
export interface Negative {
  readonly label: string;
  readonly text: string;
  readonly answer?: string;
}

function sameValue(left: string, right: string): boolean {
  if (left.trim() === right.trim()) return true;
  try {
    return Rational.parse(left).equals(Rational.parse(right));
  } catch {
    return false;
  }
}

/** The last-resort wrong answer, gold + 1 in the gold's own format (a percent stays a percent). */
export function offByOne(answer: string): Mistake {
  const value = Rational.parse(answer).add(Rational.one);
  const text = value.isTerminating() && /\./.test(answer) ? value.toDecimal() : value.toString();
  return { kind: 'off-by-one', answer: answer.trim().endsWith('%') ? `${text}%` : text };
}

const REFUSAL_NEGATIVE: Negative = { label: 'refusal', text: REFUSAL };

/**
 * Picks a negative for an item. A `wrong` negative is one of the item's own mistakes whose answer differs in value
 * from the gold answer; when a family offers none, an off-by-one of the gold answer is used, which always differs.
 */
export function chooseNegative(item: MathItem, mix: NegativeMix, rngOf: () => Rng): Negative {
  // A refusal-only mix needs no randomness; not seeding a generator per item keeps the notebook format fast.
  if (mix.kinds.length === 1 && mix.kinds[0] === 'refusal') return REFUSAL_NEGATIVE;
  const rng = rngOf();
  const kind = mix.kinds.length === 1 ? mix.kinds[0] : mix.kinds[rng.weighted(mix.weights)];
  if (kind === 'refusal') return REFUSAL_NEGATIVE;
  const mistakes = item.mistakes(rng).filter((mistake) => !sameValue(mistake.answer, item.answer));
  const mistake: Mistake = mistakes.length > 0 ? rng.pick(mistakes) : offByOne(item.answer);
  return {
    label: `wrong:${mistake.kind}`,
    text: mistake.solution ?? item.solution(mistake.answer),
    answer: mistake.answer,
  };
}
