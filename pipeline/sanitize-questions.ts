import { readJsonlLines } from '../src/core/io/read-jsonl.js';
import { AtomicFile } from '../src/core/io/write-jsonl.js';
import { NearDuplicateIndex } from '../src/curation/near-duplicates.js';
import { extractQuestion } from './extract.js';
import { Generation, type Question } from './records.js';

/** What sanitising and deduplication did to stage 1's replies. */
async function write(file: AtomicFile, text: string): Promise<void> {
  const wait = file.write(text);
  if (wait) await wait;
}

export interface SanitizeSummary {
  readonly replies: number;
  readonly kept: number;
  /** Dropped replies by reason: bad-document, no-markers, truncated, empty, too-long, exact-duplicate, near-duplicate. */
  readonly dropped: Record<string, number>;
}

/** A text questions are deduplicated against without being written: math seed problems. */
export interface KnownText {
  readonly id: string;
  readonly text: string;
}

/**
 * Sanitises stage-1 replies (drops BAD_DOCUMENT, replies without the question markers, cut-off and empty ones) and
 * removes exact and near duplicates, keeping the first member of each cluster (KodCode drops both members of a near
 * pair; keeping one loses nothing). Writes every reply with its audit columns to `allPath` and the kept questions to
 * `keptPath`, both atomically. Two passes over the replies: clusters are known only once every text is indexed.
 */
export async function sanitizeQuestions(options: {
  generations: string;
  allPath: string;
  keptPath: string;
  threshold: number;
  known?: readonly KnownText[];
  toQuestion: (generation: Generation, text: string) => Question;
}): Promise<SanitizeSummary> {
  const index = new NearDuplicateIndex({ threshold: options.threshold });
  const known = options.known ?? [];
  const knownIndexes = known.map((item) => index.add(item.text));
  const questionOf = (generation: Generation) => (generation.finish_reason === 'length' ? ({ ok: false, reason: 'truncated' } as const) : extractQuestion(generation.reply));
  // Pass 1: index every question; only its distinct-text number is kept per reply (-1: no question).
  const distinctOf: number[] = [];
  for await (const { value } of readJsonlLines(options.generations)) {
    const found = questionOf(Generation.parse(value));
    distinctOf.push(found.ok ? index.add(found.text) : -1);
  }
  // The first id seen per cluster root owns the cluster; known texts own theirs before any reply.
  const owner = new Map<number, string>();
  const seenDistinct = new Set<number>(knownIndexes);
  knownIndexes.forEach((distinct, position) => {
    const root = index.rootOf(distinct);
    if (!owner.has(root)) owner.set(root, known[position]!.id);
  });
  const dropped: Record<string, number> = {};
  let replies = 0;
  let kept = 0;
  const allFile = new AtomicFile(options.allPath);
  const keptFile = new AtomicFile(options.keptPath);
  await allFile.open();
  await keptFile.open();
  try {
    let position = 0;
    for await (const { value } of readJsonlLines(options.generations)) {
      const generation = Generation.parse(value);
      const found = questionOf(generation);
      const distinct = distinctOf[position]!;
      position += 1;
      replies += 1;
      let reason: string | undefined = found.ok ? undefined : found.reason;
      let duplicateOf: string | null = null;
      let similarity: number | null = null;
      if (found.ok) {
        const root = index.rootOf(distinct);
        similarity = Math.round(index.nearestOf(distinct) * 1000) / 1000;
        const first = owner.get(root);
        if (first === undefined) owner.set(root, generation.id);
        else {
          duplicateOf = first;
          reason = seenDistinct.has(distinct) ? 'exact-duplicate' : 'near-duplicate';
        }
        seenDistinct.add(distinct);
      }
      if (reason !== undefined) dropped[reason] = (dropped[reason] ?? 0) + 1;
      else {
        kept += 1;
        await write(keptFile, `${JSON.stringify(options.toQuestion(generation, (found as { text: string }).text))}\n`);
      }
      await write(allFile, `${JSON.stringify({ ...generation, question: found.ok ? found.text : null, kept: reason === undefined, drop_reason: reason ?? null, duplicate_of: duplicateOf, similarity })}\n`);
    }
    await allFile.commit();
    await keptFile.commit();
  } catch (error) {
    await Promise.all([allFile.discard(), keptFile.discard()]);
    throw error;
  }
  return { replies, kept, dropped };
}
