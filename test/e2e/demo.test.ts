import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import puppeteer from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runCli } from '../helpers/run-cli.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const run = promisify(execFile);
const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((path) => existsSync(path));

let directory: string;
let first: string;
let second: string;
let demoOutput = '';
beforeAll(async () => {
  directory = mkdtempSync(join(tmpdir(), 'veridata-demo-'));
  first = join(directory, 'first');
  second = join(directory, 'second');
  // README command 1 runs scripts/demo.sh after the setup; the setup is the test command's own first step.
  const result = await run('bash', ['scripts/demo.sh', first], { cwd: root, maxBuffer: 64 << 20 });
  demoOutput = result.stdout;
}, 600_000);
afterAll(() => rmSync(directory, { recursive: true, force: true }));

function dataFiles(base: string): string[] {
  const found: string[] = [];
  const walk = (path: string) => {
    for (const name of readdirSync(path)) {
      const full = join(path, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (name.endsWith('.jsonl') && !name.endsWith('.runlog.jsonl')) found.push(relative(base, full));
    }
  };
  walk(base);
  return found.sort();
}

function lines(path: string): Record<string, unknown>[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('the offline demo', () => {
  test('runs all three stages on both tracks with the authored fixtures and prints what it wrote', () => {
    expect(demoOutput).toContain('pipeline (Every response of this run is an authored fixture');
    const manifest = JSON.parse(readFileSync(join(first, 'manifest.json'), 'utf8')) as { counts: Record<string, { stage1: { questions: number }; stage2: { triplets: number; unsolved: number }; stage3: { sft: number; dpo: number } }> };
    expect(manifest.counts.code!.stage1.questions).toBeGreaterThanOrEqual(20);
    expect(manifest.counts.code!.stage2.triplets).toBeGreaterThanOrEqual(15);
    expect(manifest.counts.code!.stage2.unsolved).toBeGreaterThanOrEqual(1);
    expect(manifest.counts.code!.stage3.dpo).toBeGreaterThan(0);
    expect(manifest.counts.math!.stage2.triplets).toBeGreaterThanOrEqual(15);
    // Written math problems: a majority answer keeps most, a split vote drops one; seed problems pass through.
    const math1 = (manifest.counts.math as unknown as { stage1: { questions: number; dropped: Record<string, number>; agreement: { candidates: number; kept: number; noMajority: number } } }).stage1;
    expect(math1.agreement.kept).toBeGreaterThanOrEqual(5);
    expect(math1.agreement.noMajority).toBeGreaterThanOrEqual(1);
    expect(math1.dropped['no-majority']).toBe(math1.agreement.noMajority);
    expect(math1.questions).toBe(lines(join(first, 'math/stage1/questions.jsonl')).length);
    expect(demoOutput).toMatch(/math +stage 1: \d+ questions \(\d+ seed problems, \d+ written ones with a majority answer\)/);
    expect(manifest.counts.math!.stage3.sft).toBeGreaterThan(0);
    // Verification rejected something: flawed solutions, weak and broken tests are in the fixtures.
    const trials = lines(join(first, 'code/stage2/trials.jsonl'));
    expect(trials.filter((trial) => trial.passed === false).length).toBeGreaterThanOrEqual(5);
    expect(trials.some((trial) => trial.weak_tests === true)).toBe(true);
    const audit = lines(join(first, 'code/stage1/questions.all.jsonl'));
    expect(new Set(audit.filter((line) => line.kept === false).map((line) => line.drop_reason))).toEqual(new Set(['bad-document', 'no-markers', 'near-duplicate']));
  });

  test('every triplet marked verified passes again when re-run in the sandbox', async () => {
    const triplets = lines(join(first, 'code/stage2/triplets.jsonl'));
    const input = join(directory, 'recheck.jsonl');
    writeFileSync(input, triplets.map((triplet) => `${JSON.stringify({ id: triplet.id, solution: triplet.solution, test_code: triplet.tests })}\n`).join(''));
    const result = await runCli(['verify', 'code', '--in', input, '--out', join(directory, 'recheck.out.jsonl'), '--json']);
    expect(result.code, result.stderr).toBe(0);
    const verdicts = lines(join(directory, 'recheck.out.jsonl')).map((line) => (line.verdict as { status: string }).status);
    expect(verdicts).toHaveLength(triplets.length);
    expect(verdicts.every((status) => status === 'pass')).toBe(true);
  });

  test('a second run writes byte-identical data files, and a rerun over the first changes nothing', async () => {
    for (const stage of ['1', '2', '3']) {
      const result = await runCli(['stage', stage, '--output-dir', second, '--json']);
      expect(result.code, result.stderr).toBe(0);
    }
    expect((await runCli(['report', '--output-dir', second])).code).toBe(0);
    const files = dataFiles(join(first));
    const pipelineFiles = files.filter((file) => !file.startsWith('gen/'));
    expect(pipelineFiles.length).toBeGreaterThan(20);
    expect(dataFiles(second)).toEqual(pipelineFiles);
    for (const file of pipelineFiles) expect(readFileSync(join(second, file), 'utf8'), file).toBe(readFileSync(join(first, file), 'utf8'));
    const before = Object.fromEntries(pipelineFiles.map((file) => [file, readFileSync(join(first, file), 'utf8')]));
    for (const stage of ['1', '2', '3']) expect((await runCli(['stage', stage, '--output-dir', first])).code).toBe(0);
    for (const file of pipelineFiles) expect(readFileSync(join(first, file), 'utf8'), file).toBe(before[file]);
  });

  test('the demo config with a seed file that does not exist: INPUT_UNREADABLE naming the key, before anything runs', async () => {
    const config = join(directory, 'noseed.yaml');
    // The copy sits outside the checkout, so its relative paths are made absolute; one seed file is misnamed.
    writeFileSync(config, readFileSync(join(root, 'veridata.yaml'), 'utf8').replace(/seeds\//g, `${root}seeds/`).replace('seeds/code/package.jsonl', 'seeds/code/packages.jsonl').replace('.veridata/demo-cache.sqlite', join(directory, 'noseed-cache.sqlite')));
    const result = await runCli(['stage', '1', '--config', config, '--output-dir', join(directory, 'noseed')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/\[INPUT_UNREADABLE\] .*seeds\/code\/packages\.jsonl.*code\.seeds\.3\.path/);
    expect(existsSync(join(directory, 'noseed'))).toBe(false);
  });

  test('report.html renders in headless Chromium without console errors', async (context) => {
    if (CHROMIUM === undefined) {
      if (process.env.CI === 'true') throw new Error('chromium is not installed: scripts/setup.sh installs it');
      context.skip('no chromium here');
    }
    const browser = await puppeteer.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
    try {
      const page = await browser.newPage();
      const problems: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error') problems.push(message.text());
      });
      page.on('pageerror', (error) => problems.push(String(error)));
      page.on('requestfailed', (request) => problems.push(`request failed: ${request.url()}`));
      await page.setViewport({ width: 1100, height: 900 });
      await page.goto(`file://${join(first, 'report.html')}`, { waitUntil: 'load' });
      const heading = await page.$eval('h1', (element) => element.textContent);
      expect(heading).toBe('veridata pipeline run');
      expect(await page.$$eval('svg', (elements) => elements.length)).toBeGreaterThanOrEqual(6);
      const screenshot = join(directory, 'report.png');
      await page.screenshot({ path: screenshot, fullPage: true });
      expect(statSync(screenshot).size).toBeGreaterThan(20_000);
      expect(problems).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
