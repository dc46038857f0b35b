import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { node, type MathNode, type RelationOperator } from './ast.js';
import { BigRational } from './big-rational.js';
import { compareNodes, type CompareResult } from './compare.js';
import { defaultMathPolicy, type MathPolicy } from './policy.js';

const int = (value: number | bigint): MathNode => node.number(BigRational.of(value));
const frac = (num: number | bigint, den: number | bigint): MathNode => node.number(BigRational.of(num, den));
const dec = (text: string): MathNode => node.number(BigRational.parseDecimal(text)!, { decimal: true });
const percent = (text: string): MathNode => node.number(BigRational.parseDecimal(text)!.div(BigRational.of(100)), { percent: true });
const neg = (value: MathNode): MathNode => node.mul(int(-1), value);
const sub = (a: MathNode, b: MathNode): MathNode => node.add(a, neg(b));
const div = (a: MathNode, b: MathNode): MathNode => node.mul(a, node.pow(b, int(-1)));
const sqrt = (value: MathNode): MathNode => node.pow(value, frac(1, 2));
const eq = (a: MathNode, b: MathNode): MathNode => node.relation([a, b], ['=']);
const x = node.symbol('x');
const y = node.symbol('y');
const i = node.symbol('i');
const e = node.symbol('e');
const pi = node.symbol('pi');
const infinity = node.symbol('infinity');

function compare(gold: MathNode, predicted: MathNode, policy: Partial<MathPolicy> = {}): CompareResult {
  return compareNodes(gold, predicted, { policy: { ...defaultMathPolicy, ...policy } });
}
const isEqual = (gold: MathNode, predicted: MathNode, policy: Partial<MathPolicy> = {}): boolean => compare(gold, predicted, policy).equal;

describe('structure', () => {
  test('tuples are ordered and element-wise', () => {
    expect(isEqual(node.tuple(int(1), int(2)), node.tuple(int(1), int(2)))).toBe(true);
    expect(isEqual(node.tuple(int(1), int(2)), node.tuple(int(2), int(1)))).toBe(false);
    expect(isEqual(node.tuple(sqrt(int(2)), int(1)), node.tuple(div(int(2), sqrt(int(2))), frac(2, 2)))).toBe(true);
    expect(isEqual(node.tuple(int(1), int(2)), node.tuple(int(1), int(2), int(3)))).toBe(false);
  });

  test('sets are unordered, with duplicates removed', () => {
    expect(isEqual(node.set(int(1), int(2), int(3)), node.set(int(3), int(2), int(1)))).toBe(true);
    expect(isEqual(node.set(int(1), int(2)), node.set(int(2), int(1), int(2)))).toBe(true);
    expect(isEqual(node.set(int(2), int(3), int(5), int(7)), node.set(int(2), int(3), int(5), int(7), int(9)))).toBe(false);
    expect(isEqual(node.set(sqrt(int(2)), neg(sqrt(int(2)))), node.set(neg(sqrt(int(2))), div(int(2), sqrt(int(2)))))).toBe(true);
    expect(isEqual(node.set(), node.set())).toBe(true);
    expect(isEqual(node.set(), node.set(int(0)))).toBe(false);
  });

  test('intervals compare ends and openness; infinite ends ignore openness', () => {
    const minusInfinity = neg(infinity);
    expect(isEqual(node.interval(int(0), infinity, true, false), node.interval(int(0), infinity, true, false))).toBe(true);
    expect(isEqual(node.interval(minusInfinity, int(1), false, true), node.interval(minusInfinity, int(1), false, false))).toBe(false);
    expect(isEqual(node.interval(int(0), infinity, true, false), node.interval(int(0), infinity, true, true))).toBe(true);
    expect(isEqual(node.interval(int(0), int(1), true, false), node.interval(int(0), int(2), true, false))).toBe(false);
    expect(isEqual(node.interval(int(2), infinity, false, false), node.interval(minusInfinity, int(2), false, false))).toBe(false);
  });

  test('unions are order-free', () => {
    const left = node.interval(neg(infinity), int(-2), false, false);
    const right = node.interval(int(2), infinity, false, false);
    expect(isEqual(node.union(left, right), node.union(right, left))).toBe(true);
    expect(isEqual(node.union(left, right), node.union(left, node.interval(int(3), infinity, false, false)))).toBe(false);
  });

  test('matrices compare shape, then elements; a scalar factor distributes', () => {
    const gold = node.matrix([[frac(1, 2), int(0)], [int(0), frac(1, 2)]]);
    expect(isEqual(gold, node.matrix([[dec('0.5'), int(0)], [int(0), dec('0.5')]]))).toBe(true);
    expect(isEqual(node.matrix([[int(1), int(2)], [int(3), int(4)]]), node.matrix([[int(1), int(2), int(3), int(4)]]))).toBe(false);
    expect(isEqual(node.matrix([[int(1), int(2)], [int(3), int(4)]]), node.matrix([[int(1), int(2)], [int(3), int(5)]]))).toBe(false);
    const factored = node.mul(frac(1, 5), node.matrix([[int(1), int(2)], [int(2), int(4)]]));
    expect(isEqual(node.matrix([[frac(1, 5), frac(2, 5)], [frac(2, 5), frac(4, 5)]]), factored)).toBe(true);
  });

  test('a tuple equals a one-column matrix of the same entries', () => {
    expect(isEqual(node.tuple(int(1), int(2), int(3)), node.matrix([[int(1)], [int(2)], [int(3)]]))).toBe(true);
  });

  test('different kinds are not equal', () => {
    expect(compare(node.tuple(int(1), int(2)), int(1))).toMatchObject({ equal: false, method: 'kind-mismatch' });
    expect(isEqual(node.text('yes'), int(1))).toBe(false);
    expect(isEqual(node.matrix([[int(1)]]), node.set(int(1), int(2)))).toBe(false);
  });
});

describe('relations', () => {
  test('a flipped inequality is the same inequality', () => {
    expect(isEqual(node.relation([x, int(3)], ['<']), node.relation([int(3), x], ['>']))).toBe(true);
    expect(isEqual(node.relation([x, int(3)], ['<']), node.relation([x, int(3)], ['<=']))).toBe(false);
    expect(isEqual(node.relation([x, int(2)], ['>']), node.relation([x, int(-2)], ['>']))).toBe(false);
    expect(isEqual(node.relation([x, int(-3)], ['<=']), node.relation([x, int(-3)], ['>=']))).toBe(false);
  });

  test('chains read in either direction; |x| < 2 is -2 < x < 2', () => {
    const chain = node.relation([int(-2), x, int(2)], ['<', '<']);
    expect(isEqual(chain, node.relation([int(2), x, int(-2)], ['>', '>']))).toBe(true);
    expect(isEqual(chain, node.relation([node.func('abs', x), int(2)], ['<']))).toBe(true);
    expect(isEqual(chain, node.relation([int(-2), x, int(2)], ['<=', '<']))).toBe(false);
  });

  test('a = b equals b = a', () => {
    expect(isEqual(eq(y, node.add(node.mul(int(2), x), int(3))), eq(node.add(int(3), node.mul(int(2), x)), y))).toBe(true);
    expect(isEqual(eq(y, node.add(node.mul(int(2), x), int(3))), eq(y, node.add(node.mul(int(2), x), int(-3))))).toBe(false);
  });

  test('equations are equal up to a nonzero constant factor: 2x+2=0 vs x+1=0', () => {
    const result = compare(eq(node.add(node.mul(int(2), x), int(2)), int(0)), eq(node.add(x, int(1)), int(0)));
    expect(result).toMatchObject({ equal: true, probedOnly: true });
    expect(isEqual(eq(node.add(x, y), int(1)), eq(neg(node.add(x, y)), int(-1)))).toBe(true);
  });

  test('3x - y + 13 = 0 is not 3x + 4y + 14 = 0 (a known false positive elsewhere)', () => {
    const gold = eq(node.add(node.mul(int(3), x), neg(y), int(13)), int(0));
    const predicted = eq(node.add(node.mul(int(3), x), node.mul(int(4), y), int(14)), int(0));
    expect(isEqual(gold, predicted)).toBe(false);
  });

  test('inequalities scale only by a positive constant', () => {
    expect(isEqual(node.relation([node.add(x, y), int(1)], ['<']), node.relation([node.mul(int(2), node.add(x, y)), int(2)], ['<']))).toBe(true);
    expect(isEqual(node.relation([node.add(x, y), int(1)], ['<']), node.relation([neg(node.add(x, y)), int(-1)], ['<']))).toBe(false);
  });

  test('policy: a solved inequality matches an interval, both directions', () => {
    const interval = node.interval(int(2), infinity, false, false);
    expect(isEqual(node.relation([x, int(2)], ['>']), interval)).toBe(true);
    expect(isEqual(interval, node.relation([x, int(2)], ['>']))).toBe(true);
    expect(isEqual(node.interval(int(3), infinity, false, false), node.relation([x, int(3)], ['<']))).toBe(false);
    expect(isEqual(node.relation([x, int(2)], ['>']), interval, { inequalityMatchesInterval: false })).toBe(false);
  });

  test('inequalities joined by "or" match a union of intervals', () => {
    const union = node.union(node.interval(neg(infinity), int(-1), false, false), node.interval(int(1), infinity, false, false));
    const solved = node.set(node.relation([x, int(-1)], ['<']), node.relation([x, int(1)], ['>']));
    expect(isEqual(union, solved)).toBe(true);
    expect(isEqual(solved, union)).toBe(true);
    expect(isEqual(union, node.set(node.relation([x, int(-1)], ['<']), node.relation([x, int(1)], ['>='])))).toBe(false);
    expect(isEqual(union, node.relation([node.func('abs', x), int(1)], ['>']))).toBe(true);
  });

  test('an assignment unwraps: x = 5 vs 5, and 5 vs x = 5', () => {
    expect(isEqual(eq(x, int(5)), int(5))).toBe(true);
    expect(isEqual(int(5), eq(x, int(5)))).toBe(true);
    expect(isEqual(int(5), node.relation([x, node.add(int(2), int(3)), int(5)], ['=', '=']))).toBe(true);
    expect(isEqual(eq(x, int(5)), int(6))).toBe(false);
  });

  test('solutions as assignments match a set of values', () => {
    expect(isEqual(node.set(int(2), int(3)), node.set(eq(x, int(3)), eq(x, int(2))))).toBe(true);
    expect(isEqual(node.set(int(0), int(1), int(4)), node.set(int(0), int(1), int(-4)))).toBe(false);
  });
});

describe('policy conversions', () => {
  test('a singleton set matches its element', () => {
    expect(isEqual(node.set(int(0)), int(0))).toBe(true);
    expect(isEqual(int(7), node.set(int(7)))).toBe(true);
    expect(isEqual(node.set(int(0)), int(0), { singletonSetMatchesElement: false })).toBe(false);
  });

  test('percent: gold 25% accepts 25, 0.25 and 25%', () => {
    const gold = percent('25');
    expect(isEqual(gold, int(25))).toBe(true);
    expect(isEqual(gold, dec('0.25'))).toBe(true);
    expect(isEqual(gold, percent('25'))).toBe(true);
    expect(isEqual(gold, int(26))).toBe(false);
    expect(isEqual(gold, int(25), { percentOptional: false })).toBe(false);
    expect(isEqual(gold, dec('0.25'), { percentOptional: false })).toBe(true);
    expect(isEqual(int(40), percent('40'))).toBe(true);
  });

  test('removable singularities follow the policy', () => {
    const gold = div(sub(node.pow(x, int(2)), int(1)), sub(x, int(1)));
    expect(compare(gold, node.add(x, int(1)))).toMatchObject({ equal: true, probedOnly: true });
    expect(isEqual(gold, node.add(x, int(1)), { removableSingularities: false })).toBe(false);
  });

  test('j is the imaginary unit when no i appears', () => {
    expect(isEqual(node.add(int(2), node.mul(int(3), i)), node.add(int(2), node.mul(int(3), node.symbol('j'))))).toBe(true);
    expect(isEqual(node.add(int(2), node.mul(int(3), i)), node.add(int(2), node.mul(int(3), node.symbol('j'))), { jIsImaginary: false })).toBe(false);
  });
});

describe('exact arithmetic', () => {
  test('integers are never compared with tolerance', () => {
    expect(isEqual(int(1000001), int(1000000))).toBe(false);
    expect(isEqual(int(1000000), dec('1000001.0'))).toBe(false);
    expect(isEqual(int(3), dec('2.9999999'))).toBe(false);
    expect(isEqual(int(1500), dec('1.5e3'))).toBe(true);
  });

  test('10^{400} vs 10^{401} and 1 - 10^{-30} vs 1 differ', () => {
    expect(isEqual(node.pow(int(10), int(400)), node.pow(int(10), int(401)))).toBe(false);
    expect(isEqual(sub(int(1), node.pow(int(10), int(-30))), int(1))).toBe(false);
    expect(isEqual(node.add(node.pow(int(10), int(400)), sqrt(int(2))), node.add(node.pow(int(10), int(400)), sqrt(int(2))))).toBe(true);
    expect(isEqual(node.add(node.pow(int(10), int(200)), sqrt(int(2))), node.pow(int(10), int(200)))).toBe(false);
  });

  test('unsimplified fractions equal their value', () => {
    expect(compare(frac(5, 12), div(int(10), int(24)))).toMatchObject({ equal: true, method: 'exact' });
    expect(isEqual(frac(5, 12), frac(5, 13))).toBe(false);
  });

  test('tiny values: 1/100! vs 1/101!', () => {
    expect(isEqual(div(int(1), node.func('factorial', int(100))), div(int(1), node.func('factorial', int(101))))).toBe(false);
  });
});

describe('decimal tolerance', () => {
  test('only a finite decimal literal side permits tolerance: 0.333 != 1/3, 0.3333333 == 1/3', () => {
    expect(isEqual(frac(1, 3), dec('0.333'))).toBe(false);
    expect(compare(frac(1, 3), dec('0.3333333'))).toMatchObject({ equal: true, method: 'decimal-tolerance' });
    expect(isEqual(frac(2, 3), dec('0.666667'))).toBe(true);
    expect(isEqual(dec('0.3'), dec('0.30000000000000004'))).toBe(true);
    expect(isEqual(dec('0.000001'), dec('0.000002'))).toBe(false);
  });

  test('irrational golds against decimals', () => {
    expect(isEqual(sqrt(int(2)), dec('1.41421356'))).toBe(true);
    expect(isEqual(sqrt(int(2)), dec('1.414'))).toBe(false);
    expect(isEqual(node.mul(pi, frac(1, 2)), dec('1.5707963'))).toBe(true);
    expect(isEqual(pi, dec('3.14'))).toBe(false);
  });

  test('without a decimal literal, close values differ', () => {
    expect(isEqual(frac(1, 3), frac(333333333, 1000000000))).toBe(false);
    expect(isEqual(sqrt(int(2)), frac(141421356, 100000000))).toBe(false);
  });
});

describe('numeric and probed equivalence', () => {
  test('(x+1)^2 equals x^2+2x+1, and records that the pass rests on probing', () => {
    const result = compare(node.pow(node.add(x, int(1)), int(2)), node.add(node.pow(x, int(2)), node.mul(int(2), x), int(1)));
    expect(result).toMatchObject({ equal: true, method: 'probe', probedOnly: true });
    expect(result.details).toMatchObject({ points: 20, precision: expect.any(Number), variables: ['x'] });
    expect(result.details['validPoints']).toBeGreaterThanOrEqual(8);
  });

  test('sin^2 x + cos^2 x equals 1', () => {
    const identity = node.add(node.pow(node.func('sin', x), int(2)), node.pow(node.func('cos', x), int(2)));
    expect(compare(identity, int(1))).toMatchObject({ equal: true, probedOnly: true });
    expect(isEqual(node.func('cos', x), node.func('sin', node.add(x, div(pi, int(2)))))).toBe(true);
  });

  test('1/(2 - sqrt 3) equals 2 + sqrt 3', () => {
    expect(compare(div(int(1), sub(int(2), sqrt(int(3)))), node.add(int(2), sqrt(int(3))))).toMatchObject({ equal: true, method: 'numeric', probedOnly: true });
  });

  test('complex forms: e^{i pi} = -1, sqrt(-1) = i, 2/(1+i) = 1-i', () => {
    expect(isEqual(int(-1), node.pow(e, node.mul(i, pi)))).toBe(true);
    expect(isEqual(i, sqrt(int(-1)))).toBe(true);
    expect(isEqual(sub(int(1), i), div(int(2), node.add(int(1), i)))).toBe(true);
    expect(isEqual(sub(int(1), i), node.add(int(1), i))).toBe(false);
  });

  test('trig values: sin(pi/6) = 1/2, cos(2pi/3) = -1/2', () => {
    expect(isEqual(frac(1, 2), node.func('sin', div(pi, int(6))))).toBe(true);
    expect(isEqual(frac(-1, 2), node.func('cos', node.mul(frac(2, 3), pi)))).toBe(true);
  });

  test('symbolic near misses differ', () => {
    expect(isEqual(node.pow(sub(node.symbol('a'), node.symbol('b')), int(2)), sub(node.pow(node.symbol('a'), int(2)), node.pow(node.symbol('b'), int(2))))).toBe(false);
    expect(isEqual(x, sqrt(node.pow(x, int(2))))).toBe(false);
    expect(isEqual(node.mul(int(3), node.pow(x, int(2))), node.mul(int(3), node.pow(x, int(3))))).toBe(false);
    expect(isEqual(node.mul(pi, node.pow(node.symbol('r'), int(2))), node.mul(node.pow(node.symbol('r'), int(2)), pi))).toBe(true);
  });

  test('probing states its points and precision: 4 random points always at full precision, the rest screened in doubles', () => {
    const result = compare(node.func('cos', x), node.func('sin', node.add(x, div(pi, int(2)))));
    expect(result.details).toMatchObject({ points: 20, precision: expect.any(Number), tolerance: expect.any(String), seed: expect.any(Number) });
    expect(result.details['precisePoints']).toBeGreaterThanOrEqual(4);
  });

  test('cancellation in doubles does not decide: (x + 10^{20}) - 10^{20} is x, not x + 1', () => {
    const big = node.pow(int(10), int(20));
    const cancelled = sub(node.add(x, big), big);
    expect(compare(x, cancelled)).toMatchObject({ equal: true, probedOnly: true });
    expect(isEqual(node.add(x, int(1)), cancelled)).toBe(false);
    expect(isEqual(node.add(x, node.pow(int(10), int(-30))), x)).toBe(false);
  });

  test('the same seed gives the same details', () => {
    const gold = node.pow(node.add(x, int(1)), int(2));
    const predicted = node.add(node.pow(x, int(2)), node.mul(int(2), x), int(1));
    const options = { policy: defaultMathPolicy, seed: 7 };
    expect(compareNodes(gold, predicted, options)).toEqual(compareNodes(gold, predicted, options));
  });

  test('infinity equals only infinity of the same sign; 1/0 is not infinity', () => {
    expect(isEqual(infinity, infinity)).toBe(true);
    expect(isEqual(infinity, neg(infinity))).toBe(false);
    expect(isEqual(infinity, div(int(1), int(0)))).toBe(false);
  });

  test('an undefined prediction is not equal to a defined gold; an unknown function is undecidable', () => {
    expect(compare(int(5), div(int(1), int(0)))).toMatchObject({ equal: false });
    expect(compare(int(5), node.func('zeta', int(3)))).toMatchObject({ equal: false, undecidable: true });
  });
});

describe('text and choices', () => {
  test('text is case- and space-insensitive', () => {
    expect(isEqual(node.text('yes'), node.text('Yes'))).toBe(true);
    expect(isEqual(node.text('no solution'), node.text('NoSolution'))).toBe(true);
    expect(isEqual(node.text('True'), node.text('False'))).toBe(false);
    expect(isEqual(node.text('13'), int(13))).toBe(true);
  });

  test('choice letters', () => {
    expect(isEqual(node.choice('B'), node.choice('b'))).toBe(true);
    expect(isEqual(node.choice('B'), node.text('(B)'))).toBe(true);
    expect(isEqual(node.choice('B'), node.choice('C'))).toBe(false);
  });
});

describe('false positives known from other checkers are unequal', () => {
  test('1/2^{99} vs 1/2^{98}', () => {
    expect(isEqual(div(int(1), node.pow(int(2), int(99))), div(int(1), node.pow(int(2), int(98))))).toBe(false);
  });
  test('n = 2,3,4 vs n = 1,2,3', () => {
    const n = node.symbol('n');
    expect(isEqual(eq(n, node.set(int(2), int(3), int(4))), eq(n, node.set(int(1), int(2), int(3))))).toBe(false);
    expect(isEqual(node.set(eq(n, int(2)), int(3), int(4)), node.set(eq(n, int(1)), int(2), int(3)))).toBe(false);
  });
  test('\\pm 2021 (a set of two) vs 2021', () => {
    expect(isEqual(node.set(int(2021), int(-2021)), int(2021))).toBe(false);
  });
  test('1 - 1/e vs 1 + 1/e', () => {
    expect(isEqual(sub(int(1), div(int(1), e)), node.add(int(1), div(int(1), e)))).toBe(false);
  });
  test('the subset {1331, 1728} vs 1728', () => {
    expect(isEqual(node.set(int(1331), int(1728)), int(1728))).toBe(false);
    expect(isEqual(int(1728), node.set(int(1331), int(1728)))).toBe(false);
  });
});

describe('guards', () => {
  const bombs: [string, MathNode][] = [
    ['10^{10^{10}}', node.pow(int(10), node.pow(int(10), int(10)))],
    ['9^{9^{9}}', node.pow(int(9), node.pow(int(9), int(9)))],
    ['9^{9^{9^{9}}}', node.pow(int(9), node.pow(int(9), node.pow(int(9), int(9))))],
    ['100000!', node.func('factorial', int(100000))],
    ['x^{10^{10}}', node.pow(x, node.pow(int(10), int(10)))],
    ['3000-deep', Array.from({ length: 3000 }).reduce<MathNode>((inner) => node.add(inner, int(1)), int(0))],
  ];
  test.each(bombs)('%s is refused as undecidable in well under a second', (_name, bomb) => {
    const start = performance.now();
    expect(compare(int(0), bomb)).toMatchObject({ equal: false, undecidable: true, method: 'guard' });
    expect(compare(bomb, bomb)).toMatchObject({ equal: false, undecidable: true, method: 'guard' });
    expect(performance.now() - start).toBeLessThan(5000);
  });
});

const arbitraryNode = fc.letrec<{ tree: MathNode }>((tie) => ({
  tree: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc
      .tuple(fc.bigInt({ min: -(10n ** 40n), max: 10n ** 40n }), fc.bigInt({ min: 1n, max: 10n ** 5n }), fc.boolean(), fc.boolean())
      .map(([num, den, decimal, isPercent]) => node.number(BigRational.of(num, den), { decimal, percent: isPercent })),
    fc.constantFrom('x', 'y', 'pi', 'e', 'i', 'j', 'infinity').map(node.symbol),
    fc.array(tie('tree'), { maxLength: 4 }).map((terms) => node.add(...terms)),
    fc.array(tie('tree'), { maxLength: 4 }).map((factors) => node.mul(...factors)),
    fc.tuple(tie('tree'), tie('tree')).map(([base, exponent]) => node.pow(base, exponent)),
    fc
      .tuple(fc.constantFrom('sin', 'tan', 'ln', 'log', 'exp', 'abs', 'floor', 'factorial', 'binom', 'gcd', 'arcsin', 'arctan', 'sqrt', 'sec', 'sinh', 'unknown'), fc.array(tie('tree'), { maxLength: 3 }))
      .map(([name, args]) => node.func(name, ...args)),
    fc
      .tuple(tie('tree'), tie('tree'), tie('tree'), fc.constantFrom<RelationOperator[]>(['='], ['<'], ['>', '>'], ['<=', '<'], ['!='], ['>=']))
      .map(([a, b, c, operators]) => node.relation([a, b, c].slice(0, operators.length + 1), operators)),
    fc.array(tie('tree'), { maxLength: 3 }).map((items) => node.tuple(...items)),
    fc.array(tie('tree'), { maxLength: 3 }).map((items) => node.set(...items)),
    fc.tuple(tie('tree'), tie('tree'), fc.boolean(), fc.boolean()).map(([left, right, leftClosed, rightClosed]) => node.interval(left, right, leftClosed, rightClosed)),
    fc.array(tie('tree'), { maxLength: 3 }).map((items) => node.union(...items)),
    fc.array(fc.array(tie('tree'), { minLength: 1, maxLength: 2 }), { maxLength: 2 }).map((rows) => node.matrix(rows)),
    fc.string().map(node.text),
    fc.constantFrom('A', 'b', '(C)').map(node.choice),
  ),
})).tree;

describe('robustness', () => {
  test('numeric work is budgeted over the whole comparison: a large set of transcendental items is undecidable, not slow', () => {
    const items = (shift: number): MathNode[] => Array.from({ length: 150 }, (_, index) => node.func('sin', node.add(int(index + shift), sqrt(int(2)))));
    const start = performance.now();
    expect(compare(node.set(...items(0)), node.set(...items(1)))).toMatchObject({ equal: false, undecidable: true });
    expect(performance.now() - start).toBeLessThan(5000);
  });

  test('any pair of nodes gives a result without throwing, quickly; a node equals itself unless undecidable', () => {
    fc.assert(
      fc.property(arbitraryNode, arbitraryNode, (gold, predicted) => {
        const start = performance.now();
        compare(gold, predicted);
        const self = compare(gold, gold);
        expect(self.equal || self.undecidable === true).toBe(true);
        expect(performance.now() - start).toBeLessThan(5000);
      }),
      { numRuns: 300 },
    );
  });
});

describe('properties', () => {
  const fraction = fc.tuple(fc.integer({ min: -100_000, max: 100_000 }), fc.integer({ min: 1, max: 10_000 }));

  test('a fraction equals its decimal written with enough digits', () => {
    fc.assert(
      fc.property(fraction, ([num, den]) => {
        const value = BigRational.of(num, den);
        const digits = 12;
        const scaled = (value.num * 10n ** BigInt(digits)) / value.den;
        const text = `${scaled < 0n || (scaled === 0n && value.num < 0n) ? '-' : ''}${(scaled < 0n ? -scaled : scaled).toString().padStart(digits + 1, '0').replace(new RegExp(`(\\d{${digits}})$`), '.$1')}`;
        return compare(node.number(value), dec(text)).equal;
      }),
    );
  });

  test('a permuted set equals the original', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: -1000, max: 1000 }), { minLength: 1, maxLength: 12 }), fc.infiniteStream(fc.nat()), (values, randomness) => {
        const shuffled = [...values];
        const stream = randomness[Symbol.iterator]();
        for (let index = shuffled.length - 1; index > 0; index -= 1) {
          const other = stream.next().value % (index + 1);
          [shuffled[index], shuffled[other]] = [shuffled[other]!, shuffled[index]!];
        }
        const withIrrational = (items: number[]): MathNode[] => [...items.map((value) => int(value)), sqrt(int(2))];
        return compare(node.set(...withIrrational(values)), node.set(...withIrrational(shuffled))).equal;
      }),
    );
  });

  test('a rescaled equation equals the original', () => {
    const coefficient = fc.integer({ min: -20, max: 20 });
    fc.assert(
      fc.property(coefficient, coefficient, coefficient, fc.integer({ min: -9, max: 9 }).filter((factor) => factor !== 0), (a, b, c, factor) => {
        fc.pre(a !== 0 || b !== 0);
        const left = (scale: number): MathNode => node.add(node.mul(int(a * scale), x), node.mul(int(b * scale), y), int(c * scale));
        return compare(eq(left(1), int(0)), eq(left(factor), int(0))).equal;
      }),
      { numRuns: 40 },
    );
  });

  test('perturbed answers are unequal: off by one, sign flip, a changed digit', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: 10n ** 30n }), fc.nat(), fc.integer({ min: 1, max: 9 }), (value, position, delta) => {
        const gold = int(value);
        const text = value.toString();
        const index = position % text.length;
        const digit = (Number(text[index]) + delta) % 10;
        const changed = BigInt(`${text.slice(0, index)}${digit}${text.slice(index + 1)}`);
        return (
          !compare(gold, int(value + 1n)).equal &&
          !compare(gold, int(value - 1n)).equal &&
          !compare(gold, int(-value)).equal &&
          !compare(gold, int(changed)).equal &&
          !compare(node.tuple(gold, int(1)), node.tuple(int(value + 1n), int(1))).equal
        );
      }),
    );
  });

  test('perturbed symbolic answers are unequal', () => {
    fc.assert(
      fc.property(fc.integer({ min: -9, max: 9 }), fc.integer({ min: -9, max: 9 }), fc.integer({ min: 1, max: 3 }), (a, b, delta) => {
        const gold = node.add(node.mul(int(a), node.pow(x, int(2))), node.mul(int(b), x));
        return !compare(gold, node.add(node.mul(int(a), node.pow(x, int(2))), node.mul(int(b + delta), x))).equal;
      }),
      { numRuns: 40 },
    );
  });
});

describe('two decimal literals', () => {
  test('agree only at the places of the coarser one, besides the relative tolerance', () => {
    expect(isEqual(dec('123456.7'), dec('123456.8'))).toBe(false);
    expect(isEqual(dec('123456.7'), dec('123456.79'))).toBe(false);
    expect(isEqual(dec('123456.7'), dec('123456.70001'))).toBe(true);
    expect(isEqual(dec('0.1'), dec('0.1000001'))).toBe(true);
    expect(isEqual(dec('2.50'), dec('2.5'))).toBe(true);
  });

  test('one literal against an exact value keeps the relative tolerance (a truncation may pass)', () => {
    expect(isEqual(pi, dec('3.1415926'))).toBe(true);
    expect(isEqual(frac(1, 3), dec('0.333'))).toBe(false);
  });
});
