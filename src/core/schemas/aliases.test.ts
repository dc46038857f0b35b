import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { contentId } from '../hash.js';
import { fieldOverridesFromFlags, Pair, pairId, Problem, RecordAliases, resolveRecord, Response } from './index.js';

const text = fc.string({ minLength: 1 });
/** A raw record holding each field under a random accepted alias, plus unrelated fields. */
const rawArbitrary = fc
  .record({
    prompt: fc.tuple(fc.constantFrom(...RecordAliases.prompt), text),
    response: fc.tuple(fc.constantFrom(...RecordAliases.response), fc.string()),
    answer: fc.option(fc.tuple(fc.constantFrom(...RecordAliases.answer), fc.oneof(fc.string(), fc.integer())), { nil: undefined }),
    extra: fc.dictionary(fc.string().map((key) => `x_${key}`), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 }),
  })
  .map(({ prompt, response, answer, extra }) => ({
    raw: { ...extra, [prompt[0]]: prompt[1], [response[0]]: response[1], ...(answer ? { [answer[0]]: answer[1] } : {}) } as Record<string, unknown>,
    prompt: prompt[1],
    response: response[1],
    answer: answer?.[1],
  }));

describe('resolveRecord', () => {
  test('any alias spelling resolves to the canonical fields, keeps every raw field, and validates', () => {
    fc.assert(
      fc.property(rawArbitrary, fc.string(), ({ raw, prompt, response, answer }, lineText) => {
        const before = structuredClone(raw);
        const view = resolveRecord(raw, 'response', { lineText });
        expect(raw).toEqual(before);
        expect(view).not.toBe(raw);
        for (const [key, value] of Object.entries(raw)) expect(view[key]).toEqual(value);
        expect(view).toMatchObject({ prompt, response, id: contentId(lineText), problem_id: contentId(prompt) });
        expect(view.answer).toEqual(answer);
        expect(Response.safeParse(view).success).toBe(true);
        expect(Problem.safeParse(resolveRecord(raw, 'problem', { lineText })).success).toBe(true);
      }),
    );
  });

  test('overrides win over aliases and do not fall back', () => {
    const raw = { prompt: 'alias', instruction: 'override', nested: { text: 'deep' } };
    expect(resolveRecord(raw, 'problem', { overrides: { prompt: 'instruction' }, lineText: 'l' }).prompt).toBe('override');
    expect(resolveRecord(raw, 'problem', { overrides: { prompt: 'nested.text' }, lineText: 'l' }).prompt).toBe('deep');
    const overridden = resolveRecord(raw, 'problem', { overrides: { prompt: 'missing' }, lineText: 'l' });
    expect(overridden.prompt).toBeUndefined();
    expect(Problem.safeParse(overridden).error?.issues[0]?.path).toEqual(['prompt']);
    const missing = resolveRecord({ question: 'q' }, 'problem', { overrides: { prompt: 'missing' }, lineText: 'l' });
    expect(missing.prompt).toBeUndefined();
    expect(Problem.safeParse(missing).success).toBe(false);
  });

  test('the canonical name is preferred over later aliases, and null counts as missing', () => {
    expect(resolveRecord({ input: 'b', prompt: 'a', question: 'c' }, 'problem').prompt).toBe('a');
    expect(resolveRecord({ prompt: null, question: 'c' }, 'problem').prompt).toBe('c');
    const view = resolveRecord({ id: 'x', prompt: 'p', answer: null }, 'problem');
    expect(Problem.parse(view)).toEqual({ id: 'x', prompt: 'p', meta: {} });
  });

  test('ids: from the line text when absent, numbers as strings, pairs from their texts', () => {
    const line = '{"question":"What is 2+2?","gold":4}';
    const view = resolveRecord(JSON.parse(line) as Record<string, unknown>, 'problem', { lineText: line });
    expect(view).toEqual({ id: contentId(line), question: 'What is 2+2?', gold: 4, prompt: 'What is 2+2?', answer: 4 });
    expect(Object.keys(view)[0]).toBe('id');
    expect(resolveRecord({ id: 7, prompt: 'p' }, 'problem').id).toBe('7');
    expect(resolveRecord({ uid: 'u1', prompt: 'p' }, 'problem', { overrides: { id: 'uid' } }).id).toBe('u1');
    const pair = { prompt: 'p', chosen: 'good', rejected: 'bad', chosen_score: 1, rejected_score: 0, margin: 1 };
    const pairView = resolveRecord(pair, 'pair', { lineText: 'ignored' });
    expect(pairView.id).toBe(pairId('p', 'good', 'bad'));
    expect(Pair.safeParse(pairView).success).toBe(true);
  });

  test('tests come from tests, test_code or test; a list of test strings is joined', () => {
    expect(resolveRecord({ id: 'a', prompt: 'p', test_code: 'assert f() == 1' }, 'problem').tests).toBe('assert f() == 1');
    expect(resolveRecord({ id: 'a', prompt: 'p', test: ['assert a', 'assert b'] }, 'problem').tests).toBe('assert a\nassert b');
    expect(Problem.safeParse(resolveRecord({ id: 'a', prompt: 'p', test: ['assert a'] }, 'problem')).success).toBe(true);
  });
});

test('fieldOverridesFromFlags reads --<name>-field options', () => {
  expect(fieldOverridesFromFlags({ promptField: 'instruction', responseField: 'output', answerField: '', other: 1 })).toEqual({
    prompt: 'instruction',
    response: 'output',
  });
});
