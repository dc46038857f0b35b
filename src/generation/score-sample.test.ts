import fc from 'fast-check';
import { afterAll, describe, expect, test } from 'vitest';
import { RunConfig } from '../core/schemas/run-config.js';
import type { Verdict } from '../core/schemas/verdict.js';
import type { RoutedSample } from '../llm/sample-problem.js';
import type { JudgeScore } from './judge.js';
import type { InputProblem } from './read-problems.js';
import { modelTargets } from './run-settings.js';
import { decisiveScore, roundUsd, sampleId, sampleRecord, type ScoredSample } from './score-sample.js';

// A real target on an address nothing listens on: sampleRecord never sends a request.
const targets = modelTargets(RunConfig.parse({ endpoints: { local: { base_url: 'http://127.0.0.1:9/v1' } }, models: [{ id: 'm', endpoint: 'local' }] }), {});
const target = targets.generation[0]!;
afterAll(() => target.client.close());

const problem: InputProblem = {
  id: 'add-1',
  prompt: 'What is 2 + 2?',
  answer: '4',
  meta: { source: 'seeds/add.jsonl' },
  passThrough: { answer: '4', trace_id: 't1' },
  lineNumber: 3,
};

function sample(overrides: Partial<RoutedSample> & { content?: string; reasoning?: string | null; finishReason?: string } = {}): RoutedSample {
  const { content = 'Step 1: add. The answer is \\boxed{4}.', reasoning = 'two and two', finishReason = 'stop', ...rest } = overrides;
  return {
    index: 2,
    model: 'm-2025',
    response: { content, reasoning, finishReason, model: 'm-2025', usage: { promptTokens: 12, completionTokens: 9, costUsd: null } },
    costUsd: 0.1,
    costSource: 'price-table',
    requestedModel: 'm',
    target,
    reroutes: [],
    ...rest,
  };
}

const verdict = (status: Verdict['status'], details: Record<string, unknown> = {}): Verdict => ({ status, score: status === 'pass' ? 1 : 0, reason: status === 'pass' ? 'equivalent' : status === 'fail' ? 'not-equivalent' : 'timeout', verifier: 'math', details });
const judge = (score: number | null, extra: Partial<JudgeScore> = {}): JudgeScore => ({ score, reasoning: 'fine', model: 'grader', costUsd: 0.2, ...extra });
const scored = (parts: Partial<ScoredSample> = {}): ScoredSample => ({ problem, sample: sample(), verdict: undefined, judge: undefined, ...parts });

describe('sampleRecord', () => {
  test('a verified sample: the response contract, what generation knows, the problem fields, then meta', () => {
    const record = sampleRecord(scored({ verdict: verdict('pass', { extracted: '4', expected: '4' }) }), undefined);
    expect(record).toEqual({
      id: 'add-1/2',
      problem_id: 'add-1',
      prompt: 'What is 2 + 2?',
      response: 'Step 1: add. The answer is \\boxed{4}.',
      reasoning: 'two and two',
      extracted_answer: '4',
      model: 'm-2025',
      model_requested: 'm',
      sample_index: 2,
      finish_reason: 'stop',
      tokens_in: 12,
      tokens_out: 9,
      cost_usd: 0.1,
      cost_source: 'price-table',
      verdict: verdict('pass', { extracted: '4', expected: '4' }),
      judge: null,
      score: 1,
      scored_by: 'verifier',
      decision: 'approve',
      quality_flags: { truncated: false, has_answer_tags: true, has_reasoning: true, self_correction: false, reasoning_length: 11 },
      answer: '4',
      trace_id: 't1',
      meta: { source: 'seeds/add.jsonl' },
    });
    expect(Object.keys(record).slice(-3)).toEqual(['answer', 'trace_id', 'meta']);
    expect(Object.keys(record)[0]).toBe('id');
  });

  test('a failed verification rejects, whatever the judge thinks', () => {
    const record = sampleRecord(scored({ verdict: verdict('fail'), judge: judge(1) }), 0.5);
    expect(record).toMatchObject({ score: 0, scored_by: 'verifier', decision: 'reject', judge: { score: 1 } });
  });

  test('where the verifier could not decide, the judge scores, and the threshold decides', () => {
    const judged = (score: number, threshold: number | undefined) => sampleRecord(scored({ verdict: verdict('error'), judge: judge(score) }), threshold);
    expect(judged(0.8, 0.7)).toMatchObject({ score: 0.8, scored_by: 'judge', decision: 'approve' });
    expect(judged(0.7, 0.7)).toMatchObject({ decision: 'approve' });
    expect(judged(0.6, 0.7)).toMatchObject({ score: 0.6, decision: 'reject' });
    expect(judged(0.9, undefined)).toMatchObject({ score: 0.9, scored_by: 'judge', decision: 'unscored' });
  });

  test('a judge score of 0 is a score, not a missing one', () => {
    expect(sampleRecord(scored({ judge: judge(0) }), 0)).toMatchObject({ score: 0, scored_by: 'judge', decision: 'approve' });
    expect(sampleRecord(scored({ judge: judge(0) }), 0.1)).toMatchObject({ score: 0, scored_by: 'judge', decision: 'reject' });
  });

  test('nobody decided: no verifier and no judge score', () => {
    for (const parts of [{}, { judge: judge(null, { error: 'unparseable', costUsd: null }) }, { verdict: verdict('error') }]) {
      expect(sampleRecord(scored(parts), 0.7)).toMatchObject({ score: null, scored_by: null, decision: 'unscored' });
    }
  });

  test('the judge record carries its cost rounded, and its error only when there is one', () => {
    expect(sampleRecord(scored({ judge: judge(0.5) }), undefined).judge).toEqual({ score: 0.5, reasoning: 'fine', model: 'grader', cost_usd: 0.2 });
    expect(sampleRecord(scored({ judge: judge(null, { reasoning: 'no idea', costUsd: null, error: 'unparseable' }) }), undefined).judge).toEqual({
      score: null,
      reasoning: 'no idea',
      model: 'grader',
      cost_usd: null,
      error: 'unparseable',
    });
  });

  test('the cost is the sample and its judging, rounded; an unknown sample cost stays unknown', () => {
    expect(sampleRecord(scored({ judge: judge(0.5) }), undefined).cost_usd).toBe(0.3);
    expect(sampleRecord(scored({ judge: judge(0.5, { costUsd: null }) }), undefined).cost_usd).toBe(0.1);
    expect(sampleRecord(scored({ sample: sample({ costUsd: null, costSource: 'unknown' }), judge: judge(0.5) }), undefined)).toMatchObject({ cost_usd: null, cost_source: 'unknown' });
  });

  test('the extracted answer: the verifier’s when it gives one, else read from the response, none for code', () => {
    expect(sampleRecord(scored({ verdict: verdict('fail', { extracted: '5' }) }), undefined).extracted_answer).toBe('5');
    expect(sampleRecord(scored({ verdict: verdict('fail', { extracted: 5 }) }), undefined).extracted_answer).toBe('4');
    expect(sampleRecord(scored(), undefined).extracted_answer).toBe('4');
    expect(sampleRecord(scored({ sample: sample({ content: 'I cannot say.' }) }), undefined).extracted_answer).toBeNull();
    const code = { ...problem, tests: 'def test_add():\n    assert add(2, 2) == 4\n' };
    expect(sampleRecord(scored({ problem: code, verdict: verdict('pass', { extracted: '4' }) }), undefined).extracted_answer).toBeNull();
  });

  test('a problem field named like a generated one yields to it; meta is always the problem’s', () => {
    const stale = { ...problem, passThrough: { score: 0.1, decision: 'approve', model: 'old', meta: 'stale', extra: [1] } };
    const record = sampleRecord(scored({ problem: stale, verdict: verdict('fail') }), undefined);
    expect(record).toMatchObject({ score: 0, decision: 'reject', model: 'm-2025', meta: { source: 'seeds/add.jsonl' }, extra: [1] });
  });

  test('reroutes are recorded only when there were any', () => {
    expect(sampleRecord(scored(), undefined)).not.toHaveProperty('reroutes');
    const reroutes = [{ model: 'gone', code: 'http-404', message: 'no such model' }];
    expect(sampleRecord(scored({ sample: sample({ reroutes }) }), undefined).reroutes).toEqual(reroutes);
  });

  test('quality flags come from the response; finish_reason "length" is truncated', () => {
    const record = sampleRecord(scored({ sample: sample({ content: 'Wait, so', reasoning: null, finishReason: 'length' }) }), undefined);
    expect(record).toMatchObject({ finish_reason: 'length', reasoning: null, quality_flags: { truncated: true, has_answer_tags: false, has_reasoning: false, self_correction: true, reasoning_length: 0 } });
  });

  test('the same scored sample always gives the same bytes, and its inputs are not changed', () => {
    const input = scored({ verdict: verdict('error'), judge: judge(0.75) });
    const copy = structuredClone({ problem: input.problem, verdict: input.verdict, judge: input.judge, response: input.sample.response });
    expect(JSON.stringify(sampleRecord(input, 0.5))).toBe(JSON.stringify(sampleRecord(input, 0.5)));
    expect({ problem: input.problem, verdict: input.verdict, judge: input.judge, response: input.sample.response }).toEqual(copy);
  });

  test('with a judge deciding, approval is exactly score >= threshold', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10 }), fc.double({ min: 0, max: 1, noNaN: true }), (points, threshold) => {
        const record = sampleRecord(scored({ judge: judge(points / 10) }), threshold);
        expect(record.decision).toBe(points / 10 >= threshold ? 'approve' : 'reject');
        expect(record.score).toBe(points / 10);
      }),
    );
  });
});

describe('decisiveScore', () => {
  test('verifier first, then judge, else none', () => {
    expect(decisiveScore(scored({ verdict: verdict('pass'), judge: judge(0) }))).toEqual({ score: 1, decision: 'approve', by: 'verifier' });
    expect(decisiveScore(scored({ verdict: verdict('fail') }))).toEqual({ score: 0, decision: 'reject', by: 'verifier' });
    expect(decisiveScore(scored({ verdict: verdict('error'), judge: judge(0.4) }))).toEqual({ score: 0.4, decision: 'unscored', by: 'judge' });
    expect(decisiveScore(scored({ judge: judge(null) }))).toEqual({ score: null, decision: 'unscored', by: null });
    expect(decisiveScore(scored())).toEqual({ score: null, decision: 'unscored', by: null });
  });

  test('a partial verifier score passes through', () => {
    expect(decisiveScore(scored({ verdict: { ...verdict('pass'), score: 0.5 } }))).toEqual({ score: 0.5, decision: 'approve', by: 'verifier' });
  });
});

test('sampleId joins the problem id and the index', () => {
  expect(sampleId('add-1', 0)).toBe('add-1/0');
  expect(sampleId('a/b', 12)).toBe('a/b/12');
});

describe('roundUsd', () => {
  test('float sums print as the money they are', () => {
    expect(roundUsd(0.1 + 0.2)).toBe(0.3);
    expect(roundUsd(1e-13)).toBe(0);
    expect(roundUsd(0.000_000_000_001)).toBe(1e-12);
  });

  test('is within half a picodollar and rounding twice changes nothing', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1000, noNaN: true }), (usd) => {
        const rounded = roundUsd(usd);
        expect(Math.abs(rounded - usd)).toBeLessThanOrEqual(5e-13 + usd * 1e-15);
        expect(roundUsd(rounded)).toBe(rounded);
      }),
    );
  });
});
