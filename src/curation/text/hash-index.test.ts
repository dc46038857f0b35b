import fc from 'fast-check';
import { expect, test } from 'vitest';
import { HashIndex32, HashIndex64 } from './hash-index.js';

test('behaves as a Map from 64-bit keys, across growth', () => {
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 3 }), fc.nat()), { maxLength: 300 }),
      (entries) => {
        const index = new HashIndex64(1);
        const model = new Map<string, number>();
        for (const [low, high, value] of entries) {
          index.set(low, high, value);
          model.set(`${low}:${high}`, value);
        }
        expect(index.size).toBe(model.size);
        for (let low = 0; low <= 41; low += 1) {
          for (let high = 0; high <= 4; high += 1) expect(index.get(low, high)).toBe(model.get(`${low}:${high}`) ?? -1);
        }
      },
    ),
  );
  const index = new HashIndex64();
  index.set(0xffffffff, -1, 7);
  expect(index.get(-1, 0xffffffff)).toBe(7); // lanes are taken as unsigned 32-bit values
});

test('the 32-bit index behaves as a Map from unsigned 32-bit keys, across growth', () => {
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.integer({ min: -5, max: 60 }), fc.nat()), { maxLength: 300 }), (entries) => {
      const index = new HashIndex32(1);
      const model = new Map<number, number>();
      for (const [key, value] of entries) {
        index.set(key, value);
        model.set(key >>> 0, value);
      }
      expect(index.size).toBe(model.size);
      for (let key = -6; key <= 61; key += 1) expect(index.get(key)).toBe(model.get(key >>> 0) ?? -1);
    }),
  );
});
