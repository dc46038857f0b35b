import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { parseAnswer } from '../parse.js';
import { imaginaryUnitsOf, serializeSympy } from './serialize-sympy.js';
import { createSympyPool, type SympyPool } from './sympy-pool.js';

// Round trip of meaning: veridata's parse, then serializeSympy, then SymPy must find equal answers equal and
// perturbed answers different. Starts real python3-sympy processes, hence the serial project.
let pool: SympyPool;
beforeAll(async () => {
  pool = createSympyPool({ concurrency: 2, timeoutMs: 20_000 });
  await pool.ready();
});
afterAll(() => pool.close());

function expression(latex: string): string {
  const parsed = parseAnswer(latex);
  if (!parsed.ok) throw new Error(`test input does not parse: ${latex} (${parsed.reason})`);
  return serializeSympy(parsed.node, { imaginaryUnits: imaginaryUnitsOf(parsed.node, true) });
}

async function sympySays(gold: string, answer: string): Promise<boolean | null | string> {
  const outcome = await pool.compare({ kind: 'compare', gold: expression(gold), answer: expression(answer), tolerance: 1e-6 });
  return outcome.status === 'answered' ? outcome.equal : outcome.status;
}

const equalPairs: [string, string][] = [
  ['\\frac{1}{2}', '0.5'],
  ['\\frac{1}{3}', '0.3333333'],
  ['2\\sqrt{2}', '\\sqrt{8}'],
  ['(x+1)^2', 'x^2+2x+1'],
  ['\\sin^2 x + \\cos^2 x', '1'],
  ['1-i', '\\frac{2}{1+i}'],
  ['-1', 'e^{i\\pi}'],
  ['i', '\\sqrt{-1}'],
  ['2+3i', '2+3j'],
  ['\\log_2 8', '3'],
  ['\\binom{5}{2}', '10'],
  ['y=2x+3', 'y=3+2x'],
  ['2x+4=0', 'x+2=0'],
  ['x<3', '3>x'],
  ['-2<x<2', '|x|<2'],
  ['(3,\\infty)', 'x>3'],
  ['\\{2,3\\}', '\\{3,2\\}'],
  ['(\\sqrt{2}, 1)', '(\\sqrt2,1)'],
  ['[0,\\infty)', '[0,\\infty)'],
  ['(-\\infty,-2)\\cup(2,\\infty)', '(2,\\infty)\\cup(-\\infty,-2)'],
  ['\\begin{pmatrix}\\frac{1}{2}&0\\\\0&\\frac{1}{2}\\end{pmatrix}', '\\begin{pmatrix}0.5&0\\\\0&0.5\\end{pmatrix}'],
  ['x=5', '5'],
];

const unequalPairs: [string, string][] = [
  ['\\frac{1}{3}', '0.333'],
  ['\\frac{1}{100!}', '\\frac{1}{101!}'],
  ['10^{400}', '10^{401}'],
  ['1-i', '1+i'],
  ['(x+1)^2', 'x^2+1'],
  ['(1,2)', '(2,1)'],
  ['(-\\infty,1]', '(-\\infty,1)'],
  ['(3,\\infty)', 'x<3'],
  ['x<3', 'x \\le 3'],
  ['y=2x+3', 'y=2x-3'],
  ['0, 1, 4', '0, 1, -4'],
  ['\\begin{pmatrix}1&2\\\\3&4\\end{pmatrix}', '\\begin{pmatrix}1&2&3&4\\end{pmatrix}'],
  ['0.000001', '0.000002'],
];

describe('SymPy reads serialized answers as veridata means them', () => {
  test.each(equalPairs)('%s equals %s', async (gold, answer) => {
    expect(await sympySays(gold, answer)).toBe(true);
  });

  test.each(unequalPairs)('%s differs from %s', async (gold, answer) => {
    expect(await sympySays(gold, answer)).toBe(false);
  });

  test('a fraction equals itself unsimplified and as a long enough decimal; off by one it differs', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: -999, max: 999 }), fc.integer({ min: 1, max: 64 }), fc.integer({ min: 2, max: 9 }), async (p, q, k) => {
        const gold = `\\frac{${p}}{${q}}`;
        expect(await sympySays(gold, `\\frac{${k * p}}{${k * q}}`)).toBe(true);
        expect(await sympySays(gold, (p / q).toPrecision(12))).toBe(true);
        expect(await sympySays(gold, `\\frac{${p + 1}}{${q}}`)).toBe(false);
      }),
      { numRuns: 40 },
    );
  });

  test('a permuted set is equal; a set with one item changed is not', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(fc.integer({ min: -50, max: 50 }), { minLength: 2, maxLength: 6 }), async (items) => {
        const gold = `\\{${items.join(', ')}\\}`;
        expect(await sympySays(gold, `\\{${[...items].reverse().join(', ')}\\}`)).toBe(true);
        const changed = [...items];
        changed[0] = Math.max(...items) + 1;
        expect(await sympySays(gold, `\\{${changed.join(', ')}\\}`)).toBe(false);
      }),
      { numRuns: 30 },
    );
  });
});
