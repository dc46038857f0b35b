import fc from 'fast-check';
import { all, create, type BigNumber, type FactoryFunctionMap } from 'mathjs';
import { describe, expect, test } from 'vitest';
import { spaceOrEmpty } from '../test/helpers/space-or-empty.js';
import { percent, PercentConfig } from './percent.js';
import { Rational } from './rational.js';
import { rngFor } from './rng.js';
import { EmptySpaceError } from './template.js';

const math = create(all as FactoryFunctionMap, { number: 'BigNumber', precision: 64 });

interface Reading {
  /** The mathjs expression whose value is the answer. */
  readonly expression: string;
  readonly percent: number;
  /** The whole amount the question was built around: the number, the starting value, or the original. */
  readonly base: number;
  readonly unit: '%' | '';
}

/** Reads a question back into numbers and a mathjs expression for its answer. */
function readQuestion(question: string, answer: string): Reading {
  let match = /^What is (\d+)% of (\d+)\?$/.exec(question);
  if (match) {
    const [p, n] = [Number(match[1]), Number(match[2])];
    return { expression: `${p} / 100 * ${n}`, percent: p, base: n, unit: '' };
  }
  match = /^What is the percent (increase|decrease) from (\d+) to (\d+)\?$/.exec(question);
  if (match) {
    const [from, to] = [Number(match[2]), Number(match[3])];
    expect(match[1] === 'increase' ? to > from : to < from).toBe(true);
    return { expression: `abs(${to} - ${from}) / ${from} * 100`, percent: Number(answer.replace('%', '')), base: from, unit: '%' };
  }
  match = /^(\d+) is (\d+)% of what number\?$/.exec(question);
  if (match) {
    const [part, p] = [Number(match[1]), Number(match[2])];
    return { expression: `${part} / (${p} / 100)`, percent: p, base: Number(answer), unit: '' };
  }
  match = /^After a (\d+)% discount, an item costs \$(\d+)\. What was the original price in dollars\?$/.exec(question);
  if (match) {
    const [p, sale] = [Number(match[1]), Number(match[2])];
    return { expression: `${sale} / (1 - ${p} / 100)`, percent: p, base: Number(answer), unit: '' };
  }
  throw new Error(`unparsed question: ${question}`);
}

/** The answer mathjs computes for the question, in the family's text form (`12.5`, `25%`). */
function expected(question: string, answer: string): string {
  const reading = readQuestion(question, answer);
  const value = math.evaluate(reading.expression) as BigNumber;
  return `${math.format(value, { notation: 'fixed' })}${reading.unit}`;
}

const defaults = PercentConfig.parse({});
const defaultSpace = percent.space(defaults);

const configArbitrary = fc
  .record({
    minPercent: fc.integer({ min: 1, max: 150 }),
    percentSpan: fc.integer({ min: 0, max: 200 }),
    percentStep: fc.constantFrom(1, 1, 5, 10, 25),
    minBase: fc.integer({ min: 1, max: 2000 }),
    baseSpan: fc.integer({ min: 0, max: 5000 }),
    kinds: fc.constantFrom('all', 'percent-of', 'percent-change', 'reverse-percent', 'discount', 'discount,percent-of'),
  })
  .map((raw) =>
    PercentConfig.parse({
      minPercent: raw.minPercent,
      maxPercent: Math.min(1000, raw.minPercent + raw.percentSpan),
      percentStep: raw.percentStep,
      minBase: raw.minBase,
      maxBase: raw.minBase + raw.baseSpan,
      kinds: raw.kinds,
    }),
  );

const spaceOrUndefined = (config: PercentConfig) => spaceOrEmpty(percent, config);

describe('percent', () => {
  test('every answer equals the mathjs value of the question as an exact decimal (default options)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: defaultSpace.size - 1 }), (index) => {
        const item = defaultSpace.item(index);
        expect(item.answer).toMatch(/^\d+(\.\d+)?%?$/);
        expect(item.answer).toBe(expected(item.question, item.answer));
      }),
      { numRuns: 4000 },
    );
  });

  test('every answer is right under random options, with percents and amounts inside the options', () => {
    fc.assert(
      fc.property(configArbitrary, fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (config, position) => {
        const space = spaceOrUndefined(config);
        if (!space) return;
        const item = space.item(Math.floor(position * space.size));
        expect(item.answer).toBe(expected(item.question, item.answer));
        const reading = readQuestion(item.question, item.answer);
        expect(reading.percent).toBeGreaterThanOrEqual(config.minPercent);
        expect(reading.percent).toBeLessThanOrEqual(config.maxPercent);
        expect(reading.percent % config.percentStep).toBe(0);
        expect(reading.base).toBeGreaterThanOrEqual(config.minBase);
        expect(reading.base).toBeLessThanOrEqual(config.maxBase);
        expect(item.meta?.unit === '%').toBe(reading.unit === '%');
      }),
      { numRuns: 3000 },
    );
  });

  test('mistakes keep the answer format, differ in value from the gold answer, and end their solution', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: defaultSpace.size - 1 }), fc.nat(), (index, seed) => {
        const item = defaultSpace.item(index);
        const mistakes = item.mistakes(rngFor(seed, index));
        expect(mistakes.some((mistake) => mistake.kind === 'off-by-one')).toBe(true);
        const format = item.answer.endsWith('%') ? /^\d+(\.\d+)?%$/ : /^\d+(\.\d+)?$/;
        for (const mistake of mistakes) {
          expect(mistake.answer).toMatch(format);
          expect(Rational.parse(mistake.answer).equals(Rational.parse(item.answer))).toBe(false);
          expect(mistake.solution?.endsWith(`The answer is ${mistake.answer}.`)).toBe(true);
        }
      }),
      { numRuns: 2000 },
    );
  });

  test('worked solutions read as expected', () => {
    const find = (question: string) => {
      for (let index = 0; index < defaultSpace.size; index += 1) {
        const item = defaultSpace.item(index);
        if (item.question === question) return item;
      }
      throw new Error(`not generated: ${question}`);
    };
    const of = find('What is 15% of 80?');
    expect(of.answer).toBe('12');
    expect(of.solution(of.answer)).toBe('15% means 15/100, so 15% of 80 = 80 × 15 ÷ 100 = 1200 ÷ 100 = 12. The answer is 12.');
    const change = find('What is the percent increase from 80 to 100?');
    expect(change.answer).toBe('25%');
    expect(change.meta).toEqual({ kind: 'percent-increase', percent: 25, unit: '%' });
    expect(change.solution(change.answer)).toBe(
      'The change is 100 - 80 = 20. Divide by the original value: 20 ÷ 80 = 0.25. As a percent that is 25%. The answer is 25%.',
    );
    const reverse = find('20 is 25% of what number?');
    expect(reverse.answer).toBe('80');
    const discount = find('After a 20% discount, an item costs $48. What was the original price in dollars?');
    expect(discount.answer).toBe('60');
    expect(discount.solution(discount.answer)).toBe(
      'After a 20% discount the price is 80% of the original. So 80% of the original is 48, 1% of it is 48 ÷ 80 = 0.6, ' +
        'and 100% of it is 0.6 × 100 = 60. The answer is 60.',
    );
    const wrong = discount.mistakes(rngFor(1, 1)).find((mistake) => mistake.kind === 'wrong-base');
    expect(wrong?.answer).toBe('57.6');
  });


  test('the whole default space is injective and its size matches a brute-force count', () => {
    const questions = new Set<string>();
    for (let index = 0; index < defaultSpace.size; index += 1) questions.add(defaultSpace.item(index).question);
    expect(questions.size).toBe(defaultSpace.size);
    let count = 0;
    for (let p = 1; p <= 100; p += 1) {
      for (let base = 1; base <= 500; base += 1) {
        count += 1; // percent of
        if ((p * base) % 100 !== 0) continue;
        count += 2; // increase, reverse percent
        if (p < 100) count += 2; // decrease, discount
      }
    }
    expect(defaultSpace.size).toBe(count);
  });

  test('distinct indices give distinct questions over a large sample of a large space', () => {
    const space = percent.space(PercentConfig.parse({ maxPercent: 300, maxBase: 1_000_000 }));
    const rng = rngFor(2, 0);
    const indices = new Set<number>();
    while (indices.size < 200_000) indices.add(space.draw(rng));
    const questions = new Set<string>();
    for (const index of indices) questions.add(space.item(index).question);
    expect(questions.size).toBe(indices.size);
  });

  test('draw gives each kind a fair share', () => {
    const rng = rngFor(3, 0);
    const counts = new Map<unknown, number>();
    for (let i = 0; i < 20_000; i += 1) {
      const index = defaultSpace.draw(rng);
      expect(index).toBeGreaterThanOrEqual(0);
      expect(index).toBeLessThan(defaultSpace.size);
      const kind = defaultSpace.item(index).meta?.kind;
      const family = kind === 'percent-increase' || kind === 'percent-decrease' ? 'percent-change' : kind;
      counts.set(family, (counts.get(family) ?? 0) + 1);
    }
    expect(counts.size).toBe(4);
    for (const count of counts.values()) expect(count).toBeGreaterThan(4000);
  });

  test('impossible options throw EmptySpaceError naming the flags', () => {
    const message = (options: Partial<PercentConfig>) => {
      try {
        percent.space(PercentConfig.parse(options));
      } catch (error) {
        expect(error).toBeInstanceOf(EmptySpaceError);
        return (error as Error).message;
      }
      throw new Error('expected EmptySpaceError');
    };
    expect(message({ minPercent: 50, maxPercent: 40 })).toMatchInlineSnapshot(`"percent: these options admit no question: --min-percent 50 is greater than --max-percent 40"`);
    expect(message({ minBase: 50, maxBase: 40 })).toMatchInlineSnapshot(`"percent: these options admit no question: --min-base 50 is greater than --max-base 40"`);
    expect(message({ minPercent: 11, maxPercent: 19, percentStep: 10 })).toMatchInlineSnapshot(`"percent: these options admit no question: no multiple of --percent-step 10 lies in [--min-percent 11, --max-percent 19]"`);
    expect(message({ kinds: 'discount', minPercent: 100, maxPercent: 200 })).toMatchInlineSnapshot(`"percent: these options admit no question: --kinds discount needs a percent below 100, but --min-percent is 100"`);
    expect(message({ kinds: 'percent-change', minPercent: 7, maxPercent: 7, maxBase: 99 })).toMatchInlineSnapshot(`"percent: these options admit no question: --kinds percent-change needs an amount in [--min-base 1, --max-base 99] whose percentage is whole, such as a multiple of 100 / gcd(percent, 100)"`);
  });

  test('the config is strict and validates kinds', () => {
    expect(PercentConfig.safeParse({ colour: 'red' }).success).toBe(false);
    expect(PercentConfig.safeParse({ kinds: 'percent-of,interest' }).success).toBe(false);
    expect(PercentConfig.safeParse({ kinds: 'percent-of,discount' }).success).toBe(true);
  });
});
