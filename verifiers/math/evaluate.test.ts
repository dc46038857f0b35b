import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { node, type MathNode } from './ast.js';
import { BigRational } from './big-rational.js';
import { complexAt, evaluateExact, evaluateFloat, evaluateNumeric, integerRoot, type NumericResult } from './evaluate.js';

const int = (value: number | bigint): MathNode => node.number(BigRational.of(value));
const frac = (num: number, den: number): MathNode => node.number(BigRational.of(num, den));
const neg = (value: MathNode): MathNode => node.mul(int(-1), value);
const inverse = (value: MathNode): MathNode => node.pow(value, int(-1));
const sqrt = (value: MathNode): MathNode => node.pow(value, frac(1, 2));
const x = node.symbol('x');
const i = node.symbol('i');
const pi = node.symbol('pi');

function exact(value: MathNode): string | undefined {
  return evaluateExact(value)?.toString();
}

function numeric(value: MathNode, scope: Record<string, [number, number]> = {}): NumericResult {
  const entries = Object.entries(scope).map(([name, [re, im]]) => [name, complexAt(50, re, im)] as const);
  return evaluateNumeric(value, { precision: 50, scope: new Map(entries) });
}

function approximately(value: MathNode, scope: Record<string, [number, number]> = {}): [number, number] {
  const result = numeric(value, scope);
  if (!result.ok) throw new Error(result.reason);
  return [result.value.re.toNumber(), result.value.im.toNumber()];
}

describe('evaluateExact', () => {
  test('rational arithmetic is exact', () => {
    expect(exact(node.add(frac(1, 3), frac(1, 6)))).toBe('1/2');
    expect(exact(node.mul(int(6), inverse(int(4))))).toBe('3/2');
    expect(exact(node.add(int(1), neg(node.pow(int(10), int(-30)))))).toBe(`${'9'.repeat(30)}/1${'0'.repeat(30)}`);
  });

  test('integer powers, including negative exponents and big results', () => {
    expect(exact(node.pow(int(2), int(10)))).toBe('1024');
    expect(exact(node.pow(frac(2, 3), int(-2)))).toBe('9/4');
    expect(exact(node.pow(int(10), int(400)))).toBe(`1${'0'.repeat(400)}`);
    expect(exact(node.pow(int(-1), int(1001)))).toBe('-1');
  });

  test('roots of perfect powers are exact, others are not', () => {
    expect(exact(sqrt(int(16)))).toBe('4');
    expect(exact(node.pow(frac(4, 9), frac(1, 2)))).toBe('2/3');
    expect(exact(node.pow(int(8), frac(2, 3)))).toBe('4');
    expect(exact(node.pow(int(-8), frac(1, 3)))).toBe('-2');
    expect(exact(sqrt(int(2)))).toBeUndefined();
    expect(exact(sqrt(int(-4)))).toBeUndefined();
    expect(integerRoot(12345678987654321n ** 3n, 3n)).toBe(12345678987654321n);
    expect(integerRoot(12345678987654321n ** 3n + 1n, 3n)).toBeUndefined();
  });

  test('factorial, binom, gcd, lcm, abs, floor, ceil', () => {
    expect(exact(node.func('factorial', int(20)))).toBe('2432902008176640000');
    expect(exact(node.func('binom', int(10), int(3)))).toBe('120');
    expect(exact(node.func('gcd', int(12), int(18)))).toBe('6');
    expect(exact(node.func('lcm', int(4), int(6)))).toBe('12');
    expect(exact(node.func('abs', int(-5)))).toBe('5');
    expect(exact(node.func('floor', frac(-7, 2)))).toBe('-4');
    expect(exact(node.func('ceil', frac(7, 2)))).toBe('4');
    expect(exact(node.func('factorial', frac(1, 2)))).toBeUndefined();
  });

  test('variables, constants, division by zero have no exact value', () => {
    expect(exact(x)).toBeUndefined();
    expect(exact(pi)).toBeUndefined();
    expect(exact(inverse(int(0)))).toBeUndefined();
  });
});

describe('evaluateNumeric', () => {
  test('constants and the imaginary unit', () => {
    expect(approximately(pi)[0]).toBeCloseTo(Math.PI, 14);
    expect(approximately(node.symbol('e'))[0]).toBeCloseTo(Math.E, 14);
    expect(approximately(node.pow(i, int(2)))).toEqual([-1, 0]);
  });

  test('e^{i pi} is -1 to 40 digits', () => {
    const result = numeric(node.pow(node.symbol('e'), node.mul(i, pi)));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.re.plus(1).abs().lt(1e-45)).toBe(true);
    expect(result.value.im.abs().lt(1e-45)).toBe(true);
  });

  test('principal square root of a negative number; real odd roots', () => {
    expect(approximately(sqrt(int(-1)))).toEqual([0, 1]);
    expect(approximately(node.pow(int(-27), frac(1, 3)))[0]).toBeCloseTo(-3, 14);
  });

  test('trigonometric, inverse trigonometric, logarithms and exponentials', () => {
    expect(approximately(node.func('sin', node.mul(pi, frac(1, 6))))[0]).toBeCloseTo(0.5, 14);
    expect(approximately(node.func('cos', node.mul(pi, frac(2, 3))))[0]).toBeCloseTo(-0.5, 14);
    expect(approximately(node.func('tan', frac(1, 3)))[0]).toBeCloseTo(Math.tan(1 / 3), 14);
    expect(approximately(node.func('arcsin', int(1)))[0]).toBeCloseTo(Math.PI / 2, 14);
    expect(approximately(node.func('arctan', int(1)))[0]).toBeCloseTo(Math.PI / 4, 14);
    expect(approximately(node.func('ln', node.symbol('e')))[0]).toBeCloseTo(1, 14);
    expect(approximately(node.func('log', int(1000)))[0]).toBeCloseTo(3, 14);
    expect(approximately(node.func('log', int(8), int(2)))[0]).toBeCloseTo(3, 14);
    expect(approximately(node.func('exp', int(2)))[0]).toBeCloseTo(Math.exp(2), 12);
    expect(approximately(node.func('abs', node.add(int(3), node.mul(int(4), i))))[0]).toBeCloseTo(5, 14);
    expect(approximately(node.func('factorial', int(5)))[0]).toBe(120);
  });

  test('complex arguments of trigonometric and inverse functions', () => {
    const z = node.symbol('z');
    const [re, im] = approximately(node.func('sin', node.func('arcsin', z)), { z: [1.5, 0.7] });
    expect(re).toBeCloseTo(1.5, 12);
    expect(im).toBeCloseTo(0.7, 12);
    const [tanRe, tanIm] = approximately(node.func('tan', node.func('arctan', z)), { z: [0.3, -2] });
    expect(tanRe).toBeCloseTo(0.3, 12);
    expect(tanIm).toBeCloseTo(-2, 12);
  });

  test('variables take their probe values', () => {
    expect(approximately(node.add(node.pow(x, int(2)), int(1)), { x: [0.5, 0] })[0]).toBeCloseTo(1.25, 14);
    expect(approximately(node.pow(x, int(2)), { x: [0, 1] })).toEqual([-1, 0]);
  });

  test('undefined points are reported as such', () => {
    expect(numeric(inverse(int(0)))).toMatchObject({ ok: false, kind: 'undefined' });
    expect(numeric(node.func('ln', int(0)))).toMatchObject({ ok: false, kind: 'undefined' });
    expect(numeric(inverse(node.add(x, int(-1))), { x: [1, 0] })).toMatchObject({ ok: false, kind: 'undefined' });
    expect(numeric(node.func('factorial', frac(1, 2)))).toMatchObject({ ok: false, kind: 'undefined' });
  });

  test('what has no numeric meaning is unsupported, not undefined', () => {
    expect(numeric(node.symbol('infinity'))).toMatchObject({ ok: false, kind: 'unsupported' });
    expect(numeric(node.func('zeta', int(3)))).toMatchObject({ ok: false, kind: 'unsupported' });
    expect(numeric(x)).toMatchObject({ ok: false, kind: 'unsupported' });
  });

  test('big magnitudes neither overflow nor round to each other', () => {
    const a = numeric(node.pow(int(10), int(400)));
    const b = numeric(node.pow(int(10), int(401)));
    expect(a.ok && b.ok && !a.value.re.eq(b.value.re)).toBe(true);
    expect(a.ok && a.value.re.isFinite()).toBe(true);
  });
});

describe('evaluateFloat', () => {
  const z = node.symbol('z');
  const expressions: [string, MathNode][] = [
    ['polynomial', node.add(node.pow(z, int(3)), node.mul(int(-2), z), frac(1, 3))],
    ['rational function', node.mul(node.add(z, int(2)), inverse(node.add(node.pow(z, int(2)), int(5))))],
    ['root and log', node.add(sqrt(z), node.func('ln', z), node.pow(z, frac(1, 3)))],
    ['trigonometry', node.add(node.func('sin', z), node.func('tan', z), node.func('arctan', z), node.func('arcsin', z), node.func('arccos', z))],
    ['exponential', node.add(node.func('exp', z), node.pow(node.symbol('e'), node.mul(i, z)), node.func('cosh', z), node.func('log', z, int(3)))],
    ['symbolic power', node.pow(node.add(z, int(3)), z)],
  ];
  // Probe points are never subnormal, where doubles lose their relative precision.
  const coordinate = fc.integer({ min: -3_000_000, max: 3_000_000 }).map((value) => value / 1_000_000);
  const point = fc.tuple(coordinate, coordinate);

  test.each(expressions)('%s: doubles agree with the 50-digit evaluation', (_name, expression) => {
    fc.assert(
      fc.property(point, ([re, im]) => {
        const float = evaluateFloat(expression, new Map([['z', [re, im] as const]]));
        const precise = numeric(expression, { z: [re, im] });
        if (!float.ok || !precise.ok) return float.ok === precise.ok || !float.ok;
        const error = Math.hypot(float.value[0] - precise.value.re.toNumber(), float.value[1] - precise.value.im.toNumber());
        return error <= 1e-9 * Math.max(1, float.scale);
      }),
      { numRuns: 50 },
    );
  });

  test('undefined and unsupported as in evaluateNumeric', () => {
    expect(evaluateFloat(inverse(int(0)), new Map())).toMatchObject({ ok: false, kind: 'undefined' });
    expect(evaluateFloat(node.symbol('infinity'), new Map())).toMatchObject({ ok: false, kind: 'unsupported' });
  });
});
