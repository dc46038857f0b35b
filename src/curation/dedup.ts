import { stat } from 'node:fs/promises';
import { z } from 'zod';
import { InputUnreadableError, InvalidOptionError } from '../core/errors.js';
import { createReadStats } from '../core/io/read-jsonl.js';
import { type Progress, silentProgress } from '../core/progress.js';
import { RecordAliases } from '../core/schemas/aliases.js';
import { type LineOutput, checkOutputIsNotInput, fieldAppender, openLineOutput } from './line-output.js';
import { NearDuplicateIndex, defaultNearDuplicateOptions } from './near-duplicates.js';
import { type RawLine, leadingId, readLinesAt } from './raw-lines.js';
import { describeField, readTextRecords, recordIdOf, textField } from './record-text.js';
import { ensureLength } from './text/growable.js';
import { defaultShingleOptions } from './text/shingles.js';

/** Columns `dedup` adds to every line. */
export const DedupColumns = {
  /** Id of the cluster's first row (its `id`, else the content id of its line); equal for every row of a cluster. */
  cluster: 'dedup_cluster',
  /** Highest estimated Jaccard similarity to another row with the same numbers (1: an exact duplicate; 0: none found). */
  similarity: 'dedup_similarity',
  /** True for every row of a cluster but its first: the rows `--drop` removes. */
  duplicate: 'dedup_duplicate',
} as const;

/** Options of one `veridata dedup` run. */
export const DedupOptions = z.object({
  in: z.string().min(1),
  out: z.string().min(1),
  /** Field holding the text; default: the first of prompt, input, question present. */
  field: z.string().min(1).optional(),
  threshold: z.number().gt(0).max(1).default(defaultNearDuplicateOptions.threshold),
  numPerm: z.int().min(8).max(1024).default(defaultNearDuplicateOptions.numPerm),
  shortWords: z.int().min(0).default(defaultShingleOptions.shortWords),
  seed: z.int().min(0).max(0xffffffff).default(defaultNearDuplicateOptions.seed),
  drop: z.boolean().default(false),
  skipInvalid: z.boolean().default(false),
});
export type DedupOptions = z.infer<typeof DedupOptions>;

/** What the caller passes besides the options: cancellation and progress. */
export interface RunContext {
  readonly signal?: AbortSignal;
  readonly progress?: Progress;
}

/** What a dedup run found and wrote. */
export interface DedupSummary {
  readonly command: 'dedup';
  readonly in: string;
  readonly out: string;
  readonly field: string;
  readonly rows: number;
  readonly skippedInvalid: number;
  readonly skippedExamples: string[];
  /** Distinct texts after normalisation (case, whitespace, NFKC). */
  readonly distinctTexts: number;
  /** Rows that are not the first of their cluster: exact plus near duplicates. */
  readonly duplicates: number;
  /** Rows whose normalised text equals an earlier row's. */
  readonly exactDuplicates: number;
  /** Rows in a cluster whose normalised text occurs for the first time there (similar, not equal, to an earlier row). */
  readonly nearDuplicates: number;
  /** Clusters of two rows or more. */
  readonly duplicateClusters: number;
  readonly largestCluster: number;
  readonly written: number;
  readonly dropped: number;
  readonly threshold: number;
  readonly numPerm: number;
  readonly bands: number;
  readonly rowsPerBand: number;
  readonly shingles: { readonly chars: number; readonly words: number; readonly shortWords: number };
  readonly comparedPairs: number;
  /** Texts with more LSH candidates than were compared (huge buckets); 0 in ordinary data. */
  readonly cappedTexts: number;
  readonly indexMiB: number;
  readonly seconds: number;
  readonly rowsPerSecond: number;
}

async function fileVersion(path: string): Promise<string> {
  const stats = await stat(path).catch((error: unknown) => {
    throw new InputUnreadableError(path, error);
  });
  if (!stats.isFile()) throw new InvalidOptionError('--in', `${path} is not a regular file; dedup reads its input twice`);
  return `${stats.size}:${stats.mtimeMs}`;
}

/**
 * Finds exact and near-duplicate texts in a JSONL file and writes every line (or, with `drop`, the first of each
 * cluster) with the `DedupColumns` added, in input order. Two passes over the file: the first builds the index (a few
 * hundred bytes per distinct text, no records held), the second writes. The output appears complete or not at all.
 */
export async function runDedup(options: DedupOptions, context: RunContext = {}): Promise<DedupSummary> {
  if (options.in === '-') throw new InvalidOptionError('--in', 'dedup reads its input twice, so it needs a file, not standard input');
  await checkOutputIsNotInput(options.in, options.out);
  const started = performance.now();
  const version = await fileVersion(options.in);
  const field = textField(options.field, RecordAliases.prompt);
  const { signal } = context;
  const index = new NearDuplicateIndex({
    threshold: options.threshold,
    numPerm: options.numPerm,
    seed: options.seed,
    shingles: { ...defaultShingleOptions, shortWords: options.shortWords },
  });
  const output = await openLineOutput(options.out, signal);
  try {
    const readStats = createReadStats();
    const read = () => readTextRecords(options.in, { field, skipInvalid: options.skipInvalid, stats: readStats, ...(signal ? { signal } : {}) });

    const indexing = context.progress ?? silentProgress();
    let rowDistinct: Int32Array = new Int32Array(1 << 16);
    let rowLines: Int32Array = new Int32Array(1 << 16);
    let rows = 0;
    try {
      for await (const { line, text } of read()) {
        rowDistinct = ensureLength(rowDistinct, rows + 1);
        rowLines = ensureLength(rowLines, rows + 1);
        rowDistinct[rows] = index.add(text);
        rowLines[rows] = line.lineNumber;
        rows += 1;
        indexing.tick();
      }
    } finally {
      indexing.done();
    }
    const skipped = { count: readStats.skipped, examples: [...readStats.skippedExamples] };

    const distinct = index.distinctCount;
    const clusterRows = new Uint32Array(distinct);
    let clusters = 0;
    for (let text = 0; text < distinct; text += 1) {
      const root = index.rootOf(text);
      if (root === text) clusters += 1;
      clusterRows[root] = clusterRows[root]! + index.rowsOf(text);
    }
    let largestCluster = 0;
    let duplicateClusters = 0;
    for (let text = 0; text < distinct; text += 1) {
      largestCluster = Math.max(largestCluster, clusterRows[text]!);
      if (clusterRows[text]! > 1) duplicateClusters += 1;
    }

    const lines = readLinesAt(options.in, { lineNumbers: rowLines, count: rows, ...(signal ? { signal } : {}) });
    const written = await writeClusters(output, lines, { index, rowDistinct, rows, clusterRows, drop: options.drop });
    if ((await fileVersion(options.in)) !== version || written.rows !== rows) {
      throw new InputUnreadableError(options.in, new Error('the file changed while dedup was reading it; rerun on a file nobody is writing'));
    }
    await output.commit();

    const stats = index.stats;
    const seconds = (performance.now() - started) / 1000;
    return {
      command: 'dedup',
      in: options.in,
      out: options.out,
      field: describeField(field),
      rows,
      skippedInvalid: skipped.count,
      skippedExamples: skipped.examples,
      distinctTexts: distinct,
      duplicates: rows - clusters,
      exactDuplicates: rows - distinct,
      nearDuplicates: distinct - clusters,
      duplicateClusters,
      largestCluster,
      written: output.lines,
      dropped: options.drop ? rows - output.lines : 0,
      threshold: options.threshold,
      numPerm: options.numPerm,
      bands: index.params.bands,
      rowsPerBand: index.params.rows,
      shingles: { chars: stats.charTexts, words: stats.wordTexts, shortWords: options.shortWords },
      comparedPairs: stats.compared,
      cappedTexts: stats.capped,
      indexMiB: (stats.bytes + rowDistinct.byteLength + rowLines.byteLength + clusterRows.byteLength) / 2 ** 20,
      seconds,
      rowsPerSecond: seconds > 0 ? rows / seconds : 0,
    };
  } catch (error) {
    await output.discard();
    throw error;
  }
}

interface ClusterState {
  readonly index: NearDuplicateIndex;
  readonly rowDistinct: Int32Array;
  readonly rows: number;
  readonly clusterRows: Uint32Array;
  readonly drop: boolean;
}

/** The id a cluster is named by: the record's `id`, read without parsing when it leads the line. */
function idOfLine(line: RawLine): string {
  return leadingId(line.text) ?? recordIdOf({ ...line, value: JSON.parse(line.text) as Record<string, unknown> });
}

/** The second pass: every row with its cluster columns, the first row of each cluster naming it. */
async function writeClusters(output: LineOutput, lines: AsyncIterable<RawLine>, state: ClusterState): Promise<{ rows: number }> {
  const { index, rowDistinct, clusterRows } = state;
  const seen = new Uint8Array(index.distinctCount);
  // Cluster ids wait here from a cluster's first row to its last, so only open clusters cost memory.
  const openClusters = new Map<number, string>();
  const remaining = clusterRows; // counted down: rows of each cluster not yet written
  const appendColumns = fieldAppender([DedupColumns.cluster, DedupColumns.similarity, DedupColumns.duplicate]);
  let row = 0;
  for await (const line of lines) {
    const text = rowDistinct[row]!;
    row += 1;
    const root = index.rootOf(text);
    const first = text === root && seen[text] === 0;
    seen[text] = 1;
    let cluster: string;
    if (first) {
      cluster = idOfLine(line);
      if (remaining[root]! > 1) openClusters.set(root, cluster);
    } else {
      cluster = openClusters.get(root)!;
    }
    remaining[root] = remaining[root]! - 1;
    if (remaining[root] === 0) openClusters.delete(root);
    if (state.drop && !first) continue;
    const similarity = Math.round(index.nearestOf(text) * 1000) / 1000;
    const wait = output.write(appendColumns(line.text, [cluster, similarity, !first]));
    if (wait) await wait;
  }
  return { rows: row };
}
