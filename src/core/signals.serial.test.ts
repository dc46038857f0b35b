import { execFileSync, spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, test } from 'vitest';

const core = fileURLToPath(new URL('.', import.meta.url));
let directory: string;
beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'veridata-signals-'));
});
afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

// A command in miniature: an atomic write of an endless stream, stopped by a real SIGINT.
const script = (target: string) => `
import { VeridataError } from ${JSON.stringify(join(core, 'errors.ts'))};
import { writeJsonlAtomic } from ${JSON.stringify(join(core, 'io', 'write-jsonl.ts'))};
import { withInterruptHandling } from ${JSON.stringify(join(core, 'signals.ts'))};

async function* endless() {
  for (let index = 0; ; index += 1) {
    if (index === 100) process.stdout.write('writing\\n');
    await new Promise((resolve) => setTimeout(resolve, 1));
    yield { index };
  }
}
try {
  await withInterruptHandling((signal) => writeJsonlAtomic(${JSON.stringify(target)}, endless(), { signal }));
} catch (error) {
  process.stderr.write(\`[\${(error as VeridataError).code}] \${(error as Error).message}\\n\`);
  process.exitCode = error instanceof VeridataError ? error.exitCode : 1;
}
`;

test('SIGINT stops a command cleanly: exit 130, temporary file removed, previous output untouched', async () => {
  const target = join(directory, 'out.jsonl');
  await writeFile(target, 'previous\n');
  const scriptPath = join(directory, 'command.mts');
  await writeFile(scriptPath, script(target));
  const tsx = fileURLToPath(new URL('../../node_modules/.bin/tsx', import.meta.url));
  const child = spawn(tsx, [scriptPath], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('writing')) resolve();
    });
    child.on('exit', () => reject(new Error(`exited early: ${stderr}`)));
  });
  expect((await readdir(directory)).some((name) => name.includes('.tmp-'))).toBe(true);
  child.kill('SIGINT');
  const code = await new Promise<number | null>((resolve) => child.on('exit', (exitCode) => resolve(exitCode)));
  expect(stderr).toContain('[INTERRUPTED] interrupted by SIGINT');
  expect(code).toBe(130);
  expect((await readdir(directory)).sort()).toEqual(['command.mts', 'out.jsonl']);
  expect(await readFile(target, 'utf8')).toBe('previous\n');
});

// A worker blocked in native code (opening a FIFO nobody writes) can be neither terminated nor joined by process.exit.
const stuckScript = (fifo: string) => `
import { Worker } from 'node:worker_threads';
import { withInterruptHandling } from ${JSON.stringify(join(core, 'signals.ts'))};

const blocking = \`require('node:worker_threads').parentPort.postMessage('blocking'); require('node:fs').readFileSync(${JSON.stringify(fifo)});\`;
const worker = new Worker(blocking, { eval: true });
worker.unref();
setInterval(() => {}, 1000); // a command still busy with other work
await new Promise((resolve) => worker.once('message', resolve));
await new Promise((resolve) => setTimeout(resolve, 200)); // from posting to blocking in open() takes microseconds
await withInterruptHandling(async (signal) => {
  process.stdout.write('ready\\n');
  await new Promise((resolve) => signal.addEventListener('abort', resolve));
  await worker.terminate();
});
`;

test('a second SIGINT ends the process at once, even while a worker thread is stuck in native code', async () => {
  const fifo = join(directory, 'never-written');
  execFileSync('mkfifo', [fifo]);
  const scriptPath = join(directory, 'stuck.mts');
  await writeFile(scriptPath, stuckScript(fifo));
  const child = spawn(process.execPath, ['--import', 'tsx', scriptPath], { stdio: ['ignore', 'pipe', 'pipe'] });
  const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  await new Promise<void>((resolve) => child.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && resolve()));
  child.kill('SIGINT');
  await new Promise((resolve) => setTimeout(resolve, 300));
  expect(child.exitCode).toBeNull(); // the first signal waits for the worker, which never stops
  const started = Date.now();
  child.kill('SIGINT');
  const result = await Promise.race([ended, new Promise((resolve) => setTimeout(() => resolve('still running'), 10_000))]);
  if (result === 'still running') child.kill('SIGKILL');
  expect(result).toEqual({ code: null, signal: 'SIGINT' }); // a shell reports this as exit status 130
  expect(Date.now() - started).toBeLessThan(10_000);
});
