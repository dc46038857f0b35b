import { existsSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Sandbox } from '../../sandbox/index.js';
import { createPythonInspector, type PythonInspector } from '../../verifiers/code/python-inspector.js';
import { createCodeVerifier, type CodeVerifier } from '../../verifiers/code/pytest-verifier.js';
import { ADVERSARIAL_CASES, CORRECT_SOLUTION, HOST_FILE, HOST_PORT, HOST_SECRET_NAME, TASK_TESTS } from '../fixtures/code/adversarial-cases.js';
import { backendAvailable, noSandboxProcessesLeft, REAL_BACKENDS } from '../helpers/sandbox-backends.js';

const LIMITS = { cpuMs: 2000, wallMs: 6000, memoryBytes: 256 * 1024 * 1024, processes: 32, diskBytes: 16 * 1024 * 1024, outputBytes: 2 * 1024 * 1024 };
const hostFile = join(tmpdir(), `veridata-host-canary-${process.pid}`);
process.env[HOST_SECRET_NAME] = `the-host-secret-${process.pid}`;

let server: Server;
let port = 0;
let connections = 0;

beforeAll(async () => {
  server = createServer((socket) => {
    connections += 1;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as { port: number }).port;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  rmSync(hostFile, { force: true });
});

describe.each(REAL_BACKENDS)('adversarial solutions on %s', (name) => {
  let sandbox: Sandbox | undefined;
  let inspector: PythonInspector | undefined;
  let verifier: CodeVerifier | undefined;
  let skip = '';
  beforeAll(async () => {
    const { backend, available, detail } = await backendAvailable(name);
    if (!available) {
      skip = detail;
      return;
    }
    sandbox = await backend.open({ concurrency: 1 });
    inspector = createPythonInspector();
    verifier = createCodeVerifier({ sandbox, inspector, limits: LIMITS });
  });
  afterAll(async () => {
    await sandbox?.close();
    await inspector?.close();
  });

  test('the honest solution passes (the suite can tell a pass from a fail)', async (context) => {
    if (verifier === undefined) return context.skip(skip);
    const { verdict } = await verifier.check(CORRECT_SOLUTION, TASK_TESTS);
    expect(verdict).toMatchObject({ status: 'pass', reason: 'tests-passed', score: 1 });
  });

  test.for(ADVERSARIAL_CASES.map((entry) => [entry.name, entry] as const))('%s: never a pass, and the host is unharmed', async ([, entry], context) => {
    if (verifier === undefined) return context.skip(skip);
    const solution = entry.solution.replaceAll(HOST_FILE, hostFile).replaceAll(HOST_PORT, String(port));
    const before = connections;
    const { verdict } = await verifier.check(solution, TASK_TESTS);
    expect(verdict.status, JSON.stringify(verdict).slice(0, 1500)).toBe('fail');
    expect(entry.reasons, JSON.stringify(verdict).slice(0, 1500)).toContain(verdict.reason);
    if (entry.check === 'no-processes') expect(await noSandboxProcessesLeft()).toEqual([]);
    if (entry.check === 'host-file') expect(existsSync(hostFile)).toBe(false);
    if (entry.check === 'listener') expect(connections).toBe(before);
  });
});
