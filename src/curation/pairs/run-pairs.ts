import { InvalidRecordError } from '../../core/errors.js';
import { createReadStats, readJsonlLines, type ReadStats } from '../../core/io/read-jsonl.js';
import { assertNotInput } from '../../core/io/output-target.js';
import { AtomicFile } from '../../core/io/write-jsonl.js';
import { type FieldOverrides, resolveRecord } from '../../core/schemas/aliases.js';
import { pairId } from '../../core/schemas/pair.js';
import { type Group, groupByKey, type KeyedItem } from '../group-by-key.js';
import { type ChosenPair, pairGroup, type PairRule, type PairRulesOptions } from './pair-rules.js';
import { readJudgeScore, readVerification, type ScoredResponse, ScoringError } from './scored-response.js';

/** Options of one `veridata pairs` run. */
export interface RunPairsOptions {
  readonly in: string;
  readonly out: string;
  readonly rules: PairRulesOptions;
  readonly overrides?: FieldOverrides;
  /** Field holding a judge score (number 0..1 or `{score}`); default `judge_score`, then `judge`. */
  readonly judgeField?: string;
  readonly skipInvalid?: boolean;
  readonly signal?: AbortSignal;
  /** Bytes of responses grouped in memory before spilling to disk (see groupByKey). */
  readonly memoryBudget?: number;
  /** Called after each input line, for progress. */
  readonly onLine?: () => void;
}

export interface PairsSummary {
  readonly command: 'pairs';
  readonly in: string;
  readonly out: string;
  readonly responses: number;
  readonly prompts: number;
  /** Prompts that gave no pair: every response passed, every one failed, or only one response. */
  readonly promptsWithoutPair: number;
  readonly pairs: number;
  readonly rules: Partial<Record<PairRule, number>>;
  readonly standings: { pass: number; fail: number; unverified: number };
  readonly duplicateTexts: number;
  readonly contradictoryTexts: number;
  readonly skippedInvalid: number;
  readonly skippedExamples: string[];
  readonly seconds: number;
}

interface Held {
  readonly prompt: string;
  readonly problemId: string;
  readonly response: ScoredResponse;
}

const JUDGE_FIELDS = ['judge_score', 'judge'];

/** The response record of one line, scored; a missing or ill-typed field throws InvalidRecordError naming it. */
function readLine(value: Record<string, unknown>, text: string, file: string, lineNumber: number, options: RunPairsOptions): Held {
  const record = resolveRecord(value, 'response', { lineText: text, ...(options.overrides ? { overrides: options.overrides } : {}) });
  const fail = (field: string, message: string): never => {
    throw new InvalidRecordError(file, lineNumber, `field "${field}": ${message}`);
  };
  const prompt = record.prompt;
  const response = record.response;
  if (prompt === undefined) fail(options.overrides?.prompt ?? 'prompt', 'missing (also looked for input, question)');
  if (typeof prompt !== 'string') fail(options.overrides?.prompt ?? 'prompt', `expected text, got ${typeof prompt}`);
  if (response === undefined) fail(options.overrides?.response ?? 'response', 'missing (also looked for output, completion)');
  if (typeof response !== 'string') fail(options.overrides?.response ?? 'response', `expected text, got ${typeof response}`);
  const judgeName = options.judgeField ?? JUDGE_FIELDS.find((name) => value[name] !== undefined && value[name] !== null);
  try {
    // A `verifier` that is an object is an exported solver log's `{name, passed}`; a plain name is only a label.
    const verifierField = typeof value.verifier === 'object' ? value.verifier : undefined;
    const verification = readVerification({ verdict: value.verdict, verifierField, judge: undefined });
    const judgeScore = judgeName === undefined ? undefined : readJudgeScore(value[judgeName], judgeName);
    const meta = typeof value.meta === 'object' && value.meta !== null ? (value.meta as Record<string, unknown>) : {};
    const traceId = value.trace_id ?? meta.trace_id;
    const model = typeof value.model === 'string' ? value.model : typeof meta.model === 'string' ? meta.model : undefined;
    return {
      prompt: prompt as string,
      problemId: String(record.problem_id),
      response: {
        order: lineNumber,
        id: String(record.id),
        text: response as string,
        ...verification,
        ...(judgeScore === undefined ? {} : { judgeScore }),
        ...(model === undefined ? {} : { model }),
        ...(typeof traceId === 'string' || typeof traceId === 'number' ? { traceId } : {}),
      },
    };
  } catch (error) {
    if (error instanceof ScoringError) fail(error.field, error.message);
    throw error;
  }
}

/** A score as a float (`1.0`): a column of pair scores must not start as int64 in pyarrow and then hold `0.9`. */
function floatText(value: number): string {
  return Number.isInteger(value) && Math.abs(value) < 1e21 ? `${value}.0` : JSON.stringify(value);
}

/** The output record of a pair: the Pair contract, with `meta` saying why (every key present, null when unknown). */
export function pairRecord(prompt: string, problemId: string, pair: ChosenPair, rules: PairRulesOptions): Record<string, unknown> {
  const { chosen, rejected } = pair;
  const margin = Math.round((pair.chosenScore - pair.rejectedScore) * 1e9) / 1e9;
  return {
    id: pairId(prompt, chosen.text, rejected.text),
    prompt,
    chosen: chosen.text,
    rejected: rejected.text,
    chosen_score: pair.chosenScore,
    rejected_score: pair.rejectedScore,
    margin,
    meta: {
      pair_rule: pair.rule,
      strategy: rules.strategy,
      problem_id: problemId,
      verifier: chosen.verifier ?? rejected.verifier ?? null,
      chosen_id: chosen.id,
      rejected_id: rejected.id,
      chosen_model: chosen.model ?? null,
      rejected_model: rejected.model ?? null,
      chosen_verifier: chosen.verifier ?? null,
      rejected_verifier: rejected.verifier ?? null,
      chosen_reason: chosen.reason ?? null,
      rejected_reason: rejected.reason ?? null,
      trace_id: { chosen: chosen.traceId ?? null, rejected: rejected.traceId ?? null },
    },
  };
}

/** One pair as a JSON line, scores and margin written as floats. */
export function pairLine(record: Record<string, unknown>): string {
  const { chosen_score, rejected_score, margin, ...rest } = record as Record<string, unknown> & { chosen_score: number; rejected_score: number; margin: number };
  const { meta, ...head } = rest;
  const text = JSON.stringify(head);
  return `${text.slice(0, -1)},"chosen_score":${floatText(chosen_score)},"rejected_score":${floatText(rejected_score)},"margin":${floatText(margin)},"meta":${JSON.stringify(meta)}}\n`;
}

/**
 * Builds preference pairs from scored responses: groups them by problem (responses of one prompt need not be
 * adjacent; large inputs group on disk), applies the pair rules to each group, and writes the pairs atomically in
 * order of each problem's first response, so the output depends on the input alone.
 */
export async function runPairs(options: RunPairsOptions): Promise<PairsSummary> {
  const started = performance.now();
  const stats: ReadStats = createReadStats();
  const standings = { pass: 0, fail: 0, unverified: 0 };
  const rules: Partial<Record<PairRule, number>> = {};
  let responses = 0;
  let prompts = 0;
  let promptsWithoutPair = 0;
  let pairs = 0;
  let duplicateTexts = 0;
  let contradictoryTexts = 0;

  async function* keyed(): AsyncGenerator<KeyedItem<Held>> {
    for await (const line of readJsonlLines(options.in, { stats, skipInvalid: options.skipInvalid === true, ...(options.signal ? { signal: options.signal } : {}) })) {
      let held: Held;
      try {
        held = readLine(line.value, line.text, options.in, line.lineNumber, options);
      } catch (error) {
        if (!(options.skipInvalid && error instanceof InvalidRecordError)) throw error;
        stats.skipped += 1;
        if (stats.skippedExamples.length < 5) stats.skippedExamples.push(error.message);
        continue;
      }
      responses += 1;
      standings[held.response.standing] += 1;
      options.onLine?.();
      // The prompt is part of the key: merged logs that reuse a problem_id for another question must never be paired.
      yield { key: `${held.problemId}\u0000${held.prompt}`, order: line.lineNumber, item: held };
    }
  }

  const mapGroup = (group: Group<Held>): string => {
    prompts += 1;
    const first = group.items[0]!;
    const outcome = pairGroup(
      group.items.map((held) => held.response),
      options.rules,
    );
    duplicateTexts += outcome.duplicateTexts;
    contradictoryTexts += outcome.contradictoryTexts;
    if (outcome.pairs.length === 0) promptsWithoutPair += 1;
    let text = '';
    for (const pair of outcome.pairs) {
      pairs += 1;
      rules[pair.rule] = (rules[pair.rule] ?? 0) + 1;
      text += pairLine(pairRecord(first.prompt, first.problemId, pair, options.rules));
    }
    return text;
  };

  await assertNotInput(options.in, options.out);
  const file = new AtomicFile(options.out === '-' ? '/dev/stdout' : options.out, { highWaterMark: 1 << 20, ...(options.signal ? { signal: options.signal } : {}) });
  await file.open();
  try {
    for await (const text of groupByKey(keyed(), mapGroup, options.memoryBudget === undefined ? {} : { memoryBudget: options.memoryBudget })) {
      const wait = file.write(text);
      if (wait) await wait;
    }
    await file.commit();
  } catch (error) {
    await file.discard();
    throw error;
  }
  return {
    command: 'pairs',
    in: options.in,
    out: options.out,
    responses,
    prompts,
    promptsWithoutPair,
    pairs,
    rules,
    standings,
    duplicateTexts,
    contradictoryTexts,
    skippedInvalid: stats.skipped,
    skippedExamples: stats.skippedExamples,
    seconds: (performance.now() - started) / 1000,
  };
}
