import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createReadStream, createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { type Progress, silentProgress } from '../src/core/progress.js';
import { runGeneration } from '../src/generation/run-generation.js';
import { resolveRunConfig } from '../src/generation/run-settings.js';
import type { BenchFigure } from './gen-arith.js';

const MODEL = 'bench-model';
const LATENCY_MS = 200;
const CONCURRENCY = 64;
const IDEAL = CONCURRENCY / (LATENCY_MS / 1000);
const MAX_TOKENS = 16;

interface ServerProcess {
  readonly url: string;
  /** Stops the server and returns the CPU it used (its own process, not counted as the client's). */
  stop(): Promise<{ cpuMs: number; requests: number }>;
}

/** The local server in a child process (bench/llm-server-process.ts), so its CPU is not counted as the client's. */
async function startServer(options: Record<string, unknown>): Promise<ServerProcess> {
  const script = new URL('./llm-server-process.ts', import.meta.url).pathname;
  const child = spawn(process.execPath, ['--import', 'tsx', script, JSON.stringify(options)], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const first = await lines.next();
  if (first.done) throw new Error('bench/llm-server-process.ts ended without printing its URL');
  return {
    url: first.value.trim(),
    async stop() {
      child.stdin.end();
      const last = await lines.next();
      await once(child, 'exit').catch(() => {});
      return last.done ? { cpuMs: Number.NaN, requests: 0 } : (JSON.parse(last.value) as { cpuMs: number; requests: number });
    },
  };
}

async function writeProblems(path: string, count: number): Promise<void> {
  const stream = createWriteStream(path);
  for (let index = 0; index < count; index += 1) {
    if (!stream.write(`{"id":"p${index}","prompt":"Problem ${index}: name a number between 1 and 100."}\n`)) await once(stream, 'drain');
  }
  stream.end();
  await once(stream, 'finish');
}

/** Bought-request latencies from the run log, streamed. */
async function runlogLatencies(path: string): Promise<number[]> {
  const latencies: number[] = [];
  for await (const line of createInterface({ input: createReadStream(path), crlfDelay: Infinity })) {
    if (!line.startsWith('{"event":"generate"')) continue;
    const entry = JSON.parse(line) as { latencyMs: number | null };
    if (entry.latencyMs !== null) latencies.push(entry.latencyMs);
  }
  return latencies.sort((a, b) => a - b);
}

function percentile(sorted: readonly number[], share: number): number {
  return sorted.length === 0 ? Number.NaN : sorted[Math.min(sorted.length - 1, Math.floor(share * sorted.length))]!;
}

interface RunResult {
  readonly seconds: number;
  readonly requests: number;
  readonly perSecond: number;
  readonly cpuMsPerRequest: number;
  readonly runlog: string;
}

async function runSft(options: { url: string; directory: string; name: string; problems: number; cache: 'off' | 'read-write'; progress?: Progress }): Promise<RunResult> {
  const input = join(options.directory, `${options.name}.problems.jsonl`);
  const out = join(options.directory, `${options.name}.jsonl`);
  await writeProblems(input, options.problems);
  const config = await resolveRunConfig(
    { baseUrl: options.url, model: [MODEL], concurrency: CONCURRENCY, maxTokens: MAX_TOKENS, responses: 1, cache: options.cache, cachePath: join(options.directory, `${options.name}.sqlite`) },
    {},
  );
  const cpu = process.cpuUsage();
  const started = performance.now();
  const summary = await runGeneration({ mode: 'sft', config, problems: input, out, env: {}, ...(options.progress ? { progress: options.progress } : {}) });
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  if (summary.processed !== options.problems || summary.failedSamples !== 0) {
    throw new Error(`${options.name}: ${summary.processed} of ${options.problems} problems processed, ${summary.failedSamples} failed samples (${JSON.stringify(summary.failureCodes)})`);
  }
  const requests = summary.requests.bought;
  return { seconds, requests, perSecond: requests / seconds, cpuMsPerRequest: (used.user + used.system) / 1000 / Math.max(1, requests), runlog: summary.files.runlog };
}

/** `gc()` without starting node with --expose-gc, so memory samples show live memory rather than garbage not yet collected. */
function collector(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

interface MemorySample {
  readonly problems: number;
  readonly rssMiB: number;
  readonly heapMiB: number;
  readonly heapTotalMiB: number;
  readonly externalMiB: number;
  /** Linux: RSS that is anonymous memory (malloc, V8), as opposed to mapped files and shared memory; else NaN. */
  readonly anonymousMiB: number;
}

function anonymousRssMiB(): number {
  try {
    const match = /^RssAnon:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    return match ? Number(match[1]) / 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

/** A silent progress reporter that records RSS and live heap (after a full GC) every `every` problems. */
function memoryProbe(every: number): Progress & { readonly samples: MemorySample[] } {
  const base = silentProgress();
  const gc = collector();
  const samples: MemorySample[] = [];
  let count = 0;
  return {
    ...base,
    samples,
    tick(n = 1) {
      base.tick(n);
      count += n;
      if (count % every !== 0) return;
      gc();
      const usage = process.memoryUsage();
      samples.push({ problems: count, rssMiB: usage.rss / 2 ** 20, heapMiB: usage.heapUsed / 2 ** 20, heapTotalMiB: usage.heapTotal / 2 ** 20, externalMiB: usage.external / 2 ** 20, anonymousMiB: anonymousRssMiB() });
    },
  };
}

const verdict = (pass: boolean) => (pass ? 'PASS' : 'FAIL');

/**
 * `veridata sft` (runGeneration) against the local server in another process. Throughput at concurrency 64 and 200 ms
 * latency against the ideal 64 / 0.2 s = 320 requests/s, and the client's CPU per request, with the cache off and with
 * a fresh cache file; then memory over a long run at 0 ms latency. Targets: >= 90% of ideal, < 1 ms CPU per request,
 * flat memory. Counts: VERIDATA_BENCH_LLM_PROBLEMS (default 6400), VERIDATA_BENCH_LLM_MEMORY_PROBLEMS (100 000).
 */
export async function benchLlm(): Promise<BenchFigure[]> {
  const problems = Number(process.env.VERIDATA_BENCH_LLM_PROBLEMS ?? 6400);
  const long = Number(process.env.VERIDATA_BENCH_LLM_MEMORY_PROBLEMS ?? 100_000);
  const directory = mkdtempSync(join(tmpdir(), 'veridata-bench-llm-'));
  const figures: BenchFigure[] = [];
  try {
    if (problems > 0) {
      const slow = await startServer({ models: [MODEL], latencyMs: LATENCY_MS });
      try {
        // Loads and JITs the client's code paths, so the first measured run does not pay for them alone.
        await runSft({ url: slow.url, directory, name: 'warm-up', problems: Math.min(problems, 1024), cache: 'off' });
        for (const cache of ['off', 'read-write'] as const) {
          const result = await runSft({ url: slow.url, directory, name: `throughput-${cache}`, problems, cache });
          const latencies = await runlogLatencies(result.runlog);
          const share = (100 * result.perSecond) / IDEAL;
          const label = `cache ${cache === 'off' ? 'off' : 'read-write (fresh file)'}`;
          figures.push({ name: `${label}: sft ${problems} problems, c=${CONCURRENCY}, ${LATENCY_MS} ms latency`, value: result.perSecond, unit: 'requests/s', note: `${share.toFixed(1)}% of ideal ${IDEAL}; target >= 90%: ${verdict(share >= 90)}; ${result.seconds.toFixed(1)} s` });
          figures.push({ name: `${label}: client CPU per request`, value: result.cpuMsPerRequest, unit: 'ms', note: `target < 1 ms: ${verdict(result.cpuMsPerRequest < 1)}` });
          figures.push({ name: `${label}: request latency p50`, value: percentile(latencies, 0.5), unit: 'ms', note: 'from the run log; server latency 200 ms' });
          figures.push({ name: `${label}: request latency p99`, value: percentile(latencies, 0.99), unit: 'ms' });
        }
      } finally {
        const server = await slow.stop();
        figures.push({ name: 'server process CPU per request (not counted above)', value: server.cpuMs / Math.max(1, server.requests), unit: 'ms', note: `${server.requests} requests` });
      }
    }
    if (long <= 0) return figures;
    const fast = await startServer({ models: [MODEL], latencyMs: 0 });
    try {
      const every = Math.max(1, Math.floor(long / 10));
      const probe = memoryProbe(every);
      const result = await runSft({ url: fast.url, directory, name: 'memory', problems: long, cache: 'read-write', progress: probe });
      figures.push({ name: `memory run: sft ${long} problems, c=${CONCURRENCY}, 0 ms latency, fresh cache`, value: result.perSecond, unit: 'requests/s', note: `client CPU ${result.cpuMsPerRequest.toFixed(2)} ms/request; ${result.seconds.toFixed(1)} s` });
      for (const sample of probe.samples) {
        figures.push({ name: `  after ${sample.problems} problems: RSS`, value: sample.rssMiB, unit: 'MiB', note: `anonymous ${sample.anonymousMiB.toFixed(0)}; live heap ${sample.heapMiB.toFixed(1)} of ${sample.heapTotalMiB.toFixed(0)}; external ${sample.externalMiB.toFixed(1)} MiB` });
      }
      const from = probe.samples.find((sample) => sample.problems >= long / 5);
      const to = probe.samples.at(-1);
      if (from !== undefined && to !== undefined && to !== from) {
        const rssGrowth = to.rssMiB - from.rssMiB;
        const heapGrowth = to.heapMiB - from.heapMiB;
        figures.push({ name: `RSS growth from ${from.problems} to ${to.problems} problems`, value: rssGrowth, unit: 'MiB', note: `${((100 * rssGrowth) / from.rssMiB).toFixed(1)}%` });
        // "Flat": over the last four fifths of the run the live heap grows by under 10 MiB and RSS by under 10%.
        const flat = heapGrowth < 10 && rssGrowth < from.rssMiB * 0.1;
        figures.push({ name: `live heap growth from ${from.problems} to ${to.problems} problems`, value: heapGrowth, unit: 'MiB', note: `${((100 * heapGrowth) / from.heapMiB).toFixed(1)}%; target flat (heap < 10 MiB, RSS < 10%): ${verdict(flat)}` });
      }
    } finally {
      await fast.stop();
    }
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
  return figures;
}
