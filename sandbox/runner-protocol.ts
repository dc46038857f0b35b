import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type ParsedSandboxJob, SandboxResult, wallLimitMs } from './backend.js';

/** The in-sandbox supervisor's file (trusted code, staged read-only next to every payload). */
export const RUNNER_PATH = fileURLToPath(new URL('./runtime/runner.py', import.meta.url));

let runnerText: string | undefined;
/** The supervisor's source, read once. */
export function runnerSource(): string {
  runnerText ??= readFileSync(RUNNER_PATH, 'utf8');
  return runnerText;
}

/** A fresh secret for one run: the supervisor's result line carries it, so nothing else can pass for that line. */
export function newNonce(): string {
  return randomBytes(12).toString('hex');
}

/** The environment every payload starts with; nothing of the host's leaks in. */
export function payloadEnvironment(job: ParsedSandboxJob): Record<string, string> {
  return {
    PATH: '/usr/local/bin:/usr/bin:/bin',
    HOME: '/tmp',
    TMPDIR: '/tmp',
    LANG: 'C.UTF-8',
    PYTHONDONTWRITEBYTECODE: '1',
    PYTHONHASHSEED: '0',
    VERIDATA_REPORT_FD: '3',
    ...job.env,
  };
}

/** The JSON the supervisor reads on stdin. */
export function runnerInput(job: ParsedSandboxJob, options: { nonce: string; cwd: string; clean?: readonly string[]; limitProcesses?: boolean }): string {
  return JSON.stringify({
    nonce: options.nonce,
    command: job.command,
    cwd: options.cwd,
    env: payloadEnvironment(job),
    limits: { ...job.limits, wallMs: wallLimitMs(job.limits) },
    clean: options.clean ?? [],
    limitProcesses: options.limitProcesses ?? true,
  });
}

const MARKER = '@@VERIDATA-RESULT ';

/** The supervisor's result in `stdout`, or undefined when there is none carrying `nonce` (it was killed, or never ran). */
export function parseRunnerOutput(stdout: string, nonce: string, backend: string): (SandboxResult & { residue: string[] }) | undefined {
  const at = stdout.lastIndexOf(`${MARKER}${nonce} `);
  if (at < 0) return undefined;
  const end = stdout.indexOf('\n', at);
  const text = stdout.slice(at + MARKER.length + nonce.length + 1, end < 0 ? undefined : end);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  const parsed = SandboxResult.safeParse({ ...(value as object), backend });
  if (!parsed.success) return undefined;
  const residue = (value as { residue?: unknown }).residue;
  return { ...parsed.data, residue: Array.isArray(residue) ? residue.map(String) : [] };
}
