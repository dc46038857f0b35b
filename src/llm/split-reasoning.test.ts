import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { splitReasoning } from './split-reasoning.js';

const answer = fc.string({ maxLength: 100 }).filter((text) => !/^\s*<think>/.test(text));
const thought = fc.string({ maxLength: 100 }).filter((text) => !text.includes('</think>'));

describe('reasoning fields', () => {
  test('`reasoning` (OpenRouter, Ollama, new vLLM) is kept apart from the content', () => {
    expect(splitReasoning({ content: 'The answer is 4.', reasoning: 'two and two' })).toEqual({ content: 'The answer is 4.', reasoning: 'two and two' });
  });

  test('`reasoning_content` (DeepSeek, old vLLM) too', () => {
    expect(splitReasoning({ content: '4', reasoning_content: 'two and two' })).toEqual({ content: '4', reasoning: 'two and two' });
  });

  test('`reasoning` wins over `reasoning_content`, and a blank field is no reasoning', () => {
    expect(splitReasoning({ content: '4', reasoning: 'first', reasoning_content: 'second' }).reasoning).toBe('first');
    expect(splitReasoning({ content: '4', reasoning: '  \n', reasoning_content: 'second' }).reasoning).toBe('second');
    expect(splitReasoning({ content: '4', reasoning: '', reasoning_content: ' ' }).reasoning).toBeNull();
  });

  test('fields that are not text are ignored', () => {
    expect(splitReasoning({ content: '4', reasoning: { text: 'x' }, reasoning_content: 7 })).toEqual({ content: '4', reasoning: null });
    expect(splitReasoning({ content: null, reasoning: null })).toEqual({ content: '', reasoning: null });
    expect(splitReasoning({})).toEqual({ content: '', reasoning: null });
    expect(splitReasoning({ content: [{ type: 'text', text: 'hi' }] })).toEqual({ content: '', reasoning: null });
  });
});

describe('inline <think> blocks', () => {
  test('a leading block becomes the reasoning, and the whitespace after it goes', () => {
    expect(splitReasoning({ content: '<think>\ntwo and two\n</think>\n\nThe answer is 4.' })).toEqual({ content: 'The answer is 4.', reasoning: 'two and two' });
    expect(splitReasoning({ content: '  \n<think>x</think>y' })).toEqual({ content: 'y', reasoning: 'x' });
  });

  test('an empty block is no reasoning', () => {
    expect(splitReasoning({ content: '<think>  </think>4' })).toEqual({ content: '4', reasoning: null });
  });

  test('only the first leading block is reasoning; a block later in the text is content', () => {
    expect(splitReasoning({ content: '<think>a</think>b<think>c</think>d' })).toEqual({ content: 'b<think>c</think>d', reasoning: 'a' });
    expect(splitReasoning({ content: 'Answer <think>not reasoning</think>' })).toEqual({ content: 'Answer <think>not reasoning</think>', reasoning: null });
  });

  test('a field and an inline block are both kept, the field first', () => {
    expect(splitReasoning({ content: '<think>inline</think>4', reasoning: 'field' })).toEqual({ content: '4', reasoning: 'field\n\ninline' });
    expect(splitReasoning({ content: '<think></think>4', reasoning_content: 'field' })).toEqual({ content: '4', reasoning: 'field' });
  });

  test('an unterminated leading block (a cut-off output) is all reasoning and no answer', () => {
    expect(splitReasoning({ content: '<think>\nlet me add 2 and' })).toEqual({ content: '', reasoning: 'let me add 2 and' });
    expect(splitReasoning({ content: '<think>' })).toEqual({ content: '', reasoning: null });
    expect(splitReasoning({ content: '<think>more', reasoning: 'field' })).toEqual({ content: '', reasoning: 'field\n\nmore' });
  });
});

describe('properties', () => {
  test('never throws on any message', () => {
    fc.assert(
      fc.property(fc.record({ content: fc.anything(), reasoning: fc.anything(), reasoning_content: fc.anything() }, { requiredKeys: [] }), (message) => {
        const split = splitReasoning(message);
        expect(typeof split.content).toBe('string');
        expect(split.reasoning === null || typeof split.reasoning === 'string').toBe(true);
      }),
    );
    fc.assert(
      fc.property(fc.string(), (content) => {
        splitReasoning({ content });
      }),
    );
  });

  test('content that does not start with <think> is returned as it is', () => {
    fc.assert(
      fc.property(answer, fc.option(fc.string()), (content, reasoning) => {
        const split = splitReasoning({ content, reasoning });
        expect(split.content).toBe(content);
        expect(split.reasoning).toBe(reasoning !== null && reasoning.trim() !== '' ? reasoning : null);
      }),
    );
  });

  test('a leading think block and an answer split back into the two', () => {
    fc.assert(
      fc.property(thought, answer, (reasoning, content) => {
        expect(splitReasoning({ content: `<think>${reasoning}</think>${content}` })).toEqual({ content: content.replace(/^\s+/, ''), reasoning: reasoning.trim() || null });
      }),
    );
  });

  test('splitting the content again finds no more reasoning in an answer that had none', () => {
    fc.assert(
      fc.property(thought, answer, (reasoning, content) => {
        const once = splitReasoning({ content: `<think>${reasoning}</think>\n${content}` });
        expect(splitReasoning({ content: once.content })).toEqual({ content: once.content, reasoning: null });
      }),
    );
  });
});
