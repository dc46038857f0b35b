import type { Verdict } from '../../src/core/schemas/verdict.js';
import { formatNode, type MathNode } from './ast.js';
import { compareNodes, defaultProbeSeed } from './compare.js';
import { extractFinalAnswer, type Extraction } from './extract-answer.js';
import { checkGuards } from './guards.js';
import { readTrailingUnit } from './normalize.js';
import { parseAnswer, type ParseResult } from './parse.js';
import { defaultMathPolicy, type MathPolicy } from './policy.js';

/** Options of one math verification; the same options and inputs always give the same verdict. */
export interface VerifyMathOptions {
  readonly policy?: MathPolicy;
  /** Seed of the probe points used for symbolic equivalence. */
  readonly seed?: number;
  /**
   * Decide plain integer answers against plain integer golds by comparing their digits, skipping the parser (default
   * true). The verdict is the same either way; `false` exists so tests can prove that.
   */
  readonly integerFastPath?: boolean;
}

/** A whole response this short, on one line, may be the bare answer itself ("YES", "3/4"). */
const BARE_ANSWER_LIMIT = 64;

type FoundExtraction = Extract<Extraction, { status: 'found' }>;

function verdict(status: Verdict['status'], reason: string, details: Record<string, unknown>): Verdict {
  return { status, score: status === 'pass' ? 1 : 0, reason, verifier: 'math', details };
}

/** The gold as a node: parsed as written, or, for golds stored as a full solution, from its final answer. */
function parseGold(gold: string, policy: MathPolicy): ParseResult {
  const direct = parseAnswer(gold, policy);
  if (direct.ok) return direct;
  const extracted = extractFinalAnswer(gold);
  return extracted.status === 'found' ? parseAnswer(extracted.answer, policy) : direct;
}

/** The response's final answer; a short one-line response with no anchor is taken whole as a bare answer. */
function extractAnswer(response: string): Extraction | { status: 'found'; answer: string; source: 'whole-response'; span: [number, number] } {
  const extraction = extractFinalAnswer(response);
  const trimmed = response.trim();
  if (extraction.status === 'none' && extraction.reason === 'no-answer' && trimmed.length <= BARE_ANSWER_LIMIT && !trimmed.includes('\n')) {
    const start = response.indexOf(trimmed);
    return { status: 'found', answer: trimmed, source: 'whole-response', span: [start, start + trimmed.length] };
  }
  return extraction;
}

/**
 * Verifies one response against a gold answer and returns the project's verdict. `fail` when the response is wrong or
 * has no answer; `error` when the gold cannot be read or the comparison cannot decide (a guard refused the input, too
 * few probe points agreed or disagreed); `pass` only on a proven match. Pure and synchronous: the caller bounds time.
 */
export function verifyMath(response: string, gold: string | number, options: VerifyMathOptions = {}): Verdict {
  const policy = options.policy ?? defaultMathPolicy;
  const goldText = String(gold);
  if (options.integerFastPath !== false && PLAIN_INTEGER.test(goldText)) {
    const fast = integerVerdict(response, goldText);
    if (fast) return fast;
  }
  const parsedGold = parseGold(goldText, policy);
  if (!parsedGold.ok) {
    return verdict('error', 'gold-unparseable', {
      gold: goldText,
      explanation: `The gold answer "${truncate(goldText)}" could not be read (${parsedGold.reason}); no verdict on the response.`,
    });
  }
  const goldGuard = checkGuards(parsedGold.node);
  if (!goldGuard.ok) {
    return verdict('error', 'guard', { gold: goldText, explanation: `The gold answer is too costly to evaluate (${goldGuard.reason}).` });
  }

  const extraction = extractAnswer(response);
  if (extraction.status === 'none') {
    return verdict('fail', 'no-answer', {
      why: extraction.reason,
      gold_normalized: formatNode(parsedGold.node),
      explanation: noAnswerSentence(extraction.reason),
    });
  }
  const found = extraction as FoundExtraction | { status: 'found'; answer: string; source: 'whole-response' };
  const parsedPrediction = parseAnswer(found.answer, policy);
  const base = { extracted: found.answer, source: found.source, gold_normalized: formatNode(parsedGold.node) };
  if (!parsedPrediction.ok) {
    return verdict('fail', 'unparseable', {
      ...base,
      explanation: `Took "${truncate(found.answer)}" (${found.source}) as the answer, but it is not a readable math answer (${parsedPrediction.reason}).`,
    });
  }
  const predictedGuard = checkGuards(parsedPrediction.node);
  if (!predictedGuard.ok) {
    return verdict('error', 'guard', {
      ...base,
      explanation: `The answer "${truncate(found.answer)}" is too costly to evaluate (${predictedGuard.reason}); refused before any arithmetic.`,
    });
  }
  const comparison = compareNodes(parsedGold.node, parsedPrediction.node, { policy, seed: options.seed ?? defaultProbeSeed });
  const details = {
    ...base,
    predicted_normalized: formatNode(parsedPrediction.node),
    method: comparison.method,
    ...(comparison.probedOnly ? { probed_only: true } : {}),
    comparison: comparison.details,
  };
  if (comparison.undecidable) {
    return verdict('error', comparison.method === 'guard' ? 'guard' : 'undecidable', {
      ...details,
      explanation: `Could not decide whether ${describe(parsedPrediction.node)} equals the gold ${describe(parsedGold.node)} (${comparison.method}).`,
    });
  }
  const goldUnit = unitOf(goldText, policy);
  const predictedUnit = unitOf(found.answer, policy);
  if (comparison.equal && goldUnit !== undefined && predictedUnit !== undefined && goldUnit !== predictedUnit) {
    return verdict('fail', 'not-equivalent', {
      ...details,
      explanation: `${describe(parsedPrediction.node)} ${predictedUnit} (${found.source}) is in other units than the gold ${describe(parsedGold.node)} ${goldUnit}; units are not converted.`,
    });
  }
  if (comparison.equal) {
    return verdict('pass', 'equivalent', {
      ...details,
      explanation: `${describe(parsedPrediction.node)} (${found.source}) equals the gold ${describe(parsedGold.node)} by ${comparison.method}${
        comparison.probedOnly ? ', shown only by evaluating both at random points' : ''
      }.`,
    });
  }
  return verdict('fail', 'not-equivalent', {
    ...details,
    explanation: `${describe(parsedPrediction.node)} (${found.source}) differs from the gold ${describe(parsedGold.node)} (${comparison.method}).`,
  });
}

/**
 * A plain decimal integer in canonical form (no sign on zero, no leading zeros): two of them are equal exactly when
 * their texts are, which is what the full comparison would conclude with method `identical` or `exact`.
 */
const PLAIN_INTEGER = /^(?:0|-?[1-9][0-9]{0,99})$/;

/**
 * The verdict for an integer gold when the response's final answer is also a plain integer, without parsing either:
 * most math data (GSM8K-style sets, arithmetic) is integers, and this is several times faster than the general path.
 * Anything else (no answer, units, other forms) returns undefined and takes the general path.
 */
function integerVerdict(response: string, goldText: string): Verdict | undefined {
  const extraction = extractAnswer(response);
  if (extraction.status !== 'found' || !PLAIN_INTEGER.test(extraction.answer)) return undefined;
  const predicted = extraction.answer;
  const base = {
    extracted: predicted,
    source: extraction.source,
    gold_normalized: goldText,
    predicted_normalized: predicted,
  };
  if (predicted === goldText) {
    return verdict('pass', 'equivalent', {
      ...base,
      method: 'identical',
      comparison: { gold: goldText, predicted },
      explanation: `${truncate(predicted)} (${extraction.source}) equals the gold ${truncate(goldText)} by identical.`,
    });
  }
  return verdict('fail', 'not-equivalent', {
    ...base,
    method: 'exact',
    comparison: { gold: goldText, predicted },
    explanation: `${truncate(predicted)} (${extraction.source}) differs from the gold ${truncate(goldText)} (exact).`,
  });
}

/**
 * Spellings of one physical unit, to one name: "3 hrs" and "3 hours" agree, "5 cm" and "5 m" do not. Count nouns
 * ("apples", "people", "units") are not units of measure and are never compared.
 */
const UNIT_NAMES: Readonly<Record<string, string>> = Object.fromEntries(
  (
    [
      ['meter', 'm', 'meter', 'meters', 'metre', 'metres'],
      ['centimeter', 'cm', 'centimeter', 'centimeters', 'centimetre', 'centimetres'],
      ['millimeter', 'mm', 'millimeter', 'millimeters', 'millimetre', 'millimetres'],
      ['kilometer', 'km', 'kilometer', 'kilometers', 'kilometre', 'kilometres'],
      ['inch', 'in', 'inch', 'inches'],
      ['foot', 'ft', 'foot', 'feet'],
      ['yard', 'yd', 'yard', 'yards'],
      ['mile', 'mi', 'mile', 'miles'],
      ['gram', 'g', 'gram', 'grams'],
      ['milligram', 'mg', 'milligram', 'milligrams'],
      ['kilogram', 'kg', 'kilogram', 'kilograms'],
      ['pound', 'lb', 'lbs', 'pound', 'pounds'],
      ['ounce', 'oz', 'ounce', 'ounces'],
      ['ton', 'ton', 'tons'],
      ['liter', 'liter', 'liters', 'litre', 'litres'],
      ['milliliter', 'ml', 'mL', 'milliliter', 'milliliters'],
      ['gallon', 'gallon', 'gallons'],
      ['cup', 'cup', 'cups'],
      ['hour', 'h', 'hr', 'hrs', 'hour', 'hours'],
      ['minute', 'min', 'mins', 'minute', 'minutes'],
      ['second', 's', 'sec', 'secs', 'second', 'seconds'],
      ['day', 'day', 'days'],
      ['week', 'week', 'weeks'],
      ['month', 'month', 'months'],
      ['year', 'yr', 'yrs', 'year', 'years'],
      ['mph', 'mph'],
      ['kph', 'kph', 'km/h'],
      ['m/s', 'm/s'],
      ['ft/s', 'ft/s'],
      ['degree', 'deg', 'degree', 'degrees'],
      ['radian', 'rad', 'radian', 'radians'],
      ['cent', 'cent', 'cents'],
    ] as const
  ).flatMap(([name, ...spellings]) => spellings.map((spelling) => [spelling, name])),
);

/** The trailing physical unit of an answer under one name per unit (with its power, "meter^2"), or undefined. */
function unitOf(text: string, policy: MathPolicy): string | undefined {
  const unit = readTrailingUnit(text, { numberWords: policy.numberWords });
  if (unit === undefined) return currencyOf(text);
  const [word = '', power] = unit.split('^');
  const name = UNIT_NAMES[word] ?? UNIT_NAMES[word.toLowerCase()];
  if (name === undefined) return currencyOf(text);
  return power ? `${name}^${power}` : name;
}

/** The currency an answer names: a cent word or sign before a dollar sign or word ("50 cents" is not "$50"). */
function currencyOf(text: string): string | undefined {
  if (/(?<![A-Za-z])cents?(?![A-Za-z])|¢/i.test(text)) return 'cent';
  if (/\\\$|\$\s*\d|(?<![A-Za-z])dollars?(?![A-Za-z])/i.test(text)) return 'dollar';
  if (/€|(?<![A-Za-z])euros?(?![A-Za-z])/i.test(text)) return 'euro';
  if (/£|(?<![A-Za-z])pounds?(?![A-Za-z])/i.test(text)) return 'pound';
  return undefined;
}

function noAnswerSentence(reason: string): string {
  switch (reason) {
    case 'refusal':
      return 'The response declines to answer.';
    case 'hedge':
      return 'The response hedges between several answers, so none is taken.';
    case 'truncated':
      return 'The response stops inside an unfinished answer (an unterminated \\boxed{ or tag): treated as truncated.';
    case 'retracted':
      return 'The response takes its final answer back afterwards ("wait", "actually", "that is wrong") without a new anchored answer.';
    case 'empty':
      return 'The response is empty.';
    default:
      return 'No final answer could be found in the response.';
  }
}

function describe(value: MathNode): string {
  return truncate(formatNode(value));
}

function truncate(text: string, limit = 120): string {
  return text.length > limit ? `${text.slice(0, limit)}...` : text;
}
