import { z } from 'zod';

/** Resource limits of one sandboxed run; every one is enforced, none is advisory. */
export const SandboxLimits = z.object({
  /** CPU time of the whole process tree, the main time limit (verdicts do not depend on machine load). */
  cpuMs: z.number().int().positive().default(10_000),
  /** Wall-clock backstop for sleeping or blocked code; default 2 x cpuMs + 5 s. */
  wallMs: z.number().int().positive().optional(),
  /** Memory of the whole process tree (resident), and the address-space limit of each process. */
  memoryBytes: z.number().int().positive().default(512 * 1024 * 1024),
  /** Processes and threads alive at once. */
  processes: z.number().int().positive().default(64),
  /** stdout + stderr + report bytes; past it the run is killed (stop `output-limit`). */
  outputBytes: z.number().int().positive().default(4 * 1024 * 1024),
  /** Size of the writable work directory and /tmp (each), and the largest file a process may write. */
  diskBytes: z.number().int().positive().default(64 * 1024 * 1024),
});
export type SandboxLimits = z.infer<typeof SandboxLimits>;

/** A file placed in the work directory before the run; the payload can read it but never change or delete it. */
export const SandboxFile = z.object({
  /** Relative path inside the work directory (no `..`, no absolute paths). */
  path: z.string().regex(/^(?!\/)(?!.*(?:^|\/)\.\.(?:\/|$))[\w.\-/]+$/, 'a relative path of letters, digits, ., - and _'),
  content: z.string(),
});
export type SandboxFile = z.infer<typeof SandboxFile>;

/** One run: files, a command started in the work directory, limits. */
export const SandboxJob = z.object({
  files: z.array(SandboxFile),
  /** argv; resolved on the sandbox's PATH (/usr/local/bin:/usr/bin:/bin). */
  command: z.array(z.string()).min(1),
  /** Extra environment for the command; the sandbox passes nothing of the host's. */
  env: z.record(z.string(), z.string()).default({}),
  limits: SandboxLimits.default(SandboxLimits.parse({})),
});
export type SandboxJob = z.input<typeof SandboxJob>;
export type ParsedSandboxJob = z.output<typeof SandboxJob>;

/** Why a run ended. Only `exited` means the command finished on its own. */
export const StopReason = z.enum(['exited', 'cpu-limit', 'wall-limit', 'memory-limit', 'output-limit', 'supervisor-lost']);
export type StopReason = z.infer<typeof StopReason>;

/**
 * What a run did. `report` is what the command wrote to the report channel (fd 3, named by VERIDATA_REPORT_FD): a pipe
 * read by the supervisor, so a process that exits early cannot leave a report behind for the host to trust.
 */
export const SandboxResult = z.object({
  stop: StopReason,
  /** Exit status of the command when it exited; null when killed by a signal or by the supervisor. */
  exitCode: z.number().int().nullable(),
  signal: z.string().nullable(),
  stdout: z.string(),
  stderr: z.string(),
  report: z.string(),
  /** True when a stream was longer than what is kept here (its head is kept). */
  truncated: z.boolean(),
  outputBytes: z.number().int().nonnegative(),
  wallMs: z.number().nonnegative(),
  cpuMs: z.number().nonnegative(),
  peakMemoryBytes: z.number().nonnegative(),
  /** Processes still alive after the command ended (daemons, orphans); all were killed. */
  leftoverProcesses: z.number().int().nonnegative(),
  /** The backend that ran it, and the container or slot, for run logs. */
  backend: z.string(),
  /** Set when the sandbox could not be reused (timed out, tampered with, a reset that left files behind). */
  discarded: z.boolean().default(false),
});
export type SandboxResult = z.infer<typeof SandboxResult>;

/** Whether a backend can run here, and if not, what to do about it. */
export interface BackendStatus {
  readonly name: string;
  readonly available: boolean;
  /** One line: what works, or what is missing and how to fix it. */
  readonly detail: string;
  /** Limits this machine cannot enforce with this backend (e.g. aggregate memory without cgroups). */
  readonly weaker?: readonly string[];
}

/** Options every backend accepts when it is opened. */
export interface OpenOptions {
  /** Concurrent runs (docker: warm containers; bwrap: slots). */
  readonly concurrency: number;
  /** The sandbox image: a rootfs directory for bwrap, a Docker image reference for docker; default the built one. */
  readonly image?: string;
  /** Docker engines to spread containers over (docker only); default DOCKER_HOST or the local socket. */
  readonly dockerHosts?: readonly string[];
}

/** An opened backend: runs jobs, at most `concurrency` at once; `close()` removes everything it started. */
export interface Sandbox {
  readonly name: string;
  run(job: SandboxJob, options?: { signal?: AbortSignal }): Promise<SandboxResult>;
  close(): Promise<void>;
}

/** A way to run untrusted code; one per file in sandbox/, listed in sandbox/index.ts. */
export interface SandboxBackend {
  readonly name: string;
  readonly description: string;
  status(options?: Pick<OpenOptions, 'image' | 'dockerHosts'>): Promise<BackendStatus>;
  open(options: OpenOptions): Promise<Sandbox>;
}

/** The wall-clock backstop of a job: its own, or twice its CPU limit plus 5 s. */
export function wallLimitMs(limits: SandboxLimits): number {
  return limits.wallMs ?? limits.cpuMs * 2 + 5_000;
}
