import { Command } from 'commander';
import { createProgress } from '../../core/progress.js';
import { withInterruptHandling } from '../../core/signals.js';
import { DedupColumns, DedupOptions, type DedupSummary, runDedup } from '../../curation/dedup.js';
import { integerFlag, numberFlag, parseOptions } from '../options.js';
import { printSummary } from '../print.js';

interface DedupFlags {
  in: string;
  out: string;
  field?: string;
  threshold: string;
  numPerm: string;
  shortWords: string;
  seed: string;
  drop?: boolean;
  skipInvalid?: boolean;
  json?: boolean;
}

function summaryRows(summary: DedupSummary): [string, string][] {
  const percent = (part: number) => (summary.rows > 0 ? ` (${((100 * part) / summary.rows).toFixed(1)}%)` : '');
  const rows: [string, string][] = [
    ['rows', `${summary.rows} read from ${summary.in} (text field ${summary.field})`],
    ['distinct texts', `${summary.distinctTexts} after normalising case, whitespace and Unicode`],
    ['duplicates', `${summary.duplicates}${percent(summary.duplicates)}: ${summary.exactDuplicates} exact, ${summary.nearDuplicates} near`],
    ['clusters', `${summary.duplicateClusters} with two rows or more, the largest ${summary.largestCluster} rows`],
    [
      'written',
      `${summary.written} lines to ${summary.out}${summary.dropped > 0 ? `, ${summary.dropped} duplicates dropped` : ' with dedup_cluster, dedup_similarity, dedup_duplicate'}`,
    ],
    [
      'minhash',
      summary.bands === 0
        ? 'off (threshold 1: exact duplicates only)'
        : `threshold ${summary.threshold}, ${summary.numPerm} functions as ${summary.bands} bands x ${summary.rowsPerBand} rows; ${summary.shingles.chars} texts by character 5-grams, ${summary.shingles.words} by word 5-grams; ${summary.comparedPairs} candidate pairs compared`,
    ],
  ];
  if (summary.cappedTexts > 0) rows.push(['capped', `${summary.cappedTexts} texts had more candidates than were compared`]);
  if (summary.skippedInvalid > 0) rows.push(['skipped', `${summary.skippedInvalid} invalid lines, e.g. ${summary.skippedExamples[0]}`]);
  rows.push(['speed', `${Math.round(summary.rowsPerSecond)} rows/s in ${summary.seconds.toFixed(2)} s, index ${summary.indexMiB.toFixed(1)} MiB`]);
  return rows;
}

/** `veridata dedup`: exact and near-duplicate texts clustered, as columns or dropped. */
export function makeDedupCommand(): Command {
  return new Command('dedup')
    .description('Find exact and near-duplicate prompts (MinHash LSH; differing numbers never merge); add cluster columns or drop')
    .requiredOption('--in <file>', 'JSONL file (read twice, so not standard input)')
    .requiredOption('--out <file>', 'the lines with dedup columns added, in input order (written atomically); - for stdout')
    .option('--field <name>', 'field holding the text; a dotted path such as messages.0.content works (default: prompt, else input, question)')
    .option('--threshold <x>', 'estimated Jaccard similarity at which two texts with the same numbers are near-duplicates; 1: exact only', '0.8')
    .option('--num-perm <n>', 'MinHash functions per signature (bands and rows are chosen for the threshold)', '128')
    .option('--short-words <n>', 'texts with fewer words are shingled by characters, longer ones by word 5-grams', '50')
    .option('--seed <n>', 'seed of the hash family', '1')
    .option('--drop', 'keep only the first row of each cluster', false)
    .option('--skip-invalid', 'skip and count lines that are not JSON or lack the text field, instead of stopping', false)
    .option('--json', 'print the summary as one JSON object', false)
    .addHelpText(
      'after',
      `
Every line gets ${DedupColumns.cluster} (id of the cluster's first row), ${DedupColumns.similarity} (nearest similarity, 1 for an
exact duplicate) and ${DedupColumns.duplicate} (true for the rows --drop removes). Exact duplicates: equal after lower-casing,
collapsing whitespace and Unicode NFKC. Near duplicates: MinHash similarity >= --threshold and the same numbers, so
"79-7=?" and "79-8=?" never merge while a rewording with the same numbers does.
Examples:
  pnpm veridata dedup --in prompts.jsonl --out prompts.dedup.jsonl
  pnpm veridata dedup --in train.jsonl --field question --threshold 0.7 --drop --out train.unique.jsonl`,
    )
    .action(async (flags: DedupFlags) => {
      const options = parseOptions(DedupOptions, {
        in: flags.in,
        out: flags.out,
        field: flags.field,
        threshold: numberFlag('--threshold', flags.threshold),
        numPerm: integerFlag('--num-perm', flags.numPerm),
        shortWords: integerFlag('--short-words', flags.shortWords),
        seed: integerFlag('--seed', flags.seed),
        drop: flags.drop === true,
        skipInvalid: flags.skipInvalid === true,
      });
      const progress = createProgress({ label: 'dedup', omit: ['errors', 'costUsd'] });
      const summary = await withInterruptHandling((signal) => runDedup(options, { signal, progress }), {
        hint: 'Nothing was written (the output is replaced only when complete); rerun the same command.',
      });
      printSummary(summaryRows(summary), summary, { json: flags.json === true, stream: options.out === '-' ? process.stderr : process.stdout });
    });
}
