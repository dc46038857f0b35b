import type { SandboxResult } from '../../sandbox/backend.js';
import type { Verdict } from '../../src/core/schemas/verdict.js';
import { baseTestName, type PytestReport, type ReportedTest, readPytestReport, type TestOutcome } from './read-pytest-report.js';

export const CODE_VERIFIER = 'pytest';

/** A static-screen finding: code that can forge results from inside the test process. */
export interface PrescreenFinding {
  readonly rule: string;
  readonly line: number;
  readonly detail: string;
}

/** What the host learnt before running anything. */
export interface StaticFacts {
  /** Test items found by parsing the test file (`test_x`, `TestK::test_y`), without the must-fail canary. */
  readonly expected: readonly string[];
  readonly prescreen: readonly PrescreenFinding[];
  /** The must-fail test the host appended, and the secret its failure message carries. */
  readonly canary: string;
  readonly nonce: string;
  /** How the solution was taken from the response, for the details. */
  readonly extraction: Readonly<Record<string, unknown>>;
}

/** One test as the verdict lists it. */
export interface TestEntry {
  readonly name: string;
  readonly outcome: TestOutcome;
  readonly message?: string;
}

const OUTPUT_TAIL = 2000;

function tail(text: string, limit = OUTPUT_TAIL): string {
  return text.length <= limit ? text : `...${text.slice(-limit)}`;
}

function verdict(status: Verdict['status'], reason: string, score: number, explanation: string, details: Record<string, unknown>): Verdict {
  return { status, score, reason, verifier: CODE_VERIFIER, details: { explanation, ...details } };
}

/** A verdict decided before the sandbox: no code, broken tests, a syntax error, a forbidden construct. */
export function staticVerdict(kind: 'no-answer' | 'tests-invalid' | 'no-tests' | 'syntax-error' | 'tampering', explanation: string, details: Record<string, unknown>): Verdict {
  const status = kind === 'tests-invalid' || kind === 'no-tests' ? 'error' : 'fail';
  return verdict(status, kind, 0, explanation, details);
}

function coverageOf(stdout: string): number | undefined {
  const match = /^solution\.py\s+\d+\s+\d+\s+(?:\d+\s+\d+\s+)?(\d+(?:\.\d+)?)%/m.exec(stdout);
  return match === null ? undefined : Number(match[1]);
}

function testEntries(report: PytestReport, expected: readonly string[], canary: string): TestEntry[] {
  const byName = new Map<string, ReportedTest[]>();
  for (const test of report.tests.values()) {
    const name = baseTestName(test.nodeid);
    if (name === canary) continue;
    byName.set(name, [...(byName.get(name) ?? []), test]);
  }
  const entries: TestEntry[] = [];
  for (const name of expected) {
    const reported = byName.get(name);
    if (reported === undefined) {
      entries.push({ name, outcome: 'not-run' });
      continue;
    }
    for (const test of reported) {
      const label = test.nodeid.includes('::') ? test.nodeid.slice(test.nodeid.indexOf('::') + 2) : test.nodeid;
      entries.push({ name: label, outcome: test.outcome, ...(test.message === undefined ? {} : { message: tail(test.message, 600) }) });
    }
  }
  return entries;
}

/** Classifies an error pytest met while importing the test module (and, through it, the solution). */
function collectionVerdict(message: string, details: Record<string, unknown>): Verdict {
  const missingModule = /ModuleNotFoundError: No module named '([^']+)'/.exec(message)?.[1];
  if (missingModule !== undefined && missingModule.split('.')[0] !== 'solution') {
    return verdict('error', 'missing-module', 0, `The sandbox image has no module "${missingModule}", so the tests could not run; add it to the image to decide.`, details);
  }
  if (/\b(SyntaxError|IndentationError|TabError)\b/.test(message) && /solution\.py/.test(message)) {
    return verdict('fail', 'syntax-error', 0, 'The solution does not compile.', details);
  }
  const cannotImport = /ImportError: cannot import name '([^']+)' from 'solution'/.exec(message)?.[1];
  if (cannotImport !== undefined) return verdict('fail', 'import-error', 0, `The solution does not define "${cannotImport}", which the tests import.`, details);
  return verdict('fail', 'crash', 0, 'Importing the tests and the solution raised an error before any test ran.', details);
}

/**
 * The verdict of one sandboxed pytest run. A pass needs all of: the supervisor's own report of a run that ended by
 * itself; the reporter's session start and end; exactly the host-parsed tests collected, each passed (skips are not
 * passes); the host's must-fail test reported failed with its secret; and an exit status agreeing with that failure.
 * Anything else is a fail with the reason that explains it, or an error when the tests themselves are at fault.
 */
export function decideCodeVerdict(facts: StaticFacts, result: SandboxResult): Verdict {
  // Verdicts are data: the same record gives the same bytes, so the random canary, pytest's timings and the memory
  // addresses in object reprs ("<LRUCache object at 0x7f02807bdf10>", different in every process) are masked.
  const scrub = (text: string) =>
    text
      .replaceAll(facts.canary, 'test_veridata_canary')
      .replaceAll(facts.nonce, '<canary>')
      .replace(/ in \d+(?:\.\d+)?s(?: \(\d+:\d{2}:\d{2}\))?(?=(?: =+)?$)/gm, '')
      .replace(/ at 0x[0-9a-fA-F]{4,16}>/g, ' at 0x...>');
  const report = readPytestReport(result.report);
  const entries = testEntries(report, facts.expected, facts.canary).map((entry) => (entry.message === undefined ? entry : { ...entry, message: scrub(entry.message) }));
  const passed = entries.filter((entry) => entry.outcome === 'passed').length;
  const total = Math.max(entries.length, facts.expected.length);
  const score = total === 0 ? 0 : passed / total;
  const coverage = coverageOf(result.stdout);
  const details: Record<string, unknown> = {
    passed,
    total,
    tests: entries,
    extraction: facts.extraction,
    stop: result.stop,
    exitCode: result.exitCode,
    ...(result.signal === null ? {} : { signal: result.signal }),
    ...(coverage === undefined ? {} : { coverage }),
    ...(report.foreign.length > 0 ? { ignored: report.foreign.map(baseTestName) } : {}),
    output: tail(scrub(result.stdout)),
    ...(result.stderr.trim() === '' ? {} : { stderr: tail(scrub(result.stderr), 1000) }),
    ...(result.truncated ? { outputTruncated: true } : {}),
  };
  const tampered = (kind: string, explanation: string) => verdict('fail', 'tampering', 0, explanation, { ...details, tampering: kind });

  switch (result.stop) {
    case 'cpu-limit':
    case 'wall-limit':
      return verdict('fail', 'timeout', score, `The run went over its ${result.stop === 'cpu-limit' ? 'CPU-time' : 'wall-clock'} limit and was killed.`, details);
    case 'memory-limit':
      return verdict('fail', 'memory-limit', score, 'The run went over its memory limit and was killed.', details);
    case 'output-limit':
      return verdict('fail', 'output-limit', score, 'The run wrote more output than allowed and was killed.', details);
    case 'supervisor-lost':
      return tampered('supervisor-lost', 'The sandbox supervisor was killed or silenced before it could report; nothing the run claimed is trusted.');
    case 'exited':
      break;
  }
  if (report.anomalies.length > 0) return tampered('report-forged', `Something other than the reporter wrote to the report channel (${report.anomalies[0]}).`);
  if (!report.started) {
    if (result.exitCode === 0) return tampered('exited-early', 'The process exited with status 0 before pytest started: an exit status alone proves nothing.');
    return verdict('fail', 'crash', 0, 'pytest never started (the interpreter crashed or was stopped).', details);
  }
  if (report.collectErrors.length > 0) return collectionVerdict(report.collectErrors.map((error) => error.message).join('\n'), { ...details, collectionError: tail(scrub(report.collectErrors[0]!.message), 1500) });
  if (report.collected === undefined || report.end === undefined) {
    if (result.exitCode === 0) return tampered('exited-early', 'The process exited with status 0 before pytest finished: an exit status alone proves nothing.');
    return verdict('fail', 'crash', score, 'The test process died before pytest finished.', details);
  }

  const canary = [...report.tests.values()].filter((test) => baseTestName(test.nodeid) === facts.canary);
  if (canary.length !== 1) return tampered('canary-missing', "The host's must-fail test did not run: the tests that ran are not the ones given.");
  if (canary[0]!.outcome !== 'failed' || !(canary[0]!.message ?? '').includes(facts.nonce)) {
    return tampered('canary-passed', "The host's must-fail test was reported as not failing: test outcomes were rewritten.");
  }
  // pytest exits 1 when tests fail, and the canary always fails; 0 after a genuine session means a forged exit.
  if (result.exitCode !== 1 || report.end.exitstatus !== 1) {
    return tampered('exit-forged', `pytest's session ended with status ${report.end.exitstatus} but the process exited with ${result.exitCode}; a run with a failing test exits 1.`);
  }
  const expected = new Set(facts.expected);
  const ran = new Set([...report.tests.keys()].map(baseTestName));
  const collectedNames = new Set(report.collected.map(baseTestName));
  const unexpected = [...new Set([...collectedNames, ...ran])].filter((name) => name !== facts.canary && !expected.has(name));
  const missing = facts.expected.filter((name) => !collectedNames.has(name));
  if (unexpected.length > 0 || missing.length > 0) {
    return verdict('fail', 'tampering', 0, `The collected tests differ from the test file's${missing.length ? `; missing: ${missing.slice(0, 5).join(', ')}` : ''}${unexpected.length ? `; unexpected: ${unexpected.slice(0, 5).join(', ')}` : ''}.`, {
      ...details,
      tampering: 'collection-mismatch',
      missing,
      unexpected,
    });
  }
  if (passed === total && total > 0) return verdict('pass', 'tests-passed', 1, `All ${total} tests passed.`, details);
  const counts = new Map<TestOutcome, number>();
  for (const entry of entries) counts.set(entry.outcome, (counts.get(entry.outcome) ?? 0) + 1);
  const summary = [...counts].map(([outcome, count]) => `${count} ${outcome}`).join(', ');
  return verdict('fail', 'tests-failed', score, `${passed} of ${total} tests passed (${summary}).`, details);
}
