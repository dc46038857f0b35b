import { Command } from 'commander';
import { InvalidOptionError } from '../../core/errors.js';
import { createProgress } from '../../core/progress.js';
import { withInterruptHandling } from '../../core/signals.js';
import { DecontamColumns, DecontamOptions, type DecontamSummary, runDecontam } from '../../curation/decontam.js';
import { integerFlag, parseOptions } from '../options.js';
import { printSummary } from '../print.js';

interface DecontamFlags {
  in: string;
  out: string;
  against: string[];
  field?: string;
  benchField?: string;
  ngram: string;
  drop?: boolean;
  skipInvalid?: boolean;
  json?: boolean;
}

/** Parses `--ngram 8,13`: whole numbers, at least one. */
function ngramFlag(value: string): number[] {
  const parts = value.split(',').map((part) => part.trim());
  if (parts.some((part) => part === '')) throw new InvalidOptionError('--ngram', `expected sizes such as 8,13, got "${value}"`);
  return parts.map((part) => integerFlag('--ngram', part, 1, 64));
}

const percent = (share: number) => `${(100 * share).toFixed(1)}%`;

function summaryRows(summary: DecontamSummary): [string, string][] {
  const rows: [string, string][] = [
    ['rows', `${summary.rows} read from ${summary.in} (text field ${summary.field})`],
    ['contaminated', `${summary.contaminatedRows} rows overlap a benchmark; clean share ${percent(summary.cleanShare)}`],
    ['benchmark unseen', `${percent(summary.unseenShare)} of benchmark items never occur in training (lowest file ${percent(summary.worstUnseenShare)})`],
  ];
  for (const score of summary.benchmarks) {
    const matches = Object.entries(score.matches).map(([match, count]) => `${match} ${count}`).join(', ');
    rows.push([
      `  ${score.file}`,
      `${score.seen} of ${score.items} items seen in training (unseen ${percent(score.unseenShare)}); ${score.contaminatedRows} training rows overlap it${matches ? ` (${matches})` : ''}`,
    ]);
  }
  rows.push([
    'written',
    `${summary.written} lines to ${summary.out}${summary.dropped > 0 ? `, ${summary.dropped} contaminated rows dropped` : ''}`,
  ]);
  rows.push(['method', `exact normalised question, short questions contained whole, word ${summary.ngram.join('- and ')}-grams; benchmark field ${summary.benchField}`]);
  if (summary.skippedInvalid > 0) rows.push(['skipped', `${summary.skippedInvalid} invalid lines, e.g. ${summary.skippedExamples[0]}`]);
  rows.push(['speed', `${Math.round(summary.rowsPerSecond)} rows/s in ${summary.seconds.toFixed(2)} s`]);
  return rows;
}

/** `veridata decontam`: training rows checked against benchmark files; evidence columns, or contaminated rows dropped. */
export function makeDecontamCommand(): Command {
  return new Command('decontam')
    .description('Find training rows that overlap benchmark/test items (exact question, word 8- and 13-grams); report both scores')
    .requiredOption('--in <file>', 'training JSONL; - for stdin')
    .requiredOption('--against <files...>', 'benchmark/test JSONL files (question field: question, prompt, input or problem)')
    .requiredOption('--out <file>', 'the lines with contamination columns added, in input order (written atomically); - for stdout')
    .option('--field <name>', 'training field holding the text (default: prompt, else input, question)')
    .option('--bench-field <name>', 'benchmark field holding the question (default: question, else prompt, input, problem)')
    .option('--ngram <sizes>', 'word n-gram sizes, comma-separated', '8,13')
    .option('--drop', 'leave contaminated rows out and write the rest unchanged', false)
    .option('--skip-invalid', 'skip and count lines that are not JSON or lack the text field, instead of stopping', false)
    .option('--json', 'print the summary as one JSON object', false)
    .addHelpText(
      'after',
      `
Every line gets ${Object.values(DecontamColumns).join(', ')}.
Matches: exact (the whole question, after lower-casing, collapsing whitespace and NFKC), contains (a benchmark question
shorter than the smallest n-gram found whole inside the row), ngram-N (a shared run of N words, punctuation at word
edges ignored). The summary gives both scores per benchmark: the share of its items never seen in training (what a
decontamination gate checks) and the share of training rows that are clean.
Examples:
  pnpm veridata decontam --in train.jsonl --against test.jsonl --out train.checked.jsonl
  pnpm veridata decontam --in train.jsonl --against math500.jsonl aime.jsonl --bench-field problem --drop --out train.clean.jsonl`,
    )
    .action(async (flags: DecontamFlags) => {
      const options = parseOptions(DecontamOptions, {
        in: flags.in,
        out: flags.out,
        against: flags.against,
        field: flags.field,
        benchField: flags.benchField,
        ngram: ngramFlag(flags.ngram),
        drop: flags.drop === true,
        skipInvalid: flags.skipInvalid === true,
      });
      const progress = createProgress({ label: 'decontam', omit: ['errors', 'costUsd'] });
      const summary = await withInterruptHandling((signal) => runDecontam(options, { signal, progress }), {
        hint: 'Nothing was written (the output is replaced only when complete); rerun the same command.',
      });
      printSummary(summaryRows(summary), summary, { json: flags.json === true, stream: options.out === '-' ? process.stderr : process.stdout });
    });
}
