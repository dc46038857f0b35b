import type { Decimal } from 'decimal.js';
import { formatNode, node, type IntervalNode, type MathNode, type RelationNode, type RelationOperator } from './ast.js';
import { BigRational } from './big-rational.js';
import { evaluateExact, evaluateFloat, evaluateNumeric, complexAt, decimalAt, magnitude, type Complex, type FloatComplex, type FloatResult, type NumericResult } from './evaluate.js';
import { checkGuards, childrenOf } from './guards.js';
import type { MathPolicy } from './policy.js';

/** How to compare: the convention flags, and the seed of the probe points (same seed, same verdict). */
export interface CompareOptions {
  readonly policy: MathPolicy;
  readonly seed?: number;
}

/**
 * Whether the predicted answer equals the gold. `undecidable` means the comparison could not decide (a guard refused,
 * too few valid probe points, no numeric meaning): the caller reports an `error` verdict, never a pass. `probedOnly`
 * marks a pass that rests on numeric evaluation alone, not on exact arithmetic or structure.
 */
export interface CompareResult {
  readonly equal: boolean;
  readonly undecidable?: boolean;
  readonly method: string;
  readonly probedOnly?: boolean;
  readonly details: Record<string, unknown>;
}

/** Default seed of the probe points. */
export const defaultProbeSeed = 0x5eed;
/** Random probe points per comparison, besides the small-integer points. */
export const probePointCount = 16;
/** Valid random probe points a pass needs; fewer is undecidable. */
export const minimumValidPoints = 8;
/**
 * Random points always evaluated at full precision (one positive, one negative, one complex among them); the others
 * are screened in doubles and evaluated at full precision only when the doubles do not clearly agree.
 */
export const precisePointCount = 4;
/** Agreement in doubles, relative to the largest magnitude met, that lets a point skip full precision. */
const floatAgreement = 1e-9;
/** Significant digits of numeric evaluation beyond the largest magnitude met; the cap bounds the cost. */
const basePrecision = 40;
const maximumPrecision = 120;
/** Digits of agreement required below the working precision (room for rounding over a long evaluation). */
const precisionSlack = 12;
/**
 * Most numeric work one comparison may do, in transcendental evaluations at 40 digits (about 0.1 ms each), summed over
 * every pair it compares: beyond it the comparison is undecidable rather than slow.
 */
const numericBudget = 500;
const cheapFunctions = new Set(['abs', 'floor', 'ceil', 'factorial', 'binom', 'gcd', 'lcm']);

const constantNames = new Set(['pi', 'e', 'infinity']);
const scalarKinds = new Set(['number', 'symbol', 'add', 'mul', 'pow', 'func']);

interface Context {
  readonly policy: MathPolicy;
  readonly seed: number;
  readonly precision: number;
  /** The magnitudes in play need more digits than the cap: a numeric agreement proves nothing. */
  readonly precisionCapped: boolean;
  /** Numeric work left for this whole comparison (sets compare many pairs), in transcendental evaluations. */
  readonly budget: { remaining: number };
  /** Names of the imaginary unit on each side (`j` too where that side has no `i`, by policy). */
  readonly goldUnits: readonly string[];
  readonly predictedUnits: readonly string[];
}

/**
 * Decides whether `predicted` equals `gold`: guards first, then structure (tuples ordered, sets unordered, intervals
 * with openness, unions, matrices, relations up to flips and a constant factor, policy conversions), exact rational
 * arithmetic, relative tolerance only against a finite decimal literal, and seeded numeric probing otherwise.
 */
export function compareNodes(gold: MathNode, predicted: MathNode, options: CompareOptions): CompareResult {
  const goldGuard = checkGuards(gold);
  if (!goldGuard.ok) return { equal: false, undecidable: true, method: 'guard', details: { side: 'gold', reason: goldGuard.reason } };
  const predictedGuard = checkGuards(predicted);
  if (!predictedGuard.ok) return { equal: false, undecidable: true, method: 'guard', details: { side: 'predicted', reason: predictedGuard.reason } };
  const needed = basePrecision + Math.ceil(Math.max(goldGuard.digits, predictedGuard.digits));
  const unitsOf = (value: MathNode): string[] => {
    const names = symbolNames(value);
    return options.policy.jIsImaginary && !names.has('i') && names.has('j') ? ['i', 'j'] : ['i'];
  };
  const context: Context = {
    policy: options.policy,
    seed: options.seed ?? defaultProbeSeed,
    precision: Math.min(needed, maximumPrecision),
    precisionCapped: needed > maximumPrecision,
    budget: { remaining: numericBudget },
    goldUnits: unitsOf(gold),
    predictedUnits: unitsOf(predicted),
  };
  const result = compareValues(gold, predicted, context);
  return { ...result, details: { gold: formatNode(gold), predicted: formatNode(predicted), ...result.details } };
}

function equalResult(method: string, details: Record<string, unknown> = {}, probedOnly = false): CompareResult {
  return probedOnly ? { equal: true, method, probedOnly, details } : { equal: true, method, details };
}

function unequalResult(method: string, details: Record<string, unknown> = {}): CompareResult {
  return { equal: false, method, details };
}

function undecidableResult(method: string, details: Record<string, unknown> = {}): CompareResult {
  return { equal: false, undecidable: true, method, details };
}

function compareValues(goldInput: MathNode, predictedInput: MathNode, context: Context): CompareResult {
  const gold = normalizeShape(goldInput);
  const predicted = normalizeShape(predictedInput);
  if (identical(gold, predicted)) return equalResult('identical');
  const { policy } = context;

  if (gold.kind === 'relation' || predicted.kind === 'relation') {
    if (gold.kind === 'relation' && predicted.kind === 'relation') return compareRelations(gold, predicted, context);
    const relation = gold.kind === 'relation' ? gold : (predicted as RelationNode);
    const other = gold.kind === 'relation' ? predicted : gold;
    const value = assignedValue(relation);
    if (value !== undefined) {
      return gold.kind === 'relation' ? compareValues(value, predicted, context) : compareValues(gold, value, context);
    }
    if (policy.inequalityMatchesInterval) {
      const solved = relationToIntervals(relation);
      const intervals = asIntervals(other);
      if (solved !== undefined && intervals !== undefined) return compareIntervalLists(solved.intervals, intervals, context, 'inequality-interval');
    }
    return unequalResult('kind-mismatch', { goldKind: gold.kind, predictedKind: predicted.kind });
  }

  if (policy.singletonSetMatchesElement) {
    if (gold.kind === 'set' && predicted.kind !== 'set' && gold.items.length === 1) return withMethod(compareValues(gold.items[0]!, predicted, context), 'singleton-set');
    if (predicted.kind === 'set' && gold.kind !== 'set' && predicted.items.length === 1) return withMethod(compareValues(gold, predicted.items[0]!, context), 'singleton-set');
  }

  if (gold.kind === 'tuple' && predicted.kind !== 'tuple') {
    const point = assignmentsAsTuple(predicted);
    if (point !== undefined) return withMethod(compareValues(gold, point, context), 'assignments');
  }
  if (predicted.kind === 'tuple' && gold.kind !== 'tuple') {
    const point = assignmentsAsTuple(gold);
    if (point !== undefined) return withMethod(compareValues(point, predicted, context), 'assignments');
  }
  if (gold.kind === 'set' && predicted.kind === 'set') return compareUnordered(gold.items, predicted.items, context, 'set');
  if (gold.kind === 'tuple' || gold.kind === 'matrix' || predicted.kind === 'tuple' || predicted.kind === 'matrix') {
    const ordered = compareOrderedShapes(gold, predicted, context);
    if (ordered !== undefined) return ordered;
  }
  if (isIntervalLike(gold) || isIntervalLike(predicted)) {
    const goldIntervals = asIntervals(gold);
    const predictedIntervals = asIntervals(predicted);
    if (goldIntervals !== undefined && predictedIntervals !== undefined) return compareIntervalLists(goldIntervals, predictedIntervals, context, 'interval');
  }
  if (gold.kind === 'union' && predicted.kind === 'union') return compareUnordered(gold.items, predicted.items, context, 'union');

  const goldLetter = letterOf(gold);
  const predictedLetter = letterOf(predicted);
  if ((gold.kind === 'choice' || predicted.kind === 'choice') && goldLetter !== undefined && predictedLetter !== undefined) {
    return goldLetter === predictedLetter ? equalResult('choice') : unequalResult('choice');
  }
  if (gold.kind === 'text' && predicted.kind === 'text') {
    return normalizeText(gold.value) === normalizeText(predicted.value) ? equalResult('text') : unequalResult('text');
  }
  if (scalarKinds.has(gold.kind) && scalarKinds.has(predicted.kind)) return compareScalars(gold, predicted, context);
  return unequalResult('kind-mismatch', { goldKind: gold.kind, predictedKind: predicted.kind });
}

function withMethod(result: CompareResult, method: string): CompareResult {
  return { ...result, method: `${method}/${result.method}` };
}

/** Numeric text becomes a number; a scalar times a matrix becomes the scaled matrix. */
function normalizeShape(value: MathNode): MathNode {
  if (value.kind === 'text') {
    const number = BigRational.parseDecimal(value.value);
    if (number !== undefined) return node.number(number, value.value.includes('.') ? { decimal: true } : {});
  }
  if (value.kind === 'mul') {
    const matrices = value.factors.filter((factor) => factor.kind === 'matrix');
    const scalars = value.factors.filter((factor) => factor.kind !== 'matrix');
    if (matrices.length === 1 && scalars.every((factor) => scalarKinds.has(factor.kind))) {
      const matrix = matrices[0] as MathNode & { kind: 'matrix' };
      return node.matrix(matrix.rows.map((row) => row.map((entry) => node.mul(...scalars, entry))));
    }
  }
  return value;
}

function identical(a: MathNode, b: MathNode): boolean {
  if (a === b) return true;
  if (a.kind !== b.kind) return false;
  switch (a.kind) {
    case 'number': {
      const other = b as typeof a;
      return a.value.equals(other.value) && Boolean(a.percent) === Boolean(other.percent) && Boolean(a.decimal) === Boolean(other.decimal);
    }
    case 'symbol':
      return a.name === (b as typeof a).name;
    case 'text':
      return a.value === (b as typeof a).value;
    case 'choice':
      return a.letter === (b as typeof a).letter;
    case 'func':
      if (a.name !== (b as typeof a).name) return false;
      break;
    case 'relation':
      if (a.operators.join() !== (b as typeof a).operators.join()) return false;
      break;
    case 'interval':
      if (a.leftClosed !== (b as typeof a).leftClosed || a.rightClosed !== (b as typeof a).rightClosed) return false;
      break;
    case 'matrix':
      if (a.rows.length !== (b as typeof a).rows.length || a.rows.some((row, index) => row.length !== (b as typeof a).rows[index]!.length)) return false;
      break;
    default:
      break;
  }
  const left = childrenOf(a) ?? [];
  const right = childrenOf(b) ?? [];
  return left.length === right.length && left.every((child, index) => identical(child, right[index]!));
}

/** Transcendental operations count 1, other nodes 1/20: the cost model of numeric evaluation. */
function evaluationOperations(root: MathNode): number {
  let operations = 0;
  const stack = [root];
  while (stack.length > 0) {
    const current = stack.pop()!;
    if (current.kind === 'func') operations += cheapFunctions.has(current.name) ? 0.05 : 1;
    else if (current.kind === 'pow') operations += current.exponent.kind === 'number' && current.exponent.value.den <= 2n ? 0.2 : 1;
    else operations += 0.05;
    stack.push(...(childrenOf(current) ?? []));
  }
  return operations;
}

/** Charges evaluating both sides at `points` full-precision points to the budget; false when it would run out. */
function overBudget(context: Context, points: number, gold: MathNode, predicted: MathNode): boolean {
  const cost = (evaluationOperations(gold) + evaluationOperations(predicted)) * points * (context.precision / basePrecision) ** 2;
  if (cost > context.budget.remaining) return true;
  context.budget.remaining -= cost;
  return false;
}

function symbolNames(root: MathNode): Set<string> {
  const names = new Set<string>();
  const stack = [root];
  while (stack.length > 0) {
    const current = stack.pop()!;
    if (current.kind === 'symbol') names.add(current.name);
    stack.push(...(childrenOf(current) ?? []));
  }
  return names;
}

function freeVariables(value: MathNode, units: readonly string[]): Set<string> {
  const names = symbolNames(value);
  for (const name of [...names]) if (constantNames.has(name) || units.includes(name)) names.delete(name);
  return names;
}

function variablesOf(gold: MathNode, predicted: MathNode, context: Context): string[] {
  return [...new Set([...freeVariables(gold, context.goldUnits), ...freeVariables(predicted, context.predictedUnits)])].sort();
}

function normalizeText(text: string): string {
  return text.toLowerCase().replace(/\s+/g, '');
}

function letterOf(value: MathNode): string | undefined {
  const text = value.kind === 'choice' ? value.letter : value.kind === 'text' ? value.value : value.kind === 'symbol' ? value.name : undefined;
  if (text === undefined) return undefined;
  const match = /^\s*\(?\s*([A-Za-z])\s*\)?\s*\.?\s*$/.exec(text);
  return match?.[1]?.toUpperCase();
}

/** Tuples element-wise; matrices by shape then element-wise; a tuple equals a one-row or one-column matrix of it. */
function compareOrderedShapes(gold: MathNode, predicted: MathNode, context: Context): CompareResult | undefined {
  if (gold.kind === 'matrix' && predicted.kind === 'matrix') {
    const goldShape = [gold.rows.length, gold.rows[0]?.length ?? 0];
    const predictedShape = [predicted.rows.length, predicted.rows[0]?.length ?? 0];
    if (goldShape.join() !== predictedShape.join()) return unequalResult('matrix-shape', { goldShape, predictedShape });
    return compareSequences(gold.rows.flat(), predicted.rows.flat(), context, 'matrix');
  }
  const goldItems = sequenceOf(gold);
  const predictedItems = sequenceOf(predicted);
  if (goldItems === undefined || predictedItems === undefined) return undefined;
  if (goldItems.length !== predictedItems.length) return unequalResult('length', { goldLength: goldItems.length, predictedLength: predictedItems.length });
  return compareSequences(goldItems, predictedItems, context, 'tuple');
}

function sequenceOf(value: MathNode): readonly MathNode[] | undefined {
  if (value.kind === 'tuple') return value.items;
  if (value.kind === 'matrix' && (value.rows.length === 1 || value.rows.every((row) => row.length === 1))) return value.rows.flat();
  return undefined;
}

function compareSequences(gold: readonly MathNode[], predicted: readonly MathNode[], context: Context, method: string): CompareResult {
  let probedOnly = false;
  let undecidable: CompareResult | undefined;
  for (let index = 0; index < gold.length; index += 1) {
    const result = compareValues(gold[index]!, predicted[index]!, context);
    if (!result.equal && !result.undecidable) return unequalResult(method, { index, element: result });
    if (result.undecidable) undecidable ??= undecidableResult(method, { index, element: result });
    probedOnly ||= Boolean(result.probedOnly);
  }
  return undecidable ?? equalResult(method, { length: gold.length }, probedOnly);
}

/** Unordered comparison with duplicates removed on both sides (sets, unions, lists of solutions). */
function compareUnordered(goldItems: readonly MathNode[], predictedItems: readonly MathNode[], context: Context, method: string): CompareResult {
  const keyed = exactKeys(goldItems, predictedItems);
  if (keyed !== undefined) {
    const [goldKeys, predictedKeys] = keyed;
    const same = goldKeys.size === predictedKeys.size && [...goldKeys].every((key) => predictedKeys.has(key));
    return same ? equalResult(method, { size: goldKeys.size }) : unequalResult(method, { goldSize: goldKeys.size, predictedSize: predictedKeys.size });
  }
  let probedOnly = false;
  let sawUndecidable = false;
  const dedupe = (items: readonly MathNode[]): MathNode[] => {
    const kept: MathNode[] = [];
    for (const item of items) {
      if (!kept.some((other) => compareValues(other, item, context).equal)) kept.push(item);
    }
    return kept;
  };
  const gold = dedupe(goldItems);
  const predicted = dedupe(predictedItems);
  if (gold.length !== predicted.length) return unequalResult(method, { goldSize: gold.length, predictedSize: predicted.length });
  const unmatched = [...predicted];
  for (const item of gold) {
    let found = -1;
    for (let index = 0; index < unmatched.length && found < 0; index += 1) {
      const result = compareValues(item, unmatched[index]!, context);
      if (result.equal) {
        found = index;
        probedOnly ||= Boolean(result.probedOnly);
      } else if (result.undecidable) sawUndecidable = true;
    }
    if (found < 0) {
      const details = { unmatched: formatNode(item) };
      return sawUndecidable ? undecidableResult(method, details) : unequalResult(method, details);
    }
    unmatched.splice(found, 1);
  }
  return equalResult(method, { size: gold.length }, probedOnly);
}

/** Canonical keys when every item on both sides is an exact rational: linear-time set comparison. */
function exactKeys(goldItems: readonly MathNode[], predictedItems: readonly MathNode[]): [Set<string>, Set<string>] | undefined {
  const keys = (items: readonly MathNode[]): Set<string> | undefined => {
    const result = new Set<string>();
    for (const item of items) {
      if (!scalarKinds.has(item.kind) || isDecimalLiteral(item) || isPercent(item)) return undefined;
      const value = evaluateExact(item);
      if (value === undefined) return undefined;
      result.add(value.toString());
    }
    return result;
  };
  const gold = keys(goldItems);
  const predicted = gold === undefined ? undefined : keys(predictedItems);
  return gold === undefined || predicted === undefined ? undefined : [gold, predicted];
}

function isIntervalLike(value: MathNode): boolean {
  return value.kind === 'interval' || value.kind === 'union';
}

/** An interval, a union of intervals, solved inequalities joined by "or", or (next to one of these) a 2-tuple read as an open interval. */
function asIntervals(value: MathNode): IntervalNode[] | undefined {
  if (value.kind === 'interval') return [value];
  if (value.kind === 'tuple' && value.items.length === 2) return [node.interval(value.items[0]!, value.items[1]!, false, false)];
  if (value.kind === 'relation') return relationToIntervals(value)?.intervals;
  if (value.kind === 'union' || (value.kind === 'set' && value.items.length > 0 && value.items.every((item) => item.kind === 'relation'))) {
    const intervals: IntervalNode[] = [];
    for (const item of value.items) {
      const part = item.kind === 'interval' ? [item] : item.kind === 'relation' ? relationToIntervals(item)?.intervals : undefined;
      if (part === undefined) return undefined;
      intervals.push(...part);
    }
    return intervals;
  }
  return undefined;
}

function compareIntervalLists(gold: readonly IntervalNode[], predicted: readonly IntervalNode[], context: Context, method: string): CompareResult {
  if (gold.length !== predicted.length) return unequalResult(method, { goldIntervals: gold.length, predictedIntervals: predicted.length });
  if (gold.length === 1) return compareIntervals(gold[0]!, predicted[0]!, context, method);
  return compareUnordered(gold, predicted, context, method);
}

function compareIntervals(gold: IntervalNode, predicted: IntervalNode, context: Context, method: string): CompareResult {
  const leftInfinite = infinitySign(gold.left) !== 0;
  const rightInfinite = infinitySign(gold.right) !== 0;
  if (!leftInfinite && gold.leftClosed !== predicted.leftClosed) return unequalResult(method, { reason: 'left end openness differs' });
  if (!rightInfinite && gold.rightClosed !== predicted.rightClosed) return unequalResult(method, { reason: 'right end openness differs' });
  return compareSequences([gold.left, gold.right], [predicted.left, predicted.right], context, method);
}

/** 1 for infinity, -1 for -infinity (a product of infinity with negative constants), 0 otherwise. */
function infinitySign(value: MathNode): number {
  if (value.kind === 'symbol') return value.name === 'infinity' ? 1 : 0;
  if (value.kind === 'number' || value.kind !== 'mul') return 0;
  let sign = 0;
  let negative = false;
  for (const factor of value.factors) {
    if (factor.kind === 'symbol' && factor.name === 'infinity') {
      if (sign !== 0) return 0;
      sign = 1;
      continue;
    }
    const exact = evaluateExact(factor);
    if (exact === undefined || exact.isZero()) return 0;
    if (exact.num < 0n) negative = !negative;
  }
  return sign === 0 ? 0 : negative ? -1 : 1;
}

/** The value an assignment names: `x = 5` and chains `x = 2 + 3 = 5` give their last operand; `5 = x` gives 5. */
function assignedValue(relation: RelationNode): MathNode | undefined {
  if (!relation.operators.every((operator) => operator === '=')) return undefined;
  const first = relation.operands[0]!;
  const last = relation.operands[relation.operands.length - 1]!;
  if (isVariableLike(first)) return last;
  if (relation.operands.length === 2 && isVariableLike(last)) return first;
  return undefined;
}

/**
 * `x = 2, y = 3` as the point (2, 3): assignments to distinct variables, taken in alphabetical order of the
 * variables, which is the order of coordinates by convention (x, y, z; a, b, c), so `y = 3, x = 2` is (2, 3) too.
 */
function assignmentsAsTuple(value: MathNode): MathNode | undefined {
  if (value.kind !== 'set' || value.items.length < 2) return undefined;
  const pairs: [string, MathNode][] = [];
  for (const item of value.items) {
    if (item.kind !== 'relation' || item.operands.length !== 2 || item.operators[0] !== '=') return undefined;
    const [variable, assigned] = item.operands as [MathNode, MathNode];
    if (variable.kind !== 'symbol' || !isVariableLike(variable)) return undefined;
    pairs.push([variable.name, assigned]);
  }
  const names = new Set(pairs.map(([name]) => name));
  if (names.size !== pairs.length) return undefined;
  pairs.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return node.tuple(...pairs.map(([, assigned]) => assigned));
}

/** A symbol (not a constant) or a function of symbols, as in `f(x) = ...`. */
function isVariableLike(value: MathNode): boolean {
  if (value.kind === 'symbol') return !constantNames.has(value.name) && value.name !== 'i';
  return value.kind === 'func' && !['sin', 'cos', 'tan', 'ln', 'log', 'exp', 'sqrt', 'abs'].includes(value.name) && value.args.every((argument) => argument.kind === 'symbol');
}

const flipped: Record<RelationOperator, RelationOperator> = { '=': '=', '!=': '!=', '<': '>', '<=': '>=', '>': '<', '>=': '<=' };

/** Chains read left to right with < and <=: `3 > x > 1` becomes `1 < x < 3`. */
function orientRelation(relation: RelationNode): RelationNode {
  if (relation.operators.every((operator) => operator === '>' || operator === '>=')) {
    return node.relation([...relation.operands].reverse(), [...relation.operators].reverse().map((operator) => flipped[operator]));
  }
  return relation;
}

/** `x > 2`, `2 <= x`, `-2 < x < 2`, `|x| < 2` as intervals of their one variable; undefined for anything else. */
function relationToIntervals(input: RelationNode): { variable: string; intervals: IntervalNode[] } | undefined {
  const relation = orientRelation(input);
  const infinity = node.symbol('infinity');
  const minusInfinity = node.mul(node.number(BigRational.of(-1)), infinity);
  const isBound = (value: MathNode): boolean => scalarKinds.has(value.kind) && [...symbolNames(value)].every((name) => constantNames.has(name));
  const variableOf = (value: MathNode): string | undefined => (value.kind === 'symbol' && !constantNames.has(value.name) && value.name !== 'i' ? value.name : undefined);
  if (relation.operators.length === 2 && relation.operators.every((operator) => operator === '<' || operator === '<=')) {
    const [low, middle, high] = relation.operands as [MathNode, MathNode, MathNode];
    const variable = variableOf(middle);
    if (variable === undefined || !isBound(low) || !isBound(high)) return undefined;
    return { variable, intervals: [node.interval(low, high, relation.operators[0] === '<=', relation.operators[1] === '<=')] };
  }
  if (relation.operators.length !== 1) return undefined;
  let operator = relation.operators[0]!;
  let [left, right] = relation.operands as [MathNode, MathNode];
  if (operator === '=' || operator === '!=') return undefined;
  if (isBound(left)) {
    [left, right] = [right, left];
    operator = flipped[operator];
  }
  if (!isBound(right)) return undefined;
  const closed = operator === '<=' || operator === '>=';
  const below = operator === '<' || operator === '<=';
  const variable = variableOf(left);
  if (variable !== undefined) {
    return { variable, intervals: [below ? node.interval(minusInfinity, right, false, closed) : node.interval(right, infinity, closed, false)] };
  }
  if (left.kind === 'func' && left.name === 'abs' && left.args.length === 1) {
    const inner = variableOf(left.args[0]!);
    if (inner === undefined) return undefined;
    const negated = node.mul(node.number(BigRational.of(-1)), right);
    return {
      variable: inner,
      intervals: below
        ? [node.interval(negated, right, closed, closed)]
        : [node.interval(minusInfinity, negated, false, closed), node.interval(right, infinity, closed, false)],
    };
  }
  return undefined;
}

function isScalar(value: MathNode): boolean {
  return scalarKinds.has(value.kind);
}

function compareRelations(goldInput: RelationNode, predictedInput: RelationNode, context: Context): CompareResult {
  const gold = orientRelation(goldInput);
  const predicted = orientRelation(predictedInput);
  const goldIntervals = relationToIntervals(gold);
  const predictedIntervals = relationToIntervals(predicted);
  if (goldIntervals !== undefined && predictedIntervals !== undefined) {
    if (goldIntervals.variable !== predictedIntervals.variable) return unequalResult('inequality', { reason: 'different variables' });
    return compareIntervalLists(goldIntervals.intervals, predictedIntervals.intervals, context, 'inequality');
  }
  const goldValue = assignedValue(gold);
  const predictedValue = assignedValue(predicted);
  const goldTarget = gold.operands[0]!;
  if (goldValue !== undefined && predictedValue !== undefined && (gold.operands.length > 2 || predicted.operands.length > 2 || !gold.operands.every(isScalar) || !predicted.operands.every(isScalar))) {
    if (!identical(goldTarget, predicted.operands[0]!)) return unequalResult('assignment', { reason: 'different left-hand sides' });
    return withMethod(compareValues(goldValue, predictedValue, context), 'assignment');
  }
  if (gold.operators.join() !== predicted.operators.join()) {
    return unequalResult('relation', { goldOperators: gold.operators, predictedOperators: predicted.operators });
  }
  if (gold.operators.length === 1 && gold.operands.every(isScalar) && predicted.operands.every(isScalar)) {
    const operator = gold.operators[0]!;
    return compareScaled(gold, predicted, operator === '=' || operator === '!=' ? 'any' : 'positive', context);
  }
  if (gold.operators.length === 1 && (gold.operators[0] === '=' || gold.operators[0] === '!=')) {
    const straight = compareSequences(gold.operands, predicted.operands, context, 'relation');
    if (straight.equal) return straight;
    const swapped = compareSequences(gold.operands, [...predicted.operands].reverse(), context, 'relation');
    return swapped.equal || swapped.undecidable ? swapped : straight;
  }
  return compareSequences(gold.operands, predicted.operands, context, 'relation');
}

function difference(relation: RelationNode): MathNode {
  return node.add(relation.operands[0]!, node.mul(node.number(BigRational.of(-1)), relation.operands[1]!));
}

/**
 * `a op b` against `c op d`: a-b must be a constant nonzero multiple of c-d (positive for inequalities), checked at
 * the probe points. Without variables, the operands are compared pairwise (either order for = and !=).
 */
function compareScaled(gold: RelationNode, predicted: RelationNode, factor: 'any' | 'positive', context: Context): CompareResult {
  const goldDifference = difference(gold);
  const predictedDifference = difference(predicted);
  const variables = variablesOf(goldDifference, predictedDifference, context);
  if (variables.length === 0) {
    const straight = compareSequences(gold.operands, predicted.operands, context, 'relation');
    if (straight.equal || factor === 'positive') return straight;
    const swapped = compareSequences(gold.operands, [...predicted.operands].reverse(), context, 'relation');
    return swapped.equal || swapped.undecidable ? swapped : straight;
  }
  if (overBudget(context, precisePointCount + specialValues.length, goldDifference, predictedDifference)) return undecidableResult('equation-probe', { reason: 'too costly to probe' });
  const tolerance = toleranceAt(context);
  let ratio: Complex | undefined;
  let floatRatio: FloatComplex | undefined;
  let valid = 0;
  let zeroBoth = 0;
  const points = probePoints(variables, context);
  for (const [index, point] of points.entries()) {
    if (index >= precisePointCount && floatRatio !== undefined) {
      const goldFloat = evaluateFloat(goldDifference, point.floats, context.goldUnits);
      const predictedFloat = evaluateFloat(predictedDifference, point.floats, context.predictedUnits);
      if (floatRatioAgrees(goldFloat, predictedFloat, floatRatio)) {
        if (!point.special) valid += 1;
        continue;
      }
    }
    const goldValue = evaluateNumeric(goldDifference, { precision: context.precision, scope: point.scope, imaginaryUnits: context.goldUnits });
    const predictedValue = evaluateNumeric(predictedDifference, { precision: context.precision, scope: point.scope, imaginaryUnits: context.predictedUnits });
    if (!goldValue.ok || !predictedValue.ok) {
      const unsupported = [goldValue, predictedValue].find((result): result is NumericResult & { ok: false } => !result.ok && result.kind === 'unsupported');
      if (unsupported !== undefined) return undecidableResult('equation-probe', { reason: unsupported.reason });
      continue;
    }
    if (!point.special) valid += 1;
    const goldZero = isNegligible(goldValue.value, goldValue.scale, tolerance);
    const predictedZero = isNegligible(predictedValue.value, predictedValue.scale, tolerance);
    if (goldZero || predictedZero) {
      if (goldZero !== predictedZero) return unequalResult('equation-probe', { reason: 'one side vanishes where the other does not', point: describePoint(point.scope) });
      zeroBoth += 1;
      continue;
    }
    const current = divideComplex(predictedValue.value, goldValue.value);
    const slack = tolerance
      .times(goldValue.scale.div(magnitude(goldValue.value)).plus(predictedValue.scale.div(magnitude(predictedValue.value))))
      .times(4);
    if (ratio === undefined) {
      ratio = current;
      floatRatio = [current.re.toNumber(), current.im.toNumber()];
      if (factor === 'positive' && (!current.im.abs().lte(slack.times(magnitude(current))) || current.re.lte(0))) {
        return unequalResult('inequality-probe', { reason: 'the factor is not a positive constant' });
      }
    } else if (!magnitude(subtractComplex(current, ratio)).lte(slack.times(magnitude(ratio)).times(2))) {
      return unequalResult('equation-probe', { reason: 'not a constant multiple', point: describePoint(point.scope) });
    }
  }
  const details = { points: points.length, validPoints: valid, precision: context.precision, tolerance: tolerance.toExponential(0), variables, seed: context.seed };
  if (ratio === undefined) return unequalResult('equation-probe', { ...details, reason: 'both sides vanish identically' });
  if (valid < minimumValidPoints) return undecidableResult('equation-probe', { ...details, reason: 'too few valid points' });
  if (context.precisionCapped) return undecidableResult('equation-probe', { ...details, reason: 'magnitudes exceed the working precision' });
  return equalResult('equation-probe', { ...details, factor: ratio.re.toSignificantDigits(12).toString(), zeroPoints: zeroBoth }, true);
}

function divideComplex(a: Complex, b: Complex): Complex {
  const denominator = b.re.times(b.re).plus(b.im.times(b.im));
  return { re: a.re.times(b.re).plus(a.im.times(b.im)).div(denominator), im: a.im.times(b.re).minus(a.re.times(b.im)).div(denominator) };
}

function subtractComplex(a: Complex, b: Complex): Complex {
  return { re: a.re.minus(b.re), im: a.im.minus(b.im) };
}

function isNegligible(value: Complex, scale: Decimal, tolerance: Decimal): boolean {
  return magnitude(value).lte(tolerance.times(scale));
}

function toleranceAt(context: Context): Decimal {
  const D = decimalAt(context.precision);
  return new D(10).pow(-(context.precision - precisionSlack));
}

function isPercent(value: MathNode): boolean {
  return value.kind === 'number' && Boolean(value.percent);
}

/** A finite decimal literal as written (`0.333`, `-2.5`): the only form that permits tolerance. */
function isDecimalLiteral(value: MathNode): boolean {
  if (value.kind === 'number') return Boolean(value.decimal);
  if (value.kind === 'mul' && value.factors.length === 2) {
    const [sign, number] = value.factors as [MathNode, MathNode];
    return sign.kind === 'number' && sign.value.num === -1n && sign.value.den === 1n && isDecimalLiteral(number);
  }
  return false;
}

/** Written as an integer (not a decimal literal) and integer-valued: never compared with tolerance. */
function isExactInteger(value: MathNode, exact: BigRational | undefined): boolean {
  return exact !== undefined && exact.isInteger() && !isDecimalLiteral(value);
}

function compareScalars(gold: MathNode, predicted: MathNode, context: Context): CompareResult {
  const goldInfinity = infinitySign(gold);
  const predictedInfinity = infinitySign(predicted);
  if (goldInfinity !== 0 || predictedInfinity !== 0) {
    return goldInfinity === predictedInfinity ? equalResult('infinity') : unequalResult('infinity');
  }
  const candidates: { value: MathNode; note?: string }[] = [{ value: predicted }];
  if (context.policy.percentOptional && predicted.kind === 'number') {
    if (isPercent(gold) && !predicted.percent) {
      candidates.push({ value: node.number(predicted.value.div(BigRational.of(100)), { decimal: Boolean(predicted.decimal) }), note: 'read as a percentage' });
    }
    if (!isPercent(gold) && predicted.percent) {
      candidates.push({ value: node.number(predicted.value.mul(BigRational.of(100)), { decimal: Boolean(predicted.decimal) }), note: 'percent sign dropped' });
    }
  }
  let first: CompareResult | undefined;
  for (const candidate of candidates) {
    const result = compareScalarValues(gold, candidate.value, context);
    if (result.equal) return candidate.note === undefined ? result : { ...result, method: `percent/${result.method}`, details: { ...result.details, percent: candidate.note } };
    first ??= result;
  }
  return first!;
}

function compareScalarValues(gold: MathNode, predicted: MathNode, context: Context): CompareResult {
  const goldExact = evaluateExact(gold);
  const predictedExact = evaluateExact(predicted);
  const toleranceAllowed =
    (isDecimalLiteral(gold) || isDecimalLiteral(predicted)) && !isExactInteger(gold, goldExact) && !isExactInteger(predicted, predictedExact);
  const relativeTolerance = context.policy.relativeTolerance;
  if (goldExact !== undefined && predictedExact !== undefined) {
    if (goldExact.equals(predictedExact)) return equalResult('exact', { value: goldExact.toString() });
    if (toleranceAllowed && withinRelativeTolerance(goldExact, predictedExact, relativeTolerance) && agreeAtCoarserPlaces(gold, goldExact, predicted, predictedExact)) {
      return equalResult('decimal-tolerance', { relativeTolerance });
    }
    return unequalResult('exact', { gold: goldExact.toString(), predicted: predictedExact.toString() });
  }
  const variables = variablesOf(gold, predicted, context);
  if (variables.length === 0) return compareConstants(gold, predicted, toleranceAllowed, context);
  return probe(gold, predicted, variables, context);
}

/**
 * Two decimal literals must also agree at the places of the coarser one (within half its last unit): 123456.8 is not
 * 123456.7 though they differ by less than 1e-6 relative, while 123456.70001 is. One literal alone keeps the relative
 * tolerance only (it may be a truncation of an exact value).
 */
function agreeAtCoarserPlaces(gold: MathNode, goldExact: BigRational, predicted: MathNode, predictedExact: BigRational): boolean {
  if (!isDecimalLiteral(gold) || !isDecimalLiteral(predicted)) return true;
  const places = Math.min(decimalPlaces(goldExact), decimalPlaces(predictedExact));
  const halfUnit = BigRational.of(1n, 2n * 10n ** BigInt(places));
  return goldExact.sub(predictedExact).abs().compare(halfUnit) < 0;
}

/** Places after the point of a finite decimal value (trailing zeros, already reduced away, do not count). */
function decimalPlaces(value: BigRational): number {
  let den = value.den;
  let twos = 0;
  let fives = 0;
  while (den % 2n === 0n) {
    den /= 2n;
    twos += 1;
  }
  while (den % 5n === 0n) {
    den /= 5n;
    fives += 1;
  }
  return Math.max(twos, fives);
}

function withinRelativeTolerance(a: BigRational, b: BigRational, tolerance: number): boolean {
  const bound = BigRational.parseDecimal(tolerance.toString()) ?? BigRational.zero;
  const largest = a.abs().compare(b.abs()) >= 0 ? a.abs() : b.abs();
  return a.sub(b).abs().compare(bound.mul(largest)) <= 0;
}

/** Variable-free expressions evaluated at the working precision; a decimal literal side allows the policy tolerance. */
function compareConstants(gold: MathNode, predicted: MathNode, toleranceAllowed: boolean, context: Context): CompareResult {
  if (overBudget(context, 1, gold, predicted)) return undecidableResult('numeric', { reason: 'too costly to evaluate' });
  const goldValue = evaluateNumeric(gold, { precision: context.precision, imaginaryUnits: context.goldUnits });
  if (!goldValue.ok) return undecidableResult('numeric', { reason: `gold: ${goldValue.reason}` });
  const predictedValue = evaluateNumeric(predicted, { precision: context.precision, imaginaryUnits: context.predictedUnits });
  if (!predictedValue.ok) {
    return predictedValue.kind === 'undefined'
      ? unequalResult('numeric', { reason: `predicted: ${predictedValue.reason}` })
      : undecidableResult('numeric', { reason: `predicted: ${predictedValue.reason}` });
  }
  const details = { precision: context.precision };
  if (toleranceAllowed) {
    const D = decimalAt(context.precision);
    const bound = new D(context.policy.relativeTolerance).times(larger(magnitude(goldValue.value), magnitude(predictedValue.value)));
    const close = magnitude(subtractComplex(goldValue.value, predictedValue.value)).lte(bound);
    return close ? equalResult('decimal-tolerance', { ...details, relativeTolerance: context.policy.relativeTolerance }) : unequalResult('decimal-tolerance', details);
  }
  const agree = agrees(goldValue, predictedValue, toleranceAt(context));
  if (!agree) return unequalResult('numeric', { ...details, gold: render(goldValue.value), predicted: render(predictedValue.value) });
  if (context.precisionCapped) return undecidableResult('numeric', { ...details, reason: 'magnitudes exceed the working precision' });
  return equalResult('numeric', { ...details, tolerance: toleranceAt(context).toExponential(0) }, true);
}

function larger(a: Decimal, b: Decimal): Decimal {
  return a.gte(b) ? a : b;
}

function agrees(a: NumericResult & { ok: true }, b: NumericResult & { ok: true }, tolerance: Decimal): boolean {
  const scale = larger(larger(a.scale, b.scale), larger(magnitude(a.value), magnitude(b.value)));
  return magnitude(subtractComplex(a.value, b.value)).lte(tolerance.times(scale));
}

function render(value: Complex): string {
  const re = value.re.toSignificantDigits(12).toString();
  return value.im.isZero() ? re : `${re} + ${value.im.toSignificantDigits(12).toString()}i`;
}

interface ProbePoint {
  readonly scope: ReadonlyMap<string, Complex>;
  readonly floats: ReadonlyMap<string, FloatComplex>;
  readonly special: boolean;
}

const pointCache = new Map<string, ProbePoint[]>();
const pointCacheLimit = 256;

/** mulberry32: a small seeded generator, so the same seed gives the same points. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = state;
    mixed = Math.imul(mixed ^ (mixed >>> 15), mixed | 1);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296;
  };
}

const specialValues = [0, 1, -1, 2];

/**
 * Random points (positive and negative fractions, complex numbers with both parts nonzero) and small-integer points
 * where removable singularities sit; the latter never count toward the valid-point minimum.
 */
function probePoints(variables: readonly string[], context: Context): ProbePoint[] {
  const key = `${context.seed}:${context.precision}:${variables.join(',')}`;
  const cached = pointCache.get(key);
  if (cached !== undefined) return cached;
  const points = generateProbePoints(variables, context);
  if (pointCache.size >= pointCacheLimit) pointCache.clear();
  pointCache.set(key, points);
  return points;
}

function generateProbePoints(variables: readonly string[], context: Context): ProbePoint[] {
  const random = seededRandom(context.seed);
  const points: ProbePoint[] = [];
  for (let index = 0; index < probePointCount; index += 1) {
    const floats = new Map<string, FloatComplex>();
    for (const variable of variables) {
      const kind = index % 4;
      const size = 0.1 + 3 * random();
      if (kind === 3) floats.set(variable, [4 * random() - 2, (random() < 0.5 ? -1 : 1) * (0.1 + 2 * random())]);
      else floats.set(variable, [kind === 2 ? -size : size, 0]);
    }
    const scope = new Map([...floats].map(([name, [re, im]]) => [name, complexAt(context.precision, re, im)] as const));
    points.push({ scope, floats, special: false });
  }
  for (let index = 0; index < specialValues.length; index += 1) {
    const floats = new Map<string, FloatComplex>(variables.map((variable, position) => [variable, [specialValues[(index + position) % specialValues.length]!, 0]]));
    const scope = new Map([...floats].map(([name, [re, im]]) => [name, complexAt(context.precision, re, im)] as const));
    points.push({ scope, floats, special: true });
  }
  return points;
}

/** predicted/gold in doubles is clearly the established constant (both sides clearly nonzero). */
function floatRatioAgrees(gold: FloatResult, predicted: FloatResult, ratio: FloatComplex): boolean {
  if (!gold.ok || !predicted.ok) return false;
  const goldSize = Math.hypot(gold.value[0], gold.value[1]);
  const predictedSize = Math.hypot(predicted.value[0], predicted.value[1]);
  if (!(goldSize > floatAgreement * gold.scale) || !(predictedSize > floatAgreement * predicted.scale)) return false;
  const denominator = gold.value[0] * gold.value[0] + gold.value[1] * gold.value[1];
  const re = (predicted.value[0] * gold.value[0] + predicted.value[1] * gold.value[1]) / denominator;
  const im = (predicted.value[1] * gold.value[0] - predicted.value[0] * gold.value[1]) / denominator;
  const slack = floatAgreement * (1 + gold.scale / goldSize + predicted.scale / predictedSize);
  return Math.hypot(re - ratio[0], im - ratio[1]) <= slack * Math.hypot(ratio[0], ratio[1]);
}

function floatsAgree(a: FloatResult, b: FloatResult): boolean {
  if (!a.ok || !b.ok) return false;
  const scale = Math.max(a.scale, b.scale);
  return Math.max(Math.abs(a.value[0] - b.value[0]), Math.abs(a.value[1] - b.value[1])) <= floatAgreement * scale;
}

function describePoint(scope: ReadonlyMap<string, Complex>): string {
  return [...scope].map(([name, value]) => `${name}=${render(value)}`).join(', ');
}

/**
 * Symbolic equivalence by evaluation at the probe points: every point where both sides are defined must agree to
 * within 10^-(precision - 15) of the largest magnitude met, and at least `minimumValidPoints` random points must be
 * valid. A point where only one side is defined fails unless removable singularities are accepted.
 */
function probe(gold: MathNode, predicted: MathNode, variables: readonly string[], context: Context): CompareResult {
  if (overBudget(context, precisePointCount + specialValues.length, gold, predicted)) return undecidableResult('probe', { reason: 'too costly to probe' });
  const tolerance = toleranceAt(context);
  const points = probePoints(variables, context);
  let valid = 0;
  let skipped = 0;
  let precise = 0;
  const details = (): Record<string, unknown> => ({
    points: points.length,
    validPoints: valid,
    precisePoints: precise,
    skippedPoints: skipped,
    precision: context.precision,
    tolerance: tolerance.toExponential(0),
    variables,
    seed: context.seed,
  });
  for (const [index, point] of points.entries()) {
    if (index >= precisePointCount) {
      const goldFloat = evaluateFloat(gold, point.floats, context.goldUnits);
      const predictedFloat = evaluateFloat(predicted, point.floats, context.predictedUnits);
      if (floatsAgree(goldFloat, predictedFloat)) {
        valid += 1;
        continue;
      }
    }
    precise += 1;
    const goldValue = evaluateNumeric(gold, { precision: context.precision, scope: point.scope, imaginaryUnits: context.goldUnits });
    const predictedValue = evaluateNumeric(predicted, { precision: context.precision, scope: point.scope, imaginaryUnits: context.predictedUnits });
    if (!goldValue.ok || !predictedValue.ok) {
      const unsupported = [goldValue, predictedValue].find((result): result is NumericResult & { ok: false } => !result.ok && result.kind === 'unsupported');
      if (unsupported !== undefined) return undecidableResult('probe', { ...details(), reason: unsupported.reason });
      if (goldValue.ok !== predictedValue.ok && !context.policy.removableSingularities) {
        return unequalResult('probe', { ...details(), reason: 'defined on one side only', point: describePoint(point.scope) });
      }
      skipped += 1;
      continue;
    }
    if (!agrees(goldValue, predictedValue, tolerance)) {
      return unequalResult('probe', { ...details(), point: describePoint(point.scope), goldValue: render(goldValue.value), predictedValue: render(predictedValue.value) });
    }
    if (!point.special) valid += 1;
  }
  if (valid < minimumValidPoints) return undecidableResult('probe', { ...details(), reason: 'too few valid points' });
  if (context.precisionCapped) return undecidableResult('probe', { ...details(), reason: 'magnitudes exceed the working precision' });
  return equalResult('probe', details(), true);
}
