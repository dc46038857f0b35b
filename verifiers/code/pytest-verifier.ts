import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Sandbox, SandboxFile, SandboxLimits, SandboxResult } from '../../sandbox/backend.js';
import type { Verdict } from '../../src/core/schemas/verdict.js';
import { CODE_VERIFIER, decideCodeVerdict, staticVerdict, type StaticFacts } from './decide-code-verdict.js';
import { extractSolution } from './extract-solution.js';
import type { PythonInspector } from './python-inspector.js';

const HARNESS = readFileSync(new URL('./harness/veridata_report.py', import.meta.url), 'utf8');
const HARNESS_DIRECTORY = '.veridata';
const PYTEST_INI = '[pytest]\n';

/** Options of a code verifier. */
export interface CodeVerifierOptions {
  readonly sandbox: Sandbox;
  readonly inspector: PythonInspector;
  readonly limits?: Partial<SandboxLimits>;
  /** Measure line coverage of the solution with pytest-cov (slower; reported in details.coverage, never decisive). */
  readonly coverage?: boolean;
}

/** One verification: the verdict, and the sandbox's measurements for the run log (absent when nothing ran). */
export interface CodeCheck {
  readonly verdict: Verdict;
  readonly run?: SandboxResult;
}

function notInspected(what: 'tests' | 'solution', message: string, details: Record<string, unknown>): Verdict {
  return { status: 'error', score: 0, reason: 'inspection-failed', verifier: CODE_VERIFIER, details: { explanation: `The ${what} could not be inspected (${message}), so nothing was run.`, ...details } };
}

/** A Python test file's must-fail canary: a random name, a failure message carrying a secret. */
function canaryTest(): { name: string; nonce: string; source: string } {
  const nonce = randomBytes(8).toString('hex');
  const name = `test_${randomBytes(6).toString('hex')}`;
  return { name, nonce, source: `\n\n\ndef ${name}():\n    raise AssertionError("${nonce}")\n` };
}

/** The test file as run: `from solution import *` first when the tests never import the solution (as KodCode does). */
function testFileText(tests: string, facts: { importsSolution: boolean; hasFuture: boolean; futureEndLine: number }, canary: string): string {
  let text = tests;
  if (!facts.importsSolution) {
    if (facts.hasFuture) {
      const lines = tests.split('\n');
      text = [...lines.slice(0, facts.futureEndLine), 'from solution import *', ...lines.slice(facts.futureEndLine)].join('\n');
    } else text = `from solution import *\n\n${tests}`;
  }
  return `${text.replace(/\s+$/, '')}\n${canary}`;
}

function pytestCommand(coverage: boolean): string[] {
  return [
    'python3',
    '-I',
    '-c',
    'import sys; sys.path.insert(0, sys.argv.pop(1)); import pytest; raise SystemExit(pytest.main(sys.argv[1:]))',
    HARNESS_DIRECTORY,
    '-p',
    'veridata_report',
    '-p',
    'no:cacheprovider',
    '-c',
    `${HARNESS_DIRECTORY}/pytest.ini`,
    '--rootdir',
    '.',
    '--noconftest',
    '-q',
    '--tb=short',
    '--color=no',
    '-o',
    'console_output_style=classic',
    ...(coverage ? ['-p', 'pytest_cov', '--cov=solution', '--cov-report=term'] : []),
    'test_solution.py',
  ];
}

/**
 * Verifies Python solutions against pytest tests in a sandbox. Decided on the host before running: no code
 * (`fail/no-answer`), tests that do not parse or hold no test (`error`), a solution that does not compile
 * (`fail/syntax-error`), constructs that can forge results from inside the test process (`fail/tampering`, see the
 * static screen). Everything else runs and is decided by `decideCodeVerdict`.
 */
export function createCodeVerifier(options: CodeVerifierOptions) {
  return {
    async check(response: string, tests: string, signal?: AbortSignal): Promise<CodeCheck> {
      const testFacts = (await options.inspector.inspect(tests, '')).tests;
      if (!testFacts.ok && testFacts.error?.kind === 'uninspected') return { verdict: notInspected('tests', testFacts.error.message, {}) };
      if (!testFacts.ok) {
        return { verdict: staticVerdict('tests-invalid', `The tests do not parse: ${testFacts.error?.message ?? 'unknown error'}.`, { testsError: testFacts.error }) };
      }
      if (testFacts.expected.length === 0) return { verdict: staticVerdict('no-tests', 'The test code defines no test that pytest would collect.', {}) };
      const extracted = extractSolution(response, { wanted: testFacts.importsFromSolution });
      const extraction = { source: extracted.source, blocks: extracted.blocks, chosen: extracted.chosen, note: extracted.note };
      if (extracted.code === null || extracted.code.trim() === '') {
        return { verdict: staticVerdict('no-answer', `No code found in the response (${extracted.note}).`, { extraction }) };
      }
      // With the tests beside it, so the screen sees a solution name shadowing what the tests use.
      const solutionFacts = (await options.inspector.inspect(tests, extracted.code)).solution;
      // Not inspected (too large, timed out) means not screened either: undecided, never run.
      if (!solutionFacts.ok && solutionFacts.error?.kind === 'uninspected') return { verdict: notInspected('solution', solutionFacts.error.message, { extraction }) };
      if (!solutionFacts.ok) {
        return {
          verdict: staticVerdict('syntax-error', `The solution does not compile: ${solutionFacts.error?.message ?? 'syntax error'}${solutionFacts.error?.line ? ` (line ${solutionFacts.error.line})` : ''}.`, {
            extraction,
            solutionError: solutionFacts.error,
          }),
        };
      }
      if (solutionFacts.prescreen.length > 0) {
        const rules = solutionFacts.prescreen.map((finding) => `${finding.rule} (line ${finding.line}: ${finding.detail})`).join('; ');
        return {
          verdict: staticVerdict('tampering', `The solution uses constructs that can forge test results from inside the test process: ${rules}.`, {
            extraction,
            tampering: 'prescreen',
            prescreen: solutionFacts.prescreen,
          }),
        };
      }
      const canary = canaryTest();
      const files: SandboxFile[] = [
        { path: 'solution.py', content: extracted.code },
        { path: 'test_solution.py', content: testFileText(tests, testFacts, canary.source) },
        { path: `${HARNESS_DIRECTORY}/veridata_report.py`, content: HARNESS },
        { path: `${HARNESS_DIRECTORY}/pytest.ini`, content: PYTEST_INI },
      ];
      const run = await options.sandbox.run(
        { files, command: pytestCommand(options.coverage === true), env: { PYTEST_DISABLE_PLUGIN_AUTOLOAD: '1' }, ...(options.limits ? { limits: options.limits } : {}) },
        signal ? { signal } : {},
      );
      const facts: StaticFacts = { expected: testFacts.expected, prescreen: [], canary: canary.name, nonce: canary.nonce, extraction };
      return { verdict: decideCodeVerdict(facts, run), run };
    },
  };
}

/** A code verifier. */
export type CodeVerifier = ReturnType<typeof createCodeVerifier>;
