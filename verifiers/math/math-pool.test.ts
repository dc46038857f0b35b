import { afterEach, expect, test } from 'vitest';
import { createMathPool, type MathPool, testResponses } from './math-pool.js';
import { verifyMath } from './verify-math.js';

let pool: MathPool | undefined;
afterEach(async () => {
  await pool?.close();
  pool = undefined;
});

test('verdicts come back in order and equal verifyMath on the main thread', async () => {
  pool = createMathPool({ concurrency: 2, batchSize: 7 });
  const checks = Array.from({ length: 200 }, (_, index) => ({ response: `The answer is ${index % 13}.`, gold: String(index % 11) }));
  const verdicts = await pool.checkAll(checks);
  expect(verdicts).toEqual(checks.map((check) => verifyMath(check.response, check.gold)));
  expect(verdicts.filter((verdict) => verdict.status === 'pass').length).toBeGreaterThan(0);
});

test('a check that busy-loops is cut at its budget, its worker respawned, and its batch-mates still answered in order', async () => {
  pool = createMathPool({ concurrency: 1, timeoutMs: 100, batchSize: 16, testHooks: true });
  const checks = [
    { response: '\\boxed{1}', gold: '1' },
    { response: testResponses.busyLoop, gold: '1' },
    { response: '\\boxed{3}', gold: '4' },
  ];
  const started = performance.now();
  const verdicts = await pool.checkAll(checks);
  expect(performance.now() - started).toBeLessThan(10_000); // a backstop, not a measurement
  expect(verdicts.map((verdict) => [verdict.status, verdict.reason])).toEqual([
    ['pass', 'equivalent'],
    ['error', 'guard'],
    ['fail', 'not-equivalent'],
  ]);
  expect(verdicts[1]!.details.why).toBe('time budget exceeded');
  expect(pool.stats.timeouts).toBe(1);
  // The fresh worker serves later checks.
  expect((await pool.check('\\boxed{5}', '5')).status).toBe('pass');
});

test('a worker that runs out of memory is replaced; the check is an error, never a pass', async () => {
  pool = createMathPool({ concurrency: 1, timeoutMs: 5_000, testHooks: true, resourceLimits: { maxOldGenerationSizeMb: 32 } });
  const [before, bomb, after] = await pool.checkAll([
    { response: '7', gold: '7' },
    { response: testResponses.outOfMemory, gold: '7' },
    { response: '8', gold: '7' },
  ]);
  expect(before!.status).toBe('pass');
  expect(bomb).toMatchObject({ status: 'error', reason: 'guard', verifier: 'math', details: { why: 'worker out of memory' } });
  expect(after!.status).toBe('fail');
  expect(pool.stats.deaths).toBe(1);
});

test('a worker that exits on its own is replaced and the pool keeps answering', async () => {
  pool = createMathPool({ concurrency: 2, testHooks: true });
  const verdicts = await pool.checkAll([
    { response: testResponses.crash, gold: '1' },
    ...Array.from({ length: 20 }, () => ({ response: '\\boxed{2}', gold: '2' })),
  ]);
  expect(verdicts[0]).toMatchObject({ status: 'error', reason: 'guard', details: { why: 'worker crashed' } });
  expect(verdicts.slice(1).every((verdict) => verdict.status === 'pass')).toBe(true);
});

test('without testHooks the test responses are ordinary text', async () => {
  pool = createMathPool({ concurrency: 1, timeoutMs: 1_000 });
  const verdict = await pool.check(testResponses.busyLoop, '1');
  expect(verdict.reason).not.toBe('guard');
});
