import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { readJsonlLines } from '../src/core/io/read-jsonl.js';
import { AtomicFile } from '../src/core/io/write-jsonl.js';
import type { Verdict } from '../src/core/schemas/verdict.js';
import type { ChatMessage } from '../src/llm/chat-client.js';
import { chooseBackend } from '../sandbox/index.js';
import type { Sandbox } from '../sandbox/backend.js';
import { createPythonInspector, type PythonInspector } from '../verifiers/code/python-inspector.js';
import { createCodeVerifier } from '../verifiers/code/pytest-verifier.js';
import { createMathPool, type MathPool } from '../verifiers/math/math-pool.js';
import { runConfigFor, sandboxLimitsOf } from './config.js';
import { extractSolutionAndTests } from './extract.js';
import { fillPrompt } from './prompts.js';
import { difficultyOf, passAtK, Question } from './records.js';
import { mathSolutionPrompt } from './stage1.js';
import { checkStageInput, openLlmSession, openStageCheckpoint, runRecords, shardRange, type StageContext, stageDir, stageProgress, stageRecords, writeShardMarker } from './stage-context.js';

/** What stage 2 did. */
export interface Stage2Summary {
  readonly track: string;
  readonly questions: number;
  readonly resumed: number;
  readonly processed: number;
  readonly spentUsd: number;
  /** Absent for a shard: the table is computed over the merged outputs. */
  readonly passAtK?: PassAtKTable;
}

/** pass@k over every question: the unbiased estimate per k, and the counts it came from. */
export interface PassAtKTable {
  readonly trials: number;
  readonly questions: number;
  readonly solved: number;
  readonly passAtK: Record<string, number>;
}

/** The stage-2 prompt of a coding question: a solution and pytest tests between section markers. */
export function solutionPrompt(question: string): ChatMessage[] {
  return [{ role: 'user', content: fillPrompt('solution-and-tests', { question }) }];
}

function hashOf(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 16);
}

/** A trial's result before cross-checking. */
interface TrialRun {
  readonly index: number;
  readonly model: string;
  readonly solution: string | null;
  readonly tests: string | null;
  readonly verdict: Verdict;
}

function malformed(reason: string): Verdict {
  return { status: 'fail', score: 0, reason: 'malformed-reply', verifier: 'pipeline', details: { explanation: `The reply has no usable solution and tests (${reason}).`, why: reason } };
}

/** Opens the sandbox and two verifiers on it: with coverage for each trial's own tests, without for cross-checks. */
async function openCodeVerifiers(context: StageContext): Promise<{ own: ReturnType<typeof createCodeVerifier>; cross: ReturnType<typeof createCodeVerifier>; inspector: PythonInspector; backend: string; close(): Promise<void> }> {
  const settings = context.loaded.config.sandbox;
  const chosen = await chooseBackend(settings.backend, settings.docker_hosts.length > 0 ? { dockerHosts: settings.docker_hosts } : {});
  const sandbox: Sandbox = await chosen.backend.open({ concurrency: settings.concurrency, ...(settings.docker_hosts.length > 0 ? { dockerHosts: settings.docker_hosts } : {}) });
  const inspector: PythonInspector = createPythonInspector();
  const limits = sandboxLimitsOf(settings);
  return {
    own: createCodeVerifier({ sandbox, inspector, limits, coverage: settings.coverage }),
    cross: createCodeVerifier({ sandbox, inspector, limits }),
    inspector,
    backend: chosen.backend.name,
    async close() {
      await sandbox.close().catch(() => {});
      await inspector.close();
    },
  };
}

/** What one trial's tests showed beyond its own run. */
export interface TestFacts {
  /** The tests parse and hold tests: their rejections count. */
  readonly valid: boolean;
  /** The tests accepted a placeholder solution whose every call returns a value that matches nothing: they check nothing. */
  readonly trivial: boolean;
}

/**
 * Decides a question's trials from the pass matrix, where `accepts[i][j]` says whether solution i passed the tests of
 * trial j (the diagonal is each trial's own run; null: not run). A test file vouches for the solutions it accepts when
 * it is valid, not trivial and accepts at least one solution (a file rejecting everything may be broken). Solution i passes when its own tests pass, at least one such file accepts
 * it, and no valid non-trivial file of another trial rejects it, unless that rejection is overruled by two other
 * vouching files that accept it (a broken test file with a wrong expected value is outvoted, never a lone correct one).
 * Weak tests are trivial ones, or ones that accepted a solution that others refuted.
 */
export function decideTrials(accepts: readonly (readonly (boolean | null)[])[], facts?: readonly TestFacts[]): { passed: boolean[]; weakTests: boolean[]; refutedBy: number[][]; vouchedBy: number[][] } {
  const n = accepts.length;
  const fact = (j: number): TestFacts => facts?.[j] ?? { valid: true, trivial: false };
  const vouches = Array.from({ length: n }, (_, j) => fact(j).valid && !fact(j).trivial && accepts.some((row) => row[j] === true));
  const acceptors = (i: number) => Array.from({ length: n }, (_, j) => j).filter((j) => vouches[j] && accepts[i]![j] === true);
  const refutedBy = Array.from({ length: n }, (_, i) =>
    Array.from({ length: n }, (_, j) => j).filter((j) => j !== i && fact(j).valid && !fact(j).trivial && accepts[i]![j] === false && acceptors(i).filter((k) => k !== j).length < 2),
  );
  const passed = Array.from({ length: n }, (_, i) => accepts[i]![i] === true && acceptors(i).length > 0 && refutedBy[i]!.length === 0);
  const weakTests = Array.from({ length: n }, (_, j) => fact(j).valid && (fact(j).trivial || accepts.some((row, i) => row[j] === true && !passed[i] && refutedBy[i]!.length > 0)));
  return { passed, weakTests, refutedBy, vouchedBy: Array.from({ length: n }, (_, i) => acceptors(i)) };
}

/** A solution module that defines every name the tests import as a placeholder matching nothing (calls, attributes). */
export function placeholderSolution(names: readonly string[]): string {
  return [
    'class _Placeholder:',
    '    """Stands in for every name the tests import: each call or attribute gives another placeholder."""',
    '',
    '    def __init__(self, *args, **kwargs):',
    '        pass',
    '',
    '    def __call__(self, *args, **kwargs):',
    '        return _Placeholder()',
    '',
    '    def __getattr__(self, name):',
    '        return _Placeholder()',
    '',
    '',
    ...names.map((name) => `${name} = _Placeholder`),
    '',
  ].join('\n');
}

/**
 * Stage 2: questions -> N trials each -> verification -> verified triplets. Code: each trial's solution runs against its
 * own tests in the sandbox (with coverage), then against the other trials' tests, so weak tests do not verify a wrong
 * solution. Math: each trial's final answer is checked against the gold answer. Writes trials.jsonl, triplets.jsonl
 * (the chosen passing trial, pass sequence, pass percentage, difficulty), retry.jsonl (unsolved questions) and
 * pass_at_k.json; resumable per question.
 */
export async function runStage2(context: StageContext): Promise<Stage2Summary> {
  const { config } = context.loaded;
  const track = context.track;
  const input = join(stageDir(context, 1), 'questions.jsonl');
  const total = await checkStageInput(input, Question, `stage 1 (pnpm stage:1, or veridata stage 1${track === 'math' ? ' --track math' : ''})`, context.signal);
  const trials = track === 'code' ? config.code!.trials : config.math!.trials;
  const crossCheck = track === 'code' && config.code!.cross_check;
  const directory = stageDir(context, 2, context.shard);
  const runConfig = runConfigFor(context.loaded, config.models.solutions);
  const header = { command: `stage2-${track}`, config: hashOf({ models: runConfig.models, seed: config.seed, trials, crossCheck, coverage: config.sandbox.coverage }) };
  // Opened before the checkpoint: without a sandbox, nothing is bought (exit 3).
  const code = track === 'code' ? await openCodeVerifiers(context) : undefined;
  const math: MathPool | undefined = track === 'math' ? createMathPool({ concurrency: 2 }) : undefined;
  const checkpoint = await openStageCheckpoint(directory, ['trials.jsonl', 'triplets.jsonl', 'retry.jsonl', 'failures.jsonl'], header);
  const [from, to] = context.shard === undefined ? [0, total] : shardRange(context.shard, total);
  const progress = stageProgress(context, `stage 2 ${track}`, to - from);
  const session = openLlmSession(runConfig, checkpoint, progress, context.env);
  let run: Awaited<ReturnType<typeof runRecords>>;
  try {
    run = await runRecords({
      records: stageRecords(input, Question, total, context.shard, context.signal),
      checkpoint,
      concurrency: config.concurrency,
      progress,
      ...(context.signal ? { signal: context.signal } : {}),
      process: async (question, signal) => {
        const messages = track === 'code' ? solutionPrompt(question.prompt) : mathSolutionPrompt(question.prompt);
        const { samples, failed } = await session.sampler.sample(question.id, messages, trials, signal);
        const runs: TrialRun[] = await Promise.all(
          samples.map(async (sample): Promise<TrialRun> => {
            if (math !== undefined) {
              return { index: sample.index, model: sample.model, solution: sample.response.content, tests: null, verdict: await math.check(sample.response.content, question.answer!) };
            }
            const parsed = extractSolutionAndTests(sample.response.content);
            if (!parsed.ok) return { index: sample.index, model: sample.model, solution: null, tests: null, verdict: malformed(parsed.reason) };
            return { index: sample.index, model: sample.model, solution: parsed.solution, tests: parsed.tests, verdict: (await code!.own.check(parsed.solution, parsed.tests, signal)).verdict };
          }),
        );
        // The pass matrix: own runs on the diagonal; cross runs only between trials whose code and tests are usable.
        const accepts: (boolean | null)[][] = runs.map((trial, i) => runs.map((_, j) => (i === j ? trial.verdict.status === 'pass' : null)));
        if (crossCheck && runs.length > 1) {
          const usable = runs.filter((trial) => trial.solution !== null && trial.tests !== null && trial.verdict.reason !== 'tests-invalid' && trial.verdict.reason !== 'no-tests');
          await Promise.all(
            usable.flatMap((solver) =>
              usable
                .filter((tester) => tester !== solver)
                .map(async (tester) => {
                  const verdict = (await code!.cross.check(solver.solution!, tester.tests!, signal)).verdict;
                  accepts[runs.indexOf(solver)]![runs.indexOf(tester)] = verdict.status === 'pass' ? true : verdict.status === 'fail' ? false : null;
                }),
            ),
          );
        }
        // A placeholder solution shows which test files check nothing; tests importing with * name nothing to stand in for.
        const facts: TestFacts[] = await Promise.all(
          runs.map(async (trial): Promise<TestFacts> => {
            if (code === undefined || trial.tests === null || trial.verdict.reason === 'tests-invalid' || trial.verdict.reason === 'no-tests') return { valid: code === undefined, trivial: false };
            const names = (await code.inspector.inspect(trial.tests, '')).tests.importsFromSolution;
            if (names.length === 0) return { valid: true, trivial: false };
            const verdict = (await code.cross.check(placeholderSolution(names), trial.tests, signal)).verdict;
            return { valid: true, trivial: verdict.status === 'pass' };
          }),
        );
        const decision = decideTrials(accepts, facts);
        const coverageOf = (trial: TrialRun) => (typeof trial.verdict.details.coverage === 'number' ? trial.verdict.details.coverage : null);
        const trialLines = runs.map((trial, position) => ({
          question_id: question.id,
          trial: trial.index,
          model: trial.model,
          solution: trial.solution,
          tests: trial.tests,
          verdict: trial.verdict,
          passed: decision.passed[position]!,
          ...(track === 'code' ? { coverage: coverageOf(trial), accepts: accepts[position], tests_trivial: facts[position]!.trivial, refuted_by: decision.refutedBy[position], weak_tests: decision.weakTests[position] } : {}),
        }));
        const passSequence = runs.map((_, position) => (decision.passed[position] ? 1 : 0) as 0 | 1);
        const passes = passSequence.reduce<number>((sum, value) => sum + value, 0);
        const base = { id: question.id, prompt: question.prompt, mode: question.mode, seed_id: question.seed_id, ...(question.answer === undefined ? {} : { answer: question.answer, answer_source: question.answer_source }) };
        let tripletLine = '';
        let retryLine = '';
        if (passes > 0) {
          // Strong tests first (never a trial whose tests let a wrong solution through), then coverage, then order.
          const chosen = runs
            .map((trial, position) => ({ trial, position }))
            .filter(({ position }) => decision.passed[position])
            .sort((a, b) => Number(decision.weakTests[a.position]) - Number(decision.weakTests[b.position]) || (coverageOf(b.trial) ?? -1) - (coverageOf(a.trial) ?? -1) || a.trial.index - b.trial.index)[0]!;
          // The triplet's tests are the chosen trial's own, unless they are weak: then a strong file that accepted it.
          const testsFrom = decision.weakTests[chosen.position] ? (decision.vouchedBy[chosen.position]!.find((j) => !decision.weakTests[j]) ?? chosen.position) : chosen.position;
          tripletLine = `${JSON.stringify({
            ...base,
            solution: chosen.trial.solution,
            ...(track === 'code' ? { tests: runs[testsFrom]!.tests, tests_trial: runs[testsFrom]!.index, coverage: coverageOf(chosen.trial) } : {}),
            pass_sequence: passSequence,
            self_pass_sequence: runs.map((trial) => (trial.verdict.status === 'pass' ? 1 : 0)),
            pass_trial_num: passes,
            pass_percentage: Math.round((passes / trials) * 1000) / 1000,
            difficulty: difficultyOf(passes, trials),
            chosen_trial: chosen.trial.index,
            ...(track === 'code' ? { weak_tests: runs.filter((_, position) => decision.weakTests[position]).map((trial) => trial.index) } : {}),
            meta: { ...question.meta, model: chosen.trial.model },
          })}\n`;
        } else {
          retryLine = `${JSON.stringify({ ...base, pass_sequence: passSequence, reasons: runs.map((trial) => trial.verdict.reason), meta: question.meta })}\n`;
        }
        const failureLines = failed.map((failure) => `${JSON.stringify({ question_id: question.id, trial: failure.index, failures: failure.failures })}\n`).join('');
        return [trialLines.map((line) => `${JSON.stringify(line)}\n`).join(''), tripletLine, retryLine, failureLines];
      },
    });
  } finally {
    await checkpoint.close();
    session.close();
    await code?.close();
    await math?.close();
    progress.done();
  }
  const summary = { track, questions: to - from, resumed: run.resumed, processed: run.processed, spentUsd: session.spentUsd() };
  if (context.shard !== undefined) {
    await writeShardMarker(directory, { stage: 2, track, shard: context.shard, records: to - from });
    return summary;
  }
  return { ...summary, passAtK: await finishStage2(context) };
}

/** pass@k over triplets and unsolved questions, written to pass_at_k.json (after a run, or after merging shards). */
export async function finishStage2(context: StageContext, directory = stageDir(context, 2)): Promise<PassAtKTable> {
  const trials = context.track === 'code' ? context.loaded.config.code!.trials : context.loaded.config.math!.trials;
  const sums = new Array<number>(trials).fill(0);
  let questions = 0;
  let solved = 0;
  for (const name of ['triplets.jsonl', 'retry.jsonl']) {
    for await (const { value } of readJsonlLines(join(directory, name))) {
      const sequence = (value as { pass_sequence: number[] }).pass_sequence;
      const passes = sequence.reduce((sum, pass) => sum + pass, 0);
      questions += 1;
      if (passes > 0) solved += 1;
      for (let k = 1; k <= trials; k += 1) sums[k - 1]! += passAtK(sequence.length, passes, Math.min(k, sequence.length));
    }
  }
  const table: PassAtKTable = { trials, questions, solved, passAtK: Object.fromEntries(sums.map((sum, index) => [`pass@${index + 1}`, questions === 0 ? 0 : Math.round((sum / questions) * 10000) / 10000])) };
  const file = new AtomicFile(join(directory, 'pass_at_k.json'));
  await file.open();
  await file.write(`${JSON.stringify(table, null, 2)}\n`);
  await file.commit();
  return table;
}
