import { spawn } from 'node:child_process';
import { chmod, copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { SandboxUnavailableError } from '../src/core/errors.js';
import { type BackendStatus, type OpenOptions, type Sandbox, type SandboxBackend, SandboxJob, type SandboxResult } from './backend.js';
import { createJobCgroup, cgroupSupport } from './cgroup.js';
import { defaultRecipe, SANDBOX_FIRST_UID, SANDBOX_SLOTS } from './images/recipe.js';
import { imagePaths, rootfsReady } from './images/build-image.js';
import { newNonce, parseRunnerOutput, RUNNER_PATH, runnerInput } from './runner-protocol.js';
import { createSlots } from './slots.js';

const WORK = '/work';
/** The job's directory, the same path as on the docker backend: verdict texts read the same on both. */
const JOB = '/work/job';
const RUNTIME = '/opt/veridata-runtime';
/** Host uids bwrap runs as when veridata runs as root: as root, RLIMIT_NPROC is not enforced and caps survive in the userns. */
const HOST_UID_BASE = Number(process.env.VERIDATA_SANDBOX_HOST_UID_BASE ?? 61000);
/** Grace beyond the supervisor's own wall limit before the host kills the sandbox from outside. */
const HOST_GRACE_MS = 10_000;
/** The supervisor prints one result line; anything far beyond that is not the supervisor talking. */
const RUNNER_OUTPUT_CAP = 16 * 1024 * 1024;

async function bwrapVersion(): Promise<string | undefined> {
  const result = await execa('bwrap', ['--version'], { reject: false });
  return result.exitCode === 0 ? result.stdout.trim() : undefined;
}

function rootfsOf(options: Pick<OpenOptions, 'image'>): string {
  return options.image ?? imagePaths(defaultRecipe()).rootfs;
}

/** The bwrap argv for one run; every mount is explicit and the host's / is never visible. */
export function bwrapArguments(options: { rootfs: string; jobDirectory: string; runtimeDirectory: string; files: readonly string[]; uid: number; diskBytes: number }): string[] {
  const args = [
    '--unshare-all',
    '--unshare-user',
    '--disable-userns',
    '--die-with-parent',
    '--new-session',
    '--cap-drop',
    'ALL',
    '--uid',
    String(options.uid),
    '--gid',
    String(options.uid),
    '--hostname',
    'sandbox',
    '--ro-bind',
    options.rootfs,
    '/',
    '--proc',
    '/proc',
    '--dev',
    '/dev',
    '--size',
    String(options.diskBytes),
    '--tmpfs',
    '/tmp',
    '--size',
    String(options.diskBytes),
    '--tmpfs',
    WORK,
    // /run would hold sockets (docker.sock) on a host-derived root; ours is empty, and stays so.
    '--tmpfs',
    '/run',
    '--size',
    String(16 * 1024 * 1024),
    '--tmpfs',
    '/dev/shm',
    '--ro-bind',
    options.runtimeDirectory,
    RUNTIME,
  ];
  // Bind mounts of single files: the payload can read them, and can neither change, rename nor delete them.
  args.push('--dir', JOB);
  for (const file of options.files) args.push('--ro-bind', join(options.jobDirectory, file), join(JOB, file));
  args.push('--chdir', JOB, '--clearenv', '--setenv', 'PATH', '/usr/local/bin:/usr/bin:/bin', '--', 'python3', '-I', '-S', `${RUNTIME}/runner.py`);
  return args;
}

/** bubblewrap: namespaces, the image's root filesystem read-only, a size-capped tmpfs work dir, no host environment. */
export const bwrapBackend: SandboxBackend = {
  name: 'bwrap',
  description: 'bubblewrap: user/pid/net/ipc/uts namespaces over the sandbox image root, read-only, with a private tmpfs work dir',
  async status(options = {}): Promise<BackendStatus> {
    const version = await bwrapVersion();
    if (version === undefined) return { name: 'bwrap', available: false, detail: 'bwrap is not installed (apt-get install -y bubblewrap)' };
    const recipe = defaultRecipe();
    const rootfs = rootfsOf(options);
    if (options.image === undefined && !(await rootfsReady(recipe))) {
      return { name: 'bwrap', available: false, detail: `${version}; the sandbox image is not built (run: pnpm veridata sandbox build)` };
    }
    const probe = await execa('bwrap', ['--unshare-all', '--unshare-user', '--ro-bind', rootfs, '/', '--proc', '/proc', '--', '/bin/true'], {
      reject: false,
      ...(process.getuid?.() === 0 ? { uid: HOST_UID_BASE, gid: HOST_UID_BASE } : {}),
    });
    if (probe.exitCode !== 0) {
      return { name: 'bwrap', available: false, detail: `${version} cannot create namespaces here: ${probe.stderr.trim() || `exit ${probe.exitCode}`} (are unprivileged user namespaces enabled?)` };
    }
    const cgroups = await cgroupSupport();
    return {
      name: 'bwrap',
      available: true,
      detail: `${version}, root ${rootfs}${cgroups.version === undefined ? '' : `, cgroup v${cgroups.version} memory and pids limits`}`,
      ...(cgroups.version === undefined
        ? {
            weaker: [
              `aggregate memory limit: ${cgroups.why}; the supervisor's polling and per-process RLIMIT_AS still apply`,
              ...(process.getuid?.() === 0 ? [] : ['process limit: not enforced (RLIMIT_NPROC would count every process of your user); run as root for per-slot uids and a pids cgroup']),
            ],
          }
        : {}),
    };
  },
  async open(options): Promise<Sandbox> {
    const concurrency = Math.min(options.concurrency, SANDBOX_SLOTS);
    const rootfs = rootfsOf(options);
    if (options.image === undefined && !(await rootfsReady(defaultRecipe()))) {
      throw new SandboxUnavailableError('bwrap', `the sandbox image is not built (${rootfs})`, 'Run `pnpm veridata sandbox build` (scripts/setup.sh does it), or pass --sandbox docker.');
    }
    if ((await bwrapVersion()) === undefined) {
      throw new SandboxUnavailableError('bwrap', 'bwrap is not installed', 'Install it with: apt-get install -y bubblewrap');
    }
    const asRoot = process.getuid?.() === 0;
    // Readable by the unprivileged host uids the sandboxes run as.
    const session = await mkdtemp(join(tmpdir(), 'veridata-bwrap-'));
    await chmod(session, 0o755);
    const runtimeDirectory = join(session, 'runtime');
    await mkdir(runtimeDirectory, { mode: 0o755 });
    await copyFile(RUNNER_PATH, join(runtimeDirectory, 'runner.py'));
    await chmod(join(runtimeDirectory, 'runner.py'), 0o644);
    const slots = createSlots(concurrency);
    let jobs = 0;
    const cleanups = new Set<Promise<unknown>>();
    const sessionName = session.split('-').pop()!;

    const runInSlot = async (slot: number, input: SandboxJob, signal?: AbortSignal): Promise<SandboxResult> => {
      const job = SandboxJob.parse(input);
      jobs += 1;
      const jobNumber = jobs;
      const jobDirectory = join(session, `job-${jobNumber}`);
      await mkdir(jobDirectory, { mode: 0o755 });
      for (const file of job.files) {
        const path = join(jobDirectory, file.path);
        await mkdir(dirname(path), { recursive: true, mode: 0o755 });
        await writeFile(path, file.content, { mode: 0o644 });
      }
      const uid = SANDBOX_FIRST_UID + slot;
      const nonce = newNonce();
      const args = bwrapArguments({ rootfs, jobDirectory, runtimeDirectory, files: job.files.map((file) => file.path), uid, diskBytes: job.limits.diskBytes });
      // The supervisor and bwrap's own init are processes of the group too, hence the allowance.
      const cgroup = asRoot ? await createJobCgroup(`${sessionName}-${jobNumber}`, { memoryBytes: job.limits.memoryBytes + 64 * 1024 * 1024, pids: job.limits.processes + 8 }) : undefined;
      try {
        return await spawnSandbox({ args, asRoot, slot, input: runnerInput(job, { nonce, cwd: JOB, limitProcesses: asRoot }), nonce, wallMs: job.limits.wallMs ?? job.limits.cpuMs * 2 + 5000, cgroup, signal, memoryBytes: job.limits.memoryBytes });
      } finally {
        // Off the critical path: the result is final, the group is already dead (killed in spawnSandbox).
        const cleanup = Promise.allSettled([cgroup?.remove(), rm(jobDirectory, { recursive: true, force: true })]);
        cleanups.add(cleanup);
        void cleanup.finally(() => cleanups.delete(cleanup));
      }
    };

    return {
      name: 'bwrap',
      async run(job, runOptions = {}) {
        return slots.use((slot) => runInSlot(slot, job, runOptions.signal));
      },
      async close() {
        await slots.drain();
        await Promise.allSettled([...cleanups]);
        await rm(session, { recursive: true, force: true });
      },
    };
  },
};

async function spawnSandbox(options: {
  args: string[];
  asRoot: boolean;
  slot: number;
  input: string;
  nonce: string;
  wallMs: number;
  memoryBytes: number;
  cgroup: Awaited<ReturnType<typeof createJobCgroup>>;
  signal: AbortSignal | undefined;
}): Promise<SandboxResult> {
  const { cgroup } = options;
  // With a cgroup, a shell holds the start until the host has moved it into the group: nothing escapes accounting.
  const [command, args] = cgroup === undefined ? ['bwrap', options.args] : ['sh', ['-c', 'read -r go && exec bwrap "$@"', 'sh', ...options.args]];
  const child = spawn(command, args, {
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: true,
    // Only PATH: bwrap's own pid 1 keeps the environment it was started with, readable at /proc/1/environ.
    env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin' },
    cwd: '/',
    ...(options.asRoot ? { uid: HOST_UID_BASE + options.slot, gid: HOST_UID_BASE + options.slot } : {}),
  });
  let stdout = '';
  let stdoutBytes = 0;
  let stderr = '';
  let overflow = false;
  const kill = () => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    } catch {
      // gone
    }
    void cgroup?.kill();
  };
  child.stdout.on('data', (chunk: Buffer) => {
    stdoutBytes += chunk.length;
    if (stdoutBytes > RUNNER_OUTPUT_CAP) {
      overflow = true;
      kill();
    } else stdout += chunk.toString('utf8');
  });
  child.stderr.on('data', (chunk: Buffer) => {
    if (stderr.length < 64 * 1024) stderr += chunk.toString('utf8');
  });
  child.stdin.on('error', () => {});
  const started = performance.now();
  let hostTimedOut = false;
  const timer = setTimeout(() => {
    hostTimedOut = true;
    kill();
  }, options.wallMs + HOST_GRACE_MS);
  const onAbort = () => kill();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code, signal }));
  });
  try {
    if (cgroup !== undefined && child.pid !== undefined) {
      await cgroup.join(child.pid);
      child.stdin.write('go\n');
    }
    child.stdin.end(options.input);
    const status = await exited.catch((error: unknown) => {
      throw new SandboxUnavailableError('bwrap', `cannot start bwrap: ${String(error)}`, 'Run `pnpm veridata sandbox doctor`.', error);
    });
    options.signal?.throwIfAborted();
    const result = parseRunnerOutput(stdout, options.nonce, 'bwrap');
    const stats = await cgroup?.stats();
    const wallMs = performance.now() - started;
    if (result === undefined) {
      if (/^bwrap: /m.test(stderr) && !hostTimedOut && !overflow) {
        throw new SandboxUnavailableError('bwrap', stderr.trim().split('\n')[0]!, 'Run `pnpm veridata sandbox doctor` to see what this machine lacks.');
      }
      // The supervisor never reported: the payload killed it, drowned it, or outlived every limit.
      return {
        stop: stats?.oomKilled ? 'memory-limit' : hostTimedOut ? 'wall-limit' : 'supervisor-lost',
        exitCode: null,
        signal: status.signal,
        stdout: '',
        stderr: stderr.slice(0, 4096),
        report: '',
        truncated: overflow,
        outputBytes: stdoutBytes,
        wallMs,
        cpuMs: stats?.cpuMs ?? 0,
        peakMemoryBytes: stats?.peakMemoryBytes ?? 0,
        leftoverProcesses: 0,
        backend: 'bwrap',
        discarded: false,
      };
    }
    const { residue: _residue, ...sandboxResult } = result;
    return {
      ...sandboxResult,
      // The cgroup sees every process, the supervisor only those it polled in time.
      cpuMs: Math.max(sandboxResult.cpuMs, stats?.cpuMs ?? 0),
      peakMemoryBytes: Math.max(sandboxResult.peakMemoryBytes, stats?.peakMemoryBytes ?? 0),
      ...(stats?.oomKilled && sandboxResult.stop === 'exited' && sandboxResult.exitCode === null ? { stop: 'memory-limit' as const } : {}),
    };
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
    kill();
  }
}
