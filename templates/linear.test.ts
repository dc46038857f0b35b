import fc from 'fast-check';
import { all, create, type FactoryFunctionMap, type Fraction } from 'mathjs';
import { describe, expect, test } from 'vitest';
import { spaceOrEmpty } from '../test/helpers/space-or-empty.js';
import { linear, LinearConfig } from './linear.js';
import { Rational } from './rational.js';
import { rngFor } from './rng.js';
import { EmptySpaceError } from './template.js';

const math = create(all as FactoryFunctionMap, { number: 'Fraction' });

/** Substitutes the answer into the question's equation with mathjs fractions; true when both sides agree. */
function satisfies(question: string, answer: string): boolean {
  const match = /^Solve for ([a-z]): (.+) = (.+)$/.exec(question);
  if (!match) throw new Error(`unparsed question: ${question}`);
  const [, variable, left, right] = match as unknown as [string, string, string, string];
  const scope = { [variable]: math.fraction(answer) };
  const sides = [left, right].map((side) => math.evaluate(side, scope) as Fraction);
  return math.equal(sides[0] as Fraction, sides[1] as Fraction) as boolean;
}

const defaults = LinearConfig.parse({});
const defaultSpace = linear.space(defaults);

/** Small but varied configurations, including single-letter and negative-only ranges. */
const configArbitrary = fc
  .record({
    minCoefficient: fc.integer({ min: -12, max: 12 }),
    coefficientSpan: fc.integer({ min: 0, max: 12 }),
    minConstant: fc.integer({ min: -30, max: 30 }),
    constantSpan: fc.integer({ min: 0, max: 30 }),
    minSolution: fc.integer({ min: -30, max: 30 }),
    solutionSpan: fc.integer({ min: 1, max: 30 }),
    solutions: fc.constantFrom('integer', 'rational', 'both'),
    forms: fc.constantFrom('all', 'ax+b=c', 'a(x+b)=c', 'ax=c,c=ax+b', 'b+ax=c,a(x+b)=c'),
    variables: fc.constantFrom('x', 'xyz', 'nt'),
  })
  .map((raw) =>
    LinearConfig.parse({
      minCoefficient: raw.minCoefficient,
      maxCoefficient: raw.minCoefficient + raw.coefficientSpan,
      minConstant: raw.minConstant,
      maxConstant: raw.minConstant + raw.constantSpan,
      minSolution: raw.minSolution,
      maxSolution: raw.minSolution + raw.solutionSpan,
      solutions: raw.solutions,
      forms: raw.forms,
      variables: raw.variables,
    }),
  );

const spaceOrUndefined = (config: LinearConfig) => spaceOrEmpty(linear, config);

describe('linear', () => {
  test('every answer satisfies its equation when substituted back (default options)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: defaultSpace.size - 1 }), (index) => {
        const item = defaultSpace.item(index);
        expect(satisfies(item.question, item.answer)).toBe(true);
        expect(Rational.parse(item.answer).toString()).toBe(item.answer);
      }),
      { numRuns: 3000 },
    );
  });

  test('every answer satisfies its equation under random options, and solutions stay in range', () => {
    fc.assert(
      fc.property(configArbitrary, fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (config, position) => {
        const space = spaceOrUndefined(config);
        if (!space) return;
        const item = space.item(Math.floor(position * space.size));
        expect(satisfies(item.question, item.answer)).toBe(true);
        const x = Rational.parse(item.answer);
        expect(x.compare(Rational.of(config.minSolution))).toBeGreaterThanOrEqual(0);
        expect(x.compare(Rational.of(config.maxSolution))).toBeLessThanOrEqual(0);
        if (config.solutions === 'integer') expect(x.isInteger()).toBe(true);
        if (config.solutions === 'rational') expect(x.isInteger()).toBe(false);
      }),
      { numRuns: 3000 },
    );
  });

  test('mistakes are canonical, differ from the gold answer, do not satisfy the equation, and end their solution', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: defaultSpace.size - 1 }), fc.nat(), (index, seed) => {
        const item = defaultSpace.item(index);
        const mistakes = item.mistakes(rngFor(seed, index));
        expect(mistakes.some((mistake) => mistake.kind === 'off-by-one')).toBe(true);
        for (const mistake of mistakes) {
          expect(mistake.answer).not.toBe(item.answer);
          expect(Rational.parse(mistake.answer).toString()).toBe(mistake.answer);
          expect(satisfies(item.question, mistake.answer)).toBe(false);
          expect(mistake.solution?.endsWith(`The answer is ${mistake.answer}.`)).toBe(true);
        }
      }),
      { numRuns: 2000 },
    );
  });

  test('the solution ends with the given answer and shows the gold one by default', () => {
    const item = defaultSpace.item(12345);
    expect(item.solution(item.answer).endsWith(`The answer is ${item.answer}.`)).toBe(true);
    expect(item.solution('99')).toMatch(/ = 99\. The answer is 99\.$/);
  });

  test('worked solutions read as expected', () => {
    const space = linear.space(LinearConfig.parse({ forms: 'ax+b=c', variables: 'x', solutions: 'integer' }));
    const find = (question: string) => {
      for (let index = 0; index < space.size; index += 1) {
        const item = space.item(index);
        if (item.question === question) return item;
      }
      throw new Error(`not generated: ${question}`);
    };
    const item = find('Solve for x: 3x + 5 = 17');
    expect(item.answer).toBe('4');
    expect(item.solution(item.answer)).toBe('Subtract 5 from both sides: 3x = 12. Divide both sides by 3: x = 4. The answer is 4.');
    const negative = find('Solve for x: -x - 2 = 4');
    expect(negative.solution(negative.answer)).toBe('Add 2 to both sides: -x = 6. Multiply both sides by -1: x = -6. The answer is -6.');
  });


  test('distinct indices give distinct questions over a large sample', () => {
    const rng = rngFor(1, 0);
    const indices = new Set<number>();
    while (indices.size < 200_000) indices.add(rng.below(defaultSpace.size));
    const questions = new Set<string>();
    for (const index of indices) questions.add(defaultSpace.item(index).question);
    expect(questions.size).toBe(indices.size);
  });

  test('a small space is exhaustively injective and its size matches a brute-force count', () => {
    const config = LinearConfig.parse({
      minCoefficient: -4,
      maxCoefficient: 5,
      minConstant: -3,
      maxConstant: 3,
      minSolution: -3,
      maxSolution: 4,
      variables: 'xy',
    });
    const space = linear.space(config);
    const questions = new Set<string>();
    for (let index = 0; index < space.size; index += 1) questions.add(space.item(index).question);
    expect(questions.size).toBe(space.size);
    // Brute force: every (equation class, a, b, x) with c an integer, x in range, a and b nonzero. The classes are
    // ax + b = c (written also as b + ax = c or c = ax + b: one class), a(x + b) = c and ax = c; the letter and the
    // written form are wording, so they do not multiply the space.
    let count = 0;
    for (let a = -4; a <= 5; a += 1) {
      if (a === 0) continue;
      for (let n = -3 * Math.abs(a) - 20; n <= 4 * Math.abs(a) + 20; n += 1) {
        const x = Rational.of(n, a);
        if (x.compare(Rational.of(-3)) < 0 || x.compare(Rational.of(4)) > 0) continue;
        const withConstant = Math.abs(a) >= 2 ? 2 : 1; // a(x+b)=c needs |a| >= 2
        const withoutConstant = Math.abs(a) >= 2 ? 1 : 0;
        count += withConstant * 6 + withoutConstant;
      }
    }
    expect(space.size).toBe(count);
    // Every variant of one index is the same equation, and the variants use every letter and written form.
    const letters = new Set<string>();
    const forms = new Set<string>();
    for (let variant = 0; variant < 64; variant += 1) {
      const item = space.item(0, variant);
      expect(item.factKey).toBe(space.factKey(0));
      expect(item.answer).toBe(space.item(0).answer);
      letters.add(item.meta?.variable as string);
      forms.add(item.meta?.form as string);
    }
    expect([...letters].sort()).toEqual(['x', 'y']);
    expect(forms.size).toBe(3);
  });

  test('draw stays inside the space', () => {
    const rng = rngFor(3, 0);
    for (let i = 0; i < 10_000; i += 1) {
      const index = defaultSpace.draw(rng);
      expect(index).toBeGreaterThanOrEqual(0);
      expect(index).toBeLessThan(defaultSpace.size);
    }
  });

  test('impossible options throw EmptySpaceError naming the flags', () => {
    const message = (options: Partial<LinearConfig>) => {
      try {
        linear.space(LinearConfig.parse(options));
      } catch (error) {
        expect(error).toBeInstanceOf(EmptySpaceError);
        return (error as Error).message;
      }
      throw new Error('expected EmptySpaceError');
    };
    expect(message({ minCoefficient: 5, maxCoefficient: 3 })).toMatchInlineSnapshot(`"linear: these options admit no question: --min-coefficient 5 is greater than --max-coefficient 3"`);
    expect(message({ minConstant: 2, maxConstant: 1 })).toMatchInlineSnapshot(`"linear: these options admit no question: --min-constant 2 is greater than --max-constant 1"`);
    expect(message({ minSolution: 2, maxSolution: 1 })).toMatchInlineSnapshot(`"linear: these options admit no question: --min-solution 2 is greater than --max-solution 1"`);
    expect(message({ minCoefficient: 0, maxCoefficient: 0 })).toMatchInlineSnapshot(`"linear: these options admit no question: --min-coefficient 0 and --max-coefficient 0 leave no nonzero coefficient"`);
    expect(message({ minConstant: 0, maxConstant: 0, forms: 'ax+b=c' })).toMatchInlineSnapshot(`"linear: these options admit no question: --min-constant 0 and --max-constant 0 leave no nonzero constant for --forms ax+b=c"`);
    expect(message({ solutions: 'rational', minSolution: 3, maxSolution: 3 })).toMatchInlineSnapshot(`"linear: these options admit no question: --solutions rational needs --min-solution below --max-solution (both are 3)"`);
    expect(message({ minCoefficient: -1, maxCoefficient: 1, solutions: 'rational' })).toMatchInlineSnapshot(`"linear: these options admit no question: --solutions rational needs a coefficient with |a| >= 2, but --min-coefficient -1 and --max-coefficient 1 allow only ±1"`);
    expect(message({ minCoefficient: 1, maxCoefficient: 1, forms: 'ax=c,a(x+b)=c' })).toMatchInlineSnapshot(`"linear: these options admit no question: --forms ax=c,a(x+b)=c needs a coefficient with |a| >= 2, but --min-coefficient 1 and --max-coefficient 1 allow only ±1"`);
  });

  test('the config is strict and validates forms', () => {
    expect(LinearConfig.safeParse({ colour: 'red' }).success).toBe(false);
    expect(LinearConfig.safeParse({ forms: 'ax+b=c,x=1' }).success).toBe(false);
    expect(LinearConfig.safeParse({ forms: 'ax+b=c,a(x+b)=c' }).success).toBe(true);
  });
});
