/** splitmix32: the seeded stream the hash family is drawn from. */
function splitmix32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
    z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
    return (z ^ (z >>> 15)) >>> 0;
  };
}

/**
 * A seeded family of `numPerm` hash functions over 32-bit shingle hashes, and the MinHash signature of a shingle set:
 * the smallest value of each function. Function i is x -> mix(x xor k_i) with a per-function odd multiplier; the same
 * seed gives the same family, so signatures are reproducible across runs and machines. Values are compared as signed
 * 32-bit integers (any fixed order on the values is a valid min-wise order).
 */
export class MinHasher {
  readonly numPerm: number;
  readonly seed: number;
  readonly #xor: Int32Array;
  readonly #multiplier: Int32Array;

  constructor(numPerm: number, seed: number) {
    if (!Number.isInteger(numPerm) || numPerm < 1) throw new Error(`numPerm must be a positive integer, got ${numPerm}`);
    this.numPerm = numPerm;
    this.seed = seed;
    this.#xor = new Int32Array(numPerm);
    this.#multiplier = new Int32Array(numPerm);
    const next = splitmix32(seed);
    for (let i = 0; i < numPerm; i += 1) {
      this.#xor[i] = next() | 0;
      this.#multiplier[i] = (next() | 1) | 0;
    }
  }

  /** Writes the signature of `shingles[0, count)` into `out` (length `numPerm`); an empty set gives all `0x7fffffff`. */
  signature(shingles: Int32Array, count: number, out: Int32Array = new Int32Array(this.numPerm)): Int32Array {
    const numPerm = this.numPerm;
    const xor = this.#xor;
    const multiplier = this.#multiplier;
    // Functions outermost: each one's constants and running minimum stay in registers over the shingles.
    for (let i = 0; i < numPerm; i += 1) {
      const key = xor[i]!;
      const factor = multiplier[i]!;
      let minimum = 0x7fffffff;
      for (let s = 0; s < count; s += 1) {
        let v = Math.imul(shingles[s]! ^ key, factor);
        v ^= v >>> 15;
        v = Math.imul(v, 0x2c1b3c6d);
        v ^= v >>> 12;
        if (v < minimum) minimum = v;
      }
      out[i] = minimum;
    }
    return out;
  }
}

const CHANCE_8 = 1 / 256;

/**
 * Estimated Jaccard similarity of two signatures kept as their low 8 bits (b-bit MinHash, Li and König): the share of
 * equal positions, corrected for the 1/256 chance that two different values agree in those bits. Near the thresholds
 * used for deduplication this costs almost no accuracy and a quarter of the memory. Identical signatures give 1.
 */
export function estimateJaccard8(store: Uint8Array, a: number, b: number, numPerm: number): number {
  const offsetA = a * numPerm;
  const offsetB = b * numPerm;
  let equal = 0;
  for (let i = 0; i < numPerm; i += 1) if (store[offsetA + i] === store[offsetB + i]) equal += 1;
  if (equal === numPerm) return 1;
  return Math.max(0, (equal / numPerm - CHANCE_8) / (1 - CHANCE_8));
}
