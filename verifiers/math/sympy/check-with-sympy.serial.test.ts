import { afterAll, beforeAll, expect, test } from 'vitest';
import { verifyMath } from '../verify-math.js';
import { checkWithSympy } from './check-with-sympy.js';
import { combineCheckers } from './combine-checkers.js';
import { createSympyPool, type SympyPool } from './sympy-pool.js';

// Starts real python3-sympy processes, hence the serial project.
let pool: SympyPool;
beforeAll(async () => {
  pool = createSympyPool({ concurrency: 1, timeoutMs: 20_000 });
  await pool.ready();
});
afterAll(() => pool.close());

async function sympyVerdict(response: string, gold: string, target = pool) {
  return checkWithSympy(target, verifyMath(response, gold), gold);
}

test('SymPy decides from veridata extraction: pass, fail, and the sides it was given', async () => {
  const pass = await sympyVerdict('So the answer is \\boxed{\\frac{2}{1+i}}.', '1-i');
  expect(pass.verdict).toMatchObject({
    status: 'pass',
    reason: 'equivalent',
    verifier: 'math',
    details: { checker: 'sympy', extracted: '\\frac{2}{1+i}', source: 'boxed', sympy: { consulted: true, equal: true, gold: 'Add(1, Mul(-1, I))', answer: 'Mul(2, Pow(Add(1, I), -1))' } },
  });
  expect(pass.verdict.details.explanation).toMatch(/^SymPy finds them equal: /);
  const fail = await sympyVerdict('\\boxed{1+i}', '1-i');
  expect(fail.verdict).toMatchObject({ status: 'fail', reason: 'not-equivalent', details: { sympy: { equal: false } } });
});

test('a case decided before any comparison keeps the built-in verdict; SymPy is not asked', async () => {
  for (const [response, gold, reason] of [
    ["Sorry, I don't know.", '12', 'no-answer'],
    ['\\boxed{\\frac{1}{', '1', 'no-answer'],
    ['\\boxed{9^{9^{9}}}', '9', 'guard'],
  ] as const) {
    const { verdict, record } = await sympyVerdict(response, gold);
    expect(verdict.reason).toBe(reason);
    expect(verdict.status).toBe(verifyMath(response, gold).status);
    expect(record).toMatchObject({ consulted: false });
  }
});

test('text and choice letters are error/unsupported, never a pass', async () => {
  const { verdict } = await sympyVerdict('\\boxed{\\text{Yes}}', '\\text{yes}');
  expect(verdict).toMatchObject({ status: 'error', reason: 'unsupported', details: { sympy: { consulted: false, reason: 'unsupported' } } });
  expect((await sympyVerdict('The answer is (B).', 'B')).verdict.status).toBe('error');
});

test('a comparison over the SymPy budget is error/timeout, never a pass', async () => {
  const tight = createSympyPool({ concurrency: 1, timeoutMs: 1 });
  try {
    await tight.ready();
    const { verdict } = await sympyVerdict('\\boxed{\\tan^2 x + 1}', '\\sec^2 x', tight);
    expect(verdict).toMatchObject({ status: 'error', reason: 'timeout', details: { checker: 'sympy' } });
  } finally {
    await tight.close();
  }
});

test('both: the built-in verdict stays, SymPy is recorded beside it; sympy: the reverse', async () => {
  const builtin = verifyMath('\\boxed{\\text{Yes}}', '\\text{yes}');
  const sympy = await checkWithSympy(pool, builtin, '\\text{yes}');
  const both = combineCheckers('both', builtin, sympy);
  expect(both.verdict).toMatchObject({ status: 'pass', details: { method: 'text', sympy: { status: 'error', reason: 'unsupported' } } });
  expect(both.disagree).toBe(true);
  const only = combineCheckers('sympy', builtin, sympy);
  expect(only.verdict).toMatchObject({ status: 'error', details: { checker: 'sympy', builtin: { status: 'pass', reason: 'equivalent' } } });
});
