import { describe, expect, test } from 'vitest';
import { node, type MathNode } from './ast.js';
import { BigRational } from './big-rational.js';
import { checkGuards, defaultGuardLimits } from './guards.js';

const int = (value: number | bigint): MathNode => node.number(BigRational.of(value));
const x = node.symbol('x');

function nested(depth: number): MathNode {
  let current: MathNode = int(1);
  for (let index = 0; index < depth; index += 1) current = node.add(current, int(1));
  return current;
}

function timed<T>(work: () => T): { result: T; milliseconds: number } {
  const start = performance.now();
  const result = work();
  return { result, milliseconds: performance.now() - start };
}

describe('checkGuards', () => {
  test('ordinary answers pass', () => {
    expect(checkGuards(node.add(node.pow(x, int(2)), node.mul(int(2), x), int(1)))).toMatchObject({ ok: true });
    expect(checkGuards(node.pow(int(2), int(2024)))).toMatchObject({ ok: true });
    expect(checkGuards(node.func('factorial', int(100)))).toMatchObject({ ok: true });
    expect(checkGuards(node.func('binom', int(1000), int(500)))).toMatchObject({ ok: true });
    expect(checkGuards(node.text('yes'))).toMatchObject({ ok: true });
  });

  test('too many nodes are refused', () => {
    const terms = Array.from({ length: defaultGuardLimits.maxNodes + 1 }, (_, index) => int(index));
    expect(checkGuards(node.set(...terms))).toEqual({ ok: false, reason: 'more than 2000 nodes' });
  });

  test('deep nesting is refused without recursion (3000 levels)', () => {
    expect(checkGuards(nested(100))).toMatchObject({ ok: false, reason: 'nested deeper than 100' });
    expect(checkGuards(nested(3000))).toMatchObject({ ok: false });
    expect(checkGuards(nested(98))).toMatchObject({ ok: true });
  });

  test('power towers and huge powers are refused', () => {
    const tower = (base: number, height: number): MathNode => (height === 1 ? int(base) : node.pow(int(base), tower(base, height - 1)));
    expect(checkGuards(node.pow(int(10), node.pow(int(10), int(10))))).toMatchObject({ ok: false });
    expect(checkGuards(tower(9, 3))).toMatchObject({ ok: false });
    expect(checkGuards(tower(9, 4))).toMatchObject({ ok: false });
    expect(checkGuards(tower(2, 5))).toMatchObject({ ok: false });
    expect(checkGuards(node.pow(int(2), int(100000)))).toMatchObject({ ok: false });
    expect(checkGuards(node.pow(int(10), int(-100000)))).toMatchObject({ ok: false });
    expect(checkGuards(node.pow(x, int(10 ** 9)))).toMatchObject({ ok: false });
    expect(checkGuards(node.func('exp', node.pow(int(10), int(10))))).toMatchObject({ ok: false });
  });

  test('a product of large powers is refused by its total size', () => {
    const big = node.pow(int(2), int(20000));
    expect(checkGuards(big)).toMatchObject({ ok: true });
    expect(checkGuards(node.mul(big, big, big))).toMatchObject({ ok: false });
  });

  test('factorials above 1000 and huge binomials are refused', () => {
    expect(checkGuards(node.func('factorial', int(1001)))).toEqual({ ok: false, reason: 'factorial of more than 1000' });
    expect(checkGuards(node.func('factorial', int(100000)))).toMatchObject({ ok: false });
    expect(checkGuards(node.func('factorial', node.pow(int(10), int(10))))).toMatchObject({ ok: false });
    expect(checkGuards(node.func('binom', int(10 ** 7), int(5)))).toMatchObject({ ok: false });
  });

  test('long text and names are refused', () => {
    expect(checkGuards(node.text('a'.repeat(1001)))).toMatchObject({ ok: false });
    expect(checkGuards(node.symbol('y'.repeat(5000)))).toMatchObject({ ok: false });
  });

  test('trigonometry of huge arguments is refused', () => {
    expect(checkGuards(node.func('sin', node.pow(int(10), int(100))))).toMatchObject({ ok: false });
    expect(checkGuards(node.func('sin', int(1000)))).toMatchObject({ ok: true });
  });

  test('unknown node kinds are refused (fail closed)', () => {
    expect(checkGuards({ kind: 'mystery' } as unknown as MathNode)).toMatchObject({ ok: false });
  });

  test('digits reports the magnitude numeric evaluation must resolve', () => {
    const result = checkGuards(node.add(int(1), node.pow(int(10), int(-30))));
    expect(result.ok && result.digits).toBeGreaterThanOrEqual(30);
  });

  test('bombs are refused in microseconds', () => {
    const wide = node.add(...Array.from({ length: 100_000 }, () => x));
    for (const bomb of [nested(3000), wide, node.pow(int(9), node.pow(int(9), node.pow(int(9), int(9))))]) {
      const { result, milliseconds } = timed(() => checkGuards(bomb));
      expect(result.ok).toBe(false);
      expect(milliseconds).toBeLessThan(2000);
    }
  });
});
