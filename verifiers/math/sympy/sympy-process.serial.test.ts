import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { VeridataError } from '../../../src/core/errors.js';
import { createSympyPool, type SympyPool } from './sympy-pool.js';
import { SympyProcess } from './sympy-process.js';

// Starts real python3-sympy processes (with the worker's test hooks), hence the serial project.
let process_: SympyProcess | undefined;
let pool: SympyPool | undefined;
afterEach(async () => {
  process_?.close();
  process_ = undefined;
  await pool?.close();
  pool = undefined;
});

const simple = { kind: 'compare', gold: 'Rational(1, 2)', answer: "Float('0.5', 15)" };

test('one process answers comparisons in turn and reports its versions', async () => {
  process_ = new SympyProcess();
  const versions = await process_.start();
  expect(versions.sympy).toMatch(/^\d+\.\d+/);
  expect(await process_.compare(simple)).toMatchObject({ status: 'answered', equal: true });
  expect(await process_.compare({ kind: 'compare', gold: '2', answer: '3' })).toMatchObject({ status: 'answered', equal: false });
  expect(await process_.compare({ kind: 'compare', gold: 'Symbol("x"', answer: '1' })).toMatchObject({ status: 'answered', equal: null, detail: expect.stringMatching(/^SyntaxError/) });
  expect(process_.starts).toBe(1);
});

test('a comparison over its budget is a timeout: the process is killed and the next comparison gets a fresh one', async () => {
  process_ = new SympyProcess({ timeoutMs: 300, testHooks: true });
  await process_.start();
  const firstPid = process_.pid;
  const started = performance.now();
  const outcome = await process_.compare({ kind: 'test-sleep', gold: '', answer: '', seconds: 60 });
  expect(performance.now() - started).toBeLessThan(10_000); // a backstop, not a measurement
  expect(outcome).toMatchObject({ status: 'timeout', detail: expect.stringContaining('300 ms budget') });
  expect(await process_.compare(simple)).toMatchObject({ status: 'answered', equal: true });
  expect(process_.pid).not.toBe(firstPid);
  expect(process_.starts).toBe(2);
});

test('a process that dies mid-comparison, or is killed from outside, is reported and replaced', async () => {
  process_ = new SympyProcess({ testHooks: true });
  await process_.start();
  expect(await process_.compare({ kind: 'test-exit', gold: '', answer: '' })).toMatchObject({ status: 'crashed', detail: expect.stringContaining('code 9') });
  expect(await process_.compare(simple)).toMatchObject({ status: 'answered', equal: true });

  const comparison = process_.compare({ kind: 'test-sleep', gold: '', answer: '', seconds: 60 });
  await new Promise((resolve) => setTimeout(resolve, 200));
  globalThis.process.kill(process_.pid!, 'SIGKILL');
  expect(await comparison).toMatchObject({ status: 'crashed', detail: expect.stringContaining('SIGKILL') });
  expect(await process_.compare(simple)).toMatchObject({ status: 'answered', equal: true });
  expect(process_.starts).toBe(3);
});

test('a line outside the protocol or a reply to another id is a crash, never a verdict', async () => {
  process_ = new SympyProcess({ testHooks: true });
  expect(await process_.compare({ kind: 'test-garbage', gold: '', answer: '' })).toMatchObject({ status: 'crashed', detail: expect.stringContaining('outside the protocol') });
  expect(await process_.compare({ kind: 'test-wrong-id', gold: '', answer: '' })).toMatchObject({ status: 'crashed', detail: expect.stringContaining('reply to id') });
  expect(await process_.compare(simple)).toMatchObject({ status: 'answered', equal: true });
});

test('without an interpreter that imports sympy, starting is INFRASTRUCTURE with a next step', async () => {
  process_ = new SympyProcess({ python: ['/nonexistent/python3'] });
  const error = await process_.start().catch((thrown: unknown) => thrown);
  expect(error).toBeInstanceOf(VeridataError);
  expect((error as VeridataError).code).toBe('INFRASTRUCTURE');
  expect((error as VeridataError).message).toMatch(/^the SymPy checker cannot start \(\/nonexistent\/python3: spawn \/nonexistent\/python3 ENOENT\)/);
  expect((error as VeridataError).hint).toContain('scripts/setup.sh');
  // An interpreter without sympy says so in its first line.
  const shadow = mkdtempSync(join(tmpdir(), 'veridata-no-sympy-'));
  mkdirSync(join(shadow, 'sympy'));
  writeFileSync(join(shadow, 'sympy', '__init__.py'), 'raise ImportError("no sympy here")\n');
  const saved = globalThis.process.env.PYTHONPATH;
  globalThis.process.env.PYTHONPATH = shadow;
  try {
    process_ = new SympyProcess({ python: ['python3'] });
    const missing = await process_.start().catch((thrown: unknown) => thrown);
    expect((missing as VeridataError).code).toBe('INFRASTRUCTURE');
    expect((missing as VeridataError).message).toContain('cannot import sympy');
  } finally {
    if (saved === undefined) delete globalThis.process.env.PYTHONPATH;
    else globalThis.process.env.PYTHONPATH = saved;
    rmSync(shadow, { recursive: true, force: true });
  }
  // A later candidate that works is used.
  process_ = new SympyProcess({ python: ['/nonexistent/python3', ...(await new SympyProcess().start().then((versions) => [versions.executable]))] });
  expect(await process_.compare(simple)).toMatchObject({ status: 'answered', equal: true });
});

test('a pool queues comparisons over its processes; a timeout in one slot does not delay or break the others', async () => {
  pool = createSympyPool({ concurrency: 2, timeoutMs: 500, testHooks: true });
  await pool.ready();
  const outcomes = await Promise.all([
    pool.compare({ kind: 'test-sleep', gold: '', answer: '', seconds: 60 }),
    ...Array.from({ length: 30 }, (_, index) => pool!.compare({ kind: 'compare', gold: String(index), answer: `Add(${index - 1}, 1)` })),
  ]);
  expect(outcomes[0]!.status).toBe('timeout');
  expect(outcomes.slice(1).every((outcome) => outcome.status === 'answered' && outcome.equal === true)).toBe(true);
  expect(pool.stats).toMatchObject({ comparisons: 31, timeouts: 1, crashes: 0, restarts: 1 });
});

test("a decision does not depend on what the process compared before (SymPy's random tests and cache)", async () => {
  const pair = { kind: 'compare', gold: 'Symbol("x")', answer: 'sqrt(Pow(Symbol("x"), 2))' };
  const fresh = new SympyProcess();
  const used = new SympyProcess();
  try {
    const first = await fresh.compare(pair);
    for (const [gold, answer] of [['Pow(Add(Symbol("x"), 1), 2)', 'Add(Pow(Symbol("x"), 2), Mul(2, Symbol("x")), 1)'], ['Abs(Symbol("x"))', 'Symbol("x")'], ['sqrt(Symbol("y"))', 'Pow(Symbol("y"), Rational(1, 2))']]) {
      await used.compare({ kind: 'compare', gold: gold!, answer: answer! });
    }
    const later = await used.compare(pair);
    expect(first.status).toBe('answered');
    expect(later).toMatchObject({ status: first.status, detail: (first as { detail: string }).detail });
    expect((later as { equal: boolean | null }).equal).toBe((first as { equal: boolean | null }).equal);
  } finally {
    fresh.close();
    used.close();
  }
});
