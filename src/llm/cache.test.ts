import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { CacheMissError, VeridataError } from '../core/errors.js';
import { type CacheRequest, type CachedResponse, CacheUnreadableError, cacheKey, openResponseCache } from './cache.js';

const cacheModule = fileURLToPath(new URL('./cache.ts', import.meta.url));
let directory: string;
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'veridata-cache-'));
});
afterEach(() => rmSync(directory, { recursive: true, force: true }));

const request: CacheRequest = {
  endpoint: 'http://127.0.0.1:8000/v1',
  model: 'qwen3-8b',
  params: { temperature: 0.7, max_tokens: 512, top_p: 0.95, seed: 7, stop: ['</answer>'] },
  messages: [{ role: 'user', content: 'What is 2 + 2?' }],
  sampleIndex: 0,
};

const response = (content: string): CachedResponse => ({
  content,
  reasoning: null,
  finishReason: 'stop',
  model: 'qwen/qwen3-8b',
  usage: { promptTokens: 12, completionTokens: 3, costUsd: 0.00001 },
});

const shuffled = <T>(items: readonly T[], order: readonly number[]): T[] =>
  items.map((item, index) => ({ item, rank: order[index] ?? 0 })).sort((a, b) => a.rank - b.rank).map((entry) => entry.item);

const jsonValue = fc.jsonValue({ maxDepth: 3 }).filter((value) => !Object.is(value, -0));
const requestArbitrary: fc.Arbitrary<CacheRequest> = fc.record({
  endpoint: fc.webUrl(),
  model: fc.string({ minLength: 1 }),
  params: fc.dictionary(fc.string({ minLength: 1 }).filter((name) => !/^(api[-_]?key|authorization|headers?|n|__proto__)$/i.test(name)), jsonValue, { maxKeys: 6 }),
  messages: fc.array(fc.record({ role: fc.constantFrom('system', 'user', 'assistant'), content: fc.string() }), { maxLength: 4 }),
  sampleIndex: fc.nat({ max: 1000 }),
});

test('the key does not depend on key order, at any depth, nor on undefined fields', () => {
  fc.assert(
    fc.property(requestArbitrary, fc.array(fc.nat(), { minLength: 8, maxLength: 8 }), (original, order) => {
      const params = Object.fromEntries(shuffled(Object.entries(original.params), order));
      const messages = original.messages.map((message) => Object.fromEntries(shuffled(Object.entries(message as object), order)));
      const reordered = { sampleIndex: original.sampleIndex, messages, params: { ...params, unset: undefined }, model: original.model, endpoint: original.endpoint };
      expect(cacheKey(reordered)).toBe(cacheKey(original));
    }),
  );
  // Pinned: changing the scheme turns every existing cache into misses, so it must be a deliberate change. The same
  // digest comes from Python: sha256(b'veridata-cache-key/1\n' + json.dumps(r, sort_keys=True, separators=(',', ':'), ensure_ascii=False)).
  expect(cacheKey(request)).toMatchInlineSnapshot(`"d75bb92e2cbb6ebaadd44cff7ff5bf24595d2079304b781048ee3fbf25e9d2b3"`);
  expect(cacheKey(request)).toMatch(/^[0-9a-f]{64}$/);
});

test('any change to endpoint, model, params, messages or sample index changes the key', () => {
  const mutation = fc.oneof(
    fc.string().map((suffix) => (r: CacheRequest): CacheRequest => ({ ...r, endpoint: `${r.endpoint}/${suffix}` })),
    fc.string({ minLength: 1 }).map((suffix) => (r: CacheRequest): CacheRequest => ({ ...r, model: r.model + suffix })),
    fc.integer({ min: 1, max: 100 }).map((step) => (r: CacheRequest): CacheRequest => ({ ...r, sampleIndex: r.sampleIndex + step })),
    fc.string().map((content) => (r: CacheRequest): CacheRequest => ({ ...r, messages: [...r.messages, { role: 'user', content }] })),
    fc.double({ noNaN: true, noDefaultInfinity: true }).map((temperature) => (r: CacheRequest): CacheRequest => ({ ...r, params: { ...r.params, temperature: r.params.temperature === temperature ? temperature + 1 : temperature } })),
    fc.constant((r: CacheRequest): CacheRequest => ({ ...r, params: { ...r.params, seed: typeof r.params.seed === 'number' ? r.params.seed + 1 : 1 } })),
  );
  fc.assert(
    fc.property(requestArbitrary, mutation, (original, mutate) => {
      expect(cacheKey(mutate(original))).not.toBe(cacheKey(original));
    }),
  );
  expect(cacheKey({ ...request, params: { ...request.params, temperature: 0.8 } })).not.toBe(cacheKey(request));
  expect(cacheKey({ ...request, params: { ...request.params, stop: ['</think>'] } })).not.toBe(cacheKey(request));
  expect(cacheKey({ ...request, messages: [{ role: 'system', content: 'What is 2 + 2?' }] })).not.toBe(cacheKey(request));
  // A value and a string spelling it are different requests.
  expect(cacheKey({ ...request, params: { seed: 1 } })).not.toBe(cacheKey({ ...request, params: { seed: '1' } }));
});

test('credentials, headers, n and values JSON cannot represent are refused as caller bugs', () => {
  expect(() => cacheKey({ ...request, params: { apiKey: 'sk-1' } })).toThrow('must not hold "apiKey"');
  expect(() => cacheKey({ ...request, params: { headers: {} } })).toThrow('must not hold "headers"');
  expect(() => cacheKey({ ...request, params: { n: 3 } })).toThrow('must not hold "n"');
  expect(() => cacheKey({ ...request, params: { temperature: Number.NaN } })).toThrow('no JSON form');
  expect(() => cacheKey({ ...request, params: { when: new Date(0) } })).toThrow('a Date has no canonical JSON form');
  expect(() => cacheKey({ ...request, sampleIndex: -1 })).toThrow('bad sampleIndex');
});

test('a stored response comes back equal, from the same and from a reopened cache, without stray fields', () => {
  const path = join(directory, 'nested', 'dir', 'cache.sqlite');
  const arbitrary: fc.Arbitrary<CachedResponse> = fc.record({
    content: fc.string({ unit: 'grapheme' }),
    reasoning: fc.option(fc.string(), { nil: null }),
    finishReason: fc.constantFrom('stop', 'length', 'tool_calls'),
    model: fc.string({ minLength: 1 }),
    usage: fc.record({ promptTokens: fc.nat(), completionTokens: fc.nat(), costUsd: fc.option(fc.double({ min: 0, max: 10, noNaN: true }), { nil: null }) }),
  });
  const stored = new Map<string, CachedResponse>();
  const cache = openResponseCache({ path, mode: 'read-write' });
  fc.assert(
    fc.property(fc.string(), arbitrary, (key, value) => {
      fc.pre(!stored.has(key));
      stored.set(key, value);
      cache.put(key, value);
      expect(cache.get(key)).toEqual(value);
    }),
  );
  cache.put('extra', { ...response('4'), createdAt: 123, truncated: false } as CachedResponse);
  cache.close();
  cache.close();
  const reopened = openResponseCache({ path, mode: 'read-write' });
  for (const [key, value] of stored) expect(reopened.get(key)).toEqual(value);
  expect(reopened.get('extra')).toStrictEqual(response('4'));
  reopened.close();
});

test('the first answer for a key wins, and only new entries count as writes', () => {
  const cache = openResponseCache({ path: join(directory, 'cache.sqlite'), mode: 'read-write' });
  const key = cacheKey(request);
  expect(cache.lookup(key, request.model)).toBeUndefined();
  cache.put(key, response('first'));
  cache.put(key, response('second'));
  expect(cache.lookup(key, request.model)?.content).toBe('first');
  expect(cache.get(key)?.content).toBe('first');
  expect(cache.stats).toEqual({ hits: 2, misses: 1, writes: 1 });
  cache.close();
});

test('replay answers from the cache, never writes, and fails on a miss naming the model', () => {
  const path = join(directory, 'cache.sqlite');
  const writer = openResponseCache({ path, mode: 'read-write' });
  writer.put(cacheKey(request), response('4'));
  writer.close();
  const bytes = readFileSync(path);

  const replay = openResponseCache({ path, mode: 'replay' });
  expect(replay.lookup(cacheKey(request), request.model)?.content).toBe('4');
  replay.put(cacheKey({ ...request, sampleIndex: 1 }), response('5'));
  const missing = { ...request, sampleIndex: 1 };
  let caught: unknown;
  try {
    replay.lookup(cacheKey(missing), missing.model);
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(CacheMissError);
  const miss = caught as CacheMissError;
  expect(miss.code).toBe('CACHE_MISS');
  expect(miss.exitCode).toBe(3);
  expect(miss.message.replace(directory, '<dir>')).toMatchInlineSnapshot(`"replay: the cache at <dir>/cache.sqlite holds no response for model "qwen3-8b" (key c02e03600595); the run asked for something the cache does not hold"`);
  expect(miss.hint).toMatchInlineSnapshot(
    `"Rerun without \`--cache replay\` to fetch it (that calls the endpoint and is billed), or replay the exact config, problems and seed that filled the cache."`,
  );
  expect(replay.get(cacheKey(missing))).toBeUndefined();
  expect(replay.stats).toEqual({ hits: 1, misses: 2, writes: 0 });
  replay.close();
  expect(readFileSync(path).equals(bytes)).toBe(true);
});

test('replay of a cache that does not exist fails at once and creates nothing', () => {
  const path = join(directory, 'absent', 'cache.sqlite');
  expect(() => openResponseCache({ path, mode: 'replay' })).toThrow(CacheMissError);
  expect(() => openResponseCache({ path, mode: 'replay' })).toThrow(/^replay: there is no cache at .*absent\/cache\.sqlite, so the run asks for responses the cache does not hold$/);
  expect(existsSync(join(directory, 'absent'))).toBe(false);
});

test('off mode never reads or writes a file', () => {
  const path = join(directory, 'off', 'cache.sqlite');
  const cache = openResponseCache({ path, mode: 'off' });
  cache.put('k', response('4'));
  expect(cache.get('k')).toBeUndefined();
  expect(cache.lookup('k', 'm')).toBeUndefined();
  expect(cache.stats).toEqual({ hits: 0, misses: 2, writes: 0 });
  cache.close();
  expect(existsSync(join(directory, 'off'))).toBe(false);
});

/** Runs a node script with the cache module importable as `cache`; resolves with the exit code, signal and stdout. */
function runNode(script: string, onLine?: (line: string) => void): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  const source = `import * as cache from ${JSON.stringify(cacheModule)};\n${script}`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', source], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    if (onLine) for (const line of chunk.split('\n').filter(Boolean)) onLine(line);
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
}

test('every put a process completed is there after it is killed with SIGKILL', async () => {
  const path = join(directory, 'cache.sqlite');
  const count = 500;
  const result = await runNode(`
    const c = cache.openResponseCache({ path: ${JSON.stringify(path)}, mode: 'read-write' });
    for (let i = 0; i < ${count}; i += 1) {
      c.put('key-' + i, { content: 'answer ' + i, reasoning: null, finishReason: 'stop', model: 'm', usage: { promptTokens: i, completionTokens: 1, costUsd: null } });
    }
    process.kill(process.pid, 'SIGKILL');
  `);
  expect(result.stderr).toBe('');
  expect(result.signal).toBe('SIGKILL');
  // The writes sit in the WAL, never checkpointed by a close: this is the crash case, not a clean exit.
  expect(statSync(`${path}-wal`).size).toBeGreaterThan(0);
  for (const mode of ['replay', 'read-write'] as const) {
    const cache = openResponseCache({ path, mode });
    for (let i = 0; i < count; i += 1) expect(cache.lookup(`key-${i}`, 'm')?.content).toBe(`answer ${i}`);
    cache.close();
  }
});

test('two connections and two processes share one file: each sees the other writes', async () => {
  const path = join(directory, 'shared', 'cache.sqlite');
  const first = openResponseCache({ path, mode: 'read-write' });
  const second = openResponseCache({ path, mode: 'read-write' });
  first.put('a', response('from first'));
  expect(second.get('a')?.content).toBe('from first');
  second.put('b', response('from second'));
  expect(first.get('b')?.content).toBe('from second');

  const rows = 2000;
  const child = runNode(`
    const c = cache.openResponseCache({ path: ${JSON.stringify(path)}, mode: 'read-write' });
    const put = (i) => c.put('child-' + i, { content: String(i), reasoning: null, finishReason: 'stop', model: 'm', usage: { promptTokens: 1, completionTokens: 1, costUsd: null } });
    for (let i = 0; i < ${rows / 2}; i += 1) put(i);
    console.log('ready');
    // Wait (bounded) until the parent is writing, so the second half overlaps its writes.
    const pause = new Int32Array(new SharedArrayBuffer(4));
    for (let tries = 0; tries < 1000 && c.get('parent-0') === undefined; tries += 1) Atomics.wait(pause, 0, 0, 10);
    for (let i = ${rows / 2}; i < ${rows}; i += 1) put(i);
    console.log(c.get('parent-0')?.content ?? 'parent not seen');
    c.close();
  `, (line) => {
    if (line !== 'ready') return;
    for (let i = 0; i < rows; i += 1) first.put(`parent-${i}`, response(String(i)));
  });
  const result = await child;
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  expect(result.stdout.trim().split('\n')).toEqual(['ready', '0']);
  for (let i = 0; i < rows; i += 1) {
    expect(second.get(`child-${i}`)?.content).toBe(String(i));
    expect(second.get(`parent-${i}`)?.content).toBe(String(i));
  }
  first.close();
  second.close();
});

test('a write waits out another process holding the write lock instead of failing with SQLITE_BUSY', async () => {
  const path = join(directory, 'cache.sqlite');
  const cache = openResponseCache({ path, mode: 'read-write' });
  let waitedMs = -1;
  const result = await runNode(`
    import { createRequire } from 'node:module';
    const Database = createRequire(${JSON.stringify(cacheModule)})('better-sqlite3');
    const db = new Database(${JSON.stringify(path)});
    db.exec('BEGIN IMMEDIATE');
    console.log('locked');
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 400);
    db.exec('COMMIT');
    db.close();
  `, (line) => {
    if (line !== 'locked') return;
    const started = performance.now();
    cache.put('k', response('4'));
    waitedMs = performance.now() - started;
  });
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  expect(waitedMs).toBeGreaterThan(200);
  expect(cache.get('k')?.content).toBe('4');
  cache.close();
});

test('a cache written by a newer veridata is refused, not misread', () => {
  const path = join(directory, 'cache.sqlite');
  const db = new Database(path);
  db.pragma('user_version = 2');
  db.close();
  for (const mode of ['read-write', 'replay'] as const) {
    const open = () => openResponseCache({ path, mode });
    expect(open).toThrow(CacheUnreadableError);
    expect(() => open()).toThrow(`cache ${path}: schema version 2 is newer than this veridata reads (1); upgrade veridata to use it`);
  }
});

test('a file that is not a veridata cache is refused with a typed error naming it', () => {
  const garbage = join(directory, 'garbage.sqlite');
  writeFileSync(garbage, 'this is not a database\n'.repeat(200));
  const foreign = join(directory, 'foreign.sqlite');
  const db = new Database(foreign);
  db.exec('CREATE TABLE users (id INTEGER PRIMARY KEY)');
  db.close();
  for (const mode of ['read-write', 'replay'] as const) {
    let caught: unknown;
    try {
      openResponseCache({ path: garbage, mode });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(CacheUnreadableError);
    expect(caught).toBeInstanceOf(VeridataError);
    expect((caught as VeridataError).code).toBe('INPUT_UNREADABLE');
    expect((caught as Error).message.replace(directory, '<dir>')).toMatchInlineSnapshot(`"cache <dir>/garbage.sqlite: not a readable SQLite cache (file is not a database)"`);
    expect(() => openResponseCache({ path: foreign, mode })).toThrow(`cache ${foreign}: an SQLite database but not a veridata cache (tables: users)`);
  }
  expect(readFileSync(garbage, 'utf8')).toBe('this is not a database\n'.repeat(200));
});
