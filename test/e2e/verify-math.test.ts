import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, test } from 'vitest';
import { runCli } from '../helpers/run-cli.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const directory = mkdtempSync(join(tmpdir(), 'veridata-verify-math-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

interface PublicCase {
  gold: string;
  prediction: string;
}
const publicCases = readFileSync(join(root, '../shared/data/math-cases-public.jsonl'), 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => JSON.parse(line) as PublicCase);

/** A solver log as exported by an eval harness: one line per attempt. */
function solverLog(count: number): string {
  return publicCases.length === 0
    ? ''
    : Array.from({ length: count }, (_, index) => {
        const item = publicCases[index % publicCases.length]!;
        return `${JSON.stringify({ prompt: `problem ${index}`, output: item.prediction, answer: item.gold, trace_id: `trace-${index}`, meta: { attempt: index % 4, model: 'm' } })}\n`;
      }).join('');
}

function file(name: string, text: string): string {
  const path = join(directory, name);
  writeFileSync(path, text);
  return path;
}

const readLines = (path: string) =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, any>);

describe('veridata verify math --in --out', () => {
  test('a solver log gets one verdict per line, in order, with every other field kept', async () => {
    const input = file('log.jsonl', solverLog(publicCases.length));
    const out = join(directory, 'log-out.jsonl');
    const result = await runCli(['verify', 'math', '--in', input, '--out', out, '--json']);
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout.trim().split('\n').pop()!);
    expect(summary).toMatchObject({ command: 'verify math', verified: publicCases.length, resumed: 0 });
    expect(summary.pass + summary.fail + summary.error).toBe(publicCases.length);

    const inputLines = readFileSync(input, 'utf8').split('\n').filter(Boolean);
    const outputLines = readFileSync(out, 'utf8').split('\n').filter(Boolean);
    expect(outputLines).toHaveLength(inputLines.length);
    for (const [index, line] of outputLines.entries()) {
      const record = JSON.parse(line);
      const original = JSON.parse(inputLines[index]!);
      const { verdict, ...rest } = record;
      expect(rest).toEqual(original);
      expect(verdict).toMatchObject({ verifier: 'math', status: expect.stringMatching(/^(pass|fail|error)$/) });
      expect(typeof verdict.details.explanation).toBe('string');
      // The input line's own bytes come first, unchanged.
      expect(line.startsWith(inputLines[index]!.slice(0, -1))).toBe(true);
    }
    // No wall-clock values in the data file; timings go to the run log.
    expect(readFileSync(out, 'utf8')).not.toMatch(/20\d\d-\d\d-\d\dT/);
    expect(readFileSync(`${out}.runlog.jsonl`, 'utf8')).toMatch(/"startedAt"/);
  });

  test('a line missing its response or gold gets an error verdict and the run goes on; fields can be renamed', async () => {
    const input = file(
      'fields.jsonl',
      [
        { output: '\\boxed{4}', answer: '4' },
        { answer: '4' },
        { output: '\\boxed{4}' },
        { completion: 'The answer is 5.', gold: 5 },
        { output: 42, answer: '42' },
      ]
        .map((record) => JSON.stringify(record))
        .join('\n'),
    );
    const out = join(directory, 'fields-out.jsonl');
    expect((await runCli(['verify', 'math', '--in', input, '--out', out])).code).toBe(0);
    expect(readLines(out).map((record) => [record.verdict.status, record.verdict.reason])).toEqual([
      ['pass', 'equivalent'],
      ['error', 'missing-field'],
      ['error', 'missing-field'],
      ['pass', 'equivalent'],
      ['error', 'missing-field'],
    ]);

    const renamed = file('renamed.jsonl', `${JSON.stringify({ model_text: 'so x = \\boxed{7}', ref: '7' })}\n`);
    const renamedOut = join(directory, 'renamed-out.jsonl');
    const result = await runCli(['verify', 'math', '--in', renamed, '--out', renamedOut, '--response-field', 'model_text', '--gold-field', 'ref']);
    expect(result.code).toBe(0);
    expect(readLines(renamedOut)[0]!.verdict.status).toBe('pass');
  });

  test('a run killed part-way and rerun ends byte-identical to an uninterrupted run', async () => {
    const input = file('big.jsonl', solverLog(20_000));
    const whole = join(directory, 'whole.jsonl');
    // A check cut by the time budget depends on machine load; a wide budget keeps every verdict a function of its input.
    const budget = ['--timeout-ms', '60000'];
    expect((await runCli(['verify', 'math', '--in', input, '--out', whole, ...budget])).code).toBe(0);
    const expected = readFileSync(whole);

    const out = join(directory, 'interrupted.jsonl');
    const child = spawn(process.execPath, ['--import', 'tsx', `${root}/src/cli/bin.ts`, 'verify', 'math', '--in', input, '--out', out, ...budget], {
      cwd: root,
      stdio: 'ignore',
    });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    const deadline = Date.now() + 120_000;
    const size = () => {
      try {
        return statSync(out).size;
      } catch {
        return 0;
      }
    };
    while (size() < 200_000 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    child.kill('SIGKILL');
    const signal = await exited;
    const partial = size();
    expect(partial).toBeGreaterThan(0);
    if (signal === 'SIGKILL') expect(partial).toBeLessThan(expected.length);

    const rerun = await runCli(['verify', 'math', '--in', input, '--out', out, '--json', ...budget]);
    expect(rerun.code).toBe(0);
    expect(readFileSync(out).equals(expected)).toBe(true);

    // A half-written last line (a crash inside a write) is dropped and redone.
    const cut = join(directory, 'cut.jsonl');
    writeFileSync(cut, expected);
    truncateSync(cut, Math.floor(expected.length / 3) + 17);
    const resumed = await runCli(['verify', 'math', '--in', input, '--out', cut, '--json', ...budget]);
    expect(resumed.code).toBe(0);
    expect(JSON.parse(resumed.stdout.trim().split('\n').pop()!).resumed).toBeGreaterThan(0);
    expect(readFileSync(cut).equals(expected)).toBe(true);
  });

  test('Ctrl-C stops with exit 130 leaving whole lines, and a rerun completes the file', async () => {
    const input = file('sigint.jsonl', solverLog(20_000));
    const out = join(directory, 'sigint-out.jsonl');
    const budget = ['--timeout-ms', '60000'];
    const child = spawn(process.execPath, ['--import', 'tsx', `${root}/src/cli/bin.ts`, 'verify', 'math', '--in', input, '--out', out, ...budget], {
      cwd: root,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    const deadline = Date.now() + 120_000;
    const size = () => {
      try {
        return statSync(out).size;
      } catch {
        return 0;
      }
    };
    while (size() < 100_000 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    child.kill('SIGINT');
    const code = await exited;
    if (code !== 0) {
      expect(code).toBe(130);
      expect(stderr).toContain('[INTERRUPTED]');
      expect(readFileSync(out, 'utf8').endsWith('\n')).toBe(true);
    }
    expect((await runCli(['verify', 'math', '--in', input, '--out', out, ...budget])).code).toBe(0);
    expect(readLines(out).map((record) => record.trace_id)).toEqual(Array.from({ length: 20_000 }, (_, index) => `trace-${index}`));
  });

  test('expression bombs each end as error or fail, and the process survives', async () => {
    let nested = '1';
    for (let depth = 0; depth < 3000; depth += 1) nested = `(${nested}+1)`;
    const bombs = [
      { output: 'The answer is $\\boxed{10^{10^{10}}}$.', answer: '10' },
      { output: '\\boxed{9^{9^{9}}}', answer: '9' },
      { output: 'So \\boxed{100000!}.', answer: '100000' },
      { output: `\\boxed{${nested}}`, answer: '3001' },
      { output: `${'9'.repeat(1 << 20)}`, answer: '9' },
      { output: '\\boxed{2}', answer: '10^{10^{10}}' },
      { output: '\\boxed{\\frac{1}{', answer: '1' },
    ];
    const input = file('bombs.jsonl', `${bombs.map((record) => JSON.stringify(record)).join('\n')}\n${JSON.stringify({ output: '\\boxed{3}', answer: '3' })}\n`);
    const out = join(directory, 'bombs-out.jsonl');
    const result = await runCli(['verify', 'math', '--in', input, '--out', out, '--json']);
    expect(result.code).toBe(0);
    const statuses = readLines(out).map((record) => record.verdict.status);
    expect(statuses.slice(0, bombs.length).every((status) => status === 'error' || status === 'fail')).toBe(true);
    expect(statuses.at(-1)).toBe('pass');
  });
});

describe('veridata verify math: bad input', () => {
  test('a missing input file is INPUT_UNREADABLE, exit 2', async () => {
    const result = await runCli(['verify', 'math', '--in', join(directory, 'nope.jsonl'), '--out', join(directory, 'nope-out.jsonl')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^\[INPUT_UNREADABLE\] cannot read .*nope\.jsonl/);
  });

  test('a line that is not JSON stops the run naming file:line, or is skipped and counted with --skip-invalid', async () => {
    const input = file('broken.jsonl', `${JSON.stringify({ output: '1', answer: '1' })}\n\n{"output": "2", "answer":\n${JSON.stringify({ output: '3', answer: '3' })}\n`);
    const result = await runCli(['verify', 'math', '--in', input, '--out', join(directory, 'broken-out.jsonl')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`[INVALID_JSON] ${input}:3: not a JSON object`);

    const skipped = await runCli(['verify', 'math', '--in', input, '--out', join(directory, 'skipped-out.jsonl'), '--skip-invalid', '--json']);
    expect(skipped.code).toBe(0);
    expect(JSON.parse(skipped.stdout.trim().split('\n').pop()!)).toMatchObject({ verified: 2, skippedInvalid: 1, pass: 2 });
  });

  test('an unknown option or a half-given mode is INVALID_OPTION, exit 2', async () => {
    const unknown = await runCli(['verify', 'math', '--in', 'a.jsonl', '--out', 'b.jsonl', '--colour']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^\[INVALID_OPTION\] unknown option '--colour'/);
    const half = await runCli(['verify', 'math', '--gold', '3']);
    expect(half.code).toBe(2);
    expect(half.stderr).toMatch(/^\[INVALID_OPTION\] --response: checking one pair needs both --gold and --response/);
    const badPolicy = await runCli(['verify', 'math', '--gold', '3', '--response', '3', '--relative-tolerance', '0.5']);
    expect(badPolicy.code).toBe(2);
    expect(badPolicy.stderr).toMatch(/^\[INVALID_OPTION\] --relative-tolerance/);
  });
});

describe('veridata verify math --gold --response', () => {
  test('one pair: the verdict and why', async () => {
    const pass = await runCli(['verify', 'math', '--gold', '\\frac{1}{2}', '--response', 'The answer is \\boxed{0.5}.']);
    expect(pass.code).toBe(0);
    expect(pass.stdout).toMatch(/^pass \(equivalent\): 1\/2 \(boxed\) equals the gold 1\/2/);
    const fail = await runCli(['verify', 'math', '--gold', '12', '--response', 'Sorry, I don\'t know.', '--json']);
    expect(fail.code).toBe(0);
    expect(JSON.parse(fail.stdout)).toMatchObject({ status: 'fail', reason: 'no-answer', details: { explanation: 'The response declines to answer.' } });
  });
});

describe('veridata verify math --checker sympy|both', () => {
  // Each case's built-in and SymPy verdicts, chosen for differences that come from policy, not from a bug either side
  // may fix: the built-in checker's percent policy and decimal-places rule, and SymPy's refusal of text.
  const cases = [
    { id: 'same-1', output: '\\boxed{\\frac{2}{4}}', answer: '0.5', builtin: 'pass', sympy: 'pass' },
    { id: 'percent', output: 'The answer is 25.', answer: '25\\%', builtin: 'pass', sympy: 'fail' },
    { id: 'same-2', output: '\\boxed{x^2+2x+1}', answer: '(x+1)^2', builtin: 'pass', sympy: 'pass' },
    { id: 'places', output: '\\boxed{123456.8}', answer: '123456.7', builtin: 'fail', sympy: 'pass' },
    { id: 'missing', answer: '3', builtin: 'error', sympy: 'error' },
    { id: 'text', output: '\\boxed{\\text{Yes}}', answer: '\\text{yes}', builtin: 'pass', sympy: 'error' },
    { id: 'same-3', output: "Sorry, I don't know.", answer: '12', builtin: 'fail', sympy: 'fail' },
    { id: 'same-4', output: '\\boxed{(2,1)}', answer: '(1,2)', builtin: 'fail', sympy: 'fail' },
  ];
  const input = () => file('checkers.jsonl', cases.map(({ builtin: _b, sympy: _s, ...record }) => `${JSON.stringify(record)}\n`).join(''));

  test('both: verdicts stay built-in with SymPy recorded beside them, and every disagreement is counted and written', async () => {
    const out = join(directory, 'both-out.jsonl');
    const disagreements = join(directory, 'both-disagreements.jsonl');
    const result = await runCli(['verify', 'math', '--in', input(), '--out', out, '--checker', 'both', '--disagreements', disagreements, '--json']);
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout.trim().split('\n').pop()!);
    expect(summary.agreement).toMatchObject({
      checker: 'both',
      compared: 7,
      agree: 4,
      disagree: 3,
      pairs: { 'pass/fail': 1, 'fail/pass': 1, 'pass/error': 1 },
      file: disagreements,
      sympyTimeouts: 0,
    });
    const records = readLines(out);
    expect(records.map((record) => record.verdict.status)).toEqual(cases.map((item) => item.builtin));
    expect(records.map((record) => record.verdict.details.sympy?.status ?? 'error')).toEqual(cases.map((item) => item.sympy));
    expect(readLines(disagreements).map((entry) => [entry.record, entry.id, entry.builtin.status, entry.sympy.status])).toEqual([
      [2, 'percent', 'pass', 'fail'],
      [4, 'places', 'fail', 'pass'],
      [6, 'text', 'pass', 'error'],
    ]);
    expect(summary.agreement.examples).toHaveLength(3);

    // A run cut part-way (output cut mid-line, the disagreements file ahead of it) and rerun lists each one once.
    const expected = readFileSync(disagreements, 'utf8');
    const whole = readFileSync(out);
    truncateSync(out, whole.indexOf('"id":"places"'));
    const rerun = await runCli(['verify', 'math', '--in', input(), '--out', out, '--checker', 'both', '--disagreements', disagreements, '--json']);
    expect(rerun.code).toBe(0);
    expect(JSON.parse(rerun.stdout.trim().split('\n').pop()!)).toMatchObject({ resumed: 3, agreement: { disagree: 2 } });
    expect(readFileSync(out).equals(whole)).toBe(true);
    expect(readFileSync(disagreements, 'utf8')).toBe(expected);
  });

  test('sympy: SymPy decides, the built-in verdict is recorded; the people-facing summary lists disagreements', async () => {
    const out = join(directory, 'sympy-out.jsonl');
    const result = await runCli(['verify', 'math', '--in', input(), '--out', out, '--checker', 'sympy']);
    expect(result.code).toBe(0);
    const records = readLines(out);
    expect(records.map((record) => record.verdict.status)).toEqual(cases.map((item) => item.sympy));
    expect(records[1]!.verdict).toMatchObject({ verifier: 'math', reason: 'not-equivalent', details: { checker: 'sympy', builtin: { status: 'pass' } } });
    expect(readLines(`${out}.disagreements.jsonl`)).toHaveLength(3);

    const pair = await runCli(['verify', 'math', '--gold', '1-i', '--response', '\\boxed{\\frac{2}{1+i}}', '--checker', 'both', '--json']);
    expect(pair.code).toBe(0);
    expect(JSON.parse(pair.stdout)).toMatchObject({ status: 'pass', details: { sympy: { status: 'pass', equal: true } } });
  });

  test('the public cases through --checker sympy: no false pass, and the agreement with the labels', async () => {
    const lines = readFileSync(join(root, '../shared/data/math-cases-public.jsonl'), 'utf8').split('\n').filter(Boolean);
    const labelled = lines.map((line) => JSON.parse(line) as { id: string; gold: string; prediction: string; expected: boolean; category: string });
    const input = file('public.jsonl', labelled.map((item) => `${JSON.stringify({ id: item.id, output: item.prediction, answer: item.gold })}\n`).join(''));
    const out = join(directory, 'public-sympy.jsonl');
    const result = await runCli(['verify', 'math', '--in', input, '--out', out, '--checker', 'sympy', '--json']);
    expect(result.code).toBe(0);
    const verdicts = readLines(out).map((record) => record.verdict);
    const falsePasses = labelled.filter((item, index) => verdicts[index].status === 'pass' && !item.expected).map((item) => item.id);
    expect(falsePasses).toEqual([]);
    const agree = labelled.filter((item, index) => (verdicts[index].status === 'pass') === item.expected).length;
    const unsupported = verdicts.filter((verdict) => verdict.reason === 'unsupported').length;
    // Text and choice answers are not math, so SymPy declines them (error/unsupported); every other case it decides.
    expect(unsupported).toBeLessThanOrEqual(labelled.filter((item) => item.category === 'text_answers').length);
    expect(agree / labelled.length).toBeGreaterThanOrEqual(0.9);
    console.info(`sympy checker on the public cases: ${agree}/${labelled.length} agree with the labels, ${unsupported} declined (text/choice), 0 false passes`);
  });

  test('no interpreter with sympy is INFRASTRUCTURE, exit 3, before anything is written; a bad --checker is INVALID_OPTION', async () => {
    const out = join(directory, 'no-python.jsonl');
    const result = await runCli(['verify', 'math', '--in', input(), '--out', out, '--checker', 'both'], { env: { VERIDATA_PYTHON: '/nonexistent/python3' } });
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/^\[INFRASTRUCTURE\] the SymPy checker cannot start \(\/nonexistent\/python3: spawn \/nonexistent\/python3 ENOENT\)/);
    expect(result.stderr).toContain('scripts/setup.sh');
    expect(() => statSync(out)).toThrow();
    const bad = await runCli(['verify', 'math', '--gold', '3', '--response', '3', '--checker', 'mathematica']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^\[INVALID_OPTION\] --checker: expected builtin, sympy or both, got "mathematica"/);
  });
});
