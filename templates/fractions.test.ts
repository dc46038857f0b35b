import fc from 'fast-check';
import { all, create, type FactoryFunctionMap, type Fraction } from 'mathjs';
import { describe, expect, test } from 'vitest';
import { spaceOrEmpty } from '../test/helpers/space-or-empty.js';
import { fractions, FractionsConfig } from './fractions.js';
import { Rational } from './rational.js';
import { rngFor } from './rng.js';
import { EmptySpaceError } from './template.js';

const math = create(all as FactoryFunctionMap, { number: 'Fraction' });

const operandPattern = '(?:(\\d+) )?(\\d+)/(\\d+)';
const questionPattern = new RegExp(`^What is ${operandPattern} ([-+×÷]) ${operandPattern}\\?$`);

interface ParsedQuestion {
  readonly expression: string;
  readonly operands: { whole: number; numerator: number; denominator: number }[];
}

/** Reads the question back into a mathjs expression with every operand in parentheses. */
function parseQuestion(question: string): ParsedQuestion {
  const match = questionPattern.exec(question);
  if (!match) throw new Error(`unparsed question: ${question}`);
  const operand = (whole: string | undefined, numerator: string, denominator: string) => ({
    whole: Number(whole ?? 0),
    numerator: Number(numerator),
    denominator: Number(denominator),
  });
  const first = operand(match[1], match[2] as string, match[3] as string);
  const second = operand(match[5], match[6] as string, match[7] as string);
  const text = (value: typeof first) => `(${value.whole} + ${value.numerator}/${value.denominator})`;
  const operator = { '+': '+', '-': '-', '×': '*', '÷': '/' }[match[4] as '+' | '-' | '×' | '÷'];
  return { expression: `${text(first)} ${operator} ${text(second)}`, operands: [first, second] };
}

/** The value of the question by mathjs, in the canonical text `7/4`, `-5/12`, `3`. */
function expected(question: string): string {
  const value = math.evaluate(parseQuestion(question).expression) as Fraction;
  return math.format(value, { fraction: 'ratio' }).replace(/\/1$/, '');
}

const defaults = FractionsConfig.parse({});
const defaultSpace = fractions.space(defaults);

const configArbitrary = fc
  .record({
    maxDenominator: fc.integer({ min: 2, max: 40 }),
    mixedNumbers: fc.boolean(),
    maxWhole: fc.integer({ min: 1, max: 20 }),
    operations: fc.constantFrom('+-*/', '+', '-', '*', '/', '-/', '+*'),
    negativeResults: fc.boolean(),
  })
  .map((raw) => FractionsConfig.parse(raw));

const spaceOrUndefined = (config: FractionsConfig) => spaceOrEmpty(fractions, config);

describe('fractions', () => {
  test('every answer equals the mathjs value of the question, in lowest terms (default options)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: defaultSpace.size - 1 }), (index) => {
        const item = defaultSpace.item(index);
        expect(item.answer).toBe(expected(item.question));
      }),
      { numRuns: 4000 },
    );
  });

  test('every answer is right under random options, and operands respect the options', () => {
    fc.assert(
      fc.property(configArbitrary, fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (config, position) => {
        const space = spaceOrUndefined(config);
        if (!space) return;
        const item = space.item(Math.floor(position * space.size));
        expect(item.answer).toBe(expected(item.question));
        for (const operand of parseQuestion(item.question).operands) {
          expect(operand.denominator).toBeLessThanOrEqual(config.maxDenominator);
          expect(operand.numerator).toBeLessThan(operand.denominator);
          expect(operand.whole).toBeLessThanOrEqual(config.mixedNumbers ? config.maxWhole : 0);
        }
        if (!config.negativeResults) expect(item.answer.startsWith('-')).toBe(false);
      }),
      { numRuns: 3000 },
    );
  });

  test('mistakes are canonical, differ in value from the gold answer, and end their solution', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: defaultSpace.size - 1 }), fc.nat(), (index, seed) => {
        const item = defaultSpace.item(index);
        const mistakes = item.mistakes(rngFor(seed, index));
        expect(mistakes.some((mistake) => mistake.kind === 'off-by-one')).toBe(true);
        const gold = Rational.parse(item.answer);
        for (const mistake of mistakes) {
          expect(Rational.parse(mistake.answer).toString()).toBe(mistake.answer);
          expect(Rational.parse(mistake.answer).equals(gold)).toBe(false);
          expect(mistake.solution?.endsWith(`The answer is ${mistake.answer}.`)).toBe(true);
        }
      }),
      { numRuns: 2000 },
    );
  });

  test('worked solutions read as expected', () => {
    const space = fractions.space(FractionsConfig.parse({ maxDenominator: 6, maxWhole: 2 }));
    const find = (question: string) => {
      for (let index = 0; index < space.size; index += 1) {
        const item = space.item(index);
        if (item.question === question) return item;
      }
      throw new Error(`not generated: ${question}`);
    };
    const sum = find('What is 3/4 + 5/6?');
    expect(sum.solution(sum.answer)).toBe(
      'Use the common denominator 12: 3/4 + 5/6 = 9/12 + 10/12 = 19/12. In lowest terms: 19/12. As a mixed number this is 1 7/12. The answer is 19/12.',
    );
    const quotient = find('What is 1 1/2 ÷ 3/4?');
    expect(quotient.solution(quotient.answer)).toBe(
      'Write 1 1/2 as 3/2. Multiply by the reciprocal of 3/4: 3/2 × 4/3 = 12/6. In lowest terms: 2. The answer is 2.',
    );
    const mistake = quotient.mistakes(rngFor(1, 1)).find((candidate) => candidate.kind === 'inverted-fraction');
    expect(mistake?.solution).toBe(
      'Write 1 1/2 as 3/2. Multiply the numerators and the denominators: 3/2 × 3/4 = 9/8. In lowest terms: 9/8. As a mixed number this is 1 1/8. The answer is 9/8.',
    );
  });


  test('the whole default space is injective', () => {
    const questions = new Set<string>();
    for (let index = 0; index < defaultSpace.size; index += 1) questions.add(defaultSpace.item(index).question);
    expect(questions.size).toBe(defaultSpace.size);
  });

  test('distinct indices give distinct questions over a large sample of a large space', () => {
    const space = fractions.space(FractionsConfig.parse({ maxDenominator: 100, maxWhole: 20, negativeResults: true }));
    const rng = rngFor(2, 0);
    const indices = new Set<number>();
    while (indices.size < 200_000) indices.add(rng.below(space.size));
    const questions = new Set<string>();
    for (const index of indices) questions.add(space.item(index).question);
    expect(questions.size).toBe(indices.size);
  });

  test('the space size matches a brute-force count', () => {
    for (const options of [{}, { mixedNumbers: false }, { maxDenominator: 7, maxWhole: 3, negativeResults: true, operations: '-*' }]) {
      const config = FractionsConfig.parse(options);
      let operands = 0;
      for (let den = 2; den <= config.maxDenominator; den += 1) {
        for (let num = 1; num < den; num += 1) if (Rational.of(num, den).den === den) operands += 1;
      }
      operands *= config.mixedNumbers ? config.maxWhole + 1 : 1;
      let expectedSize = 0;
      for (const operation of config.operations) {
        expectedSize += operation === '-' && !config.negativeResults ? (operands * (operands - 1)) / 2 : operands * operands;
      }
      expect(fractions.space(config).size).toBe(expectedSize);
    }
  });

  test('draw stays inside the space and reaches every operation', () => {
    const rng = rngFor(3, 0);
    const operations = new Set<unknown>();
    for (let i = 0; i < 10_000; i += 1) {
      const index = defaultSpace.draw(rng);
      expect(index).toBeGreaterThanOrEqual(0);
      expect(index).toBeLessThan(defaultSpace.size);
      operations.add(defaultSpace.item(index).meta?.operation);
    }
    expect(operations.size).toBe(4);
  });

  test('impossible options throw EmptySpaceError naming the flags', () => {
    let message = '';
    try {
      fractions.space(FractionsConfig.parse({ maxDenominator: 2, mixedNumbers: false, operations: '-' }));
    } catch (error) {
      expect(error).toBeInstanceOf(EmptySpaceError);
      message = (error as Error).message;
    }
    expect(message).toMatchInlineSnapshot(`"fractions: these options admit no question: --operations - with --negative-results false needs two different operands, but --max-denominator 2 with --mixed-numbers false gives only 1"`);
  });

  test('the config is strict and validates operations', () => {
    expect(FractionsConfig.safeParse({ colour: 'red' }).success).toBe(false);
    expect(FractionsConfig.safeParse({ operations: '+%' }).success).toBe(false);
    expect(FractionsConfig.safeParse({ maxDenominator: 1 }).success).toBe(false);
  });
});
