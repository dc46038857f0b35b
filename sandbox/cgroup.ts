import { access, mkdir, readFile, rmdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const ROOT = '/sys/fs/cgroup';

/** Aggregate limits and accounting for one sandboxed run's whole process tree (rlimits are per process). */
export interface JobCgroup {
  readonly version: 1 | 2;
  /** Moves a process (and so everything it starts) into the group. */
  join(pid: number): Promise<void>;
  stats(): Promise<{ peakMemoryBytes?: number; cpuMs?: number; oomKilled: boolean }>;
  /** SIGKILLs every process in the group. */
  kill(): Promise<void>;
  remove(): Promise<void>;
}

/** Which cgroup hierarchy this machine offers for memory and pids limits, if any (root only). */
export async function cgroupSupport(): Promise<{ version: 1 | 2 } | { version: undefined; why: string }> {
  if (process.getuid?.() !== 0) return { version: undefined, why: 'not root: memory is limited per process only (RLIMIT_AS)' };
  const controllers = await readFile(join(ROOT, 'cgroup.controllers'), 'utf8').catch(() => undefined);
  if (controllers !== undefined && /\bmemory\b/.test(controllers) && /\bpids\b/.test(controllers)) return { version: 2 };
  const v1 = await Promise.all(['memory', 'pids', 'cpuacct'].map((name) => access(join(ROOT, name, 'cgroup.procs')).then(() => true, () => false)));
  if (v1.every(Boolean)) return { version: 1 };
  return { version: undefined, why: 'no cgroup memory/pids controllers at /sys/fs/cgroup' };
}

/** Creates a group limited to `memoryBytes` and `pids`; undefined where cgroups cannot be used (not root, none mounted). */
export async function createJobCgroup(name: string, limits: { memoryBytes: number; pids: number }): Promise<JobCgroup | undefined> {
  const support = await cgroupSupport();
  try {
    if (support.version === 1) return await createV1(name, limits);
    if (support.version === 2) return await createV2(name, limits);
  } catch {
    return undefined;
  }
  return undefined;
}

async function readNumber(path: string): Promise<number | undefined> {
  const text = await readFile(path, 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  const value = Number(text.trim());
  return Number.isFinite(value) ? value : undefined;
}

async function killAll(procsFiles: readonly string[]): Promise<void> {
  for (let round = 0; round < 20; round += 1) {
    let seen = 0;
    for (const file of procsFiles) {
      const text = await readFile(file, 'utf8').catch(() => '');
      for (const pid of text.split('\n').filter(Boolean)) {
        seen += 1;
        try {
          process.kill(Number(pid), 'SIGKILL');
        } catch {
          // already gone
        }
      }
    }
    if (seen === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function removeDirectory(path: string): Promise<void> {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    try {
      await rmdir(path);
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

async function createV1(name: string, limits: { memoryBytes: number; pids: number }): Promise<JobCgroup> {
  const memory = join(ROOT, 'memory', 'veridata', name);
  const pids = join(ROOT, 'pids', 'veridata', name);
  const cpu = join(ROOT, 'cpuacct', 'veridata', name);
  for (const directory of [memory, pids, cpu]) await mkdir(directory, { recursive: true });
  await writeFile(join(memory, 'memory.limit_in_bytes'), String(limits.memoryBytes));
  // Without swap accounting the file is absent; with it, swap must not extend the limit.
  await writeFile(join(memory, 'memory.memsw.limit_in_bytes'), String(limits.memoryBytes)).catch(() => {});
  await writeFile(join(pids, 'pids.max'), String(limits.pids));
  const procs = [memory, pids, cpu].map((directory) => join(directory, 'cgroup.procs'));
  return {
    version: 1,
    async join(pid) {
      for (const file of procs) await writeFile(file, String(pid));
    },
    async stats() {
      const peak = await readNumber(join(memory, 'memory.max_usage_in_bytes'));
      const usage = await readNumber(join(cpu, 'cpuacct.usage'));
      const oomControl = await readFile(join(memory, 'memory.oom_control'), 'utf8').catch(() => '');
      const oomKills = Number(/oom_kill (\d+)/.exec(oomControl)?.[1] ?? 0);
      const failures = (await readNumber(join(memory, 'memory.failcnt'))) ?? 0;
      return {
        ...(peak === undefined ? {} : { peakMemoryBytes: peak }),
        ...(usage === undefined ? {} : { cpuMs: usage / 1e6 }),
        oomKilled: oomKills > 0 || (failures > 0 && peak !== undefined && peak >= limits.memoryBytes * 0.98),
      };
    },
    kill: () => killAll(procs),
    async remove() {
      await killAll(procs);
      await Promise.all([memory, pids, cpu].map(removeDirectory));
    },
  };
}

async function createV2(name: string, limits: { memoryBytes: number; pids: number }): Promise<JobCgroup> {
  const parent = join(ROOT, 'veridata');
  await mkdir(parent, { recursive: true });
  await writeFile(join(ROOT, 'cgroup.subtree_control'), '+memory +pids +cpu').catch(() => {});
  await writeFile(join(parent, 'cgroup.subtree_control'), '+memory +pids +cpu').catch(() => {});
  const group = join(parent, name);
  await mkdir(group, { recursive: true });
  await writeFile(join(group, 'memory.max'), String(limits.memoryBytes));
  await writeFile(join(group, 'memory.swap.max'), '0').catch(() => {});
  await writeFile(join(group, 'pids.max'), String(limits.pids));
  const procs = join(group, 'cgroup.procs');
  const kill = async () => {
    await writeFile(join(group, 'cgroup.kill'), '1').catch(() => killAll([procs]));
    await killAll([procs]);
  };
  return {
    version: 2,
    join: (pid) => writeFile(procs, String(pid)),
    async stats() {
      const peak = await readNumber(join(group, 'memory.peak'));
      const cpuStat = await readFile(join(group, 'cpu.stat'), 'utf8').catch(() => '');
      const usage = /usage_usec (\d+)/.exec(cpuStat)?.[1];
      const events = await readFile(join(group, 'memory.events'), 'utf8').catch(() => '');
      return {
        ...(peak === undefined ? {} : { peakMemoryBytes: peak }),
        ...(usage === undefined ? {} : { cpuMs: Number(usage) / 1000 }),
        oomKilled: Number(/oom_kill (\d+)/.exec(events)?.[1] ?? 0) > 0,
      };
    },
    kill,
    async remove() {
      await kill();
      await removeDirectory(group);
    },
  };
}
