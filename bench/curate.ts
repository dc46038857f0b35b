import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchFigure } from './gen-arith.js';

interface Measured {
  summary: Record<string, any>;
  peakRssMiB: number;
  wallSeconds: number;
}

/** Runs one command of the compiled CLI and returns its JSON summary and peak resident memory. */
function measure(args: string[]): Measured {
  const started = performance.now();
  const result = spawnSync(process.execPath, ['--max-semi-space-size=8', 'bench/measure-cli.mjs', ...args, '--json'], { encoding: 'utf8', maxBuffer: 1 << 24 });
  const wallSeconds = (performance.now() - started) / 1000;
  if (result.status !== 0) throw new Error(`${args.slice(0, 2).join(' ')} failed (${result.status}): ${result.stderr}`);
  const peak = result.stderr.split('\n').find((line) => line.includes('"bench":"peak"'));
  return { summary: JSON.parse(result.stdout.trim().split('\n').pop()!), peakRssMiB: JSON.parse(peak!).peakRssMiB, wallSeconds };
}

const note = (run: Measured, extra = '') => `${run.summary.seconds.toFixed(2)} s in-process, ${run.wallSeconds.toFixed(2)} s wall, peak ${run.peakRssMiB.toFixed(0)} MiB${extra}`;

/** dedup, decontam and split over generated prompts: 200k short arithmetic DPO lines, 200k word problems, and 1M lines for memory. */
export function benchCurate(): BenchFigure[] {
  const directory = mkdtempSync(join(tmpdir(), 'veridata-bench-curate-'));
  const path = (name: string) => join(directory, name);
  try {
    measure(['gen', 'arith', '--count', '200000', '--seed', '1', '--format', 'dpo', '--out', path('arith.jsonl'), '--test-out', path('test.jsonl'), '--test-count', '400']);
    measure(['gen', 'arith', '--count', '1000000', '--seed', '2', '--format', 'dpo', '--out', path('arith-1m.jsonl')]);
    measure(['gen', 'word', '--count', '200000', '--seed', '1', '--format', 'dpo', '--out', path('word.jsonl')]);

    const dedup = measure(['dedup', '--in', path('arith.jsonl'), '--out', path('arith.dedup.jsonl')]);
    const dedupBig = measure(['dedup', '--in', path('arith-1m.jsonl'), '--out', path('arith-1m.dedup.jsonl')]);
    const dedupWord = measure(['dedup', '--in', path('word.jsonl'), '--out', path('word.dedup.jsonl')]);
    const decontam = measure(['decontam', '--in', path('arith.jsonl'), '--against', path('test.jsonl'), '--out', path('arith.checked.jsonl')]);
    const decontamBig = measure(['decontam', '--in', path('arith-1m.jsonl'), '--against', path('test.jsonl'), '--out', path('arith-1m.checked.jsonl')]);
    const decontamWord = measure(['decontam', '--in', path('word.jsonl'), '--against', path('test.jsonl'), path('word.jsonl'), '--out', path('word.checked.jsonl')]);
    const split = measure(['split', '--in', path('arith.dedup.jsonl'), '--train', '0.8', '--val', '0.1', '--test', '0.1', '--out-dir', path('splits')]);

    const dedupNote = (run: Measured) =>
      note(run, `, ${run.summary.distinctTexts} distinct, ${run.summary.nearDuplicates} near-duplicate rows, index ${run.summary.indexMiB.toFixed(0)} MiB`);
    return [
      { name: 'dedup, 200k arithmetic DPO lines (short prompts)', value: dedup.summary.rowsPerSecond, unit: 'rows/s', note: dedupNote(dedup) },
      { name: 'dedup, 1M arithmetic DPO lines (52k possible questions)', value: dedupBig.summary.rowsPerSecond, unit: 'rows/s', note: dedupNote(dedupBig) },
      { name: 'dedup, 200k word problems (15-40 words)', value: dedupWord.summary.rowsPerSecond, unit: 'rows/s', note: dedupNote(dedupWord) },
      { name: 'decontam, 200k arithmetic lines vs 400 test questions', value: decontam.summary.rowsPerSecond, unit: 'rows/s', note: note(decontam, `, ${decontam.summary.contaminatedRows} flagged`) },
      { name: 'decontam, 1M arithmetic lines vs 400 test questions', value: decontamBig.summary.rowsPerSecond, unit: 'rows/s', note: note(decontamBig) },
      {
        name: 'decontam, 200k word problems vs themselves as a benchmark',
        value: decontamWord.summary.rowsPerSecond,
        unit: 'rows/s',
        note: note(decontamWord, `, 200k benchmark items indexed; ${decontamWord.summary.contaminatedRows} flagged`),
      },
      { name: 'split 0.8/0.1/0.1 by dedup cluster, 200k lines', value: split.summary.rowsPerSecond, unit: 'rows/s', note: note(split) },
    ];
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}
