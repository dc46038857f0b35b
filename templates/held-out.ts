import { hashString32 } from '../src/core/hash.js';

/** Salt of the held-out hash. Changing it would move every reserved question, so it is versioned, never edited. */
const HELD_OUT_SALT = 0x7e57_0001;

/** The form of a question that decides reservation: case and spacing do not make a new question. */
export function canonicalQuestion(question: string): string {
  return question.trim().replace(/\s+/g, ' ').toLowerCase();
}

/**
 * The reserved test share of every question space: a question is held out when the hash of its canonical text falls
 * below `share`. It depends on the text alone, not on the family, options or seed, so a test set drawn later from the
 * reserved share is disjoint from every training file ever written with the same share.
 */
export class HeldOut {
  readonly share: number;
  private readonly threshold: number;

  constructor(share: number) {
    if (!(share >= 0 && share < 1)) throw new RangeError(`held-out share ${share} outside [0, 1)`);
    this.share = share;
    this.threshold = Math.floor(share * 0x100000000);
  }

  isReserved(question: string): boolean {
    return hashString32(canonicalQuestion(question), HELD_OUT_SALT) < this.threshold;
  }
}
