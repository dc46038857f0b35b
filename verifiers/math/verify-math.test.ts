import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { Verdict } from '../../src/core/schemas/verdict.js';
import { verifyMath } from './verify-math.js';

interface LabelledCase {
  id: string;
  category: string;
  gold: string;
  prediction: string;
  expected: boolean;
  note: string;
}

const cases: LabelledCase[] = readFileSync(new URL('../../../shared/data/math-cases-public.jsonl', import.meta.url), 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((line) => JSON.parse(line));

describe('verifyMath on the hand-labelled public cases', () => {
  const results = cases.map((labelled) => ({ labelled, verdict: verifyMath(labelled.prediction, labelled.gold) }));

  test('every verdict has the project shape', () => {
    for (const { verdict } of results) expect(Verdict.safeParse(verdict).success).toBe(true);
  });

  test('never passes a case labelled wrong', () => {
    const falsePasses = results.filter(({ labelled, verdict }) => !labelled.expected && verdict.status === 'pass');
    expect(falsePasses.map(({ labelled }) => labelled.id)).toEqual([]);
  });

  test('agrees with at least 97% of the labels', () => {
    const disagreements = results.filter(({ labelled, verdict }) => (verdict.status === 'pass') !== labelled.expected);
    const agreement = 1 - disagreements.length / results.length;
    expect(
      disagreements.map(({ labelled, verdict }) => `${labelled.id} ${labelled.category} expected ${labelled.expected}: ${verdict.status}/${verdict.reason} ${String(verdict.details.explanation)}`),
    ).toHaveLength(disagreements.length);
    expect(agreement).toBeGreaterThanOrEqual(0.97);
  });
});

describe('verifyMath verdicts', () => {
  test('a refusal fails with no-answer, never falls back to a number in it', () => {
    expect(verifyMath("Sorry, I don't know. It might involve 72.", '72')).toMatchObject({ status: 'fail', reason: 'no-answer', verifier: 'math' });
  });

  test('a truncated box is no answer', () => {
    expect(verifyMath('so the result is \\boxed{\\frac{3}{', '3/4')).toMatchObject({ status: 'fail', reason: 'no-answer', details: { why: 'truncated' } });
  });

  test('an unreadable gold is an error, not a fail', () => {
    expect(verifyMath('\\boxed{5}', '')).toMatchObject({ status: 'error', reason: 'gold-unparseable' });
  });

  test('an expression bomb is refused quickly and never passes', () => {
    for (const bomb of ['10^{10^{10}}', '9^{9^{9}}', '100000!', `${'('.repeat(3000)}1${')'.repeat(3000)}`]) {
      const started = performance.now();
      const result = verifyMath(`The answer is $${bomb}$.`, '10');
      expect(result.status).not.toBe('pass');
      expect(performance.now() - started).toBeLessThan(5000);
    }
  });

  test('equal numbers in other units or currencies fail (units are stripped, never converted)', () => {
    expect(verifyMath('\\boxed{5\\text{ cm}}', '5\\text{ m}')).toMatchObject({ status: 'fail', reason: 'not-equivalent' });
    expect(verifyMath('\\boxed{\\$50}', '50\\text{ cents}')).toMatchObject({ status: 'fail', reason: 'not-equivalent' });
    expect(verifyMath('\\boxed{5\\text{ hours}}', '5 \\text{ hour}')).toMatchObject({ status: 'pass' });
    expect(verifyMath('\\boxed{5\\text{ cm}}', '5')).toMatchObject({ status: 'pass' });
  });

  test('a pass explains itself', () => {
    const result = verifyMath('Thus the answer is \\boxed{\\dfrac{3}{4}}.', '0.75');
    expect(result).toMatchObject({ status: 'pass', score: 1, reason: 'equivalent', details: { extracted: '\\dfrac{3}{4}', source: 'boxed' } });
    expect(result.details.explanation).toMatch(/equals the gold/);
  });
});

describe('verifyMath integer fast path', () => {
  const integerText = fc.oneof(
    fc.integer({ min: -1000, max: 1000 }).map(String),
    fc.bigInt({ min: -(10n ** 40n), max: 10n ** 40n }).map(String),
    fc.constantFrom('0', '-0', '007', '1,000', '1000', '12.0', '+5', '5 cm', '$5'),
  );
  const wrap = fc.constantFrom(
    (x: string) => `The answer is ${x}.`,
    (x: string) => `So we get \\boxed{${x}}`,
    (x: string) => `Work...\n#### ${x}`,
    (x: string) => x,
    (x: string) => `Either ${x} or 3.`,
    (x: string) => `I think it is ${x}. Wait, actually no.`,
  );

  test('gives exactly the verdict of the general path', () => {
    fc.assert(
      fc.property(integerText, integerText, wrap, fc.boolean(), (answer, gold, template, numericGold) => {
        const goldValue = numericGold && /^-?\d{1,15}$/.test(gold) ? Number(gold) : gold;
        const response = template(answer);
        expect(verifyMath(response, goldValue)).toEqual(verifyMath(response, goldValue, { integerFastPath: false }));
      }),
      { numRuns: 2000 },
    );
  });

  test('equal integers with different spellings are not left to the text comparison', () => {
    expect(verifyMath('The answer is 007.', '7').status).toBe('pass');
    expect(verifyMath('The answer is -0.', '0').status).toBe('pass');
    expect(verifyMath('The answer is 1,000.', '1000').status).toBe('pass');
  });
});
