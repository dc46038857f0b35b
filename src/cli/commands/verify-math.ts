import { access, appendFile, constants, open, readFile, stat, type FileHandle } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Command } from 'commander';
import { InputUnreadableError, InvalidOptionError, OutputUnwritableError } from '../../core/errors.js';
import { openResumable } from '../../core/io/write-jsonl.js';
import { createReadStats, readJsonlLines, type JsonlLine } from '../../core/io/read-jsonl.js';
import { mapConcurrent } from '../../core/pool/map-concurrent.js';
import { type Progress, createProgress, silentProgress } from '../../core/progress.js';
import { RecordAliases } from '../../core/schemas/aliases.js';
import type { Verdict } from '../../core/schemas/verdict.js';
import { withInterruptHandling } from '../../core/signals.js';
import { createMathPool, defaultMathTimeoutMs, type SerializedVerdict } from '../../../verifiers/math/math-pool.js';
import { MathPolicy } from '../../../verifiers/math/policy.js';
import { checkWithSympy, type SympyRecord } from '../../../verifiers/math/sympy/check-with-sympy.js';
import { type CheckerDisagreement, combineCheckers, disagreementPair, MathChecker } from '../../../verifiers/math/sympy/combine-checkers.js';
import { createSympyPool, type SympyPool } from '../../../verifiers/math/sympy/sympy-pool.js';
import { defaultSympyTimeoutMs } from '../../../verifiers/math/sympy/sympy-process.js';
import { integerFlag, optionsFromSchema, parseConfigFlags } from '../options.js';
import { printSummary } from '../print.js';

/** Options of one `veridata verify math --in --out` run. */
export interface VerifyMathRunOptions {
  readonly in: string;
  readonly out: string;
  /** Exact field holding the response; default: the first of `output`, `response`, `completion` present. */
  readonly responseField?: string;
  /** Exact field holding the gold answer; default: the first of `answer`, `gold` present. */
  readonly goldField?: string;
  readonly skipInvalid?: boolean;
  readonly concurrency?: number;
  readonly timeoutMs?: number;
  readonly policy?: MathPolicy;
  /** Who decides: veridata's checker (default), SymPy's, or veridata's with SymPy's answer recorded beside it. */
  readonly checker?: MathChecker;
  /** Time budget of one SymPy comparison (default 2000 ms); a comparison over it is error/timeout. */
  readonly sympyTimeoutMs?: number;
  /** Where the cases the two checkers decide differently go, one JSON line each (default `<out>.disagreements.jsonl`). */
  readonly disagreements?: string;
  readonly signal?: AbortSignal;
  readonly progress?: Progress;
}

/** How the two checkers compared on the lines of one run (`--checker sympy` or `both`). */
export interface CheckerAgreement {
  readonly checker: 'sympy' | 'both';
  readonly python: string;
  readonly sympy: string;
  /** Lines both checkers saw (lines with a missing field are neither's). */
  readonly compared: number;
  readonly agree: number;
  readonly disagree: number;
  /** Disagreements by `builtin/sympy` status pair, e.g. `pass/fail`. */
  readonly pairs: Record<string, number>;
  /** SymPy outcomes by reason over the compared lines (equivalent, not-equivalent, timeout, unsupported, ...). */
  readonly sympyReasons: Record<string, number>;
  readonly sympyTimeouts: number;
  readonly sympyRestarts: number;
  /** Every disagreement of the file (resumed runs included), one JSON line each; absent when it could not be written. */
  readonly file?: string;
  /** The first few disagreements of this run. */
  readonly examples: CheckerDisagreement[];
}

/** What a run did; counts cover the lines verified by this run (`resumed` lines were already in the output). */
export interface VerifyMathSummary {
  readonly command: 'verify math';
  readonly in: string;
  readonly out: string;
  readonly resumed: number;
  readonly verified: number;
  readonly pass: number;
  readonly fail: number;
  readonly error: number;
  readonly reasons: Record<string, number>;
  readonly skippedInvalid: number;
  readonly skippedExamples: string[];
  /** Checks cut by the pool (time budget or a dead worker); each is an `error` / `guard` verdict. */
  readonly workerRespawns: number;
  /** Present with `--checker sympy|both`. */
  readonly agreement?: CheckerAgreement;
  readonly seconds: number;
  readonly casesPerSecond: number;
}

const RESPONSE_NAMES = ['output', ...RecordAliases.response.filter((name) => name !== 'output')];
const GOLD_NAMES: readonly string[] = RecordAliases.answer;
/** Output is appended in blocks of about this many characters; a crash loses at most a block and a half-line. */
const FLUSH_CHARACTERS = 1 << 16;
/** Disagreements quoted in the summary; the file has them all. */
const DISAGREEMENT_EXAMPLES = 20;

function lookup(record: Record<string, unknown>, name: string): unknown {
  if (Object.hasOwn(record, name) || !name.includes('.')) return record[name];
  let value: unknown = record;
  for (const part of name.split('.')) {
    if (typeof value !== 'object' || value === null || !Object.hasOwn(value, part)) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

/** The first non-null value among `names` and the name it came from. */
function findField(record: Record<string, unknown>, names: readonly string[]): { name: string; value: unknown } | undefined {
  for (const name of names) {
    const value = lookup(record, name);
    if (value !== undefined && value !== null) return { name, value };
  }
  return undefined;
}

function missingField(field: string, why: string): SerializedVerdict {
  const verdict: Verdict = {
    status: 'error',
    score: 0,
    reason: 'missing-field',
    verifier: 'math',
    details: { field, why, explanation: `No verdict: the ${field} field ${why}.` },
  };
  return { status: verdict.status, reason: verdict.reason, json: JSON.stringify(verdict) };
}

/** The input line with `verdict` added, keeping the line's own bytes (field order, number spelling) untouched. */
export function withVerdict(line: JsonlLine, verdictJson: string): string {
  const text = line.text.trimEnd();
  if (Object.hasOwn(line.value, 'verdict') || !text.endsWith('}')) return `${JSON.stringify({ ...line.value, verdict: JSON.parse(verdictJson) })}\n`;
  return Object.keys(line.value).length === 0 ? `{"verdict":${verdictJson}}\n` : `${text.slice(0, -1)},"verdict":${verdictJson}}\n`;
}

/** `source` without its first `count` items: the inputs a resumed output already holds. */
export async function* skipFirst<T>(source: AsyncIterable<T>, count: number): AsyncGenerator<T> {
  let seen = 0;
  for await (const item of source) {
    if (seen < count) {
      seen += 1;
      continue;
    }
    yield item;
  }
}

/**
 * Verifies a JSONL file of responses with gold answers and writes each line back with a `verdict` added, in input
 * order. Resumable: lines already in `out` are kept and their inputs skipped, so a rerun after a crash ends with the
 * same bytes as an uninterrupted run. Timings go to the summary and to `<out>.runlog.jsonl`, never into `out`.
 */
export async function runVerifyMath(options: VerifyMathRunOptions): Promise<VerifyMathSummary> {
  if (resolve(options.in) === resolve(options.out)) throw new InvalidOptionError('--out', 'must differ from --in');
  if (options.disagreements !== undefined && [resolve(options.in), resolve(options.out)].includes(resolve(options.disagreements))) {
    throw new InvalidOptionError('--disagreements', 'must differ from --in and --out');
  }
  if (options.in !== '-') {
    await access(options.in, constants.R_OK).catch((error: unknown) => {
      throw new InputUnreadableError(options.in, error);
    });
  }
  const startedAt = new Date();
  const started = performance.now();
  const progress = options.progress ?? silentProgress();
  const responseNames = options.responseField ? [options.responseField] : RESPONSE_NAMES;
  const goldNames = options.goldField ? [options.goldField] : GOLD_NAMES;
  const checker = options.checker ?? 'builtin';
  // Started before the output is touched, so a machine without python3-sympy fails at once with nothing written.
  const sympyPool = checker === 'builtin' ? undefined : await readySympyPool(options);
  let output: Awaited<ReturnType<typeof openResumable>>;
  try {
    output = await openResumable(options.out, () => undefined);
  } catch (error) {
    await sympyPool?.close();
    throw error;
  }
  const pool = createMathPool({
    ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    ...(options.policy === undefined ? {} : { policy: options.policy }),
  });
  // The default file sits beside a regular --out; beside a device or pipe (--out /dev/stdout) there is none, and the
  // summary still counts and quotes the disagreements.
  const disagreementsPath = options.disagreements ?? (sympyPool !== undefined && (await isRegularFile(options.out)) ? `${options.out}.disagreements.jsonl` : undefined);
  const disagreements =
    disagreementsPath === undefined
      ? undefined
      : await openDisagreements(disagreementsPath, output.doneCount).catch(async (error: unknown) => {
          await Promise.all([output.close(), pool.close(), sympyPool?.close()]);
          throw error;
        });
  const tally = { compared: 0, agree: 0, disagree: 0, pairs: {} as Record<string, number>, sympyReasons: {} as Record<string, number>, examples: [] as CheckerDisagreement[] };
  let pendingDisagreements = '';
  const readStats = createReadStats();
  const counts = { pass: 0, fail: 0, error: 0 };
  const reasons: Record<string, number> = {};
  let verified = 0;
  let pending = '';
  let completed = false;
  let summary: VerifyMathSummary | undefined;
  const flush = async () => {
    // Disagreements first: after a crash between the two writes, a rerun drops those past the output's last line.
    if (pendingDisagreements !== '' && disagreements !== undefined) {
      const text = pendingDisagreements;
      pendingDisagreements = '';
      await disagreements.appendFile(text);
    }
    if (pending === '') return;
    const text = pending;
    pending = '';
    await output.appendLine(text);
  };
  const verifyLine = async (line: JsonlLine): Promise<{ text: string; verdict: SerializedVerdict; line: JsonlLine; both?: BothCheckers }> => {
    const response = findField(line.value, responseNames);
    const gold = findField(line.value, goldNames);
    let verdict: SerializedVerdict;
    if (response === undefined) verdict = missingField(responseNames.join('/'), 'is missing');
    else if (gold === undefined) verdict = missingField(goldNames.join('/'), 'is missing');
    else if (typeof response.value !== 'string') verdict = missingField(response.name, `holds a ${typeof response.value}, not text`);
    else if (typeof gold.value !== 'string' && typeof gold.value !== 'number') verdict = missingField(gold.name, `holds a ${typeof gold.value}, not text or a number`);
    else {
      verdict = await pool.checkSerialized(response.value, gold.value);
      if (sympyPool !== undefined && checker !== 'builtin') {
        const builtin = JSON.parse(verdict.json) as Verdict;
        const sympy = await checkWithSympy(sympyPool, builtin, gold.value, options.policy === undefined ? {} : { policy: options.policy });
        const combined = combineCheckers(checker, builtin, sympy);
        verdict = { status: combined.verdict.status, reason: combined.verdict.reason, json: JSON.stringify(combined.verdict) };
        return { text: withVerdict(line, verdict.json), verdict, line, both: { builtin, sympy: sympy.record, gold: gold.value, disagree: combined.disagree } };
      }
    }
    return { text: withVerdict(line, verdict.json), verdict, line };
  };
  try {
    const lines = skipFirst(
      readJsonlLines(options.in, { skipInvalid: options.skipInvalid === true, stats: readStats, ...(options.signal ? { signal: options.signal } : {}) }),
      output.doneCount,
    );
    const results = mapConcurrent(lines, pool.concurrency * 256, verifyLine, {
      buffer: pool.concurrency * 256,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    for await (const { text, verdict, line, both } of results) {
      pending += text;
      counts[verdict.status] += 1;
      reasons[verdict.reason] = (reasons[verdict.reason] ?? 0) + 1;
      if (verdict.status === 'error') progress.error();
      verified += 1;
      if (both !== undefined) {
        tally.compared += 1;
        tally.sympyReasons[both.sympy.reason] = (tally.sympyReasons[both.sympy.reason] ?? 0) + 1;
        if (!both.disagree) tally.agree += 1;
        else {
          tally.disagree += 1;
          const pair = disagreementPair(both.builtin.status, both.sympy.status);
          tally.pairs[pair] = (tally.pairs[pair] ?? 0) + 1;
          const entry = disagreementOf(output.doneCount + verified, line, both);
          if (tally.examples.length < DISAGREEMENT_EXAMPLES) tally.examples.push(entry);
          pendingDisagreements += `${JSON.stringify(entry)}\n`;
        }
      }
      progress.tick();
      if (pending.length >= FLUSH_CHARACTERS) await flush();
    }
    completed = true;
  } finally {
    // Whatever finished is an in-order prefix of the output: keep it, so a rerun resumes after it.
    await flush().catch(() => {});
    try {
      await output.close();
    } finally {
      // Closed even when closing the output throws: live Python processes or worker threads would keep the process up.
      await disagreements?.close().catch(() => {});
      await pool.close();
      await sympyPool?.close();
    }
    progress.done();
    const seconds = (performance.now() - started) / 1000;
    summary = {
      command: 'verify math',
      in: options.in,
      out: options.out,
      resumed: output.doneCount,
      verified,
      ...counts,
      reasons,
      skippedInvalid: readStats.skipped,
      skippedExamples: readStats.skippedExamples,
      workerRespawns: pool.stats.respawns,
      ...(sympyPool === undefined || checker === 'builtin'
        ? {}
        : {
            agreement: {
              checker,
              python: `${sympyPool.versions?.python ?? '?'} (${sympyPool.versions?.executable ?? '?'})`,
              sympy: sympyPool.versions?.sympy ?? '?',
              ...tally,
              sympyTimeouts: sympyPool.stats.timeouts,
              sympyRestarts: sympyPool.stats.restarts,
              ...(disagreementsPath === undefined ? {} : { file: disagreementsPath }),
            },
          }),
      seconds,
      casesPerSecond: seconds > 0 ? verified / seconds : 0,
    };
    // A run log beside a device or FIFO would land in /dev (or next to a pipe): only a regular output file gets one.
    if (await isRegularFile(options.out)) {
      await appendFile(
        `${options.out}.runlog.jsonl`,
        `${JSON.stringify({ event: 'verify-math', startedAt: startedAt.toISOString(), finishedAt: new Date().toISOString(), completed, ...summary })}\n`,
      ).catch(() => {});
    }
  }
  return summary;
}

/** Both checkers' outcomes on one line. */
interface BothCheckers {
  readonly builtin: Verdict;
  readonly sympy: SympyRecord;
  readonly gold: string | number;
  readonly disagree: boolean;
}

function disagreementOf(record: number, line: JsonlLine, both: BothCheckers): CheckerDisagreement {
  const id = line.value.id ?? line.value.trace_id;
  const extracted = both.builtin.details.extracted;
  return {
    record,
    line: line.lineNumber,
    ...(typeof id === 'string' || typeof id === 'number' ? { id } : {}),
    gold: both.gold,
    ...(typeof extracted === 'string' ? { extracted } : {}),
    builtin: { status: both.builtin.status, reason: both.builtin.reason },
    sympy: both.sympy,
  };
}

async function isRegularFile(path: string): Promise<boolean> {
  return stat(path).then(
    (stats) => stats.isFile(),
    () => false,
  );
}

async function readySympyPool(options: { readonly concurrency?: number; readonly sympyTimeoutMs?: number }): Promise<SympyPool> {
  const pool = createSympyPool({
    ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
    ...(options.sympyTimeoutMs === undefined ? {} : { timeoutMs: options.sympyTimeoutMs }),
  });
  try {
    await pool.ready();
    return pool;
  } catch (error) {
    await pool.close();
    throw error;
  }
}

/**
 * Opens the disagreements file for appending. A fresh run starts it empty; a resumed run keeps only the entries of
 * records already in the output, so an interrupted run plus its rerun lists each disagreement once, in order.
 */
async function openDisagreements(path: string, doneCount: number): Promise<FileHandle> {
  let kept = '';
  if (doneCount > 0) {
    const previous = await readFile(path, 'utf8').catch(() => '');
    for (const text of previous.split('\n')) {
      if (text.trim() === '') continue;
      try {
        if ((JSON.parse(text) as { record?: number }).record! <= doneCount) kept += `${text}\n`;
      } catch {
        // a half-written last line from a crash
      }
    }
  }
  try {
    const handle = await open(path, 'w');
    if (kept !== '') await handle.appendFile(kept);
    return handle;
  } catch (error) {
    throw new OutputUnwritableError(path, error);
  }
}

interface VerifyMathFlags {
  in?: string;
  out?: string;
  gold?: string;
  response?: string;
  responseField?: string;
  goldField?: string;
  skipInvalid?: boolean;
  concurrency?: string;
  timeoutMs: string;
  checker: string;
  sympyTimeoutMs: string;
  disagreements?: string;
  json?: boolean;
}

const commandKeys = new Set(['in', 'out', 'gold', 'response', 'responseField', 'goldField', 'skipInvalid', 'concurrency', 'timeoutMs', 'checker', 'sympyTimeoutMs', 'disagreements', 'json']);

/** Checks one pair through the pool (so the time budget holds) and returns its verdict; with a SymPy checker, as in a run. */
export async function verifyMathPair(
  response: string,
  gold: string,
  options: { timeoutMs?: number; policy?: MathPolicy; checker?: MathChecker; sympyTimeoutMs?: number } = {},
): Promise<Verdict> {
  const { checker = 'builtin', sympyTimeoutMs, ...poolOptions } = options;
  const sympyPool = checker === 'builtin' ? undefined : await readySympyPool({ concurrency: 1, ...(sympyTimeoutMs === undefined ? {} : { sympyTimeoutMs }) });
  const pool = createMathPool({ concurrency: 1, ...poolOptions });
  try {
    const builtin = await pool.check(response, gold);
    if (sympyPool === undefined || checker === 'builtin') return builtin;
    const sympy = await checkWithSympy(sympyPool, builtin, gold, options.policy === undefined ? {} : { policy: options.policy });
    return combineCheckers(checker, builtin, sympy).verdict;
  } finally {
    await pool.close();
    await sympyPool?.close();
  }
}

function summaryRows(summary: VerifyMathSummary): [string, string][] {
  const percent = (part: number) => (summary.verified > 0 ? ` (${((100 * part) / summary.verified).toFixed(1)}%)` : '');
  const rows: [string, string][] = [
    ['written', `${summary.verified} lines to ${summary.out}${summary.resumed > 0 ? ` after ${summary.resumed} already there (resumed)` : ''}`],
    ['pass', `${summary.pass}${percent(summary.pass)}`],
    ['fail', `${summary.fail}${percent(summary.fail)}`],
    ['error', `${summary.error}${percent(summary.error)}`],
    ['reasons', Object.entries(summary.reasons).sort((a, b) => b[1] - a[1]).map(([reason, count]) => `${reason} ${count}`).join(', ') || '-'],
  ];
  if (summary.skippedInvalid > 0) rows.push(['skipped', `${summary.skippedInvalid} invalid lines, e.g. ${summary.skippedExamples[0]}`]);
  if (summary.workerRespawns > 0) rows.push(['guards', `${summary.workerRespawns} checks cut (time budget or worker memory)`]);
  const agreement = summary.agreement;
  if (agreement !== undefined) {
    const pairs = Object.entries(agreement.pairs).sort((a, b) => b[1] - a[1]).map(([pair, count]) => `${pair} ${count}`).join(', ');
    rows.push(['checker', `${agreement.checker} (sympy ${agreement.sympy}, python ${agreement.python}; ${agreement.sympyTimeouts} timeouts, ${agreement.sympyRestarts} restarts)`]);
    rows.push(['agreement', `${agreement.agree} of ${agreement.compared} agree; ${agreement.disagree} differ${pairs ? ` (builtin/sympy: ${pairs})` : ''}`]);
    if (agreement.disagree > 0) {
      rows.push(['disagreements', `${agreement.file === undefined ? 'not written (no file beside --out)' : `all in ${agreement.file}`}; first:`]);
      // SymPy's decided disagreements first: its abstentions (text, choices) are the expected kind.
      const shown = [...agreement.examples].sort((a, b) => Number(a.sympy.status === 'error') - Number(b.sympy.status === 'error')).slice(0, 5);
      for (const entry of shown) {
        rows.push(['', `line ${entry.line}: gold ${JSON.stringify(entry.gold)}, answer ${JSON.stringify(entry.extracted ?? null)}: builtin ${entry.builtin.status}, sympy ${entry.sympy.status} (${entry.sympy.detail.slice(0, 80)})`]);
      }
    }
  }
  rows.push(['speed', `${Math.round(summary.casesPerSecond)} cases/s in ${summary.seconds.toFixed(2)} s`]);
  return rows;
}

/** `veridata verify math`: verify solver outputs offline (`--in/--out`), or one pair (`--gold/--response`). */
export function makeVerifyMathCommand(): Command {
  const command = new Command('math')
    .description('Verify math answers offline: add one verdict per JSONL line, or check one pair')
    .option('--in <file>', 'JSONL of responses with gold answers')
    .option('--out <file>', 'the same lines with a verdict added; rerunning resumes after the lines already there')
    .option('--gold <answer>', 'check one pair: the gold answer (with --response)')
    .option('--response <text>', 'check one pair: the response text (with --gold)')
    .option('--response-field <name>', 'field holding the response (default: output, else response, completion)')
    .option('--gold-field <name>', 'field holding the gold answer (default: answer, else gold)')
    .option('--skip-invalid', 'skip and count lines that are not JSON objects instead of stopping')
    .option('--concurrency <n>', 'worker threads (default: one per core)')
    .option('--timeout-ms <n>', 'time budget of one check; a check over it is error/guard', String(defaultMathTimeoutMs))
    .option('--checker <name>', 'who decides: builtin, sympy (python3-sympy), or both (builtin decides, disagreements reported)', 'builtin')
    .option('--sympy-timeout-ms <n>', 'time budget of one SymPy comparison; over it the process is restarted and the case is error/timeout', String(defaultSympyTimeoutMs))
    .option('--disagreements <file>', 'with --checker sympy|both: where the cases the checkers decide differently go (default <out>.disagreements.jsonl)')
    .option('--json', 'print the summary (or the verdict) as one JSON object');
  for (const option of optionsFromSchema(MathPolicy)) command.addOption(option);
  command.addHelpText(
    'after',
    '\nExamples:\n  pnpm veridata verify math --in solver-log.jsonl --out verified.jsonl\n  pnpm veridata verify math --in solver-log.jsonl --out verified.jsonl --checker both --disagreements diff.jsonl\n  pnpm veridata verify math --gold "\\frac{1}{2}" --response "The answer is \\boxed{0.5}."\n',
  );
  return command.action(async (flags: VerifyMathFlags & Record<string, unknown>) => {
    const policy = parseConfigFlags(MathPolicy, Object.fromEntries(Object.entries(flags).filter(([key]) => !commandKeys.has(key))));
    const timeoutMs = integerFlag('--timeout-ms', flags.timeoutMs, 1);
    const sympyTimeoutMs = integerFlag('--sympy-timeout-ms', flags.sympyTimeoutMs, 1);
    const checker = MathChecker.safeParse(flags.checker);
    if (!checker.success) throw new InvalidOptionError('--checker', `expected builtin, sympy or both, got "${flags.checker}"`);
    if (flags.disagreements !== undefined && checker.data === 'builtin') throw new InvalidOptionError('--disagreements', 'needs --checker sympy or both');
    const pairMode = flags.gold !== undefined || flags.response !== undefined;
    if (pairMode) {
      if (flags.gold === undefined || flags.response === undefined) {
        throw new InvalidOptionError(flags.gold === undefined ? '--gold' : '--response', 'checking one pair needs both --gold and --response');
      }
      if (flags.in !== undefined || flags.out !== undefined) throw new InvalidOptionError('--in', 'use either --in/--out or --gold/--response, not both');
      const verdict = await verifyMathPair(flags.response, flags.gold, { timeoutMs, policy, checker: checker.data, sympyTimeoutMs });
      if (flags.json) process.stdout.write(`${JSON.stringify(verdict)}\n`);
      else process.stdout.write(`${verdict.status} (${verdict.reason}): ${String(verdict.details.explanation ?? '')}\n${JSON.stringify(verdict.details)}\n`);
      return;
    }
    if (flags.in === undefined || flags.out === undefined) {
      throw new InvalidOptionError(flags.in === undefined ? '--in' : '--out', 'give --in FILE and --out FILE (or --gold and --response for one pair)');
    }
    const progress = createProgress({ label: 'verify math' });
    const summary = await withInterruptHandling((signal) =>
      runVerifyMath({
        in: flags.in!,
        out: flags.out!,
        ...(flags.responseField === undefined ? {} : { responseField: flags.responseField }),
        ...(flags.goldField === undefined ? {} : { goldField: flags.goldField }),
        skipInvalid: flags.skipInvalid === true,
        ...(flags.concurrency === undefined ? {} : { concurrency: integerFlag('--concurrency', flags.concurrency, 1) }),
        timeoutMs,
        policy,
        checker: checker.data,
        sympyTimeoutMs,
        ...(flags.disagreements === undefined ? {} : { disagreements: flags.disagreements }),
        signal,
        progress,
      }),
    );
    printSummary(summaryRows(summary), summary, { json: flags.json === true });
  });
}
