import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sandboxes } from '../sandbox/index.js';
import { createPythonInspector } from '../verifiers/code/python-inspector.js';
import { createCodeVerifier } from '../verifiers/code/pytest-verifier.js';
import type { BenchFigure } from './gen-arith.js';

const SOLUTION = 'def add(a, b):\n    return a + b\n';
const TESTS = 'from solution import add\n\n\ndef test_small():\n    assert add(1, 2) == 3\n\n\ndef test_negative():\n    assert add(-5, 2) == -3\n';
const PYTEST = ['-m', 'pytest', '-q', '-p', 'no:cacheprovider', 'test_solution.py'];
const RUNS = 20;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Bare `python3 -m pytest` on the host, the baseline every backend is measured against. */
function bareRunMs(): number {
  const directory = mkdtempSync(join(tmpdir(), 'veridata-bench-pytest-'));
  writeFileSync(join(directory, 'solution.py'), SOLUTION);
  writeFileSync(join(directory, 'test_solution.py'), TESTS);
  const times: number[] = [];
  for (let run = 0; run < RUNS; run += 1) {
    const started = performance.now();
    spawnSync('/usr/bin/python3', PYTEST, { cwd: directory, stdio: 'ignore' });
    times.push(performance.now() - started);
  }
  rmSync(directory, { recursive: true, force: true });
  return median(times);
}

/**
 * Per-run overhead of each backend against bare pytest on the same two-test task (median of 20 sequential runs), then
 * the full verifier (inspection, staging, reporter plugin, verdict) in runs/second at concurrency 1 and 2.
 */
export async function benchSandbox(): Promise<BenchFigure[]> {
  const figures: BenchFigure[] = [];
  const bare = bareRunMs();
  figures.push({ name: 'bare python3 -m pytest on the host (median run)', value: bare, unit: 'ms' });
  for (const name of ['bwrap', 'docker']) {
    const backend = sandboxes.get(name);
    const status = await backend.status();
    if (!status.available) {
      figures.push({ name: `${name}: unavailable`, value: 0, unit: '', note: status.detail });
      continue;
    }
    const sandbox = await backend.open({ concurrency: 2 });
    const files = [
      { path: 'solution.py', content: SOLUTION },
      { path: 'test_solution.py', content: TESTS },
    ];
    const times: number[] = [];
    for (let run = 0; run < RUNS + 2; run += 1) {
      const started = performance.now();
      const result = await sandbox.run({ files, command: ['python3', ...PYTEST] });
      if (result.exitCode !== 0) throw new Error(`${name}: bare pytest failed in the sandbox: ${result.stdout}${result.stderr}`);
      // The first runs start the warm containers.
      if (run >= 2) times.push(performance.now() - started);
    }
    const sandboxed = median(times);
    figures.push({ name: `${name}: the same pytest run in the sandbox (median)`, value: sandboxed, unit: 'ms', note: `${(sandboxed / bare).toFixed(2)}x bare` });
    const inspector = createPythonInspector();
    for (const concurrency of [1, 2]) {
      const verifier = createCodeVerifier({ sandbox, inspector });
      const total = 40;
      const started = performance.now();
      let passed = 0;
      let next = 0;
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (next < total) {
            next += 1;
            const { verdict } = await verifier.check(SOLUTION, TESTS);
            if (verdict.status === 'pass') passed += 1;
          }
        }),
      );
      const seconds = (performance.now() - started) / 1000;
      if (passed !== total) throw new Error(`${name}: ${total - passed} of ${total} honest solutions did not pass`);
      figures.push({ name: `${name}: verify code, concurrency ${concurrency}`, value: total / seconds, unit: 'runs/s', note: `${((seconds * 1000) / total).toFixed(0)} ms per run; ${total} runs` });
    }
    await inspector.close();
    await sandbox.close();
  }
  return figures;
}
