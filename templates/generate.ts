import { VeridataError } from '../src/core/errors.js';
import { hashString32 } from '../src/core/hash.js';
import type { GeneratedRecord, OutputFormat } from './formats.js';
import { testLine } from './formats.js';
import { HeldOut } from './held-out.js';
import { chooseNegative, type NegativeMix } from './negatives.js';
import { Permutation } from './permutation.js';
import { rngFor } from './rng.js';
import { QuestionCounter } from './question-counter.js';
import type { MathItem, QuestionSpace, Template } from './template.js';

/** Spaces up to this size remember each question's held-out decision (one byte per question). */
const RESERVATION_CACHE_LIMIT = 1 << 24;
/** Spaces up to this size may cache finished lines per question, when a line depends on the question alone. */
const LINE_CACHE_LIMIT = 1 << 17;

/** Spaces up to this size are always scanned once, so the summary can say how many training questions they hold. */
const ALWAYS_COUNT_LIMIT = 1 << 16;
/** Larger spaces are scanned only when a run asks for most of a share, and only up to this size. */
const EXACT_COUNT_LIMIT = 4_000_000;
/** In spaces too large to scan, a test set may ask for at most this fraction of the expected reserved questions. */
const UNSCANNED_TEST_FRACTION = 0.5;

// Independent random streams per item: drawing the question, choosing the negative, and the surface variant (names,
// wording) of a training item and of a test item.
const QUESTION_STREAM = 0;
const NEGATIVE_STREAM = 1;
const VARIANT_STREAM = 3;
const TEST_VARIANT_STREAM = 4;

// Tags of the walk permutations: a --unique walk over one block, over several blocks, and the test-set walk.
const UNIQUE_WALK = 1;
const UNIQUE_STRATUM_WALK = 2;
const TEST_WALK = 3;

/** Everything that determines a generated file; the same plan gives the same bytes. */
export interface GenerationPlan {
  readonly template: Template<any>;
  readonly config: unknown;
  readonly count: number;
  readonly seed: number;
  readonly format: OutputFormat;
  readonly negatives: NegativeMix;
  /** Walk the question space without repeats. */
  readonly unique: boolean;
  /** Zero-based shard index and shard count: this run writes items [start, end) of the unsharded output. */
  readonly shard: { readonly index: number; readonly count: number };
  /** Share of every question space reserved for test sets. */
  readonly heldOutShare: number;
}

/** The space could not supply what was asked (too few distinct or held-out questions). */
export class SpaceExhaustedError extends VeridataError {
  constructor(
    message: string,
    hint = 'Ask for fewer items, drop --unique, or widen the family options (see `veridata gen <family> --help`).',
  ) {
    super('SPACE_EXHAUSTED', message, { hint });
  }
}

const TEST_SET_HINT =
  'Ask for fewer test questions or widen the family options. A larger --held-out also works, but only with training ' +
  'written with at least that share: training made with a smaller share may contain the extra test questions.';

/** The items of one shard: [start, end) of the unsharded sequence of `count` items. */
export function shardRange(count: number, shard: { index: number; count: number }): { start: number; end: number } {
  return {
    start: Math.floor((shard.index * count) / shard.count),
    end: Math.floor(((shard.index + 1) * count) / shard.count),
  };
}

/** A question of the space told in one surface variant. */
export interface DrawnItem {
  readonly questionIndex: number;
  readonly item: MathItem;
}

/**
 * Random-access generation: item i of seed s is a function of (s, i) and the plan alone. A question is held out when
 * its fact key (its math, see `MathItem.factKey`) is reserved, so training never holds a rewording of a test question.
 * In unique mode item i is the i-th training question along a seeded walk of the strata.
 */
export class ItemGenerator {
  readonly space: QuestionSpace;
  readonly heldOut: HeldOut;
  private readonly familyKey: number;
  private readonly permutation: Permutation;
  private counts: { reserved: number; training: number } | undefined;
  /** Per question index: 0 not yet known, 1 held out, 2 training. */
  private readonly reservation: Int8Array | undefined;

  constructor(readonly plan: GenerationPlan) {
    this.space = plan.template.space(plan.config);
    this.heldOut = new HeldOut(plan.heldOutShare);
    this.familyKey = hashString32(plan.template.name);
    this.permutation = new Permutation(this.space.size, this.walkKey(UNIQUE_WALK));
    this.reservation = this.space.size <= RESERVATION_CACHE_LIMIT ? new Int8Array(this.space.size) : undefined;
  }

  private walkKey(tag: number, stratum?: number): number[] {
    const key = [this.plan.seed >>> 0, Math.floor(this.plan.seed / 2 ** 32), this.familyKey, tag];
    return stratum === undefined ? key : [...key, stratum];
  }

  /** True when every line depends on its question alone and the space is small enough to cache lines per question. */
  cachesLines(): boolean {
    const { format, negatives, unique } = this.plan;
    const refusalOnly = negatives.kinds.length === 1 && negatives.kinds[0] === 'refusal';
    return (
      format.refusalLine !== undefined && refusalOnly && !unique && !this.space.surfaceVariants && this.space.size <= LINE_CACHE_LIMIT
    );
  }

  /** Whether question k's fact is held out for test sets; `item`, any variant of question k, saves building the key. */
  isReserved(k: number, item?: MathItem): boolean {
    const known = this.reservation?.[k];
    if (known) return known === 1;
    const reserved = this.heldOut.isReserved(item ? item.factKey : this.space.factKey(k));
    if (this.reservation) this.reservation[k] = reserved ? 1 : 2;
    return reserved;
  }

  /** Question k in the surface variant of item `index` of `stream` (variant 0 in spaces without variants). */
  itemAt(k: number, index: number, stream = VARIANT_STREAM): MathItem {
    const variant = this.space.surfaceVariants ? rngFor(this.plan.seed, index, stream).nextU32() : 0;
    return this.space.item(k, variant);
  }

  /** Exact counts of held-out and training questions, by one scan of the space (cached). */
  private reservationCounts(): { reserved: number; training: number } {
    if (this.counts === undefined) {
      let reserved = 0;
      for (let k = 0; k < this.space.size; k += 1) if (this.isReserved(k)) reserved += 1;
      this.counts = { reserved, training: this.space.size - reserved };
    }
    return this.counts;
  }

  /**
   * Exact count of questions outside the held-out share, or undefined when counting would cost more than it can tell:
   * small spaces are always counted; larger ones only when a --unique run asks for most of their questions.
   */
  trainingSize(): number | undefined {
    const { size } = this.space;
    const { unique, count, heldOutShare } = this.plan;
    const worthCounting =
      this.counts !== undefined ||
      size <= ALWAYS_COUNT_LIMIT ||
      (unique && size <= EXACT_COUNT_LIMIT && count > 0.9 * size * (1 - heldOutShare));
    return worthCounting ? this.reservationCounts().training : undefined;
  }

  /** Fails early, with the numbers, when the plan asks for more training questions than the space holds. */
  checkFeasible(): void {
    const { template, count, unique } = this.plan;
    const training = this.trainingSize();
    if (training === 0) {
      throw new SpaceExhaustedError(
        `${template.name}: all ${this.space.size} questions of these options fall in the held-out test share`,
      );
    }
    if (unique && training !== undefined && count > training) {
      throw new SpaceExhaustedError(
        `${template.name}: --unique asks for ${count} distinct questions, but these options hold ${this.space.size} ` +
          `distinct questions, ${training} of them outside the held-out test share; it could make ${training}`,
      );
    }
    if (unique && count > this.space.size) {
      throw new SpaceExhaustedError(
        `${template.name}: --unique asks for ${count} distinct questions, but these options hold only ${this.space.size}`,
      );
    }
  }

  /**
   * Fails, before anything is written, when the held-out share cannot supply `count` distinct test questions: exactly
   * where the space can be scanned, and by the expected size of the share in spaces too large to scan.
   */
  checkTestFeasible(count: number): void {
    const { template, heldOutShare } = this.plan;
    const { size } = this.space;
    if (count === 0) return;
    if (heldOutShare === 0) {
      throw new SpaceExhaustedError(`${template.name}: --held-out 0 reserves no question, so there is no test set to draw`, TEST_SET_HINT);
    }
    const expected = heldOutShare * size;
    if (size <= ALWAYS_COUNT_LIMIT || (size <= EXACT_COUNT_LIMIT && count > UNSCANNED_TEST_FRACTION * expected)) {
      const { reserved } = this.reservationCounts();
      if (count > reserved) {
        throw new SpaceExhaustedError(
          `${template.name}: asked for ${count} test questions, but only ${reserved} of the ${size} questions of these ` +
            `options fall in the held-out share (${heldOutShare}); it could make ${reserved}`,
          TEST_SET_HINT,
        );
      }
    } else if (count > UNSCANNED_TEST_FRACTION * expected) {
      throw new SpaceExhaustedError(
        `${template.name}: asked for ${count} test questions; the held-out share (${heldOutShare}) of these ${size} ` +
          `questions holds about ${Math.round(expected)}, too many to count, so at most ${Math.floor(UNSCANNED_TEST_FRACTION * expected)} can be promised`,
        TEST_SET_HINT,
      );
    }
  }

  /** The question index of training item `index` in sampling (non-unique) mode. */
  sampledQuestion(index: number): number {
    return this.sample(index, false).questionIndex;
  }

  /** Training item `index` in sampling mode, with its question index. */
  sampledItem(index: number): DrawnItem {
    const { questionIndex, item } = this.sample(index, true);
    return { questionIndex, item: item ?? this.itemAt(questionIndex, index) };
  }

  /**
   * Draws training question `index` with the family's distribution, skipping reserved facts. With `build`, a question
   * seen for the first time is built once, in the item's own variant, and its key read from it: in large spaces most
   * draws are first sightings, and building the key apart would build most of the item twice.
   */
  private sample(index: number, build: boolean): { questionIndex: number; item: MathItem | undefined } {
    const rng = rngFor(this.plan.seed, index, QUESTION_STREAM);
    for (let attempt = 0; attempt < 64; attempt += 1) {
      const k = this.space.draw(rng);
      const known = this.reservation?.[k];
      if (known) {
        if (known === 2) return { questionIndex: k, item: undefined };
        continue;
      }
      const item = build ? this.itemAt(k, index) : undefined;
      if (!this.isReserved(k, item)) return { questionIndex: k, item };
    }
    // The natural distribution keeps hitting reserved questions: walk the permutation from a random point instead.
    const size = this.space.size;
    const start = rng.below(size);
    for (let step = 0; step < size; step += 1) {
      const k = this.permutation.at((start + step) % size);
      if (!this.isReserved(k)) return { questionIndex: k, item: undefined };
    }
    throw new SpaceExhaustedError(`${this.plan.template.name}: every question falls in the held-out test share`);
  }

  /**
   * Question indices that `accept` keeps, each once, walking every stratum of the space along its own seeded
   * permutation; strata take turns by weight (stride scheduling: the next question comes from the stratum whose
   * count of kept questions, plus one, divided by its weight is smallest), skipping exhausted strata. Ends when every
   * stratum is exhausted.
   */
  private *walkStrata(tag: number, accept: (k: number) => boolean): Generator<number> {
    const strata = this.space.strata ?? [{ size: this.space.size, weight: 1 }];
    const single = strata.length === 1 && tag === UNIQUE_WALK;
    let offset = 0;
    const walks = strata.map((stratum, index) => {
      const walk = {
        offset,
        size: stratum.size,
        weight: stratum.weight,
        position: 0,
        taken: 0,
        permutation: single ? this.permutation : new Permutation(stratum.size, this.walkKey(tag === UNIQUE_WALK ? UNIQUE_STRATUM_WALK : tag, index)),
      };
      offset += stratum.size;
      return walk;
    });
    for (;;) {
      let next: (typeof walks)[number] | undefined;
      let best = Infinity;
      for (const walk of walks) {
        if (walk.position >= walk.size) continue;
        // A zero-weight stratum is used only once every weighted one is exhausted.
        const finish = walk.weight > 0 ? (walk.taken + 1) / walk.weight : Number.MAX_VALUE;
        if (next === undefined || finish < best) {
          best = finish;
          next = walk;
        }
      }
      if (!next) return;
      const k = next.offset + next.permutation.at(next.position);
      next.position += 1;
      if (!accept(k)) continue;
      next.taken += 1;
      yield k;
    }
  }

  /**
   * Training questions [start, end) in unique mode, along the strata walk. Sequential, so shard k scans the
   * questions before its slice without building their records.
   */
  private *uniqueQuestions(start: number, end: number): Generator<number> {
    let rank = 0;
    if (rank >= end) return;
    for (const k of this.walkStrata(UNIQUE_WALK, (candidate) => !this.isReserved(candidate))) {
      if (rank >= start) yield k;
      rank += 1;
      if (rank >= end) return;
    }
    throw new SpaceExhaustedError(
      `${this.plan.template.name}: --unique ran out after ${rank} distinct training questions; asked for ${this.plan.count}`,
    );
  }

  /** Training records [start, end) in order. */
  *records(start: number, end: number): Generator<GeneratedRecord> {
    const { plan } = this;
    const questions = plan.unique ? this.uniqueQuestions(start, end) : undefined;
    const { testAnswers } = plan.template;
    for (let index = start; index < end; index += 1) {
      let questionIndex: number;
      let item: MathItem;
      if (questions) {
        const next = questions.next();
        if (next.done) throw new Error('unique question walk ended early');
        questionIndex = next.value;
        item = this.itemAt(questionIndex, index);
      } else {
        ({ questionIndex, item } = this.sampledItem(index));
      }
      const negative = chooseNegative(item, plan.negatives, () => rngFor(plan.seed, index, NEGATIVE_STREAM));
      yield { family: plan.template.name, seed: plan.seed, index, questionIndex, item, negative, heldOutShare: plan.heldOutShare, testAnswers };
    }
  }

  /**
   * Held-out test questions, distinct, in a deterministic order: the strata walk over reserved questions, so a test
   * set has the training mix (arith: each operator a quarter) as far as the reserved share of each stratum allows; a
   * stratum that runs dry passes its turns to the others.
   */
  *testItems(count: number): Generator<DrawnItem> {
    let position = 0;
    if (count <= 0) return;
    for (const k of this.walkStrata(TEST_WALK, (candidate) => this.isReserved(candidate))) {
      yield { questionIndex: k, item: this.itemAt(k, position, TEST_VARIANT_STREAM) };
      position += 1;
      if (position >= count) return;
    }
    throw new SpaceExhaustedError(
      `${this.plan.template.name}: asked for ${count} test questions, but only ${position} of the ` +
        `${this.space.size} questions fall in the held-out share (${this.plan.heldOutShare})`,
      TEST_SET_HINT,
    );
  }
}

/** Counts of one generation run. */
export interface ChunkStats {
  lines: number;
  readonly questions: Pick<QuestionCounter, 'add'>;
  readonly negatives: Map<string, number>;
}

/** Serialises records [start, end) into ~64 KiB chunks of JSONL, counting questions and negatives on the way. */
export function* trainingChunks(
  generator: ItemGenerator,
  range: { start: number; end: number },
  stats: ChunkStats,
  chunkSize = 1 << 16,
): Generator<string> {
  const { format } = generator.plan;
  if (generator.cachesLines()) {
    yield* cachedRefusalChunks(generator, range, stats, chunkSize);
    return;
  }
  // Lines are collected and joined once per chunk: cheaper than growing one string line by line.
  let lines: string[] = [];
  let length = 0;
  let lastLabel = '';
  let lastLabelCount = 0;
  const flushLabel = () => {
    if (lastLabelCount > 0) stats.negatives.set(lastLabel, (stats.negatives.get(lastLabel) ?? 0) + lastLabelCount);
  };
  for (const record of generator.records(range.start, range.end)) {
    const line = format.line(record);
    lines.push(line);
    length += line.length;
    stats.lines += 1;
    stats.questions.add(record.questionIndex);
    const label = record.negative.label;
    if (label === lastLabel) lastLabelCount += 1;
    else {
      flushLabel();
      lastLabel = label;
      lastLabelCount = 1;
    }
    if (length >= chunkSize) {
      yield lines.join('');
      lines = [];
      length = 0;
    }
  }
  flushLabel();
  if (lines.length > 0) yield lines.join('');
}

/** Serialises held-out test items [start, end) of a test set of `count` in the notebook's test format. */
export function* testChunks(
  generator: ItemGenerator,
  count: number,
  range: { start: number; end: number },
  stats: ChunkStats,
): Generator<string> {
  let chunk = '';
  let position = 0;
  for (const { questionIndex, item } of generator.testItems(count)) {
    if (position >= range.start && position < range.end) {
      chunk += testLine({ item, answers: generator.plan.template.testAnswers });
      stats.lines += 1;
      stats.questions.add(questionIndex);
      if (chunk.length >= 1 << 16) {
        yield chunk;
        chunk = '';
      }
    }
    position += 1;
  }
  if (chunk.length > 0) yield chunk;
}

/**
 * `trainingChunks` for formats whose refusal line depends on the question alone, over small spaces: each question's
 * line is built once and reused, the same bytes as building it per item. This is what makes the notebook format fast.
 */
function* cachedRefusalChunks(
  generator: ItemGenerator,
  range: { start: number; end: number },
  stats: ChunkStats,
  chunkSize: number,
): Generator<string> {
  const { format } = generator.plan;
  const lineCache: (string | undefined)[] = new Array(generator.space.size);
  let lines: string[] = [];
  let length = 0;
  for (let index = range.start; index < range.end; index += 1) {
    const questionIndex = generator.sampledQuestion(index);
    let line = lineCache[questionIndex];
    if (line === undefined) {
      line = format.refusalLine!(generator.space.item(questionIndex));
      // Reading a character flattens V8's rope of concatenated parts, so the cache holds one compact string per line.
      line.charCodeAt(0);
      lineCache[questionIndex] = line;
    }
    lines.push(line);
    length += line.length;
    stats.questions.add(questionIndex);
    if (length >= chunkSize) {
      stats.lines += lines.length;
      yield lines.join('');
      lines = [];
      length = 0;
    }
  }
  stats.lines += lines.length;
  const written = range.end - range.start;
  if (written > 0) stats.negatives.set('refusal', (stats.negatives.get('refusal') ?? 0) + written);
  if (lines.length > 0) yield lines.join('');
}
