import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface BenchFigure {
  name: string;
  value: number;
  unit: string;
  note?: string;
}

interface GenRun {
  summary: { lines: number; itemsPerSecond: number; seconds: number; uniqueQuestions: number };
  peakRssMiB: number;
  wallSeconds: number;
}

function runGen(args: string[]): GenRun {
  const started = performance.now();
  const result = spawnSync(process.execPath, ['--max-semi-space-size=8', 'bench/measure-cli.mjs', 'gen', 'arith', ...args, '--json'], {
    encoding: 'utf8',
    maxBuffer: 1 << 24,
  });
  const wallSeconds = (performance.now() - started) / 1000;
  if (result.status !== 0) throw new Error(`gen failed (${result.status}): ${result.stderr}`);
  const peak = result.stderr.split('\n').find((line) => line.includes('"bench":"peak"'));
  return {
    summary: JSON.parse(result.stdout.trim().split('\n').pop()!),
    peakRssMiB: JSON.parse(peak!).peakRssMiB,
    wallSeconds,
  };
}

/** Arithmetic generation in the notebook format: veridata beside the notebook's own Python generator. */
export function benchGenArith(): BenchFigure[] {
  const directory = mkdtempSync(join(tmpdir(), 'veridata-bench-'));
  try {
    const notebookOut = join(directory, 'notebook.jsonl');
    const python = spawnSync('python3', ['bench/notebook_arith.py', notebookOut], { encoding: 'utf8' });
    if (python.status !== 0) throw new Error(`notebook baseline failed: ${python.stderr}`);
    const notebook = JSON.parse(python.stdout) as {
      items: number;
      total_seconds: number;
      distinct_questions: number;
      peak_rss_mib: number;
    };

    const ours = runGen(['--count', '400000', '--seed', '1', '--format', 'notebook', '--out', join(directory, 'train.jsonl')]);
    const oursPerSecond = ours.summary.itemsPerSecond;
    const notebookPerSecond = notebook.items / notebook.total_seconds;

    const big = runGen(['--count', '10000000', '--seed', '1', '--format', 'notebook', '--out', join(directory, 'big.jsonl')]);
    const bigBytes = statSync(join(directory, 'big.jsonl')).size;

    return [
      { name: 'notebook python generator, 400k items (generate + write)', value: notebookPerSecond, unit: 'items/s', note: `${notebook.total_seconds.toFixed(2)} s, peak ${notebook.peak_rss_mib.toFixed(0)} MiB, ${notebook.distinct_questions} distinct questions` },
      { name: 'veridata gen arith --format notebook, 400k items', value: oursPerSecond, unit: 'items/s', note: `${ours.summary.seconds.toFixed(2)} s in-process, ${ours.wallSeconds.toFixed(2)} s wall with start-up, peak ${ours.peakRssMiB.toFixed(0)} MiB, ${ours.summary.uniqueQuestions} distinct questions` },
      { name: 'speed-up over the notebook (in-process rates)', value: oursPerSecond / notebookPerSecond, unit: 'x' },
      { name: 'veridata gen arith, 10M items: peak memory', value: big.peakRssMiB, unit: 'MiB', note: `${big.summary.seconds.toFixed(1)} s, ${Math.round(big.summary.itemsPerSecond)} items/s, ${(bigBytes / 2 ** 20).toFixed(0)} MiB written` },
    ];
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}
