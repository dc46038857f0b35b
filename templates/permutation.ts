import { mix32 } from '../src/core/hash.js';

/**
 * A keyed bijection on [0, size): a balanced Feistel network over the smallest even power of two covering `size`,
 * with cycle walking to stay inside the domain. Random access: `at(i)` needs no state, so shards can start anywhere.
 */
export class Permutation {
  readonly size: number;
  private readonly halfBits: number;
  private readonly halfMask: number;
  private readonly halfSize: number;
  private readonly keys: number[];

  constructor(size: number, key: readonly number[]) {
    if (!Number.isSafeInteger(size) || size < 0) throw new RangeError(`permutation size ${size} is not a safe integer`);
    if (size > 2 ** 52) throw new RangeError(`permutation size ${size} exceeds 2^52`);
    this.size = size;
    let bits = 2;
    while (2 ** bits < size) bits += 2;
    this.halfBits = bits / 2;
    this.halfSize = 2 ** this.halfBits;
    this.halfMask = this.halfSize - 1;
    let state = 0x243f6a88;
    for (const word of key) state = mix32(state ^ mix32(word >>> 0));
    this.keys = [];
    for (let round = 0; round < 6; round += 1) {
      state = mix32(state + 0x9e3779b9 + round);
      this.keys.push(state);
    }
  }

  /** The element at position `position` of the permutation. */
  at(position: number): number {
    if (position < 0 || position >= this.size) throw new RangeError(`position ${position} outside [0, ${this.size})`);
    let value = position;
    do value = this.encrypt(value);
    while (value >= this.size);
    return value;
  }

  private encrypt(value: number): number {
    let left = Math.floor(value / this.halfSize);
    let right = value % this.halfSize;
    for (const key of this.keys) {
      const next = (left ^ (mix32(right ^ key) & this.halfMask)) >>> 0;
      left = right;
      right = next;
    }
    return left * this.halfSize + right;
  }
}
