import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { VeridataError } from '../../../src/core/errors.js';
import { SympyReady, SympyReply, type SympyRequest } from './sympy-protocol.js';

/** Options of one SymPy worker process. */
export interface SympyProcessOptions {
  /** Python interpreters to try in order; the first that imports sympy is used (default: see defaultPythonCandidates). */
  readonly python?: readonly string[];
  /** Milliseconds one comparison may run before the process is killed and replaced (default 2000). */
  readonly timeoutMs?: number;
  /** Milliseconds a fresh process may take to import sympy and say it is ready (default 30000). */
  readonly startupTimeoutMs?: number;
  /** Address-space cap of the Python process in MiB (default 2048); a memory bomb becomes "could not decide". */
  readonly memoryMb?: number;
  /** Test-only: the worker honours `test-*` request kinds (sleep, exit, garbage output). Never set in production. */
  readonly testHooks?: boolean;
}

/** What became of one comparison. Only `answered` carries SymPy's decision; the others are "could not decide". */
export type SympyOutcome =
  | { readonly status: 'answered'; readonly equal: boolean | null; readonly detail: string; readonly milliseconds: number }
  | { readonly status: 'timeout'; readonly detail: string; readonly milliseconds: number }
  | { readonly status: 'crashed'; readonly detail: string; readonly milliseconds: number };

/** The interpreter and library versions a worker reported at start. */
export interface SympyVersions {
  readonly executable: string;
  readonly python: string;
  readonly sympy: string;
}

/** Default per-comparison time budget of the SymPy checker, in milliseconds. */
export const defaultSympyTimeoutMs = 2_000;
const DEFAULT_STARTUP_MS = 30_000;
/** A reply line longer than this means the worker is broken; it is killed rather than buffered without end. */
const MAX_LINE_CHARACTERS = 1 << 20;
const STDERR_TAIL = 2_000;

/**
 * Interpreters tried when none is given: `$VERIDATA_PYTHON`, else Debian's /usr/bin/python3 (where scripts/setup.sh
 * installs python3-sympy, so results match other Debian SymPy checkers even under pyenv or a venv), else `python3`.
 */
export function defaultPythonCandidates(environment: NodeJS.ProcessEnv = process.env): string[] {
  const chosen = environment.VERIDATA_PYTHON;
  if (chosen) return [chosen];
  return existsSync('/usr/bin/python3') ? ['/usr/bin/python3', 'python3'] : ['python3'];
}

/** The worker script: beside this module in a checkout; from dist/, back in the source tree (tsc copies no .py). */
function workerScript(): string {
  const beside = fileURLToPath(new URL('./sympy-worker.py', import.meta.url));
  if (existsSync(beside)) return beside;
  return fileURLToPath(new URL('../../../../verifiers/math/sympy/sympy-worker.py', import.meta.url));
}

/** An interpreter known to import sympy, remembered so later workers do not try the failing candidates again. */
const resolvedPython = new Map<string, string>();

type Pending = {
  readonly id: number;
  readonly started: number;
  readonly resolve: (outcome: SympyOutcome) => void;
  readonly timer: ReturnType<typeof setTimeout>;
};

/** Why a start failed: the interpreter is missing, or it cannot import sympy, or it said nothing in time. */
class StartFailure extends Error {}

/**
 * One persistent `python3 sympy-worker.py` process answering one comparison at a time. A comparison over its budget
 * kills the process (SIGKILL: a signal inside Python cannot interrupt big-integer work) and is reported as `timeout`;
 * a process that dies or writes a line outside the protocol is reported as `crashed`. Either way the next comparison
 * starts a fresh process, so one bad input never costs more than its budget plus a restart.
 */
export class SympyProcess {
  readonly timeoutMs: number;
  private readonly options: SympyProcessOptions;
  private child: ChildProcessWithoutNullStreams | undefined;
  private starting: Promise<SympyVersions> | undefined;
  private pending: Pending | undefined;
  private nextId = 1;
  private buffer = '';
  private stderrTail = '';
  private closed = false;
  /** Processes started, including the first. */
  starts = 0;
  versions: SympyVersions | undefined;

  constructor(options: SympyProcessOptions = {}) {
    this.options = options;
    this.timeoutMs = options.timeoutMs ?? defaultSympyTimeoutMs;
  }

  /** Process id of the running Python process, if any (for diagnostics and tests). */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Starts the process if none is running and waits until it is ready; throws INFRASTRUCTURE when sympy is missing. */
  start(): Promise<SympyVersions> {
    if (this.closed) return Promise.reject(new Error('SymPy process is closed'));
    if (this.child !== undefined && this.versions !== undefined) return Promise.resolve(this.versions);
    this.starting ??= this.startAny().finally(() => {
      this.starting = undefined;
    });
    return this.starting;
  }

  /** Sends one comparison and waits for SymPy's answer, the budget, or the process's death, whichever comes first. */
  async compare(request: Omit<SympyRequest, 'id'>): Promise<SympyOutcome> {
    if (this.pending !== undefined) throw new Error('SympyProcess answers one comparison at a time');
    await this.start();
    const child = this.child;
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) {
      return { status: 'crashed', detail: 'the SymPy process died before the comparison was sent; it is replaced', milliseconds: 0 };
    }
    const id = this.nextId++;
    return new Promise<SympyOutcome>((resolve) => {
      const started = performance.now();
      const timer = setTimeout(() => {
        this.fail(child, 'timeout', `SymPy ran past the ${this.timeoutMs} ms budget; its process was killed and is replaced`);
      }, this.timeoutMs);
      this.pending = { id, started, resolve, timer };
      child.stdin.write(`${JSON.stringify({ id, ...request })}\n`);
    });
  }

  /** Kills the process; later calls to compare() reject. */
  close(): void {
    this.closed = true;
    if (this.child !== undefined) this.kill(this.child);
    this.settle({ status: 'crashed', detail: 'the SymPy checker was closed', milliseconds: 0 });
  }

  private async startAny(): Promise<SympyVersions> {
    const candidates = this.options.python ?? defaultPythonCandidates();
    const key = candidates.join('\0');
    const known = resolvedPython.get(key);
    const failures: string[] = [];
    for (const python of known === undefined ? candidates : [known]) {
      try {
        const versions = await this.startWith(python);
        resolvedPython.set(key, python);
        return versions;
      } catch (error) {
        if (!(error instanceof StartFailure)) throw error;
        failures.push(`${python}: ${error.message}`);
      }
    }
    throw new VeridataError('INFRASTRUCTURE', `the SymPy checker cannot start (${failures.join('; ')})`, {
      hint: 'Run `bash scripts/setup.sh` (it installs python3-sympy), or set VERIDATA_PYTHON to a python3 that can import sympy.',
    });
  }

  private startWith(python: string): Promise<SympyVersions> {
    this.starts += 1;
    this.buffer = '';
    this.stderrTail = '';
    // A fixed hash seed fixes set iteration order inside SymPy, so every process reaches the same decisions.
    const environment: NodeJS.ProcessEnv = { ...process.env, PYTHONUNBUFFERED: '1', PYTHONDONTWRITEBYTECODE: '1', PYTHONHASHSEED: '0' };
    environment.VERIDATA_SYMPY_MEMORY_MB = String(this.options.memoryMb ?? 2048);
    if (this.options.testHooks) environment.VERIDATA_SYMPY_TEST_HOOKS = '1';
    else delete environment.VERIDATA_SYMPY_TEST_HOOKS;
    const child = spawn(python, ['-u', workerScript()], { stdio: ['pipe', 'pipe', 'pipe'], env: environment });
    // An idle worker must never keep Node running (a caller that forgets close(), or throws before it); while a
    // comparison or a start is pending, its timer keeps the event loop alive. Orphans exit when their stdin closes.
    child.unref();
    for (const stream of [child.stdin, child.stdout, child.stderr]) (stream as unknown as { unref?: () => void }).unref?.();
    this.child = child;
    this.versions = undefined;
    return new Promise<SympyVersions>((resolve, reject) => {
      let ready = false;
      const failStart = (why: string) => {
        if (ready) return;
        ready = true;
        clearTimeout(timer);
        this.kill(child);
        reject(new StartFailure(why));
      };
      const timer = setTimeout(() => failStart(`no ready line within ${this.options.startupTimeoutMs ?? DEFAULT_STARTUP_MS} ms`), this.options.startupTimeoutMs ?? DEFAULT_STARTUP_MS);
      child.on('error', (error) => failStart(error.message));
      child.stdin.on('error', () => {}); // EPIPE after a death; the exit handler reports it
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
        this.stderrTail = (this.stderrTail + chunk).slice(-STDERR_TAIL);
      });
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        this.buffer += chunk;
        let newline = this.buffer.indexOf('\n');
        while (newline >= 0) {
          const line = this.buffer.slice(0, newline);
          this.buffer = this.buffer.slice(newline + 1);
          if (!ready) {
            const parsed = SympyReady.safeParse(safeJson(line));
            if (!parsed.success) return failStart(`unexpected first line ${JSON.stringify(line.slice(0, 200))}`);
            if (!parsed.data.ready) return failStart(parsed.data.error);
            ready = true;
            clearTimeout(timer);
            this.versions = { executable: python, python: parsed.data.python, sympy: parsed.data.sympy };
            resolve(this.versions);
          } else this.onReply(child, line);
          newline = this.buffer.indexOf('\n');
        }
        if (this.buffer.length > MAX_LINE_CHARACTERS) {
          if (!ready) failStart('first line too long');
          else this.fail(child, 'crashed', `the SymPy process wrote a line over ${MAX_LINE_CHARACTERS} characters; it was killed and is replaced`);
        }
      });
      child.on('exit', (code, signal) => {
        const why = `exited with ${signal ?? `code ${code}`}${this.stderrTail ? `: ${lastLine(this.stderrTail)}` : ''}`;
        if (!ready) return failStart(why);
        // A process killed on purpose was already replaced; its late exit must not touch the next one's comparison.
        if (this.child !== child) return;
        this.child = undefined;
        this.versions = undefined;
        this.settle({ status: 'crashed', detail: `the SymPy process ${why}; it is replaced`, milliseconds: this.elapsed() });
      });
    });
  }

  private onReply(child: ChildProcessWithoutNullStreams, line: string): void {
    const parsed = SympyReply.safeParse(safeJson(line));
    const pending = this.pending;
    if (!parsed.success || pending === undefined || parsed.data.id !== pending.id) {
      const why = !parsed.success ? `a line outside the protocol (${JSON.stringify(line.slice(0, 120))})` : pending === undefined ? 'an unrequested reply' : `a reply to id ${parsed.data.id} while waiting for ${pending.id}`;
      this.fail(child, 'crashed', `the SymPy process wrote ${why}; it was killed and is replaced`);
      return;
    }
    this.settle({ status: 'answered', equal: parsed.data.equal, detail: parsed.data.detail, milliseconds: this.elapsed() });
  }

  /** Ends the pending comparison with `status` and kills the process; the next compare() starts a fresh one. */
  private fail(child: ChildProcessWithoutNullStreams, status: 'timeout' | 'crashed', detail: string): void {
    const milliseconds = this.elapsed();
    this.kill(child);
    this.settle({ status, detail, milliseconds });
  }

  private kill(child: ChildProcessWithoutNullStreams): void {
    if (this.child === child) {
      this.child = undefined;
      this.versions = undefined;
    }
    child.stdout.removeAllListeners('data');
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }

  private elapsed(): number {
    return this.pending === undefined ? 0 : performance.now() - this.pending.started;
  }

  private settle(outcome: SympyOutcome): void {
    const pending = this.pending;
    if (pending === undefined) return;
    this.pending = undefined;
    clearTimeout(pending.timer);
    pending.resolve(outcome);
  }
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
