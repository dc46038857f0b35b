import type { BigRational } from './big-rational.js';

/**
 * The typed representation of a math answer. Parsing (parse.ts) produces it, guards (guards.ts) bound it before any
 * evaluation, comparison (compare.ts) decides equivalence on it. Plain data: it crosses worker threads as is once
 * rationals are encoded (see encode/decode in this file).
 */
export type MathNode =
  | NumberNode
  | SymbolNode
  | AddNode
  | MulNode
  | PowNode
  | FuncNode
  | RelationNode
  | TupleNode
  | SetNode
  | IntervalNode
  | UnionNode
  | MatrixNode
  | TextNode
  | ChoiceNode;

/** An exact number. `decimal` marks a finite decimal literal as written (0.333), which alone permits tolerance. */
export interface NumberNode {
  readonly kind: 'number';
  readonly value: BigRational;
  readonly decimal?: boolean;
  /** Written with a percent sign or word: `value` is already divided by 100 (25% -> 1/4). */
  readonly percent?: boolean;
}

/** A variable or constant: `x`, `pi`, `e`, `i` (imaginary unit), `infinity`. Names are normalised (\pi -> pi). */
export interface SymbolNode {
  readonly kind: 'symbol';
  readonly name: string;
}

/** A sum; subtraction is addition of a negated term. */
export interface AddNode {
  readonly kind: 'add';
  readonly terms: readonly MathNode[];
}

/** A product; division is multiplication by a power with exponent -1; negation is a factor of -1. */
export interface MulNode {
  readonly kind: 'mul';
  readonly factors: readonly MathNode[];
}

/** base^exponent; square roots are exponent 1/2, n-th roots 1/n. */
export interface PowNode {
  readonly kind: 'pow';
  readonly base: MathNode;
  readonly exponent: MathNode;
}

/**
 * A named function: sin cos tan cot sec csc arcsin arccos arctan sinh cosh tanh ln log (base 10) exp abs floor ceil factorial binom gcd lcm.
 * A log with a base is `log(x, b)` (`\log_2 8` -> log(8, 2)); `binom(n, k)`; parse.ts writes `\exp x` as e^x and
 * `\sin^{-1}` as arcsin.
 */
export interface FuncNode {
  readonly kind: 'func';
  readonly name: string;
  readonly args: readonly MathNode[];
}

export type RelationOperator = '=' | '!=' | '<' | '<=' | '>' | '>=';

/** An equation, inequality or chain: operands[0] ops[0] operands[1] ops[1] operands[2] ... */
export interface RelationNode {
  readonly kind: 'relation';
  readonly operators: readonly RelationOperator[];
  readonly operands: readonly MathNode[];
}

/** An ordered tuple or vector written with parentheses or angle brackets. `(a, b)` with finite ends parses as a tuple; an infinite end or a square bracket makes it an interval. */
export interface TupleNode {
  readonly kind: 'tuple';
  readonly items: readonly MathNode[];
}

/** An unordered set, `\{1, 2\}`, or a list of solutions joined by "and"/"or"/commas; `\emptyset` is an empty set. */
export interface SetNode {
  readonly kind: 'set';
  readonly items: readonly MathNode[];
}

/** An interval with its openness; infinite ends are symbols named `infinity` (negated for -infinity). */
export interface IntervalNode {
  readonly kind: 'interval';
  readonly left: MathNode;
  readonly right: MathNode;
  readonly leftClosed: boolean;
  readonly rightClosed: boolean;
}

/** A union of intervals and sets (`\cup`, `U`). */
export interface UnionNode {
  readonly kind: 'union';
  readonly items: readonly MathNode[];
}

/** A matrix (pmatrix, bmatrix, ...), rows of equal length; a column vector is n x 1. */
export interface MatrixNode {
  readonly kind: 'matrix';
  readonly rows: readonly (readonly MathNode[])[];
}

/** Text that is not math (`yes`, `Tuesday`, `\text{no solution}`), compared case- and space-insensitively. */
export interface TextNode {
  readonly kind: 'text';
  readonly value: string;
}

/** A multiple-choice letter, `(B)`, `\text{(C)}`, `B.`. */
export interface ChoiceNode {
  readonly kind: 'choice';
  readonly letter: string;
}

/** Constructors, so call sites read as math. */
export const node = {
  number: (value: BigRational, flags: { decimal?: boolean; percent?: boolean } = {}): NumberNode => ({
    kind: 'number',
    value,
    ...flags,
  }),
  symbol: (name: string): SymbolNode => ({ kind: 'symbol', name }),
  add: (...terms: MathNode[]): AddNode => ({ kind: 'add', terms }),
  mul: (...factors: MathNode[]): MulNode => ({ kind: 'mul', factors }),
  pow: (base: MathNode, exponent: MathNode): PowNode => ({ kind: 'pow', base, exponent }),
  func: (name: string, ...args: MathNode[]): FuncNode => ({ kind: 'func', name, args }),
  relation: (operands: MathNode[], operators: RelationOperator[]): RelationNode => ({ kind: 'relation', operands, operators }),
  tuple: (...items: MathNode[]): TupleNode => ({ kind: 'tuple', items }),
  set: (...items: MathNode[]): SetNode => ({ kind: 'set', items }),
  interval: (left: MathNode, right: MathNode, leftClosed: boolean, rightClosed: boolean): IntervalNode => ({
    kind: 'interval',
    left,
    right,
    leftClosed,
    rightClosed,
  }),
  union: (...items: MathNode[]): UnionNode => ({ kind: 'union', items }),
  matrix: (rows: MathNode[][]): MatrixNode => ({ kind: 'matrix', rows }),
  text: (value: string): TextNode => ({ kind: 'text', value }),
  choice: (letter: string): ChoiceNode => ({ kind: 'choice', letter }),
};

/** A readable, canonical rendering for details and error messages (not LaTeX). */
export function formatNode(value: MathNode): string {
  switch (value.kind) {
    case 'number':
      return value.value.toString();
    case 'symbol':
      return value.name;
    case 'add':
      return `(${value.terms.map(formatNode).join(' + ')})`;
    case 'mul':
      return `(${value.factors.map(formatNode).join(' * ')})`;
    case 'pow':
      return `${formatNode(value.base)}^${formatNode(value.exponent)}`;
    case 'func':
      return `${value.name}(${value.args.map(formatNode).join(', ')})`;
    case 'relation':
      return value.operands.map((operand, index) => (index === 0 ? formatNode(operand) : ` ${value.operators[index - 1]} ${formatNode(operand)}`)).join('');
    case 'tuple':
      return `(${value.items.map(formatNode).join(', ')})`;
    case 'set':
      return `{${value.items.map(formatNode).join(', ')}}`;
    case 'interval':
      return `${value.leftClosed ? '[' : '('}${formatNode(value.left)}, ${formatNode(value.right)}${value.rightClosed ? ']' : ')'}`;
    case 'union':
      return value.items.map(formatNode).join(' U ');
    case 'matrix':
      return `[${value.rows.map((row) => `[${row.map(formatNode).join(', ')}]`).join(', ')}]`;
    case 'text':
      return `"${value.value}"`;
    case 'choice':
      return `(${value.letter})`;
  }
}
