import { Command, Option } from 'commander';
import { InvalidOptionError } from '../../core/errors.js';
import { fieldOverridesFromFlags } from '../../core/schemas/aliases.js';
import { createProgress } from '../../core/progress.js';
import { withInterruptHandling } from '../../core/signals.js';
import { JudgeUse, PairRulesOptions, PairStrategy } from '../../curation/pairs/pair-rules.js';
import { runPairs, type PairsSummary } from '../../curation/pairs/run-pairs.js';
import { integerFlag, parseOptions } from '../options.js';
import { printSummary } from '../print.js';

/** A number flag in [0, 1]; a failure names the flag. */
function unitFlag(flag: string, value: string): number {
  const number = Number(value);
  if (!/^\s*(?:\d+(?:\.\d*)?|\.\d+)\s*$/.test(value) || number > 1) throw new InvalidOptionError(flag, `expected a number from 0 to 1, got "${value}"`);
  return number;
}

function summaryRows(summary: PairsSummary): [string, string][] {
  const rules = Object.entries(summary.rules).map(([rule, count]) => `${rule} ${count}`).join(', ') || 'none';
  return [
    ['pairs', `${summary.pairs} written to ${summary.out} (${rules})`],
    ['prompts', `${summary.prompts} (${summary.promptsWithoutPair} gave no pair: all passed, all failed, or a single response)`],
    ['responses', `${summary.responses}: ${summary.standings.pass} pass, ${summary.standings.fail} fail, ${summary.standings.unverified} unverified`],
    ['duplicates', `${summary.duplicateTexts} repeated texts kept once; ${summary.contradictoryTexts} texts with contradicting verdicts left out`],
    ...(summary.skippedInvalid > 0 ? ([['skipped', `${summary.skippedInvalid} invalid lines, e.g. ${summary.skippedExamples[0]}`]] as [string, string][]) : []),
    ['time', `${summary.seconds.toFixed(2)} s`],
  ];
}

export function makePairsCommand(): Command {
  return new Command('pairs')
    .description('Build chosen/rejected preference pairs from verified responses (or exported solver logs)')
    .requiredOption('--in <file>', 'JSONL of responses with a verdict (or {prompt, output, verifier: {name, passed}} log lines); - for stdin')
    .requiredOption('--out <file>', 'where the pairs go (written atomically; - for stdout); never the input file')
    .addOption(new Option('--strategy <name>', 'best-worst: one pair per prompt; all-pass-fail: every pass x fail, capped; margin: pairs whose score gap >= --min-gap').choices(PairStrategy.options).default('best-worst'))
    .addOption(new Option('--judge <use>', 'a judge score: ignore it, break ties between passes, or also place responses the verifier could not decide').choices(JudgeUse.options).default('tiebreak'))
    .option('--judge-field <name>', 'field holding a judge score 0..1 (default: judge_score, then judge)')
    .option('--judge-threshold <x>', 'judge score at or above which an unverified response counts as good (fallback)', '0.5')
    .option('--min-gap <x>', 'margin strategy: least chosen_score - rejected_score', '0.15')
    .option('--max-per-prompt <n>', 'all-pass-fail and margin: most pairs per prompt', '8')
    .option('--hard-negatives', 'prefer near-miss rejected responses (right format, wrong answer; most tests passed)', false)
    .option('--prompt-field <name>', 'field holding the prompt (default: prompt, input, question)')
    .option('--response-field <name>', 'field holding the response (default: response, output, completion)')
    .option('--problem-id-field <name>', 'field grouping responses of one problem (default: problem_id, else the prompt)')
    .option('--skip-invalid', 'skip and count invalid lines instead of stopping', false)
    .option('--json', 'print the summary as one JSON object', false)
    .addHelpText(
      'after',
      `
The verifier decides: a pass is chosen over a fail; a judge score never makes a failed response chosen.
Example:
  pnpm veridata pairs --in verdicts.jsonl --out pairs.jsonl --strategy all-pass-fail --hard-negatives`,
    )
    .action(async (flags: Record<string, string | boolean | undefined>) => {
      const rules = parseOptions(PairRulesOptions, {
        strategy: flags.strategy,
        judge: flags.judge,
        judgeThreshold: unitFlag('--judge-threshold', String(flags.judgeThreshold)),
        minGap: unitFlag('--min-gap', String(flags.minGap)),
        maxPerPrompt: integerFlag('--max-per-prompt', String(flags.maxPerPrompt), 1),
        hardNegatives: flags.hardNegatives === true,
      });
      const progress = createProgress({ label: 'pairs', omit: ['errors', 'costUsd'] });
      const summary = await withInterruptHandling(
        (signal) =>
          runPairs({
            in: String(flags.in),
            out: String(flags.out),
            rules,
            overrides: fieldOverridesFromFlags(flags),
            ...(typeof flags.judgeField === 'string' ? { judgeField: flags.judgeField } : {}),
            skipInvalid: flags.skipInvalid === true,
            signal,
            onLine: () => progress.tick(),
          }).finally(() => progress.done()),
        { hint: 'Nothing was written (the output is replaced only when complete); rerun the same command.' },
      );
      printSummary(summaryRows(summary), summary, { json: flags.json === true, stream: flags.out === '-' ? process.stderr : process.stdout });
    });
}
