import { ensureLength } from './text/growable.js';
import { HashIndex64 } from './text/hash-index.js';
import { normalizeText } from './text/normalize.js';
import { containsNumberRun, numberHashes } from './text/numbers.js';
import { type WordHashes, exactWords, hashWords, mixKey, overlapWords, runKey } from './text/tokens.js';

/**
 * How a training text overlaps a benchmark item: `exact` the whole normalised text equals the item's question;
 * `contains` the text holds a short question (fewer words than the smallest n-gram) whole, word for word; `ngram-N`
 * the two share a run of N words. `contains` and `ngram-N` count only when the text also holds the item's numbers, one
 * after another in the item's order (see `BenchmarkIndex`).
 */
export type ContaminationMatch = 'exact' | 'contains' | `ngram-${number}`;

/** The strongest overlap found for one training text. */
export interface ContaminationEvidence {
  /** The benchmark file, as given. */
  readonly benchmark: string;
  /** Line of the benchmark item in that file. */
  readonly line: number;
  readonly match: ContaminationMatch;
  /** The overlapping words, normalised (lower case, single spaces), at most 300 characters. */
  readonly span: string;
}

/** What `BenchmarkIndex.check` found for one training text. */
export interface ContaminationResult {
  readonly evidence: ContaminationEvidence;
  /** Every benchmark file the text overlaps, in the order the files were added. */
  readonly benchmarks: readonly string[];
}

/** Per benchmark file: how much of it the training texts checked so far contain, and how many texts contain some of it. */
export interface BenchmarkScore {
  readonly file: string;
  readonly items: number;
  /** Items overlapping at least one training text. */
  readonly seen: number;
  /** Items overlapping none: the share `unseen / items` is the decontamination score a gate checks. */
  readonly unseen: number;
  /** `unseen / items`; 1 for an empty benchmark. */
  readonly unseenShare: number;
  /** Training texts overlapping this benchmark. */
  readonly contaminatedRows: number;
  /** Those texts by their strongest match against this benchmark. */
  readonly matches: Record<string, number>;
}

/** Short questions must say enough to be found inside other text: two words, or one of five characters or more. */
function containable(words: readonly string[]): boolean {
  return words.length >= 2 || (words[0]?.length ?? 0) >= 5;
}

const MAX_SPAN = 300;
/** Chains at least this long (an n-gram many items share, such as a template's wording) are summarised once. */
const CACHED_CHAIN_LENGTH = 16;

/** The anchor of an item whose numbers begin with these two (hashes). */
function pairAnchor(first: number, second: number): number {
  return Math.imul(first ^ Math.imul(second, 0x9e3779b1), 0x85ebca6b) ^ 0x70616972;
}

/** Every anchor an item found in a text can have: each number (hash) of the text, and each pair of adjacent ones. */
function textAnchors(numbers: Int32Array): Int32Array {
  const anchors = new Int32Array(numbers.length * 2);
  let count = 0;
  for (let index = 0; index < numbers.length; index += 1) {
    anchors[count++] = numbers[index]!;
    if (index + 1 < numbers.length) anchors[count++] = pairAnchor(numbers[index]!, numbers[index + 1]!);
  }
  const sorted = anchors.subarray(0, count).sort();
  let distinct = 0;
  for (let index = 0; index < sorted.length; index += 1) if (index === 0 || sorted[index] !== sorted[distinct - 1]) sorted[distinct++] = sorted[index]!;
  return sorted.subarray(0, distinct);
}

function span(words: readonly string[], start: number, end: number): string {
  const text = words.slice(start, end).join(' ');
  return text.length > MAX_SPAN ? `${text.slice(0, MAX_SPAN - 1)}…` : text;
}

interface Hit {
  rank: number;
  benchmark: number;
  line: number;
  match: ContaminationMatch;
  span: string;
}

/**
 * Benchmark (test) items indexed for contamination checks, and the tally of what training texts have overlapped.
 * Items are indexed three ways: the whole normalised question (exact and `contains` matches) and every word n-gram of
 * each size in `ngramSizes`, over words with edge punctuation removed (see `overlapWords`); keys are 64-bit hashes.
 * `check` looks a training text up every way, marks every item it overlaps as seen and returns the strongest match;
 * `scores` reports both views per benchmark file: items never seen, and training texts that overlap.
 *
 * Numbers matter, as in deduplication (`numberKey`): a `contains` or n-gram match counts only when the item's numbers
 * (`extractNumbers`: digits, number words) occur in the training text one after another in the item's order, other
 * numbers allowed before and after them. Templated problems share long runs of wording ("... discount today how many
 * dollars will she spend") with other numbers, the same numbers in other roles (15 minutes on weekdays and 165 at
 * weekends, or the other way round) or one number more ("four times as old" besides the item's "three times"), which
 * is another problem; a question copied into a longer prompt, or reworded without moving its numbers, keeps them. Items without numbers match on wording alone; `exact` needs no check. Each item
 * keeps its numbers' hashes, and its n-grams are keyed together with its first two numbers (its anchor; the one number
 * of an item with one), so a template's wording shared by thousands of items is not one chain to walk: `check` looks
 * each n-gram up once per distinct number and pair of adjacent numbers of the text and verifies the item's others.
 */
export class BenchmarkIndex {
  /** Word n-gram sizes, largest first. */
  readonly ngramSizes: readonly number[];
  readonly #files: string[] = [];
  readonly #itemsPerBenchmark: number[] = [];
  readonly #contaminatedRows: number[] = [];
  readonly #matches: Record<string, number>[] = [];
  readonly #questions = new HashIndex64(1 << 10);
  readonly #ngrams: Map<number, HashIndex64>;
  readonly #shortLengths = new Set<number>();
  readonly #key = new Uint32Array(2);
  #items = 0;
  #itemBenchmark: Int32Array = new Int32Array(1 << 10);
  #itemLine: Int32Array = new Int32Array(1 << 10);
  #itemSeen: Uint8Array = new Uint8Array(1 << 10);
  #itemContainable: Uint8Array = new Uint8Array(1 << 10);
  /** Item `i`'s number hashes, in order, are `#numbers[#itemNumbers[i], #itemNumbers[i + 1])`. */
  #itemNumbers: Int32Array = new Int32Array(1 << 10);
  #numbers: Int32Array = new Int32Array(1 << 12);
  readonly #mixed = new Uint32Array(2);
  #postings = 0;
  #postingItem: Int32Array = new Int32Array(1 << 12);
  #postingNext: Int32Array = new Int32Array(1 << 12);
  /** Per long chain already walked: the earliest item of each benchmark in it, so a busy chain is walked once. */
  readonly #chainSummaries = new Map<number, readonly { benchmark: number; line: number }[]>();
  #rows = 0;

  constructor(ngramSizes: readonly number[] = [8, 13]) {
    if (ngramSizes.length === 0 || ngramSizes.some((size) => !Number.isInteger(size) || size < 1)) {
      throw new Error(`n-gram sizes must be positive integers, got ${ngramSizes.join(',')}`);
    }
    this.ngramSizes = [...new Set(ngramSizes)].sort((a, b) => b - a);
    this.#ngrams = new Map(this.ngramSizes.map((size) => [size, new HashIndex64(1 << 12)]));
  }

  /** Benchmark files added, in order. */
  get files(): readonly string[] {
    return this.#files;
  }

  /** Training texts checked so far. */
  get rows(): number {
    return this.#rows;
  }

  /** Starts a benchmark file; returns its index for `addItem`. */
  addBenchmark(file: string): number {
    this.#files.push(file);
    this.#itemsPerBenchmark.push(0);
    this.#contaminatedRows.push(0);
    this.#matches.push({});
    return this.#files.length - 1;
  }

  /** Indexes one benchmark item: its question and the line it came from. */
  addItem(benchmark: number, line: number, question: string): void {
    if (benchmark < 0 || benchmark >= this.#files.length) throw new Error(`no benchmark ${benchmark}`);
    const item = this.#items;
    this.#items += 1;
    this.#itemsPerBenchmark[benchmark]! += 1;
    this.#itemBenchmark = ensureLength(this.#itemBenchmark, this.#items);
    this.#itemLine = ensureLength(this.#itemLine, this.#items);
    this.#itemSeen = ensureLength(this.#itemSeen, this.#items);
    this.#itemContainable = ensureLength(this.#itemContainable, this.#items);
    this.#itemBenchmark[item] = benchmark;
    this.#itemLine[item] = line;

    const normalized = normalizeText(question);
    const anchor = this.#addNumbers(item, normalized);
    const words = exactWords(normalized);
    if (words.length > 0) {
      this.#addPosting(this.#questions, runKey(hashWords(words), 0, words.length, this.#key), item);
      if (words.length < this.ngramSizes.at(-1)! && containable(words)) {
        this.#itemContainable[item] = 1;
        this.#shortLengths.add(words.length);
      }
    }
    const hashes = hashWords(overlapWords(normalized));
    for (const size of this.ngramSizes) {
      const table = this.#ngrams.get(size)!;
      for (let start = 0; start + size <= hashes.count; start += 1) {
        const key = runKey(hashes, start, start + size, this.#key);
        this.#addPosting(table, anchor === undefined ? key : mixKey(key, anchor, this.#mixed), item);
      }
    }
  }

  /** Stores the item's number hashes, in order; returns its anchor (`pairAnchor`), or undefined if it has no numbers. */
  #addNumbers(item: number, normalized: string): number | undefined {
    const hashes = numberHashes(normalized);
    this.#itemNumbers = ensureLength(this.#itemNumbers, item + 2);
    const start = this.#itemNumbers[item]!;
    this.#itemNumbers[item + 1] = start + hashes.length;
    if (hashes.length === 0) return undefined;
    this.#numbers = ensureLength(this.#numbers, start + hashes.length);
    this.#numbers.set(hashes, start);
    return hashes.length === 1 ? hashes[0]! : pairAnchor(hashes[0]!, hashes[1]!);
  }

  /** Whether the text's numbers (hashes, in order) hold the item's numbers one after another, in the item's order. */
  #numbersAgree(item: number, textNumbers: Int32Array): boolean {
    const start = this.#itemNumbers[item]!;
    const end = this.#itemNumbers[item + 1]!;
    return start === end || containsNumberRun(textNumbers, this.#numbers, start, end);
  }

  #addPosting(table: HashIndex64, key: Uint32Array, item: number): void {
    const head = table.get(key[0]!, key[1]!);
    if (head >= 0 && this.#postingItem[head] === item) return; // the same n-gram twice in one item
    const posting = this.#postings;
    this.#postings += 1;
    this.#postingItem = ensureLength(this.#postingItem, this.#postings);
    this.#postingNext = ensureLength(this.#postingNext, this.#postings);
    this.#postingItem[posting] = item;
    this.#postingNext[posting] = head;
    table.set(key[0]!, key[1]!, posting);
  }

  /**
   * Visits the items of a chain (all, or only those short enough to be found inside other text; with `textNumbers`,
   * only those whose numbers the text holds in a run) as (benchmark, line), marking them seen. A long chain of items without
   * numbers (an n-gram many items share, such as a template's wording) is walked once and then visited through its
   * summary: the earliest line per benchmark. Items with numbers sit in chains keyed by one of their numbers as well.
   */
  #walk(head: number, containableOnly: boolean, textNumbers: Int32Array | undefined, visit: (benchmark: number, line: number) => void): void {
    const cacheKey = head * 2 + (containableOnly ? 1 : 0);
    const cached = this.#chainSummaries.get(cacheKey);
    if (cached) {
      for (const { benchmark, line } of cached) visit(benchmark, line);
      return;
    }
    let length = 0;
    let numbered = false;
    for (let posting = head; posting >= 0; posting = this.#postingNext[posting]!) {
      length += 1;
      const item = this.#postingItem[posting]!;
      if (containableOnly && this.#itemContainable[item] === 0) continue;
      if (textNumbers !== undefined && this.#itemNumbers[item] !== this.#itemNumbers[item + 1]) {
        numbered = true;
        if (!this.#numbersAgree(item, textNumbers)) continue;
      }
      this.#itemSeen[item] = 1;
      visit(this.#itemBenchmark[item]!, this.#itemLine[item]!);
    }
    if (length < CACHED_CHAIN_LENGTH || numbered) return;
    const earliest = new Map<number, number>();
    for (let posting = head; posting >= 0; posting = this.#postingNext[posting]!) {
      const item = this.#postingItem[posting]!;
      if (containableOnly && this.#itemContainable[item] === 0) continue;
      const benchmark = this.#itemBenchmark[item]!;
      const line = this.#itemLine[item]!;
      const known = earliest.get(benchmark);
      if (known === undefined || line < known) earliest.set(benchmark, line);
    }
    this.#chainSummaries.set(cacheKey, [...earliest].map(([benchmark, line]) => ({ benchmark, line })));
  }

  /**
   * Checks one training text against every benchmark: marks the items it overlaps as seen, counts the text for each
   * benchmark it overlaps, and returns the strongest match (exact, then contains, then the longest n-gram; ties go to
   * the earlier benchmark file and line), or undefined for a clean text.
   */
  check(text: string): ContaminationResult | undefined {
    this.#rows += 1;
    const strongest = new Map<number, Hit>();
    const normalized = normalizeText(text);
    const textNumbers = numberHashes(normalized);
    const record = (head: number, containableOnly: boolean, rank: number, match: ContaminationMatch, overlap: () => string) => {
      this.#walk(head, containableOnly, rank === 0 ? undefined : textNumbers, (benchmark, line) => {
        const known = strongest.get(benchmark);
        if (known && (known.rank < rank || (known.rank === rank && known.line <= line))) return;
        strongest.set(benchmark, { rank, benchmark, line, match, span: overlap() });
      });
    };

    const words = exactWords(normalized);
    if (words.length > 0) {
      const hashes = hashWords(words);
      const head = this.#lookup(this.#questions, hashes, 0, words.length);
      if (head >= 0) record(head, false, 0, 'exact', () => span(words, 0, words.length));
      for (const length of this.#shortLengths) {
        if (length >= words.length) continue;
        for (let start = 0; start + length <= words.length; start += 1) {
          const found = this.#lookup(this.#questions, hashes, start, start + length);
          if (found >= 0) record(found, true, 1, 'contains', () => span(words, start, start + length));
        }
      }
    }
    const overlap = overlapWords(normalized);
    const hashes: WordHashes = hashWords(overlap);
    const anchors = textAnchors(textNumbers);
    this.ngramSizes.forEach((size, position) => {
      const table = this.#ngrams.get(size)!;
      const match: ContaminationMatch = `ngram-${size}`;
      for (let start = 0; start + size <= hashes.count; start += 1) {
        const key = runKey(hashes, start, start + size, this.#key);
        const overlapping = () => span(overlap, start, start + size);
        const head = table.get(key[0]!, key[1]!);
        if (head >= 0) record(head, false, 2 + position, match, overlapping);
        for (const anchor of anchors) {
          const mixed = mixKey(key, anchor, this.#mixed);
          const found = table.get(mixed[0]!, mixed[1]!);
          if (found >= 0) record(found, false, 2 + position, match, overlapping);
        }
      }
    });

    if (strongest.size === 0) return undefined;
    const hits = [...strongest.values()].sort((a, b) => a.benchmark - b.benchmark);
    for (const hit of hits) {
      this.#contaminatedRows[hit.benchmark]! += 1;
      const matches = this.#matches[hit.benchmark]!;
      matches[hit.match] = (matches[hit.match] ?? 0) + 1;
    }
    const best = hits.reduce((a, b) => (b.rank < a.rank ? b : a));
    return {
      evidence: { benchmark: this.#files[best.benchmark]!, line: best.line, match: best.match, span: best.span },
      benchmarks: hits.map((hit) => this.#files[hit.benchmark]!),
    };
  }

  #lookup(table: HashIndex64, hashes: WordHashes, start: number, end: number): number {
    const key = runKey(hashes, start, end, this.#key);
    return table.get(key[0]!, key[1]!);
  }

  /** Both views of contamination per benchmark file, for the texts checked so far. */
  scores(): BenchmarkScore[] {
    const seen = new Array<number>(this.#files.length).fill(0);
    for (let item = 0; item < this.#items; item += 1) if (this.#itemSeen[item] === 1) seen[this.#itemBenchmark[item]!]! += 1;
    return this.#files.map((file, benchmark) => {
      const items = this.#itemsPerBenchmark[benchmark]!;
      const unseen = items - seen[benchmark]!;
      return {
        file,
        items,
        seen: seen[benchmark]!,
        unseen,
        unseenShare: items === 0 ? 1 : unseen / items,
        contaminatedRows: this.#contaminatedRows[benchmark]!,
        matches: { ...this.#matches[benchmark]! },
      };
    });
  }
}
