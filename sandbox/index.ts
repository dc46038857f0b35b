import { SandboxUnavailableError } from '../src/core/errors.js';
import { createRegistry } from '../src/core/registry.js';
import type { BackendStatus, OpenOptions, Sandbox, SandboxBackend } from './backend.js';
import { bwrapBackend } from './bwrap.js';
import { dockerBackend } from './docker.js';
import { unsafeHostBackend } from './unsafe-host.js';

export * from './backend.js';

/** Every backend by name; `auto` is a choice among them, not one of them. */
export const sandboxes = createRegistry<SandboxBackend>('sandbox', [dockerBackend, bwrapBackend, unsafeHostBackend]);

/** Names a user may pass to --sandbox. */
export const SANDBOX_CHOICES = ['auto', 'docker', 'bwrap'] as const;

/** The backend to use: `auto` takes docker when an engine answers with the image, else bwrap; never the unsafe one. */
export async function chooseBackend(name: string, options: Pick<OpenOptions, 'image' | 'dockerHosts'> & { unsafeNoSandbox?: boolean } = {}): Promise<{ backend: SandboxBackend; statuses: BackendStatus[] }> {
  if (options.unsafeNoSandbox) return { backend: unsafeHostBackend, statuses: [] };
  if (name !== 'auto') {
    if (name === unsafeHostBackend.name) {
      throw new SandboxUnavailableError(name, 'is not a sandbox', 'Pass --unsafe-no-sandbox if you really mean to run untrusted code on this machine.');
    }
    const backend = sandboxes.get(name);
    const status = await backend.status(options);
    if (!status.available) throw new SandboxUnavailableError(name, status.detail, 'Run `pnpm veridata sandbox doctor` for what each backend needs.');
    return { backend, statuses: [status] };
  }
  const statuses: BackendStatus[] = [];
  for (const backend of [dockerBackend, bwrapBackend]) {
    const status = await backend.status(options);
    statuses.push(status);
    if (status.available) return { backend, statuses };
  }
  throw new SandboxUnavailableError(
    'auto',
    `neither docker nor bwrap can run here (${statuses.map((status) => `${status.name}: ${status.detail}`).join('; ')})`,
    'Run scripts/setup.sh as root (installs bubblewrap, docker.io and builds the image), or pass --unsafe-no-sandbox to run untrusted code unprotected.',
  );
}

/** Opens the chosen backend. */
export async function openSandbox(name: string, options: OpenOptions & { unsafeNoSandbox?: boolean }): Promise<Sandbox> {
  const { backend } = await chooseBackend(name, options);
  return backend.open(options);
}
