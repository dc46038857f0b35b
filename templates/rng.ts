import { mix32 } from '../src/core/hash.js';

/** A small counter-seeded PRNG (sfc32). Deterministic, fast, and independent per (seed, index, stream). */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private counter: number;

  constructor(a: number, b: number, c: number) {
    this.a = a >>> 0;
    this.b = b >>> 0;
    this.c = c >>> 0;
    this.counter = 1;
    // The seed words arrive avalanche-mixed (mix32), so a short warm-up is enough to decorrelate neighbours.
    for (let i = 0; i < 4; i += 1) this.nextU32();
  }

  /** A uniform unsigned 32-bit integer. */
  nextU32(): number {
    const t = (((this.a + this.b) >>> 0) + this.counter) >>> 0;
    this.counter = (this.counter + 1) >>> 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) >>> 0;
    this.c = ((this.c << 21) | (this.c >>> 11)) >>> 0;
    this.c = (this.c + t) >>> 0;
    return t;
  }

  /** A uniform float in [0, 1) with 53 random bits. */
  float(): number {
    return ((this.nextU32() >>> 5) * 67108864 + (this.nextU32() >>> 6)) / 9007199254740992;
  }

  /** A uniform integer in [0, n) without modulo bias; n may be any positive safe integer. */
  below(n: number): number {
    if (!(n >= 1) || !Number.isSafeInteger(n)) throw new RangeError(`below(${n}): n must be a positive safe integer`);
    if (n <= 0x100000000) {
      const limit = 0x100000000 - (0x100000000 % n);
      let value = this.nextU32();
      while (value >= limit) value = this.nextU32();
      return value % n;
    }
    const limit = 9007199254740992 - (9007199254740992 % n);
    let value = (this.nextU32() >>> 11) * 0x100000000 + this.nextU32();
    while (value >= limit) value = (this.nextU32() >>> 11) * 0x100000000 + this.nextU32();
    return value % n;
  }

  /** A uniform integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    if (max < min) throw new RangeError(`int(${min}, ${max}): empty range`);
    return min + this.below(max - min + 1);
  }

  /** A uniform element of a non-empty array. */
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('pick() from an empty array');
    return items[this.below(items.length)] as T;
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.float() < p;
  }

  /** An index drawn with probability proportional to its weight. */
  weighted(weights: readonly number[]): number {
    let total = 0;
    for (const w of weights) total += w;
    let target = this.float() * total;
    for (let i = 0; i < weights.length; i += 1) {
      target -= weights[i] as number;
      if (target < 0) return i;
    }
    return weights.length - 1;
  }
}

/** Splits a non-negative safe-integer seed into two 32-bit words. */
function seedWords(seed: number): [number, number] {
  return [seed >>> 0, Math.floor(seed / 0x100000000) >>> 0];
}

/**
 * The generator for item `index` of run `seed`: a pure function of (seed, index, stream), so any item can be
 * recomputed alone, in any order, on any shard.
 */
export function rngFor(seed: number, index: number, stream = 0): Rng {
  const [seedLow, seedHigh] = seedWords(seed);
  const [indexLow, indexHigh] = seedWords(index);
  const a = mix32(seedLow ^ mix32(indexLow + 0x6a09e667));
  const b = mix32(seedHigh ^ mix32(indexHigh + 0xbb67ae85) ^ Math.imul(stream, 0x3c6ef372));
  const c = mix32(a ^ b ^ 0xa54ff53a ^ stream);
  return new Rng(a, b, c);
}
