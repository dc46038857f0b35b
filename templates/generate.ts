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
/** Larger spaces are scanned only for --unique runs that ask for most of them, and only up to this size. */
const EXACT_COUNT_LIMIT = 4_000_000;

// Independent random streams per item: drawing the question, choosing the negative, drawing test questions.
const QUESTION_STREAM = 0;
const NEGATIVE_STREAM = 1;
const TEST_STREAM = 2;

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
  constructor(message: string) {
    super('SPACE_EXHAUSTED', message, {
      hint: 'Ask for fewer items, drop --unique, or widen the family options (see `veridata gen <family> --help`).',
    });
  }
}

/** The items of one shard: [start, end) of the unsharded sequence of `count` items. */
export function shardRange(count: number, shard: { index: number; count: number }): { start: number; end: number } {
  return {
    start: Math.floor((shard.index * count) / shard.count),
    end: Math.floor(((shard.index + 1) * count) / shard.count),
  };
}

/**
 * Random-access generation: item i of seed s is a function of (s, i) and the plan alone. Training items never come
 * from the held-out share. In unique mode item i is the i-th training question along a seeded permutation.
 */
export class ItemGenerator {
  readonly space: QuestionSpace;
  readonly heldOut: HeldOut;
  private readonly familyKey: number;
  private readonly permutation: Permutation;
  private trainingSizeCache: number | undefined;
  /** Per question index: 0 not yet known, 1 held out, 2 training. */
  private readonly reservation: Int8Array | undefined;

  constructor(readonly plan: GenerationPlan) {
    this.space = plan.template.space(plan.config);
    this.heldOut = new HeldOut(plan.heldOutShare);
    this.familyKey = hashString32(plan.template.name);
    this.permutation = new Permutation(this.space.size, [plan.seed >>> 0, Math.floor(plan.seed / 2 ** 32), this.familyKey, 1]);
    this.reservation = this.space.size <= RESERVATION_CACHE_LIMIT ? new Int8Array(this.space.size) : undefined;
  }

  /** True when every line depends on its question alone and the space is small enough to cache lines per question. */
  cachesLines(): boolean {
    const { format, negatives, unique } = this.plan;
    const refusalOnly = negatives.kinds.length === 1 && negatives.kinds[0] === 'refusal';
    return format.refusalLine !== undefined && refusalOnly && !unique && this.space.size <= LINE_CACHE_LIMIT;
  }

  /** Whether question k is held out; builds the item only the first time a question is seen (and returns it then). */
  private heldOutQuestion(k: number): { reserved: boolean; item: MathItem | undefined } {
    const known = this.reservation?.[k];
    if (known) return { reserved: known === 1, item: undefined };
    const item = this.space.item(k);
    const reserved = this.heldOut.isReserved(item.question);
    if (this.reservation) this.reservation[k] = reserved ? 1 : 2;
    return { reserved, item };
  }

  /**
   * Exact count of questions outside the held-out share, or undefined when counting would cost more than it can tell:
   * small spaces are always counted; larger ones only when a --unique run asks for most of their questions.
   */
  trainingSize(): number | undefined {
    const { size } = this.space;
    const { unique, count, heldOutShare } = this.plan;
    const worthCounting = size <= ALWAYS_COUNT_LIMIT || (unique && size <= EXACT_COUNT_LIMIT && count > 0.9 * size * (1 - heldOutShare));
    if (this.trainingSizeCache === undefined && worthCounting) {
      let eligible = 0;
      for (let k = 0; k < this.space.size; k += 1) if (!this.heldOutQuestion(k).reserved) eligible += 1;
      this.trainingSizeCache = eligible;
    }
    return this.trainingSizeCache;
  }

  /** Fails early, with the numbers, when the plan asks for more than the space holds. */
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

  /** The question of training item `index` in sampling (non-unique) mode; `item` is set when it had to be built. */
  sampledQuestion(index: number): { questionIndex: number; item: MathItem | undefined } {
    const rng = rngFor(this.plan.seed, index, QUESTION_STREAM);
    for (let attempt = 0; attempt < 64; attempt += 1) {
      const k = this.space.draw(rng);
      const { reserved, item } = this.heldOutQuestion(k);
      if (!reserved) return { questionIndex: k, item };
    }
    // The natural distribution keeps hitting reserved questions: walk the permutation from a random point instead.
    const size = this.space.size;
    const start = rng.below(size);
    for (let step = 0; step < size; step += 1) {
      const k = this.permutation.at((start + step) % size);
      const item = this.space.item(k);
      if (!this.heldOut.isReserved(item.question)) return { questionIndex: k, item };
    }
    throw new SpaceExhaustedError(`${this.plan.template.name}: every question falls in the held-out test share`);
  }

  /**
   * Training questions [start, end) in unique mode. Each stratum of the space is walked along its own seeded
   * permutation, and strata take turns by weight (stride scheduling: the next question comes from the stratum whose
   * count of taken questions, plus one, divided by its weight is smallest), skipping held-out questions and exhausted
   * strata. Sequential, so shard k scans the questions before its slice without building their records.
   */
  private *uniqueQuestions(start: number, end: number): Generator<{ questionIndex: number; item: MathItem }> {
    const strata = this.space.strata ?? [{ size: this.space.size, weight: 1 }];
    const walks = strata.map((stratum, index) => ({
      offset: 0,
      size: stratum.size,
      weight: stratum.weight,
      position: 0,
      taken: 0,
      permutation:
        strata.length === 1
          ? this.permutation
          : new Permutation(stratum.size, [this.plan.seed >>> 0, Math.floor(this.plan.seed / 2 ** 32), this.familyKey, 2, index]),
    }));
    let offset = 0;
    for (const walk of walks) {
      walk.offset = offset;
      offset += walk.size;
    }
    let rank = 0;
    while (rank < end) {
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
      if (!next) break;
      const k = next.offset + next.permutation.at(next.position);
      next.position += 1;
      const { reserved, item } = this.heldOutQuestion(k);
      if (reserved) continue;
      next.taken += 1;
      if (rank >= start) yield { questionIndex: k, item: item ?? this.space.item(k) };
      rank += 1;
    }
    if (rank < end) {
      throw new SpaceExhaustedError(
        `${this.plan.template.name}: --unique ran out after ${rank} distinct training questions; asked for ${this.plan.count}`,
      );
    }
  }

  /** Training records [start, end) in order. */
  *records(start: number, end: number): Generator<GeneratedRecord> {
    const { plan } = this;
    const questions = plan.unique ? this.uniqueQuestions(start, end) : undefined;
    for (let index = start; index < end; index += 1) {
      let question: { questionIndex: number; item: MathItem | undefined };
      if (questions) {
        const next = questions.next();
        if (next.done) throw new Error('unique question walk ended early');
        question = next.value;
      } else {
        question = this.sampledQuestion(index);
      }
      const questionIndex = question.questionIndex;
      const item = question.item ?? this.space.item(questionIndex);
      const negative = chooseNegative(item, plan.negatives, () => rngFor(plan.seed, index, NEGATIVE_STREAM));
      yield { family: plan.template.name, seed: plan.seed, index, questionIndex, item, negative };
    }
  }

  /**
   * Held-out test questions, distinct, in a deterministic order: drawn with the family's natural distribution (so a
   * test set is shaped like training data), then, if those draws run dry, by walking the whole space.
   */
  *testItems(count: number): Generator<{ questionIndex: number; item: MathItem }> {
    const seen = new Set<number>();
    const rng = rngFor(this.plan.seed, 0, TEST_STREAM);
    const attempts = 200 * count + 10_000;
    for (let attempt = 0; attempt < attempts && seen.size < count; attempt += 1) {
      const k = this.space.draw(rng);
      if (seen.has(k)) continue;
      const item = this.space.item(k);
      if (!this.heldOut.isReserved(item.question)) continue;
      seen.add(k);
      yield { questionIndex: k, item };
    }
    if (seen.size >= count) return;
    const walk = new Permutation(this.space.size, [this.plan.seed >>> 0, this.familyKey, TEST_STREAM]);
    for (let position = 0; position < this.space.size && seen.size < count; position += 1) {
      const k = walk.at(position);
      if (seen.has(k)) continue;
      const item = this.space.item(k);
      if (!this.heldOut.isReserved(item.question)) continue;
      seen.add(k);
      yield { questionIndex: k, item };
    }
    if (seen.size < count) {
      throw new SpaceExhaustedError(
        `${this.plan.template.name}: asked for ${count} test questions, but only ${seen.size} of the ` +
          `${this.space.size} questions fall in the held-out share (${this.plan.heldOutShare})`,
      );
    }
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
      chunk += testLine({ item });
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
    const { questionIndex, item } = generator.sampledQuestion(index);
    let line = lineCache[questionIndex];
    if (line === undefined) {
      line = format.refusalLine!(item ?? generator.space.item(questionIndex));
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
