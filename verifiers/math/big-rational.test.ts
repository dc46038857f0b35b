import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { BigRational } from './big-rational.js';

const rational = fc.tuple(fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }), fc.bigInt({ min: 1n, max: 10n ** 20n })).map(([n, d]) => BigRational.of(n, d));

describe('BigRational', () => {
  test('arithmetic is exact and canonical', () => {
    fc.assert(
      fc.property(rational, rational, (a, b) => {
        expect(a.add(b).sub(b).equals(a)).toBe(true);
        if (!b.isZero()) expect(a.mul(b).div(b).equals(a)).toBe(true);
        expect(a.add(b).equals(b.add(a))).toBe(true);
      }),
    );
  });

  test('decimal literals parse exactly, and values float64 cannot tell apart stay apart', () => {
    expect(BigRational.parseDecimal('0.125')?.toString()).toBe('1/8');
    expect(BigRational.parseDecimal('-1.5e-3')?.toString()).toBe('-3/2000');
    expect(BigRational.parseDecimal('.5')?.toString()).toBe('1/2');
    expect(BigRational.parseDecimal('1,000')).toBeUndefined();
    const almostOne = BigRational.one.sub(BigRational.of(1n, 10n ** 30n));
    expect(almostOne.equals(BigRational.one)).toBe(false);
    expect(almostOne.toNumber()).toBe(1);
    expect(BigRational.of(10n).pow(400n).equals(BigRational.of(10n).pow(401n))).toBe(false);
  });
});
