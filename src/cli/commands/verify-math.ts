import { access, appendFile, constants } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Command } from 'commander';
import { InputUnreadableError, InvalidOptionError } from '../../core/errors.js';
import { openResumable } from '../../core/io/write-jsonl.js';
import { createReadStats, readJsonlLines, type JsonlLine } from '../../core/io/read-jsonl.js';
import { mapConcurrent } from '../../core/pool/map-concurrent.js';
import { type Progress, createProgress, silentProgress } from '../../core/progress.js';
import { RecordAliases } from '../../core/schemas/aliases.js';
import type { Verdict } from '../../core/schemas/verdict.js';
import { withInterruptHandling } from '../../core/signals.js';
import { createMathPool, defaultMathTimeoutMs, type SerializedVerdict } from '../../../verifiers/math/math-pool.js';
import { MathPolicy } from '../../../verifiers/math/policy.js';
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
  readonly signal?: AbortSignal;
  readonly progress?: Progress;
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
  readonly seconds: number;
  readonly casesPerSecond: number;
}

const RESPONSE_NAMES = ['output', ...RecordAliases.response.filter((name) => name !== 'output')];
const GOLD_NAMES: readonly string[] = RecordAliases.answer;
/** Output is appended in blocks of about this many characters; a crash loses at most a block and a half-line. */
const FLUSH_CHARACTERS = 1 << 16;

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

async function* skipFirst<T>(source: AsyncIterable<T>, count: number): AsyncGenerator<T> {
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
  const output = await openResumable(options.out, () => undefined);
  const pool = createMathPool({
    ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    ...(options.policy === undefined ? {} : { policy: options.policy }),
  });
  const readStats = createReadStats();
  const counts = { pass: 0, fail: 0, error: 0 };
  const reasons: Record<string, number> = {};
  let verified = 0;
  let pending = '';
  let completed = false;
  let summary: VerifyMathSummary | undefined;
  const flush = async () => {
    if (pending === '') return;
    const text = pending;
    pending = '';
    await output.appendLine(text);
  };
  const verifyLine = async (line: JsonlLine): Promise<{ text: string; verdict: SerializedVerdict }> => {
    const response = findField(line.value, responseNames);
    const gold = findField(line.value, goldNames);
    let verdict: SerializedVerdict;
    if (response === undefined) verdict = missingField(responseNames.join('/'), 'is missing');
    else if (gold === undefined) verdict = missingField(goldNames.join('/'), 'is missing');
    else if (typeof response.value !== 'string') verdict = missingField(response.name, `holds a ${typeof response.value}, not text`);
    else if (typeof gold.value !== 'string' && typeof gold.value !== 'number') verdict = missingField(gold.name, `holds a ${typeof gold.value}, not text or a number`);
    else verdict = await pool.checkSerialized(response.value, gold.value);
    return { text: withVerdict(line, verdict.json), verdict };
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
    for await (const { text, verdict } of results) {
      pending += text;
      counts[verdict.status] += 1;
      reasons[verdict.reason] = (reasons[verdict.reason] ?? 0) + 1;
      if (verdict.status === 'error') progress.error();
      verified += 1;
      progress.tick();
      if (pending.length >= FLUSH_CHARACTERS) await flush();
    }
    completed = true;
  } finally {
    // Whatever finished is an in-order prefix of the output: keep it, so a rerun resumes after it.
    await flush().catch(() => {});
    await output.close();
    await pool.close();
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
      seconds,
      casesPerSecond: seconds > 0 ? verified / seconds : 0,
    };
    await appendFile(
      `${options.out}.runlog.jsonl`,
      `${JSON.stringify({ event: 'verify-math', startedAt: startedAt.toISOString(), finishedAt: new Date().toISOString(), completed, ...summary })}\n`,
    ).catch(() => {});
  }
  return summary;
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
  json?: boolean;
}

const commandKeys = new Set(['in', 'out', 'gold', 'response', 'responseField', 'goldField', 'skipInvalid', 'concurrency', 'timeoutMs', 'json']);

/** Checks one pair through the pool (so the time budget holds) and returns its verdict. */
export async function verifyMathPair(response: string, gold: string, options: { timeoutMs?: number; policy?: MathPolicy } = {}): Promise<Verdict> {
  const pool = createMathPool({ concurrency: 1, ...options });
  try {
    return await pool.check(response, gold);
  } finally {
    await pool.close();
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
    .option('--json', 'print the summary (or the verdict) as one JSON object');
  for (const option of optionsFromSchema(MathPolicy)) command.addOption(option);
  command.addHelpText(
    'after',
    '\nExamples:\n  pnpm veridata verify math --in solver-log.jsonl --out verified.jsonl\n  pnpm veridata verify math --gold "\\frac{1}{2}" --response "The answer is \\boxed{0.5}."\n',
  );
  return command.action(async (flags: VerifyMathFlags & Record<string, unknown>) => {
    const policy = parseConfigFlags(MathPolicy, Object.fromEntries(Object.entries(flags).filter(([key]) => !commandKeys.has(key))));
    const timeoutMs = integerFlag('--timeout-ms', flags.timeoutMs, 1);
    const pairMode = flags.gold !== undefined || flags.response !== undefined;
    if (pairMode) {
      if (flags.gold === undefined || flags.response === undefined) {
        throw new InvalidOptionError(flags.gold === undefined ? '--gold' : '--response', 'checking one pair needs both --gold and --response');
      }
      if (flags.in !== undefined || flags.out !== undefined) throw new InvalidOptionError('--in', 'use either --in/--out or --gold/--response, not both');
      const verdict = await verifyMathPair(flags.response, flags.gold, { timeoutMs, policy });
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
        signal,
        progress,
      }),
    );
    printSummary(summaryRows(summary), summary, { json: flags.json === true });
  });
}
