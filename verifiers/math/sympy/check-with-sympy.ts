import type { Verdict } from '../../../src/core/schemas/verdict.js';
import { formatNode, type MathNode } from '../ast.js';
import { extractFinalAnswer } from '../extract-answer.js';
import { checkGuards } from '../guards.js';
import { parseAnswer, type ParseResult } from '../parse.js';
import { defaultMathPolicy, type MathPolicy } from '../policy.js';
import { imaginaryUnitsOf, serializeSympy, SympyUnsupportedError } from './serialize-sympy.js';
import type { SympyPool } from './sympy-pool.js';

/** What SymPy was asked and said for one case; recorded in `details.sympy` of both checkers' verdicts. */
export interface SympyRecord {
  /** False when the case was decided before any comparison (no answer, unreadable gold, a guard): SymPy was not asked. */
  readonly consulted: boolean;
  readonly status: Verdict['status'];
  readonly reason: string;
  /** SymPy's answer: true, false, or null when it could not decide; absent when it was not asked or did not answer. */
  readonly equal?: boolean | null;
  readonly detail: string;
  readonly gold?: string;
  readonly answer?: string;
}

/**
 * The gold as a node, as verifyMath reads it: parsed as written, or, for a gold stored as a full solution, from its
 * final answer. verify-math.ts keeps its copy private; this one must read golds the same way.
 */
export function parseGoldAnswer(gold: string, policy: MathPolicy): ParseResult {
  const direct = parseAnswer(gold, policy);
  if (direct.ok) return direct;
  const extracted = extractFinalAnswer(gold);
  return extracted.status === 'found' ? parseAnswer(extracted.answer, policy) : direct;
}

/** Options of checkWithSympy. */
export interface CheckWithSympyOptions {
  readonly policy?: MathPolicy;
}

/**
 * SymPy's verdict on one case, given the built-in checker's verdict on it. Extraction, parsing and guards stay
 * veridata's: SymPy is asked only when the built-in verdict reached a comparison (it carries the extracted answer),
 * and it receives both sides as SymPy expressions written from veridata's AST. A case decided before any comparison
 * keeps the built-in verdict. SymPy's true is `pass`, false `fail`; undecided, over budget, a dead process or a node
 * SymPy cannot express are `error` (reasons `undecidable`, `timeout`, `checker-crashed`, `unsupported`), never a pass.
 */
export async function checkWithSympy(pool: SympyPool, builtin: Verdict, gold: string | number, options: CheckWithSympyOptions = {}): Promise<{ verdict: Verdict; record: SympyRecord }> {
  const policy = options.policy ?? defaultMathPolicy;
  const extracted = builtin.details.extracted;
  const base = typeof extracted === 'string' ? { extracted, source: builtin.details.source } : {};
  const notAsked = (why: string): { verdict: Verdict; record: SympyRecord } => {
    const record: SympyRecord = { consulted: false, status: builtin.status, reason: builtin.reason, detail: why };
    return { verdict: { ...builtin, details: { ...builtin.details, checker: 'sympy', sympy: record } }, record };
  };
  if (typeof extracted !== 'string') return notAsked(`decided before any comparison (${builtin.reason}); SymPy was not asked`);
  const goldNode = parseGoldAnswer(String(gold), policy);
  const answerNode = parseAnswer(extracted, policy);
  if (!goldNode.ok || !answerNode.ok) return notAsked(`decided while reading the answers (${builtin.reason}); SymPy was not asked`);
  if (!checkGuards(goldNode.node).ok || !checkGuards(answerNode.node).ok) return notAsked(`refused by veridata's guards before any evaluation (${builtin.reason}); SymPy was not asked`);

  let goldExpression: string;
  let answerExpression: string;
  try {
    goldExpression = serializeSympy(goldNode.node, { imaginaryUnits: imaginaryUnitsOf(goldNode.node, policy.jIsImaginary) });
    answerExpression = serializeSympy(answerNode.node, { imaginaryUnits: imaginaryUnitsOf(answerNode.node, policy.jIsImaginary) });
  } catch (error) {
    if (!(error instanceof SympyUnsupportedError)) throw error;
    const record: SympyRecord = { consulted: false, status: 'error', reason: 'unsupported', detail: error.message };
    return { verdict: sympyVerdict('error', 'unsupported', { ...base, sympy: record, explanation: `No SymPy verdict: ${error.message}.` }), record };
  }

  const outcome = await pool.compare({ kind: 'compare', gold: goldExpression, answer: answerExpression, tolerance: policy.relativeTolerance });
  // No timings here: verdicts are a function of their input, so a resumed run ends byte-identical.
  const sides = { gold: goldExpression, answer: answerExpression };
  const described = `${describe(answerNode.node)} vs the gold ${describe(goldNode.node)}`;
  if (outcome.status !== 'answered') {
    const reason = outcome.status === 'timeout' ? 'timeout' : 'checker-crashed';
    const record: SympyRecord = { consulted: true, status: 'error', reason, detail: outcome.detail, ...sides };
    return { verdict: sympyVerdict('error', reason, { ...base, sympy: record, explanation: `No SymPy verdict on ${described}: ${outcome.detail}.` }), record };
  }
  const [status, reason, sentence] =
    outcome.equal === true
      ? (['pass', 'equivalent', 'SymPy finds them equal'] as const)
      : outcome.equal === false
        ? (['fail', 'not-equivalent', 'SymPy finds them different'] as const)
        : (['error', 'undecidable', 'SymPy could not decide'] as const);
  const record: SympyRecord = { consulted: true, status, reason, equal: outcome.equal, detail: outcome.detail, ...sides };
  return { verdict: sympyVerdict(status, reason, { ...base, sympy: record, explanation: `${sentence}: ${described} (${outcome.detail}).` }), record };
}

function sympyVerdict(status: Verdict['status'], reason: string, details: Record<string, unknown>): Verdict {
  return { status, score: status === 'pass' ? 1 : 0, reason, verifier: 'math', details: { checker: 'sympy', ...details } };
}

function describe(value: MathNode): string {
  const text = formatNode(value);
  return text.length > 120 ? `${text.slice(0, 120)}...` : text;
}
