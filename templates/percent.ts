import { z } from 'zod';
import { gcd, Rational } from './rational.js';
import type { Rng } from './rng.js';
import {
  EmptySpaceError,
  multiplicativeFactKey,
  productSize,
  type MathItem,
  type Mistake,
  type MistakeKind,
  type QuestionSpace,
  locateBlock,
  type Stratum,
  type Template,
  requireOrderedRanges,
} from './template.js';

const kindIds = ['percent-of', 'percent-change', 'reverse-percent', 'discount'] as const;
type KindId = (typeof kindIds)[number];

/** Options of the percent family. */
export const PercentConfig = z
  .object({
    minPercent: z.number().int().min(1).max(1000).default(1).describe('smallest percent'),
    maxPercent: z
      .number()
      .int()
      .min(1)
      .max(1000)
      .default(100)
      .describe('largest percent (decreases and discounts stop at 99)'),
    percentStep: z.number().int().min(1).max(100).default(1).describe('use only percents that are multiples of this'),
    minBase: z
      .number()
      .int()
      .min(1)
      .max(1_000_000)
      .default(1)
      .describe('smallest whole amount: the number a percent is taken of, the starting value, or the original price'),
    maxBase: z.number().int().min(1).max(1_000_000).default(500).describe('largest whole amount'),
    kinds: z
      .string()
      .default('all')
      .refine((text) => text === 'all' || text.split(',').every((id) => (kindIds as readonly string[]).includes(id.trim())), {
        message: `use "all" or a comma-separated list of ${kindIds.join(', ')}`,
      })
      .describe(`comma-separated question kinds (${kindIds.join(', ')}) or all`),
  })
  .strict();
export type PercentConfig = z.infer<typeof PercentConfig>;

/** One question shape; percent-change splits into increases and decreases. */
type Shape = 'percent-of' | 'percent-increase' | 'percent-decrease' | 'reverse-percent' | 'discount';

const shapesOf: Record<KindId, readonly Shape[]> = {
  'percent-of': ['percent-of'],
  'percent-change': ['percent-increase', 'percent-decrease'],
  'reverse-percent': ['reverse-percent'],
  discount: ['discount'],
};

/**
 * The questions of one shape with percent p: the whole amount runs over multiples of `unit` (1 for percent-of; for the
 * others 100 / gcd(p, 100), the smallest amount whose p% is whole), so every number shown and every answer is exact.
 */
interface Row {
  readonly percent: number;
  readonly unit: number;
  readonly firstMultiple: number;
  readonly start: number;
}

interface Segment {
  readonly shape: Shape;
  readonly start: number;
  readonly size: number;
  readonly rows: Row[];
  readonly rowStarts: number[];
}

class PercentSpace implements QuestionSpace {
  readonly size: number;
  readonly strata: readonly Stratum[];
  private readonly segments: Segment[] = [];
  private readonly segmentStarts: number[] = [];
  /** Per requested kind, the index range its shapes occupy, so that draw() can give each kind an equal share. */
  private readonly kindRanges: { start: number; size: number }[] = [];

  constructor(config: PercentConfig, kinds: readonly KindId[]) {
    let start = 0;
    for (const kind of kinds) {
      const kindStart = start;
      for (const shape of shapesOf[kind]) {
        const rows: Row[] = [];
        let size = 0;
        const lastPercent = shape === 'percent-decrease' || shape === 'discount' ? Math.min(config.maxPercent, 99) : config.maxPercent;
        const firstPercent = Math.ceil(config.minPercent / config.percentStep) * config.percentStep;
        for (let percent = firstPercent; percent <= lastPercent; percent += config.percentStep) {
          const unit = shape === 'percent-of' ? 1 : 100 / gcd(percent, 100);
          const firstMultiple = Math.ceil(config.minBase / unit);
          const count = Math.floor(config.maxBase / unit) - firstMultiple + 1;
          if (count <= 0) continue;
          rows.push({ percent, unit, firstMultiple, start: size });
          size = productSize([size + count]);
        }
        if (size === 0) continue;
        this.segments.push({ shape, start, size, rows, rowStarts: rows.map((row) => row.start) });
        this.segmentStarts.push(start);
        start = productSize([start + size]);
      }
      if (start > kindStart) this.kindRanges.push({ start: kindStart, size: start - kindStart });
    }
    this.size = start;
    this.strata = this.kindRanges.map((range) => ({ size: range.size, weight: 1 }));
  }

  /** Kinds equally often, then uniform inside a kind. */
  draw(rng: Rng): number {
    const range = this.kindRanges[rng.below(this.kindRanges.length)] as { start: number; size: number };
    return range.start + rng.below(range.size);
  }

  item(index: number): MathItem {
    const segment = this.segments[locateBlock(this.segmentStarts, index)] as Segment;
    const offset = index - segment.start;
    const row = segment.rows[locateBlock(segment.rowStarts, offset)] as Row;
    const base = row.unit * (row.firstMultiple + offset - row.start);
    return new PercentItem(segment.shape, row.percent, base);
  }

  factKey(index: number): string {
    return this.item(index).factKey;
  }
}

/**
 * Every shape states one fact "P% of base = part" with P the percent the part is of the base: p for percent-of and
 * reverse-percent, 100 - p after a decrease or discount, 100 + p after an increase. The key is that product with its
 * factors unordered, so "What is 20% of 50?", "10 is 20% of what number?" and "What is 50% of 20?" are held out together.
 */
function percentFactKey(shape: Shape, percent: number, base: number): string {
  const multiplier = shape === 'percent-increase' ? 100 + percent : shape === 'percent-decrease' || shape === 'discount' ? 100 - percent : percent;
  return `%${multiplicativeFactKey(multiplier, base)}`;
}

/** The value itself when its decimal expansion terminates, else rounded to hundredths (only wrong answers need that). */
function terminating(value: Rational): Rational {
  return value.isTerminating() ? value : Rational.of(Math.round((value.num * 100) / value.den), 100);
}

/** Exact decimal text of a terminating value, rounded to hundredths otherwise. */
function decimal(value: Rational): string {
  return terminating(value).toDecimal();
}

/** How a solution computes: the right way, or one of the classic wrong ways. */
type Route =
  | 'right'
  | 'no-hundred' // percent-of: forgot to divide by 100
  | 'divided' // percent-of: divided by the percent instead of multiplying
  | 'new-base' // percent-change: divided the change by the new value
  | 'ratio' // percent-change: new / old as the percent, without taking away 100%
  | 'raw-change' // percent-change: the difference itself as the percent
  | 'percent-of-part' // reverse-percent: took p% of the part
  | 'one-percent' // reverse-percent: stopped at part / p
  | 'added-back' // discount: added p% of the sale price back on
  | 'divided-by-discount'; // discount: divided the sale price by the discount rate

/** One percent question; a class because millions are made per second. */
class PercentItem implements MathItem {
  readonly question: string;
  readonly answer: string;
  readonly difficulty: number;
  /** The shown amount derived from the base: p% of it, the new value, the part, or the sale price. */
  private readonly other: number;
  private readonly value: Rational;

  constructor(
    private readonly shape: Shape,
    private readonly percent: number,
    private readonly base: number,
  ) {
    const share = (percent * base) / 100; // whole for every shape but percent-of, by the choice of base
    switch (shape) {
      case 'percent-of':
        this.other = share;
        this.value = Rational.of(percent * base, 100);
        this.answer = this.value.toDecimal();
        this.question = `What is ${percent}% of ${base}?`;
        this.difficulty = 1 + (this.value.isInteger() ? 0 : 1);
        break;
      case 'percent-increase':
      case 'percent-decrease': {
        const increase = shape === 'percent-increase';
        this.other = increase ? base + share : base - share;
        this.value = Rational.of(percent);
        this.answer = `${percent}%`;
        const word = increase ? 'increase' : 'decrease';
        this.question = `What is the percent ${word} from ${base} to ${this.other}?`;
        this.difficulty = 2;
        break;
      }
      case 'reverse-percent':
        this.other = share;
        this.value = Rational.of(base);
        this.answer = String(base);
        this.question = `${share} is ${percent}% of what number?`;
        this.difficulty = 2;
        break;
      case 'discount':
        this.other = base - share;
        this.value = Rational.of(base);
        this.answer = String(base);
        this.question = `After a ${percent}% discount, an item costs $${this.other}. What was the original price in dollars?`;
        this.difficulty = 3;
        break;
    }
    if (percent > 100) this.difficulty += 1;
  }

  // Built on demand: most output formats never read them.
  get fact(): string {
    const { percent: p, base, other } = this;
    switch (this.shape) {
      case 'percent-of':
        return `${p}% of ${base} = ${this.answer}`;
      case 'percent-increase':
        return `${base} to ${other} is a ${p}% increase`;
      case 'percent-decrease':
        return `${base} to ${other} is a ${p}% decrease`;
      case 'reverse-percent':
        return `${other} is ${p}% of ${base}`;
      case 'discount':
        return `${base} less ${p}% is ${other}`;
    }
  }

  get factKey(): string {
    return percentFactKey(this.shape, this.percent, this.base);
  }

  /** `unit` is "%" for percent-change answers ("25%") and "$" for discount answers (a plain number of dollars). */
  get meta(): Readonly<Record<string, unknown>> {
    const { shape, percent } = this;
    if (shape === 'percent-increase' || shape === 'percent-decrease') return { kind: shape, percent, unit: '%' };
    return shape === 'discount' ? { kind: shape, percent, unit: '$' } : { kind: shape, percent };
  }

  solution(answer: string): string {
    return `${this.steps('right', answer)} The answer is ${answer}.`;
  }

  /** The worked steps of a route, ending in `answer`. */
  solutionBy(route: Route, answer: string): string {
    return `${this.steps(route, answer)} The answer is ${answer}.`;
  }

  private steps(route: Route, answer: string): string {
    const { percent: p, base, other } = this;
    const rate = Rational.of(p, 100).toDecimal();
    switch (route) {
      case 'right':
        break;
      case 'no-hundred':
        return `${p}% of ${base} = ${base} × ${p} = ${answer}.`;
      case 'divided':
        return `${p}% of ${base} = ${base} ÷ ${p} × 100 = ${answer}.`;
      case 'new-base':
        return `The change is ${Math.abs(other - base)}. Divide by the new value: ${Math.abs(other - base)} ÷ ${other}, which as a percent is ${answer}.`;
      case 'ratio':
        return `Divide the new value by the original: ${other} ÷ ${base}, which as a percent is ${answer}.`;
      case 'raw-change':
        return `The change is ${Math.abs(other - base)}, so the percent change is ${answer}.`;
      case 'percent-of-part':
        return `${p}% of ${other} = ${other} × ${rate} = ${answer}.`;
      case 'one-percent':
        return `The number is ${other} ÷ ${p} = ${answer}.`;
      case 'added-back':
        return `Add the ${p}% back on: ${other} + ${p}% of ${other} = ${other} × ${Rational.of(100 + p, 100).toDecimal()} = ${answer}.`;
      case 'divided-by-discount':
        return `The original price is ${other} ÷ ${rate} = ${answer}.`;
    }
    switch (this.shape) {
      case 'percent-of':
        return `${p}% means ${p}/100, so ${p}% of ${base} = ${base} × ${p} ÷ 100 = ${base * p} ÷ 100 = ${answer}.`;
      case 'percent-increase':
      case 'percent-decrease': {
        const change = Math.abs(other - base);
        const difference = other > base ? `${other} - ${base}` : `${base} - ${other}`;
        return (
          `The change is ${difference} = ${change}. Divide by the original value: ${change} ÷ ${base} = ` +
          `${Rational.of(change, base).toDecimal()}. As a percent that is ${answer}.`
        );
      }
      case 'reverse-percent': {
        const onePercent = decimal(Rational.of(other, p)); // k / gcd(p, 100): terminating by the choice of base
        return `${p}% of the number is ${other}, so 1% of it is ${other} ÷ ${p} = ${onePercent}, and 100% of it is ${onePercent} × 100 = ${answer}.`;
      }
      case 'discount': {
        const rest = 100 - p;
        const oneRest = decimal(Rational.of(other, rest));
        return (
          `After a ${p}% discount the price is ${rest}% of the original. So ${rest}% of the original is ${other}, ` +
          `1% of it is ${other} ÷ ${rest} = ${oneRest}, and 100% of it is ${oneRest} × 100 = ${answer}.`
        );
      }
    }
  }

  mistakes(rng: Rng): Mistake[] {
    const { shape, percent: p, base, other, value } = this;
    const mistakes: PercentMistake[] = [];
    const step = rng.chance(0.5) ? 1 : -1;
    switch (shape) {
      case 'percent-of': {
        // Off by one in the last digit written: 12 -> 13, 3.91 -> 3.92; upwards when going down would reach zero.
        const dot = this.answer.indexOf('.');
        const place = Rational.of(1, 10 ** (dot < 0 ? 0 : this.answer.length - dot - 1));
        this.offer(mistakes, 'off-by-one', value.compare(place) <= 0 ? value.add(place) : step > 0 ? value.add(place) : value.sub(place), 'right');
        this.offer(mistakes, 'skipped-step', Rational.of(p * base), 'no-hundred');
        this.offer(mistakes, 'wrong-operation', Rational.of(base * 100, p), 'divided');
        break;
      }
      case 'percent-increase':
      case 'percent-decrease': {
        const change = Math.abs(other - base);
        this.offer(mistakes, 'off-by-one', Rational.of(p + (p === 1 ? 1 : step)), 'right');
        if (other !== 0) this.offer(mistakes, 'wrong-base', Rational.of(change * 100, other), 'new-base');
        this.offer(mistakes, 'skipped-step', Rational.of(other * 100, base), 'ratio');
        this.offer(mistakes, 'wrong-operation', Rational.of(change), 'raw-change');
        break;
      }
      case 'reverse-percent':
        this.offer(mistakes, 'off-by-one', value.add(Rational.of(step)), 'right');
        this.offer(mistakes, 'wrong-operation', Rational.of(other * p, 100), 'percent-of-part');
        this.offer(mistakes, 'skipped-step', Rational.of(other, p), 'one-percent');
        break;
      case 'discount':
        this.offer(mistakes, 'off-by-one', value.add(Rational.of(step)), 'right');
        this.offer(mistakes, 'wrong-base', Rational.of(other * (100 + p), 100), 'added-back');
        this.offer(mistakes, 'wrong-operation', Rational.of(other * 100, p), 'divided-by-discount');
        break;
    }
    return mistakes;
  }

  private offer(mistakes: PercentMistake[], kind: MistakeKind, wrong: Rational, route: Route): void {
    const shown = terminating(wrong);
    if (shown.equals(this.value)) return;
    const text = shown.toDecimal();
    const answer = this.shape === 'percent-increase' || this.shape === 'percent-decrease' ? `${text}%` : text;
    for (const mistake of mistakes) if (mistake.answer === answer) return;
    mistakes.push(new PercentMistake(kind, answer, this, route));
  }
}

/** A wrong answer whose worked solution is rendered only when asked for (most are never shown). */
class PercentMistake implements Mistake {
  constructor(
    readonly kind: MistakeKind,
    readonly answer: string,
    private readonly item: PercentItem,
    private readonly route: Route,
  ) {}

  get solution(): string {
    return this.item.solutionBy(this.route, this.answer);
  }
}

function parseKinds(text: string): KindId[] {
  return text === 'all' ? [...kindIds] : [...new Set(text.split(',').map((id) => id.trim() as KindId))];
}

/** Percent questions built from their answer: percent of, percent change, reverse percent and discounts. */
export const percent: Template<PercentConfig> = {
  name: 'percent',
  description: 'percent of a number, percent increase and decrease, reverse percent and discounts, all exact',
  config: PercentConfig,
  distinctQuestion: 'question text (the shapes of one fact are distinct questions, held out together)',
  testAnswers: 'text',
  space(config) {
    requireOrderedRanges('percent', config, ['percent', 'base']);
    if (Math.ceil(config.minPercent / config.percentStep) * config.percentStep > config.maxPercent) {
      throw new EmptySpaceError(
        'percent',
        `no multiple of --percent-step ${config.percentStep} lies in [--min-percent ${config.minPercent}, --max-percent ${config.maxPercent}]`,
      );
    }
    const kinds = parseKinds(config.kinds);
    const space = new PercentSpace(config, kinds);
    if (space.size === 0) {
      const below100 = kinds.every((kind) => kind === 'discount') && config.minPercent >= 100;
      throw new EmptySpaceError(
        'percent',
        below100
          ? `--kinds ${config.kinds} needs a percent below 100, but --min-percent is ${config.minPercent}`
          : `--kinds ${config.kinds} needs an amount in [--min-base ${config.minBase}, --max-base ${config.maxBase}] ` +
              `whose percentage is whole, such as a multiple of 100 / gcd(percent, 100)`,
      );
    }
    return space;
  },
};
