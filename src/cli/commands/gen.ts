import { availableParallelism } from 'node:os';
import { Command, Option } from 'commander';
import { InvalidOptionError, UnknownNameError, UsageError } from '../../core/errors.js';
import { isCharacterDevice, outputIdentity, resolveOutputTarget } from '../../core/io/output-target.js';
import { createProgress } from '../../core/progress.js';
import { withInterruptHandling } from '../../core/signals.js';
import { outputFormats } from '../../../templates/formats.js';
import type { GenerationPlan } from '../../../templates/generate.js';
import { templates } from '../../../templates/index.js';
import { parseNegativeMix } from '../../../templates/negatives.js';
import { runGen, type GenSummary } from '../../../templates/run-gen.js';
import type { Template } from '../../../templates/template.js';
import { describeOption, integerFlag, numberFlag, optionsFromSchema, parseConfigFlags, shardFlag, withRange } from '../options.js';
import { printSummary } from '../print.js';
import { helpHint } from '../usage-error.js';

/** Flags every family shares; the rest of a family's flags come from its config schema. */
interface CommonFlags {
  count: string;
  seed: string;
  format: string;
  out: string;
  negatives?: string;
  unique?: boolean;
  shard: string;
  heldOut: string;
  testOut?: string;
  testCount?: string;
  workers?: string;
  json?: boolean;
  list?: boolean;
}

const commonKeys = new Set(['count', 'seed', 'format', 'out', 'negatives', 'unique', 'shard', 'heldOut', 'testOut', 'testCount', 'workers', 'json', 'list']);

const DEFAULT_NEGATIVES = 'refusal';
const DEFAULT_TEST_COUNT = 400;
const MAX_HELD_OUT = 0.5;

/**
 * The most threads `--workers` accepts: 4 per core, at most 64. Past the core count threads add start-up time and memory,
 * not speed (1000 took 10 GB and 19 minutes where one per core took 6 s).
 */
export function maxWorkers(): number {
  return Math.min(64, 4 * availableParallelism());
}

function heldOutShare(value: string): number {
  const share = numberFlag('--held-out', value);
  if (!(share >= 0 && share <= MAX_HELD_OUT)) {
    throw new InvalidOptionError('--held-out', `expected a share between 0 and ${MAX_HELD_OUT}, got "${value}"`);
  }
  return share;
}

function pathFlag(flag: string, value: string): string {
  if (value.trim() === '') throw new InvalidOptionError(flag, 'empty path', 'Give a file name, or - for standard output.');
  return value;
}

function workersFlag(value: string): number {
  const limit = maxWorkers();
  const workers = integerFlag('--workers', value, 1);
  if (workers > limit) {
    throw new InvalidOptionError(
      '--workers',
      `at most ${limit} on this machine (4 per core, ${availableParallelism()} cores; never more than 64), got ${workers}`,
      'More threads than cores add start-up time and memory, not speed; leave --workers out to use one per core.',
    );
  }
  return workers;
}

/** A `veridata gen <family>` call checked and parsed: the plan plus where it goes. */
export interface GenRequest {
  readonly plan: GenerationPlan;
  readonly out: string;
  readonly testOut: string | undefined;
  readonly testCount: number | undefined;
  readonly workers: number | undefined;
}

/** Builds the plan of one `veridata gen <family>` call from its flags; refuses options that would be silently ignored. */
export function planFromFlags(template: Template<any>, flags: CommonFlags & Record<string, unknown>): GenRequest {
  const familyFlags = Object.fromEntries(Object.entries(flags).filter(([key]) => !commonKeys.has(key)));
  const config = parseConfigFlags(template.config, familyFlags);
  const format = outputFormats.get(flags.format);
  const out = pathFlag('--out', flags.out);
  const testOut = flags.testOut === undefined ? undefined : pathFlag('--test-out', flags.testOut);
  if (flags.testCount !== undefined && testOut === undefined) {
    throw new InvalidOptionError('--test-count', 'needs --test-out FILE to say where the test set goes');
  }
  if (testOut !== undefined && format.name === 'test') {
    throw new InvalidOptionError(
      '--test-out',
      'with --format test, --out already gets held-out test questions; --test-out would write the same questions again',
      'Use --format test --out FILE, or a training format with --test-out FILE.',
    );
  }
  if (flags.negatives !== undefined && !format.usesNegatives) {
    throw new InvalidOptionError(
      '--negatives',
      `the ${format.name} format has no rejected answers, so --negatives would be ignored`,
      `Drop --negatives, or use a format with rejected answers: ${outputFormats.list().filter((each) => each.usesNegatives).map((each) => each.name).join(', ')}.`,
    );
  }
  return {
    plan: {
      template,
      config,
      count: integerFlag('--count', flags.count, 0),
      seed: integerFlag('--seed', flags.seed, 0),
      format,
      negatives: parseNegativeMix(flags.negatives ?? DEFAULT_NEGATIVES),
      unique: flags.unique === true,
      shard: shardFlag(flags.shard),
      heldOutShare: heldOutShare(flags.heldOut),
    },
    out,
    testOut,
    testCount: testOut === undefined ? undefined : integerFlag('--test-count', flags.testCount ?? String(DEFAULT_TEST_COUNT), 1),
    workers: flags.workers === undefined ? undefined : workersFlag(flags.workers),
  };
}

/**
 * Refuses --out and --test-out that reach one file through two spellings (`a.jsonl`, `./x/../a.jsonl`, a symlink, a hard
 * link, `-` and /dev/stdout): two writers of one file leave it holding one output or a mix of both. A character device
 * (a terminal, /dev/null) takes both without harm.
 */
export async function checkDistinctOutputs(out: string, testOut: string | undefined): Promise<void> {
  if (testOut === undefined) return;
  if ((await outputIdentity(out)) !== (await outputIdentity(testOut))) return;
  if ((await isCharacterDevice(out)) && (await isCharacterDevice(testOut))) return;
  throw new InvalidOptionError('--test-out', `"${testOut}" is the same file as --out "${out}"`, 'Write the test set to a different file.');
}

/** Whether `path` is standard output itself (`-`, /dev/stdout, or the file stdout was redirected to). */
async function isStandardOutput(path: string): Promise<boolean> {
  return path === '-' || (await outputIdentity(path)) === (await outputIdentity('-'));
}

/** What an interrupted run leaves, for the INTERRUPTED hint: files are written whole or not at all, streams are not. */
export async function interruptHint(out: string, testOut: string | undefined): Promise<string> {
  const unchanged: string[] = [];
  const partial: string[] = [];
  for (const path of testOut === undefined ? [out] : [out, testOut]) {
    if (path === '-') partial.push('standard output');
    else if ((await resolveOutputTarget(path).catch(() => undefined))?.kind === 'in-place') partial.push(path);
    else unchanged.push(path);
  }
  const parts: string[] = [];
  if (unchanged.length > 0) parts.push(`nothing was kept: ${unchanged.join(' and ')} ${unchanged.length > 1 ? 'are' : 'is'} as before the run`);
  if (partial.length > 0) parts.push(`${partial.join(' and ')} got only the lines written before the interruption`);
  return `${parts.join('; ')}. Rerun the same command; the same seed and options give the same lines.`.replace(/^./, (first) => first.toUpperCase());
}

function familyCommand(template: Template<any>): Command {
  const command = new Command(template.name)
    .description(template.description)
    .option('--count <n>', 'items to write (the whole run, before sharding)', '1000')
    .option('--seed <n>', 'run seed: the same seed and options give the same bytes', '0')
    .addOption(new Option('--format <name>', 'output format').choices(outputFormats.names()).default('dpo'))
    .option('--out <file>', 'output JSONL file, written whole or not at all; - for standard output', '-')
    .addOption(
      new Option('--negatives <list>', 'rejected-answer kinds mixed by weight: refusal, wrong (e.g. refusal,wrong:3); dpo and notebook only').default(
        undefined,
        DEFAULT_NEGATIVES,
      ),
    )
    .option('--unique', 'walk the question space without repeating a question')
    .option('--shard <k/n>', 'write only the k-th of n disjoint slices (k from 0)', '0/1')
    .addOption(withRange(new Option('--held-out <share>', 'share of the question space reserved for test sets').default('0.05'), `0..${MAX_HELD_OUT}`))
    .option('--test-out <file>', 'also write a held-out test set in the notebook test format')
    .addOption(new Option('--test-count <n>', 'questions in the held-out test set (needs --test-out)').default(undefined, String(DEFAULT_TEST_COUNT)))
    .addOption(
      withRange(
        new Option('--workers <n>', 'threads serialising records for large runs; 1 = main thread only').default(undefined, 'one per core'),
        `1..${maxWorkers()} here: 4 per core, at most 64`,
      ),
    )
    .option('--json', 'print the summary as one JSON object')
    .option('--list', "list this family's options instead of generating");
  for (const option of optionsFromSchema(template.config)) command.addOption(option);
  command.addHelpText(
    'after',
    `\nExample:\n  pnpm veridata gen ${template.name} --count 1000 --seed 1 --format dpo --out ${template.name}.jsonl --test-out ${template.name}-test.jsonl --test-count 100\n`,
  );
  return command.action(async (flags: CommonFlags & Record<string, unknown>, self: Command) => {
    // `gen --list arith` parses --list on gen, then runs arith.
    if (flags.list === true || self.parent?.opts<{ list?: boolean }>().list === true) {
      process.stdout.write(listFamilies([template]));
      return;
    }
    const request = planFromFlags(template, flags);
    await checkDistinctOutputs(request.out, request.testOut);
    const summaryToStderr = await isStandardOutput(request.out);
    const hint = await interruptHint(request.out, request.testOut);
    const progress = createProgress({ label: `gen ${template.name}`, total: request.plan.count, omit: ['errors', 'costUsd'] });
    const summary = await withInterruptHandling(
      (signal) =>
        runGen(request.plan, {
          out: request.out,
          signal,
          ...(request.testOut === undefined ? {} : { testOut: request.testOut, testCount: request.testCount }),
          ...(request.workers === undefined ? {} : { workers: request.workers }),
          progress,
        }),
      { hint },
    ).catch((error: unknown) => {
      progress.done('stopped'); // the error message goes on a line of its own, and no redraw follows it
      throw error;
    });
    printSummary(genSummaryRows(summary), summary, { json: flags.json === true, stream: summaryToStderr ? process.stderr : process.stdout });
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
    rows.push([
      'test set',
      `${summary.test.lines} held-out questions to ${summary.test.out} (no fact shared with any training written with --held-out >= ${summary.test.heldOutShare})`,
    ]);
  }
  rows.push(['speed', `${Math.round(summary.itemsPerSecond)} items/s in ${summary.seconds.toFixed(2)} s (training)`]);
  if (summary.test) rows.push(['test speed', `${Math.round(summary.test.itemsPerSecond)} items/s in ${summary.test.seconds.toFixed(2)} s`]);
  return rows;
}

/** Lists families with their own options, aligned as in `--help`. */
export function listFamilies(list: readonly Template<any>[] = templates.list()): string {
  const families = list.map((template) => ({ template, options: optionsFromSchema(template.config) }));
  const width = Math.max(0, ...families.flatMap(({ options }) => options.map((option) => option.flags.length)));
  const blocks = families.map(({ template, options }) =>
    [`${template.name}: ${template.description}`, ...options.map((option) => `  ${option.flags.padEnd(width)}  ${describeOption(option)}`)].join('\n'),
  );
  return `${blocks.join('\n\n')}\n`;
}

/** `gen Arith` or `gen arithmetic` names no family: say which exist, and the likely one. */
function unknownFamily(name: string): UnknownNameError {
  const lower = name.toLowerCase();
  const likely = templates.names().find((candidate) => candidate === lower || candidate.startsWith(lower) || lower.startsWith(candidate));
  const hint = likely
    ? `Did you mean \`veridata gen ${likely}\`? Run \`veridata gen --list\` to see every family and its options.`
    : 'Run `veridata gen --list` to see every family and its options.';
  return new UnknownNameError('template', name, templates.names(), hint);
}

export function makeGenCommand(): Command {
  const command = new Command('gen')
    .description('Write procedurally generated, verified math data (one subcommand per family)')
    .argument('[family]', 'generator family; see --list')
    .option('--list', 'list the families and their options (with a family: only its options)')
    // A mistyped family is not a subcommand, so its options land here: let them through and name the family instead.
    .allowUnknownOption()
    .allowExcessArguments()
    .addHelpText('after', '\nExample:\n  pnpm veridata gen arith --count 400000 --seed 1 --format notebook --out train.jsonl --test-out test.jsonl --test-count 400\n')
    .action((family: string | undefined, _flags: { list?: boolean }, self: Command) => {
      if (family?.startsWith('-')) throw new UsageError(`unknown option '${family}'`, helpHint(self));
      if (family !== undefined) throw unknownFamily(family);
      process.stdout.write(listFamilies());
    });
  for (const template of templates.list()) command.addCommand(familyCommand(template));
  return command;
}
