import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { type LlmServer, type ResponderRequest, startLlmServer } from '../helpers/llm-server.js';
import { runCli } from '../helpers/run-cli.js';
import { backendAvailable } from '../helpers/sandbox-backends.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** A number from a sample's identity, so the server's "models" answer deterministically and differently per sample. */
function draw(request: ResponderRequest, salt: string): number {
  return createHash('sha256').update(JSON.stringify([salt, request.model, request.seed ?? null, request.index, request.messages])).digest().readUInt32BE(0);
}

const ADD = /What is (\d+) \+ (\d+)\?/;

/**
 * The server's models: arithmetic questions are answered right about two times in three (wrong ones off by one, or
 * with no answer at all); the judge model grades by a hash and ends with "Score: N"; anything else gets prose.
 */
function responder(request: ResponderRequest): string | { content: string; reasoning?: string } {
  const text = String(request.messages.at(-1)?.content ?? '');
  if (request.model === 'judge') {
    return `The response addresses the task. Score: ${draw(request, 'judge') % 11}`;
  }
  if (text.includes('def add(a, b)')) {
    const roll = draw(request, 'code') % 3;
    if (roll === 0) return 'Here you go:\n\n```python\ndef add(a, b):\n    return a - b\n```\n';
    return 'Here you go:\n\n```python\ndef add(a, b):\n    return a + b\n```\n';
  }
  const sum = ADD.exec(text);
  if (sum !== null) {
    const right = Number(sum[1]) + Number(sum[2]);
    const roll = draw(request, 'math') % 6;
    if (roll === 0) return `Adding gives ${right + 1}. The answer is \\boxed{${right + 1}}.`;
    if (roll === 1) return 'I am not able to work this out.';
    return { content: `Step 1: add the numbers. The answer is \\boxed{${right}}.`, reasoning: `${sum[1]} plus ${sum[2]} is ${right}. Wait, let me re-check: yes.` };
  }
  return `A short answer, variant ${draw(request, 'prose') % 4}.`;
}

let server: LlmServer;
let directory: string;
beforeAll(async () => {
  server = await startLlmServer({ models: ['m1', 'm2', 'judge'], responder, latencyMs: [2, 12], retryAfterSeconds: 0 });
  directory = mkdtempSync(join(tmpdir(), 'veridata-generate-'));
});
afterAll(async () => {
  await server.close();
  rmSync(directory, { recursive: true, force: true });
});
beforeEach(() => {
  server.setOptions({ faults: undefined, faultsByModel: {}, script: [], latencyMs: [2, 12], contextLength: 131_072, apiKey: undefined });
  server.reset();
});

let counter = 0;
function fresh(name: string): string {
  counter += 1;
  return join(directory, `${counter}-${name}`);
}

function writeLines(path: string, records: readonly Record<string, unknown>[]): string {
  writeFileSync(path, records.map((record) => `${JSON.stringify(record)}\n`).join(''));
  return path;
}

function mathProblems(count: number): Record<string, unknown>[] {
  return Array.from({ length: count }, (_, index) => ({ id: `add-${index}`, prompt: `What is ${index + 3} + ${2 * index + 5}?`, answer: String(3 * index + 8), trace_id: `t${index}` }));
}

function readLines(path: string): Record<string, unknown>[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** A config file for the test server: fast retries, two weighted models, optional judge and prices. */
function configFile(options: { judge?: boolean; prices?: boolean; maxUsd?: number; concurrency?: number; responses?: number; cache: string; profile?: string }): string {
  const price = options.prices ? '\n    price: { prompt_per_million: 1000, completion_per_million: 2000 }' : '';
  const text = `endpoints:
  local:
    base_url: ${server.url}
    profile: ${options.profile ?? 'openai'}
    backoff_base_ms: 2
    backoff_max_ms: 20
    max_attempts: 8
models:
  - id: m1
    endpoint: local
    weight: 1
    max_tokens: 64${price}
  - id: m2
    endpoint: local
    weight: 2
    max_tokens: 64${price}
${options.judge ? `judge:\n  models:\n    - id: judge\n      endpoint: local\n      temperature: 0\n      max_tokens: 32${price}\n  approval_threshold: 0.5\n` : ''}responses_per_problem: ${options.responses ?? 3}
concurrency: ${options.concurrency ?? 4}
${options.maxUsd === undefined ? '' : `max_usd: ${options.maxUsd}\n`}cache:
  path: ${options.cache}
`;
  const path = fresh('config.yaml');
  writeFileSync(path, text);
  return path;
}

/** Request bodies the server saw, as comparable strings. */
function requestKeys(): string[] {
  return server.log.filter((entry) => entry.path.endsWith('/chat/completions')).map((entry) => JSON.stringify(entry.body));
}

describe('veridata dpo', () => {
  test('math problems with gold answers: the verifier decides; every chosen response is right and every rejected one wrong', async () => {
    const problems = writeLines(fresh('problems.jsonl'), mathProblems(40));
    const out = fresh('dpo.jsonl');
    const result = await runCli(['dpo', '--config', configFile({ cache: fresh('cache.sqlite'), judge: true }), '--problems', problems, '--out', out, '--json']);
    expect(result.code, result.stderr).toBe(0);
    const pairs = readLines(out);
    expect(pairs.length).toBeGreaterThan(20);
    const gold = new Map(mathProblems(40).map((problem) => [problem.id, String(problem.answer)]));
    for (const pair of pairs) {
      const answer = gold.get(String(pair.problem_id))!;
      expect(pair.chosen).toContain(`\\boxed{${answer}}`);
      expect(String(pair.rejected).includes(`\\boxed{${answer}}`)).toBe(false);
      expect(pair).toMatchObject({ pair_rule: 'verifier', chosen_score: 1, rejected_score: 0, margin: 1 });
      expect(Object.keys(pair).slice(0, 5)).toEqual(['id', 'problem_id', 'prompt', 'chosen', 'rejected']);
      expect(pair.chosen_model === 'm1' || pair.chosen_model === 'm2').toBe(true);
    }
    // The judge is not asked where a verifier applies.
    expect(server.requestsByModel.judge ?? 0).toBe(0);
    const responses = readLines(`${out}.responses.jsonl`);
    expect(responses).toHaveLength(120);
    expect(new Set(responses.map((response) => response.id)).size).toBe(120);
    for (const response of responses) {
      expect(response.verdict).toMatchObject({ verifier: 'math' });
      expect(response.scored_by).toBe('verifier');
      expect(response.trace_id).toMatch(/^t\d+$/);
    }
    const summary = JSON.parse(result.stdout) as { pairs: number; verified: { pass: number; fail: number } };
    expect(summary.pairs).toBe(pairs.length);
    expect(summary.verified.pass + summary.verified.fail).toBe(120);
  });

  test('SIGKILL part-way, then the same command: the output equals an uninterrupted run and nothing answered is bought again', async () => {
    const problems = writeLines(fresh('problems.jsonl'), mathProblems(60));
    server.setOptions({ latencyMs: 25 });
    const whole = fresh('whole.jsonl');
    const first = await runCli(['dpo', '--config', configFile({ cache: fresh('cache.sqlite') }), '--problems', problems, '--out', whole]);
    expect(first.code, first.stderr).toBe(0);
    const uninterrupted = server.requests;
    expect(uninterrupted).toBeGreaterThan(60);

    server.reset();
    const config = configFile({ cache: fresh('cache.sqlite') });
    const out = fresh('killed.jsonl');
    const args = ['--import', 'tsx', `${root}/src/cli/bin.ts`, 'dpo', '--config', config, '--problems', problems, '--out', out];
    const child = spawn(process.execPath, args, { cwd: root, stdio: 'ignore' });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline && readLines(`${out}.checkpoint.jsonl`).filter((entry) => entry.done !== undefined).length < 12) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    const beforeKill = new Set(requestKeys());
    const killedAt = server.requests;
    expect(readLines(`${out}.checkpoint.jsonl`).filter((entry) => entry.done !== undefined).length).toBeLessThan(60);

    server.reset();
    const rerun = await runCli(['dpo', '--config', config, '--problems', problems, '--out', out, '--json']);
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(readFileSync(whole, 'utf8'));
    expect(readFileSync(`${out}.responses.jsonl`, 'utf8')).toBe(readFileSync(`${whole}.responses.jsonl`, 'utf8'));
    const ids = readLines(`${out}.responses.jsonl`).map((line) => line.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(readLines(`${out}.responses.jsonl`).map((line) => line.problem_id)).size).toBe(60);
    // Asked again: only requests that were in flight at the kill (at most the concurrency, 4) and never answered.
    const again = requestKeys().filter((key) => beforeKill.has(key));
    expect(again.length).toBeLessThanOrEqual(4);
    expect(killedAt + server.requests - again.length).toBe(uninterrupted);
    expect(JSON.parse(rerun.stdout)).toMatchObject({ resumed: expect.any(Number) });
    expect((JSON.parse(rerun.stdout) as { resumed: number }).resumed).toBeGreaterThanOrEqual(12);
  });

  test('--cache replay: a populated cache answers every request, zero HTTP requests, identical output; a miss is exit 3', async () => {
    const problems = writeLines(fresh('problems.jsonl'), [...mathProblems(10), { id: 'open', prompt: 'Describe rain in one line.' }]);
    const cache = fresh('cache.sqlite');
    const config = configFile({ cache, judge: true });
    const out = fresh('dpo.jsonl');
    expect((await runCli(['dpo', '--config', config, '--problems', problems, '--out', out])).code).toBe(0);
    expect(server.requestsByModel.judge ?? 0).toBe(3);
    server.reset();
    const replayed = fresh('replayed.jsonl');
    const replay = await runCli(['dpo', '--config', config, '--problems', problems, '--out', replayed, '--cache', 'replay', '--json']);
    expect(replay.code, replay.stderr).toBe(0);
    expect(server.requests).toBe(0);
    expect(readFileSync(replayed, 'utf8')).toBe(readFileSync(out, 'utf8'));
    expect(readFileSync(`${replayed}.responses.jsonl`, 'utf8')).toBe(readFileSync(`${out}.responses.jsonl`, 'utf8'));

    const more = writeLines(fresh('more.jsonl'), mathProblems(12));
    const miss = await runCli(['dpo', '--config', config, '--problems', more, '--out', fresh('miss.jsonl'), '--cache', 'replay']);
    expect(miss.code).toBe(3);
    expect(miss.stderr).toContain('[CACHE_MISS]');
    expect(server.requests).toBe(0);
  });
});

describe('veridata dpo on code', () => {
  test('problems with tests: every response runs against them in the sandbox; a passing one is chosen over a failing one', async (context) => {
    const { available, detail } = await backendAvailable('bwrap');
    if (!available) context.skip(`bwrap: ${detail}`);
    const tests = 'from solution import add\n\n\ndef test_small():\n    assert add(1, 2) == 3\n\n\ndef test_zero():\n    assert add(0, 5) == 5\n';
    const problems = writeLines(
      fresh('problems.jsonl'),
      Array.from({ length: 4 }, (_, index) => ({ id: `code-${index}`, prompt: `Task ${index}: write def add(a, b) returning the sum.`, test_code: tests })),
    );
    const out = fresh('dpo.jsonl');
    const result = await runCli(['dpo', '--config', configFile({ cache: fresh('cache.sqlite'), judge: true }), '--problems', problems, '--out', out, '--sandbox', 'bwrap', '--json']);
    expect(result.code, result.stderr).toBe(0);
    const responses = readLines(`${out}.responses.jsonl`);
    expect(responses).toHaveLength(12);
    for (const response of responses) {
      const verdict = response.verdict as { verifier: string; status: string };
      expect(verdict.verifier).toBe('pytest');
      expect(verdict.status).toBe(String(response.response).includes('a + b') ? 'pass' : 'fail');
      expect(response.extracted_answer).toBeNull();
    }
    const pairs = readLines(out);
    expect(pairs.length).toBeGreaterThan(0);
    for (const pair of pairs) {
      expect(pair.chosen).toContain('return a + b');
      expect(pair.rejected).toContain('return a - b');
    }
    expect(server.requestsByModel.judge ?? 0).toBe(0);
  });
});

describe('veridata sft', () => {
  test('10% of requests fail with 429 or 500: every problem still completes; a permanent failure is reported per problem', async () => {
    server.setOptions({ faults: { rate: 0.1, kinds: ['429', '500'] }, contextLength: 40 });
    const long = { id: 'too-long', prompt: `Summarise: ${'word '.repeat(60)}` };
    const problems = writeLines(fresh('problems.jsonl'), [...mathProblems(50), long, { id: 'after', prompt: 'What is 1 + 1?', answer: '2' }]);
    const out = fresh('sft.jsonl');
    const result = await runCli(['sft', '--config', configFile({ cache: fresh('cache.sqlite'), responses: 2 }), '--problems', problems, '--out', out, '--json']);
    expect(result.code, result.stderr).toBe(0);
    const lines = readLines(out);
    expect(lines).toHaveLength(102);
    expect(new Set(lines.map((line) => line.problem_id)).size).toBe(51);
    const failures = readLines(`${out}.failures.jsonl`);
    expect(failures.map((failure) => [failure.problem_id, failure.code])).toEqual([
      ['too-long', 'http-400'],
      ['too-long', 'http-400'],
    ]);
    // Both models were tried before the sample was given up.
    expect((failures[0]!.failures as { model: string }[]).map((failure) => failure.model).sort()).toEqual(['m1', 'm2']);
    const summary = JSON.parse(result.stdout) as { requests: { retries: number }; failedSamples: number };
    expect(summary.requests.retries).toBeGreaterThan(0);
    expect(summary.failedSamples).toBe(2);
  });

  test('output lines carry the response, reasoning, answer, model, tokens, cost and its source, verdict, judge and flags', async () => {
    const problems = writeLines(fresh('problems.jsonl'), [
      { id: 'math', input: 'What is 2 + 3?', answer: 5, meta: { source: 'unit' } },
      { id: 'open', prompt: 'Name a colour.' },
    ]);
    const out = fresh('sft.jsonl');
    server.setOptions({ profile: 'openrouter', prices: { m1: { prompt: 1e-6, completion: 2e-6 }, m2: { prompt: 1e-6, completion: 2e-6 }, judge: { prompt: 1e-6, completion: 1e-6 } } });
    try {
      const result = await runCli(['sft', '--config', configFile({ cache: fresh('cache.sqlite'), judge: true, responses: 2, profile: 'openrouter' }), '--problems', problems, '--out', out]);
      expect(result.code, result.stderr).toBe(0);
    } finally {
      server.setOptions({ profile: 'openai', prices: {} });
    }
    const lines = readLines(out);
    expect(lines.map((line) => line.id)).toEqual(['math/0', 'math/1', 'open/0', 'open/1']);
    for (const line of lines) {
      for (const field of ['problem_id', 'prompt', 'response', 'reasoning', 'extracted_answer', 'model', 'tokens_in', 'tokens_out', 'finish_reason', 'cost_usd', 'cost_source', 'verdict', 'judge', 'score', 'decision', 'quality_flags']) {
        expect(line, field).toHaveProperty(field);
      }
      expect(line.cost_source).toBe('provider');
      expect(line.cost_usd as number).toBeGreaterThan(0);
      expect(Object.keys(line.quality_flags as object).sort()).toEqual(['has_answer_tags', 'has_reasoning', 'reasoning_length', 'self_correction', 'truncated']);
    }
    const math = lines.filter((line) => line.problem_id === 'math');
    for (const line of math) {
      expect(line.prompt).toBe('What is 2 + 3?');
      expect(line.meta).toEqual({ source: 'unit' });
      expect(line.judge).toBeNull();
      expect(line.decision).toBe((line.verdict as { status: string }).status === 'pass' ? 'approve' : 'reject');
    }
    const open = lines.filter((line) => line.problem_id === 'open');
    for (const line of open) {
      expect(line.verdict).toBeNull();
      const judge = line.judge as { score: number; model: string; reasoning: string };
      expect(judge.model).toBe('judge');
      expect(judge.reasoning).toContain('addresses the task');
      expect(line.decision).toBe(judge.score >= 0.5 ? 'approve' : 'reject');
      expect(line.score).toBe(judge.score);
    }
    const runlog = readLines(`${out}.runlog.jsonl`);
    expect(runlog.some((entry) => entry.event === 'generate' && typeof entry.latencyMs === 'number')).toBe(true);
    expect(readFileSync(out, 'utf8')).not.toMatch(/latency/i);
  });

  test('--max-usd is never overshot: the run stops with exit 4 before a request that might not fit, and resumes when raised', async () => {
    const problems = writeLines(fresh('problems.jsonl'), mathProblems(30));
    const cache = fresh('cache.sqlite');
    const out = fresh('sft.jsonl');
    // Worst case per request: (prompt bytes + 8) x $0.001 + 64 x $0.002, about $0.17; real cost about $0.02.
    const stopped = await runCli(['sft', '--config', configFile({ cache, prices: true, maxUsd: 0.5, responses: 1, concurrency: 2 }), '--problems', problems, '--out', out, '--json']);
    expect(stopped.code, stopped.stderr).toBe(4);
    expect(stopped.stderr).toContain('[BUDGET_EXCEEDED]');
    const spent = readLines(out).reduce((sum, line) => sum + (line.cost_usd as number), 0);
    const ledger = readLines(`${out}.checkpoint.jsonl`).reduce((sum, entry) => sum + ((entry.spent as number | undefined) ?? 0), 0);
    expect(ledger).toBeLessThanOrEqual(0.5);
    expect(spent).toBeLessThanOrEqual(ledger + 1e-9);
    const done = readLines(out).length;
    expect(done).toBeGreaterThan(0);
    expect(done).toBeLessThan(30);

    const resumed = await runCli(['sft', '--config', configFile({ cache, prices: true, maxUsd: 50, responses: 1, concurrency: 2 }), '--problems', problems, '--out', out, '--json']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(readLines(out).map((line) => line.problem_id)).toEqual(mathProblems(30).map((problem) => problem.id));
    expect(JSON.parse(resumed.stdout)).toMatchObject({ resumed: done });
  });

  test('quick start from OPENAI_BASE_URL and OPENAI_API_KEY; a refused key stops the run with exit 3', async () => {
    server.setOptions({ apiKey: 'sk-test' });
    const problems = writeLines(fresh('problems.jsonl'), mathProblems(3));
    const out = fresh('sft.jsonl');
    const env = { OPENAI_BASE_URL: server.url, OPENAI_API_KEY: 'sk-test' };
    const ok = await runCli(['sft', '--model', 'm1', '--problems', problems, '--out', out, '--cache', 'off', '--concurrency', '2', '--max-tokens', '32', '--temperature', '0.3'], { env });
    expect(ok.code, ok.stderr).toBe(0);
    expect(readLines(out)).toHaveLength(3);
    const body = server.log.find((entry) => entry.path.endsWith('/chat/completions'))!.body as Record<string, unknown>;
    expect(body).toMatchObject({ model: 'm1', temperature: 0.3, max_completion_tokens: 32 });

    const refused = await runCli(['sft', '--model', 'm1', '--problems', problems, '--out', fresh('refused.jsonl'), '--cache', 'off'], { env: { ...env, OPENAI_API_KEY: 'sk-wrong' } });
    expect(refused.code).toBe(3);
    expect(refused.stderr).toMatch(/\[INFRASTRUCTURE\].*http-401/);
  });

  test('bad input names the file, line and field, and writes nothing', async () => {
    const problems = fresh('problems.jsonl');
    writeFileSync(problems, `${JSON.stringify({ id: 'a', prompt: 'What is 1 + 1?' })}\n${JSON.stringify({ id: 'b', question: 7 })}\n`);
    const out = fresh('sft.jsonl');
    const result = await runCli(['sft', '--base-url', server.url, '--model', 'm1', '--problems', problems, '--out', out, '--cache', 'off']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`[INVALID_RECORD] ${problems}:2: field "prompt": expected text, got number`);
    // Checked before any call: nothing bought, nothing written.
    expect(server.requests).toBe(0);
    expect(existsSync(out)).toBe(false);
    expect(existsSync(`${out}.checkpoint.jsonl`)).toBe(false);
    const config = fresh('bad.yaml');
    writeFileSync(config, `endpoints:\n  local:\n    base_url: ${server.url}\nmodels:\n  - id: m1\n    endpoint: local\n    temprature: 0.2\n`);
    const badConfig = await runCli(['sft', '--config', config, '--problems', problems, '--out', fresh('x.jsonl')]);
    expect(badConfig.code).toBe(2);
    expect(badConfig.stderr).toMatch(new RegExp(`\\[INVALID_CONFIG\\] ${config.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:7: key "models\\.0\\.temprature": unknown key`));
  });

  test('a rerun with other generation settings refuses to append to the output', async () => {
    const problems = writeLines(fresh('problems.jsonl'), mathProblems(2));
    const out = fresh('sft.jsonl');
    const cache = fresh('cache.sqlite');
    expect((await runCli(['sft', '--base-url', server.url, '--model', 'm1', '--problems', problems, '--out', out, '--cache-path', cache])).code).toBe(0);
    const changed = await runCli(['sft', '--base-url', server.url, '--model', 'm1', '--temperature', '0.1', '--problems', problems, '--out', out, '--cache-path', cache]);
    expect(changed.code).toBe(2);
    expect(changed.stderr).toContain('[RESUME_MISMATCH]');
    expect(readLines(out)).toHaveLength(2);
  });
});
