import { describe, expect, test } from 'vitest';
import { defaultResponder } from '../../test/helpers/llm-server.js';
import { useLocalLlm } from '../../test/helpers/local-llm.js';
import { CacheMissError } from '../core/errors.js';
import { ModelConfig } from '../core/schemas/run-config.js';
import { BudgetExceededError, createBudget, type Price } from './budget.js';
import { type CacheMode, cacheKey } from './cache.js';
import { createCompletionCaller, type ModelTarget, type SampleTiming, sampleCacheKey } from './cached-completions.js';
import { LlmRequestError } from './chat-client.js';
import type { EndpointProfile } from './profiles.js';

const local = useLocalLlm('cached-completions', { models: ['m1', 'm2'] }, { models: ['m1', 'm2'], profile: 'openai', script: [], prices: {} });

const messages = [{ role: 'user' as const, content: 'What is 2 + 2?' }];

function target(model = 'm1', options: { profile?: EndpointProfile; price?: Price; temperature?: number } = {}): ModelTarget {
  const client = local.client(options.profile);
  return {
    config: ModelConfig.parse({ id: model, endpoint: 'local', temperature: options.temperature ?? 0.5, max_tokens: 64 }),
    client,
    baseURL: local.server.url,
    ...(options.price === undefined ? {} : { price: options.price }),
  };
}

function caller(options: { mode?: CacheMode; path?: string; maxUsd?: number } = {}) {
  const cache = local.cache({ ...(options.path === undefined ? {} : { path: options.path }), ...(options.mode === undefined ? {} : { mode: options.mode }) });
  const budget = createBudget(options.maxUsd);
  const spends: number[] = [];
  const timings: SampleTiming[] = [];
  const completions = createCompletionCaller({ cache, budget, concurrency: 4, onSpend: (usd) => spends.push(usd), onTiming: (timing) => timings.push(timing) });
  return { completions, cache, budget, spends, timings };
}

/** What the server answers for sample `index` of a request with `seed`. */
const served = (model: string, seed: number, index: number) => defaultResponder({ model, messages, n: 1, seed, max_tokens: 64, temperature: 0.5, index });

/** (seed, n) of every chat request the server saw, in arrival order. */
const requestsSeen = () => local.server.log.map((entry) => [(entry.body as { seed?: number }).seed, (entry.body as { n?: number }).n ?? 1]);

describe('sample i uses seed + i', () => {
  test('consecutive samples go in one request with n and the seed of the first; each sample keeps its index', async () => {
    const { completions } = caller();
    const samples = await completions.samples(target(), messages, 100, [2, 0, 1]);
    expect(requestsSeen()).toEqual([[100, 3]]);
    expect(samples.map((sample) => [sample.index, sample.model, sample.response.content])).toEqual([0, 1, 2].map((index) => [index, 'm1', served('m1', 100, index)]));
    expect(samples[0]!.response).toMatchObject({ finishReason: 'stop', model: 'm1', reasoning: null });
  });

  test('a gap splits the request, and the later run is sent with seed + its first index', async () => {
    const { completions } = caller();
    const samples = await completions.samples(target(), messages, 100, [0, 2, 3]);
    expect(samples.map((sample) => sample.index)).toEqual([0, 2, 3]);
    expect(requestsSeen().sort()).toEqual([
      [100, 1],
      [102, 2],
    ]);
  });

  test('where the endpoint has no n, every sample is its own request with seed + i, the same as asking for it alone', async () => {
    local.server.setOptions({ profile: 'openrouter' });
    const batched = await caller().completions.samples(target('m1', { profile: 'openrouter' }), messages, 7, [0, 1, 2]);
    expect(requestsSeen()).toEqual([
      [7, 1],
      [8, 1],
      [9, 1],
    ]);
    const alone = [];
    for (const index of [0, 1, 2]) alone.push(...(await caller().completions.samples(target('m1', { profile: 'openrouter' }), messages, 7, [index])));
    expect(alone.map((sample) => sample.response)).toEqual(batched.map((sample) => sample.response));
    expect(new Set(batched.map((sample) => sample.response.content)).size).toBeGreaterThan(1);
  });

  test('the cache key is that of (endpoint, model, parameters, messages, index) with seed + index', () => {
    const model = target();
    expect(sampleCacheKey(model, messages, 10, 3)).toBe(
      cacheKey({ endpoint: local.server.url, model: 'm1', params: { temperature: 0.5, max_tokens: 64, top_p: undefined, seed: 13 }, messages, sampleIndex: 3 }),
    );
    const keys = [
      sampleCacheKey(model, messages, 10, 3),
      sampleCacheKey(model, messages, 11, 3),
      sampleCacheKey(model, messages, 10, 4),
      sampleCacheKey(model, [{ role: 'user', content: 'What is 2 + 3?' }], 10, 3),
      sampleCacheKey(target('m2'), messages, 10, 3),
      sampleCacheKey(target('m1', { temperature: 0 }), messages, 10, 3),
      sampleCacheKey({ ...model, baseURL: 'http://127.0.0.1:1/v1' }, messages, 10, 3),
    ];
    expect(new Set(keys).size).toBe(keys.length);
  });
});

describe('the cache', () => {
  test('a repeated call is answered from the cache without a request, with the same samples', async () => {
    const { completions, timings } = caller();
    const model = target();
    const first = await completions.samples(model, messages, 5, [0, 1]);
    expect(local.server.requests).toBe(1);
    const again = await completions.samples(model, messages, 5, [0, 1]);
    expect(local.server.requests).toBe(1);
    expect(again).toEqual(first);
    expect(timings.map((timing) => [timing.index, timing.cached, timing.paidUsd])).toEqual([
      [0, false, 0],
      [1, false, 0],
      [0, true, 0],
      [1, true, 0],
    ]);
    expect(timings[0]!.latencyMs).toBeGreaterThanOrEqual(0);
    expect(timings[2]!.latencyMs).toBeNull();
  });

  test('only the samples the cache lacks are bought', async () => {
    const { completions } = caller();
    const model = target();
    const first = await completions.samples(model, messages, 5, [0, 1]);
    const more = await completions.samples(model, messages, 5, [0, 1, 2, 3]);
    expect(requestsSeen()).toEqual([
      [5, 2],
      [7, 2],
    ]);
    expect(more.slice(0, 2)).toEqual(first);
    expect(more.map((sample) => sample.index)).toEqual([0, 1, 2, 3]);
  });

  test('another seed, prompt or model is another sample', async () => {
    const { completions } = caller();
    await completions.samples(target(), messages, 5, [0]);
    await completions.samples(target(), messages, 6, [0]);
    await completions.samples(target(), [{ role: 'user', content: 'What is 3 + 3?' }], 5, [0]);
    await completions.samples(target('m2'), messages, 5, [0]);
    expect(local.server.requests).toBe(4);
  });

  test('a second run on the same cache file makes no request; replay reads it and a replay miss asks nobody', async () => {
    const path = local.cachePath();
    const firstRun = caller({ path });
    const first = await firstRun.completions.samples(target(), messages, 1, [0, 1, 2]);
    firstRun.cache.close();
    const secondRun = caller({ path });
    const rerun = await secondRun.completions.samples(target(), messages, 1, [0, 1, 2]);
    secondRun.cache.close();
    const replay = caller({ path, mode: 'replay' });
    expect(await replay.completions.samples(target(), messages, 1, [0, 1, 2])).toEqual(first);
    expect(rerun).toEqual(first);
    expect(local.server.requests).toBe(1);
    await expect(replay.completions.samples(target(), messages, 1, [3])).rejects.toBeInstanceOf(CacheMissError);
    expect(local.server.requests).toBe(1);
  });

  test('with the cache off every call is a request', async () => {
    const { completions } = caller({ mode: 'off' });
    await completions.samples(target(), messages, 1, [0]);
    await completions.samples(target(), messages, 1, [0]);
    expect(local.server.requests).toBe(2);
  });
});

describe('cost and budget', () => {
  const price: Price = { promptUsdPerToken: 0.001, completionUsdPerToken: 0.002 };

  test('a bought sample costs its tokens at the price, is told to onSpend at once, and a cache hit reports it but pays nothing', async () => {
    const { completions, budget, spends } = caller();
    const model = target('m1', { price });
    const [sample] = await completions.samples(model, messages, 1, [0]);
    const expected = sample!.response.usage.promptTokens * 0.001 + sample!.response.usage.completionTokens * 0.002;
    expect(sample!.response.usage.promptTokens).toBeGreaterThan(0);
    expect(sample).toMatchObject({ costSource: 'price-table' });
    expect(sample!.costUsd).toBeCloseTo(expected, 12);
    expect(spends).toEqual([sample!.costUsd]);
    expect(budget.spentUsd).toBeCloseTo(expected, 12);
    expect(budget.reservedUsd).toBe(0);

    const [hit] = await completions.samples(model, messages, 1, [0]);
    expect(hit).toEqual(sample);
    expect(spends).toHaveLength(1);
    expect(budget.spentUsd).toBeCloseTo(expected, 12);
  });

  test('the provider’s own cost figure wins over the price table', async () => {
    local.server.setOptions({ profile: 'openrouter', prices: { m1: { prompt: 0.01, completion: 0.01 } } });
    const [sample] = await caller().completions.samples(target('m1', { profile: 'openrouter', price }), messages, 1, [0]);
    expect(sample!.costSource).toBe('provider');
    expect(sample!.costUsd).toBeCloseTo((sample!.response.usage.promptTokens + sample!.response.usage.completionTokens) * 0.01, 12);
  });

  test('a request that might not fit in the budget is never sent', async () => {
    const { completions, budget } = caller({ maxUsd: 0.01 });
    await expect(completions.samples(target('m1', { price }), messages, 1, [0])).rejects.toBeInstanceOf(BudgetExceededError);
    expect(local.server.requests).toBe(0);
    expect(budget.reservedUsd).toBe(0);
  });

  test('a failed request gives its reservation back and caches nothing', async () => {
    const { completions, budget } = caller({ maxUsd: 100 });
    const unknown = target('m3', { price });
    const error = await completions.samples(unknown, messages, 1, [0]).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(LlmRequestError);
    expect((error as LlmRequestError).failure.status).toBe(404);
    expect(budget).toMatchObject({ spentUsd: 0, reservedUsd: 0 });
    local.server.setOptions({ models: ['m1', 'm2', 'm3'] });
    await completions.samples(unknown, messages, 1, [0]);
    expect(local.server.requests).toBe(2);
  });
});
