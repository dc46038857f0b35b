import { hashString32, mix32 } from '../src/core/hash.js';

/**
 * Salt of the held-out hash. Changing it, or the fact keys it hashes, moves every reserved question, so it is
 * versioned, never edited: version 2 hashes fact keys (`MathItem.factKey`).
 */
const HELD_OUT_SALT = 0x7e57_0002;

/** The form of a key that decides reservation: case and spacing do not make a new key. */
export function canonicalQuestion(question: string): string {
  return question.trim().replace(/\s+/g, ' ').toLowerCase();
}

/**
 * The reserved test share of every question space: a question is held out when the hash of its fact key (its math,
 * not its wording) falls below `share`. It depends on the key alone, not on the options or seed, so a test set drawn
 * later from the reserved share is disjoint from every training file ever written with the same or a larger share.
 */
export class HeldOut {
  readonly share: number;
  private readonly threshold: number;

  constructor(share: number) {
    if (!(share >= 0 && share < 1)) throw new RangeError(`held-out share ${share} outside [0, 1)`);
    this.share = share;
    this.threshold = Math.floor(share * 0x100000000);
  }

  /** Whether the fact with this key belongs to the test share. */
  isReserved(factKey: string): boolean {
    return canonicalHash(factKey) < this.threshold;
  }
}

const enum Char {
  Tab = 9,
  CarriageReturn = 13,
  Space = 32,
  UpperA = 65,
  UpperZ = 90,
}

/**
 * `hashString32(canonicalQuestion(question), HELD_OUT_SALT)` computed in one pass without building the canonical
 * string, for ASCII text (the hot path of generation); other text takes the plain route so Unicode case rules apply.
 */
export function canonicalHash(question: string): number {
  let h = (HELD_OUT_SALT ^ 0x9e3779b9) >>> 0;
  let length = 0;
  let pendingSpace = false;
  for (let i = 0; i < question.length; i += 1) {
    let code = question.charCodeAt(i);
    if (code > 0x7f) return hashString32(canonicalQuestion(question), HELD_OUT_SALT);
    if (code === Char.Space || (code >= Char.Tab && code <= Char.CarriageReturn)) {
      pendingSpace = length > 0;
      continue;
    }
    if (pendingSpace) {
      h = Math.imul(h ^ Char.Space, 0x5bd1e995);
      h ^= h >>> 15;
      length += 1;
      pendingSpace = false;
    }
    if (code >= Char.UpperA && code <= Char.UpperZ) code += 32;
    h = Math.imul(h ^ code, 0x5bd1e995);
    h ^= h >>> 15;
    length += 1;
  }
  return mix32(h ^ length);
}
