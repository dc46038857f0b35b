import { access, appendFile, constants, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Command } from 'commander';
import { InputUnreadableError, InvalidOptionError } from '../../core/errors.js';
import { createReadStats, readJsonlLines, type JsonlLine } from '../../core/io/read-jsonl.js';
import { openResumable } from '../../core/io/write-jsonl.js';
import { mapConcurrent } from '../../core/pool/map-concurrent.js';
import { type Progress, createProgress, silentProgress } from '../../core/progress.js';
import type { Verdict } from '../../core/schemas/verdict.js';
import { withInterruptHandling } from '../../core/signals.js';
import { chooseBackend, SANDBOX_CHOICES, type SandboxLimits } from '../../../sandbox/index.js';
import { CODE_VERIFIER } from '../../../verifiers/code/decide-code-verdict.js';
import { createPythonInspector } from '../../../verifiers/code/python-inspector.js';
import { createCodeVerifier } from '../../../verifiers/code/pytest-verifier.js';
import { MIN_MEMORY_BYTES, parseDuration, parseSize } from '../../core/units.js';
import { integerFlag } from '../options.js';
import { printSummary } from '../print.js';
import { skipFirst, withVerdict } from './verify-math.js';

/** Options of one `veridata verify code --in --out` run. */
export interface VerifyCodeRunOptions {
  readonly in: string;
  readonly out: string;
  /** auto (docker when an engine answers with the image, else bwrap), docker or bwrap. */
  readonly sandbox?: string;
  readonly unsafeNoSandbox?: boolean;
  readonly image?: string;
  readonly dockerHosts?: readonly string[];
  /** Exact field holding the solution; default the first of solution, response, output, completion, solution_code. */
  readonly solutionField?: string;
  /** Exact field holding the tests; default the first of test_code, tests, test. */
  readonly testsField?: string;
  readonly concurrency?: number;
  readonly limits?: Partial<SandboxLimits>;
  readonly coverage?: boolean;
  readonly skipInvalid?: boolean;
  readonly signal?: AbortSignal;
  readonly progress?: Progress;
  /** Told once which backend runs the code (the CLI prints a warning for the unsafe one). */
  readonly onBackend?: (name: string) => void;
}

/** What a run did; counts cover the lines verified by this run. */
export interface VerifyCodeSummary {
  readonly command: 'verify code';
  readonly in: string;
  readonly out: string;
  readonly sandbox: string;
  readonly resumed: number;
  readonly verified: number;
  readonly pass: number;
  readonly fail: number;
  readonly error: number;
  readonly reasons: Record<string, number>;
  readonly skippedInvalid: number;
  /** Sandboxes replaced after a timeout, tampering or leftover files (docker). */
  readonly discarded: number;
  readonly seconds: number;
  readonly runsPerSecond: number;
}

const SOLUTION_NAMES = ['solution', 'response', 'output', 'completion', 'solution_code'];
const TESTS_NAMES = ['test_code', 'tests', 'test'];

function findField(record: Record<string, unknown>, names: readonly string[]): { name: string; value: unknown } | undefined {
  for (const name of names) {
    const value = record[name];
    if (value !== undefined && value !== null) return { name, value };
  }
  return undefined;
}

function missingField(field: string, why: string): Verdict {
  return { status: 'error', score: 0, reason: 'missing-field', verifier: CODE_VERIFIER, details: { field, why, explanation: `No verdict: the ${field} field ${why}.` } };
}

async function isRegularFile(path: string): Promise<boolean> {
  return stat(path).then(
    (stats) => stats.isFile(),
    () => false,
  );
}

/**
 * Runs every line's solution against its tests in a sandbox and writes the line back with a `verdict`, in input order.
 * Resumable: lines already in `out` are kept and skipped. Per-run timings and resources go to `<out>.runlog.jsonl`.
 * A sandbox that fails mid-run stops the run with an infrastructure error; what was verified stays, and a rerun resumes.
 */
export async function runVerifyCode(options: VerifyCodeRunOptions): Promise<VerifyCodeSummary> {
  if (resolve(options.in) === resolve(options.out)) throw new InvalidOptionError('--out', 'must differ from --in');
  if (options.in !== '-') {
    await access(options.in, constants.R_OK).catch((error: unknown) => {
      throw new InputUnreadableError(options.in, error);
    });
  }
  const started = performance.now();
  const startedAt = new Date();
  const progress = options.progress ?? silentProgress();
  const concurrency = options.concurrency ?? 2;
  const chosen = await chooseBackend(options.sandbox ?? 'auto', {
    ...(options.image === undefined ? {} : { image: options.image }),
    ...(options.dockerHosts === undefined ? {} : { dockerHosts: options.dockerHosts }),
    ...(options.unsafeNoSandbox ? { unsafeNoSandbox: true } : {}),
  });
  options.onBackend?.(chosen.backend.name);
  const output = await openResumable(options.out, () => undefined);
  const inspector = createPythonInspector();
  let sandbox: Awaited<ReturnType<typeof chosen.backend.open>> | undefined;
  const runlogPath = (await isRegularFile(options.out)) ? `${options.out}.runlog.jsonl` : undefined;
  const counts = { pass: 0, fail: 0, error: 0 };
  const reasons: Record<string, number> = {};
  const readStats = createReadStats();
  let verified = 0;
  let discarded = 0;
  let pending = '';
  let pendingLog = '';
  let completed = false;
  const flush = async () => {
    if (pendingLog !== '' && runlogPath !== undefined) {
      const text = pendingLog;
      pendingLog = '';
      await appendFile(runlogPath, text).catch(() => {});
    }
    if (pending === '') return;
    const text = pending;
    pending = '';
    await output.appendLine(text);
  };
  try {
    sandbox = await chosen.backend.open({
      concurrency,
      ...(options.image === undefined ? {} : { image: options.image }),
      ...(options.dockerHosts === undefined ? {} : { dockerHosts: options.dockerHosts }),
    });
    const verifier = createCodeVerifier({ sandbox, inspector, ...(options.limits ? { limits: options.limits } : {}), coverage: options.coverage === true });
    const solutionNames = options.solutionField ? [options.solutionField] : SOLUTION_NAMES;
    const testsNames = options.testsField ? [options.testsField] : TESTS_NAMES;
    const verifyLine = async (line: JsonlLine, _index: number, signal: AbortSignal) => {
      const solution = findField(line.value, solutionNames);
      const tests = findField(line.value, testsNames);
      if (solution === undefined) return { line, verdict: missingField(solutionNames.join('/'), 'is missing') };
      if (tests === undefined) return { line, verdict: missingField(testsNames.join('/'), 'is missing') };
      if (typeof solution.value !== 'string') return { line, verdict: missingField(solution.name, `holds a ${typeof solution.value}, not text`) };
      const testText = Array.isArray(tests.value) && tests.value.every((test) => typeof test === 'string') ? tests.value.join('\n\n') : tests.value;
      if (typeof testText !== 'string') return { line, verdict: missingField(tests.name, `holds a ${typeof tests.value}, not text`) };
      const check = await verifier.check(solution.value, testText, signal);
      return { line, verdict: check.verdict, ...(check.run ? { run: check.run } : {}) };
    };
    const lines = readJsonlLines(options.in, { skipInvalid: options.skipInvalid === true, stats: readStats, ...(options.signal ? { signal: options.signal } : {}) });
    let index = 0;
    const results = mapConcurrent(skipFirst(lines, output.doneCount), concurrency, verifyLine, {
      buffer: concurrency * 4,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    for await (const { line, verdict, run } of results) {
      index += 1;
      pending += withVerdict(line, JSON.stringify(verdict));
      counts[verdict.status] += 1;
      reasons[verdict.reason] = (reasons[verdict.reason] ?? 0) + 1;
      if (verdict.status === 'error') progress.error();
      if (run?.discarded) discarded += 1;
      const id = line.value.id ?? line.value.task_id ?? line.value.question_id;
      pendingLog += `${JSON.stringify({
        event: 'verify-code-run',
        record: output.doneCount + index,
        line: line.lineNumber,
        ...(typeof id === 'string' || typeof id === 'number' ? { id } : {}),
        status: verdict.status,
        reason: verdict.reason,
        ...(run === undefined
          ? { ran: false }
          : { backend: run.backend, stop: run.stop, wallMs: Math.round(run.wallMs), cpuMs: Math.round(run.cpuMs), peakMemoryBytes: run.peakMemoryBytes, outputBytes: run.outputBytes, leftoverProcesses: run.leftoverProcesses, discarded: run.discarded }),
      })}\n`;
      verified += 1;
      progress.tick();
      // Every verdict cost a sandbox run: written at once, so a crash loses at most the runs in flight.
      await flush();
    }
    completed = true;
  } finally {
    await flush().catch(() => {});
    try {
      await output.close();
    } finally {
      await sandbox?.close().catch(() => {});
      await inspector.close();
    }
    progress.done(completed ? undefined : 'stopped');
  }
  const seconds = (performance.now() - started) / 1000;
  const summary: VerifyCodeSummary = {
    command: 'verify code',
    in: options.in,
    out: options.out,
    sandbox: chosen.backend.name,
    resumed: output.doneCount,
    verified,
    ...counts,
    reasons,
    skippedInvalid: readStats.skipped,
    discarded,
    seconds,
    runsPerSecond: seconds > 0 ? verified / seconds : 0,
  };
  if (runlogPath !== undefined) {
    await appendFile(runlogPath, `${JSON.stringify({ event: 'verify-code', startedAt: startedAt.toISOString(), finishedAt: new Date().toISOString(), completed, ...summary })}\n`).catch(() => {});
  }
  return summary;
}

interface VerifyCodeFlags {
  in?: string;
  out?: string;
  sandbox: string;
  unsafeNoSandbox?: boolean;
  image?: string;
  dockerHost?: string;
  solutionField?: string;
  testsField?: string;
  concurrency: string;
  timeout: string;
  wallTimeout?: string;
  memory: string;
  processes: string;
  disk: string;
  output: string;
  coverage?: boolean;
  skipInvalid?: boolean;
  json?: boolean;
}

function summaryRows(summary: VerifyCodeSummary): [string, string][] {
  const percent = (part: number) => (summary.verified > 0 ? ` (${((100 * part) / summary.verified).toFixed(1)}%)` : '');
  const rows: [string, string][] = [
    ['written', `${summary.verified} lines to ${summary.out}${summary.resumed > 0 ? ` after ${summary.resumed} already there (resumed)` : ''}`],
    ['sandbox', summary.sandbox],
    ['pass', `${summary.pass}${percent(summary.pass)}`],
    ['fail', `${summary.fail}${percent(summary.fail)}`],
    ['error', `${summary.error}${percent(summary.error)}`],
    ['reasons', Object.entries(summary.reasons).sort((a, b) => b[1] - a[1]).map(([reason, count]) => `${reason} ${count}`).join(', ') || '-'],
  ];
  if (summary.skippedInvalid > 0) rows.push(['skipped', `${summary.skippedInvalid} invalid lines`]);
  if (summary.discarded > 0) rows.push(['replaced', `${summary.discarded} sandboxes (timeouts, tampering or leftovers)`]);
  rows.push(['speed', `${summary.runsPerSecond.toFixed(1)} runs/s in ${summary.seconds.toFixed(1)} s`]);
  return rows;
}

/** `veridata verify code`: run solutions against their pytest tests in a sandbox, one verdict per line. */
export function makeVerifyCodeCommand(): Command {
  return new Command('code')
    .description('Verify Python solutions against pytest tests in a sandbox (docker or bwrap): add one verdict per JSONL line')
    .requiredOption('--in <file>', 'JSONL with a solution (raw code or a markdown answer) and pytest tests per line')
    .requiredOption('--out <file>', 'the same lines with a verdict added; rerunning resumes after the lines already there')
    .option('--sandbox <name>', `where the code runs: ${SANDBOX_CHOICES.join(', ')} (auto: docker when an engine answers, else bwrap)`, 'auto')
    .option('--unsafe-no-sandbox', 'run untrusted code directly on this machine, unprotected (only when no sandbox can run)')
    .option('--image <ref>', 'sandbox image: a Docker image reference, or a root filesystem directory for bwrap (default: the built one)')
    .option('--docker-host <hosts>', 'comma-separated Docker engines to spread containers over (default DOCKER_HOST or the local socket)')
    .option('--solution-field <name>', 'field holding the solution (default: solution, else response, output, completion, solution_code)')
    .option('--tests-field <name>', 'field holding the tests (default: test_code, else tests, test)')
    .option('--concurrency <n>', 'runs at once (warm containers or bwrap slots)', '2')
    .option('--timeout <duration>', 'CPU time of one run, all its processes together (10s, 500ms, 2m)', '10s')
    .option('--wall-timeout <duration>', 'wall-clock backstop of one run (default 2 x --timeout + 5s)')
    .option('--memory <size>', 'memory of one run, all its processes together (512m, 1g)', '512m')
    .option('--processes <n>', 'processes and threads alive at once', '64')
    .option('--disk <size>', 'size of the writable work dir and of /tmp, and the largest file', '64m')
    .option('--output <size>', 'stdout + stderr + report bytes before the run is killed', '4m')
    .option('--coverage', 'measure line coverage of the solution with pytest-cov (details.coverage)')
    .option('--skip-invalid', 'skip and count lines that are not JSON objects instead of stopping')
    .option('--json', 'print the summary as one JSON object')
    .addHelpText(
      'after',
      '\nExamples:\n  pnpm veridata verify code --in trials.jsonl --out verified.jsonl\n  pnpm veridata verify code --in trials.jsonl --out verified.jsonl --sandbox bwrap --timeout 5s --memory 256m --concurrency 2\n  pnpm veridata verify code --in kodcode.jsonl --out verified.jsonl --solution-field solution --tests-field test\n',
    )
    .action(async (flags: VerifyCodeFlags) => {
      if (!(SANDBOX_CHOICES as readonly string[]).includes(flags.sandbox)) {
        throw new InvalidOptionError('--sandbox', `expected one of ${SANDBOX_CHOICES.join(', ')}, got "${flags.sandbox}"`);
      }
      const limits: Partial<SandboxLimits> = {
        cpuMs: parseDuration('--timeout', flags.timeout),
        ...(flags.wallTimeout === undefined ? {} : { wallMs: parseDuration('--wall-timeout', flags.wallTimeout) }),
        memoryBytes: parseSize('--memory', flags.memory, MIN_MEMORY_BYTES),
        processes: integerFlag('--processes', flags.processes, 1),
        diskBytes: parseSize('--disk', flags.disk),
        outputBytes: parseSize('--output', flags.output),
      };
      const progress = createProgress({ label: 'verify code', omit: ['costUsd'] });
      const summary = await withInterruptHandling((signal) =>
        runVerifyCode({
          in: flags.in!,
          out: flags.out!,
          sandbox: flags.sandbox,
          unsafeNoSandbox: flags.unsafeNoSandbox === true,
          ...(flags.image === undefined ? {} : { image: flags.image }),
          ...(flags.dockerHost === undefined ? {} : { dockerHosts: flags.dockerHost.split(',').filter(Boolean) }),
          ...(flags.solutionField === undefined ? {} : { solutionField: flags.solutionField }),
          ...(flags.testsField === undefined ? {} : { testsField: flags.testsField }),
          concurrency: integerFlag('--concurrency', flags.concurrency, 1),
          limits,
          coverage: flags.coverage === true,
          skipInvalid: flags.skipInvalid === true,
          signal,
          progress,
          onBackend: (name) => {
            if (name === 'unsafe-host') process.stderr.write('WARNING: --unsafe-no-sandbox: untrusted code runs on this machine as you, with no isolation.\n');
          },
        }),
      );
      printSummary(summaryRows(summary), summary, { json: flags.json === true });
    });
}
