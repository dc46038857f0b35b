import { z } from 'zod';
import { negativeHardness, type ScoredResponse } from './scored-response.js';

export const PairStrategy = z.enum(['best-worst', 'all-pass-fail', 'margin']);
export type PairStrategy = z.infer<typeof PairStrategy>;

/** What a judge score may do: nothing, break ties between responses the verifier ranks equal, or also place unverified ones. */
export const JudgeUse = z.enum(['ignore', 'tiebreak', 'fallback']);
export type JudgeUse = z.infer<typeof JudgeUse>;

export const PairRulesOptions = z.object({
  strategy: PairStrategy.default('best-worst'),
  judge: JudgeUse.default('tiebreak'),
  /** A judge score at or above this approves an unverified response (fallback); below it condemns one. */
  judgeThreshold: z.number().min(0).max(1).default(0.5),
  /** `margin` strategy: the least score gap a pair needs. */
  minGap: z.number().min(0).max(1).default(0.15),
  /** `all-pass-fail` and `margin`: most pairs per prompt. */
  maxPerPrompt: z.number().int().min(1).default(8),
  /** Prefer near-miss rejected responses (right format, wrong answer; most tests passed) over trivial ones. */
  hardNegatives: z.boolean().default(false),
});
export type PairRulesOptions = z.infer<typeof PairRulesOptions>;

/** Why a pair was made: recorded as `meta.pair_rule`. */
export type PairRule = 'verifier' | 'verifier+judge' | 'judge-tiebreak' | 'judge-fallback';

export interface ChosenPair {
  readonly chosen: ScoredResponse;
  readonly rejected: ScoredResponse;
  readonly chosenScore: number;
  readonly rejectedScore: number;
  readonly rule: PairRule;
}

/** Counts of one group's pairing, summed into the command's summary. */
export interface GroupOutcome {
  readonly pairs: ChosenPair[];
  /** Responses whose text repeats an earlier one of the same prompt (kept once). */
  readonly duplicateTexts: number;
  /** Texts that appear with contradicting verdicts (pass and fail): left out, since neither can be trusted. */
  readonly contradictoryTexts: number;
}

/** Rank class: a verified pass above anything unverified, which is above a verified fail. */
const enum Rank {
  Fail = 0,
  Unverified = 1,
  Pass = 2,
}

interface Candidate {
  readonly response: ScoredResponse;
  readonly rank: Rank;
  /** The score that orders candidates within their rank: the verifier's, or the judge's for unverified ones. */
  readonly score: number;
}

/** Whitespace and surrounding space do not make a new text: "never pair two identical texts". */
export function normalizedText(text: string): string {
  return text.trim().replace(/\s+/g, ' ');
}

function candidatesOf(responses: readonly ScoredResponse[], options: PairRulesOptions): { candidates: Candidate[]; duplicateTexts: number; contradictoryTexts: number } {
  const byText = new Map<string, ScoredResponse>();
  const contradictory = new Set<string>();
  let duplicateTexts = 0;
  for (const response of responses) {
    const key = normalizedText(response.text);
    const earlier = byText.get(key);
    if (!earlier) {
      byText.set(key, response);
      continue;
    }
    duplicateTexts += 1;
    const decided = (value: ScoredResponse): boolean => value.standing !== 'unverified';
    if (decided(earlier) && decided(response) && earlier.standing !== response.standing) contradictory.add(key);
    else if (!decided(earlier) && decided(response)) byText.set(key, response); // a verdict beats none for the same text
  }
  const candidates: Candidate[] = [];
  for (const [key, response] of byText) {
    if (contradictory.has(key)) continue;
    if (response.standing === 'pass') candidates.push({ response, rank: Rank.Pass, score: response.verifierScore ?? 1 });
    else if (response.standing === 'fail') candidates.push({ response, rank: Rank.Fail, score: response.verifierScore ?? 0 });
    else if (options.judge === 'fallback' && response.judgeScore !== undefined) candidates.push({ response, rank: Rank.Unverified, score: response.judgeScore });
  }
  return { candidates, duplicateTexts, contradictoryTexts: contradictory.size };
}

/** Best first: rank, then score, then judge score (where judges may break ties), then input order. */
function compareBestFirst(a: Candidate, b: Candidate, options: PairRulesOptions): number {
  if (a.rank !== b.rank) return b.rank - a.rank;
  if (a.score !== b.score) return b.score - a.score;
  if (options.judge !== 'ignore') {
    const aJudge = a.response.judgeScore ?? -1;
    const bJudge = b.response.judgeScore ?? -1;
    if (aJudge !== bJudge) return bJudge - aJudge;
  }
  return a.response.order - b.response.order;
}

/**
 * Whether `chosen` may be preferred to `rejected`, and by which rule. The verifier decides where it applies; a judge
 * score only orders two responses the verifier ranks equal (two passes) or places unverified ones (fallback). A
 * verified fail is never chosen over anything, and a verified pass is never rejected for a non-pass.
 */
function pairRule(chosen: Candidate, rejected: Candidate, options: PairRulesOptions): PairRule | undefined {
  const threshold = options.judgeThreshold;
  if (chosen.rank === Rank.Pass && rejected.rank === Rank.Fail) return 'verifier';
  if (chosen.rank === Rank.Pass && rejected.rank === Rank.Unverified) return rejected.score < threshold ? 'verifier+judge' : undefined;
  if (chosen.rank === Rank.Unverified && rejected.rank === Rank.Fail) return chosen.score >= threshold ? 'judge-fallback' : undefined;
  if (chosen.rank === Rank.Unverified && rejected.rank === Rank.Unverified) return chosen.score >= threshold && rejected.score < threshold ? 'judge-fallback' : undefined;
  if (chosen.rank === Rank.Pass && rejected.rank === Rank.Pass && options.judge !== 'ignore') {
    const chosenJudge = chosen.response.judgeScore;
    const rejectedJudge = rejected.response.judgeScore;
    if (chosenJudge !== undefined && rejectedJudge !== undefined && chosenJudge > rejectedJudge && chosen.score === rejected.score) return 'judge-tiebreak';
  }
  return undefined;
}

/**
 * The scores a pair reports. A verified pass counts as 1: the status decided the pair, so a pass graded 0.4 over a fail
 * with 0.9 partial credit is a margin of 0.1, never a negative one; a fail keeps its partial credit. Judge rules report
 * the judge's scores.
 */
function scoresOf(chosen: Candidate, rejected: Candidate, rule: PairRule): { chosenScore: number; rejectedScore: number } {
  if (rule === 'judge-tiebreak') return { chosenScore: chosen.response.judgeScore!, rejectedScore: rejected.response.judgeScore! };
  const reported = (candidate: Candidate): number => (candidate.rank === Rank.Pass ? 1 : candidate.score);
  return { chosenScore: reported(chosen), rejectedScore: reported(rejected) };
}

function makePair(chosen: Candidate, rejected: Candidate, rule: PairRule): ChosenPair {
  return { chosen: chosen.response, rejected: rejected.response, rule, ...scoresOf(chosen, rejected, rule) };
}

/** Rejected candidates in the order a strategy prefers them: hardest first with --hard-negatives, else worst first. */
function compareRejected(a: Candidate, b: Candidate, options: PairRulesOptions): number {
  if (a.rank !== b.rank) return a.rank - b.rank;
  if (options.hardNegatives) {
    const hardness = negativeHardness(b.response) - negativeHardness(a.response);
    if (hardness !== 0) return hardness;
  } else if (a.score !== b.score) {
    return a.score - b.score;
  }
  return a.response.order - b.response.order;
}

function bestWorst(candidates: Candidate[], options: PairRulesOptions): ChosenPair[] {
  const best = [...candidates].sort((a, b) => compareBestFirst(a, b, options));
  const rejectedOrder = [...candidates].sort((a, b) => compareRejected(a, b, options));
  for (const chosen of best) {
    if (chosen.rank === Rank.Fail) break; // a fail is never chosen, and every later one is a fail too
    for (const rejected of rejectedOrder) {
      if (rejected === chosen) continue;
      const rule = pairRule(chosen, rejected, options);
      if (rule) return [makePair(chosen, rejected, rule)];
    }
  }
  return [];
}

/**
 * Every allowed pair that `keep` accepts, spread over chosen and rejected responses before the cap cuts, so a cap of 4
 * over 4 passes and 4 fails gives four different chosen and four different rejected responses.
 */
function allPairs(candidates: Candidate[], options: PairRulesOptions, keep: (pair: ChosenPair) => boolean, passFailOnly: boolean): ChosenPair[] {
  // Only the best few on each side can be selected under the cap, so a prompt with 10,000 responses does not enumerate
  // 10,000^2 pairs: all-pass-fail needs the top `cap` passes and fails; margin keeps a wider band for its gap filter.
  const band = passFailOnly ? options.maxPerPrompt : options.maxPerPrompt * 4;
  const best = candidates
    .filter((candidate) => candidate.rank !== Rank.Fail && (!passFailOnly || candidate.rank === Rank.Pass))
    .sort((a, b) => compareBestFirst(a, b, options))
    .slice(0, band);
  const rejectedOrder = candidates
    .filter((candidate) => !passFailOnly || candidate.rank === Rank.Fail)
    .sort((a, b) => compareRejected(a, b, options))
    .slice(0, band);
  const found: { pair: ChosenPair; i: number; j: number }[] = [];
  best.forEach((chosen, i) => {
    rejectedOrder.forEach((rejected, j) => {
      if (rejected === chosen) return;
      const rule = pairRule(chosen, rejected, options);
      if (!rule) return;
      const pair = makePair(chosen, rejected, rule);
      if (keep(pair)) found.push({ pair, i, j });
    });
  });
  found.sort((a, b) => a.i + a.j - (b.i + b.j) || a.i - b.i);
  // Rounds: within one round no chosen and no rejected response is used twice, so the cap spreads over both sides.
  const selected: ChosenPair[] = [];
  let remaining = found;
  while (selected.length < options.maxPerPrompt && remaining.length > 0) {
    const usedChosen = new Set<ScoredResponse>();
    const usedRejected = new Set<ScoredResponse>();
    const next: typeof found = [];
    for (const entry of remaining) {
      const { chosen, rejected } = entry.pair;
      if (selected.length < options.maxPerPrompt && !usedChosen.has(chosen) && !usedRejected.has(rejected)) {
        selected.push(entry.pair);
        usedChosen.add(chosen);
        usedRejected.add(rejected);
      } else {
        next.push(entry);
      }
    }
    remaining = next;
  }
  return selected;
}

/** The pairs of one prompt's responses under the options' strategy; deterministic in the responses and their order. */
export function pairGroup(responses: readonly ScoredResponse[], options: PairRulesOptions): GroupOutcome {
  const { candidates, duplicateTexts, contradictoryTexts } = candidatesOf(responses, options);
  let pairs: ChosenPair[];
  switch (options.strategy) {
    case 'best-worst':
      pairs = bestWorst(candidates, options);
      break;
    case 'all-pass-fail':
      pairs = allPairs(candidates, options, (pair) => pair.chosen.standing === 'pass' && pair.rejected.standing === 'fail', true);
      break;
    case 'margin':
      pairs = allPairs(candidates, options, (pair) => pair.chosenScore - pair.rejectedScore >= options.minGap - 1e-12, false);
      break;
  }
  return { pairs, duplicateTexts, contradictoryTexts };
}
