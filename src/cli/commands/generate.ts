import { Command, Option } from 'commander';
import { InvalidOptionError } from '../../core/errors.js';
import { createProgress } from '../../core/progress.js';
import { fieldOverridesFromFlags } from '../../core/schemas/aliases.js';
import { withInterruptHandling } from '../../core/signals.js';
import { PairRulesOptions, PairStrategy } from '../../curation/pairs/pair-rules.js';
import { runGeneration, type GenerationMode, type GenerationSummary } from '../../generation/run-generation.js';
import { resolveRunConfig } from '../../generation/run-settings.js';
import { SANDBOX_CHOICES } from '../../../sandbox/index.js';
import { integerFlag, numberFlag, parseOptions } from '../options.js';
import { printSummary } from '../print.js';
import { MIN_MEMORY_BYTES, parseDuration, parseSize } from '../../core/units.js';

interface GenerateFlags {
  config?: string;
  problems: string;
  out: string;
  baseUrl?: string;
  model: string[];
  apiKeyEnv?: string;
  profile?: string;
  concurrency?: string;
  maxTokens?: string;
  temperature?: string;
  responses?: string;
  maxUsd?: string;
  seed?: string;
  systemPrompt?: string;
  judgeModel: string[];
  approvalThreshold?: string;
  cache?: string;
  cachePath?: string;
  strategy?: string;
  minGap?: string;
  maxPerPrompt?: string;
  hardNegatives?: boolean;
  sandbox: string;
  unsafeNoSandbox?: boolean;
  timeout: string;
  memory: string;
  promptField?: string;
  answerField?: string;
  testsField?: string;
  idField?: string;
  skipInvalid?: boolean;
  json?: boolean;
}

const collect = (value: string, previous: string[]) => [...previous, value];

function unit(flag: string, value: string): number {
  const number = numberFlag(flag, value);
  if (number < 0 || number > 1) throw new InvalidOptionError(flag, `expected a number from 0 to 1, got "${value}"`);
  return number;
}

function summaryRows(summary: GenerationSummary): [string, string][] {
  const list = (counts: Record<string, number>) => Object.entries(counts).sort((a, b) => b[1] - a[1]).map(([name, count]) => `${name} ${count}`).join(', ') || '-';
  const rows: [string, string][] = [
    ['problems', `${summary.processed} done${summary.resumed > 0 ? ` after ${summary.resumed} done before (resumed)` : ''}`],
    ['samples', `${summary.samples} written${summary.command === 'dpo' ? ` to ${summary.files.responses}` : ` to ${summary.out}`}; ${summary.truncated} truncated`],
  ];
  if (summary.pairs !== undefined) {
    rows.push(['pairs', `${summary.pairs} written to ${summary.out} (${list(summary.pairRules ?? {})})`]);
    if (Object.keys(summary.noPair ?? {}).length > 0) rows.push(['no pair', list(summary.noPair ?? {})]);
  }
  rows.push(
    ['verified', `${summary.verified.pass} pass, ${summary.verified.fail} fail, ${summary.verified.error} could not decide`],
    ['judged', `${summary.judged}${summary.judgeErrors > 0 ? ` (${summary.judgeErrors} without a score)` : ''}`],
    ['decisions', `${summary.decisions.approve} approve, ${summary.decisions.reject} reject, ${summary.decisions.unscored} unscored`],
  );
  if (summary.failedSamples > 0) rows.push(['failed', `${summary.failedSamples} samples (${list(summary.failureCodes)}), listed in ${summary.files.failures}`]);
  if (Object.keys(summary.droppedModels).length > 0) rows.push(['dropped', Object.entries(summary.droppedModels).map(([model, why]) => `${model} (${why})`).join('; ')]);
  rows.push(
    ['requests', `${summary.requests.bought} bought, ${summary.requests.cached} from the cache, ${summary.requests.retries} retries`],
    ['cache', `${summary.cache.mode} ${summary.cache.path}: ${summary.cache.hits} hits, ${summary.cache.writes} added`],
    ['spent', `$${summary.spentUsd.toFixed(4)} this run, $${summary.totalSpentUsd.toFixed(4)} for this output`],
    ['speed', `${summary.problemsPerSecond.toFixed(1)} problems/s in ${summary.seconds.toFixed(1)} s`],
  );
  if (summary.skippedInvalid > 0) rows.push(['skipped', `${summary.skippedInvalid} invalid lines`]);
  return rows;
}

/** `veridata sft` and `veridata dpo`: generate responses over an OpenAI-compatible endpoint and score them. */
export function makeGenerateCommand(mode: GenerationMode): Command {
  const command = new Command(mode)
    .description(
      mode === 'sft'
        ? 'Generate SFT samples over any OpenAI-compatible endpoint; verifiers score them where they apply, a judge elsewhere'
        : 'Generate N responses per problem and pair the best with the worst; verifiers decide where they apply, a judge elsewhere',
    )
    .option('--config <file>', 'YAML run config (veridata config example prints one); flags below override its keys')
    .requiredOption('--problems <file>', 'JSONL problems: {"id", "prompt" (or "input"), optional "answer" (math) or "tests" (pytest)}')
    .requiredOption('--out <file>', `${mode === 'sft' ? 'SFT samples' : 'DPO pairs (TRL prompt/chosen/rejected)'}; rerunning resumes from <out>.checkpoint.jsonl`)
    .option('--base-url <url>', 'endpoint of the --model flags (default OPENAI_BASE_URL without --config)')
    .option('--model <id[:weight]>', 'generation model, repeatable; replaces the config models', collect, [])
    .option('--api-key-env <name>', 'environment variable holding the --base-url key (default OPENAI_API_KEY when set)')
    .option('--profile <name>', 'quirks of the --base-url server: openai, openrouter, vllm, ollama', undefined)
    .option('--concurrency <n>', 'generation requests in flight')
    .option('--max-tokens <n>', 'completion budget of every generation model')
    .option('--temperature <x>', 'sampling temperature of every generation model')
    .option('--responses <n>', `responses per problem${mode === 'dpo' ? ' (default: responses_per_problem of the config, else 3)' : ''}`)
    .option('--max-usd <x>', 'stop (exit 4, resumable) before a request that might take the spend of this output past it')
    .option('--seed <n>', 'run seed: routing and sampling seeds derive from it')
    .option('--system-prompt <text>', 'system message sent before every problem')
    .option('--judge-model <id[:weight]>', 'judge model on the --model endpoint, repeatable; judges only where no verifier applies', collect, [])
    .option('--approval-threshold <x>', 'judge score (0..1) at or above which a judged response is approved')
    .addOption(new Option('--cache <mode>', 'response cache: read-write, replay (offline; a miss is an error), off').choices(['read-write', 'replay', 'off']))
    .option('--cache-path <file>', 'response cache file (default .veridata/cache.sqlite)');
  if (mode === 'dpo') {
    command
      .addOption(new Option('--strategy <name>', 'best-worst: one pair per problem; all-pass-fail: every pass x fail, capped; margin: pairs whose gap >= --min-gap').choices(PairStrategy.options).default('best-worst'))
      .option('--min-gap <x>', 'least judge-score gap of a judge-decided pair (verifier pairs, pass over fail, always qualify)', '0.2')
      .option('--max-per-prompt <n>', 'all-pass-fail and margin: most pairs per problem', '8')
      .option('--hard-negatives', 'prefer near-miss rejected responses (right format, wrong answer; most tests passed)', false);
  }
  command
    .option('--sandbox <name>', `where generated code runs for problems with tests: ${SANDBOX_CHOICES.join(', ')}`, 'auto')
    .option('--unsafe-no-sandbox', 'run generated code directly on this machine, unprotected')
    .option('--timeout <duration>', 'CPU time of one code run', '10s')
    .option('--memory <size>', 'memory of one code run', '512m')
    .option('--prompt-field <name>', 'field holding the prompt (default: prompt, input, question)')
    .option('--answer-field <name>', 'field holding the gold answer (default: answer, gold)')
    .option('--tests-field <name>', 'field holding the tests (default: tests, test_code, test)')
    .option('--id-field <name>', 'field holding the problem id (default: id; else a hash of the line)')
    .option('--skip-invalid', 'skip and count invalid lines instead of stopping')
    .option('--json', 'print the summary as one JSON object')
    .addHelpText(
      'after',
      mode === 'sft'
        ? '\nExamples:\n  pnpm veridata sft --config veridata.yaml --problems problems.jsonl --out sft.jsonl\n  OPENAI_API_KEY=... pnpm veridata sft --base-url https://api.openai.com/v1 --model gpt-4.1-mini --problems problems.jsonl --out sft.jsonl\n  pnpm veridata sft --base-url http://127.0.0.1:8000/v1 --profile vllm --model Qwen/Qwen3-8B --concurrency 64 --problems p.jsonl --out sft.jsonl\n'
        : '\nExamples:\n  pnpm veridata dpo --config veridata.yaml --problems problems.jsonl --out dpo.jsonl --responses 3\n  pnpm veridata dpo --base-url http://127.0.0.1:11434/v1 --profile ollama --model qwen3:8b --responses 4 --problems math.jsonl --out dpo.jsonl\n\nBeside --out: <out>.responses.jsonl (every scored response: GRPO/KTO data), <out>.failures.jsonl, <out>.checkpoint.jsonl, <out>.runlog.jsonl.\n',
    );
  return command.action(async (flags: GenerateFlags) => {
    const config = await resolveRunConfig({
      ...(flags.config === undefined ? {} : { config: flags.config }),
      ...(flags.baseUrl === undefined ? {} : { baseUrl: flags.baseUrl }),
      model: flags.model,
      ...(flags.apiKeyEnv === undefined ? {} : { apiKeyEnv: flags.apiKeyEnv }),
      ...(flags.profile === undefined ? {} : { profile: flags.profile }),
      ...(flags.concurrency === undefined ? {} : { concurrency: integerFlag('--concurrency', flags.concurrency, 1, 4096) }),
      ...(flags.maxTokens === undefined ? {} : { maxTokens: integerFlag('--max-tokens', flags.maxTokens, 1) }),
      ...(flags.temperature === undefined ? {} : { temperature: numberFlag('--temperature', flags.temperature) }),
      ...(flags.responses === undefined ? {} : { responses: integerFlag('--responses', flags.responses, 1, 64) }),
      ...(mode === 'dpo' ? { defaultResponses: 3 } : {}),
      ...(flags.maxUsd === undefined ? {} : { maxUsd: numberFlag('--max-usd', flags.maxUsd) }),
      ...(flags.seed === undefined ? {} : { seed: integerFlag('--seed', flags.seed) }),
      ...(flags.systemPrompt === undefined ? {} : { systemPrompt: flags.systemPrompt }),
      judgeModel: flags.judgeModel,
      ...(flags.approvalThreshold === undefined ? {} : { approvalThreshold: unit('--approval-threshold', flags.approvalThreshold) }),
      ...(flags.cache === undefined ? {} : { cache: flags.cache }),
      ...(flags.cachePath === undefined ? {} : { cachePath: flags.cachePath }),
    });
    if (mode === 'dpo' && config.responses_per_problem < 2) throw new InvalidOptionError('--responses', 'dpo needs at least 2 responses per problem to pair');
    if (!(SANDBOX_CHOICES as readonly string[]).includes(flags.sandbox)) throw new InvalidOptionError('--sandbox', `expected one of ${SANDBOX_CHOICES.join(', ')}, got "${flags.sandbox}"`);
    const pairRules =
      mode === 'dpo'
        ? parseOptions(PairRulesOptions, { strategy: flags.strategy, minGap: unit('--min-gap', flags.minGap ?? '0.2'), maxPerPrompt: integerFlag('--max-per-prompt', flags.maxPerPrompt ?? '8', 1), hardNegatives: flags.hardNegatives === true })
        : undefined;
    const progress = (total: number | undefined) => createProgress({ label: mode, ...(total === undefined ? {} : { total }) });
    const summary = await withInterruptHandling((signal) =>
      runGeneration({
        mode,
        config,
        problems: flags.problems,
        out: flags.out,
        ...(pairRules === undefined ? {} : { pairRules, minGap: pairRules.minGap }),
        verifiers: {
          sandbox: flags.sandbox,
          unsafeNoSandbox: flags.unsafeNoSandbox === true,
          limits: { cpuMs: parseDuration('--timeout', flags.timeout), memoryBytes: parseSize('--memory', flags.memory, MIN_MEMORY_BYTES) },
          onSandbox: (name) => {
            if (name === 'unsafe-host') process.stderr.write('WARNING: --unsafe-no-sandbox: generated code runs on this machine as you, with no isolation.\n');
          },
        },
        overrides: fieldOverridesFromFlags(flags as unknown as Record<string, unknown>),
        skipInvalid: flags.skipInvalid === true,
        signal,
        progress,
      }),
    );
    printSummary(summaryRows(summary), summary, { json: flags.json === true });
  });
}
