import { Command } from 'commander';
import { createProgress } from '../../core/progress.js';
import { withInterruptHandling } from '../../core/signals.js';
import { SplitOptions, type SplitSummary, runSplit } from '../../curation/split.js';
import { integerFlag, numberFlag, parseOptions } from '../options.js';
import { printSummary } from '../print.js';

interface SplitFlags {
  in: string;
  train: string;
  val: string;
  test: string;
  seed: string;
  outDir?: string;
  trainOut?: string;
  valOut?: string;
  testOut?: string;
  field?: string;
  groupBy?: string;
  skipInvalid?: boolean;
  json?: boolean;
}

function summaryRows(summary: SplitSummary): [string, string][] {
  const rows: [string, string][] = [
    ['rows', `${summary.rows} read from ${summary.in} in ${summary.groups} groups by ${summary.groupBy}`],
    ...summary.splits.map(
      (split): [string, string] => [
        split.name,
        `${split.rows} rows (${(100 * split.rowShare).toFixed(1)}%, asked ${(100 * split.share).toFixed(1)}%) in ${split.groups} groups to ${split.out}`,
      ],
    ),
    ['seed', `${summary.seed}: the same seed and shares put every group in the same split`],
  ];
  if (summary.skippedInvalid > 0) rows.push(['skipped', `${summary.skippedInvalid} invalid lines, e.g. ${summary.skippedExamples[0]}`]);
  rows.push(['speed', `${Math.round(summary.rowsPerSecond)} rows/s in ${summary.seconds.toFixed(2)} s`]);
  return rows;
}

/** `veridata split`: deterministic train/val/test files, grouped so no prompt or paraphrase is in two splits. */
export function makeSplitCommand(): Command {
  return new Command('split')
    .description('Split a JSONL file into train/val/test by group (prompt, or dedup cluster), deterministically per seed')
    .requiredOption('--in <file>', 'JSONL file; - for stdin (one pass)')
    .option('--train <share>', 'share of groups for train', '0.8')
    .option('--val <share>', 'share of groups for val', '0.2')
    .option('--test <share>', 'share of groups for test; shares must sum to 1', '0')
    .option('--seed <n>', 'seed of the assignment', '0')
    .option('--out-dir <dir>', 'write train.jsonl, val.jsonl and test.jsonl (with a test share) here; created if missing')
    .option('--train-out <file>', 'where the train split goes (instead of --out-dir)')
    .option('--val-out <file>', 'where the val split goes (instead of --out-dir)')
    .option('--test-out <file>', 'where the test split goes (instead of --out-dir)')
    .option('--field <name>', 'field holding the prompt when grouping by prompt (default: prompt, else input, question)')
    .option('--group-by <field>', '"prompt" (normalised) or a field naming each row\'s group (default: dedup_cluster when the first row has it, else prompt)')
    .option('--skip-invalid', 'skip and count lines that are not JSON or lack the group field, instead of stopping', false)
    .option('--json', 'print the summary as one JSON object', false)
    .addHelpText(
      'after',
      `
A group's split is a hash of its key and the seed, so a group never crosses splits, the result does not depend on row
order, and shares are met approximately (by groups, not rows). Lines are written unchanged, in input order. Run
\`veridata dedup\` first to keep near-duplicate prompts together: split then groups by its dedup_cluster column.
Examples:
  pnpm veridata split --in pairs.jsonl --train 0.8 --val 0.2 --seed 1 --out-dir splits/
  pnpm veridata split --in pairs.dedup.jsonl --train 0.8 --val 0.1 --test 0.1 --out-dir splits/
  pnpm veridata split --in data.jsonl --train 0.9 --val 0.1 --train-out train.jsonl --val-out val.jsonl --group-by problem_id`,
    )
    .action(async (flags: SplitFlags) => {
      const options = parseOptions(SplitOptions, {
        in: flags.in,
        train: numberFlag('--train', flags.train),
        val: numberFlag('--val', flags.val),
        test: numberFlag('--test', flags.test),
        seed: integerFlag('--seed', flags.seed, 0, 0xffffffff),
        outDir: flags.outDir,
        trainOut: flags.trainOut,
        valOut: flags.valOut,
        testOut: flags.testOut,
        field: flags.field,
        groupBy: flags.groupBy,
        skipInvalid: flags.skipInvalid === true,
      });
      const progress = createProgress({ label: 'split', omit: ['errors', 'costUsd'] });
      const summary = await withInterruptHandling((signal) => runSplit(options, { signal, progress }), {
        hint: 'Nothing was written (each split file is replaced only when complete); rerun the same command.',
      });
      const toStdout = [options.trainOut, options.valOut, options.testOut].includes('-');
      printSummary(summaryRows(summary), summary, { json: flags.json === true, stream: toStdout ? process.stderr : process.stdout });
    });
}
