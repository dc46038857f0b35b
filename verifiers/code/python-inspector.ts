import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { VeridataError } from '../../src/core/errors.js';
import { type CodeInspection, InspectionReply, uninspected } from './code-inspection.js';

/** Options of one inspector process. */
export interface PythonInspectorOptions {
  /** The interpreter (default `python3`); only its standard library is used. */
  readonly python?: string;
  /** Milliseconds one inspection may take before the process is killed and replaced (default 5000). */
  readonly timeoutMs?: number;
  /** Test-only: a test file starting `#test-hooks {"sleep": s, "exit": code, "garbage": true}` makes the process misbehave. */
  readonly testHooks?: boolean;
}

/** A long-lived `python3 inspect_code.py` answering inspections one at a time, in the order they were asked. */
export interface PythonInspector {
  /** Inspects a test file and a solution; never rejects for bad code (that is an inspection with `ok: false`). */
  inspect(tests: string, solution: string): Promise<CodeInspection>;
  /** Ends the process; inspections still queued resolve as not inspected, later calls reject. */
  close(): Promise<void>;
  /** Processes started so far, including restarts after a timeout or a crash. */
  readonly starts: number;
}

/** Default time budget of one inspection, in milliseconds. */
export const defaultInspectionTimeoutMs = 5_000;
/** A side longer than this is not sent: it is reported as not inspected, since parsing it could outlast any budget. */
export const maxInspectedCharacters = 1_000_000;
/** A reply line longer than this means the process is broken; it is killed rather than buffered without end. */
const MAX_LINE_CHARACTERS = 1 << 24;
const STDERR_TAIL = 2_000;

/** The inspector script: beside this module in a checkout; from dist/, back in the source tree (tsc copies no .py). */
function inspectorScript(): string {
  const beside = fileURLToPath(new URL('./python/inspect_code.py', import.meta.url));
  if (existsSync(beside)) return beside;
  return fileURLToPath(new URL('../../../verifiers/code/python/inspect_code.py', import.meta.url));
}

type Job = {
  readonly tests: string;
  readonly solution: string;
  readonly resolve: (inspection: CodeInspection) => void;
  readonly reject: (error: unknown) => void;
};

/**
 * Starts nothing until the first inspection; then one Python process (`-I -S`: no site, no user paths, no PYTHON*
 * variables) serves every inspection. An inspection over its budget kills the process (SIGKILL) and resolves as
 * "inspection timed out"; a process that dies or writes outside the protocol resolves the inspection in flight as
 * not inspected. Either way the next inspection starts a fresh process. A missing interpreter rejects with
 * INFRASTRUCTURE.
 */
export function createPythonInspector(options: PythonInspectorOptions = {}): PythonInspector {
  const python = options.python ?? 'python3';
  const timeoutMs = options.timeoutMs ?? defaultInspectionTimeoutMs;
  const script = inspectorScript();
  const queue: Job[] = [];
  let child: ChildProcessWithoutNullStreams | undefined;
  let current: { job: Job; id: number; timer: ReturnType<typeof setTimeout> } | undefined;
  let buffer = '';
  let stderrTail = '';
  let nextId = 1;
  let starts = 0;
  let closed = false;

  function start(): ChildProcessWithoutNullStreams {
    starts += 1;
    buffer = '';
    stderrTail = '';
    const environment: NodeJS.ProcessEnv = { ...process.env };
    if (options.testHooks) environment.VERIDATA_INSPECT_TEST_HOOKS = '1';
    else delete environment.VERIDATA_INSPECT_TEST_HOOKS;
    const started = spawn(python, ['-I', '-S', '-u', script], { stdio: ['pipe', 'pipe', 'pipe'], env: environment });
    // An idle inspector must never keep Node running; while an inspection is in flight its timer keeps the loop
    // alive. An orphaned process exits when its stdin closes.
    started.unref();
    for (const stream of [started.stdin, started.stdout, started.stderr]) (stream as unknown as { unref?: () => void }).unref?.();
    started.on('error', (error: NodeJS.ErrnoException) => {
      if (child === started) child = undefined;
      const failure =
        error.code === 'ENOENT'
          ? new VeridataError('INFRASTRUCTURE', `cannot inspect code: ${python} was not found`, {
              hint: 'Install Python 3 (Debian/Ubuntu: `apt-get install python3`), or pass the interpreter path as the `python` option.',
              cause: error,
            })
          : new VeridataError('INFRASTRUCTURE', `cannot inspect code: ${python} did not start (${error.message})`, { cause: error });
      // Nothing queued can succeed with this interpreter.
      for (const job of [...(current ? [current.job] : []), ...queue.splice(0)]) job.reject(failure);
      if (current) clearTimeout(current.timer);
      current = undefined;
    });
    started.stdin.on('error', () => {}); // EPIPE after a death; the exit handler reports it
    started.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderrTail = (stderrTail + chunk).slice(-STDERR_TAIL);
    });
    started.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      buffer += chunk;
      let newline = buffer.indexOf('\n');
      while (newline >= 0) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 1);
        onLine(started, line);
        if (child !== started) return;
        newline = buffer.indexOf('\n');
      }
      if (buffer.length > MAX_LINE_CHARACTERS) fail(started, `the inspector wrote a line over ${MAX_LINE_CHARACTERS} characters; it was killed`);
    });
    started.on('exit', (code, signal) => {
      // A process killed on purpose was already replaced; its late exit must not touch the next inspection.
      if (child !== started) return;
      child = undefined;
      const why = `exited with ${signal ?? `code ${code}`}${stderrTail ? `: ${lastLine(stderrTail)}` : ''}`;
      finish(uninspected(`inspection failed: the inspector process ${why}`));
    });
    return started;
  }

  function onLine(from: ChildProcessWithoutNullStreams, line: string): void {
    const parsed = InspectionReply.safeParse(safeJson(line));
    if (!parsed.success || current === undefined || parsed.data.id !== current.id) {
      const why = !parsed.success ? `a line outside the protocol (${JSON.stringify(line.slice(0, 120))})` : current === undefined ? 'an unrequested reply' : `a reply to id ${String(parsed.data.id)} while waiting for ${current.id}`;
      fail(from, `inspection failed: the inspector wrote ${why}; it was killed`);
      return;
    }
    const { id: _id, ...inspection } = parsed.data;
    finish(inspection);
  }

  /** Kills `from` and resolves the inspection in flight with `message`; the next inspection starts a fresh process. */
  function fail(from: ChildProcessWithoutNullStreams, message: string): void {
    kill(from);
    finish(uninspected(message));
  }

  function kill(process_: ChildProcessWithoutNullStreams): void {
    if (child === process_) child = undefined;
    process_.stdout.removeAllListeners('data');
    if (process_.exitCode === null && process_.signalCode === null) process_.kill('SIGKILL');
  }

  function finish(inspection: CodeInspection): void {
    const done = current;
    if (done === undefined) return;
    current = undefined;
    clearTimeout(done.timer);
    done.job.resolve(inspection);
    pump();
  }

  function pump(): void {
    if (current !== undefined || closed) return;
    const job = queue.shift();
    if (job === undefined) return;
    const tooLarge = [job.tests, job.solution].map((text) => text.length > maxInspectedCharacters);
    if (tooLarge[0] && tooLarge[1]) {
      job.resolve(uninspected(tooLargeMessage(Math.max(job.tests.length, job.solution.length))));
      pump();
      return;
    }
    child ??= start();
    const id = nextId++;
    const running = child;
    const timer = setTimeout(() => fail(running, 'inspection timed out'), timeoutMs);
    const resolve = (inspection: CodeInspection) => job.resolve(withTooLarge(inspection, job, tooLarge));
    current = { job: { ...job, resolve }, id, timer };
    const request = { id, tests: tooLarge[0] ? '' : job.tests, solution: tooLarge[1] ? '' : job.solution };
    running.stdin.write(`${JSON.stringify(request)}\n`);
  }

  return {
    inspect(tests: string, solution: string): Promise<CodeInspection> {
      if (closed) return Promise.reject(new Error('the code inspector is closed'));
      return new Promise<CodeInspection>((resolve, reject) => {
        queue.push({ tests, solution, resolve, reject });
        pump();
      });
    },
    close(): Promise<void> {
      closed = true;
      for (const job of queue.splice(0)) job.resolve(uninspected('inspection cancelled: the inspector was closed'));
      const running = child;
      child = undefined;
      if (current) {
        clearTimeout(current.timer);
        current.job.resolve(uninspected('inspection cancelled: the inspector was closed'));
        current = undefined;
      }
      if (running === undefined || running.exitCode !== null || running.signalCode !== null) return Promise.resolve();
      return new Promise<void>((resolve) => {
        // Closing stdin ends the read loop; a process busy on a huge input is killed instead of awaited.
        running.stdout.removeAllListeners('data');
        const timer = setTimeout(() => running.kill('SIGKILL'), 1_000);
        running.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        running.stdin.end();
      });
    },
    get starts() {
      return starts;
    },
  };
}

function tooLargeMessage(characters: number): string {
  return `not inspected: ${characters} characters, over the ${maxInspectedCharacters} an inspection reads`;
}

/** The inspection with an oversized side (sent as empty text) marked as not inspected. */
function withTooLarge(inspection: CodeInspection, job: Job, tooLarge: boolean[]): CodeInspection {
  return {
    tests: tooLarge[0] ? uninspected(tooLargeMessage(job.tests.length)).tests : inspection.tests,
    solution: tooLarge[1] ? uninspected(tooLargeMessage(job.solution.length)).solution : inspection.solution,
  };
}

function safeJson(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
}

function lastLine(text: string): string {
  return text.trim().split('\n').pop() ?? '';
}
