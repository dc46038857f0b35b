import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type LlmServer, startLlmServer } from '../../test/helpers/llm-server.js';
import { createChatClient, LlmRequestError } from './chat-client.js';
import type { EndpointProfile } from './profiles.js';

const fast = { maxAttempts: 6, backoff: { baseMs: 5, maxMs: 50 } };
const ask = (content: string) => [{ role: 'user' as const, content }];

let server: LlmServer;
beforeAll(async () => {
  server = await startLlmServer({ models: ['m1', 'm2'], retryAfterSeconds: 0.2, slowMs: 3000 });
});
afterAll(() => server.close());

function client(profile: EndpointProfile = 'openai', options: Parameters<typeof createChatClient>[1] = fast) {
  return createChatClient({ name: 'local', baseURL: server.url, profile }, options);
}

describe('one request', () => {
  test('a completion comes back normalised, over real HTTP', async () => {
    server.setOptions({ profile: 'openai', script: [] });
    server.reset();
    const result = await client().complete({ model: 'm1', messages: ask('What is 2+2?'), seed: 1, maxTokens: 50 });
    expect(result.requests).toBe(1);
    expect(server.requests).toBe(1);
    expect(result.completions).toHaveLength(1);
    expect(result.completions[0]).toMatchObject({ finishReason: 'stop', truncated: false, model: 'm1' });
    expect(result.completions[0]!.content.length).toBeGreaterThan(0);
    expect(server.log.at(-1)!.body).toMatchObject({ model: 'm1', seed: 1, max_completion_tokens: 50 });
  });

  test('n: one request where the profile has n, one request per sample with distinct seeds where it has not', async () => {
    server.setOptions({ profile: 'openai' });
    server.reset();
    const withN = await client('openai').complete({ model: 'm1', messages: ask('q'), n: 3, seed: 10 });
    expect(withN.completions).toHaveLength(3);
    expect(server.requests).toBe(1);
    server.setOptions({ profile: 'openrouter' });
    server.reset();
    const fanned = await client('openrouter').complete({ model: 'm1', messages: ask('q'), n: 3, seed: 10 });
    expect(fanned.completions).toHaveLength(3);
    expect(server.requests).toBe(3);
    expect(server.log.map((entry) => (entry.body as { seed: number }).seed)).toEqual([10, 11, 12]);
    expect(server.log[0]!.body).toMatchObject({ usage: { include: true }, provider: { require_parameters: true } });
  });

  test('an endpoint that ignores n is topped up with single requests', async () => {
    server.setOptions({ profile: 'ollama' });
    server.reset();
    const result = await client('openai').complete({ model: 'm1', messages: ask('q'), n: 3, seed: 5 });
    expect(result.completions).toHaveLength(3);
    expect(server.requests).toBe(3);
  });

  test('reasoning is kept apart, provider cost is read, truncation is flagged and kept', async () => {
    server.setOptions({ profile: 'openrouter', prices: { m1: { prompt: 0.000001, completion: 0.000002 } }, responder: () => ({ content: 'The answer is 4.', reasoning: 'two and two' }) });
    server.reset();
    const result = await client('openrouter').complete({ model: 'm1', messages: ask('q') });
    expect(result.completions[0]).toMatchObject({ content: 'The answer is 4.', reasoning: 'two and two' });
    expect(result.completions[0]!.providerCostUsd).toBeGreaterThan(0);
    server.setOptions({ profile: 'vllm', responder: () => ({ content: 'one two three four five six', reasoning: 'r' }) });
    const cut = await client('vllm').complete({ model: 'm1', messages: ask('q'), maxTokens: 3 });
    expect(cut.completions[0]).toMatchObject({ truncated: true, finishReason: 'length', reasoning: 'r' });
    server.setOptions({ profile: 'openai', responder: undefined, prices: {} });
  });
});

describe('failure policy', () => {
  test.each(['429', '429-no-retry-after', '500', '502', '503', '408', 'broken-body', 'error-in-200', 'empty-choices', 'finish-error', 'reset'] as const)(
    'a transient %s is retried and the request succeeds',
    async (fault) => {
      server.setOptions({ profile: 'openai', script: [fault] });
      server.reset();
      const seen: string[] = [];
      const result = await client('openai', { ...fast, onRetry: (failure) => seen.push(failure.code) }).complete({ model: 'm1', messages: ask('q') });
      expect(result.completions).toHaveLength(1);
      expect(result.requests).toBe(2);
      expect(server.requests).toBe(2);
      expect(seen).toHaveLength(1);
    },
  );

  test('Retry-After is honoured', async () => {
    server.setOptions({ script: ['429'], retryAfterSeconds: 0.3 });
    server.reset();
    const started = performance.now();
    await client().complete({ model: 'm1', messages: ask('q') });
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
  });

  test.each([
    ['401', 'permanent', 'INFRASTRUCTURE'],
    ['404', 'permanent', 'INFRASTRUCTURE'],
    ['400-context-length', 'context-length', 'INFRASTRUCTURE'],
    ['402', 'quota', 'BUDGET_EXCEEDED'],
  ] as const)('%s is not retried: %s', async (fault, kind, code) => {
    server.setOptions({ script: [fault] });
    server.reset();
    const error = await client()
      .complete({ model: 'm1', messages: ask('q') })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(LlmRequestError);
    expect((error as LlmRequestError).failure.kind).toBe(kind);
    expect((error as LlmRequestError).code).toBe(code);
    expect(server.requests).toBe(1);
  });

  test('a model that keeps failing gives up after the last attempt, naming the failure', async () => {
    server.setOptions({ script: [], faultsByModel: { m2: { rate: 1, kinds: ['500'] } } });
    server.reset();
    const error = (await client('openai', { ...fast, maxAttempts: 3 })
      .complete({ model: 'm2', messages: ask('q') })
      .catch((caught: unknown) => caught)) as LlmRequestError;
    expect(error.message).toMatch(/local m2: http-500: .*\(after 3 attempts\)/);
    expect(server.requestsByModel.m2).toBe(3);
    server.setOptions({ faultsByModel: {} });
  });

  test('a request that hangs past the timeout is retried', async () => {
    server.setOptions({ script: ['hang'] });
    server.reset();
    const result = await client('openai', { ...fast, timeoutMs: 500 }).complete({ model: 'm1', messages: ask('q') });
    expect(result.requests).toBe(2);
  });

  test('with 10% of requests failing (429s and 500s), 300 requests at concurrency 16 all complete', async () => {
    server.setOptions({ script: [], faults: { rate: 0.1, kinds: ['429', '500'] }, retryAfterSeconds: 0.05, latencyMs: [5, 20] });
    server.reset();
    const chat = client('openai', { ...fast, maxAttempts: 10 });
    let next = 0;
    let done = 0;
    let retries = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (next < 300) {
          const index = next++;
          const result = await chat.complete({ model: 'm1', messages: ask(`question ${index}`) });
          retries += result.retried.length;
          done += result.completions.length;
        }
      }),
    );
    expect(done).toBe(300);
    expect(retries).toBeGreaterThan(0);
    expect(server.requests).toBe(300 + retries);
    server.setOptions({ faults: undefined, latencyMs: 0 });
  });

  test('models lists the endpoint', async () => {
    expect(await client().models()).toEqual(['m1', 'm2']);
  });
});

test('a Retry-After longer than worth waiting fails the request at once, saying how long', async () => {
  server.setOptions({ script: ['429'], retryAfterSeconds: 3600 });
  server.reset();
  const error = (await client('openai', { ...fast, maxRetryAfterMs: 60_000 })
    .complete({ model: 'm1', messages: ask('q') })
    .catch((caught: unknown) => caught)) as LlmRequestError;
  expect(error).toBeInstanceOf(LlmRequestError);
  expect(error.message).toContain('the server asks to wait 3600 s');
  expect(server.requests).toBe(1);
  server.setOptions({ retryAfterSeconds: 0.2 });
});
