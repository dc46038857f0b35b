import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchFigure } from './gen-arith.js';

type SympyPoolModule = typeof import('../verifiers/math/sympy/sympy-pool.js');
type CheckModule = typeof import('../verifiers/math/sympy/check-with-sympy.js');
type VerifyModule = typeof import('../verifiers/math/verify-math.js');

// `pnpm bench` builds dist/ first; measure the compiled modules, as the `veridata` bin runs them.
const compiled = (path: string) => new URL(`../dist/verifiers/math/${path}`, import.meta.url).href;

interface PublicCase {
  gold: string;
  prediction: string;
}

function publicCases(): PublicCase[] {
  return readFileSync(new URL('../../shared/data/math-cases-public.jsonl', import.meta.url), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as PublicCase);
}

/**
 * The SymPy checker: the public cases once through a fresh pool (every pair new to SymPy, so no cache helps), and the
 * CLI with `--checker both` over the public cases repeated (the worker's cache serves repeats, as it would for many
 * samples of one problem).
 */
export async function benchVerifyMathSympy(): Promise<BenchFigure[]> {
  const { createSympyPool } = (await import(compiled('sympy/sympy-pool.js'))) as SympyPoolModule;
  const { checkWithSympy } = (await import(compiled('sympy/check-with-sympy.js'))) as CheckModule;
  const { verifyMath } = (await import(compiled('verify-math.js'))) as VerifyModule;
  const cases = publicCases();
  const builtin = cases.map((item) => verifyMath(item.prediction, item.gold));
  const pool = createSympyPool();
  let poolFigure: BenchFigure;
  try {
    await pool.ready();
    const started = performance.now();
    const outcomes = await Promise.all(cases.map((item, index) => checkWithSympy(pool, builtin[index]!, item.gold)));
    const seconds = (performance.now() - started) / 1000;
    const asked = outcomes.filter((outcome) => outcome.record.consulted).length;
    poolFigure = {
      name: `sympy checker, public cases once (${cases.length}, ${asked} sent to SymPy)`,
      value: cases.length / seconds,
      unit: 'cases/s',
      note: `${seconds.toFixed(2)} s, ${pool.concurrency} python3-sympy ${pool.versions?.sympy} processes, ${pool.stats.timeouts} timeouts`,
    };
  } finally {
    await pool.close();
  }

  const directory = mkdtempSync(join(tmpdir(), 'veridata-bench-sympy-'));
  try {
    const input = join(directory, 'in.jsonl');
    const total = 2_000;
    writeFileSync(input, Array.from({ length: total }, (_, index) => `${JSON.stringify({ output: cases[index % cases.length]!.prediction, answer: cases[index % cases.length]!.gold })}\n`).join(''));
    const result = spawnSync(process.execPath, ['--max-semi-space-size=8', 'bench/measure-cli.mjs', 'verify', 'math', '--in', input, '--out', join(directory, 'out.jsonl'), '--checker', 'both', '--json'], {
      encoding: 'utf8',
      maxBuffer: 1 << 24,
    });
    if (result.status !== 0) throw new Error(`verify math --checker both failed (${result.status}): ${result.stderr}`);
    const summary = JSON.parse(result.stdout.trim().split('\n').pop()!) as { casesPerSecond: number; seconds: number; agreement: { disagree: number } };
    return [
      poolFigure,
      {
        name: `veridata verify math --checker both (CLI), public cases x${Math.round(total / cases.length)}`,
        value: summary.casesPerSecond,
        unit: 'cases/s',
        note: `${summary.seconds.toFixed(2)} s incl. starting python, ${summary.agreement.disagree} disagreements`,
      },
    ];
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}
