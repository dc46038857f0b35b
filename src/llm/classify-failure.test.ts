import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import { describe, expect, test } from 'vitest';
import { classifyBody, classifyError, retryAfterMs } from './classify-failure.js';

const apiError = (status: number, body: Record<string, unknown>, headers: Record<string, string> = {}) => APIError.generate(status, body, undefined, new Headers(headers));

describe('classifyError', () => {
  test.each([
    [429, {}, { 'retry-after': '7' }, 'rate-limit', 7000],
    [429, {}, {}, 'rate-limit', undefined],
    [429, { message: 'You exceeded your current quota', code: 'insufficient_quota' }, {}, 'quota', undefined],
    [402, { message: 'Insufficient credits' }, {}, 'quota', undefined],
    [400, { message: "This model's maximum context length is 8192 tokens", code: 'context_length_exceeded' }, {}, 'context-length', undefined],
    [400, { message: 'bad param' }, {}, 'permanent', undefined],
    [401, { message: 'no key' }, {}, 'permanent', undefined],
    [403, { message: 'flagged' }, {}, 'permanent', undefined],
    [404, { message: 'no such model' }, {}, 'permanent', undefined],
    [408, {}, {}, 'retry', undefined],
    [409, {}, {}, 'retry', undefined],
    [500, {}, {}, 'retry', undefined],
    [503, {}, { 'retry-after': '2' }, 'retry', 2000],
  ] as const)('HTTP %i %j %j is %s', (status, body, headers, kind, wait) => {
    const failure = classifyError(apiError(status, { error: body }, headers));
    expect(failure.kind).toBe(kind);
    expect(failure.code).toBe(`http-${status}`);
    expect(failure.retryAfterMs).toBe(wait);
  });

  test('network, timeout, abort and anything else', () => {
    expect(classifyError(new APIConnectionError({ cause: new Error('ECONNRESET') }))).toMatchObject({ kind: 'retry', code: 'network', message: 'ECONNRESET' });
    expect(classifyError(new APIConnectionTimeoutError())).toMatchObject({ kind: 'retry', code: 'timeout' });
    expect(classifyError(new APIUserAbortError())).toMatchObject({ kind: 'aborted' });
    expect(classifyError(new SyntaxError('Unexpected end of JSON input'))).toMatchObject({ kind: 'retry', code: 'bad-response' });
  });
});

describe('classifyBody', () => {
  const ok = { choices: [{ index: 0, message: { role: 'assistant', content: 'hi' }, finish_reason: 'stop' }] };
  test('a normal body is fine; length is not a failure', () => {
    expect(classifyBody(ok)).toBeUndefined();
    expect(classifyBody({ choices: [{ ...ok.choices[0], finish_reason: 'length' }] })).toBeUndefined();
  });
  test('failures hidden in a 200', () => {
    expect(classifyBody({ error: { message: 'upstream provider error', code: 502 } })).toMatchObject({ kind: 'retry', code: 'error-in-200' });
    expect(classifyBody({ error: { message: 'Insufficient credits', code: 402 } })).toMatchObject({ kind: 'quota', code: 'error-in-200' });
    expect(classifyBody({ error: { message: 'bad request', code: 400 } })).toMatchObject({ kind: 'permanent' });
    expect(classifyBody({ error: 'something' })).toMatchObject({ kind: 'retry', code: 'error-in-200' });
    expect(classifyBody({ choices: [] })).toMatchObject({ kind: 'retry', code: 'empty-choices' });
    expect(classifyBody({})).toMatchObject({ code: 'empty-choices' });
    expect(classifyBody({ choices: [{ ...ok.choices[0], finish_reason: 'error' }] })).toMatchObject({ kind: 'retry', code: 'finish-error' });
    expect(classifyBody('not json')).toMatchObject({ code: 'bad-response' });
  });
});

test('Retry-After as seconds or as an HTTP date', () => {
  expect(retryAfterMs('3')).toBe(3000);
  expect(retryAfterMs('0.5')).toBe(500);
  expect(retryAfterMs(new Date(10_000).toUTCString(), 4_000)).toBe(6_000);
  expect(retryAfterMs('soon')).toBeUndefined();
  expect(retryAfterMs(null)).toBeUndefined();
});
