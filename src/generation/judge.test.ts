import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { DEFAULT_JUDGE_PROMPT, judgeMessage, parseJudgeReply } from './judge.js';

const withoutScoreWord = fc.string({ maxLength: 200 }).filter((text) => !/score/i.test(text));

describe('parseJudgeReply', () => {
  test.each([
    ['Score: 8', 0.8],
    ['score: 0', 0],
    ['SCORE:10', 1],
    ['Score = 7.5', 0.75],
    ['**Score:** 6', 0.6],
    ['**Score**: 9/10', 0.9],
    ['Score: 4 / 10', 0.4],
    ['Score: 8.', 0.8],
    ['{"reason": "fine", "score": 7}', 0.7],
    ['{"score":3.3}', 0.33],
    ['Score: 4/5', 0.8],
    ['Score: 80/100', 0.8],
    ['Score: 3\nScore: 80/100', 0.8],
  ])('%j scores %d', (reply, score) => {
    expect(parseJudgeReply(reply)?.score).toBe(score);
  });

  test('the reasoning is the text before the score, without trailing markup', () => {
    expect(parseJudgeReply('The response is right but terse.\n\n**Score: 8**')).toEqual({ score: 0.8, reasoning: 'The response is right but terse.' });
    expect(parseJudgeReply('  Good work.\n## Score: 4')).toEqual({ score: 0.4, reasoning: 'Good work.' });
    expect(parseJudgeReply('Score: 5')).toEqual({ score: 0.5, reasoning: '' });
  });

  test('the last score line wins, so a revised grade counts', () => {
    expect(parseJudgeReply('At first glance Score: 9.\nOn a closer look it is wrong.\nScore: 2')).toEqual({
      score: 0.2,
      reasoning: 'At first glance Score: 9.\nOn a closer look it is wrong.',
    });
  });

  test('a "Score:" line is preferred to a JSON score', () => {
    expect(parseJudgeReply('Score: 3, as in {"score": 9}')?.score).toBe(0.3);
  });

  test.each([
    ['no score at all', 'The response is fine.'],
    ['empty', ''],
    ['a word instead of a number', 'Score: ten'],
    ['above 10', 'Score: 11'],
    ['above 10 with a decimal', 'Score: 10.5'],
    ['negative', 'Score: -3'],
    ['a JSON score that is negative', '{"score": -1}'],
    ['"score" inside another word', 'underscore: 5'],
    ['"scores"', 'Scores: 8'],
    ['a last score out of range, after a valid one', 'Score: 3\nScore: 11'],
    ['a score above its own scale', 'Score: 7/5'],
    ['an unknown scale', 'Score: 3/7'],
  ])('%s is unparseable', (_, reply) => {
    expect(parseJudgeReply(reply)).toBeUndefined();
  });

  test('never throws, and any score it reads is in 0..1 with reasoning taken from the reply', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (reply) => {
        const parsed = parseJudgeReply(reply);
        if (parsed === undefined) return;
        expect(parsed.score).toBeGreaterThanOrEqual(0);
        expect(parsed.score).toBeLessThanOrEqual(1);
        expect(reply.trimStart().startsWith(parsed.reasoning)).toBe(true);
      }),
    );
  });

  test('reasoning followed by a "Score: N" line gives N / 10 and the reasoning back', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), fc.integer({ min: 0, max: 10 }), (reasoning, value) => {
        expect(parseJudgeReply(`${reasoning}\nScore: ${value}`)).toEqual({ score: value / 10, reasoning: reasoning.replace(/[\s*#]+$/, '').trim() });
      }),
    );
  });

  test('text without the word "score" has no score, whatever number it holds', () => {
    fc.assert(
      fc.property(withoutScoreWord, fc.integer({ min: 0, max: 10 }), (text, value) => {
        expect(parseJudgeReply(`${text} ${value}/10`)).toBeUndefined();
      }),
    );
  });
});

describe('judgeMessage', () => {
  test('fills {prompt} and {response} and leaves other braces alone', () => {
    expect(judgeMessage('Task: {prompt}\nAnswer: {response}\n{"score": N} {other}', 'add 2 and 2', '4')).toBe('Task: add 2 and 2\nAnswer: 4\n{"score": N} {other}');
  });

  test('placeholders and replacement patterns inside the filled text are not expanded again', () => {
    expect(judgeMessage('{prompt}|{response}', '{response}', "$& $' $1")).toBe("{response}|$& $' $1");
  });

  test('the default prompt holds both placeholders once and asks for the score line the parser reads', () => {
    const filled = judgeMessage(DEFAULT_JUDGE_PROMPT, 'PROMPT-TEXT', 'RESPONSE-TEXT');
    expect(filled.match(/PROMPT-TEXT/g)).toHaveLength(1);
    expect(filled.match(/RESPONSE-TEXT/g)).toHaveLength(1);
    expect(filled).not.toMatch(/\{(prompt|response)\}/);
    expect(DEFAULT_JUDGE_PROMPT).toContain('"Score: N"');
  });

  test('any prompt and response come through verbatim', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (prompt, response) => {
        expect(judgeMessage('<p>{prompt}</p><r>{response}</r>', prompt, response)).toBe(`<p>${prompt}</p><r>${response}</r>`);
      }),
    );
  });
});
