import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readJsonlLines } from '../../src/core/io/read-jsonl.js';
import type { Track } from '../config.js';
import { type StageContext, stageDir } from '../stage-context.js';

/** Counts by name, in first-seen order. */
export type Tally = Record<string, number>;

/** What one track of a run holds, read back from its stage files. */
export interface TrackFacts {
  readonly track: Track;
  readonly stage1: {
    readonly replies: number;
    readonly kept: number;
    readonly dropped: Tally;
    readonly seedsWithQuestions: number;
    /** The lines of questions.jsonl, stage 2's input: math seeds pass through, so it can exceed `kept`. */
    readonly questions: number;
    /** Math: written problems put to the agreement vote, and those kept with a majority answer. */
    readonly agreement?: { readonly candidates: number; readonly kept: number; readonly noMajority: number };
  } | null;
  readonly stage2: {
    readonly questions: number;
    readonly triplets: number;
    readonly retry: number;
    readonly trials: number;
    readonly verdicts: Tally;
    readonly passRate: Tally;
    readonly difficulty: Tally;
    readonly weakTests: number;
    readonly refutedSolutions: number;
    readonly passAtK: Record<string, number> | null;
    readonly examples: Record<string, unknown>[];
  } | null;
  readonly stage3: {
    readonly problems: number;
    readonly responses: number;
    readonly verdicts: Tally;
    readonly sft: number;
    readonly pairs: number;
    readonly styles: Tally;
    readonly exports: Tally;
  } | null;
  /** Spend recorded in every checkpoint of the track (USD). */
  readonly costUsd: number;
  readonly modelsServed: string[];
}

function add(tally: Tally, key: string, count = 1): void {
  tally[key] = (tally[key] ?? 0) + count;
}

async function* lines(path: string): AsyncGenerator<Record<string, unknown>> {
  if (!existsSync(path)) return;
  for await (const { value } of readJsonlLines(path)) yield value;
}

async function countLines(path: string): Promise<number> {
  let count = 0;
  for await (const _line of lines(path)) count += 1;
  return count;
}

/** USD recorded as spent in the checkpoints under `directory` (one level of subdirectories). */
async function spentIn(directories: readonly string[]): Promise<number> {
  let total = 0;
  for (const directory of directories) {
    for await (const entry of lines(join(directory, 'checkpoint.jsonl'))) if (typeof entry.spent === 'number') total += entry.spent;
  }
  return total;
}

/** Reads a track's stage outputs into the figures the report and the manifest show. Streams every file. */
export async function collectTrack(context: Pick<StageContext, 'loaded' | 'track'>): Promise<TrackFacts> {
  const served = new Set<string>();
  const one = stageDir(context, 1);
  const two = stageDir(context, 2);
  const three = stageDir(context, 3);

  let stage1: TrackFacts['stage1'] = null;
  if (existsSync(join(one, 'questions.all.jsonl'))) {
    const dropped: Tally = {};
    let replies = 0;
    let kept = 0;
    const seeds = new Set<string>();
    for await (const line of lines(join(one, 'questions.all.jsonl'))) {
      replies += 1;
      if (typeof line.model === 'string') served.add(line.model);
      if (line.kept === true) {
        kept += 1;
        seeds.add(String(line.seed_id));
      } else add(dropped, String(line.drop_reason));
    }
    let questions = 0;
    if (existsSync(join(one, 'questions.jsonl'))) for await (const _ of lines(join(one, 'questions.jsonl'))) questions += 1;
    let agreement: { candidates: number; kept: number; noMajority: number } | undefined;
    if (existsSync(join(one, 'agreement', 'agreement.jsonl'))) {
      agreement = { candidates: 0, kept: 0, noMajority: 0 };
      for await (const vote of lines(join(one, 'agreement', 'agreement.jsonl'))) {
        agreement.candidates += 1;
        if (vote.kept === true) agreement.kept += 1;
        else agreement.noMajority += 1;
      }
      if (agreement.noMajority > 0) add(dropped, 'no-majority', agreement.noMajority);
    }
    stage1 = { replies, kept, dropped, seedsWithQuestions: seeds.size, questions, ...(agreement === undefined ? {} : { agreement }) };
  }

  let stage2: TrackFacts['stage2'] = null;
  if (existsSync(join(two, 'triplets.jsonl'))) {
    const verdicts: Tally = {};
    const passRate: Tally = {};
    const difficulty: Tally = { easy: 0, medium: 0, hard: 0 };
    let trials = 0;
    let weakTests = 0;
    let refutedSolutions = 0;
    for await (const trial of lines(join(two, 'trials.jsonl'))) {
      trials += 1;
      if (typeof trial.model === 'string') served.add(trial.model);
      const verdict = trial.verdict as { status: string; reason: string };
      add(verdicts, `${verdict.status}: ${verdict.reason}`);
      if (trial.weak_tests === true) weakTests += 1;
      if (Array.isArray(trial.refuted_by) && trial.refuted_by.length > 0 && verdict.status === 'pass') refutedSolutions += 1;
    }
    let triplets = 0;
    const examples: Record<string, unknown>[] = [];
    for await (const triplet of lines(join(two, 'triplets.jsonl'))) {
      triplets += 1;
      add(passRate, `${Math.round(Number(triplet.pass_percentage) * 100)}%`);
      add(difficulty, String(triplet.difficulty));
      if (examples.length < 3) examples.push(triplet);
    }
    const retry = await countLines(join(two, 'retry.jsonl'));
    add(passRate, '0%', retry);
    const passAtKFile = join(two, 'pass_at_k.json');
    const passAtK = existsSync(passAtKFile) ? (JSON.parse(readFileSync(passAtKFile, 'utf8')) as { passAtK: Record<string, number> }).passAtK : null;
    stage2 = { questions: triplets + retry, triplets, retry, trials, verdicts, passRate, difficulty, weakTests, refutedSolutions, passAtK, examples };
  }

  let stage3: TrackFacts['stage3'] = null;
  if (existsSync(join(three, 'dpo.jsonl.responses.jsonl'))) {
    const verdicts: Tally = {};
    const styles: Tally = {};
    let responses = 0;
    for await (const response of lines(join(three, 'dpo.jsonl.responses.jsonl'))) {
      responses += 1;
      if (typeof response.model === 'string') served.add(response.model);
      const verdict = response.verdict as { status: string; reason: string } | null;
      add(verdicts, verdict === null ? 'unverified' : `${verdict.status}: ${verdict.reason}`);
      const style = (response.meta as { style?: string } | undefined)?.style ?? context.track;
      add(styles, `${style} ${verdict?.status === 'pass' ? 'correct' : 'wrong'}`);
    }
    const exports: Tally = {};
    for (const name of context.loaded.config.exports) exports[name] = await countLines(join(three, 'exports', `${name}.jsonl`));
    stage3 = { problems: await countLines(join(three, 'problems.jsonl')), responses, verdicts, sft: await countLines(join(three, 'sft.jsonl')), pairs: await countLines(join(three, 'dpo.jsonl')), styles, exports };
  }

  const costUsd = await spentIn([one, join(one, 'agreement'), two, three, join(three, 'style')].filter((directory) => existsSync(directory)));
  const dpoCheckpoint = join(three, 'dpo.jsonl.checkpoint.jsonl');
  let generationSpend = 0;
  for await (const entry of lines(dpoCheckpoint)) if (typeof entry.spent === 'number') generationSpend += entry.spent;
  return { track: context.track, stage1, stage2, stage3, costUsd: Math.round((costUsd + generationSpend) * 1e9) / 1e9, modelsServed: [...served].sort() };
}
