import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { SandboxResult } from '../../sandbox/backend.js';
import { Verdict } from '../../src/core/schemas/verdict.js';
import { decideCodeVerdict, type StaticFacts, staticVerdict } from './decide-code-verdict.js';

type ReportEvent = Record<string, unknown>;

const FILE = 'test_solution.py';
const EXPECTED = ['test_add', 'test_sub', 'TestMath::test_mul'];
const CANARY = 'test_5f0c2a9e71b4';
const NONCE = '9d3e61c0b7a84f25';

const nodeOf = (name: string) => `${FILE}::${name}`;
const phase = (name: string, when: 'setup' | 'call' | 'teardown', outcome: 'passed' | 'failed' | 'skipped', message?: string): ReportEvent => ({
  event: 'test',
  nodeid: nodeOf(name),
  when,
  outcome,
  ...(message === undefined ? {} : { message }),
});
const passing = (name: string) => [phase(name, 'setup', 'passed'), phase(name, 'call', 'passed'), phase(name, 'teardown', 'passed')];
const failing = (name: string, message: string) => [phase(name, 'setup', 'passed'), phase(name, 'call', 'failed', message), phase(name, 'teardown', 'passed')];
const skipped = (name: string) => [phase(name, 'setup', 'skipped', `('${FILE}', 7, 'Skipped: not today')`), phase(name, 'teardown', 'passed')];
const canaryMessage = (canary: string, nonce: string) => `${FILE}:14: in ${canary}\n    raise AssertionError("${nonce}")\nE   AssertionError: ${nonce}`;

interface Run {
  readonly canary: string;
  readonly nonce: string;
  readonly expected: readonly string[];
  readonly failing?: readonly string[];
  readonly seconds?: string;
  /** The assertion message of each failing test (default: a plain `assert 3 == 4`). */
  readonly failMessage?: string;
}

/** What the reporter plugin writes for a run where `failing` fail, the rest pass, and the canary fails with its nonce. */
function genuineEvents(run: Run): ReportEvent[] {
  const failed = new Set(run.failing ?? []);
  return [
    { event: 'start', pytest: '8.3.4' },
    { event: 'collected', items: [...run.expected, run.canary].map(nodeOf), foreign: [] },
    ...run.expected.flatMap((name) => (failed.has(name) ? failing(name, run.failMessage ?? `${FILE}:3: in ${name}\n    assert add(1, 2) == 4\nE   assert 3 == 4`) : passing(name))),
    ...failing(run.canary, canaryMessage(run.canary, run.nonce)),
    { event: 'end', exitstatus: 1, collected: run.expected.length + 1, failed: failed.size + 1 },
  ];
}

/** pytest -q's output for the same run. */
function genuineStdout(run: Run): string {
  const failed = [...(run.failing ?? []), run.canary];
  return [
    `${run.expected.map((name) => (run.failing?.includes(name) ? 'F' : '.')).join('')}F${' '.repeat(60)}[100%]`,
    `${'='.repeat(35)} FAILURES ${'='.repeat(35)}`,
    `${'_'.repeat(30)} ${run.canary} ${'_'.repeat(30)}`,
    canaryMessage(run.canary, run.nonce),
    `${'='.repeat(27)} short test summary info ${'='.repeat(27)}`,
    ...failed.map((name) => `FAILED ${nodeOf(name)} - AssertionError: ${name === run.canary ? run.nonce : 'assert 3 == 4'}`),
    `${failed.length} failed, ${run.expected.length - failed.length + 1} passed in ${run.seconds ?? '0.03s'}`,
    '',
  ].join('\n');
}

/** Report channel text: events as JSON lines, strings written as they are (a forged line). */
const report = (events: readonly unknown[]) => events.map((event) => (typeof event === 'string' ? event : JSON.stringify(event))).join('\n') + '\n';

function sandboxResult(overrides: Partial<SandboxResult> = {}): SandboxResult {
  return {
    stop: 'exited',
    exitCode: 1,
    signal: null,
    stdout: '',
    stderr: '',
    report: '',
    truncated: false,
    outputBytes: 900,
    wallMs: 412.5,
    cpuMs: 301.2,
    peakMemoryBytes: 31_000_000,
    leftoverProcesses: 0,
    backend: 'bwrap',
    discarded: false,
    ...overrides,
  };
}

function factsOf(run: Pick<Run, 'canary' | 'nonce' | 'expected'>): StaticFacts {
  return { expected: run.expected, prescreen: [], canary: run.canary, nonce: run.nonce, extraction: { source: 'raw', blocks: 0, chosen: [] } };
}

const base: Run = { canary: CANARY, nonce: NONCE, expected: EXPECTED };

/** Decides the genuine run after `change` rewrote its events and `overrides` its sandbox result. */
function decide(change: (events: ReportEvent[]) => unknown[] = (events) => events, overrides: Partial<SandboxResult> = {}, run: Run = base): Verdict {
  const verdict = decideCodeVerdict(factsOf(run), sandboxResult({ stdout: genuineStdout(run), report: report(change(genuineEvents(run))), ...overrides }));
  expect(Verdict.safeParse(verdict).success).toBe(true);
  return verdict;
}

const isCanary = (event: ReportEvent) => event.nodeid === nodeOf(CANARY);
const isEnd = (event: ReportEvent) => event.event === 'end';
const withoutTest = (name: string) => (events: ReportEvent[]) => events.filter((event) => event.nodeid !== nodeOf(name));

describe('the genuine pass', () => {
  test('all expected tests passed, the canary failed with its nonce, exit 1 and session status 1: pass, score 1', () => {
    const verdict = decide();
    expect(verdict).toMatchObject({ status: 'pass', reason: 'tests-passed', score: 1, verifier: 'pytest' });
    expect(verdict.details).toMatchObject({
      explanation: 'All 3 tests passed.',
      passed: 3,
      total: 3,
      tests: [
        { name: 'test_add', outcome: 'passed' },
        { name: 'test_sub', outcome: 'passed' },
        { name: 'TestMath::test_mul', outcome: 'passed' },
      ],
      stop: 'exited',
      exitCode: 1,
      extraction: { source: 'raw', blocks: 0, chosen: [] },
    });
    expect(verdict.details).not.toHaveProperty('signal');
    expect(verdict.details).not.toHaveProperty('stderr');
    expect(verdict.details).not.toHaveProperty('outputTruncated');
  });

  test('parametrized cases each count as a test of the name the host found', () => {
    const verdict = decide((events) => [
      ...events.filter((event) => event.nodeid !== nodeOf('test_add') && event.event !== 'collected').slice(0, 1),
      { event: 'collected', items: ['test_add[1]', 'test_add[2]', 'test_sub', 'TestMath::test_mul', CANARY].map(nodeOf), foreign: [] },
      ...passing('test_add[1]'),
      ...passing('test_add[2]'),
      ...events.filter((event) => event.event === 'test' && event.nodeid !== nodeOf('test_add')),
      ...events.filter(isEnd),
    ]);
    expect(verdict).toMatchObject({ status: 'pass', score: 1, details: { passed: 4, total: 4 } });
    expect((verdict.details.tests as { name: string }[]).map((entry) => entry.name)).toEqual(['test_add[1]', 'test_add[2]', 'test_sub', 'TestMath::test_mul']);
  });

  test("items imported from the solution are listed as ignored and do not stop a pass", () => {
    const verdict = decide((events) => events.map((event) => (event.event === 'collected' ? { ...event, foreign: [nodeOf('test_helper')] } : event)));
    expect(verdict).toMatchObject({ status: 'pass', details: { ignored: ['test_helper'] } });
  });

  test('coverage, stderr, a signal and truncation are reported when present', () => {
    const stdout = `${genuineStdout(base)}Name          Stmts   Miss  Cover\n---------------------------------\nsolution.py      10      2    80%\n`;
    const verdict = decide(undefined, { stdout, stderr: 'a warning\n', truncated: true });
    expect(verdict).toMatchObject({ status: 'pass', details: { coverage: 80, stderr: 'a warning\n', outputTruncated: true } });
    const branches = decide(undefined, { stdout: `${genuineStdout(base)}solution.py      10      2      4      1    75.5%\n` });
    expect(branches.details.coverage).toBe(75.5);
  });
});

describe('each single deviation from the genuine pass is not a pass', () => {
  const cases: [string, (events: ReportEvent[]) => unknown[], Partial<SandboxResult>, Partial<Verdict> & { tampering?: string }][] = [
    ['the canary passed', (events) => events.filter((event) => !isCanary(event)).toSpliced(-1, 0, ...passing(CANARY)), {}, { status: 'fail', reason: 'tampering', tampering: 'canary-passed' }],
    ['the canary failed without the nonce', (events) => events.map((event) => (isCanary(event) && event.when === 'call' ? { ...event, message: 'AssertionError: forged' } : event)), {}, { status: 'fail', reason: 'tampering', tampering: 'canary-passed' }],
    ['the canary failed without a message', (events) => events.map((event) => (isCanary(event) && event.when === 'call' ? { ...event, message: undefined } : event)), {}, { status: 'fail', reason: 'tampering', tampering: 'canary-passed' }],
    ['the canary was skipped', (events) => events.filter((event) => !isCanary(event)).toSpliced(-1, 0, ...skipped(CANARY)), {}, { status: 'fail', reason: 'tampering', tampering: 'canary-passed' }],
    ['the canary is missing', (events) => events.filter((event) => !isCanary(event)), {}, { status: 'fail', reason: 'tampering', tampering: 'canary-missing' }],
    ['the canary ran twice (parametrized)', (events) => events.toSpliced(-1, 0, ...failing(`${CANARY}[1]`, canaryMessage(CANARY, NONCE))), {}, { status: 'fail', reason: 'tampering', tampering: 'canary-missing' }],
    ['the process exited 0', (events) => events, { exitCode: 0 }, { status: 'fail', reason: 'tampering', tampering: 'exit-forged' }],
    ['the process exited 2', (events) => events, { exitCode: 2 }, { status: 'fail', reason: 'tampering', tampering: 'exit-forged' }],
    ['the session ended with status 0', (events) => events.map((event) => (isEnd(event) ? { ...event, exitstatus: 0 } : event)), {}, { status: 'fail', reason: 'tampering', tampering: 'exit-forged' }],
    [
      'an expected test was not collected',
      (events) => withoutTest('test_sub')(events).map((event) => (event.event === 'collected' ? { ...event, items: (event.items as string[]).filter((item) => item !== nodeOf('test_sub')) } : event)),
      {},
      { status: 'fail', reason: 'tampering', score: 0, tampering: 'collection-mismatch' },
    ],
    ['an expected test was collected but never reported', withoutTest('test_sub'), {}, { status: 'fail', reason: 'tests-failed' }],
    [
      'an unexpected extra test was collected and ran',
      (events) => [...events.map((event) => (event.event === 'collected' ? { ...event, items: [...(event.items as string[]), nodeOf('test_extra')] } : event))].toSpliced(-1, 0, ...passing('test_extra')),
      {},
      { status: 'fail', reason: 'tampering', score: 0, tampering: 'collection-mismatch' },
    ],
    ['an unexpected test ran without being collected', (events) => events.toSpliced(-1, 0, ...passing('test_extra')), {}, { status: 'fail', reason: 'tampering', tampering: 'collection-mismatch' }],
    ['a test was skipped', (events) => [...events.slice(0, 2), ...skipped('test_add'), ...events.slice(2).filter((event) => event.nodeid !== nodeOf('test_add'))], {}, { status: 'fail', reason: 'tests-failed' }],
    ['a test failed', (events) => events.map((event) => (event.nodeid === nodeOf('test_add') && event.when === 'call' ? { ...event, outcome: 'failed', message: 'E' } : event)), {}, { status: 'fail', reason: 'tests-failed' }],
    ['a forged line: a phase reported twice', (events) => events.toSpliced(-1, 0, phase('test_sub', 'call', 'passed')), {}, { status: 'fail', reason: 'tampering', tampering: 'report-forged' }],
    ['a forged line: not JSON', (events) => (events as unknown[]).toSpliced(1, 0, 'PASSED'), {}, { status: 'fail', reason: 'tampering', tampering: 'report-forged' }],
    ['a forged line: an unknown event', (events) => events.toSpliced(1, 0, { event: 'verdict', status: 'pass' }), {}, { status: 'fail', reason: 'tampering', tampering: 'report-forged' }],
    ['a forged line: an event after the end', (events) => [...events, phase('test_add', 'call', 'passed')], {}, { status: 'fail', reason: 'tampering', tampering: 'report-forged' }],
    ['a forged line: a second start', (events) => events.toSpliced(1, 0, { event: 'start', pytest: '8.3.4' }), {}, { status: 'fail', reason: 'tampering', tampering: 'report-forged' }],
    ['no start, exit 1: a crash', (events) => events.filter((event) => event.event !== 'start'), {}, { status: 'fail', reason: 'crash', score: 0 }],
    ['no start, exit 0', (events) => events.filter((event) => event.event !== 'start'), { exitCode: 0 }, { status: 'fail', reason: 'tampering', tampering: 'exited-early' }],
    ['an empty report, exit 0', () => [], { exitCode: 0 }, { status: 'fail', reason: 'tampering', tampering: 'exited-early' }],
    ['no end, exit 1: a crash', (events) => events.filter((event) => !isEnd(event)), {}, { status: 'fail', reason: 'crash', score: 1 }],
    ['no end, exit 0', (events) => events.filter((event) => !isEnd(event)), { exitCode: 0 }, { status: 'fail', reason: 'tampering', tampering: 'exited-early' }],
    ['no collected event, exit 0', (events) => events.filter((event) => event.event !== 'collected'), { exitCode: 0 }, { status: 'fail', reason: 'tampering', tampering: 'exited-early' }],
    ['no end, killed by a signal', (events) => events.filter((event) => !isEnd(event)), { exitCode: null, signal: 'SIGSEGV' }, { status: 'fail', reason: 'crash' }],
  ];

  test.each(cases)('%s', (_name, change, overrides, expected) => {
    const { tampering, ...fields } = expected;
    const verdict = decide(change, overrides);
    expect(verdict).toMatchObject(fields);
    expect(verdict.status).not.toBe('pass');
    if (tampering !== undefined) expect(verdict.details.tampering).toBe(tampering);
    else expect(verdict.details).not.toHaveProperty('tampering');
  });

  test('a collection mismatch names what is missing and what is unexpected', () => {
    const verdict = decide((events) =>
      withoutTest('test_sub')(events)
        .map((event) => (event.event === 'collected' ? { ...event, items: [...(event.items as string[]).filter((item) => item !== nodeOf('test_sub')), nodeOf('test_extra')] } : event))
        .toSpliced(-1, 0, ...passing('test_extra')),
    );
    expect(verdict.details.missing).toEqual(['test_sub']);
    expect(new Set(verdict.details.unexpected as string[])).toEqual(new Set(['test_extra']));
    expect(verdict.details.explanation).toMatch(/^The collected tests differ from the test file's; missing: test_sub; unexpected: test_extra\b/);
  });

  test('a skipped test is not a pass and is counted as skipped', () => {
    const verdict = decide((events) => [...events.slice(0, 2), ...skipped('test_add'), ...events.slice(2).filter((event) => event.nodeid !== nodeOf('test_add'))]);
    expect(verdict).toMatchObject({ status: 'fail', reason: 'tests-failed', score: 2 / 3 });
    expect(verdict.details.explanation).toBe('2 of 3 tests passed (1 skipped, 2 passed).');
  });

  test('the first anomaly is named in a forged report', () => {
    expect(decide((events) => (events as unknown[]).toSpliced(1, 0, 'PASSED')).details.explanation).toBe('Something other than the reporter wrote to the report channel (not JSON: PASSED).');
  });
});

describe('collection errors', () => {
  const collectError = (message: string, overrides: Partial<SandboxResult> = {}) =>
    decideCodeVerdict(
      factsOf(base),
      sandboxResult({
        exitCode: 2,
        stdout: `${message.split('\n').at(-1)}\n!!!!! Interrupted: 1 error during collection !!!!!\n1 error in 0.12s\n`,
        report: report([
          { event: 'start', pytest: '8.3.4' },
          { event: 'collect-error', nodeid: FILE, message },
          { event: 'collected', items: [], foreign: [] },
          { event: 'end', exitstatus: 2, collected: 0, failed: 0 },
        ]),
        ...overrides,
      }),
    );
  const importing = `ImportError while importing test module '/work/job/${FILE}'.\nHint: make sure your test modules/packages have valid Python names.\nTraceback:\n${FILE}:1: in <module>\n`;

  test('a module the image lacks: error (undecided), missing-module', () => {
    const verdict = collectError(`${importing}    import numpy as np\nE   ModuleNotFoundError: No module named 'numpy'`);
    expect(verdict).toMatchObject({ status: 'error', reason: 'missing-module', score: 0 });
    expect(verdict.details.explanation).toBe('The sandbox image has no module "numpy", so the tests could not run; add it to the image to decide.');
    expect(verdict.details.collectionError).toContain("No module named 'numpy'");
    expect(collectError(`${importing}E   ModuleNotFoundError: No module named 'numpy.linalg'`)).toMatchObject({ status: 'error', reason: 'missing-module' });
  });

  test('a name the solution does not define: fail, import-error', () => {
    const verdict = collectError(`${importing}    from solution import x\nE   ImportError: cannot import name 'x' from 'solution' (/work/job/solution.py)`);
    expect(verdict).toMatchObject({ status: 'fail', reason: 'import-error', score: 0 });
    expect(verdict.details.explanation).toBe('The solution does not define "x", which the tests import.');
  });

  test('a solution that does not compile: fail, syntax-error', () => {
    const verdict = collectError(`${FILE}:1: in <module>\n    from solution import *\nE     File "/work/job/solution.py", line 2\nE       def f(:\nE             ^\nE   SyntaxError: invalid syntax`);
    expect(verdict).toMatchObject({ status: 'fail', reason: 'syntax-error', score: 0, details: { explanation: 'The solution does not compile.' } });
    expect(collectError(`E     File "/work/job/solution.py", line 3\nE   IndentationError: unexpected indent`).reason).toBe('syntax-error');
  });

  test('a missing solution module, or any other import-time error, is a crash', () => {
    expect(collectError(`${importing}E   ModuleNotFoundError: No module named 'solution'`)).toMatchObject({ status: 'fail', reason: 'crash' });
    expect(collectError(`${importing}E   ZeroDivisionError: division by zero`)).toMatchObject({ status: 'fail', reason: 'crash' });
  });

  test("the collection error's text is scrubbed of pytest's timing", () => {
    expect(collectError(`${importing}E   ZeroDivisionError: division by zero`).details.output).toBe('E   ZeroDivisionError: division by zero\n!!!!! Interrupted: 1 error during collection !!!!!\n1 error\n');
  });
});

describe('runs the supervisor stopped', () => {
  const stopped = (stop: SandboxResult['stop']) => decide((events) => events.filter((event) => !isEnd(event)), { stop, exitCode: null, signal: 'SIGKILL' });

  test('cpu-limit and wall-limit: timeout, with the partial score', () => {
    expect(stopped('cpu-limit')).toMatchObject({ status: 'fail', reason: 'timeout', score: 1, details: { explanation: 'The run went over its CPU-time limit and was killed.', signal: 'SIGKILL', exitCode: null } });
    expect(stopped('wall-limit')).toMatchObject({ status: 'fail', reason: 'timeout', details: { explanation: 'The run went over its wall-clock limit and was killed.' } });
  });

  test('memory-limit and output-limit', () => {
    expect(stopped('memory-limit')).toMatchObject({ status: 'fail', reason: 'memory-limit' });
    expect(stopped('output-limit')).toMatchObject({ status: 'fail', reason: 'output-limit' });
  });

  test('supervisor-lost is tampering, whatever the report says', () => {
    const verdict = decide(undefined, { stop: 'supervisor-lost', exitCode: null });
    expect(verdict).toMatchObject({ status: 'fail', reason: 'tampering', score: 0, details: { tampering: 'supervisor-lost' } });
  });

  test('a stopped run never passes, even with a complete genuine report', () => {
    for (const stop of ['cpu-limit', 'wall-limit', 'memory-limit', 'output-limit', 'supervisor-lost'] as const) {
      expect(decide(undefined, { stop }).status).not.toBe('pass');
    }
  });
});

describe('score', () => {
  test('for any subset of expected tests failing: pass iff none fails, score = passed / total', () => {
    const names = fc.uniqueArray(fc.stringMatching(/^(Test[A-Z][a-z]{0,4}::)?test_[a-z0-9_]{1,8}$/), { minLength: 1, maxLength: 10 });
    fc.assert(
      fc.property(
        names.chain((expected) => fc.tuple(fc.constant(expected), fc.subarray(expected))),
        ([expected, failing]) => {
          const run: Run = { ...base, expected, failing };
          const verdict = decide(undefined, {}, run);
          expect(verdict.status === 'pass').toBe(failing.length === 0);
          expect(verdict.reason).toBe(failing.length === 0 ? 'tests-passed' : 'tests-failed');
          expect(verdict.score).toBe((expected.length - failing.length) / expected.length);
          expect(verdict.details).toMatchObject({ passed: expected.length - failing.length, total: expected.length });
        },
      ),
    );
  });
});

describe('verdict bytes do not depend on the run', () => {
  const hex = (length: number) => fc.stringMatching(new RegExp(`^[0-9a-f]{${length}}$`));
  const timing = fc.oneof(
    fc.integer({ min: 0, max: 99_999 }).map((centis) => `${(centis / 100).toFixed(2)}s`),
    fc.integer({ min: 60, max: 7199 }).map((seconds) => `${seconds}.12s (${Math.floor(seconds / 3600)}:${String(Math.floor(seconds / 60) % 60).padStart(2, '0')}:${String(seconds % 60).padStart(2, '0')})`),
  );
  const runArbitrary = fc.record({ canary: hex(12).map((id) => `test_${id}`), nonce: hex(16), seconds: timing });

  test("the canary's name, its nonce and pytest's timing never appear in the verdict; equal runs give equal bytes", () => {
    fc.assert(
      fc.property(runArbitrary, runArbitrary, fc.constantFrom([], ['test_sub']), (first, second, failing) => {
        const bytes = ({ canary, nonce, seconds }: { canary: string; nonce: string; seconds: string }) => {
          const run: Run = { canary, nonce, seconds, expected: EXPECTED, failing };
          const json = JSON.stringify(decide(undefined, { stderr: `warning from ${canary}: ${nonce}\n` }, run));
          expect(json).not.toContain(canary);
          expect(json).not.toContain(nonce);
          expect(json).not.toContain(seconds);
          expect(json).not.toMatch(/ in \d+\.\d+s/);
          return json;
        };
        expect(bytes(second)).toBe(bytes(first));
      }),
    );
  });

  test('the masked output keeps everything else', () => {
    const output = decide().details.output as string;
    expect(output).toContain(`FAILED ${FILE}::test_veridata_canary - AssertionError: <canary>`);
    expect(output).toContain('E   AssertionError: <canary>');
    expect(output.trimEnd().split('\n').at(-1)).toBe('1 failed, 3 passed');
    expect(decide(undefined, { stdout: '===== 1 failed, 3 passed in 12.34s =====\n' }).details.output).toBe('===== 1 failed, 3 passed =====\n');
    expect(decide(undefined, { stdout: 'sleep(1) in 0.5s is fine\n' }).details.output).toBe('sleep(1) in 0.5s is fine\n');
  });

  test('memory addresses in object reprs are masked, in test messages and in the output', () => {
    const at = (address: string) => {
      const repr = `<solution.LRUCache object at 0x${address}>`;
      const run: Run = { ...base, expected: EXPECTED, failing: ['test_sub'], failMessage: `${FILE}:9: in test_sub\nE   assert 'b' is None\nE    +  where 'b' = <bound method LRUCache.put of ${repr}>('b', '3')` };
      return JSON.stringify(decide(undefined, { stdout: `E    +  where 'b' = <bound method LRUCache.put of ${repr}>\n` }, run));
    };
    expect(at('7f02807bdf10')).toBe(at('7f3ab3ab0a90'));
    expect(at('7f02807bdf10')).not.toContain('7f02807bdf10');
    expect(at('7f02807bdf10')).toContain('LRUCache object at 0x...>');
  });

  test('the same run decided twice gives the same bytes', () => {
    expect(JSON.stringify(decide())).toBe(JSON.stringify(decide()));
  });
});

describe('staticVerdict', () => {
  test('broken or empty tests are errors (undecided); everything else is a fail; the score is 0', () => {
    for (const kind of ['tests-invalid', 'no-tests'] as const) {
      expect(staticVerdict(kind, 'why', { testsError: 'x' })).toEqual({ status: 'error', score: 0, reason: kind, verifier: 'pytest', details: { explanation: 'why', testsError: 'x' } });
    }
    for (const kind of ['no-answer', 'syntax-error', 'tampering'] as const) {
      const verdict = staticVerdict(kind, 'why', { tampering: 'prescreen' });
      expect(verdict).toEqual({ status: 'fail', score: 0, reason: kind, verifier: 'pytest', details: { explanation: 'why', tampering: 'prescreen' } });
      expect(Verdict.safeParse(verdict).success).toBe(true);
    }
  });
});
