import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { QualityFlags, qualityFlags } from './quality-flags.js';

describe('has_answer_tags', () => {
  test.each([
    ['a box', 'So x = \\boxed{42}.'],
    ['a box with a space', '\\boxed {7}'],
    ['an answer tag', '<answer>12</answer>'],
    ['a #### line', 'Adding up.\n#### 18'],
    ['"Final answer"', 'Final Answer: 3'],
    ['"the answer is"', 'So the answer is 5.'],
  ])('%s is a marked answer', (_, content) => {
    expect(qualityFlags(content, null, false).has_answer_tags).toBe(true);
  });

  test.each([
    ['a bare number', '42'],
    ['#### without a space', '####42'],
    ['#### inside a line', 'see item #### 4'],
    ['an answer in prose', 'I think it is 5.'],
    ['a word containing "answer is"', 'the answer isotope'],
  ])('%s is not', (_, content) => {
    expect(qualityFlags(content, null, false).has_answer_tags).toBe(false);
  });

  test('tags in the reasoning do not count: the flag is about the answer', () => {
    expect(qualityFlags('42', 'the answer is \\boxed{42}', false).has_answer_tags).toBe(false);
  });
});

describe('has_reasoning', () => {
  test('separate reasoning counts unless it is blank', () => {
    expect(qualityFlags('42', 'add them', false).has_reasoning).toBe(true);
    expect(qualityFlags('42', '  \n ', false).has_reasoning).toBe(false);
    expect(qualityFlags('42', null, false).has_reasoning).toBe(false);
  });

  test.each([
    ['"Step 1"', 'Step 1: add.'],
    ['a numbered list', 'Plan:\n1. add\n2. divide'],
    ['a list with parentheses', '1) add'],
    ['"therefore"', 'x is even, therefore x + 1 is odd.'],
    ['"Thus"', 'Thus 4.'],
    ['"it follows that"', 'it follows that y = 2'],
    ['"First,"', 'First, we add.'],
  ])('%s in the answer counts as visible steps', (_, content) => {
    expect(qualityFlags(content, null, false).has_reasoning).toBe(true);
  });

  test.each([
    ['a decimal at a line start', '3.14 is pi'],
    ['a bare answer', 'The answer is 4.'],
    ['"first" without a comma', 'first prize'],
  ])('%s does not', (_, content) => {
    expect(qualityFlags(content, null, false).has_reasoning).toBe(false);
  });
});

describe('self_correction', () => {
  test.each([
    ['Wait, that is not right.'],
    ['Actually it is 5.'],
    ['Hmmm.'],
    ['On second thought, 6.'],
    ['Let me re-check the sum.'],
    ['let me double-check'],
    ['I made a mistake above.'],
    ["That's wrong."],
  ])('%j is a self-correction', (text) => {
    expect(qualityFlags(text, null, false).self_correction).toBe(true);
    expect(qualityFlags('42', text, false).self_correction).toBe(true);
  });

  test.each([['Awaiting input.'], ['Waiting is hard.'], ['The answer is 4.'], ['Let me add them.']])('%j is not', (text) => {
    expect(qualityFlags(text, text, false).self_correction).toBe(false);
  });
});

test('truncated is passed through and reasoning_length counts the separate reasoning only', () => {
  expect(qualityFlags('Step 1: go', null, true)).toEqual({ truncated: true, has_answer_tags: false, has_reasoning: true, self_correction: false, reasoning_length: 0 });
  expect(qualityFlags('4', 'two and two', false)).toEqual({ truncated: false, has_answer_tags: false, has_reasoning: true, self_correction: false, reasoning_length: 11 });
});

test('the flags of any text match their schema, and the same text always gets the same flags', () => {
  fc.assert(
    fc.property(fc.string({ maxLength: 300 }), fc.option(fc.string({ maxLength: 300 })), fc.boolean(), (content, reasoning, truncated) => {
      const flags = qualityFlags(content, reasoning, truncated);
      expect(QualityFlags.safeParse(flags).success).toBe(true);
      expect(flags.truncated).toBe(truncated);
      expect(flags.reasoning_length).toBe(reasoning?.length ?? 0);
      expect(qualityFlags(content, reasoning, truncated)).toEqual(flags);
    }),
  );
});

test('appending a revision or a box to any answer turns its flag on', () => {
  fc.assert(
    fc.property(fc.string({ maxLength: 200 }), (content) => {
      expect(qualityFlags(`${content}\nWait, let me fix that.`, null, false).self_correction).toBe(true);
      expect(qualityFlags(`${content}\n\\boxed{1}`, null, false).has_answer_tags).toBe(true);
    }),
  );
});
