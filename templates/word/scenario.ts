import { mix32 } from '../../src/core/hash.js';
import { Rational } from '../rational.js';

/** An operator as a worked solution writes it: `3 x $4`, `$20 - $14`, `180 / 20`. */
export type Operator = '+' | '-' | 'x' | '/';

/** How a number is written: `money` as `$7.50`, `number` as `7.5`. */
export type Style = 'money' | 'number';

/** A number the story states, or a constant the solver must know (60 minutes in an hour). */
export interface Given<Params> {
  readonly style: Style;
  /** The value a careless solver uses instead of this constant (100 minutes in an hour); undefined for stated numbers. */
  readonly slip: Rational | undefined;
  value(params: Params): Rational;
}

/** An operand of a step: a given, or the index of an earlier step whose result it reuses. */
export type Operand<Params> = Given<Params> | number;

/** One step of a worked solution: one operator applied left to right over its operands, told in one sentence. */
export interface Step<Params> {
  readonly operator: Operator;
  readonly operands: readonly Operand<Params>[];
  /** How the step's result is written. */
  readonly style: Style;
  /** The operand a solver who skips this step carries on with; undefined when nobody would skip it. */
  readonly skipTo: number | undefined;
  /** The operator a confused solver uses instead; undefined when no confusion is plausible. */
  readonly confusedWith: Operator | undefined;
  /** The sentence for this step; `work` is its arithmetic with the result, e.g. `3 x $4 = $12`. */
  say(params: Params, work: string, result: Rational): string;
}

/**
 * One story template: its questions are the product of independent finite math choices made through `Choices`, in
 * the same order and with the same ranges for every index, so each question is one mixed-radix number. Every math
 * choice must show in the question text, so different choices give different questions; everything that only
 * changes the telling goes through `choices.surface`.
 */
export interface Scenario<Params> {
  /** Kebab-case id, the value of `--scenarios` and of `meta.scenario`. */
  readonly id: string;
  /** The group the scenario belongs to: money, rates, ages, units, geometry, time, sharing. */
  readonly theme: string;
  /** Unit of the final answer, e.g. `dollars`, `minutes`; a function when the story picks it (miles or kilometers). */
  readonly unit: string | ((params: Params) => string);
  readonly steps: readonly Step<Params>[];
  /** Makes the story's choices; `maxQuantity` bounds counts, prices and rates. */
  choose(choices: Choices, maxQuantity: number): Params;
  question(params: Params): string;
}

/**
 * Choices that change how a story is told but never its numbers: names, nouns, places, units, the phrasing. They come
 * from the item's surface variant, not from its index, so one index is one problem however it is told, and a list
 * may depend on the numbers already chosen (a sandbox only when the square is small).
 */
export class SurfaceChoices {
  private state: number;

  constructor(variant: number) {
    this.state = variant >>> 0;
  }

  /** A choice among `radix` options, 0..radix-1 (a modulo bias of radix / 2^32 does not matter for wording). */
  index(radix: number): number {
    if (!(radix >= 1) || !Number.isSafeInteger(radix)) throw new RangeError(`choice among ${radix} options`);
    this.state = mix32(this.state + 0x9e3779b9);
    return this.state % radix;
  }

  /** An element of a non-empty list. */
  pick<T>(items: readonly T[]): T {
    return items[this.index(items.length)] as T;
  }

  /** An element of the list other than `taken`, which must be in it. */
  pickOther<T>(items: readonly T[], taken: T): T {
    const index = this.index(items.length - 1);
    return items[index >= items.indexOf(taken) ? index + 1 : index] as T;
  }
}

/**
 * The math choices of one question, read one digit at a time, and its surface choices (`surface`). Built without
 * digits it records the radices instead (every read returns its smallest value), which is how a scenario's radices
 * are found.
 */
export class Choices {
  readonly radices: number[] = [];
  readonly surface: SurfaceChoices;
  private position = 0;

  constructor(
    private readonly digits: readonly number[] | undefined = undefined,
    variant = 0,
  ) {
    this.surface = new SurfaceChoices(variant);
  }

  /** A choice among `radix` options, 0..radix-1. */
  index(radix: number): number {
    if (!(radix >= 1) || !Number.isSafeInteger(radix)) throw new RangeError(`choice among ${radix} options`);
    if (this.digits === undefined) {
      this.radices.push(radix);
      return 0;
    }
    const digit = this.digits[this.position];
    this.position += 1;
    if (digit === undefined || digit >= radix) throw new Error(`choice ${this.position} read beyond its radix ${radix}`);
    return digit;
  }

  /** An integer in [low, high]. */
  int(low: number, high: number): number {
    return low + this.index(high - low + 1);
  }

  /** An element of a non-empty list. */
  pick<T>(items: readonly T[]): T {
    return items[this.index(items.length)] as T;
  }

  /** An element of the list other than `taken`, which must be in it. */
  pickOther<T>(items: readonly T[], taken: T): T {
    const index = this.index(items.length - 1);
    return items[index >= items.indexOf(taken) ? index + 1 : index] as T;
  }

  /** A pair [high, low] with 1 <= low <= high <= max, as one choice of max(max+1)/2 options. */
  pairUpTo(max: number): [number, number] {
    const index = this.index((max * (max + 1)) / 2);
    let high = Math.floor((Math.sqrt(8 * index + 1) - 1) / 2);
    while ((high * (high + 1)) / 2 > index) high -= 1;
    while (((high + 1) * (high + 2)) / 2 <= index) high += 1;
    return [high + 1, index - (high * (high + 1)) / 2 + 1];
  }
}

/** The radices of a scenario's questions under `maxQuantity`, least significant first. */
export function radicesOf(scenario: Scenario<unknown>, maxQuantity: number): number[] {
  const recorder = new Choices();
  scenario.choose(recorder, maxQuantity);
  return recorder.radices;
}

/** A scenario with its parameter type erased, as lists of scenarios hold them; only the scenario reads its parameters. */
export type AnyScenario = Scenario<any>;

/** The step builders of one scenario, typed by its parameters. */
export interface StepKit<Params> {
  /** A stated count or measure, written `7.5`. */
  number(read: (params: Params) => number | Rational): Given<Params>;
  /** A stated amount of money, written `$7.50`. */
  money(read: (params: Params) => number | Rational): Given<Params>;
  /** A constant the solver must know, with the value a careless solver uses instead. */
  constant(value: number, slip?: number): Given<Params>;
  step(
    operator: Operator,
    operands: readonly Operand<Params>[],
    say: (params: Params, work: string, result: Rational) => string,
    options?: { style?: Style; skipTo?: number; confusedWith?: Operator | null },
  ): Step<Params>;
}

const defaultConfusion: Record<Operator, Operator> = { '+': '-', '-': '+', x: '+', '/': 'x' };

/** Integers and short decimals such as 1.5 exactly; their shortest printed form is exact. */
function asRational(value: number | Rational): Rational {
  if (typeof value !== 'number') return value;
  return Number.isInteger(value) ? Rational.of(value) : Rational.parse(String(value));
}

/** Builders for a scenario's steps; call once per scenario module, never per question. */
export function stepKit<Params>(): StepKit<Params> {
  return {
    number: (read) => ({ style: 'number', slip: undefined, value: (params) => asRational(read(params)) }),
    money: (read) => ({ style: 'money', slip: undefined, value: (params) => asRational(read(params)) }),
    constant(value, slip) {
      const constant = asRational(value);
      return { style: 'number', slip: slip === undefined ? undefined : asRational(slip), value: () => constant };
    },
    step: (operator, operands, say, options = {}) => ({
      operator,
      operands,
      style: options.style ?? 'number',
      skipTo: options.skipTo,
      confusedWith: options.confusedWith === null ? undefined : (options.confusedWith ?? defaultConfusion[operator]),
      say,
    }),
  };
}

/** The phrasing a question uses: `phrasings[params.phrasing]` applied to the parameters. */
export function phrase<Params extends { readonly phrasing: number }>(
  phrasings: readonly ((params: Params) => string)[],
  params: Params,
): string {
  return (phrasings[params.phrasing] as (params: Params) => string)(params);
}
