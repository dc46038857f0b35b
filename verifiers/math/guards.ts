import type { MathNode } from './ast.js';

/** Bounds a MathNode must respect before anything evaluates it; every check is static and costs microseconds. */
export interface GuardLimits {
  /** Most nodes in the tree (shared subtrees count once per use). */
  readonly maxNodes: number;
  /** Deepest nesting. */
  readonly maxDepth: number;
  /** Most decimal digits any exact intermediate may have (numerator plus denominator). */
  readonly maxDigits: number;
  /** Largest n for n!. */
  readonly maxFactorial: number;
  /** Largest n for binom(n, k). */
  readonly maxBinomial: number;
  /** Longest text, symbol or function name. */
  readonly maxStringLength: number;
  /** Largest |argument| of a periodic function (sin, cos, ...), where range reduction would need huge precision. */
  readonly maxPeriodicArgument: number;
}

/** 2^{100000} (30,103 digits) is refused; 2^{2024} (610 digits) passes. */
export const defaultGuardLimits: GuardLimits = {
  maxNodes: 2000,
  maxDepth: 100,
  maxDigits: 10_000,
  maxFactorial: 1000,
  maxBinomial: 10_000,
  maxStringLength: 1000,
  maxPeriodicArgument: 1e15,
};

/** Accepted: `digits` is the largest magnitude (log10 of a value or its reciprocal) a term reaches, for choosing precision. */
export type GuardResult = { ok: true; digits: number } | { ok: false; reason: string };

interface Estimate {
  /** Upper bound on the digits of an exact result (also bounds |log10 |value||); symbols count as 1. */
  readonly size: number;
  /** Like size, but a sum counts its largest term, not the common denominator: the scale numeric evaluation sees. */
  readonly scale: number;
  /** The value as a double when it is a known constant; NaN when it depends on a variable or is not real. */
  readonly approx: number;
  /** An upper bound on |value| at any probe point (variables stay below 10 in modulus); may be Infinity. */
  readonly bound: number;
}

const symbolBounds: Record<string, number> = { pi: 3.2, e: 2.8, i: 1, j: 1 };

const LOG10_2 = Math.log10(2);
const periodicFunctions = new Set(['sin', 'cos', 'tan', 'cot', 'sec', 'csc']);
const exponentialFunctions = new Set(['exp', 'sinh', 'cosh', 'tanh']);

/**
 * Static checks before any evaluation: node count, depth, power towers and huge powers (log10 of b^e estimated in
 * doubles), factorial and binomial arguments, string lengths. Iterative, so deep input cannot overflow the stack.
 */
export function checkGuards(root: MathNode, limits: GuardLimits = defaultGuardLimits): GuardResult {
  const stack: { node: MathNode; depth: number; expanded: boolean }[] = [{ node: root, depth: 1, expanded: false }];
  const results: Estimate[] = [];
  let count = 0;
  let digits = 0;
  while (stack.length > 0) {
    const entry = stack.pop()!;
    if (!entry.expanded) {
      count += 1;
      if (count > limits.maxNodes) return refuse(`more than ${limits.maxNodes} nodes`);
      if (entry.depth > limits.maxDepth) return refuse(`nested deeper than ${limits.maxDepth}`);
      const problem = checkLeafText(entry.node, limits);
      if (problem !== undefined) return refuse(problem);
      const children = childrenOf(entry.node);
      if (children === undefined) return refuse(`unknown node kind "${(entry.node as { kind: unknown }).kind}"`);
      stack.push({ node: entry.node, depth: entry.depth, expanded: true });
      for (let index = children.length - 1; index >= 0; index -= 1) stack.push({ node: children[index]!, depth: entry.depth + 1, expanded: false });
      continue;
    }
    const childCount = childrenOf(entry.node)!.length;
    const childEstimates = results.splice(results.length - childCount, childCount);
    const estimate = estimateNode(entry.node, childEstimates, limits);
    if (typeof estimate === 'string') return refuse(estimate);
    if (!(estimate.size <= limits.maxDigits)) return refuse(`an exact value would need more than ${limits.maxDigits} digits`);
    digits = Math.max(digits, estimate.scale);
    results.push(estimate);
  }
  return { ok: true, digits };
}

function refuse(reason: string): GuardResult {
  return { ok: false, reason };
}

/** Children in evaluation order, or undefined for a kind the guards do not know (refused: fail closed). */
export function childrenOf(value: MathNode): readonly MathNode[] | undefined {
  switch (value.kind) {
    case 'number':
    case 'symbol':
    case 'text':
    case 'choice':
      return [];
    case 'add':
      return value.terms;
    case 'mul':
      return value.factors;
    case 'pow':
      return [value.base, value.exponent];
    case 'func':
      return value.args;
    case 'relation':
      return value.operands;
    case 'tuple':
    case 'set':
    case 'union':
      return value.items;
    case 'interval':
      return [value.left, value.right];
    case 'matrix':
      return value.rows.flat();
    default:
      return undefined;
  }
}

function checkLeafText(value: MathNode, limits: GuardLimits): string | undefined {
  const text = value.kind === 'symbol' || value.kind === 'func' ? value.name : value.kind === 'text' ? value.value : value.kind === 'choice' ? value.letter : '';
  return text.length > limits.maxStringLength ? `a name or text longer than ${limits.maxStringLength} characters` : undefined;
}

function bigintDigits(value: bigint): number {
  const magnitude = value < 0n ? -value : value;
  if (magnitude < 2n ** 53n) return Math.max(LOG10_2, Math.log10(Number(magnitude)));
  return magnitude.toString(16).length * 4 * LOG10_2;
}

function estimateNode(value: MathNode, children: Estimate[], limits: GuardLimits): Estimate | string {
  switch (value.kind) {
    case 'number': {
      const size = bigintDigits(value.value.num) + (value.value.den === 1n ? 0 : bigintDigits(value.value.den));
      const approx = value.value.toNumber();
      return { size, scale: size, approx, bound: Math.abs(approx) };
    }
    case 'symbol':
      return { size: 1, scale: 1, approx: value.name === 'pi' ? Math.PI : value.name === 'e' ? Math.E : Number.NaN, bound: symbolBounds[value.name] ?? 10 };
    case 'add':
      return {
        size: sum(children.map((child) => child.size)) + 1,
        scale: Math.max(0, ...children.map((child) => child.scale)) + Math.log10(children.length + 1),
        approx: sum(children.map((child) => child.approx)),
        bound: sum(children.map((child) => child.bound)),
      };
    case 'mul': {
      const size = sum(children.map((child) => child.size));
      return {
        size,
        scale: size,
        approx: children.reduce((product, child) => product * child.approx, 1),
        bound: children.reduce((product, child) => product * child.bound, 1),
      };
    }
    case 'pow':
      return estimatePower(value, children[0]!, children[1]!);
    case 'func':
      return estimateFunction(value.name, children, limits);
    default: {
      const size = Math.max(0, ...children.map((child) => child.size));
      return { size, scale: Math.max(0, ...children.map((child) => child.scale)), approx: Number.NaN, bound: Number.POSITIVE_INFINITY };
    }
  }
}

function estimatePower(value: MathNode & { kind: 'pow' }, base: Estimate, exponent: Estimate): Estimate {
  // An exact p/q exponent costs |p| multiplications of the base (the q-th root never grows it).
  const exponentBound =
    value.exponent.kind === 'number'
      ? Math.abs(Number(value.exponent.value.num))
      : Number.isFinite(exponent.approx)
        ? Math.abs(exponent.approx)
        : Math.min(exponent.bound, 10 ** Math.min(exponent.size, 400));
  const size = base.size * Math.max(1, exponentBound);
  return { size, scale: size, approx: Math.pow(base.approx, exponent.approx), bound: Math.pow(Math.max(base.bound, 10), exponentBound) };
}

function estimateFunction(name: string, args: Estimate[], limits: GuardLimits): Estimate | string {
  const first = args[0] ?? { size: 1, scale: 1, approx: Number.NaN, bound: 1 };
  const argumentBound = Number.isFinite(first.approx) ? Math.abs(first.approx) : Math.min(first.bound, 10 ** Math.min(first.size, 400));
  if (name === 'factorial') {
    if (Number.isFinite(first.approx) && first.approx > limits.maxFactorial) return `factorial of more than ${limits.maxFactorial}`;
    const n = Math.min(argumentBound, limits.maxFactorial);
    const size = n * Math.log10(Math.max(n, 2)) + 1;
    return { size, scale: size, approx: Number.NaN, bound: 10 ** size };
  }
  if (name === 'binom') {
    if (Number.isFinite(first.approx) && Math.abs(first.approx) > limits.maxBinomial) return `binomial of more than ${limits.maxBinomial}`;
    const n = Math.min(argumentBound, limits.maxBinomial);
    const size = n * LOG10_2 + 1;
    return { size, scale: size, approx: Number.NaN, bound: 10 ** size };
  }
  if (periodicFunctions.has(name)) {
    if (argumentBound > limits.maxPeriodicArgument) return `${name} of an argument above ${limits.maxPeriodicArgument}`;
    return { size: first.size + 1, scale: first.scale + 1, approx: Number.NaN, bound: Math.exp(argumentBound) };
  }
  if (exponentialFunctions.has(name)) {
    const size = argumentBound / Math.LN10 + first.size + 1;
    return { size, scale: size, approx: Number.NaN, bound: Math.exp(argumentBound) };
  }
  const size = sum(args.map((argument) => argument.size)) + 1;
  const bound = name === 'ln' || name === 'log' ? Math.log(argumentBound + 1) + 4 : name === 'abs' || name === 'floor' || name === 'ceil' ? argumentBound + 1 : 10 ** size;
  return { size, scale: Math.max(0, ...args.map((argument) => argument.scale)) + 1, approx: Number.NaN, bound };
}

function sum(values: number[]): number {
  let total = 0;
  for (const value of values) total += value;
  return total;
}
