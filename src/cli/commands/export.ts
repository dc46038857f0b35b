import { Command, Option } from 'commander';
import { InvalidOptionError } from '../../core/errors.js';
import { createProgress } from '../../core/progress.js';
import { fieldOverridesFromFlags } from '../../core/schemas/aliases.js';
import { withInterruptHandling } from '../../core/signals.js';
import { exportFormats } from '../../curation/export/formats/index.js';
import { type ExportSummary, MetaMode, runExport } from '../../curation/export/run-export.js';
import { integerFlag, parseOptions } from '../options.js';
import { printSummary } from '../print.js';

interface ExportFlags {
  in?: string;
  to?: string;
  out?: string;
  parquet?: boolean;
  system?: string;
  meta: string;
  kind?: 'pair' | 'response' | 'problem';
  skipInvalid?: boolean;
  verifier?: string;
  datasetInfo?: boolean;
  datasetName?: string;
  rowGroupSize: string;
  list?: boolean;
  json?: boolean;
}

function requiredFlag(flag: string, value: string | undefined, more = ''): string {
  if (value === undefined || value === '') throw new InvalidOptionError(flag, `is required${more}`);
  return value;
}

/** Lists the formats: id, what a row holds, which input kinds it takes. */
export function listExportFormats(): string {
  const width = Math.max(...exportFormats.names().map((name) => name.length));
  return `${exportFormats
    .list()
    .map((format) => `${format.name.padEnd(width)}  ${format.description} [from ${format.accepts.join(', ')}${format.system ? '; --system' : ''}]`)
    .join('\n')}\n`;
}

function summaryRows(summary: ExportSummary): [string, string][] {
  const rows: [string, string][] = [
    ['format', `${summary.format} (${summary.output}, from ${summary.kind} records)`],
    ['written', `${summary.rows} rows from ${summary.records} records to ${summary.out}`],
  ];
  if (summary.labels) rows.push(['labels', `${summary.labels.true} desirable, ${summary.labels.false} undesirable`]);
  const skipped = Object.entries(summary.skipped);
  if (skipped.length > 0) rows.push(['no row', skipped.map(([reason, count]) => `${reason} ${count}`).join(', ')]);
  if (summary.unverified > 0) rows.push(['unverified', `${summary.unverified} responses without a verdict, exported as they are`]);
  if (summary.skippedInvalid > 0) rows.push(['skipped', `${summary.skippedInvalid} invalid lines, e.g. ${summary.skippedExamples[0]}`]);
  rows.push(['meta', summary.meta === 'drop' ? 'dropped (--meta drop)' : `${summary.meta} column${summary.shadowedFields > 0 ? `; ${summary.shadowedFields} input fields shadowed by meta keys` : ''}`]);
  rows.push(['columns', Object.entries(summary.columns).map(([path, type]) => `${path}: ${type}`).join(', ')]);
  if (summary.datasetInfo) rows.push(['dataset_info', `${summary.datasetInfo.action} "${summary.datasetInfo.name}" in ${summary.datasetInfo.path}`]);
  rows.push(['speed', `${Math.round(summary.rowsPerSecond)} rows/s in ${summary.seconds.toFixed(2)} s`]);
  return rows;
}

/** `veridata export`: canonical records to one trainer format, as JSONL or Parquet. */
export function makeExportCommand(): Command {
  return new Command('export')
    .description('Export pairs, responses or problems to a trainer format (TRL, Axolotl, LLaMA-Factory, ShareGPT), as JSONL or Parquet')
    .option('--in <file>', 'JSONL of pairs (veridata gen --format dpo, veridata pairs), responses with verdicts, or problems; - for standard input')
    .option('--to <format>', 'trainer format id; see --list')
    .option('--out <file>', 'output file, written atomically; - for standard output')
    .option('--parquet', 'write Parquet instead of JSONL')
    .option('--system <text>', 'system prompt, for formats that have one')
    .addOption(new Option('--meta <mode>', 'meta and unused input fields: a JSON string column, a typed struct column, or dropped').choices(MetaMode.options).default('json'))
    .addOption(new Option('--kind <kind>', 'read every record as this kind (default: from the first record)').choices(['pair', 'response', 'problem']))
    .option('--id-field <name>', 'field holding the id (default: id; derived when absent)')
    .option('--prompt-field <name>', 'field holding the prompt (default: prompt, else input, question)')
    .option('--response-field <name>', 'field holding the response (default: response, else output, completion)')
    .option('--chosen-field <name>', 'field holding the chosen text (default: chosen)')
    .option('--rejected-field <name>', 'field holding the rejected text (default: rejected)')
    .option('--answer-field <name>', 'field holding the gold answer, dotted paths allowed (default: answer, else gold)')
    .option('--tests-field <name>', 'field holding the tests (default: tests, else test_code, test)')
    .option('--verifier <name>', 'trl-grpo: verifier column for every row (default: the record\'s, else math for answers, pytest for tests)')
    .option('--dataset-info', 'write the LLaMA-Factory dataset_info.json entry beside the output (default for llamafactory)')
    .option('--no-dataset-info', 'do not write dataset_info.json')
    .option('--dataset-name <name>', 'dataset_info.json entry name (default: the output file name without extension)')
    .option('--row-group-size <n>', 'Parquet rows per row group', '10000')
    .option('--skip-invalid', 'skip and count bad lines instead of stopping')
    .option('--list', 'list the formats')
    .option('--json', 'print the summary as one JSON object')
    .addHelpText(
      'after',
      '\nExamples:\n  pnpm veridata export --in pairs.jsonl --to trl-dpo-chat --out dpo.jsonl --system "You are a careful math tutor."\n  pnpm veridata export --in pairs.jsonl --to llamafactory --out data/arith_dpo.parquet --parquet\n',
    )
    .action(async (flags: ExportFlags & Record<string, unknown>) => {
      if (flags.list) {
        process.stdout.write(listExportFormats());
        return;
      }
      const required = { in: requiredFlag('--in', flags.in), to: requiredFlag('--to', flags.to, ' (see --list for the formats)'), out: requiredFlag('--out', flags.out) };
      const progress = createProgress({ label: `export ${required.to}`, omit: ['errors', 'costUsd'] });
      const summary = await withInterruptHandling((signal) =>
        runExport({
          ...required,
          parquet: flags.parquet === true,
          ...(flags.system === undefined ? {} : { system: flags.system }),
          meta: parseOptions(MetaMode, flags.meta),
          ...(flags.kind === undefined ? {} : { kind: flags.kind }),
          overrides: fieldOverridesFromFlags(flags),
          skipInvalid: flags.skipInvalid === true,
          ...(flags.verifier === undefined ? {} : { verifier: flags.verifier }),
          ...(flags.datasetInfo === undefined ? {} : { datasetInfo: flags.datasetInfo }),
          ...(flags.datasetName === undefined ? {} : { datasetName: flags.datasetName }),
          rowGroupSize: integerFlag('--row-group-size', flags.rowGroupSize, 1),
          signal,
          progress,
        }),
      );
      printSummary(summaryRows(summary), summary, { json: flags.json === true, stream: required.out === '-' ? process.stderr : process.stdout });
    });
}
