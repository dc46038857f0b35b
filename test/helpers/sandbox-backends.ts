import { execFileSync } from 'node:child_process';
import { sandboxes, type SandboxBackend } from '../../sandbox/index.js';

/** The real backends the suites run on. */
export const REAL_BACKENDS = ['docker', 'bwrap'] as const;

/**
 * Whether `name` can run here. Under CI every real backend must: setup installs and starts them, so a missing one is a
 * broken install, and the suite fails instead of skipping its cases.
 */
export async function backendAvailable(name: string): Promise<{ backend: SandboxBackend; available: boolean; detail: string }> {
  const backend = sandboxes.get(name);
  const status = await backend.status();
  if (!status.available && process.env.CI === 'true') throw new Error(`sandbox backend ${name} is unavailable in CI: ${status.detail}`);
  return { backend, available: status.available, detail: status.detail };
}

/** Host processes owned by the sandbox uids (payload uids and, as root, the unprivileged uids bwrap runs as). */
export function sandboxProcessesOnHost(): string[] {
  const uids = [...Array.from({ length: 64 }, (_, index) => 1000 + index), ...Array.from({ length: 64 }, (_, index) => 61000 + index)];
  const text = execFileSync('ps', ['-e', '-o', 'uid=,pid=,comm='], { encoding: 'utf8' });
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && uids.includes(Number(line.split(/\s+/)[0])));
}

/** Waits until no sandbox-uid process is left on the host (killing is asynchronous), up to `ms`. */
export async function noSandboxProcessesLeft(ms = 5000): Promise<string[]> {
  const deadline = Date.now() + ms;
  let left = sandboxProcessesOnHost();
  while (left.length > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    left = sandboxProcessesOnHost();
  }
  return left;
}
