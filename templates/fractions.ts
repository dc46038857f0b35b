import { z } from 'zod';
import { gcd, Rational } from './rational.js';
import type { Rng } from './rng.js';
import {
  additiveFactKey,
  EmptySpaceError,
  multiplicativeFactKey,
  productSize,
  type MathItem,
  type Mistake,
  type MistakeKind,
  type QuestionSpace,
  type Stratum,
  type Template,
} from './template.js';

/** Options of the fraction-arithmetic family. */
export const FractionsConfig = z
  .object({
    maxDenominator: z.number().int().min(2).max(1000).default(12).describe('largest denominator of an operand'),
    mixedNumbers: z.boolean().default(true).describe('also use mixed numbers such as 2 1/3 as operands'),
    maxWhole: z.number().int().min(1).max(1000).default(5).describe('largest whole part of a mixed-number operand'),
    operations: z
      .string()
      .regex(/^[-+*/]+$/, 'use only the characters + - * /')
      .default('+-*/')
      .describe('operations to use, e.g. "+-"'),
    negativeResults: z.boolean().default(false).describe('allow subtractions whose result is negative'),
  })
  .strict();
export type FractionsConfig = z.infer<typeof FractionsConfig>;

type Operation = '+' | '-' | '*' | '/';

const symbols: Record<Operation, string> = { '+': '+', '-': '-', '*': '×', '/': '÷' };

/**
 * Every operand, sorted by value: proper fractions in lowest terms with denominator <= maxDenominator, then (with
 * mixed numbers) the same fractions after each whole part 1..maxWhole. Each value appears once, so the text of an
 * operand names its index.
 */
class OperandTable {
  readonly count: number;
  private readonly numerators: Int32Array;
  private readonly denominators: Int32Array;
  private readonly fractions: number;

  constructor(maxDenominator: number, wholes: number) {
    const pairs: [number, number][] = [];
    for (let den = 2; den <= maxDenominator; den += 1) {
      for (let num = 1; num < den; num += 1) if (gcd(num, den) === 1) pairs.push([num, den]);
    }
    pairs.sort((x, y) => x[0] * y[1] - y[0] * x[1]);
    this.fractions = pairs.length;
    this.numerators = Int32Array.from(pairs, (pair) => pair[0]);
    this.denominators = Int32Array.from(pairs, (pair) => pair[1]);
    this.count = this.fractions * (wholes + 1);
  }

  whole(index: number): number {
    return Math.floor(index / this.fractions);
  }
  numerator(index: number): number {
    return this.numerators[index % this.fractions] as number;
  }
  denominator(index: number): number {
    return this.denominators[index % this.fractions] as number;
  }
}

/** One operation's questions: all ordered operand pairs, or for non-negative subtraction the pairs larger-first. */
interface Block {
  readonly operation: Operation;
  readonly start: number;
  readonly size: number;
  readonly ordered: boolean;
}

class FractionsSpace implements QuestionSpace {
  readonly size: number;
  readonly strata: readonly Stratum[];
  private readonly blocks: Block[] = [];

  constructor(
    config: FractionsConfig,
    private readonly operands: OperandTable,
  ) {
    const count = operands.count;
    let start = 0;
    for (const operation of new Set(config.operations.split('')) as Set<Operation>) {
      const ordered = operation === '-' && !config.negativeResults;
      const size = ordered ? productSize([count, count - 1]) / 2 : productSize([count, count]);
      if (size === 0) continue;
      this.blocks.push({ operation, start, size, ordered });
      start = productSize([start + size]);
    }
    this.size = start;
    this.strata = this.blocks.map((block) => ({ size: block.size, weight: 1 }));
  }

  /** Operations equally often, then uniform over their operand pairs. */
  draw(rng: Rng): number {
    const block = this.blocks[rng.below(this.blocks.length)] as Block;
    return block.start + rng.below(block.size);
  }

  item(index: number): MathItem {
    let position = 0;
    while (position + 1 < this.blocks.length && (this.blocks[position + 1] as Block).start <= index) position += 1;
    const block = this.blocks[position] as Block;
    const offset = index - block.start;
    let first: number;
    let second: number;
    if (block.ordered) {
      // Pair k of the strictly lower triangle: first > second, so the larger operand comes first.
      first = Math.floor((1 + Math.sqrt(1 + 8 * offset)) / 2);
      while ((first * (first - 1)) / 2 > offset) first -= 1;
      while (((first + 1) * first) / 2 <= offset) first += 1;
      second = offset - (first * (first - 1)) / 2;
    } else {
      first = offset % this.operands.count;
      second = Math.floor(offset / this.operands.count);
    }
    const { operands } = this;
    return new FractionsItem(
      block.operation,
      new Operand(operands.whole(first), operands.numerator(first), operands.denominator(first)),
      new Operand(operands.whole(second), operands.numerator(second), operands.denominator(second)),
    );
  }

  factKey(index: number): string {
    return this.item(index).factKey;
  }
}

/** A proper fraction or mixed number as written in the question. */
class Operand {
  readonly value: Rational;
  readonly text: string;

  constructor(
    readonly whole: number,
    readonly numerator: number,
    readonly denominator: number,
  ) {
    this.value = Rational.of(whole * denominator + numerator, denominator);
    this.text = whole === 0 ? `${numerator}/${denominator}` : `${whole} ${numerator}/${denominator}`;
  }

  get mixed(): boolean {
    return this.whole !== 0;
  }
}

function apply(operation: Operation, a: Rational, b: Rational): Rational {
  switch (operation) {
    case '+':
      return a.add(b);
    case '-':
      return a.sub(b);
    case '*':
      return a.mul(b);
    case '/':
      return a.div(b);
  }
}

/** `n/d` without reducing, as a worked step shows it. */
function ratio(num: number, den: number): string {
  return `${num}/${den}`;
}

/** One fraction question; a class because millions are made per second. */
class FractionsItem implements MathItem {
  readonly question: string;
  readonly answer: string;
  readonly difficulty: number;
  private readonly result: Rational;
  private readonly expression: string;

  constructor(
    private readonly operation: Operation,
    private readonly a: Operand,
    private readonly b: Operand,
  ) {
    this.result = apply(operation, a.value, b.value);
    this.expression = `${a.text} ${symbols[operation]} ${b.text}`;
    this.question = `What is ${this.expression}?`;
    this.answer = this.result.toString();
    const mixedCount = (a.mixed ? 1 : 0) + (b.mixed ? 1 : 0);
    const unlike = (operation === '+' || operation === '-') && a.denominator !== b.denominator;
    this.difficulty = 1 + (unlike ? 1 : 0) + (operation === '/' ? 1 : 0) + mixedCount + (this.result.num < 0 ? 1 : 0);
  }

  // Built on demand: most output formats never read them.
  get fact(): string {
    return `${this.expression} = ${this.answer}`;
  }

  /**
   * The fact family by value, as in arith: 1/2 + 1/3 and 1/3 + 1/2 are one fact, and so is 5/6 - 1/3 (= 1/2); a mixed
   * number and its improper fraction are one value.
   */
  get factKey(): string {
    const { operation, a, b, result } = this;
    switch (operation) {
      case '+':
        return additiveFactKey(a.value.toString(), b.value.toString());
      case '-':
        return additiveFactKey(result.toString(), b.value.toString());
      case '*':
        return multiplicativeFactKey(a.value.toString(), b.value.toString());
      case '/':
        return multiplicativeFactKey(result.toString(), b.value.toString());
    }
  }

  get meta(): Readonly<Record<string, unknown>> {
    return { operation: this.operation, mixedOperands: (this.a.mixed ? 1 : 0) + (this.b.mixed ? 1 : 0) };
  }

  solution(answer: string): string {
    return `${this.conversions()}${this.step('right')} ${this.finish(answer)}`;
  }

  /** A solution that takes `route` and arrives at `answer`; the right route gives the right solution. */
  solutionBy(route: Route, answer: string): string {
    return `${this.conversions()}${this.step(route)} ${this.finish(answer)}`;
  }

  /** `Write 1 1/2 as 3/2. ` for the mixed operands, or nothing. */
  private conversions(): string {
    const { a, b } = this;
    if (a.mixed && b.mixed) return `Write ${a.text} as ${a.value.toString()} and ${b.text} as ${b.value.toString()}. `;
    if (a.mixed) return `Write ${a.text} as ${a.value.toString()}. `;
    if (b.mixed) return `Write ${b.text} as ${b.value.toString()}. `;
    return '';
  }

  /** The one computing step of a route, up to an unreduced result. */
  private step(route: Route): string {
    const { operation, a, b } = this;
    const [n1, d1, n2, d2] = [a.value.num, a.value.den, b.value.num, b.value.den];
    const sign = symbols[operation];
    const [top, bottom] = combine(operation, n1, n2, d1, d2);
    switch (route) {
      case 'right':
        break;
      case 'tops-and-bottoms':
        return `Combine the numerators and the denominators: ${ratio(n1, d1)} ${sign} ${ratio(n2, d2)} = ${ratio(top, bottom)}.`;
      case 'unscaled-numerators':
        return `Use the common denominator ${lcm(d1, d2)}: ${ratio(n1, d1)} ${sign} ${ratio(n2, d2)} = ${ratio(top, lcm(d1, d2))}.`;
      case 'flipped-second':
        return `Flip the second fraction: ${ratio(n1, d1)} × ${ratio(d2, n2)} = ${ratio(n1 * d2, d1 * n2)}.`;
      case 'no-reciprocal':
        return `Multiply the numerators and the denominators: ${ratio(n1, d1)} × ${ratio(n2, d2)} = ${ratio(n1 * n2, d1 * d2)}.`;
      case 'flipped-first':
        return `Multiply by the reciprocal of ${ratio(n1, d1)}: ${ratio(d1, n1)} × ${ratio(n2, d2)} = ${ratio(d1 * n2, n1 * d2)}.`;
      case 'whole-parts-apart': {
        const both = a.mixed && b.mixed;
        const whole = both ? a.whole * b.whole : a.whole + b.whole;
        const part = Rational.of(a.numerator * b.numerator, a.denominator * b.denominator);
        return (
          `Multiply ${both ? 'the whole parts and the fraction parts' : 'the fraction parts and keep the whole part'}: ` +
          `${both ? `${a.whole} × ${b.whole} = ${whole} and ` : ''}${ratio(a.numerator, a.denominator)} × ` +
          `${ratio(b.numerator, b.denominator)} = ${part.toString()}, so ${whole} ${part.toString()} = ${Rational.of(whole).add(part).toString()}.`
        );
      }
    }
    switch (operation) {
      case '+':
      case '-': {
        if (d1 === d2) return `The denominators match: ${ratio(n1, d1)} ${sign} ${ratio(n2, d2)} = ${ratio(top, d1)}.`;
        const common = lcm(d1, d2);
        const [m1, m2] = [n1 * (common / d1), n2 * (common / d2)];
        return (
          `Use the common denominator ${common}: ${ratio(n1, d1)} ${sign} ${ratio(n2, d2)} = ` +
          `${ratio(m1, common)} ${sign} ${ratio(m2, common)} = ${ratio(operation === '+' ? m1 + m2 : m1 - m2, common)}.`
        );
      }
      case '*':
        return `Multiply the numerators and the denominators: ${ratio(n1, d1)} × ${ratio(n2, d2)} = ${ratio(n1 * n2, d1 * d2)}.`;
      case '/':
        return `Multiply by the reciprocal of ${ratio(n2, d2)}: ${ratio(n1, d1)} × ${ratio(d2, n2)} = ${ratio(n1 * d2, d1 * n2)}.`;
    }
  }

  /** `In lowest terms: answer.`, the mixed-number reading when the answer is improper, and the final sentence. */
  private finish(answer: string): string {
    const slash = answer.indexOf('/');
    if (slash < 0) return `In lowest terms: ${answer}. The answer is ${answer}.`;
    const num = Number(answer.slice(0, slash));
    const den = Number(answer.slice(slash + 1));
    if (!(Math.abs(num) > den)) return `In lowest terms: ${answer}. The answer is ${answer}.`;
    const mixed = `${Math.trunc(num / den)} ${Math.abs(num) % den}/${den}`;
    return `In lowest terms: ${answer}. As a mixed number this is ${mixed}. The answer is ${answer}.`;
  }

  mistakes(rng: Rng): Mistake[] {
    const { operation, a, b, result } = this;
    const mistakes: FractionsMistake[] = [];
    this.offer(mistakes, 'off-by-one', Rational.of(result.num + (rng.chance(0.5) ? 1 : -1), result.den), 'right');
    switch (operation) {
      case '+':
      case '-': {
        const [n1, d1, n2, d2] = [a.value.num, a.value.den, b.value.num, b.value.den];
        const [top, bottom] = combine(operation, n1, n2, d1, d2);
        if (bottom > 0) this.offer(mistakes, 'wrong-operation', Rational.of(top, bottom), 'tops-and-bottoms');
        if (d1 !== d2) this.offer(mistakes, 'skipped-step', Rational.of(top, lcm(d1, d2)), 'unscaled-numerators');
        if (operation === '-') this.offer(mistakes, 'sign-flip', result.neg(), 'right');
        break;
      }
      case '*':
        this.offer(mistakes, 'inverted-fraction', a.value.div(b.value), 'flipped-second');
        if (a.mixed || b.mixed) {
          const whole = a.mixed && b.mixed ? a.whole * b.whole : a.whole + b.whole;
          const part = Rational.of(a.numerator * b.numerator, a.denominator * b.denominator);
          this.offer(mistakes, 'skipped-step', Rational.of(whole).add(part), 'whole-parts-apart');
        }
        break;
      case '/':
        this.offer(mistakes, 'inverted-fraction', a.value.mul(b.value), 'no-reciprocal');
        this.offer(mistakes, 'wrong-operation', b.value.div(a.value), 'flipped-first');
        break;
    }
    return mistakes;
  }

  private offer(mistakes: FractionsMistake[], kind: MistakeKind, value: Rational, route: Route): void {
    if (value.equals(this.result)) return;
    const answer = value.toString();
    for (const mistake of mistakes) if (mistake.answer === answer) return;
    mistakes.push(new FractionsMistake(kind, answer, this, route));
  }
}

/** How a solution computes: the right way, or one of the classic wrong ways. */
type Route = 'right' | 'tops-and-bottoms' | 'unscaled-numerators' | 'flipped-second' | 'no-reciprocal' | 'flipped-first' | 'whole-parts-apart';

/** A wrong answer whose worked solution is rendered only when asked for (most are never shown). */
class FractionsMistake implements Mistake {
  constructor(
    readonly kind: MistakeKind,
    readonly answer: string,
    private readonly item: FractionsItem,
    private readonly route: Route,
  ) {}

  get solution(): string {
    return this.item.solutionBy(this.route, this.answer);
  }
}

/** Numerator and denominator when both are combined by the operation (a classic error for + and -). */
function combine(operation: Operation, n1: number, n2: number, d1: number, d2: number): [number, number] {
  return operation === '-' ? [n1 - n2, d1 - d2] : [n1 + n2, d1 + d2];
}

function lcm(x: number, y: number): number {
  return (x / gcd(x, y)) * y;
}

/** Fraction and mixed-number arithmetic with answers in lowest terms. */
export const fractions: Template<FractionsConfig> = {
  name: 'fractions',
  description: 'add, subtract, multiply and divide fractions and mixed numbers; answers in lowest terms',
  config: FractionsConfig,
  distinctQuestion: 'question text: a + b and b + a are two questions (of one fact, so held out together)',
  testAnswers: 'text',
  space(config) {
    const operands = new OperandTable(config.maxDenominator, config.mixedNumbers ? config.maxWhole : 0);
    const space = new FractionsSpace(config, operands);
    if (space.size === 0) {
      throw new EmptySpaceError(
        'fractions',
        `--operations ${config.operations} with --negative-results false needs two different operands, but --max-denominator ` +
          `${config.maxDenominator}${config.mixedNumbers ? '' : ' with --mixed-numbers false'} gives only ${operands.count}`,
      );
    }
    return space;
  },
};
