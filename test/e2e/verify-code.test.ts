import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createConnection, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { backendAvailable } from '../helpers/sandbox-backends.js';
import { runCli } from '../helpers/run-cli.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const ADD_TESTS = 'from solution import add\n\n\ndef test_small():\n    assert add(1, 2) == 3\n\n\ndef test_negative():\n    assert add(-5, 2) == -3\n';

/** One record per behaviour the verifier must tell apart, with the verdict each must get. */
const RECORDS: { record: Record<string, unknown>; status: string; reason: string; score?: number }[] = [
  { record: { id: 'raw', solution: 'def add(a, b):\n    return a + b\n', test_code: ADD_TESTS, trace_id: 't-raw' }, status: 'pass', reason: 'tests-passed', score: 1 },
  {
    record: { id: 'markdown', response: 'Here is my solution:\n\n```python\ndef add(a, b):\n    return a + b\n```\n\nUsage:\n\n```python\nprint(add(1, 2))\n```\n', tests: ADD_TESTS },
    status: 'pass',
    reason: 'tests-passed',
  },
  { record: { id: 'buggy', solution: 'def add(a, b):\n    return a + b if a > 0 else 0\n', test_code: ADD_TESTS }, status: 'fail', reason: 'tests-failed', score: 0.5 },
  { record: { id: 'crash', solution: 'raise ValueError("broken at import")\n\n\ndef add(a, b):\n    return a + b\n', test_code: ADD_TESTS }, status: 'fail', reason: 'crash' },
  { record: { id: 'syntax', solution: 'def add(a, b)\n    return a + b\n', test_code: ADD_TESTS }, status: 'fail', reason: 'syntax-error' },
  { record: { id: 'missing-name', solution: 'def plus(a, b):\n    return a + b\n', test_code: ADD_TESTS }, status: 'fail', reason: 'import-error' },
  { record: { id: 'no-code', response: 'I am not sure how to solve this.', test_code: ADD_TESTS }, status: 'fail', reason: 'no-answer' },
  { record: { id: 'no-solution-field', test_code: ADD_TESTS }, status: 'error', reason: 'missing-field' },
  { record: { id: 'no-tests-field', solution: 'def add(a, b):\n    return a + b\n' }, status: 'error', reason: 'missing-field' },
  { record: { id: 'broken-tests', solution: 'def add(a, b):\n    return a + b\n', test_code: 'def test_x(:\n    pass\n' }, status: 'error', reason: 'tests-invalid' },
  { record: { id: 'no-tests', solution: 'def add(a, b):\n    return a + b\n', test_code: 'from solution import add\n\nHELPER = 1\n' }, status: 'error', reason: 'no-tests' },
  {
    record: { id: 'skipped', solution: 'def add(a, b):\n    return a + b\n', test_code: 'import pytest\nfrom solution import add\n\n\n@pytest.mark.skip(reason="later")\ndef test_small():\n    assert add(1, 2) == 3\n\n\ndef test_negative():\n    assert add(-5, 2) == -3\n' },
    status: 'fail',
    reason: 'tests-failed',
    score: 0.5,
  },
  {
    // KodCode's released shape: `test` field, no import of the solution (it prepends `from solution import *`).
    record: { question_id: 'Leetcode_1_I', solution: 'def add(a, b):\n    return a + b\n\n\ndef test_helper():\n    assert False\n', test: 'def test_small():\n    assert add(1, 2) == 3\n' },
    status: 'pass',
    reason: 'tests-passed',
  },
  {
    record: {
      id: 'classes-and-params',
      solution: 'def add(a, b):\n    return a + b\n',
      test_code: 'import pytest\nfrom solution import add\n\n\n@pytest.mark.parametrize("a,b,c", [(1, 2, 3), (0, 0, 0), (-1, 1, 0)])\ndef test_table(a, b, c):\n    assert add(a, b) == c\n\n\nclass TestAdd:\n    def test_commutes(self):\n        assert add(2, 3) == add(3, 2)\n',
    },
    status: 'pass',
    reason: 'tests-passed',
  },
];

let directory: string;
beforeAll(() => {
  directory = mkdtempSync(join(tmpdir(), 'veridata-verify-code-'));
});
afterAll(() => rmSync(directory, { recursive: true, force: true }));

function file(name: string, lines: readonly Record<string, unknown>[]): string {
  const path = join(directory, name);
  writeFileSync(path, lines.map((line) => `${JSON.stringify(line)}\n`).join(''));
  return path;
}

const readLines = (path: string) =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown> & { verdict: { status: string; reason: string; score: number; details: Record<string, unknown> } });

const LIMITS = ['--timeout', '5s', '--memory', '256m'];

describe.each(['bwrap', 'docker'])('veridata verify code --sandbox %s', (sandbox) => {
  let available = false;
  beforeAll(async () => {
    available = (await backendAvailable(sandbox)).available;
  });

  test('each kind of record gets its verdict; every other field is kept; timings go to the run log only', async (context) => {
    if (!available) return context.skip();
    const input = file(`records-${sandbox}.jsonl`, RECORDS.map((entry) => entry.record));
    const out = join(directory, `verified-${sandbox}.jsonl`);
    const result = await runCli(['verify', 'code', '--in', input, '--out', out, '--sandbox', sandbox, '--json', ...LIMITS]);
    expect(result.code, result.stderr).toBe(0);
    const lines = readLines(out);
    expect(lines).toHaveLength(RECORDS.length);
    for (const [index, entry] of RECORDS.entries()) {
      const line = lines[index]!;
      expect({ line: index, status: line.verdict.status, reason: line.verdict.reason }, JSON.stringify(line.verdict).slice(0, 800)).toEqual({ line: index, status: entry.status, reason: entry.reason });
      if (entry.score !== undefined) expect(line.verdict.score).toBe(entry.score);
      for (const [key, value] of Object.entries(entry.record)) expect(line[key]).toEqual(value);
    }
    expect(lines[1]!.verdict.details.extraction).toMatchObject({ source: 'fenced-block' });
    expect(lines[12]!.verdict.details.ignored).toEqual(['test_helper']);
    expect((lines[13]!.verdict.details.tests as unknown[]).length).toBe(4);
    const data = readFileSync(out, 'utf8');
    expect(data).not.toMatch(/wallMs|cpuMs|peakMemory|passed in \d/);
    const runlog = readFileSync(`${out}.runlog.jsonl`, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(runlog.filter((entry) => entry.event === 'verify-code-run' && entry.ran !== false)).not.toHaveLength(0);
    expect(runlog.find((entry) => entry.event === 'verify-code-run' && entry.ran !== false)).toMatchObject({ backend: sandbox, stop: 'exited' });
    const summary = JSON.parse(result.stdout.trim().split('\n').pop()!) as Record<string, unknown>;
    expect(summary).toMatchObject({ command: 'verify code', sandbox, verified: RECORDS.length, pass: 4 });
  });
});

test('the same input gives the same bytes on both backends and on a rerun', async (context) => {
  const both = await Promise.all(['bwrap', 'docker'].map((name) => backendAvailable(name)));
  if (!both.every((entry) => entry.available)) return context.skip();
  const input = file('same.jsonl', RECORDS.map((entry) => entry.record));
  const outputs: Buffer[] = [];
  for (const [index, sandbox] of ['bwrap', 'docker', 'bwrap'].entries()) {
    const out = join(directory, `same-${index}.jsonl`);
    expect((await runCli(['verify', 'code', '--in', input, '--out', out, '--sandbox', sandbox, ...LIMITS])).code).toBe(0);
    outputs.push(readFileSync(out));
  }
  expect(outputs[1]!.equals(outputs[0]!)).toBe(true);
  expect(outputs[2]!.equals(outputs[0]!)).toBe(true);
});

test('a run killed part-way and rerun ends byte-identical to an uninterrupted run, and no record is run twice', async () => {
  const records = Array.from({ length: 16 }, (_, index) => ({ id: `r${index}`, solution: index % 3 === 0 ? 'def add(a, b):\n    return a - b\n' : 'def add(a, b):\n    return a + b\n', test_code: ADD_TESTS }));
  const input = file('resume.jsonl', records);
  const whole = join(directory, 'resume-whole.jsonl');
  expect((await runCli(['verify', 'code', '--in', input, '--out', whole, '--sandbox', 'bwrap', ...LIMITS])).code).toBe(0);
  const expected = readFileSync(whole);

  const out = join(directory, 'resume-cut.jsonl');
  const child = spawn(process.execPath, ['--import', 'tsx', `${root}/src/cli/bin.ts`, 'verify', 'code', '--in', input, '--out', out, '--sandbox', 'bwrap', ...LIMITS], { cwd: root, stdio: 'ignore' });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  const size = () => {
    try {
      return statSync(out).size;
    } catch {
      return 0;
    }
  };
  const deadline = Date.now() + 120_000;
  while (size() < expected.length / 3 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  child.kill('SIGKILL');
  await exited;
  const done = readFileSync(out, 'utf8').split('\n').filter(Boolean).length;
  expect(done).toBeGreaterThan(0);

  const rerun = await runCli(['verify', 'code', '--in', input, '--out', out, '--sandbox', 'bwrap', '--json', ...LIMITS]);
  expect(rerun.code).toBe(0);
  const summary = JSON.parse(rerun.stdout.trim().split('\n').pop()!) as { resumed: number; verified: number };
  expect(summary.resumed + summary.verified).toBe(records.length);
  expect(summary.resumed).toBe(done);
  expect(readFileSync(out).equals(expected)).toBe(true);
});

test('bad usage and unavailable sandboxes: clear errors, exit 2 or 3, nothing written', async () => {
  const input = file('usage.jsonl', [RECORDS[0]!.record]);
  const out = join(directory, 'usage-out.jsonl');
  const unknown = await runCli(['verify', 'code', '--in', input, '--out', out, '--sandbox', 'firejail']);
  expect(unknown.code).toBe(2);
  expect(unknown.stderr).toContain('[INVALID_OPTION] --sandbox');
  const memory = await runCli(['verify', 'code', '--in', input, '--out', out, '--memory', 'lots']);
  expect(memory.code).toBe(2);
  expect(memory.stderr).toContain('[INVALID_OPTION] --memory');
  const missing = await runCli(['verify', 'code', '--in', join(directory, 'nope.jsonl'), '--out', out]);
  expect(missing.code).toBe(2);
  expect(missing.stderr).toContain('[INPUT_UNREADABLE]');
  const image = await runCli(['verify', 'code', '--in', input, '--out', out, '--sandbox', 'docker', '--image', 'veridata-sandbox:does-not-exist']);
  expect(image.code).toBe(3);
  expect(image.stderr).toContain('[INFRASTRUCTURE]');
  expect(image.stderr).toContain('does-not-exist');
  const rootfs = await runCli(['verify', 'code', '--in', input, '--out', out, '--sandbox', 'bwrap', '--image', join(directory, 'no-rootfs')]);
  expect(rootfs.code).toBe(3);
  expect(rootfs.stderr).toContain('[INFRASTRUCTURE]');
  const noEngine = await runCli(['verify', 'code', '--in', input, '--out', out, '--sandbox', 'docker', '--docker-host', 'tcp://127.0.0.1:9']);
  expect(noEngine.code).toBe(3);
  expect(noEngine.stderr).toMatch(/\[INFRASTRUCTURE\] sandbox docker: .*127\.0\.0\.1:9.*no engine answers/);
  expect(() => statSync(out)).toThrow();
});

describe('a Docker engine that goes away mid-run', () => {
  let proxy: Server | undefined;
  afterAll(() => proxy?.close());

  test('stops with INFRASTRUCTURE (exit 3), keeps every verdict written so far, and a rerun completes the same file', async (context) => {
    if (!(await backendAvailable('docker')).available) return context.skip();
    // A TCP front for the local engine that the test can pull away: the engine "goes away" as far as veridata can tell.
    const sockets = new Set<import('node:net').Socket>();
    proxy = createServer({ allowHalfOpen: true }, (client) => {
      // Half-open both ways: docker exec sends its stdin EOF as a half-close and still reads the output after it.
      const engine = createConnection({ path: '/var/run/docker.sock', allowHalfOpen: true });
      sockets.add(client).add(engine);
      client.pipe(engine).pipe(client);
      const drop = () => {
        client.destroy();
        engine.destroy();
      };
      client.on('error', drop);
      engine.on('error', drop);
    });
    await new Promise<void>((resolve) => proxy!.listen(0, '127.0.0.1', resolve));
    const host = `tcp://127.0.0.1:${(proxy.address() as { port: number }).port}`;
    const records = Array.from({ length: 30 }, (_, index) => ({ id: `d${index}`, solution: 'def add(a, b):\n    return a + b\n', test_code: ADD_TESTS }));
    const input = file('engine.jsonl', records);
    const out = join(directory, 'engine-out.jsonl');
    const child = spawn(process.execPath, ['--import', 'tsx', `${root}/src/cli/bin.ts`, 'verify', 'code', '--in', input, '--out', out, '--sandbox', 'docker', '--docker-host', host, '--concurrency', '1', ...LIMITS], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    const lineCount = () => {
      try {
        return readFileSync(out, 'utf8').split('\n').filter(Boolean).length;
      } catch {
        return 0;
      }
    };
    const deadline = Date.now() + 120_000;
    while (lineCount() < 5 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    proxy.close();
    for (const socket of sockets) socket.destroy();
    const code = await exited;
    expect(code, stderr).toBe(3);
    expect(stderr).toContain('[INFRASTRUCTURE] sandbox docker');
    const kept = readLines(out);
    expect(kept.length).toBeGreaterThanOrEqual(5);
    expect(kept.length).toBeLessThan(records.length);
    expect(kept.map((line) => line.id)).toEqual(records.slice(0, kept.length).map((record) => record.id));
    expect(kept.every((line) => line.verdict.status === 'pass')).toBe(true);

    const rerun = await runCli(['verify', 'code', '--in', input, '--out', out, '--sandbox', 'docker', '--json', ...LIMITS]);
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(readLines(out).map((line) => [line.id, line.verdict.status])).toEqual(records.map((record) => [record.id, 'pass']));
    // The interrupted run could not remove its containers through the dead engine; the rerun removed them as orphans.
    const { default: Docker } = await import('dockerode');
    const left = await new Docker().listContainers({ all: true, filters: { label: ['veridata.owner'] } });
    expect(left.filter((info) => info.Labels['veridata.owner']?.endsWith(`:${child.pid}`))).toEqual([]);
  });
});
