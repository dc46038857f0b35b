import { spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { silentProgress, type Progress } from '../src/core/progress.js';
import { runGeneration } from '../src/generation/run-generation.js';
import { resolveRunConfig } from '../src/generation/run-settings.js';
import type { BenchFigure } from './gen-arith.js';

const LATENCY_MS = 200;
const CONCURRENCY = 64;

async function startServer(options: Record<string, unknown>): Promise<{ url: string; stop(): void }> {
  const child = spawn(process.execPath, ['--import', 'tsx', new URL('./llm-server-process.ts', import.meta.url).pathname, JSON.stringify(options)], { stdio: ['pipe', 'pipe', 'inherit'] });
  const [line] = (await once(createInterface({ input: child.stdout! }), 'line')) as [string];
  return { url: line.trim(), stop: () => child.stdin!.end() };
}

async function writeProblems(path: string, count: number): Promise<void> {
  const stream = createWriteStream(path);
  for (let index = 0; index < count; index += 1) {
    if (!stream.write(`{"id":"p${index}","prompt":"Problem ${index}: name a number."}\n`)) await once(stream, 'drain');
  }
  stream.end();
  await once(stream, 'finish');
}

/** A progress reporter that samples memory every `every` problems. */
function memoryProbe(every: number): Progress & { samples: { count: number; rssMiB: number; heapMiB: number }[] } {
  const base = silentProgress();
  let count = 0;
  const samples: { count: number; rssMiB: number; heapMiB: number }[] = [];
  return {
    ...base,
    samples,
    tick(n = 1) {
      base.tick(n);
      count += n;
      if (count % every === 0) {
        const usage = process.memoryUsage();
        samples.push({ count, rssMiB: usage.rss / 2 ** 20, heapMiB: usage.heapUsed / 2 ** 20 });
      }
    },
  };
}

async function run(url: string, directory: string, name: string, problems: number, cache: 'off' | 'read-write', progress?: Progress) {
  const input = join(directory, `${name}.problems.jsonl`);
  await writeProblems(input, problems);
  const config = await resolveRunConfig({ baseUrl: url, model: ['bench-model'], concurrency: CONCURRENCY, maxTokens: 16, cache, cachePath: join(directory, `${name}.sqlite`) }, {});
  const cpu = process.cpuUsage();
  const started = performance.now();
  const summary = await runGeneration({ mode: 'sft', config, problems: input, out: join(directory, `${name}.jsonl`), env: {}, ...(progress ? { progress } : {}) });
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  const requests = summary.requests.bought;
  return { seconds, requests, perSecond: requests / seconds, cpuMsPerRequest: (used.user + used.system) / 1000 / Math.max(1, requests) };
}

/**
 * `veridata sft` against the local server in another process: throughput at concurrency 64 with 200 ms latency (ideal
 * 64 / 0.2 s = 320 requests/s), the client's CPU per request, and memory over a long run at near-zero latency.
 */
export async function benchLlm(): Promise<BenchFigure[]> {
  const problems = Number(process.env.VERIDATA_BENCH_LLM_PROBLEMS ?? 6400);
  const long = Number(process.env.VERIDATA_BENCH_LLM_LONG ?? 100_000);
  const directory = mkdtempSync(join(tmpdir(), 'veridata-bench-llm-'));
  const figures: BenchFigure[] = [];
  const ideal = CONCURRENCY / (LATENCY_MS / 1000);
  const slow = await startServer({ models: ['bench-model'], latencyMs: LATENCY_MS });
  try {
    for (const cache of ['off', 'read-write'] as const) {
      const result = await run(slow.url, directory, `throughput-${cache}`, problems, cache);
      figures.push({ name: `sft ${problems} problems, c=64, 200 ms latency, cache ${cache}`, value: result.perSecond, unit: 'requests/s', note: `${((100 * result.perSecond) / ideal).toFixed(1)}% of ideal ${ideal}; target >= 90%` });
      figures.push({ name: `client CPU per request, cache ${cache}`, value: result.cpuMsPerRequest, unit: 'ms', note: 'target < 1 ms' });
    }
  } finally {
    slow.stop();
  }
  const fast = await startServer({ models: ['bench-model'], latencyMs: 0 });
  try {
    const probe = memoryProbe(Math.max(1, Math.floor(long / 10)));
    const result = await run(fast.url, directory, 'memory', long, 'read-write', probe);
    const first = probe.samples.find((sample) => sample.count >= long / 5) ?? probe.samples[0];
    const last = probe.samples.at(-1);
    figures.push({ name: `sft ${long} problems at 0 ms latency`, value: result.perSecond, unit: 'requests/s' });
    if (first && last) {
      figures.push({ name: `RSS at ${first.count} / ${last.count} problems`, value: last.rssMiB, unit: 'MiB', note: `${first.rssMiB.toFixed(0)} MiB at ${first.count}; heap ${first.heapMiB.toFixed(0)} -> ${last.heapMiB.toFixed(0)} MiB` });
    }
  } finally {
    fast.stop();
    rmSync(directory, { recursive: true, force: true });
  }
  return figures;
}
