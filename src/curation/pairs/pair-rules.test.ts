import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { pairGroup, PairRulesOptions } from './pair-rules.js';
import type { ScoredResponse } from './scored-response.js';

let order = 0;
function response(text: string, standing: ScoredResponse['standing'], extra: Partial<ScoredResponse> = {}): ScoredResponse {
  order += 1;
  const verifierScore = standing === 'pass' ? 1 : standing === 'fail' ? 0 : undefined;
  return { order, id: `r${order}`, text, standing, ...(verifierScore === undefined ? {} : { verifierScore }), ...extra };
}
const rules = (options: Partial<PairRulesOptions> = {}): PairRulesOptions => PairRulesOptions.parse(options);
const texts = (outcome: ReturnType<typeof pairGroup>) => outcome.pairs.map((pair) => [pair.chosen.text, pair.rejected.text, pair.rule]);

describe('pair rules', () => {
  test('best-worst: the verifier decides; one pair per prompt, chosen passes and rejected fails', () => {
    const outcome = pairGroup([response('wrong', 'fail'), response('right', 'pass'), response('also right', 'pass')], rules());
    expect(texts(outcome)).toEqual([['right', 'wrong', 'verifier']]);
    expect(outcome.pairs[0]).toMatchObject({ chosenScore: 1, rejectedScore: 0 });
  });

  test('no pair when every response passes or every one fails, or only one exists', () => {
    expect(pairGroup([response('a', 'pass'), response('b', 'pass')], rules({ judge: 'ignore' })).pairs).toEqual([]);
    expect(pairGroup([response('a', 'fail'), response('b', 'fail')], rules()).pairs).toEqual([]);
    expect(pairGroup([response('a', 'pass')], rules()).pairs).toEqual([]);
  });

  test('a judge never makes a failed response chosen, whatever its score', () => {
    const outcome = pairGroup([response('right', 'pass', { judgeScore: 0.1 }), response('wrong', 'fail', { judgeScore: 1 })], rules({ judge: 'fallback' }));
    expect(texts(outcome)).toEqual([['right', 'wrong', 'verifier']]);
  });

  test('tiebreak: a judge orders two passes; ignore leaves them unpaired', () => {
    const group = [response('terse', 'pass', { judgeScore: 0.4 }), response('clear', 'pass', { judgeScore: 0.9 })];
    expect(texts(pairGroup(group, rules({ judge: 'tiebreak' })))).toEqual([['clear', 'terse', 'judge-tiebreak']]);
    expect(pairGroup(group, rules({ judge: 'tiebreak' })).pairs[0]).toMatchObject({ chosenScore: 0.9, rejectedScore: 0.4 });
    expect(pairGroup(group, rules({ judge: 'ignore' })).pairs).toEqual([]);
  });

  test('fallback: unverified responses are placed by the judge, only in fallback mode', () => {
    const group = [response('judged good', 'unverified', { judgeScore: 0.8 }), response('judged bad', 'unverified', { judgeScore: 0.2 })];
    expect(texts(pairGroup(group, rules({ judge: 'fallback' })))).toEqual([['judged good', 'judged bad', 'judge-fallback']]);
    expect(pairGroup(group, rules({ judge: 'tiebreak' })).pairs).toEqual([]);
    // a verified fail under an approved unverified response; a pass over a condemned one
    expect(texts(pairGroup([response('unsure', 'unverified', { judgeScore: 0.7 }), response('wrong', 'fail')], rules({ judge: 'fallback' })))).toEqual([['unsure', 'wrong', 'judge-fallback']]);
    expect(texts(pairGroup([response('right', 'pass'), response('dubious', 'unverified', { judgeScore: 0.3 })], rules({ judge: 'fallback' })))).toEqual([['right', 'dubious', 'verifier+judge']]);
    // a pass is never rejected in favour of an unverified response
    expect(pairGroup([response('right', 'pass'), response('loved', 'unverified', { judgeScore: 0.99 })], rules({ judge: 'fallback' })).pairs).toEqual([]);
  });

  test('hard negatives: a near miss (wrong answer, most tests passed) is rejected before a trivial failure', () => {
    const group = [
      response('right', 'pass'),
      response('no answer', 'fail', { reason: 'no-answer' }),
      response('close', 'fail', { reason: 'tests-failed', verifierScore: 0.8 }),
      response('closer in shape', 'fail', { reason: 'not-equivalent', verifierScore: 0 }),
    ];
    expect(texts(pairGroup(group, rules({ hardNegatives: true })))).toEqual([['right', 'close', 'verifier']]);
    expect(texts(pairGroup(group, rules({ hardNegatives: false })))[0]?.[1]).toBe('no answer');
  });

  test('identical texts are never paired, and a text with contradicting verdicts is left out', () => {
    const same = pairGroup([response('x = 4', 'pass'), response('x  =  4 ', 'fail')], rules());
    expect(same.pairs).toEqual([]);
    expect(same.contradictoryTexts).toBe(1);
    const repeated = pairGroup([response('4', 'pass'), response('4', 'pass'), response('5', 'fail')], rules({ strategy: 'all-pass-fail' }));
    expect(texts(repeated)).toEqual([['4', '5', 'verifier']]);
    expect(repeated.duplicateTexts).toBe(1);
  });

  test('all-pass-fail pairs every pass with every fail up to the cap, spreading over both sides', () => {
    const group = [response('p1', 'pass'), response('p2', 'pass'), response('f1', 'fail'), response('f2', 'fail'), response('f3', 'fail')];
    expect(pairGroup(group, rules({ strategy: 'all-pass-fail' })).pairs).toHaveLength(6);
    const capped = pairGroup(group, rules({ strategy: 'all-pass-fail', maxPerPrompt: 2 }));
    expect(texts(capped)).toEqual([
      ['p1', 'f1', 'verifier'],
      ['p2', 'f2', 'verifier'],
    ]);
  });

  test('margin keeps only pairs whose score gap reaches --min-gap', () => {
    const group = [response('all tests', 'pass'), response('most tests', 'fail', { verifierScore: 0.9 }), response('few tests', 'fail', { verifierScore: 0.2 })];
    expect(texts(pairGroup(group, rules({ strategy: 'margin', minGap: 0.5 })))).toEqual([['all tests', 'few tests', 'verifier']]);
    expect(pairGroup(group, rules({ strategy: 'margin', minGap: 0.05 })).pairs).toHaveLength(2);
  });

  test('properties: a fail is never chosen, a pass only loses to a pass, texts differ, output is deterministic', () => {
    const standing = fc.constantFrom<ScoredResponse['standing']>('pass', 'fail', 'unverified');
    const responses = fc.array(
      fc.record({ text: fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f'), standing, judge: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: undefined }) }),
      { maxLength: 8 },
    );
    const strategy = fc.constantFrom('best-worst', 'all-pass-fail', 'margin' as const);
    const judge = fc.constantFrom('ignore', 'tiebreak', 'fallback' as const);
    fc.assert(
      fc.property(responses, strategy, judge, fc.boolean(), (items, strategyName, judgeUse, hard) => {
        const group = items.map((item, index) => ({
          order: index,
          id: String(index),
          text: item.text,
          standing: item.standing,
          ...(item.standing === 'unverified' ? {} : { verifierScore: item.standing === 'pass' ? 1 : 0 }),
          ...(item.judge === undefined ? {} : { judgeScore: item.judge }),
        }));
        const options = rules({ strategy: strategyName, judge: judgeUse, hardNegatives: hard });
        const outcome = pairGroup(group, options);
        for (const pair of outcome.pairs) {
          expect(pair.chosen.standing).not.toBe('fail');
          if (pair.rejected.standing === 'pass') expect(pair.chosen.standing).toBe('pass');
          expect(pair.chosen.text).not.toBe(pair.rejected.text);
          if (judgeUse === 'ignore') expect(pair.rule).toBe('verifier');
        }
        expect(pairGroup(group, options)).toEqual(outcome);
      }),
      { numRuns: 500 },
    );
  });
});
