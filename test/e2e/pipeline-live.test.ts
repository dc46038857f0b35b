import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type LlmServer, type ResponderRequest, startLlmServer } from '../helpers/llm-server.js';
import { runCli, TSX_LOADER } from '../helpers/run-cli.js';
import { backendAvailable } from '../helpers/sandbox-backends.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

function roll(request: ResponderRequest, salt: string): number {
  return createHash('sha256').update(JSON.stringify([salt, request.model, request.seed ?? null, request.index, request.messages])).digest().readUInt32BE(0);
}

const fence = (code: string) => `\`\`\`python\n${code}\`\`\``;

/**
 * A small "model" for every prompt of the pipeline, served over real HTTP: questions ask for scale_<n>(x) = n * x;
 * solutions are right two times in three (a wrong one adds 1); tests are right except now and then, when they are weak
 * (assert nothing useful); math answers are right most of the time.
 */
function responder(request: ResponderRequest): string {
  const text = String(request.messages.at(-1)?.content ?? '');
  const seed = /<seed>\n([\s\S]*?)\n<\/seed>/.exec(text)?.[1];
  if (seed !== undefined && text.includes('coding')) {
    const factor = Number(/factor (\d+)/.exec(seed)?.[1] ?? 2);
    return `<|Question Begin|>\nWrite a Python function scale_${factor}(x: int) -> int that returns x multiplied by ${factor}.\nExample: scale_${factor}(3) == ${3 * factor}.\n<|Question End|>`;
  }
  if (seed !== undefined) return `<|Question Begin|>\nA box holds ${seed.length % 9 + 2} rows of 4 eggs. How many eggs are in the box?\n<|Question End|>`;
  const scale = /scale_(\d+)\(x/.exec(text);
  if (text.includes('<|Solution Begin|>') && scale !== null) {
    const factor = Number(scale[1]);
    const wrong = roll(request, 'solution') % 3 === 0;
    const weak = roll(request, 'tests') % 4 === 0;
    const solution = `def scale_${factor}(x):\n    return x * ${factor}${wrong ? ' + 1' : ''}\n`;
    const tests = weak
      ? `from solution import scale_${factor}\n\n\ndef test_runs():\n    assert scale_${factor}(0) is not None\n`
      : `from solution import scale_${factor}\n\n\ndef test_small():\n    assert scale_${factor}(3) == ${3 * factor}\n\n\ndef test_zero():\n    assert scale_${factor}(0) == 0\n`;
    return `<|Solution Begin|>\n${fence(solution)}\n<|Solution End|>\n<|Test Begin|>\n${fence(tests)}\n<|Test End|>`;
  }
  if (text.includes('<|Completion Begin|>') && scale !== null) {
    return `<|Completion Begin|>\n${fence(`def scale_${scale[1]}(x: int) -> int:\n    """Return x multiplied by ${scale[1]}.\n\n    >>> scale_${scale[1]}(3)\n    ${3 * Number(scale[1])}\n    """\n`)}\n<|Completion End|>`;
  }
  if (scale !== null) {
    const wrong = roll(request, 'response') % 3 === 0;
    return `Here is the function:\n\n${fence(`def scale_${scale[1]}(x):\n    return x * ${scale[1]}${wrong ? ' - 1' : ''}\n`)}`;
  }
  const eggs = /holds (\d+) rows of 4 eggs/.exec(text);
  if (eggs !== null) return `Each row has 4 eggs, so ${eggs[1]} rows hold ${Number(eggs[1]) * 4} eggs.\n\\boxed{${Number(eggs[1]) * 4 + (roll(request, 'eggs') % 5 === 0 ? 1 : 0)}}`;
  const add = /What is (\d+) \+ (\d+)\?/.exec(text);
  if (add !== null) return `Adding: \\boxed{${Number(add[1]) + Number(add[2]) + (roll(request, 'add') % 4 === 0 ? 2 : 0)}}`;
  return 'I cannot help with that.';
}

let server: LlmServer;
let directory: string;
let sandbox: 'bwrap' | 'docker' | undefined;

beforeAll(async () => {
  server = await startLlmServer({ models: ['q', 's', 'r'], responder, latencyMs: [1, 5] });
  directory = mkdtempSync(join(tmpdir(), 'veridata-pipeline-'));
  const bwrap = await backendAvailable('bwrap');
  sandbox = bwrap.available ? 'bwrap' : undefined;
  mkdirSync(join(directory, 'seeds'), { recursive: true });
  const modes = ['leetcode', 'algorithm', 'data_structure', 'package', 'docs'];
  modes.forEach((mode, index) => {
    const lines = [0, 1].map((n) => JSON.stringify({ id: `${mode}-${n}`, seed: `A coding seed about factor ${index * 2 + n + 2}.` }));
    writeFileSync(join(directory, 'seeds', `${mode}.jsonl`), `${lines.join('\n')}\n`);
  });
  const math = Array.from({ length: 6 }, (_, index) => JSON.stringify({ id: `m${index}`, prompt: `What is ${index + 1} + ${index + 4}?`, answer: String(2 * index + 5) }));
  writeFileSync(join(directory, 'seeds', 'math.jsonl'), `${math.join('\n')}\n`);
});
afterAll(async () => {
  await server.close();
  if (process.env.VERIDATA_KEEP_TEST_FILES === '1') process.stderr.write(`kept ${directory}\n`);
  else rmSync(directory, { recursive: true, force: true });
});

function config(name: string, extra = ''): string {
  const path = join(directory, `${name}.yaml`);
  writeFileSync(
    path,
    `output_dir: ${name}
endpoints:
  local: { base_url: "${server.url}", profile: vllm, backoff_base_ms: 2, backoff_max_ms: 10 }
models:
  questions: [{ id: q, endpoint: local }]
  solutions: [{ id: s, endpoint: local }]
  responses: [{ id: r, endpoint: local }]
concurrency: 4
cache: { path: ${name}-cache.sqlite }
code:
  seeds:
${['leetcode', 'algorithm', 'data_structure', 'package', 'docs'].map((mode) => `    - { path: seeds/${mode}.jsonl, mode: ${mode} }`).join('\n')}
  trials: 3
math:
  seeds: [seeds/math.jsonl]
  agreement: { samples: 5, threshold: 0.6 }
sandbox: { backend: ${sandbox ?? 'bwrap'}, coverage: true, concurrency: 2 }
${extra}`,
  );
  return path;
}

function lines(path: string): Record<string, unknown>[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('the pipeline over a live endpoint', () => {
  test('stages 1-3 on both tracks: deduplicated questions, cross-checked triplets, verified SFT/DPO data, a report', async (context) => {
    if (sandbox === undefined) context.skip('no bwrap sandbox here');
    const file = config('run');
    for (const stage of ['1', '2', '3']) {
      const result = await runCli(['stage', stage, '--config', file, '--json'], { cwd: directory });
      expect(result.code, result.stderr).toBe(0);
    }
    const out = join(directory, 'run');
    // Stage 1: ten seeds, two per mode with distinct factors: ten distinct questions.
    expect(lines(join(out, 'code/stage1/questions.jsonl'))).toHaveLength(10);
    const trials = lines(join(out, 'code/stage2/trials.jsonl'));
    expect(trials).toHaveLength(30);
    for (const trial of trials) {
      const solution = String(trial.solution);
      // A wrong solution never passes, whatever its own tests said.
      if (solution.includes('+ 1')) expect(trial.passed).toBe(false);
      if (solution.includes('+ 1') && (trial.verdict as { status: string }).status === 'pass') expect(trial.weak_tests).toBe(true);
    }
    const triplets = lines(join(out, 'code/stage2/triplets.jsonl'));
    for (const triplet of triplets) {
      expect(String(triplet.solution)).not.toContain('+ 1');
      expect(String(triplet.tests)).toContain('== 0');
      expect(['easy', 'medium', 'hard']).toContain(triplet.difficulty);
    }
    const passAtK = JSON.parse(readFileSync(join(out, 'code/stage2/pass_at_k.json'), 'utf8')) as { passAtK: Record<string, number> };
    expect(passAtK.passAtK['pass@1']!).toBeLessThanOrEqual(passAtK.passAtK['pass@3']!);
    const responses = lines(join(out, 'code/stage3/dpo.jsonl.responses.jsonl'));
    for (const response of responses) {
      expect((response.verdict as { status: string }).status).toBe(String(response.response).includes(' - 1') ? 'fail' : 'pass');
    }
    for (const pair of lines(join(out, 'code/stage3/dpo.jsonl'))) expect(String(pair.rejected)).toContain(' - 1');
    expect(lines(join(out, 'code/stage3/sft.jsonl')).every((line) => !String(line.response).includes(' - 1'))).toBe(true);
    // Math: seed problems keep their gold; written ones carry a majority answer.
    const questions = lines(join(out, 'math/stage1/questions.jsonl'));
    expect(questions.filter((question) => question.answer_source === 'seed')).toHaveLength(6);
    for (const question of questions.filter((question) => question.answer_source === 'majority')) {
      const rows = Number(/holds (\d+) rows/.exec(String(question.prompt))![1]);
      expect(question.answer).toBe(String(rows * 4));
    }
    const report = await runCli(['report', '--config', file], { cwd: directory });
    expect(report.code, report.stderr).toBe(0);
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).toContain('Code track');
    expect(html).not.toMatch(/<script/i);
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as { counts: Record<string, { stage2: { triplets: number } }>; models: { served: Record<string, string[]> } };
    expect(manifest.counts.code!.stage2.triplets).toBe(triplets.length);
    expect(manifest.models.served.code).toEqual(expect.arrayContaining(['q', 's', 'r']));
  });

  test('stage 2 killed part-way and run again ends identical to an uninterrupted run', async (context) => {
    if (sandbox === undefined) context.skip('no bwrap sandbox here');
    const whole = config('whole', 'tracks: [code]\n');
    const killed = config('killed', 'tracks: [code]\n');
    for (const file of [whole, killed]) expect((await runCli(['stage', '1', '--config', file], { cwd: directory })).code).toBe(0);
    expect((await runCli(['stage', '2', '--config', whole], { cwd: directory })).code).toBe(0);
    const child = spawn(process.execPath, ['--import', TSX_LOADER, `${root}/src/cli/bin.ts`, 'stage', '2', '--config', killed], { cwd: directory, stdio: 'ignore' });
    const exited = new Promise((resolve) => child.on('exit', resolve));
    const checkpoint = join(directory, 'killed/code/stage2/checkpoint.jsonl');
    const deadline = Date.now() + 120_000;
    while (Date.now() < deadline && (!existsSync(checkpoint) || lines(checkpoint).filter((entry) => entry.done).length < 3)) await new Promise((resolve) => setTimeout(resolve, 25));
    child.kill('SIGKILL');
    await exited;
    expect(lines(checkpoint).filter((entry) => entry.done).length).toBeLessThan(10);
    const rerun = await runCli(['stage', '2', '--config', killed], { cwd: directory });
    expect(rerun.code, rerun.stderr).toBe(0);
    for (const name of ['trials.jsonl', 'triplets.jsonl', 'retry.jsonl', 'pass_at_k.json']) {
      expect(readFileSync(join(directory, 'killed/code/stage2', name), 'utf8'), name).toBe(readFileSync(join(directory, 'whole/code/stage2', name), 'utf8'));
    }
  });

  test('sharded stage 2 merged equals an unsharded run; shard index from JOB_COMPLETION_INDEX', async (context) => {
    if (sandbox === undefined) context.skip('no bwrap sandbox here');
    const whole = config('whole');
    const sharded = config('sharded', 'tracks: [code]\n');
    expect((await runCli(['stage', '1', '--config', sharded], { cwd: directory })).code).toBe(0);
    const early = await runCli(['merge', '--stage', '2', '--config', sharded], { cwd: directory });
    expect(early.code).toBe(2);
    expect((await runCli(['stage', '2', '--config', sharded, '--shard', '0/2'], { cwd: directory })).code).toBe(0);
    const missing = await runCli(['merge', '--stage', '2', '--config', sharded], { cwd: directory });
    expect(missing.stderr).toContain('shard 1/2');
    expect((await runCli(['stage', '2', '--config', sharded, '--shards', '2'], { cwd: directory, env: { JOB_COMPLETION_INDEX: '1' } })).code).toBe(0);
    const merged = await runCli(['merge', '--stage', '2', '--config', sharded], { cwd: directory });
    expect(merged.code, merged.stderr).toBe(0);
    void whole;
    for (const name of ['trials.jsonl', 'triplets.jsonl', 'retry.jsonl', 'pass_at_k.json']) {
      expect(readFileSync(join(directory, 'sharded/code/stage2', name), 'utf8'), name).toBe(readFileSync(join(directory, 'whole/code/stage2', name), 'utf8'));
    }
  });

  test('bad input: an unknown config key, a missing seed file, a malformed stage-1 file, a stage before its input', async () => {
    const typo = join(directory, 'typo.yaml');
    writeFileSync(typo, readFileSync(config('typo'), 'utf8').replace('  trials: 3', '  trails: 3'));
    const unknown = await runCli(['stage', '1', '--config', typo], { cwd: directory });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/\[INVALID_CONFIG\] .*typo\.yaml:\d+: key "code\.trails"/);

    const noSeed = join(directory, 'noseed.yaml');
    writeFileSync(noSeed, readFileSync(config('noseed'), 'utf8').replace('seeds/math.jsonl', 'seeds/missing.jsonl'));
    const seedless = await runCli(['stage', '1', '--config', noSeed, '--track', 'math'], { cwd: directory });
    expect(seedless.code).toBe(2);
    expect(seedless.stderr).toContain('seeds/missing.jsonl');
    expect(seedless.stderr).toContain('math.seeds.0');

    const early = await runCli(['stage', '2', '--config', config('early')], { cwd: directory });
    expect(early.code).toBe(2);
    expect(early.stderr).toMatch(/early\/code\/stage1\/questions\.jsonl.*run stage 1 \(pnpm stage:1/);

    const broken = config('broken', 'tracks: [code]\n');
    mkdirSync(join(directory, 'broken/code/stage1'), { recursive: true });
    writeFileSync(join(directory, 'broken/code/stage1/questions.jsonl'), `${JSON.stringify({ id: 'a', prompt: 'Q', mode: 'leetcode', seed_id: 's' })}\n{"id": "b", "mode": 3}\n`);
    server.reset();
    const malformed = await runCli(['stage', '2', '--config', broken], { cwd: directory });
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toMatch(/\[INVALID_RECORD\] .*questions\.jsonl:2: field "prompt"/);
    expect(server.requests).toBe(0);
  });
});
