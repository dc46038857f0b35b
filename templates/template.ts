import type { z } from 'zod';
import { VeridataError } from '../src/core/errors.js';
import type { Rng } from './rng.js';

/** How a wrong answer was made; recorded in `meta.negative` as `wrong:<kind>`. */
export type MistakeKind =
  | 'off-by-one'
  | 'sign-flip'
  | 'wrong-operation'
  | 'swapped-digits'
  | 'dropped-carry'
  | 'inverted-fraction'
  | 'skipped-step'
  | 'wrong-base'
  | 'unreduced'
  | 'wrong-conversion'
  | 'ignored-precedence'
  | 'ignored-parentheses';

/** One plausible wrong answer, written in the same words as the right solution. */
export interface Mistake {
  readonly kind: MistakeKind;
  /** The wrong final answer in the family's canonical answer format. */
  readonly answer: string;
  /** The wrong worked solution; defaults to the right solution's words with the wrong final answer. */
  readonly solution?: string;
}

/** One generated question with its verified answer. Pure data plus renderers: no I/O, no clock. */
export interface MathItem {
  /** The question as shown to a model, e.g. `79-7=?`. Distinct question indices give distinct questions. */
  readonly question: string;
  /** The gold answer in the family's canonical format: `72`, `-3/4`, `12.5`; parseable by `Rational.parse` where numeric. */
  readonly answer: string;
  /** Difficulty on the family's own scale, 1 = easiest. */
  readonly difficulty: number;
  /** The fact the item was derived from, e.g. `79-7=72`. */
  readonly fact: string;
  /**
   * The item's math content in canonical form, the same for questions that differ only in names, nouns, wording,
   * variable letters, sides or the order of + and × operands, and for the find-x forms of one fact (`x+5=12` and
   * `7+5=?` both teach 7+5=12). Held-out reservation hashes it, so a test question is never a rewording of training.
   */
  readonly factKey: string;
  /** The worked solution ending in the final answer, with `answer` put in place of the gold answer. */
  solution(answer: string): string;
  /** Wrong answers a realistic solver makes; the generator picks one that differs from the gold answer. */
  mistakes(rng: Rng): Mistake[];
  /** Family-specific metadata (operator, form, scenario id, ...), copied into each record's `meta`. */
  readonly meta?: Readonly<Record<string, unknown>>;
}

/**
 * The distinct questions a family can make under one configuration, indexed 0..size-1. `item(k, variant)` is pure, and
 * different indices give different question strings whatever the variants, so walking a permutation of the indices
 * never repeats a question.
 */
export interface QuestionSpace {
  readonly size: number;
  /**
   * True when the variant passed to `item` changes the surface (names, nouns, wording, variable letters) but never the
   * math: then an index stands for one problem told many ways, and lines depend on more than the index.
   */
  readonly surfaceVariants?: boolean;
  /**
   * Consecutive blocks of the space (sizes sum to `size`) with the share of draws each gets. A --unique walk
   * interleaves blocks by weight, so a unique set has the family's mix rather than one dominated by its largest block.
   * Without strata the space is one block.
   */
  readonly strata?: readonly Stratum[];
  /** A question index drawn with the family's natural distribution (uniform unless the family says otherwise). */
  draw(rng: Rng): number;
  /** Question `index` told in surface variant `variant` (any integer in [0, 2^32); spaces without variants ignore it). */
  item(index: number, variant?: number): MathItem;
  /** `item(index, v).factKey` for every v, computed without rendering the question where the family can. */
  factKey(index: number): string;
}

/** A block of a question space and its share of the family's natural distribution. */
export interface Stratum {
  readonly size: number;
  readonly weight: number;
}

/** A family of procedurally generated math questions, registered once in templates/index.ts. */
export interface Template<Config = unknown> {
  readonly name: string;
  readonly description: string;
  /** Options with defaults; each field's `.describe()` text becomes its `--flag` help. */
  readonly config: z.ZodType<Config>;
  /** The question space for a validated configuration; throws EmptySpaceError when the options admit no question. */
  space(config: Config): QuestionSpace;
  /** What one distinct question of the space is, as unique counts and --unique mean it, e.g. `question text`. */
  readonly distinctQuestion: string;
  /**
   * The JSON type of gold answers in test files, one per family so columnar readers (Arrow, HF datasets) see one
   * type: `number` for families whose answers are always integers (the notebook's test format), `text` otherwise.
   */
  readonly testAnswers: TestAnswers;
}

/** How a family's test files hold gold answers. */
export type TestAnswers = 'number' | 'text';

/**
 * The canonical key of an additive fact p + q = s, given two of its addends: one key for the whole fact family
 * (p + q, q + p, s - p, s - q and their find-x forms).
 */
export function additiveFactKey(p: string | number, q: string | number): string {
  const [low, high] = orderedPair(p, q);
  return `${low}+${high}`;
}

/** The canonical key of a multiplicative fact p × q = s, given its two factors (p × q, q × p, s ÷ p, s ÷ q). */
export function multiplicativeFactKey(p: string | number, q: string | number): string {
  const [low, high] = orderedPair(p, q);
  return `${low}*${high}`;
}

function orderedPair(p: string | number, q: string | number): [string, string] {
  const [x, y] = [String(p), String(q)];
  return x <= y ? [x, y] : [y, x];
}

/** The family's options admit no question at all (for example min > max, or a result range nothing fits in). */
export class EmptySpaceError extends VeridataError {
  constructor(family: string, why: string) {
    super('EMPTY_SPACE', `${family}: these options admit no question: ${why}`, {
      hint: `Widen the ranges; \`veridata gen ${family} --help\` lists the options and their defaults.`,
    });
  }
}

/**
 * Throws EmptySpaceError naming both flags when an option `min<Stem>` exceeds `max<Stem>`, for each stem in order
 * (`['operand']` checks minOperand <= maxOperand and reports `--min-operand 5 is greater than --max-operand 3`).
 */
export function requireOrderedRanges(family: string, config: object, stems: readonly string[]): void {
  const values = config as Record<string, unknown>;
  for (const stem of stems) {
    const capitalised = `${stem.charAt(0).toUpperCase()}${stem.slice(1)}`;
    const [low, high] = [values[`min${capitalised}`], values[`max${capitalised}`]];
    if (typeof low === 'number' && typeof high === 'number' && low > high) {
      const flag = stem.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
      throw new EmptySpaceError(family, `--min-${flag} ${low} is greater than --max-${flag} ${high}`);
    }
  }
}

/** Uniform draw over a space: the default for families without a natural skew. */
export function uniformDraw(size: number): (rng: Rng) => number {
  return (rng) => rng.below(size);
}

/**
 * Mixed-radix decoding: index k of a product space with the given radices, least significant first. Families use it
 * to turn one question index into independent choices (operands, wording, names) without rejection loops.
 */
export function decodeMixedRadix(index: number, radices: readonly number[]): number[] {
  const digits: number[] = [];
  let rest = index;
  for (const radix of radices) {
    digits.push(rest % radix);
    rest = Math.floor(rest / radix);
  }
  return digits;
}

/** Options whose question space is too large to index exactly. */
export class SpaceTooLargeError extends VeridataError {
  constructor(size: number) {
    super('SPACE_TOO_LARGE', `these options make a question space of about ${size.toExponential(2)} questions, more than 2^52`, {
      hint: 'Narrow the ranges (see `veridata gen <family> --help`); 2^52 questions is far more than any data set needs.',
    });
  }
}

/**
 * The block holding `index` in a space cut into consecutive blocks: the largest i with starts[i] <= index
 * (starts ascending, starts[0] = 0). Binary search, so spaces may have thousands of blocks.
 */
export function locateBlock(starts: ArrayLike<number>, index: number): number {
  let low = 0;
  let high = starts.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if ((starts[middle] as number) <= index) low = middle;
    else high = middle - 1;
  }
  return low;
}

/** The size of a product space, refusing sizes a permutation cannot walk exactly. */
export function productSize(radices: readonly number[]): number {
  let size = 1;
  for (const radix of radices) size *= radix;
  if (!Number.isSafeInteger(size) || size > 2 ** 52) throw new SpaceTooLargeError(size);
  return size;
}
