import { afterEach, describe, expect, test } from 'vitest';
import { type FaultKind, type LlmServer, type LlmServerOptions, startLlmServer, truncateWords } from './llm-server.js';

const running: LlmServer[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((server) => server.close()));
});

async function start(options?: LlmServerOptions): Promise<LlmServer> {
  const server = await startLlmServer(options);
  running.push(server);
  return server;
}

const question = [{ role: 'user', content: 'What is 2 + 2?' }];

function ask(server: LlmServer, body: Record<string, unknown> = {}, init: RequestInit = {}): Promise<Response> {
  return fetch(`${server.url}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'test-model', messages: question, ...body }),
    ...init,
  });
}

/** The JSON body, untyped: these tests check shapes field by field. */
const read = (response: Response): Promise<any> => response.json();

async function askJson(server: LlmServer, body: Record<string, unknown> = {}): Promise<any> {
  const response = await ask(server, body);
  expect(response.status).toBe(200);
  return read(response);
}

describe('answers', () => {
  test('GET /v1/models lists the configured models in the OpenAI list shape', async () => {
    const server = await start({ models: ['alpha', 'beta'] });
    const body = await read(await fetch(`${server.url}/models`));
    expect(body).toMatchObject({ object: 'list', data: [{ id: 'alpha', object: 'model' }, { id: 'beta', object: 'model' }] });
    expect(server.requests).toBe(0);
  });

  test('a chat completion has the OpenAI shape, words as tokens, and the same request gets the same bytes', async () => {
    const server = await start();
    const first = await (await ask(server, { seed: 7 })).text();
    const second = await (await ask(server, { seed: 7 })).text();
    expect(second).toBe(first);
    const body = JSON.parse(first);
    expect(body).toMatchObject({
      object: 'chat.completion',
      created: 1_700_000_000,
      model: 'test-model',
      choices: [{ index: 0, message: { role: 'assistant', content: expect.stringMatching(/^Answer: \d+$/) }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 },
    });
    expect(body.id).toMatch(/^chatcmpl-/);
    expect(body.usage.cost).toBeUndefined();
    const otherSeed = await askJson(server, { seed: 8 });
    expect(otherSeed.choices[0].message.content).not.toBe(body.choices[0].message.content);
    expect(server.requests).toBe(3);
    expect(server.requestsByModel).toEqual({ 'test-model': 3 });
  });

  test('n gives that many distinct choices; ollama ignores n', async () => {
    const server = await start();
    const body = await askJson(server, { n: 4, seed: 1 });
    expect(body.choices.map((choice: any) => choice.index)).toEqual([0, 1, 2, 3]);
    expect(new Set(body.choices.map((choice: any) => choice.message.content)).size).toBeGreaterThan(1);
    expect(body.usage.completion_tokens).toBe(8);
    server.setOptions({ profile: 'ollama' });
    expect((await askJson(server, { n: 4 })).choices).toHaveLength(1);
  });

  test('max_tokens cuts the content at that many words and says "length"; max_completion_tokens too, except on ollama', async () => {
    const server = await start({ responder: () => 'one two  three four five' });
    const cut = await askJson(server, { max_tokens: 3 });
    expect(cut.choices[0]).toMatchObject({ message: { content: 'one two  three' }, finish_reason: 'length' });
    expect(cut.usage.completion_tokens).toBe(3);
    expect((await askJson(server, { max_tokens: 5 })).choices[0]).toMatchObject({ message: { content: 'one two  three four five' }, finish_reason: 'stop' });
    expect((await askJson(server, { max_completion_tokens: 2 })).choices[0].message.content).toBe('one two');
    server.setOptions({ profile: 'ollama' });
    expect((await askJson(server, { max_completion_tokens: 2 })).choices[0].finish_reason).toBe('stop');
  });

  test('the responder sees the request and choice index; its reasoning lands where the profile puts it', async () => {
    const seen: unknown[] = [];
    const server = await start({
      models: ['m'],
      profile: 'openrouter',
      prices: { m: { prompt: 0.001, completion: 0.01 } },
      responder: (request) => {
        seen.push({ seed: request.seed, temperature: request.temperature, index: request.index, n: request.n });
        return { content: 'Answer: 4', reasoning: 'two and two' };
      },
    });
    const openrouter = await askJson(server, { model: 'm', seed: 3, temperature: 0.5 });
    expect(seen).toEqual([{ seed: 3, temperature: 0.5, index: 0, n: 1 }]);
    expect(openrouter.id).toMatch(/^gen-/);
    expect(openrouter.choices[0].message).toEqual({ role: 'assistant', content: 'Answer: 4', reasoning: 'two and two' });
    expect(openrouter.usage.cost).toBeCloseTo(5 * 0.001 + 2 * 0.01, 12);
    server.setOptions({ profile: 'vllm' });
    expect((await askJson(server, { model: 'm' })).choices[0].message).toEqual({ role: 'assistant', content: 'Answer: 4', reasoning_content: 'two and two' });
    server.setOptions({ reasoningField: 'inline-think' });
    expect((await askJson(server, { model: 'm' })).choices[0].message).toEqual({ role: 'assistant', content: '<think>two and two</think>\n\nAnswer: 4' });
  });

  test('bad requests: stream, invalid JSON, a missing field, an unknown model, a prompt past the context length', async () => {
    const server = await start({ contextLength: 10 });
    const stream = await ask(server, { stream: true });
    expect(stream.status).toBe(400);
    expect((await read(stream)).error.message).toMatch(/stream/);
    expect((await fetch(`${server.url}/chat/completions`, { method: 'POST', body: '{"model":' })).status).toBe(400);
    const missing = await ask(server, { messages: undefined });
    expect(missing.status).toBe(400);
    expect((await read(missing)).error.param).toBe('messages');
    const unknown = await ask(server, { model: 'nope' });
    expect(unknown.status).toBe(404);
    expect((await read(unknown)).error.code).toBe('model_not_found');
    const long = await ask(server, { messages: [{ role: 'user', content: 'word '.repeat(11) }] });
    expect(long.status).toBe(400);
    expect((await read(long)).error.code).toBe('context_length_exceeded');
    expect((await fetch(`${server.url}/completions`, { method: 'POST', body: '{}' })).status).toBe(404);
    expect(server.requests).toBe(5);
  });

  test('strictParams rejects fields api.openai.com does not know', async () => {
    const server = await start({ strictParams: true });
    const response = await ask(server, { usage: { include: true } });
    expect(response.status).toBe(400);
    expect((await read(response)).error.message).toBe('Unrecognized request argument supplied: usage');
    expect((await ask(server, { top_p: 0.9, stop: ['\n'] })).status).toBe(200);
  });

  test('apiKey: a missing or wrong bearer token gets a 401', async () => {
    const server = await start({ apiKey: 'sk-test' });
    expect((await ask(server)).status).toBe(401);
    expect((await ask(server, {}, { headers: { 'content-type': 'application/json', authorization: 'Bearer wrong' } })).status).toBe(401);
    expect((await ask(server, {}, { headers: { 'content-type': 'application/json', authorization: 'Bearer sk-test' } })).status).toBe(200);
    expect((await fetch(`${server.url}/models`)).status).toBe(401);
    expect(server.requests).toBe(3);
  });

  test('truncateWords keeps the text up to the end of the last kept word', () => {
    expect(truncateWords(' a  b c ', 2)).toEqual({ text: ' a  b', cut: true });
    expect(truncateWords('a b ', 2)).toEqual({ text: 'a b', cut: false });
    expect(truncateWords('a', 0)).toEqual({ text: '', cut: true });
  });
});

const openRouterBody = (status: number) => ({ error: { code: status, message: expect.any(String) } });
const openAiBody = (code: string | null) => ({ error: { message: expect.any(String), type: expect.any(String), param: null, code } });

/** What each HTTP error fault looks like to a client (openai profile unless noted). */
const httpFaults: [FaultKind, number, unknown][] = [
  ['429-no-retry-after', 429, openAiBody('rate_limit_exceeded')],
  ['429-insufficient-quota', 429, openAiBody('insufficient_quota')],
  ['500', 500, openAiBody(null)],
  ['502', 502, openAiBody(null)],
  ['503', 503, openAiBody(null)],
  ['408', 408, openAiBody(null)],
  ['409', 409, openAiBody(null)],
  ['401', 401, openAiBody('invalid_api_key')],
  ['402', 402, openRouterBody(402)],
  ['403', 403, openAiBody('content_policy_violation')],
  ['404', 404, openAiBody('model_not_found')],
  ['error-in-200', 200, { error: { message: 'upstream provider error', code: 502 } }],
];

describe('faults, each seen with plain fetch; a scripted fault is used once, then answers are normal', () => {
  async function expectNormalAfter(server: LlmServer, kind: FaultKind): Promise<void> {
    expect((await ask(server)).status).toBe(200);
    expect(server.log.map((entry) => entry.fault)).toEqual([kind, null]);
  }

  test.each(httpFaults)('%s -> HTTP %i with the provider error body', async (kind, status, body) => {
    const server = await start({ script: [kind] });
    const response = await ask(server);
    expect(response.status).toBe(status);
    expect(await read(response)).toEqual(body);
    expect(server.log[0]!.status).toBe(status);
    await expectNormalAfter(server, kind);
  });

  test('429 carries Retry-After (retryAfterSeconds); 429-no-retry-after does not', async () => {
    const server = await start({ script: ['429', '429-no-retry-after'], retryAfterSeconds: 7 });
    const first = await ask(server);
    expect([first.status, first.headers.get('retry-after')]).toEqual([429, '7']);
    expect((await read(first)).error.code).toBe('rate_limit_exceeded');
    const second = await ask(server);
    expect([second.status, second.headers.get('retry-after')]).toEqual([429, null]);
  });

  test('400-context-length has the OpenAI body; under openrouter the error code is the status', async () => {
    const server = await start({ script: ['400-context-length', '400-context-length'] });
    const response = await ask(server);
    expect(response.status).toBe(400);
    const { error } = await read(response);
    expect(error).toMatchObject({ type: 'invalid_request_error', code: 'context_length_exceeded' });
    expect(error.message).toMatch(/^This model's maximum context length is \d+ tokens/);
    server.setOptions({ profile: 'openrouter' });
    expect(await read(await ask(server))).toEqual(openRouterBody(400));
  });

  test('empty-choices, finish-error and truncated are 200s a client must not take as answers', async () => {
    const server = await start({ script: ['empty-choices', 'finish-error', 'truncated'], responder: () => 'one two three four' });
    const empty = await askJson(server);
    expect(empty.choices).toEqual([]);
    expect(empty.usage.completion_tokens).toBe(0);
    expect((await askJson(server)).choices[0]).toMatchObject({ message: { content: 'one two' }, finish_reason: 'error' });
    const truncated = await askJson(server);
    expect(truncated.choices[0]).toMatchObject({ message: { content: 'one two' }, finish_reason: 'length' });
    expect(truncated.usage.completion_tokens).toBe(2);
    expect((await askJson(server)).choices[0]).toMatchObject({ message: { content: 'one two three four' }, finish_reason: 'stop' });
  });

  test('broken-body: a 200 whose body ends early with the connection', async () => {
    const server = await start({ script: ['broken-body'] });
    const response = await ask(server);
    expect(response.status).toBe(200);
    await expect(response.text()).rejects.toThrow();
    await expectNormalAfter(server, 'broken-body');
  });

  test('invalid-json: a complete 200 whose body does not parse', async () => {
    const server = await start({ script: ['invalid-json'] });
    const text = await (await ask(server)).text();
    expect(text.startsWith('{"id":"chatcmpl-')).toBe(true);
    expect(() => JSON.parse(text)).toThrow();
    await expectNormalAfter(server, 'invalid-json');
  });

  test('reset: the socket closes without a response', async () => {
    const server = await start({ script: ['reset'] });
    await expect(ask(server)).rejects.toThrow();
    expect(server.log[0]).toMatchObject({ fault: 'reset', status: null });
    await expectNormalAfter(server, 'reset');
  });

  test('slow: slowMs before the headers, then a normal answer', async () => {
    const server = await start({ script: ['slow'], slowMs: 300 });
    const started = performance.now();
    expect((await ask(server)).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
    await expectNormalAfter(server, 'slow');
  });

  test('hang: no answer until the client gives up', async () => {
    const server = await start({ script: ['hang'] });
    await expect(ask(server, {}, { signal: AbortSignal.timeout(300) })).rejects.toThrow(/aborted|timeout/i);
    expect(server.log[0]).toMatchObject({ fault: 'hang', status: null });
    await expectNormalAfter(server, 'hang');
  });

  test('script entries are used in order, null answers normally, and a new script replaces the rest', async () => {
    const server = await start({ script: ['500', null, '503', '502'] });
    const statuses = [];
    for (let index = 0; index < 3; index += 1) statuses.push((await ask(server)).status);
    expect(statuses).toEqual([500, 200, 503]);
    server.setOptions({ script: ['408'] });
    expect((await ask(server)).status).toBe(408);
    expect((await ask(server)).status).toBe(200);
    expect(server.requests).toBe(5);
  });

  test('a fault rate is met over 1000 requests, and the same seed draws the same faults after reset()', async () => {
    const server = await start({ faults: { rate: 0.1, kinds: ['429', '500'] }, faultSeed: 42 });
    const run = async () => {
      for (let batch = 0; batch < 1000; batch += 50) {
        const responses = await Promise.all(Array.from({ length: 50 }, () => ask(server)));
        await Promise.all(responses.map((response) => response.arrayBuffer()));
      }
      return server.log.map((entry) => entry.fault);
    };
    const faults = await run();
    const faulted = faults.filter((fault) => fault !== null);
    expect(faulted.length).toBeGreaterThan(60);
    expect(faulted.length).toBeLessThan(140);
    expect(faulted.filter((fault) => fault === '429').length).toBeGreaterThan(20);
    expect(faulted.filter((fault) => fault === '500').length).toBeGreaterThan(20);
    expect(server.requests).toBe(1000);
    server.reset();
    expect(server.requests).toBe(0);
    const again = await run();
    // Arrival order under concurrency can swap which request got which draw, but the draws are the same.
    expect(again.filter((fault) => fault !== null).length).toBe(faulted.length);
  });

  test('faultsByModel makes one model always fail while the others answer', async () => {
    const server = await start({ models: ['good', 'bad'], faultsByModel: { bad: { rate: 1, kinds: ['503'] } } });
    for (let index = 0; index < 5; index += 1) {
      expect((await ask(server, { model: 'bad' })).status).toBe(503);
      expect((await ask(server, { model: 'good' })).status).toBe(200);
    }
    expect(server.requestsByModel).toEqual({ good: 5, bad: 5 });
  });
});

describe('latency, log and lifecycle', () => {
  test('64 parallel requests with 200 ms latency each wait the latency and all finish well under 2 s', async () => {
    const server = await start({ latencyMs: 200 });
    const started = performance.now();
    const responses = await Promise.all(Array.from({ length: 64 }, (_, index) => ask(server, { seed: index })));
    await Promise.all(responses.map((response) => response.json()));
    const elapsed = performance.now() - started;
    expect(responses.every((response) => response.status === 200)).toBe(true);
    expect(elapsed).toBeGreaterThanOrEqual(195);
    expect(elapsed).toBeLessThan(2000);
    expect(server.log.every((entry) => entry.durationMs! >= 195)).toBe(true);
  });

  test('latencyMs [min, max] draws each delay within the range, the same draws after reset()', async () => {
    const server = await start({ latencyMs: [50, 450], faultSeed: 3 });
    const durations = async () => {
      for (let index = 0; index < 6; index += 1) await (await ask(server)).arrayBuffer();
      return server.log.map((entry) => entry.durationMs!);
    };
    const first = await durations();
    expect(first.every((ms) => ms >= 49)).toBe(true);
    expect(Math.max(...first) - Math.min(...first)).toBeGreaterThan(50);
    server.reset();
    const second = await durations();
    // Timers run late on a busy machine, never early: a wide band still tells equal draws from a fresh 400 ms range.
    second.forEach((ms, index) => expect(Math.abs(ms - first[index]!)).toBeLessThan(100));
  });

  test('the log records method, path, model, body, status and fault; logLimit keeps the last entries; keepLog off keeps none', async () => {
    const server = await start({ logLimit: 3, script: ['500'] });
    await (await ask(server, { seed: 0 })).arrayBuffer();
    for (let index = 1; index < 5; index += 1) await (await ask(server, { seed: index })).arrayBuffer();
    expect(server.log.map((entry) => (entry.body as { seed: number }).seed)).toEqual([2, 3, 4]);
    expect(server.log[2]).toMatchObject({ method: 'POST', path: '/v1/chat/completions', model: 'test-model', status: 200, fault: null });
    expect(server.log[2]!.time).toBeGreaterThan(Date.now() - 60_000);
    server.reset();
    server.setOptions({ keepLog: false });
    await (await ask(server)).arrayBuffer();
    expect(server.log).toEqual([]);
    expect(server.requests).toBe(1);
  });

  test('bad options are refused with the option named', async () => {
    await expect(startLlmServer({ faults: { rate: 2, kinds: ['500'] } })).rejects.toThrow(/option "faults.rate"/);
    const server = await start();
    expect(() => server.setOptions({ latencyMs: [300, 100] })).toThrow(/latencyMs/);
    expect(() => server.setOptions({ latency: 5 } as never)).toThrow(/latency/);
    expect((await ask(server)).status).toBe(200);
  });

  test('close() ends a hanging request promptly', async () => {
    const server = await startLlmServer({ script: ['hang', 'hang'] });
    const pending = [ask(server), ask(server, { seed: 1 })];
    const settled = pending.map((request) => request.then(() => 'answered', () => 'failed'));
    while (server.requests < 2) await new Promise((resolve) => setTimeout(resolve, 10));
    const started = performance.now();
    await server.close();
    expect(performance.now() - started).toBeLessThan(500);
    expect(await Promise.all(settled)).toEqual(['failed', 'failed']);
    await server.close();
  });

  test('close() also drops requests still waiting out their latency', async () => {
    const server = await startLlmServer({ latencyMs: 60_000 });
    const settled = ask(server).then(() => 'answered', () => 'failed');
    while (server.requests < 1) await new Promise((resolve) => setTimeout(resolve, 10));
    const started = performance.now();
    await server.close();
    expect(performance.now() - started).toBeLessThan(500);
    expect(await settled).toBe('failed');
  });
});
