import { describe, expect, test } from 'vitest';
import { difficultyOf, passAtK } from './records.js';
import { decideTrials } from './stage2.js';
import { extractQuestion, extractSolutionAndTests, section, stripFence } from './extract.js';

describe('difficulty and pass@k', () => {
  test('easy at 2/3 or more, hard under 1/3, medium between, compared exactly', () => {
    expect([0, 1, 2, 3].map((passes) => difficultyOf(passes, 3))).toEqual(['hard', 'medium', 'easy', 'easy']);
    expect([0, 3, 4, 6, 7, 10].map((passes) => difficultyOf(passes, 10))).toEqual(['hard', 'hard', 'medium', 'medium', 'easy', 'easy']);
  });

  test('pass@k is the unbiased estimate 1 - C(n-c,k)/C(n,k)', () => {
    expect(passAtK(3, 0, 1)).toBe(0);
    expect(passAtK(3, 1, 1)).toBeCloseTo(1 / 3, 12);
    expect(passAtK(3, 1, 2)).toBeCloseTo(2 / 3, 12);
    expect(passAtK(3, 1, 3)).toBe(1);
    expect(passAtK(10, 3, 5)).toBeCloseTo(1 - 21 / 252, 12);
  });
});

describe('trial decisions from the pass matrix', () => {
  test('all solutions wrong: a lone good test file rejecting them is not outvoted by trivial ones', () => {
    const accepts = [
      [false, true, true],
      [false, true, true],
      [false, true, true],
    ];
    const facts = [{ valid: true, trivial: false }, { valid: true, trivial: true }, { valid: true, trivial: true }];
    expect(decideTrials(accepts, facts).passed).toEqual([false, false, false]);
    expect(decideTrials(accepts, facts).weakTests).toEqual([false, true, true]);
  });

  test('a right solution with trivial tests passes when another valid test file accepts it', () => {
    // solutions 0 and 2 wrong with good tests; solution 1 right with tests that check nothing.
    const accepts = [
      [false, true, false],
      [true, true, true],
      [false, true, false],
    ];
    const facts = [{ valid: true, trivial: false }, { valid: true, trivial: true }, { valid: true, trivial: false }];
    expect(decideTrials(accepts, facts).passed).toEqual([false, true, false]);
  });

  test('two vouching test files outvote a broken one that rejects what they accept', () => {
    const accepts = [
      [true, false, true],
      [true, false, true],
      [true, false, true],
    ];
    expect(decideTrials(accepts, [{ valid: true, trivial: false }, { valid: true, trivial: false }, { valid: true, trivial: false }]).passed).toEqual([true, false, true]);
    // With only one other vouching file, the rejection stands: a false negative, never a false pass.
    expect(decideTrials([[true, false], [true, false]]).passed).toEqual([false, false]);
  });

  test('weak tests that accept a wrong solution do not verify it when trusted tests reject it', () => {
    // trial 0: right solution, good tests; trial 1: buggy solution, weak tests (accept both); trial 2: right, good tests.
    const accepts = [
      [true, true, true],
      [false, true, false],
      [true, true, true],
    ];
    const decision = decideTrials(accepts);
    expect(decision.passed).toEqual([true, false, true]);
    expect(decision.weakTests).toEqual([false, true, false]);
    expect(decision.refutedBy[1]).toEqual([0, 2]);
  });

  test('a lone trial passing its own tests passes; unknown cross results (null) refute nothing', () => {
    expect(decideTrials([[true]]).passed).toEqual([true]);
    expect(decideTrials([[true, null], [null, false]]).passed).toEqual([true, false]);
  });
});

describe('reply extraction', () => {
  test('questions: markers, headings and BAD_DOCUMENT', () => {
    expect(extractQuestion('Sure!\n<|Question Begin|>\n### Question 1:\nWrite f(x).\n<|Question End|>')).toEqual({ ok: true, text: 'Write f(x).' });
    expect(extractQuestion('BAD_DOCUMENT')).toEqual({ ok: false, reason: 'bad-document' });
    expect(extractQuestion('Sure! I can help with that.')).toEqual({ ok: false, reason: 'no-markers' });
    expect(extractQuestion('<|Question Begin|>\nWrite f(x) that')).toEqual({ ok: false, reason: 'truncated' });
    expect(extractQuestion('<|Question Begin|>\n\n<|Question End|>')).toEqual({ ok: false, reason: 'empty' });
  });

  test('solution and tests: fences stripped, the last section wins, a missing part is named', () => {
    const reply = '<|Solution Begin|>\n```python\ndef f():\n    return 1\n```\n<|Solution End|>\n<|Test Begin|>\n```python\nfrom solution import f\n\ndef test_f():\n    assert f() == 1\n```\n<|Test End|>';
    expect(extractSolutionAndTests(reply)).toEqual({ ok: true, solution: 'def f():\n    return 1\n', tests: 'from solution import f\n\ndef test_f():\n    assert f() == 1\n' });
    expect(extractSolutionAndTests('<|Solution Begin|>x<|Solution End|>')).toEqual({ ok: false, reason: 'tests-no-markers' });
    expect(section('<|A Begin|>one<|A End|> <|A Begin|>two<|A End|>', 'A')).toEqual({ ok: true, text: 'two' });
    expect(stripFence('```\ncode\n```')).toBe('code');
  });
});
