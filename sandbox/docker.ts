import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { PassThrough } from 'node:stream';
import Docker from 'dockerode';
import { SandboxUnavailableError } from '../src/core/errors.js';
import { type BackendStatus, type OpenOptions, type ParsedSandboxJob, type Sandbox, type SandboxBackend, SandboxJob, type SandboxLimits, type SandboxResult, wallLimitMs } from './backend.js';
import { defaultRecipe, imageTag, SANDBOX_FIRST_UID, SANDBOX_SLOTS } from './images/recipe.js';
import { newNonce, parseRunnerOutput, runnerInput, runnerSource } from './runner-protocol.js';
import { createSlots } from './slots.js';

const RUNTIME = '/work/.runtime';
const JOB_DIRECTORY = '/work/job';
/** The container's own process: an idle one, as a uid no payload uses. */
const IDLE_USER = '65534:65534';
const HOST_GRACE_MS = 10_000;
const EXEC_OUTPUT_CAP = 16 * 1024 * 1024;
/** Beyond the payload's memory: the supervisor, the idle process, page cache of the tmpfs. */
const CONTAINER_MEMORY_ALLOWANCE = 96 * 1024 * 1024;

/**
 * Writes one job's files as root (no capabilities: root only because it owns /work), read-only to the payload, in a
 * sticky world-writable directory the payload may add to but not delete from, after removing the previous job's.
 */
const STAGER = `
import json, os, shutil, sys
job = json.loads(sys.stdin.buffer.read())
shutil.rmtree(job["dir"], ignore_errors=True)
if "runner" in job:
    os.makedirs("${RUNTIME}", mode=0o755, exist_ok=True)
    with open("${RUNTIME}/runner.py", "w") as handle:
        handle.write(job["runner"])
    os.chmod("${RUNTIME}/runner.py", 0o444)
os.mkdir(job["dir"], 0o755)
for path, content in job["files"]:
    target = os.path.join(job["dir"], path)
    os.makedirs(os.path.dirname(target), mode=0o755, exist_ok=True)
    with open(target, "w", encoding="utf-8") as handle:
        handle.write(content)
    os.chmod(target, 0o444)
os.chmod(job["dir"], 0o1777)
sys.stdout.write("staged\\n")
`;

/** Docker clients for `--docker-host` values (unix:///path, tcp://host:port, ssh://...), or DOCKER_HOST / the local socket. */
export function dockerClients(hosts: readonly string[] | undefined): Docker[] {
  if (hosts === undefined || hosts.length === 0) return [new Docker()];
  return hosts.map((host) => {
    if (host.startsWith('unix://')) return new Docker({ socketPath: host.slice('unix://'.length) });
    if (host.startsWith('/')) return new Docker({ socketPath: host });
    const url = new URL(host.replace(/^tcp:/, 'http:'));
    return new Docker({ host: url.hostname, port: Number(url.port || 2375), protocol: url.protocol === 'https:' ? 'https' : url.protocol === 'ssh:' ? 'ssh' : 'http' });
  });
}

function describeHost(docker: Docker): string {
  const options = docker.modem as unknown as { socketPath?: unknown; host?: string; port?: number; protocol?: string };
  if (typeof options.socketPath === 'string') return `unix://${options.socketPath}`;
  if (options.host !== undefined) return `${options.protocol ?? 'http'}://${options.host}:${options.port ?? ''}`;
  return process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock';
}

async function ping(docker: Docker): Promise<string | undefined> {
  try {
    await docker.ping();
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

function limitsKey(limits: SandboxLimits): string {
  return `${limits.memoryBytes}/${limits.processes}/${limits.diskBytes}`;
}

/** One warm container and what it was created for. */
interface Warm {
  readonly container: Docker.Container;
  readonly docker: Docker;
  readonly limits: string;
  runnerStaged: boolean;
}

/** docker: warm long-lived containers (no network, read-only root, tmpfs work dir, no capabilities), one exec per step. */
export const dockerBackend: SandboxBackend = {
  name: 'docker',
  description: 'Docker engine: warm containers with no network, a read-only root, all capabilities dropped; docker exec per run',
  async status(options = {}): Promise<BackendStatus> {
    const clients = dockerClients(options.dockerHosts);
    const image = options.image ?? imageTag(defaultRecipe());
    const problems: string[] = [];
    for (const docker of clients) {
      const down = await ping(docker);
      if (down !== undefined) {
        problems.push(`${describeHost(docker)}: no engine answers (${down}); scripts/setup.sh starts one as root`);
        continue;
      }
      const present = await docker.getImage(image).inspect().then(() => true, () => false);
      if (!present) problems.push(`${describeHost(docker)}: image ${image} is missing (run: pnpm veridata sandbox build)`);
    }
    if (problems.length > 0) return { name: 'docker', available: false, detail: problems.join('; ') };
    return { name: 'docker', available: true, detail: `${clients.map(describeHost).join(', ')}, image ${image}` };
  },
  async open(options): Promise<Sandbox> {
    const clients = dockerClients(options.dockerHosts);
    const image = options.image ?? imageTag(defaultRecipe());
    for (const docker of clients) {
      const down = await ping(docker);
      if (down !== undefined) {
        throw new SandboxUnavailableError('docker', `no Docker engine at ${describeHost(docker)} (${down})`, 'Start one (scripts/setup.sh does, as root), set DOCKER_HOST, or use --sandbox bwrap.');
      }
      const present = await docker.getImage(image).inspect().then(() => true, () => false);
      if (!present) {
        throw new SandboxUnavailableError('docker', `image ${image} does not exist on ${describeHost(docker)}`, 'Build it with `pnpm veridata sandbox build`, or name another with --image.');
      }
    }
    const concurrency = Math.min(options.concurrency, SANDBOX_SLOTS);
    const session = randomBytes(4).toString('hex');
    for (const docker of clients) await removeOrphans(docker);
    const slots = createSlots(concurrency);
    const warm: (Warm | undefined)[] = Array.from({ length: concurrency }, () => undefined);
    const removing = new Set<Promise<unknown>>();
    let closed = false;

    const discard = (slot: number) => {
      const entry = warm[slot];
      warm[slot] = undefined;
      if (entry === undefined) return;
      const removal = entry.container.remove({ force: true }).catch(() => {});
      removing.add(removal);
      void removal.finally(() => removing.delete(removal));
    };

    const containerFor = async (slot: number, limits: SandboxLimits): Promise<Warm> => {
      const existing = warm[slot];
      if (existing !== undefined && existing.limits === limitsKey(limits)) return existing;
      if (existing !== undefined) discard(slot);
      const docker = clients[slot % clients.length]!;
      const memory = limits.memoryBytes + CONTAINER_MEMORY_ALLOWANCE;
      const tmpfsOptions = `rw,nosuid,nodev,size=${limits.diskBytes},mode=1777`;
      try {
        const container = await docker.createContainer({
          Image: image,
          Cmd: ['sleep', 'infinity'],
          User: IDLE_USER,
          WorkingDir: '/work',
          Env: ['PATH=/usr/local/bin:/usr/bin:/bin'],
          NetworkDisabled: true,
          Labels: { 'veridata.sandbox': session, 'veridata.owner': `${hostname()}:${process.pid}` },
          HostConfig: {
            NetworkMode: 'none',
            ReadonlyRootfs: true,
            Tmpfs: { '/work': tmpfsOptions, '/tmp': tmpfsOptions },
            CapDrop: ['ALL'],
            SecurityOpt: ['no-new-privileges'],
            Memory: memory,
            MemorySwap: memory,
            // The supervisor, the stager and the idle process count too.
            PidsLimit: limits.processes + 8,
            NanoCpus: 1e9,
            Init: true,
            IpcMode: 'private',
            ShmSize: 16 * 1024 * 1024,
            Ulimits: [{ Name: 'core', Soft: 0, Hard: 0 }],
          },
        });
        await container.start();
        const entry: Warm = { container, docker, limits: limitsKey(limits), runnerStaged: false };
        warm[slot] = entry;
        return entry;
      } catch (error) {
        throw engineError(docker, error);
      }
    };

    const runInSlot = async (slot: number, input: SandboxJob, signal?: AbortSignal): Promise<SandboxResult> => {
      if (closed) throw new Error('sandbox closed');
      const job = SandboxJob.parse(input);
      const entry = await containerFor(slot, job.limits);
      // One fixed path: tracebacks and messages in verdicts read the same on every run and on both backends.
      const directory = JOB_DIRECTORY;
      const staging = JSON.stringify({
        dir: directory,
        files: job.files.map((file) => [file.path, file.content]),
        ...(entry.runnerStaged ? {} : { runner: runnerSource() }),
      });
      const staged = await execIn(entry, { command: ['python3', '-I', '-S', '-c', STAGER], user: '0:0', input: staging, timeoutMs: 60_000 });
      if (!staged.stdout.includes('staged')) {
        discard(slot);
        throw new SandboxUnavailableError('docker', `could not stage files in a container: ${staged.stderr.slice(0, 300)}`, 'Run `pnpm veridata sandbox doctor`.');
      }
      entry.runnerStaged = true;
      const uid = SANDBOX_FIRST_UID + slot;
      const nonce = newNonce();
      const started = performance.now();
      const ran = await execIn(entry, {
        command: ['python3', '-I', '-S', `${RUNTIME}/runner.py`],
        user: `${uid}:${uid}`,
        input: runnerInput(job, { nonce, cwd: directory, clean: ['/tmp', '/dev/shm', directory] }),
        timeoutMs: wallLimitMs(job.limits) + HOST_GRACE_MS,
        ...(signal ? { signal } : {}),
      });
      const result = parseRunnerOutput(ran.stdout, nonce, 'docker');
      if (result === undefined) {
        discard(slot);
        return {
          stop: ran.timedOut ? 'wall-limit' : 'supervisor-lost',
          exitCode: null,
          signal: null,
          stdout: '',
          stderr: ran.stderr.slice(0, 4096),
          report: '',
          truncated: ran.overflow,
          outputBytes: ran.stdout.length,
          wallMs: performance.now() - started,
          cpuMs: 0,
          peakMemoryBytes: 0,
          leftoverProcesses: 0,
          backend: 'docker',
          discarded: true,
        };
      }
      const { residue, ...sandboxResult } = result;
      // Anything that outlived its limits or left files we could not delete may have changed the container: replace it.
      const discarded = sandboxResult.stop !== 'exited' || residue.length > 0;
      if (discarded) discard(slot);
      return { ...sandboxResult, discarded };
    };

    return {
      name: 'docker',
      run(job, runOptions = {}) {
        return slots.use((slot) => runInSlot(slot, job, runOptions.signal));
      },
      async close() {
        closed = true;
        await slots.drain();
        for (let slot = 0; slot < warm.length; slot += 1) discard(slot);
        await Promise.allSettled([...removing]);
      },
    };
  },
};

/**
 * Removes containers left by veridata processes of this machine that are gone (killed, or cut off from their engine
 * mid-run): warm containers are only ever used by the process that made them.
 */
async function removeOrphans(docker: Docker): Promise<void> {
  const containers = await docker.listContainers({ all: true, filters: { label: ['veridata.owner'] } }).catch(() => []);
  for (const info of containers) {
    const [host, pid] = (info.Labels['veridata.owner'] ?? '').split(':');
    if (host !== hostname() || pid === undefined || processAlive(Number(pid))) continue;
    await docker.getContainer(info.Id).remove({ force: true }).catch(() => {});
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function engineError(docker: Docker, error: unknown): SandboxUnavailableError {
  return new SandboxUnavailableError(
    'docker',
    `the Docker engine at ${describeHost(docker)} failed: ${(error as Error).message}`,
    'Check it with `pnpm veridata sandbox doctor`; rerun the same command to resume, finished records are kept.',
    error,
  );
}

interface ExecOutcome {
  readonly stdout: string;
  readonly stderr: string;
  readonly timedOut: boolean;
  readonly overflow: boolean;
}

/** One `docker exec` with stdin; a host-side deadline kills the container (killing the client would not stop the process). */
async function execIn(
  entry: Warm,
  options: { command: string[]; user: string; input: string; timeoutMs: number; signal?: AbortSignal },
): Promise<ExecOutcome> {
  let stdout = '';
  let stderr = '';
  let bytes = 0;
  let overflow = false;
  let timedOut = false;
  let stream: NodeJS.ReadWriteStream | undefined;
  const out = new PassThrough();
  const err = new PassThrough();
  const kill = () => {
    void entry.container.kill().catch(() => {});
    (stream as unknown as { destroy?: () => void } | undefined)?.destroy?.();
  };
  out.on('data', (chunk: Buffer) => {
    bytes += chunk.length;
    if (bytes > EXEC_OUTPUT_CAP) {
      overflow = true;
      kill();
    } else stdout += chunk.toString('utf8');
  });
  err.on('data', (chunk: Buffer) => {
    if (stderr.length < 64 * 1024) stderr += chunk.toString('utf8');
  });
  const timer = setTimeout(() => {
    timedOut = true;
    kill();
  }, options.timeoutMs);
  const onAbort = () => kill();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const exec = await entry.container.exec({
      Cmd: options.command,
      User: options.user,
      AttachStdin: true,
      AttachStdout: true,
      AttachStderr: true,
      Tty: false,
      Env: ['PATH=/usr/local/bin:/usr/bin:/bin'],
    });
    stream = await exec.start({ hijack: true, stdin: true });
    const ended = new Promise<void>((resolve) => {
      stream!.on('end', resolve);
      stream!.on('close', resolve);
      stream!.on('error', () => resolve());
    });
    entry.docker.modem.demuxStream(stream, out, err);
    stream.write(options.input);
    // Half-close: the supervisor reads its job until EOF.
    (stream as unknown as { end: () => void }).end();
    await ended;
  } catch (error) {
    if (!timedOut && !overflow && !options.signal?.aborted) throw engineError(entry.docker, error);
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
  }
  options.signal?.throwIfAborted();
  return { stdout, stderr, timedOut, overflow };
}

export type { ParsedSandboxJob };
