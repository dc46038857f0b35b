import { hashString32, mix32 } from '../../core/hash.js';

/** How a text was cut into shingles: character k-grams for short texts, word n-grams for prose. */
export type ShingleKind = 'chars' | 'words';

/** Options for `shingleHashes`. */
export interface ShingleOptions {
  /** Texts with fewer words than this use character shingles; longer ones word shingles. */
  readonly shortWords: number;
  /** Characters per character shingle (spaces removed first). */
  readonly charSize: number;
  /** Words per word shingle. */
  readonly wordSize: number;
}

/**
 * The default cut: at threshold 0.8, word 5-grams absorb a single changed word only from about 50 words on (one
 * substitution in w words changes 5 of w - 4 shingles, so Jaccard = (w - 9) / (w + 1)); below that, character 5-grams
 * do, so prompts (mostly under 50 words) are compared by characters and long prose by words.
 */
export const defaultShingleOptions: ShingleOptions = { shortWords: 50, charSize: 5, wordSize: 5 };

/** Shingle hashes written into a reusable buffer. */
export interface Shingles {
  readonly kind: ShingleKind;
  /** Holds the hashes in `[0, count)`; may be longer, and is reused by the next call with the same buffer. */
  readonly hashes: Int32Array;
  readonly count: number;
}

const CHAR_SEED = 0x63686172;
const WORD_SEED = 0x776f7264;

function ensure(buffer: Int32Array, length: number): Int32Array {
  if (buffer.length >= length) return buffer;
  return new Int32Array(Math.max(length, buffer.length * 2));
}

function windowHash(text: string, start: number, end: number, seed: number): number {
  let h = seed;
  for (let i = start; i < end; i += 1) {
    h = Math.imul(h ^ text.charCodeAt(i), 0x5bd1e995);
    h ^= h >>> 15;
  }
  return mix32(h ^ (end - start));
}

/**
 * The hashed shingles of a normalised text (see `normalizeText`): with fewer than `shortWords` words, character
 * `charSize`-grams of the text with its spaces removed (so `79 - 7` and `79-7` agree), else word `wordSize`-grams. A text
 * shorter than one shingle is one shingle; an empty text has none. The two kinds hash with different seeds, so a
 * character shingle never equals a word shingle.
 */
export function shingleHashes(normalized: string, options: ShingleOptions, buffer: Int32Array = new Int32Array(64)): Shingles {
  if (normalized === '') return { kind: 'chars', hashes: buffer, count: 0 };
  const words = normalized.split(' ');
  if (words.length < options.shortWords) {
    const compact = words.length === 1 ? normalized : words.join('');
    const count = Math.max(1, compact.length - options.charSize + 1);
    const hashes = ensure(buffer, count);
    const size = Math.min(options.charSize, compact.length);
    for (let start = 0; start < count; start += 1) hashes[start] = windowHash(compact, start, start + size, CHAR_SEED);
    return { kind: 'chars', hashes, count };
  }
  const wordHashes = new Int32Array(words.length);
  for (let index = 0; index < words.length; index += 1) wordHashes[index] = hashString32(words[index]!, WORD_SEED);
  const size = Math.min(options.wordSize, words.length);
  const count = words.length - size + 1;
  const hashes = ensure(buffer, count);
  for (let start = 0; start < count; start += 1) {
    let h = WORD_SEED;
    for (let offset = 0; offset < size; offset += 1) {
      h = Math.imul(h ^ wordHashes[start + offset]!, 0x5bd1e995);
      h ^= h >>> 15;
    }
    hashes[start] = mix32(h ^ size);
  }
  return { kind: 'words', hashes, count };
}
