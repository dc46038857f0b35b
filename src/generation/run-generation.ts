import { access, appendFile, constants } from 'node:fs/promises';
import { resolve } from 'node:path';
import { InputUnreadableError, InvalidOptionError, ResumeMismatchError } from '../core/errors.js';
import { type Checkpoint, openCheckpoint } from '../core/io/checkpoint.js';
import { createReadStats } from '../core/io/read-jsonl.js';
import { withChildSignal } from '../core/signals.js';
import { mapConcurrent } from '../core/pool/map-concurrent.js';
import { type Progress, silentProgress } from '../core/progress.js';
import type { FieldOverrides } from '../core/schemas/aliases.js';
import type { RunConfig } from '../core/schemas/run-config.js';
import { pairRecord, pairLine } from '../curation/pairs/run-pairs.js';
import { pairGroup, type PairRule, type PairRulesOptions } from '../curation/pairs/pair-rules.js';
import type { ScoredResponse } from '../curation/pairs/scored-response.js';
import { createBudget } from '../llm/budget.js';
import { openResponseCache } from '../llm/cache.js';
import { createCompletionCaller, type SampleTiming } from '../llm/cached-completions.js';
import type { ChatMessage } from '../llm/chat-client.js';
import type { Failure } from '../llm/classify-failure.js';
import { createProblemSampler } from '../llm/sample-problem.js';
import { openVerifiers, type VerifierContext } from '../../verifiers/index.js';
import { createJudge, DEFAULT_JUDGE_PROMPT, type Judge } from './judge.js';
import { readProblems, type InputProblem } from './read-problems.js';
import { dataSettingsHash, modelTargets } from './run-settings.js';
import { decisiveScore, roundUsd, sampleId, sampleRecord, type ScoredSample } from './score-sample.js';

/** What a generation run makes: SFT samples, or DPO pairs (with every scored response beside them). */
export type GenerationMode = 'sft' | 'dpo';

/** Options of one `veridata sft` or `veridata dpo` run. */
export interface GenerationRunOptions {
  readonly mode: GenerationMode;
  readonly config: RunConfig;
  readonly problems: string;
  readonly out: string;
  /** dpo: how pairs are chosen (`veridata pairs` rules); the judge threshold is the config's approval threshold. */
  readonly pairRules?: PairRulesOptions;
  /** dpo: the least score gap a judge-decided pair needs; verifier-decided pairs (pass over fail) always qualify. */
  readonly minGap?: number;
  readonly verifiers?: VerifierContext;
  readonly overrides?: FieldOverrides;
  readonly skipInvalid?: boolean;
  readonly env?: NodeJS.ProcessEnv;
  readonly signal?: AbortSignal;
  /** A reporter, or a maker given the number of problems (known once the input has been checked). */
  readonly progress?: Progress | ((total: number | undefined) => Progress);
}

/** The files a run writes beside `--out`. */
export function sidecarPaths(out: string, mode: GenerationMode) {
  return {
    checkpoint: `${out}.checkpoint.jsonl`,
    failures: `${out}.failures.jsonl`,
    runlog: `${out}.runlog.jsonl`,
    ...(mode === 'dpo' ? { responses: `${out}.responses.jsonl` } : {}),
  };
}

/** What a run did; counts cover the problems of this invocation (`resumed` ones were done by an earlier one). */
export interface GenerationSummary {
  readonly command: GenerationMode;
  readonly problems: string;
  readonly out: string;
  readonly files: ReturnType<typeof sidecarPaths>;
  readonly resumed: number;
  readonly processed: number;
  readonly samples: number;
  readonly failedSamples: number;
  readonly failureCodes: Record<string, number>;
  readonly verified: { pass: number; fail: number; error: number };
  readonly judged: number;
  readonly judgeErrors: number;
  readonly decisions: { approve: number; reject: number; unscored: number };
  readonly truncated: number;
  /** dpo only. */
  readonly pairs?: number;
  readonly pairRules?: Partial<Record<PairRule, number>>;
  /** dpo: problems without a pair, by why. */
  readonly noPair?: Record<string, number>;
  readonly requests: { bought: number; cached: number; retries: number };
  readonly cache: { mode: string; path: string; hits: number; misses: number; writes: number };
  /** USD paid by this invocation, and by every invocation on this output. */
  readonly spentUsd: number;
  readonly totalSpentUsd: number;
  readonly droppedModels: Record<string, string>;
  readonly skippedInvalid: number;
  readonly seconds: number;
  readonly problemsPerSecond: number;
}

/** Problems after the first `count`, checking that the last skipped one is the one the checkpoint ended with. */
async function* afterCheckpoint(problems: AsyncIterable<InputProblem>, checkpoint: Checkpoint, input: string): AsyncGenerator<InputProblem> {
  let seen = 0;
  for await (const problem of problems) {
    if (seen < checkpoint.resumed) {
      seen += 1;
      if (seen === checkpoint.resumed && problem.id !== checkpoint.lastDoneId) {
        throw new ResumeMismatchError(checkpoint.path, `records ${checkpoint.resumed} problems ending with "${checkpoint.lastDoneId}", but problem ${seen} of ${input} is "${problem.id}": the problems file changed`);
      }
      continue;
    }
    yield problem;
  }
  if (seen < checkpoint.resumed) throw new ResumeMismatchError(checkpoint.path, `records ${checkpoint.resumed} problems done, but ${input} holds only ${seen}`);
}

// A checkpoint flush costs a few writes; at most this often, so a kill loses at most this much finished work (which
// the cache still holds: nothing is bought again).
const FLUSH_INTERVAL_MS = 250;
const FLUSH_BYTES = 1 << 20;

/**
 * Generates responses for every problem and writes SFT samples or DPO pairs, in input order. Each problem's samples are
 * routed over the models by weight, taken from the response cache or bought within the budget, verified where a
 * verifier applies (gold answer: math; tests: code in a sandbox), judged where none does, and committed to the
 * checkpoint only once their lines are written: kill it at any point, rerun the same command, and the output equals an
 * uninterrupted run's, with nothing bought twice.
 */
export async function runGeneration(options: GenerationRunOptions): Promise<GenerationSummary> {
  const { config, mode } = options;
  if (options.out === '-') throw new InvalidOptionError('--out', 'needs a file: the run checkpoints into it and its sidecars');
  if (resolve(options.problems) === resolve(options.out)) throw new InvalidOptionError('--out', 'must differ from --problems');
  if (options.problems !== '-') {
    await access(options.problems, constants.R_OK).catch((error: unknown) => {
      throw new InputUnreadableError(options.problems, error);
    });
  }
  const started = performance.now();
  const startedAt = new Date();
  const readOptions = { skipInvalid: options.skipInvalid === true, ...(options.overrides ? { overrides: options.overrides } : {}), ...(options.signal ? { signal: options.signal } : {}) };
  // Every line is checked before the first call is paid for: a bad line 90,000 would otherwise stop a run hours in.
  let total: number | undefined;
  if (options.problems !== '-') {
    total = 0;
    for await (const _problem of readProblems(options.problems, { ...readOptions, stats: createReadStats() })) total += 1;
  }
  const progress = typeof options.progress === 'function' ? options.progress(total) : (options.progress ?? silentProgress());
  const files = sidecarPaths(options.out, mode);
  const rules = options.pairRules;
  if (mode === 'dpo' && rules === undefined) throw new Error('runGeneration: dpo needs pairRules');
  const approvalThreshold = config.judge?.approval_threshold;
  const judgeRules = rules === undefined ? undefined : { ...rules, judge: 'fallback' as const, judgeThreshold: approvalThreshold ?? rules.judgeThreshold };
  const minGap = options.minGap ?? 0;
  const header = { command: mode, config: dataSettingsHash(config, mode === 'dpo' ? { rules: judgeRules, min_gap: minGap } : {}) };
  const outputs = mode === 'dpo' ? [options.out, files.responses!, files.failures] : [options.out, files.failures];

  const retries = { count: 0, codes: {} as Record<string, number> };
  const targets = modelTargets(config, options.env ?? process.env, {
    onRetry: (failure: Failure) => {
      retries.count += 1;
      retries.codes[failure.code] = (retries.codes[failure.code] ?? 0) + 1;
    },
  });
  const cache = openResponseCache(config.cache);
  let checkpoint: Checkpoint;
  try {
    checkpoint = await openCheckpoint({ path: files.checkpoint, outputs, header });
  } catch (error) {
    cache.close();
    throw error;
  }
  const budget = createBudget(config.max_usd, checkpoint.spentUsd);
  let spentUsd = 0;
  let pendingLog = '';
  const requests = { bought: 0, cached: 0 };
  const onSpend = (usd: number) => {
    spentUsd += usd;
    checkpoint.spend(usd);
    progress.add(usd);
  };
  const onTiming = (kind: 'generate' | 'judge') => (timing: SampleTiming) => {
    if (timing.cached) requests.cached += 1;
    else requests.bought += 1;
    pendingLog += `${JSON.stringify({ event: kind, ...timing, latencyMs: timing.latencyMs === null ? null : Math.round(timing.latencyMs) })}\n`;
  };
  const caller = createCompletionCaller({ cache, budget, concurrency: config.concurrency, onSpend, onTiming: onTiming('generate') });
  const sampler = createProblemSampler({ caller, targets: targets.generation, seed: config.seed });
  const judge: Judge | undefined =
    config.judge === undefined
      ? undefined
      : createJudge({
          caller: createCompletionCaller({ cache, budget, concurrency: config.judge_concurrency, onSpend, onTiming: onTiming('judge') }),
          targets: targets.judge,
          prompt: config.judge.prompt ?? DEFAULT_JUDGE_PROMPT,
          seed: config.seed,
        });
  const verifiers = openVerifiers({ concurrency: Math.max(1, Math.min(config.concurrency, 8)), ...options.verifiers });

  const counts = {
    processed: 0,
    samples: 0,
    failedSamples: 0,
    failureCodes: {} as Record<string, number>,
    verified: { pass: 0, fail: 0, error: 0 },
    judged: 0,
    judgeErrors: 0,
    decisions: { approve: 0, reject: 0, unscored: 0 },
    truncated: 0,
    pairs: 0,
    pairRules: {} as Partial<Record<PairRule, number>>,
    noPair: {} as Record<string, number>,
  };

  const messagesOf = (problem: InputProblem): ChatMessage[] => [
    ...(config.system_prompt === undefined ? [] : [{ role: 'system' as const, content: config.system_prompt }]),
    { role: 'user', content: problem.prompt },
  ];

  const processProblem = (problem: InputProblem, _index: number, shared: AbortSignal) => withChildSignal(shared, async (signal) => {
    const { samples, failed } = await sampler.sample(problem.id, messagesOf(problem), config.responses_per_problem, signal);
    const scored = await Promise.all(
      samples.map(async (sample): Promise<ScoredSample> => {
        const verdict = await verifiers.check(problem, sample.response.content, signal);
        const needsJudge = judge !== undefined && (verdict === undefined || verdict.status === 'error');
        const judged = needsJudge ? await judge.score(problem.id, sample.index, problem.prompt, sample.response.content, signal) : undefined;
        return { problem, sample, verdict, judge: judged };
      }),
    );
    return { problem, scored, failed };
  });

  let lastFlush = performance.now();
  const flush = async () => {
    const log = pendingLog;
    pendingLog = '';
    await checkpoint.flush();
    if (log !== '') await appendFile(files.runlog, log).catch(() => {});
    lastFlush = performance.now();
  };

  const readStats = createReadStats();
  let completed = false;
  try {
    const problems = afterCheckpoint(
      readProblems(options.problems, { ...readOptions, stats: readStats }),
      checkpoint,
      options.problems,
    );
    const results = mapConcurrent(problems, config.concurrency, processProblem, { buffer: config.concurrency * 4, ...(options.signal ? { signal: options.signal } : {}) });
    for await (const { problem, scored, failed } of results) {
      counts.processed += 1;
      let sampleLines = '';
      const scoredResponses: ScoredResponse[] = [];
      for (const item of scored) {
        const record = sampleRecord(item, approvalThreshold);
        sampleLines += `${JSON.stringify(record)}\n`;
        counts.samples += 1;
        counts.decisions[record.decision as 'approve' | 'reject' | 'unscored'] += 1;
        if (item.verdict !== undefined) counts.verified[item.verdict.status] += 1;
        if (item.judge !== undefined) {
          counts.judged += 1;
          if (item.judge.score === null) counts.judgeErrors += 1;
        }
        if (item.sample.response.finishReason === 'length') counts.truncated += 1;
        const decided = decisiveScore(item);
        const standing = decided.by === 'verifier' ? (item.verdict!.status as 'pass' | 'fail') : 'unverified';
        scoredResponses.push({
          order: item.sample.index,
          id: sampleId(problem.id, item.sample.index),
          text: item.sample.response.content,
          standing,
          ...(standing === 'unverified' ? {} : { verifierScore: item.verdict!.score }),
          ...(item.judge?.score === null || item.judge === undefined ? {} : { judgeScore: item.judge.score }),
          ...(item.verdict === undefined ? {} : { reason: item.verdict.reason, verifier: item.verdict.verifier }),
          model: item.sample.model,
        });
      }
      let failureLines = '';
      for (const failure of failed) {
        counts.failedSamples += 1;
        const code = failure.failures.at(-1)?.code ?? 'no-model';
        counts.failureCodes[code] = (counts.failureCodes[code] ?? 0) + 1;
        progress.error();
        failureLines += `${JSON.stringify({ problem_id: problem.id, sample_index: failure.index, model_requested: failure.requestedModel, code, failures: failure.failures })}\n`;
      }
      if (mode === 'sft') {
        checkpoint.commit(problem.id, [sampleLines, failureLines]);
      } else {
        let pairLines = '';
        const outcome = pairGroup(scoredResponses, judgeRules!);
        const kept = outcome.pairs.filter((pair) => !pair.rule.startsWith('judge-') || pair.chosenScore - pair.rejectedScore >= minGap - 1e-12);
        for (const pair of kept) {
          counts.pairs += 1;
          counts.pairRules[pair.rule] = (counts.pairRules[pair.rule] ?? 0) + 1;
          const record = pairRecord(problem.prompt, problem.id, pair, judgeRules!);
          const { id, prompt, chosen, rejected, chosen_score, rejected_score, margin, meta } = record;
          pairLines += pairLine({ id, problem_id: problem.id, prompt, chosen, rejected, chosen_model: pair.chosen.model ?? null, rejected_model: pair.rejected.model ?? null, pair_rule: pair.rule, chosen_score, rejected_score, margin, meta });
        }
        if (kept.length === 0) {
          const why =
            scoredResponses.length < 2
              ? 'fewer than 2 responses'
              : scoredResponses.every((response) => response.standing === 'unverified' && response.judgeScore === undefined)
                ? 'unscored (no verifier applies, no judge)'
                : outcome.pairs.length > kept.length
                  ? 'below --min-gap'
                  : 'no allowed pair (all pass, all fail, or identical texts)';
          counts.noPair[why] = (counts.noPair[why] ?? 0) + 1;
        }
        checkpoint.commit(problem.id, [pairLines, sampleLines, failureLines]);
      }
      progress.tick();
      if (checkpoint.pendingBytes >= FLUSH_BYTES || performance.now() - lastFlush >= FLUSH_INTERVAL_MS) await flush();
    }
    completed = true;
  } finally {
    await flush().catch(() => {});
    try {
      await checkpoint.close();
    } finally {
      cache.close();
      await verifiers.close();
    }
    progress.done(completed ? 'completed' : 'stopped');
  }
  const seconds = (performance.now() - started) / 1000;
  const summary: GenerationSummary = {
    command: mode,
    problems: options.problems,
    out: options.out,
    files,
    resumed: checkpoint.resumed,
    processed: counts.processed,
    samples: counts.samples,
    failedSamples: counts.failedSamples,
    failureCodes: counts.failureCodes,
    verified: counts.verified,
    judged: counts.judged,
    judgeErrors: counts.judgeErrors,
    decisions: counts.decisions,
    truncated: counts.truncated,
    ...(mode === 'dpo' ? { pairs: counts.pairs, pairRules: counts.pairRules, noPair: counts.noPair } : {}),
    requests: { ...requests, retries: retries.count },
    cache: { mode: cache.mode, path: cache.path, ...cache.stats },
    spentUsd: roundUsd(spentUsd),
    totalSpentUsd: roundUsd(checkpoint.spentUsd + spentUsd),
    droppedModels: Object.fromEntries([...sampler.droppedModels].map(([model, why]) => [model, `${why.code}: ${why.message}`])),
    skippedInvalid: readStats.skipped,
    seconds,
    problemsPerSecond: seconds > 0 ? counts.processed / seconds : 0,
  };
  await appendFile(files.runlog, `${JSON.stringify({ event: `${mode}-run`, startedAt: startedAt.toISOString(), finishedAt: new Date().toISOString(), completed, retryCodes: retries.codes, ...summary })}\n`).catch(() => {});
  return summary;
}
