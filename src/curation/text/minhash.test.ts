import fc from 'fast-check';
import { expect, test } from 'vitest';
import { MinHasher, estimateJaccard8 } from './minhash.js';
import { optimalLshParams } from './lsh-params.js';

function store8(signatures: Int32Array[]): Uint8Array {
  const numPerm = signatures[0]!.length;
  const store = new Uint8Array(signatures.length * numPerm);
  signatures.forEach((signature, index) => signature.forEach((value, i) => (store[index * numPerm + i] = value & 0xff)));
  return store;
}

/** Two sets of random 32-bit values with a chosen overlap: `shared` common, `only` in each alone. */
function overlappingSets(seed: number, shared: number, only: number): [Int32Array, Int32Array, number] {
  let state = seed;
  const next = () => {
    state = (Math.imul(state ^ (state >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) | 0;
    return state ^ (state >>> 13);
  };
  const common = Array.from({ length: shared }, next);
  const a = Int32Array.from([...common, ...Array.from({ length: only }, next)]);
  const b = Int32Array.from([...common, ...Array.from({ length: only }, next)]);
  return [a, b, shared / (shared + 2 * only)];
}

test('the same seed gives the same signature; another seed another one', () => {
  const shingles = Int32Array.from([1, 2, 3, 99, -7]);
  expect(new MinHasher(64, 1).signature(shingles, 5)).toEqual(new MinHasher(64, 1).signature(shingles, 5));
  expect(new MinHasher(64, 2).signature(shingles, 5)).not.toEqual(new MinHasher(64, 1).signature(shingles, 5));
});

test('estimated Jaccard similarity is unbiased and within the expected spread of the true one', () => {
  const hasher = new MinHasher(128, 1);
  for (const [shared, only] of [[80, 10], [60, 20], [30, 35], [5, 2]] as const) {
    const errors: number[] = [];
    for (let seed = 1; seed <= 200; seed += 1) {
      const [a, b, truth] = overlappingSets(seed * 7919 + shared, shared, only);
      const store = store8([hasher.signature(a, a.length), hasher.signature(b, b.length)]);
      errors.push(estimateJaccard8(store, 0, 1, 128) - truth);
    }
    const mean = errors.reduce((sum, error) => sum + error, 0) / errors.length;
    const spread = Math.sqrt(errors.reduce((sum, error) => sum + error * error, 0) / errors.length);
    const truth = shared / (shared + 2 * only);
    expect(Math.abs(mean)).toBeLessThan(0.012);
    expect(spread).toBeLessThan(1.3 * Math.sqrt((truth * (1 - truth)) / 128) + 0.005);
  }
});

test('identical sets estimate 1 and an empty set matches only another empty set', () => {
  const hasher = new MinHasher(32, 3);
  fc.assert(
    fc.property(fc.array(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), { minLength: 1, maxLength: 30 }), (values) => {
      const set = Int32Array.from(values);
      const shuffled = Int32Array.from([...values].reverse());
      const store = store8([hasher.signature(set, set.length), hasher.signature(shuffled, shuffled.length)]);
      expect(estimateJaccard8(store, 0, 1, 32)).toBe(1);
    }),
  );
});

test('LSH parameters match datasketch for its weights and never use more functions than there are', () => {
  expect(optimalLshParams(0.8, 128)).toEqual({ bands: 9, rows: 13 });
  expect(optimalLshParams(0.7, 256)).toEqual({ bands: 25, rows: 10 });
  for (const threshold of [0.3, 0.5, 0.8, 0.95]) {
    for (const numPerm of [16, 100, 128]) {
      const { bands, rows } = optimalLshParams(threshold, numPerm, 0.05, 0.95);
      expect(bands * rows).toBeLessThanOrEqual(numPerm);
    }
  }
});
