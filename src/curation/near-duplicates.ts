import { hashString32, mix32 } from '../core/hash.js';
import { ensureLength } from './text/growable.js';
import { HashIndex32, HashIndex64 } from './text/hash-index.js';
import { type LshParams, optimalLshParams } from './text/lsh-params.js';
import { MinHasher, estimateJaccard8 } from './text/minhash.js';
import { normalizeText } from './text/normalize.js';
import { numberKey } from './text/numbers.js';
import { defaultShingleOptions, type ShingleOptions, shingleHashes } from './text/shingles.js';

/** Options of a `NearDuplicateIndex`. */
export interface NearDuplicateOptions {
  /** Estimated Jaccard similarity at or above which two texts with the same numbers are near-duplicates; 1: exact only. */
  readonly threshold: number;
  /** MinHash functions per signature. */
  readonly numPerm: number;
  /** Seed of the hash family; the same seed gives the same clusters. */
  readonly seed: number;
  readonly shingles: ShingleOptions;
  /** Earlier texts a new text is compared with at most (a guard against huge LSH buckets); overflows are counted. */
  readonly maxCandidates: number;
}

/** Defaults in line with text-dedup and datasketch: threshold 0.8, 128 functions, 5-shingles. */
export const defaultNearDuplicateOptions: NearDuplicateOptions = {
  threshold: 0.8,
  numPerm: 128,
  seed: 1,
  shingles: defaultShingleOptions,
  maxCandidates: 2000,
};

/** Counters of an index's work, for summaries and benchmarks. */
export interface NearDuplicateStats {
  /** Distinct normalised texts. */
  distinct: number;
  /** Distinct texts shingled by characters and by words. */
  charTexts: number;
  wordTexts: number;
  /** Candidate pairs from LSH whose signatures were compared. */
  compared: number;
  /** Compared pairs confirmed as near-duplicates (similarity at or above the threshold and the same numbers). */
  confirmed: number;
  /** Texts whose candidates exceeded `maxCandidates` (some candidates were not compared). */
  capped: number;
  /** Bytes held in typed arrays. */
  bytes: number;
}

const EXACT_SEEDS = [0x65786131, 0x65786132] as const;

/**
 * Groups texts into clusters of exact and near duplicates, one text at a time, in constant memory per distinct text.
 * A text is normalised (`normalizeText`); equal normalised texts are one distinct entry. Each new distinct text gets a
 * MinHash signature (kept as 8-bit values) and is put in `bands` LSH buckets whose keys also hold the text's number
 * sequence, so only texts with the same numbers in the same order ever become candidates. A candidate pair is joined when its estimated
 * Jaccard similarity reaches the threshold and the numbers match (checked again, as the bucket key is a hash); clusters
 * are the connected components, and a cluster's root is its earliest distinct text. Pairs are confirmed by a symmetric
 * rule and every earlier text in a shared bucket is compared (up to `maxCandidates`), so the clusters do not depend on
 * the order texts arrive in; only which member comes first does.
 */
export class NearDuplicateIndex {
  readonly options: NearDuplicateOptions;
  readonly params: LshParams;
  readonly #hasher: MinHasher;
  readonly #exact = new HashIndex64(1 << 12);
  readonly #buckets = new HashIndex32(1 << 14);
  #count = 0;
  #signatures: Uint8Array = new Uint8Array(0);
  #bucketNext: Int32Array = new Int32Array(0);
  #parent: Int32Array = new Int32Array(0);
  #rows: Uint32Array = new Uint32Array(0);
  #nearest: Float32Array = new Float32Array(0);
  #stamp: Int32Array = new Int32Array(0);
  #numbers: Uint32Array = new Uint32Array(0);
  #shingleBuffer: Int32Array = new Int32Array(256);
  readonly #signature: Int32Array;
  readonly #bucketKeys: Uint32Array;
  readonly #bucketHeads: Int32Array;
  readonly #stats: NearDuplicateStats = { distinct: 0, charTexts: 0, wordTexts: 0, compared: 0, confirmed: 0, capped: 0, bytes: 0 };

  constructor(options: Partial<NearDuplicateOptions> = {}) {
    this.options = { ...defaultNearDuplicateOptions, ...options };
    // Threshold 1 asks for exact duplicates only: no signatures, no buckets.
    // Recall-weighted: every candidate is confirmed by its signature, so a false candidate costs one comparison while a
    // missed one is a duplicate kept. datasketch's 0.5/0.5 finds a pair at exactly 0.8 only 40% of the time; 0.05/0.95
    // (16 bands x 8 rows for 128 functions) finds it 95% of the time and one at 0.85 99%.
    this.params =
      this.options.threshold >= 1 ? { bands: 0, rows: 0 } : optimalLshParams(this.options.threshold, this.options.numPerm, 0.05, 0.95);
    this.#hasher = new MinHasher(this.options.numPerm, this.options.seed);
    this.#signature = new Int32Array(this.options.numPerm);
    this.#bucketKeys = new Uint32Array(this.params.bands);
    this.#bucketHeads = new Int32Array(this.params.bands);
  }

  /** Distinct normalised texts added so far; their indexes run from 0 in order of first appearance. */
  get distinctCount(): number {
    return this.#count;
  }

  /** Counters so far. */
  get stats(): NearDuplicateStats {
    const bytes =
      this.#exact.bytes +
      this.#buckets.bytes +
      [this.#signatures, this.#bucketNext, this.#parent, this.#rows, this.#nearest, this.#stamp, this.#numbers].reduce(
        (sum, array) => sum + array.byteLength,
        0,
      );
    return { ...this.#stats, distinct: this.#count, bytes };
  }

  /** Adds one occurrence of `text` and returns the index of its distinct normalised text. */
  add(text: string): number {
    const normalized = normalizeText(text);
    const low = hashString32(normalized, EXACT_SEEDS[0]);
    const high = hashString32(normalized, EXACT_SEEDS[1]);
    const existing = this.#exact.get(low, high);
    if (existing >= 0) {
      this.#rows[existing] = this.#rows[existing]! + 1;
      return existing;
    }
    const index = this.#allocate();
    this.#exact.set(low, high, index);
    if (normalized !== '' && this.params.bands > 0) this.#addNear(index, normalized);
    return index;
  }

  /** The cluster root of a distinct text: the index of the cluster's earliest distinct text. */
  rootOf(index: number): number {
    const parent = this.#parent;
    let current = index;
    while (parent[current] !== current) {
      const grandparent = parent[parent[current]!]!;
      parent[current] = grandparent;
      current = grandparent;
    }
    return current;
  }

  /** How many times a distinct text was added. */
  rowsOf(index: number): number {
    return this.#rows[index]!;
  }

  /**
   * The highest estimated similarity between a distinct text and any other distinct text it was compared with (same
   * numbers, shared LSH bucket), 0 if none; an exactly repeated text is 1.
   */
  nearestOf(index: number): number {
    return this.#rows[index]! > 1 ? 1 : this.#nearest[index]!;
  }

  #allocate(): number {
    const index = this.#count;
    this.#count += 1;
    const length = this.#count;
    const { numPerm } = this.options;
    if (this.#parent.length < length) {
      this.#parent = ensureLength(this.#parent, length);
      this.#rows = ensureLength(this.#rows, length);
      this.#nearest = ensureLength(this.#nearest, length);
      this.#stamp = ensureLength(this.#stamp, length);
      this.#numbers = ensureLength(this.#numbers, length * 2);
      if (this.params.bands > 0) this.#signatures = ensureLength(this.#signatures, length * numPerm);
      this.#bucketNext = ensureLength(this.#bucketNext, length * this.params.bands);
    }
    this.#parent[index] = index;
    this.#rows[index] = 1;
    return index;
  }

  #addNear(index: number, normalized: string): void {
    const { numPerm, threshold, maxCandidates } = this.options;
    const { bands, rows } = this.params;
    const [numbersLow, numbersHigh] = numberKey(normalized);
    this.#numbers[index * 2] = numbersLow;
    this.#numbers[index * 2 + 1] = numbersHigh;

    const shingles = shingleHashes(normalized, this.options.shingles, this.#shingleBuffer);
    this.#shingleBuffer = shingles.hashes;
    if (shingles.kind === 'chars') this.#stats.charTexts += 1;
    else this.#stats.wordTexts += 1;
    const signature = this.#hasher.signature(shingles.hashes, shingles.count, this.#signature);
    const offset = index * numPerm;
    for (let i = 0; i < numPerm; i += 1) this.#signatures[offset + i] = signature[i]! & 0xff;

    const stamp = index + 1;
    let visits = 0;
    let capped = false;
    for (let band = 0; band < bands; band += 1) {
      let key = numbersLow ^ Math.imul(band + 1, 0x9e3779b1);
      for (let row = band * rows; row < (band + 1) * rows; row += 1) {
        key = Math.imul(key ^ signature[row]!, 0x5bd1e995);
        key ^= key >>> 15;
      }
      key = mix32(key ^ numbersHigh);
      this.#bucketKeys[band] = key;
      const head = this.#buckets.get(key);
      this.#bucketHeads[band] = head;
      for (let candidate = head; candidate >= 0; candidate = this.#bucketNext[candidate * bands + band]!) {
        if (this.#stamp[candidate] === stamp) continue;
        if (visits >= maxCandidates) {
          capped = true;
          break;
        }
        visits += 1;
        this.#stamp[candidate] = stamp;
        this.#compare(candidate, index, threshold);
      }
    }
    if (capped) this.#stats.capped += 1;
    for (let band = 0; band < bands; band += 1) {
      this.#bucketNext[index * bands + band] = this.#bucketHeads[band]!;
      this.#buckets.set(this.#bucketKeys[band]!, index);
    }
  }

  #compare(earlier: number, later: number, threshold: number): void {
    if (this.#numbers[earlier * 2] !== this.#numbers[later * 2] || this.#numbers[earlier * 2 + 1] !== this.#numbers[later * 2 + 1]) return;
    this.#stats.compared += 1;
    const similarity = estimateJaccard8(this.#signatures, earlier, later, this.options.numPerm);
    if (similarity > this.#nearest[earlier]!) this.#nearest[earlier] = similarity;
    if (similarity > this.#nearest[later]!) this.#nearest[later] = similarity;
    if (similarity < threshold) return;
    this.#stats.confirmed += 1;
    const rootEarlier = this.rootOf(earlier);
    const rootLater = this.rootOf(later);
    if (rootEarlier === rootLater) return;
    if (rootEarlier < rootLater) this.#parent[rootLater] = rootEarlier;
    else this.#parent[rootEarlier] = rootLater;
  }
}
