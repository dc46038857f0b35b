import fc from 'fast-check';
import { all, create, type FactoryFunctionMap, type Fraction, type MathNode, type OperatorNode, type ParenthesisNode } from 'mathjs';
import { describe, expect, test } from 'vitest';
import { spaceOrEmpty } from '../test/helpers/space-or-empty.js';
import { orderOfOps, OrderOfOpsConfig, termsWeight } from './order-of-ops.js';
import { rngFor } from './rng.js';
import { EmptySpaceError, SpaceTooLargeError } from './template.js';

const math = create(all as FactoryFunctionMap, { number: 'Fraction' });

interface Checked {
  /** The exact value of the expression. */
  readonly value: Fraction;
  readonly terms: number;
  readonly depth: number;
}

/**
 * Evaluates the question's expression with mathjs fractions and checks, independently of the generator, that every
 * division is exact and every number respects the operand range (a dividend counts by its quotient).
 */
function check(question: string, config: OrderOfOpsConfig): Checked {
  const match = /^(.+) = \?$/.exec(question);
  if (!match) throw new Error(`unparsed question: ${question}`);
  const expression = match[1] as string;
  const root = math.parse(expression);
  const evaluate = (node: MathNode) => node.compile().evaluate() as Fraction;
  const unwrap = (node: MathNode): MathNode => (node.type === 'ParenthesisNode' ? unwrap((node as ParenthesisNode).content) : node);
  const inRange = (value: Fraction) =>
    math.isInteger(value) && math.largerEq(value, config.minOperand) && math.smallerEq(value, config.maxOperand);
  const dividends = new Map<MathNode, Fraction>();
  let terms = 0;
  root.traverse((node) => {
    if (node.type === 'OperatorNode' && (node as OperatorNode).fn === 'divide') {
      const [left, right] = ((node as OperatorNode).args as [MathNode, MathNode]).map(unwrap) as [MathNode, MathNode];
      const quotient = math.divide(evaluate(left), evaluate(right)) as Fraction;
      expect(math.isInteger(quotient), `${question}: inexact division`).toBe(true);
      expect(right.type, `${question}: divisor is not a number`).toBe('ConstantNode');
      expect(math.isZero(evaluate(right))).toBe(false);
      const product = left.type === 'OperatorNode' && (left as OperatorNode).fn === 'multiply';
      const dividend = product ? unwrap((left as OperatorNode).args[1] as MathNode) : left;
      expect(dividend.type, `${question}: dividend is not a number`).toBe('ConstantNode');
      dividends.set(dividend, math.divide(evaluate(dividend), evaluate(right)) as Fraction);
    }
  });
  root.traverse((node) => {
    if (node.type !== 'ConstantNode') return;
    terms += 1;
    const value = dividends.get(node) ?? evaluate(node);
    expect(inRange(value), `${question}: ${math.format(value)} out of range`).toBe(true);
  });
  let depth = 0;
  let open = 0;
  for (const character of expression) {
    if (character === '(') depth = Math.max(depth, (open += 1));
    if (character === ')') open -= 1;
  }
  return { value: evaluate(root), terms, depth };
}

const defaults = OrderOfOpsConfig.parse({});
const defaultSpace = orderOfOps.space(defaults);

const configArbitrary = fc
  .record({
    minTerms: fc.integer({ min: 2, max: 5 }),
    termSpan: fc.integer({ min: 0, max: 2 }),
    maxDepth: fc.integer({ min: 0, max: 3 }),
    minOperand: fc.integer({ min: 0, max: 20 }),
    operandSpan: fc.integer({ min: 0, max: 30 }),
    operators: fc.constantFrom('+-*/', '+-', '*/', '/', '-/', '+*'),
  })
  .map((raw) =>
    OrderOfOpsConfig.parse({
      minTerms: raw.minTerms,
      maxTerms: Math.min(6, raw.minTerms + raw.termSpan),
      maxDepth: raw.maxDepth,
      minOperand: raw.minOperand,
      maxOperand: raw.minOperand + raw.operandSpan,
      operators: raw.operators,
    }),
  );

const spaceOrUndefined = (config: OrderOfOpsConfig) => spaceOrEmpty(orderOfOps, config);

describe('order-of-ops', () => {
  test('every answer equals the mathjs value, with exact divisions and operands in range (default options)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: defaultSpace.size - 1 }), (index) => {
        const item = defaultSpace.item(index);
        const checked = check(item.question, defaults);
        expect(math.isInteger(checked.value)).toBe(true);
        expect(item.answer).toBe(math.format(checked.value, { fraction: 'ratio' }).replace(/\/1$/, ''));
        expect(checked.terms).toBeGreaterThanOrEqual(defaults.minTerms);
        expect(checked.terms).toBeLessThanOrEqual(defaults.maxTerms);
        expect(checked.depth).toBeLessThanOrEqual(defaults.maxDepth);
        expect(item.difficulty).toBe(checked.terms - 1 + checked.depth);
      }),
      { numRuns: 4000 },
    );
  });

  test('every answer is right under random options', () => {
    fc.assert(
      fc.property(configArbitrary, fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (config, position) => {
        const space = spaceOrUndefined(config);
        if (!space) return;
        const item = space.item(Math.floor(position * space.size));
        const checked = check(item.question, config);
        expect(item.answer).toBe(math.format(checked.value, { fraction: 'ratio' }).replace(/\/1$/, ''));
        expect(checked.terms).toBeGreaterThanOrEqual(config.minTerms);
        expect(checked.terms).toBeLessThanOrEqual(config.maxTerms);
        expect(checked.depth).toBeLessThanOrEqual(config.maxDepth);
        for (const operator of item.question.replace(' = ?', '').match(/ [-+*/] /g) ?? []) {
          expect(config.operators).toContain(operator.trim());
        }
      }),
      { numRuns: 3000 },
    );
  });

  test('mistakes are integers that differ from the gold answer and end their solution', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: defaultSpace.size - 1 }), fc.nat(), (index, seed) => {
        const item = defaultSpace.item(index);
        const mistakes = item.mistakes(rngFor(seed, index));
        expect(mistakes.some((mistake) => mistake.kind === 'off-by-one')).toBe(true);
        for (const mistake of mistakes) {
          expect(mistake.answer).toMatch(/^-?\d+$/);
          expect(mistake.answer).not.toBe(item.answer);
          expect(mistake.solution?.endsWith(`The answer is ${mistake.answer}.`)).toBe(true);
        }
      }),
      { numRuns: 2000 },
    );
  });

  test('the classic slips give the values a slip gives', () => {
    const space = orderOfOps.space(OrderOfOpsConfig.parse({ minTerms: 3, maxTerms: 4, maxOperand: 5, maxDepth: 1 }));
    const item = find(space, '3 + 4 * (5 - 2) = ?');
    expect(item.answer).toBe('15');
    expect(item.solution(item.answer)).toBe(
      'Inside the parentheses, subtract: 5 - 2 = 3, leaving 3 + 4 * 3. Multiply: 4 * 3 = 12, leaving 3 + 12. Add: 3 + 12 = 15. The answer is 15.',
    );
    const leftToRight = item.mistakes(rngFor(1, 2)).find((mistake) => mistake.kind === 'ignored-precedence');
    expect(leftToRight?.answer).toBe('21'); // (3 + 4) * 3
    expect(leftToRight?.solution).toBe(
      'Work from left to right. Inside the parentheses, subtract: 5 - 2 = 3, leaving 3 + 4 * 3. Add: 3 + 4 = 7, leaving 7 * 3. ' +
        'Multiply: 7 * 3 = 21. The answer is 21.',
    );
    const grouped = find(space, '2 * (3 + 4) = ?');
    const flat = grouped.mistakes(rngFor(1, 2)).find((mistake) => mistake.kind === 'ignored-parentheses');
    expect(flat?.answer).toBe('10'); // 2 * 3 + 4
    expect(flat?.solution).toBe('Drop the parentheses: 2 * 3 + 4. Multiply: 2 * 3 = 6, leaving 6 + 4. Add: 6 + 4 = 10. The answer is 10.');
  });


  test('small spaces are exhaustively injective, with every question valid', () => {
    for (const options of [
      { minTerms: 2, maxTerms: 4, minOperand: 0, maxOperand: 3, maxDepth: 2 },
      { minTerms: 5, maxTerms: 5, minOperand: 1, maxOperand: 2, maxDepth: 3, operators: '-*/' },
    ]) {
      const config = OrderOfOpsConfig.parse(options);
      const space = orderOfOps.space(config);
      const questions = new Set<string>();
      for (let index = 0; index < space.size; index += 1) {
        const item = space.item(index);
        questions.add(item.question);
        if (index % 97 === 0) expect(item.answer).toBe(math.format(check(item.question, config).value, { fraction: 'ratio' }).replace(/\/1$/, ''));
      }
      expect(questions.size).toBe(space.size);
    }
  });

  test('distinct indices give distinct questions over a large sample', () => {
    const space = orderOfOps.space(OrderOfOpsConfig.parse({ maxTerms: 6, maxDepth: 4, maxOperand: 30 }));
    const rng = rngFor(2, 0);
    const indices = new Set<number>();
    while (indices.size < 200_000) indices.add(space.draw(rng));
    const questions = new Set<string>();
    for (const index of indices) questions.add(space.item(index).question);
    expect(questions.size).toBe(indices.size);
  });

  test('every two-term question is there exactly once', () => {
    const config = OrderOfOpsConfig.parse({ minTerms: 2, maxTerms: 2, minOperand: 0, maxOperand: 9 });
    const space = orderOfOps.space(config);
    // + - *: any two operands; /: a nonzero divisor with any quotient.
    expect(space.size).toBe(3 * 10 * 10 + 9 * 10);
  });

  test('draw weights lengths by (terms - 1)^2: trivial two-number items are a small share, not a third', () => {
    const rng = rngFor(3, 0);
    const counts = new Map<unknown, number>();
    const draws = 14_000;
    for (let i = 0; i < draws; i += 1) {
      const index = defaultSpace.draw(rng);
      expect(index).toBeGreaterThanOrEqual(0);
      expect(index).toBeLessThan(defaultSpace.size);
      const terms = defaultSpace.item(index).meta?.terms;
      counts.set(terms, (counts.get(terms) ?? 0) + 1);
    }
    expect([...counts.keys()].sort()).toEqual([2, 3, 4]);
    // Weights 1 : 4 : 9 of 14.
    expect(Math.abs((counts.get(2) ?? 0) / draws - 1 / 14)).toBeLessThan(0.01);
    expect(Math.abs((counts.get(3) ?? 0) / draws - 4 / 14)).toBeLessThan(0.02);
    expect(Math.abs((counts.get(4) ?? 0) / draws - 9 / 14)).toBeLessThan(0.02);
    expect(termsWeight(2)).toBe(1);
  });

  test('the default output is not dominated by repeats of the few two-number questions', () => {
    const rng = rngFor(4, 0);
    const questions = new Map<string, number>();
    for (let i = 0; i < 20_000; i += 1) {
      const question = defaultSpace.item(defaultSpace.draw(rng)).question;
      questions.set(question, (questions.get(question) ?? 0) + 1);
    }
    // Review 4.3: 13,591 distinct in 20k and `96 / 8 = ?` 22 times when a third of draws had two numbers.
    expect(questions.size).toBeGreaterThan(18_000);
    expect(Math.max(...questions.values())).toBeLessThanOrEqual(10);
  });

  test('impossible options throw EmptySpaceError naming the flags', () => {
    const message = (options: Partial<OrderOfOpsConfig>) => {
      try {
        orderOfOps.space(OrderOfOpsConfig.parse(options));
      } catch (error) {
        expect(error).toBeInstanceOf(EmptySpaceError);
        return (error as Error).message;
      }
      throw new Error('expected EmptySpaceError');
    };
    expect(message({ minTerms: 5, maxTerms: 3 })).toMatchInlineSnapshot(`"order-of-ops: these options admit no question: --min-terms 5 is greater than --max-terms 3"`);
    expect(message({ minOperand: 9, maxOperand: 3 })).toMatchInlineSnapshot(`"order-of-ops: these options admit no question: --min-operand 9 is greater than --max-operand 3"`);
    expect(message({ operators: '/', minTerms: 3 })).toMatchInlineSnapshot(`"order-of-ops: these options admit no question: --operators / makes no exact expression with 3 to 4 terms (each division needs a plain number after it, and a number or a product ending in one before it)"`);
    expect(message({ operators: '/', minOperand: 0, maxOperand: 0 })).toMatchInlineSnapshot(`"order-of-ops: these options admit no question: --operators / with --max-operand 0 has no nonzero divisor"`);
    // A space too large to walk is refused by productSize, as a user error, before any value leaves the safe integers.
    expect(() => orderOfOps.space(OrderOfOpsConfig.parse({ maxOperand: 1000, maxTerms: 6, maxDepth: 0 }))).toThrow(SpaceTooLargeError);
  });

  test('the config is strict and validates operators', () => {
    expect(OrderOfOpsConfig.safeParse({ colour: 'red' }).success).toBe(false);
    expect(OrderOfOpsConfig.safeParse({ operators: '+^' }).success).toBe(false);
    expect(OrderOfOpsConfig.safeParse({ maxTerms: 7 }).success).toBe(false);
  });
});

function find(space: ReturnType<typeof orderOfOps.space>, question: string) {
  for (let index = 0; index < space.size; index += 1) {
    const item = space.item(index);
    if (item.question === question) return item;
  }
  throw new Error(`not generated: ${question}`);
}
