import { hashString32 } from '../../core/hash.js';

const EDGE_PUNCTUATION = /^\p{P}+|\p{P}+$/gu;
const SEEDS = [0x746f6b31, 0x746f6b32] as const;

/** The words of a normalised text (`normalizeText`) compared whole: split at spaces, punctuation kept (`79-7=?` is one word). */
export function exactWords(normalized: string): string[] {
  return normalized === '' ? [] : normalized.split(' ');
}

/**
 * The words of a normalised text (`normalizeText`) for n-gram overlap: split at spaces, with punctuation at either end of
 * a word removed (`equation:` and `equation` agree, as a trailing period must not hide an overlap), empty words dropped.
 */
export function overlapWords(normalized: string): string[] {
  const words: string[] = [];
  if (normalized === '') return words;
  for (const word of normalized.split(' ')) {
    const stripped = word.replace(EDGE_PUNCTUATION, '');
    if (stripped !== '') words.push(stripped);
  }
  return words;
}

/** Per-word hashes in two 32-bit lanes, so any run of words gets a 64-bit key. */
export interface WordHashes {
  readonly low: Int32Array;
  readonly high: Int32Array;
  readonly count: number;
}

/** Hashes each word into two lanes. */
export function hashWords(words: readonly string[]): WordHashes {
  const low = new Int32Array(words.length);
  const high = new Int32Array(words.length);
  for (let index = 0; index < words.length; index += 1) {
    low[index] = hashString32(words[index]!, SEEDS[0]);
    high[index] = hashString32(words[index]!, SEEDS[1]);
  }
  return { low, high, count: words.length };
}

/**
 * The 64-bit key of the words `[start, end)`, written to `out` as two lanes: equal runs of words give equal keys
 * wherever they occur, and runs of different lengths differ.
 */
export function runKey(words: WordHashes, start: number, end: number, out: Uint32Array): Uint32Array {
  let low = 0x2545f491 ^ (end - start);
  let high = 0x61c88647 ^ Math.imul(end - start, 0x9e3779b1);
  for (let index = start; index < end; index += 1) {
    low = Math.imul(low ^ words.low[index]!, 0x5bd1e995);
    low ^= low >>> 15;
    high = Math.imul(high ^ words.high[index]!, 0xcc9e2d51);
    high ^= high >>> 13;
  }
  low = Math.imul(low ^ (low >>> 16), 0x85ebca6b);
  high = Math.imul(high ^ (high >>> 16), 0xc2b2ae35);
  out[0] = (low ^ (low >>> 13)) >>> 0;
  out[1] = (high ^ (high >>> 13)) >>> 0;
  return out;
}

/**
 * A 64-bit key (`runKey`) joined with a 32-bit value, such as a number's hash, written to `out`: different values give
 * unrelated keys, and none equals the key itself but by chance.
 */
export function mixKey(key: Uint32Array, value: number, out: Uint32Array): Uint32Array {
  let low = Math.imul(key[0]! ^ value, 0x5bd1e995);
  low ^= low >>> 15;
  let high = Math.imul(key[1]! ^ Math.imul(value, 0x9e3779b1), 0xcc9e2d51);
  high ^= high >>> 13;
  low = Math.imul(low ^ (low >>> 16), 0x85ebca6b);
  high = Math.imul(high ^ (high >>> 16), 0xc2b2ae35);
  out[0] = (low ^ (low >>> 13)) >>> 0;
  out[1] = (high ^ (high >>> 13)) >>> 0;
  return out;
}
