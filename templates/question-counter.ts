import { mix32 } from '../src/core/hash.js';

/** Spaces up to 2^27 questions are counted exactly with a bitset of 16 MiB at most. */
const EXACT_BITS_LIMIT = 2 ** 27;
/** In larger spaces, up to this many distinct questions are remembered exactly before switching to a sketch. */
const EXACT_SET_LIMIT = 1 << 18;
const HLL_BITS = 14;

/**
 * Counts distinct question indices in bounded memory: exactly with a bitset for spaces up to 2^27; in larger spaces
 * exactly with a set up to 2^18 distinct questions, then approximately with a HyperLogLog sketch (about 0.8%
 * standard error). `exact` says which.
 */
export class QuestionCounter {
  private readonly bits: Uint8Array | undefined;
  private set: Set<number> | undefined;
  private registers: Uint8Array | undefined;
  private exactCount = 0;

  constructor(spaceSize: number) {
    if (spaceSize <= EXACT_BITS_LIMIT) this.bits = new Uint8Array(Math.ceil(spaceSize / 8));
    else this.set = new Set();
  }

  get exact(): boolean {
    return this.registers === undefined;
  }

  add(index: number): void {
    if (this.set) {
      this.set.add(index);
      if (this.set.size > EXACT_SET_LIMIT) {
        this.registers = new Uint8Array(1 << HLL_BITS);
        for (const seen of this.set) this.addToSketch(seen);
        this.set = undefined;
      }
      return;
    }
    if (this.bits) {
      const byte = index >>> 3;
      const mask = 1 << (index & 7);
      if ((this.bits[byte]! & mask) === 0) {
        this.bits[byte]! |= mask;
        this.exactCount += 1;
      }
      return;
    }
    this.addToSketch(index);
  }

  private addToSketch(index: number): void {
    const registers = this.registers!;
    const hash = mix32((index >>> 0) ^ mix32(Math.floor(index / 2 ** 32) + 0x9e3779b9));
    const bucket = hash >>> (32 - HLL_BITS);
    const rest = (hash << HLL_BITS) >>> 0;
    const rank = rest === 0 ? 32 - HLL_BITS + 1 : Math.clz32(rest) + 1;
    if (rank > registers[bucket]!) registers[bucket] = rank;
  }

  /** Distinct indices seen (an estimate when not `exact`). */
  count(): number {
    if (this.bits) return this.exactCount;
    if (this.set) return this.set.size;
    const registers = this.registers!;
    const m = registers.length;
    let sum = 0;
    let zeros = 0;
    for (const register of registers) {
      sum += 2 ** -register;
      if (register === 0) zeros += 1;
    }
    const estimate = ((0.7213 / (1 + 1.079 / m)) * m * m) / sum;
    return Math.round(estimate <= 2.5 * m && zeros > 0 ? m * Math.log(m / zeros) : estimate);
  }
}
