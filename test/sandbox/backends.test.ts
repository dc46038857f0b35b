import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Sandbox } from '../../sandbox/index.js';
import { backendAvailable, noSandboxProcessesLeft, REAL_BACKENDS } from '../helpers/sandbox-backends.js';

const SECRET = `host-secret-${process.pid}-${Date.now()}`;
process.env.VERIDATA_TEST_HOST_SECRET = SECRET;

const python = (source: string) => ['python3', '-c', source];

describe.each(REAL_BACKENDS)('%s backend', (name) => {
  let sandbox: Sandbox | undefined;
  let skip = '';
  beforeAll(async () => {
    const { backend, available, detail } = await backendAvailable(name);
    if (!available) {
      skip = detail;
      return;
    }
    sandbox = await backend.open({ concurrency: 2 });
  });
  afterAll(async () => {
    await sandbox?.close();
  });
  const run = (job: Parameters<Sandbox['run']>[0]) => {
    if (sandbox === undefined) throw new Error(`unavailable: ${skip}`);
    return sandbox.run(job);
  };
  const it = (title: string, body: () => Promise<void>) => test(title, async (context) => {
    if (sandbox === undefined) context.skip(skip);
    await body();
  });

  it('runs a command in the work dir with its files, and returns stdout, stderr, exit status and the report channel', async () => {
    const result = await run({
      files: [{ path: 'data/input.txt', content: 'hello\n' }],
      command: python('import os,sys; print(open("data/input.txt").read().strip()); print("to stderr", file=sys.stderr); os.write(3, b"reported\\n"); sys.exit(7)'),
    });
    expect(result).toMatchObject({ stop: 'exited', exitCode: 7, stdout: 'hello\n', stderr: 'to stderr\n', report: 'reported\n', truncated: false, backend: name });
    expect(result.cpuMs).toBeGreaterThan(0);
    expect(result.peakMemoryBytes).toBeGreaterThan(1024 * 1024);
  });

  it('staged files can be read but not changed, renamed or deleted', async () => {
    const result = await run({
      files: [{ path: 'test_solution.py', content: 'original\n' }],
      command: python(
        [
          'import os',
          'for attempt in (lambda: open("test_solution.py", "w").write("x"), lambda: os.rename("test_solution.py", "y"), lambda: os.unlink("test_solution.py"), lambda: os.chmod("test_solution.py", 0o777)):',
          '    try:',
          '        attempt(); print("changed")',
          '    except OSError as error:',
          '        print("refused")',
          'print(open("test_solution.py").read().strip())',
        ].join('\n'),
      ),
    });
    expect(result.stdout.trim().split('\n')).toEqual(['refused', 'refused', 'refused', 'refused', 'original']);
  });

  it("a busy loop stops at the CPU limit, and nothing of it is left on the host", async () => {
    const result = await run({ files: [], command: python('while True: pass'), limits: { cpuMs: 1500 } });
    expect(result.stop).toBe('cpu-limit');
    expect(result.cpuMs).toBeGreaterThanOrEqual(1400);
    expect(await noSandboxProcessesLeft()).toEqual([]);
  });

  it('CPU is summed over processes: four busy children hit the limit together', async () => {
    const result = await run({
      files: [],
      command: python('import os\nfor _ in range(4):\n    if os.fork() == 0:\n        while True: pass\nos.wait()'),
      limits: { cpuMs: 2000 },
    });
    expect(result.stop).toBe('cpu-limit');
    expect(result.leftoverProcesses).toBeGreaterThanOrEqual(1);
    expect(await noSandboxProcessesLeft()).toEqual([]);
  });

  it('sleeping stops at the wall-clock backstop', async () => {
    const result = await run({ files: [], command: python('import time; time.sleep(60)'), limits: { cpuMs: 1000, wallMs: 1500 } });
    expect(result.stop).toBe('wall-limit');
    expect(result.wallMs).toBeLessThan(10_000);
  });

  it('output past the cap kills the run; what is kept is bounded', async () => {
    const result = await run({ files: [], command: python('import sys\nwhile True: sys.stdout.write("x" * 65536)'), limits: { outputBytes: 1024 * 1024 } });
    expect(result.stop).toBe('output-limit');
    expect(result.truncated).toBe(true);
    expect(result.stdout.length).toBeLessThanOrEqual(256 * 1024);
  });

  it('memory is capped: a 2 GiB allocation fails inside a 256 MiB sandbox', async () => {
    const result = await run({
      files: [],
      command: python('try:\n    block = bytearray(2 * 1024 ** 3)\n    print("allocated")\nexcept MemoryError:\n    print("MemoryError")'),
      limits: { memoryBytes: 256 * 1024 * 1024 },
    });
    expect(result.stdout).not.toContain('allocated');
    expect(result.peakMemoryBytes).toBeLessThan(512 * 1024 * 1024);
  });

  it('the environment is an allow-list: no host variable reaches the payload or the sandbox init', async () => {
    const result = await run({
      files: [],
      command: python('import os, glob\ntexts = [open(p, "rb").read().decode("latin-1") for p in glob.glob("/proc/*/environ") if os.access(p, os.R_OK)]\nprint(sorted(os.environ))\nprint(any(os.environ.get("VERIDATA_TEST_HOST_SECRET", "") or "host-secret" in text for text in texts))'),
    });
    expect(result.stdout).not.toContain(SECRET);
    expect(result.stdout.trim().split('\n').pop()).toBe('False');
  });

  it('no network: neither the host loopback nor DNS', async () => {
    const result = await run({
      files: [],
      command: python(
        'import socket\nfor target in (("127.0.0.1", 22), ("10.0.2.2", 80)):\n    try:\n        socket.create_connection(target, timeout=1); print("connected")\n    except OSError:\n        print("refused")\ntry:\n    socket.getaddrinfo("deb.debian.org", 80); print("resolved")\nexcept OSError:\n    print("no dns")',
      ),
    });
    expect(result.stdout.trim().split('\n')).toEqual(['refused', 'refused', 'no dns']);
  });

  it('runs as an unprivileged user with no capabilities, on a root that is not the host one', async () => {
    const result = await run({
      files: [],
      command: python('import os\nprint(os.getuid() != 0)\nprint([l for l in open("/proc/self/status") if l.startswith("CapEff")][0].split()[1])\nprint(os.path.exists("/work/main/package.json") or os.path.exists("/root/.cache"))\nprint(os.path.exists("/var/run/docker.sock") or os.path.exists("/run/docker.sock"))'),
    });
    expect(result.stdout.trim().split('\n')).toEqual(['True', '0000000000000000', 'False', 'False']);
  });

  it('a daemon that double-forks is killed when the command ends', async () => {
    const result = await run({
      files: [],
      command: python('import os, time\nif os.fork() == 0:\n    os.setsid()\n    if os.fork() == 0:\n        time.sleep(300)\n    os._exit(0)\nprint("parent done")'),
    });
    expect(result.stop).toBe('exited');
    expect(result.leftoverProcesses).toBeGreaterThanOrEqual(1);
    expect(await noSandboxProcessesLeft()).toEqual([]);
  });

  it('files planted in /tmp do not survive into the next run', async () => {
    await run({ files: [], command: python('open("/tmp/planted.py", "w").write("x = 1")') });
    const second = await run({ files: [], command: python('import os; print(os.path.exists("/tmp/planted.py"))') });
    expect(second.stdout.trim()).toBe('False');
    expect(existsSync('/tmp/planted.py')).toBe(false);
  });

  it('runs two jobs at once', async () => {
    const started = performance.now();
    const results = await Promise.all([1, 2].map(() => run({ files: [], command: python('import time; time.sleep(1)') })));
    expect(results.map((result) => result.stop)).toEqual(['exited', 'exited']);
    expect(performance.now() - started).toBeLessThan(30_000);
  });
});
