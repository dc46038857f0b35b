import { expect, test } from 'vitest';
import { fieldAppender } from './line-output.js';
import { leadingId } from './raw-lines.js';

test('fields are appended keeping the line\'s bytes, or replaced in place when already there', () => {
  const append = fieldAppender(['cluster', 'score']);
  expect(append('{"id": "a",  "n": 1.50}', ['a', 0.5])).toBe('{"id": "a",  "n": 1.50,"cluster":"a","score":0.5}\n');
  expect(append('{ }', [null, true])).toBe('{"cluster":null,"score":true}\n');
  expect(append('{"score":1,"id":"a","cluster":"old"}  ', ['new', 2])).toBe('{"score":2,"id":"a","cluster":"new"}\n');
  // A field name inside a value only costs a parse; the result is the same record.
  expect(JSON.parse(append('{"prompt":"what is \\"cluster\\"?"}', ['c', 1]))).toEqual({ prompt: 'what is "cluster"?', cluster: 'c', score: 1 });
});

test('a leading id is read without parsing; anything else is left to the parser', () => {
  expect(leadingId('{"id":"d4f3c0d286f7d18b","prompt":"x"}')).toBe('d4f3c0d286f7d18b');
  expect(leadingId('{ "id" : 42 , "prompt":"x"}')).toBe('42');
  expect(leadingId('{"id":1.50}')).toBe('1.5');
  expect(leadingId('{"id":"a\\"b"}')).toBeUndefined(); // escapes: parse
  expect(leadingId('{"id":""}')).toBeUndefined();
  expect(leadingId('{"prompt":"x","id":"a"}')).toBeUndefined();
  expect(leadingId('{"id":1e3}')).toBeUndefined();
});
