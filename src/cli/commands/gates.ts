import { Command } from 'commander';
import { VeridataError } from '../../core/errors.js';
import { createProgress } from '../../core/progress.js';
import { fieldOverridesFromFlags } from '../../core/schemas/aliases.js';
import { withInterruptHandling } from '../../core/signals.js';
import { formatGateTable, GateThresholds } from '../../curation/gates/gate-report.js';
import { runGates } from '../../curation/gates/run-gates.js';
import { loadBenchmarks } from '../../curation/decontam.js';
import { optionsFromSchema, parseConfigFlags } from '../options.js';

/** Most split files one run compares (prompts keep a bitmask of the files they occur in). */
const MAX_SPLITS = 30;

export function makeGatesCommand(): Command {
  const command = new Command('gates')
    .description('The DPO checklist as a command: pair count, preference gap, decontamination, conflicts, duplicates, length bias, split overlap')
    .requiredOption('--in <file>', 'pairs JSONL ({prompt, chosen, rejected, chosen_score, rejected_score, ...}); - for stdin')
    .option('--against <files...>', 'benchmark/test JSONL files whose items must not appear in the pairs (fields question/prompt/input)')
    .option('--bench-field <name>', 'field holding each benchmark question (default: question, prompt, input, problem)')
    .option('--splits <files...>', 'split files (train, val, test) that must not share prompts')
    .option('--prompt-field <name>', 'field holding the prompt (default: prompt, input, question)')
    .option('--skip-invalid', 'skip and count invalid lines instead of stopping', false)
    .option('--json', 'print the report as one JSON object', false);
  for (const option of optionsFromSchema(GateThresholds)) command.addOption(option);
  return command
    .addHelpText(
      'after',
      `
Exits 1 when a gate fails (warnings do not fail), 2 on bad input.
Example:
  pnpm veridata gates --in pairs.jsonl --against test.jsonl --splits train.jsonl val.jsonl`,
    )
    .action(async (flags: Record<string, unknown>) => {
      const thresholds = parseConfigFlags(GateThresholds, flags);
      const against = (flags.against as string[] | undefined) ?? [];
      const splits = (flags.splits as string[] | undefined) ?? [];
      if (splits.length > MAX_SPLITS) throw new VeridataError('INVALID_OPTION', `--splits: at most ${MAX_SPLITS} files, got ${splits.length}`, { hint: 'Compare the split files in groups.' });
      const overrides = fieldOverridesFromFlags(flags);
      const progress = createProgress({ label: 'gates', omit: ['errors', 'costUsd'] });
      const report = await withInterruptHandling(
        async (signal) => {
          const loaded = against.length > 0 ? await loadBenchmarks(against, { signal, ...(typeof flags.benchField === 'string' ? { field: flags.benchField } : {}) }) : undefined;
          return runGates({
            in: String(flags.in),
            thresholds,
            ...(loaded ? { benchmarks: loaded.index } : {}),
            splits,
            overrides,
            skipInvalid: flags.skipInvalid === true,
            signal,
            onLine: () => progress.tick(),
          }).finally(() => progress.done());
        },
        { hint: 'gates writes nothing; rerun the same command.' },
      );
      if (flags.json === true || !process.stdout.isTTY) process.stdout.write(`${JSON.stringify(report)}\n`);
      else process.stdout.write(`${formatGateTable(report.gates)}\n${report.passed ? 'all gates passed' : `FAILED: ${report.failed.join(', ')}`}\n`);
      if (!report.passed) {
        throw new VeridataError('CHECK_FAILED', `${report.failed.length} gate${report.failed.length === 1 ? '' : 's'} failed: ${report.failed.join(', ')}`, {
          hint: 'Fix the data (or set the threshold flags shown by `veridata gates --help`) and rerun.',
        });
      }
    });
}
