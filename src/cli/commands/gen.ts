import { Command, Option } from 'commander';
import { InvalidOptionError } from '../../core/errors.js';
import { createProgress } from '../../core/progress.js';
import { withInterruptHandling } from '../../core/signals.js';
import { outputFormats } from '../../../templates/formats.js';
import type { GenerationPlan } from '../../../templates/generate.js';
import { templates } from '../../../templates/index.js';
import { parseNegativeMix } from '../../../templates/negatives.js';
import { runGen, type GenSummary } from '../../../templates/run-gen.js';
import type { Template } from '../../../templates/template.js';
import { describeOptions, integerFlag, optionsFromSchema, parseConfigFlags, shardFlag } from '../options.js';
import { printSummary } from '../print.js';

/** Flags every family shares; the rest of a family's flags come from its config schema. */
interface CommonFlags {
  count: string;
  seed: string;
  format: string;
  out: string;
  negatives: string;
  unique?: boolean;
  shard: string;
  heldOut: string;
  testOut?: string;
  testCount?: string;
  workers?: string;
  json?: boolean;
}

const commonKeys = new Set(['count', 'seed', 'format', 'out', 'negatives', 'unique', 'shard', 'heldOut', 'testOut', 'testCount', 'workers', 'json']);

function heldOutShare(value: string): number {
  const share = Number(value);
  if (value.trim() === '' || !(share >= 0 && share <= 0.5)) {
    throw new InvalidOptionError('--held-out', `expected a share between 0 and 0.5, got "${value}"`);
  }
  return share;
}

/** Builds the plan of one `veridata gen <family>` call from its flags. */
export function planFromFlags(template: Template<any>, flags: CommonFlags & Record<string, unknown>): {
  plan: GenerationPlan;
  testCount: number | undefined;
} {
  const familyFlags = Object.fromEntries(Object.entries(flags).filter(([key]) => !commonKeys.has(key)));
  const config = parseConfigFlags(template.config, familyFlags);
  const format = outputFormats.get(flags.format);
  if (flags.testCount !== undefined && flags.testOut === undefined) {
    throw new InvalidOptionError('--test-count', 'needs --test-out FILE to say where the test set goes');
  }
  const testCount = flags.testOut === undefined ? undefined : integerFlag('--test-count', flags.testCount ?? '400', 1);
  if (flags.testOut !== undefined && flags.testOut === flags.out) {
    throw new InvalidOptionError('--test-out', 'must differ from --out');
  }
  return {
    plan: {
      template,
      config,
      count: integerFlag('--count', flags.count, 0),
      seed: integerFlag('--seed', flags.seed, 0),
      format,
      negatives: parseNegativeMix(flags.negatives),
      unique: flags.unique === true,
      shard: shardFlag(flags.shard),
      heldOutShare: heldOutShare(flags.heldOut),
    },
    testCount,
  };
}

function familyCommand(template: Template<any>): Command {
  const command = new Command(template.name)
    .description(template.description)
    .option('--count <n>', 'items to write (the whole run, before sharding)', '1000')
    .option('--seed <n>', 'run seed: the same seed and options give the same bytes', '0')
    .addOption(new Option('--format <name>', 'output format').choices(outputFormats.names()).default('dpo'))
    .option('--out <file>', 'output JSONL file, written atomically; - for standard output', '-')
    .option('--negatives <list>', 'rejected-answer kinds mixed by weight: refusal, wrong (e.g. refusal,wrong:3)', 'refusal')
    .option('--unique', 'walk the question space without repeating a question')
    .option('--shard <k/n>', 'write only the k-th of n disjoint slices (k from 0)', '0/1')
    .option('--held-out <share>', 'share of the question space reserved for test sets', '0.05')
    .option('--test-out <file>', 'also write a held-out test set in the notebook test format')
    .option('--test-count <n>', 'questions in the held-out test set (default 400)')
    .option('--workers <n>', 'threads serialising records for large runs (default: one per core; 1 = main thread only)')
    .option('--json', 'print the summary as one JSON object');
  for (const option of optionsFromSchema(template.config)) command.addOption(option);
  command.addHelpText(
    'after',
    `\nExample:\n  pnpm veridata gen ${template.name} --count 1000 --seed 1 --format dpo --out ${template.name}.jsonl --test-out ${template.name}-test.jsonl --test-count 100\n`,
  );
  return command.action(async (flags: CommonFlags & Record<string, unknown>) => {
    const { plan, testCount } = planFromFlags(template, flags);
    const toStdout = flags.out === '-';
    const progress = createProgress({ label: `gen ${template.name}`, total: plan.count });
    const summary = await withInterruptHandling((signal) =>
      runGen(plan, {
        out: flags.out,
        signal,
        ...(flags.testOut === undefined ? {} : { testOut: flags.testOut, testCount }),
        ...(flags.workers === undefined ? {} : { workers: integerFlag('--workers', flags.workers, 1) }),
        progress,
      }),
    );
    printSummary(genSummaryRows(summary), summary, { json: flags.json === true, stream: toStdout ? process.stderr : process.stdout });
  });
}

function genSummaryRows(summary: GenSummary): [string, string][] {
  const percent = (part: number, whole: number) => (whole > 0 ? ` (${((100 * part) / whole).toFixed(1)}%)` : '');
  const rows: [string, string][] = [
    ['family', summary.family],
    ['format', summary.format],
    ['written', `${summary.lines} lines to ${summary.out}`],
    [
      'unique questions',
      `${summary.uniqueExact ? '' : '~'}${summary.uniqueQuestions}${percent(summary.uniqueQuestions, summary.lines)}`,
    ],
    [
      'question space',
      `${summary.spaceSize} distinct${
        summary.trainingSpaceSize === null ? '' : `, ${summary.trainingSpaceSize} outside the ${summary.heldOutShare} held-out share`
      }`,
    ],
  ];
  const negatives = Object.entries(summary.negatives);
  if (negatives.length > 0) rows.push(['negatives', negatives.map(([label, count]) => `${label} ${count}`).join(', ')]);
  if (summary.test) {
    rows.push(['test set', `${summary.test.lines} held-out questions to ${summary.test.out} (disjoint from training)`]);
  }
  rows.push(['speed', `${Math.round(summary.itemsPerSecond)} items/s in ${summary.seconds.toFixed(2)} s`]);
  return rows;
}

/** Lists every family with its options. */
export function listFamilies(): string {
  const lines: string[] = [];
  for (const template of templates.list()) {
    lines.push(`${template.name}: ${template.description}`);
    for (const option of describeOptions(template.config)) {
      lines.push(`  ${option.flag} <${option.type}>  ${option.description} (default ${JSON.stringify(option.default)})`);
    }
  }
  return `${lines.join('\n')}\n`;
}

export function makeGenCommand(): Command {
  const command = new Command('gen')
    .description('Write procedurally generated, verified math data (one subcommand per family)')
    .argument('[family]', 'generator family; see --list')
    .option('--list', 'list the families and their options')
    .addHelpText('after', '\nExample:\n  pnpm veridata gen arith --count 400000 --seed 1 --format notebook --out train.jsonl --test-out test.jsonl --test-count 400\n')
    .action((family: string | undefined, flags: { list?: boolean }) => {
      if (flags.list || family === undefined) {
        process.stdout.write(listFamilies());
        return;
      }
      templates.get(family); // an unknown family: [UNKNOWN_NAME] with the available names
    });
  for (const template of templates.list()) command.addCommand(familyCommand(template));
  return command;
}
