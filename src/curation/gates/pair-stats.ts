import { hashString32 } from '../../core/hash.js';
import { normalizedText } from '../pairs/pair-rules.js';

/** What one pass over a pairs file measures; the inputs of every gate except decontamination and split overlap. */
export interface PairStats {
  pairs: number;
  /** Pairs carrying both scores: the preference gap is their mean. */
  scored: number;
  gapSum: number;
  /** Pairs whose chosen and rejected texts are the same (whitespace aside). */
  identical: number;
  /** Pairs with an empty prompt, chosen or rejected text. */
  emptyFields: number;
  /** Pairs that repeat an earlier pair (same prompt, chosen and rejected). */
  duplicates: number;
  /** Pairs that reverse an earlier pair of the same prompt (A over B, then B over A). */
  conflicts: number;
  chosenChars: number;
  rejectedChars: number;
  /** Line numbers of a few offending pairs per check, for the report. */
  examples: { identical: number[]; emptyFields: number[]; duplicates: number[]; conflicts: number[] };
}

const EXAMPLES = 5;

/** A 53-bit key for an ordered triple: two independent 32-bit hashes folded into one double-safe integer. */
function tripleKey(prompt: string, first: string, second: string): number {
  const text = `${prompt.length}:${prompt}${first.length}:${first}${second}`;
  return (hashString32(text, 0x51) & 0x1fffff) * 0x100000000 + hashString32(text, 0x9e);
}

/**
 * Accumulates pair statistics line by line. Duplicate and conflict detection keep one 53-bit key per pair (not the
 * texts), so a million pairs cost tens of megabytes; a key collision (odds about n^2 / 2^54) can only overcount.
 */
export class PairStatsCollector {
  readonly stats: PairStats = {
    pairs: 0,
    scored: 0,
    gapSum: 0,
    identical: 0,
    emptyFields: 0,
    duplicates: 0,
    conflicts: 0,
    chosenChars: 0,
    rejectedChars: 0,
    examples: { identical: [], emptyFields: [], duplicates: [], conflicts: [] },
  };
  readonly #seen = new Set<number>();

  add(pair: { prompt: string; chosen: string; rejected: string; chosen_score?: number | undefined; rejected_score?: number | undefined }, lineNumber: number): void {
    const stats = this.stats;
    stats.pairs += 1;
    if (pair.chosen_score !== undefined && pair.rejected_score !== undefined) {
      stats.scored += 1;
      stats.gapSum += pair.chosen_score - pair.rejected_score;
    }
    stats.chosenChars += pair.chosen.length;
    stats.rejectedChars += pair.rejected.length;
    const note = (kind: keyof PairStats['examples']): void => {
      if (stats.examples[kind].length < EXAMPLES) stats.examples[kind].push(lineNumber);
    };
    if (pair.prompt.trim() === '' || pair.chosen.trim() === '' || pair.rejected.trim() === '') {
      stats.emptyFields += 1;
      note('emptyFields');
    }
    const prompt = normalizedText(pair.prompt);
    const chosen = normalizedText(pair.chosen);
    const rejected = normalizedText(pair.rejected);
    if (chosen === rejected) {
      stats.identical += 1;
      note('identical');
      return;
    }
    const key = tripleKey(prompt, chosen, rejected);
    if (this.#seen.has(key)) {
      stats.duplicates += 1;
      note('duplicates');
      return;
    }
    if (this.#seen.has(tripleKey(prompt, rejected, chosen))) {
      stats.conflicts += 1;
      note('conflicts');
    }
    this.#seen.add(key);
  }
}
