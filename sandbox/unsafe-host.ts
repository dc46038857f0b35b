import { spawn } from 'node:child_process';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { type BackendStatus, type Sandbox, type SandboxBackend, SandboxJob, type SandboxResult, wallLimitMs } from './backend.js';
import { newNonce, parseRunnerOutput, RUNNER_PATH, runnerInput } from './runner-protocol.js';
import { createSlots } from './slots.js';

/**
 * No isolation at all: the supervisor and the payload run on the host as the current user, with only rlimits and a
 * temporary directory. Only `--unsafe-no-sandbox` selects it; the payload can read and write whatever this user can.
 */
export const unsafeHostBackend: SandboxBackend = {
  name: 'unsafe-host',
  description: 'NO SANDBOX: runs untrusted code on this machine as the current user (rlimits only); only with --unsafe-no-sandbox',
  async status(): Promise<BackendStatus> {
    return { name: 'unsafe-host', available: true, detail: 'always available, and never safe: no isolation from this machine' };
  },
  async open(options): Promise<Sandbox> {
    const slots = createSlots(options.concurrency);
    const session = await mkdtemp(join(tmpdir(), 'veridata-unsafe-'));
    let jobs = 0;
    const runOne = async (input: SandboxJob): Promise<SandboxResult> => {
      const job = SandboxJob.parse(input);
      jobs += 1;
      const directory = join(session, `job-${jobs}`);
      await mkdir(directory);
      for (const file of job.files) {
        const path = join(directory, file.path);
        await mkdir(dirname(path), { recursive: true });
        await writeFile(path, file.content, { mode: 0o444 });
      }
      const nonce = newNonce();
      const child = spawn('python3', ['-I', '-S', RUNNER_PATH], { stdio: ['pipe', 'pipe', 'pipe'], env: { PATH: process.env.PATH ?? '/usr/bin:/bin' } });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => {
        if (stdout.length < 16 * 1024 * 1024) stdout += chunk.toString('utf8');
      });
      child.stderr.on('data', (chunk: Buffer) => {
        if (stderr.length < 65536) stderr += chunk.toString('utf8');
      });
      child.stdin.on('error', () => {});
      child.stdin.end(runnerInput(job, { nonce, cwd: directory, limitProcesses: false }));
      const timer = setTimeout(() => child.kill('SIGKILL'), wallLimitMs(job.limits) + 10_000);
      await new Promise((resolve) => child.once('close', resolve));
      clearTimeout(timer);
      await chmod(directory, 0o700).catch(() => {});
      await rm(directory, { recursive: true, force: true }).catch(() => {});
      const result = parseRunnerOutput(stdout, nonce, 'unsafe-host');
      if (result === undefined) {
        return { stop: 'supervisor-lost', exitCode: null, signal: null, stdout: '', stderr: stderr.slice(0, 4096), report: '', truncated: false, outputBytes: 0, wallMs: 0, cpuMs: 0, peakMemoryBytes: 0, leftoverProcesses: 0, backend: 'unsafe-host', discarded: false };
      }
      const { residue: _residue, ...sandboxResult } = result;
      return sandboxResult;
    };
    return {
      name: 'unsafe-host',
      run: (job) => slots.use(() => runOne(job)),
      async close() {
        await slots.drain();
        await rm(session, { recursive: true, force: true });
      },
    };
  },
};
