import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchFigure } from './gen-arith.js';

type PoolModule = typeof import('../verifiers/math/math-pool.js');
interface Case {
  response: string;
  gold: string;
}

// `pnpm bench` builds dist/ first; the compiled pool is what the `veridata` bin runs (workers load plain JS).
const compiledPool = new URL('../dist/verifiers/math/math-pool.js', import.meta.url).href;

function bombs(): Case[] {
  let nested = '1';
  for (let depth = 0; depth < 3000; depth += 1) nested = `(${nested}+1)`;
  return [
    { response: 'The answer is $\\boxed{10^{10^{10}}}$.', gold: '10' },
    { response: '\\boxed{9^{9^{9}}}', gold: '9' },
    { response: 'So the result is \\boxed{100000!}.', gold: '100000' },
    { response: `\\boxed{${nested}}`, gold: '3001' },
    { response: `${'x'.repeat(1 << 20)} The answer is 4.`, gold: '4' },
    { response: '\\boxed{\\frac{1}{', gold: '1' },
    { response: '}}}{{{\\left(\\right', gold: '2' },
  ];
}

/** The mixed set: the public cases repeated to `total`, about 5% of them bombs or malformed. */
function mixedCases(total: number): Case[] {
  const publicCases = readFileSync(new URL('../../shared/data/math-cases-public.jsonl', import.meta.url), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as { gold: string; prediction: string })
    .map((item) => ({ response: item.prediction, gold: item.gold }));
  const bad = bombs();
  const cases: Case[] = [];
  for (let index = 0; index < total; index += 1) {
    cases.push(index % 20 === 19 ? bad[(index / 20) % bad.length | 0]! : publicCases[index % publicCases.length]!);
  }
  return cases;
}

async function timeChecks(pool: InstanceType<PoolModule['MathPool']>, cases: Case[]): Promise<{ perSecond: number; seconds: number }> {
  const started = performance.now();
  await pool.checkAll(cases);
  const seconds = (performance.now() - started) / 1000;
  return { perSecond: cases.length / seconds, seconds };
}

/** The compiled CLI over a JSONL file of `cases`: read, verify, write, end to end (the summary's in-process rate). */
function cliCasesPerSecond(cases: Case[]): { perSecond: number; seconds: number; peakRssMiB: number } {
  const directory = mkdtempSync(join(tmpdir(), 'veridata-bench-verify-'));
  try {
    const input = join(directory, 'in.jsonl');
    writeFileSync(input, cases.map((item, index) => `${JSON.stringify({ prompt: 'p', output: item.response, answer: item.gold, trace_id: index })}\n`).join(''));
    const result = spawnSync(process.execPath, ['--max-semi-space-size=8', 'bench/measure-cli.mjs', 'verify', 'math', '--in', input, '--out', join(directory, 'out.jsonl'), '--json'], {
      encoding: 'utf8',
      maxBuffer: 1 << 24,
    });
    if (result.status !== 0) throw new Error(`verify math failed (${result.status}): ${result.stderr}`);
    const summary = JSON.parse(result.stdout.trim().split('\n').pop()!) as { casesPerSecond: number; seconds: number };
    const peak = JSON.parse(result.stderr.split('\n').find((line) => line.includes('"bench":"peak"'))!) as { peakRssMiB: number };
    return { perSecond: summary.casesPerSecond, seconds: summary.seconds, peakRssMiB: peak.peakRssMiB };
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

/** Math verification through the worker pool at its default concurrency: a mixed set with bombs, and plain integers. */
export async function benchVerifyMath(): Promise<BenchFigure[]> {
  const { createMathPool } = (await import(compiledPool)) as PoolModule;
  const pool = createMathPool();
  try {
    await pool.checkAll(mixedCases(2_000)); // warm the workers' JIT
    const mixed = mixedCases(20_000);
    const mixedRun = await timeChecks(pool, mixed);
    const guardsAfterMixed = pool.stats.respawns;

    const integers: Case[] = Array.from({ length: 200_000 }, (_, index) => ({ response: `The answer is ${index % 997}.`, gold: String(index % 991) }));
    const integerRun = await timeChecks(pool, integers);

    let slowest = 0;
    let slowestCase = '';
    for (const item of [...mixed.slice(0, 140), ...bombs()]) {
      const started = performance.now();
      await pool.check(item.response, item.gold);
      const elapsed = performance.now() - started;
      if (elapsed > slowest) {
        slowest = elapsed;
        slowestCase = item.response.length > 40 ? `${item.response.slice(0, 40)}...` : item.response;
      }
    }
    await pool.close();
    const mixedCli = cliCasesPerSecond(mixed);
    const integerCli = cliCasesPerSecond(integers);
    return [
      { name: `verify math, mixed set (${mixed.length} cases, 5% bombs/malformed)`, value: mixedRun.perSecond, unit: 'cases/s', note: `${mixedRun.seconds.toFixed(2)} s, ${pool.concurrency} workers, ${guardsAfterMixed} cut by the pool (incl. warm-up)` },
      { name: `verify math, plain integer answers (${integers.length} cases)`, value: integerRun.perSecond, unit: 'cases/s', note: `${integerRun.seconds.toFixed(2)} s` },
      { name: 'veridata verify math (CLI, JSONL in and out), mixed set', value: mixedCli.perSecond, unit: 'cases/s', note: `${mixedCli.seconds.toFixed(2)} s, peak ${mixedCli.peakRssMiB.toFixed(0)} MiB` },
      { name: 'veridata verify math (CLI, JSONL in and out), integers', value: integerCli.perSecond, unit: 'cases/s', note: `${integerCli.seconds.toFixed(2)} s, peak ${integerCli.peakRssMiB.toFixed(0)} MiB` },
      { name: 'verify math, slowest single case (public cases + bombs, one at a time)', value: slowest, unit: 'ms', note: JSON.stringify(slowestCase) },
    ];
  } finally {
    await pool.close();
  }
}
