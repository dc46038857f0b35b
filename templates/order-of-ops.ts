import { z } from 'zod';
import type { Rng } from './rng.js';
import {
  EmptySpaceError,
  productSize,
  type MathItem,
  type Mistake,
  type MistakeKind,
  type QuestionSpace,
  locateBlock,
  type Stratum,
  type Template,
  requireOrderedRanges,
} from './template.js';

/** Options of the order-of-operations family. */
export const OrderOfOpsConfig = z
  .object({
    minTerms: z.number().int().min(2).max(6).default(2).describe('fewest numbers in an expression'),
    maxTerms: z.number().int().min(2).max(6).default(4).describe('most numbers in an expression'),
    maxDepth: z.number().int().min(0).max(4).default(2).describe('deepest nesting of parentheses (0: none)'),
    minOperand: z.number().int().min(0).max(1000).default(1).describe('smallest operand (a dividend is built as divisor × quotient)'),
    maxOperand: z.number().int().min(0).max(1000).default(12).describe('largest operand, divisor and quotient'),
    operators: z
      .string()
      .regex(/^[-+*/]+$/, 'use only the characters + - * /')
      .default('+-*/')
      .describe('operators to use, e.g. "+-*"; a division always comes out exact'),
  })
  .strict();
export type OrderOfOpsConfig = z.infer<typeof OrderOfOpsConfig>;

type Operator = '+' | '-' | '*' | '/';

const OPEN = -1;
const CLOSE = -2;
/** Operator slot i is token OPERATOR + i; leaves are tokens 0..terms-1. */
const OPERATOR = 100;

/**
 * Where the parentheses go over `terms` numbers: a set of distinct, properly nested groups, each spanning at least
 * two numbers and never the whole expression. The text shows every group, so the text names the shape.
 */
interface Shape {
  readonly terms: number;
  readonly depth: number;
  /** Tokens in reading order: OPEN, CLOSE, leaf index, or OPERATOR + slot. */
  readonly tokens: readonly number[];
  /** The same tokens without parentheses, for the "ignored the parentheses" mistake. */
  readonly flatTokens: readonly number[];
}

const shapeCache = new Map<number, Shape[]>();

/** Every parenthesisation of `terms` numbers, in a fixed order. */
function shapesFor(terms: number): Shape[] {
  const cached = shapeCache.get(terms);
  if (cached) return cached;
  const intervals: [number, number][] = [];
  for (let first = 0; first < terms; first += 1) {
    for (let last = first + 1; last < terms; last += 1) if (first !== 0 || last !== terms - 1) intervals.push([first, last]);
  }
  const nested = (x: [number, number], y: [number, number]) =>
    x[1] < y[0] || y[1] < x[0] || (x[0] <= y[0] && y[1] <= x[1]) || (y[0] <= x[0] && x[1] <= y[1]);
  const shapes: Shape[] = [];
  const chosen: [number, number][] = [];
  const visit = (next: number) => {
    if (next === intervals.length) {
      shapes.push(shapeOf(terms, chosen));
      return;
    }
    visit(next + 1);
    const interval = intervals[next] as [number, number];
    if (chosen.every((other) => nested(other, interval))) {
      chosen.push(interval);
      visit(next + 1);
      chosen.pop();
    }
  };
  visit(0);
  shapeCache.set(terms, shapes);
  return shapes;
}

function shapeOf(terms: number, groups: readonly [number, number][]): Shape {
  const tokens: number[] = [];
  let depth = 0;
  for (let term = 0; term < terms; term += 1) {
    for (const group of groups) if (group[0] === term) tokens.push(OPEN);
    tokens.push(term);
    for (const group of groups) if (group[1] === term) tokens.push(CLOSE);
    if (term < terms - 1) tokens.push(OPERATOR + term);
  }
  for (const group of groups) {
    const around = groups.filter((other) => other[0] <= group[0] && group[1] <= other[1]).length;
    depth = Math.max(depth, around);
  }
  return { terms, depth, tokens, flatTokens: tokens.filter((token) => token !== OPEN && token !== CLOSE) };
}

/** A node of a parsed expression: a number (operator undefined) or an operation on two nodes. */
class Node {
  constructor(
    readonly operator: Operator | undefined,
    readonly left: Node | undefined,
    readonly right: Node | undefined,
    /** NaN when a division is not exact or a value leaves the safe integers (only in a mistaken reading). */
    readonly value: number,
    /** Leaf index for a number, operator slot for an operation: left-to-right position either way. */
    readonly position: number,
    readonly parenDepth: number,
    public grouped: boolean,
  ) {}
}

function apply(operator: Operator, a: number, b: number): number {
  let value: number;
  switch (operator) {
    case '+':
      value = a + b;
      break;
    case '-':
      value = a - b;
      break;
    case '*':
      value = a * b;
      break;
    case '/':
      value = b !== 0 && a % b === 0 ? a / b : Number.NaN;
      break;
  }
  return Number.isSafeInteger(value) ? value : Number.NaN;
}

/** Recursive descent over a shape's tokens: with precedence (* / before + -) or strictly left to right. */
class Parser {
  private cursor = 0;

  constructor(
    private readonly tokens: readonly number[],
    private readonly operators: readonly Operator[],
    private readonly values: readonly number[],
    private readonly precedence: boolean,
  ) {}

  parse(): Node {
    return this.expression(0);
  }

  private expression(depth: number): Node {
    let node = this.precedence ? this.term(depth) : this.atom(depth);
    for (let token = this.tokens[this.cursor]; token !== undefined && token >= OPERATOR; token = this.tokens[this.cursor]) {
      const operator = this.operators[token - OPERATOR] as Operator;
      this.cursor += 1;
      const right = this.precedence ? this.term(depth) : this.atom(depth);
      node = new Node(operator, node, right, apply(operator, node.value, right.value), token - OPERATOR, depth, false);
    }
    return node;
  }

  private term(depth: number): Node {
    let node = this.atom(depth);
    for (let token = this.tokens[this.cursor]; token !== undefined && token >= OPERATOR; token = this.tokens[this.cursor]) {
      const operator = this.operators[token - OPERATOR] as Operator;
      if (operator !== '*' && operator !== '/') break;
      this.cursor += 1;
      const right = this.atom(depth);
      node = new Node(operator, node, right, apply(operator, node.value, right.value), token - OPERATOR, depth, false);
    }
    return node;
  }

  private atom(depth: number): Node {
    const token = this.tokens[this.cursor] as number;
    this.cursor += 1;
    if (token === OPEN) {
      const node = this.expression(depth + 1);
      this.cursor += 1; // the matching CLOSE
      node.grouped = true;
      return node;
    }
    return new Node(undefined, undefined, undefined, this.values[token] as number, token, depth, false);
  }
}

/** What each number is for: a free operand, a divisor, or a dividend built as its divisor × a quotient. */
const FREE = 0;
const DIVISOR = 1;
/** Role DIVIDEND + j: a dividend whose divisor is number j. */
const DIVIDEND = 2;

/**
 * The roles of the numbers of a parsed skeleton, packed 3 bits per number, or -1 when some division cannot be made
 * exact by construction. A division is exact when its divisor is a number and its dividend is a number or a product
 * ending in a number: that number is built as divisor × quotient, so (x × divisor × q) / divisor = x × q.
 */
function rolesOf(root: Node, terms: number): number {
  const roles = new Array<number>(terms).fill(FREE);
  let valid = true;
  const visit = (node: Node) => {
    if (node.operator === undefined) return;
    visit(node.left as Node);
    visit(node.right as Node);
    if (node.operator !== '/') return;
    const divisor = node.right as Node;
    const left = node.left as Node;
    const dividend = left.operator === undefined ? left : left.operator === '*' && left.right?.operator === undefined ? left.right : undefined;
    if (divisor.operator !== undefined || dividend === undefined) {
      valid = false;
      return;
    }
    if (roles[divisor.position] !== FREE || roles[dividend.position] !== FREE) valid = false;
    roles[divisor.position] = DIVISOR;
    roles[dividend.position] = DIVIDEND + divisor.position;
  };
  visit(root);
  if (!valid) return -1;
  let packed = 0;
  for (let term = terms - 1; term >= 0; term -= 1) packed = packed * 8 + (roles[term] as number);
  return packed;
}

/** The largest magnitude any value of the skeleton can reach, for the safe-integer check of the options. */
function boundOf(node: Node, roles: number, largest: number): number {
  if (node.operator === undefined) return (Math.floor(roles / 8 ** node.position) % 8) >= DIVIDEND ? largest * largest : largest;
  const left = boundOf(node.left as Node, roles, largest);
  const right = boundOf(node.right as Node, roles, largest);
  switch (node.operator) {
    case '+':
    case '-':
      return left + right;
    case '*':
      return left * right;
    case '/':
      return left;
  }
}

/** Skeletons (shape, operators) with the same number of terms and divisions: their operand spaces have one size. */
interface Block {
  readonly terms: number;
  readonly start: number;
  readonly size: number;
  /** Skeleton codes: shape index × operators^(terms-1) + operator code. */
  readonly skeletons: Int32Array;
  readonly roles: Int32Array;
  /** Radix of each number: free operands and quotients take any operand, divisors only nonzero ones. */
  readonly radices: readonly number[][];
}

/**
 * The share of draws expressions of `terms` numbers get, relative to the others: (terms - 1)^2. Two-number
 * expressions (a op b) exercise no order of operations and their space is tiny (576 questions by default), so they
 * are a small share (1 in 14 by default) instead of a third that repeats each question dozens of times.
 */
export function termsWeight(terms: number): number {
  return (terms - 1) ** 2;
}

class OrderOfOpsSpace implements QuestionSpace {
  readonly size: number;
  readonly strata: readonly Stratum[];
  private readonly blocks: Block[] = [];
  private readonly blockStarts: number[] = [];
  /** Per number of terms, the index range of its blocks, so that draw() gives each length its share. */
  private readonly termRanges: { start: number; size: number; terms: number }[] = [];
  private readonly termWeights: number[];
  private readonly operators: Operator[];
  readonly largestBound: number;

  constructor(private readonly config: OrderOfOpsConfig) {
    this.operators = [...new Set(config.operators.split(''))] as Operator[];
    const operandCount = config.maxOperand - config.minOperand + 1;
    const divisorCount = operandCount - (config.minOperand === 0 ? 1 : 0);
    const ones = new Array<number>(6).fill(1);
    let start = 0;
    let largestBound = 0;
    for (let terms = config.minTerms; terms <= config.maxTerms; terms += 1) {
      const termsStart = start;
      const operatorCodes = this.operators.length ** (terms - 1);
      const byDivisions: { skeletons: number[]; roles: number[] }[] = [];
      const shapes = shapesFor(terms);
      for (let shapeIndex = 0; shapeIndex < shapes.length; shapeIndex += 1) {
        const shape = shapes[shapeIndex] as Shape;
        if (shape.depth > config.maxDepth) continue;
        for (let code = 0; code < operatorCodes; code += 1) {
          const operators = this.decodeOperators(code, terms);
          const root = new Parser(shape.tokens, operators, ones, true).parse();
          const roles = rolesOf(root, terms);
          if (roles < 0) continue;
          const divisions = operators.filter((operator) => operator === '/').length;
          if (divisions > 0 && divisorCount === 0) continue;
          largestBound = Math.max(largestBound, boundOf(root, roles, Math.max(config.maxOperand, 1)));
          const list = (byDivisions[divisions] ??= { skeletons: [], roles: [] });
          list.skeletons.push(shapeIndex * operatorCodes + code);
          list.roles.push(roles);
        }
      }
      for (const list of byDivisions) {
        if (!list) continue;
        const radices = list.roles.map((roles) => {
          const perTerm: number[] = [];
          for (let term = 0; term < terms; term += 1) perTerm.push((Math.floor(roles / 8 ** term) % 8) === DIVISOR ? divisorCount : operandCount);
          return perTerm;
        });
        const size = productSize([list.skeletons.length, ...(radices[0] as number[])]);
        this.blocks.push({ terms, start, size, skeletons: Int32Array.from(list.skeletons), roles: Int32Array.from(list.roles), radices });
        this.blockStarts.push(start);
        start = productSize([start + size]);
      }
      if (start > termsStart) this.termRanges.push({ start: termsStart, size: start - termsStart, terms });
    }
    this.size = start;
    this.largestBound = largestBound;
    this.termWeights = this.termRanges.map((range) => termsWeight(range.terms));
    this.strata = this.termRanges.map((range, index) => ({ size: range.size, weight: this.termWeights[index] as number }));
  }

  private decodeOperators(code: number, terms: number): Operator[] {
    const operators: Operator[] = [];
    for (let slot = 0; slot < terms - 1; slot += 1) {
      operators.push(this.operators[code % this.operators.length] as Operator);
      code = Math.floor(code / this.operators.length);
    }
    return operators;
  }

  /** A number of terms by `termsWeight`, then uniform inside. */
  draw(rng: Rng): number {
    const range = this.termRanges[rng.weighted(this.termWeights)] as { start: number; size: number };
    return range.start + rng.below(range.size);
  }

  factKey(index: number): string {
    return this.item(index).factKey;
  }

  item(index: number): MathItem {
    const block = this.blocks[locateBlock(this.blockStarts, index)] as Block;
    const offset = index - block.start;
    const count = block.skeletons.length;
    const which = offset % count;
    let rest = Math.floor(offset / count);
    const { terms } = block;
    const skeleton = block.skeletons[which] as number;
    const operatorCodes = this.operators.length ** (terms - 1);
    const shape = shapesFor(terms)[Math.floor(skeleton / operatorCodes)] as Shape;
    const operators = this.decodeOperators(skeleton % operatorCodes, terms);
    const roles = block.roles[which] as number;
    const radices = block.radices[which] as number[];
    const { minOperand } = this.config;
    const values: number[] = [];
    for (let term = 0; term < terms; term += 1) {
      const radix = radices[term] as number;
      const digit = rest % radix;
      rest = Math.floor(rest / radix);
      const role = Math.floor(roles / 8 ** term) % 8;
      values.push(role === DIVISOR && minOperand === 0 ? digit + 1 : minOperand + digit);
    }
    for (let term = 0; term < terms; term += 1) {
      const role = Math.floor(roles / 8 ** term) % 8;
      if (role >= DIVIDEND) values[term] = (values[term] as number) * (values[role - DIVIDEND] as number);
    }
    return new OrderOfOpsItem(shape, operators, values);
  }
}

const verbs: Record<Operator, string> = { '+': 'add', '-': 'subtract', '*': 'multiply', '/': 'divide' };

/** A value as written inside an expression: negatives in parentheses. */
function shown(value: number): string {
  return value < 0 ? `(${value})` : String(value);
}

/** How a solution reads the expression: rightly, or with a classic slip. */
type Route = 'right' | 'left-to-right' | 'no-parentheses' | 'misread';

/** One expression question; a class because millions are made per second. */
class OrderOfOpsItem implements MathItem {
  readonly question: string;
  readonly answer: string;
  readonly difficulty: number;
  private readonly root: Node;
  private readonly expression: string;

  constructor(
    private readonly shape: Shape,
    private readonly operators: readonly Operator[],
    private readonly values: readonly number[],
  ) {
    this.root = new Parser(shape.tokens, operators, values, true).parse();
    let text = '';
    for (const token of shape.tokens) {
      if (token === OPEN) text += '(';
      else if (token === CLOSE) text += ')';
      else if (token >= OPERATOR) text += ` ${operators[token - OPERATOR]} `;
      else text += String(values[token]);
    }
    this.expression = text;
    this.question = `${text} = ?`;
    this.answer = String(this.root.value);
    this.difficulty = shape.terms - 1 + shape.depth;
  }

  // Built on demand: most output formats never read them.
  get fact(): string {
    return `${this.expression} = ${this.answer}`;
  }

  get factKey(): string {
    return canonicalExpression(this.root);
  }

  get meta(): Readonly<Record<string, unknown>> {
    return { terms: this.shape.terms, depth: this.shape.depth, operators: this.operators.join('') };
  }

  solution(answer: string): string {
    return this.solutionBy('right', answer);
  }

  /** Worked steps of a route ending in `answer`; a misread route also names the slot and the operator read. */
  solutionBy(route: Route, answer: string, slot = 0, misread: Operator = '+'): string {
    let root = this.root;
    let precedence = true;
    let intro = '';
    if (route === 'left-to-right') {
      root = new Parser(this.shape.tokens, this.operators, this.values, false).parse();
      precedence = false;
      intro = 'Work from left to right. ';
    } else if (route === 'no-parentheses') {
      root = new Parser(this.shape.flatTokens, this.operators, this.values, true).parse();
      intro = `Drop the parentheses: ${this.expression.replace(/[()]/g, '')}. `;
    } else if (route === 'misread') {
      const operators = this.operators.map((operator, index) => (index === slot ? misread : operator));
      root = new Parser(this.shape.tokens, operators, this.values, true).parse();
      intro = `Read the expression as ${render(root, new Set())}. `;
    }
    return `${intro}${steps(root, precedence, answer)} The answer is ${answer}.`;
  }

  mistakes(rng: Rng): Mistake[] {
    const value = this.root.value;
    const mistakes: OrderOfOpsMistake[] = [];
    this.offer(mistakes, 'off-by-one', value + (rng.chance(0.5) ? 1 : -1), 'right');
    const hasGroups = this.shape.depth > 0;
    if (this.operators.length > 1) {
      this.offer(mistakes, 'ignored-precedence', new Parser(this.shape.tokens, this.operators, this.values, false).parse().value, 'left-to-right');
    }
    if (hasGroups) {
      this.offer(mistakes, 'ignored-parentheses', new Parser(this.shape.flatTokens, this.operators, this.values, true).parse().value, 'no-parentheses');
    }
    if (this.operators.includes('-')) this.offer(mistakes, 'sign-flip', -value, 'right');
    const slot = rng.below(this.operators.length);
    const original = this.operators[slot] as Operator;
    const misread: Operator = original === '+' ? '-' : original === '-' ? '+' : original === '*' ? '+' : '*';
    const operators = this.operators.map((operator, index) => (index === slot ? misread : operator));
    const misreadValue = new Parser(this.shape.tokens, operators, this.values, true).parse().value;
    this.offer(mistakes, 'wrong-operation', misreadValue, 'misread', slot, misread);
    return mistakes;
  }

  private offer(mistakes: OrderOfOpsMistake[], kind: MistakeKind, value: number, route: Route, slot = 0, misread: Operator = '+'): void {
    if (!Number.isSafeInteger(value) || value === this.root.value) return;
    const answer = String(value);
    for (const mistake of mistakes) if (mistake.answer === answer) return;
    mistakes.push(new OrderOfOpsMistake(kind, answer, this, route, slot, misread));
  }
}

/** A wrong answer whose worked solution is rendered only when asked for (most are never shown). */
class OrderOfOpsMistake implements Mistake {
  constructor(
    readonly kind: MistakeKind,
    readonly answer: string,
    private readonly item: OrderOfOpsItem,
    private readonly route: Route,
    private readonly slot: number,
    private readonly misread: Operator,
  ) {}

  get solution(): string {
    return this.item.solutionBy(this.route, this.answer, this.slot, this.misread);
  }
}

/** The expression with the operations in `done` replaced by their values. */
function render(node: Node, done: ReadonlySet<Node>): string {
  if (node.operator === undefined || done.has(node)) return shown(node.value);
  const text = `${render(node.left as Node, done)} ${node.operator} ${render(node.right as Node, done)}`;
  return node.grouped ? `(${text})` : text;
}

/**
 * One sentence per operation, innermost parentheses first, then (with precedence) * and / before + and -, each level
 * left to right; the last operation's result is `answer`.
 */
function steps(root: Node, precedence: boolean, answer: string): string {
  const operations: Node[] = [];
  collectOperations(root, operations);
  const done = new Set<Node>();
  let text = '';
  while (done.size < operations.length) {
    let next: Node | undefined;
    let nextRank = -1;
    for (const node of operations) {
      if (done.has(node) || !isReady(node, done)) continue;
      const rank = rankOf(node, precedence);
      if (rank > nextRank || (rank === nextRank && node.position < (next as Node).position)) {
        next = node;
        nextRank = rank;
      }
    }
    const node = next as Node;
    done.add(node);
    const verb = verbs[node.operator as Operator];
    const lead = node.parenDepth > 0 ? `Inside the parentheses, ${verb}` : `${verb[0]?.toUpperCase()}${verb.slice(1)}`;
    const operation = `${shown((node.left as Node).value)} ${node.operator} ${shown((node.right as Node).value)}`;
    if (text !== '') text += ' ';
    text +=
      done.size === operations.length ? `${lead}: ${operation} = ${answer}.` : `${lead}: ${operation} = ${node.value}, leaving ${render(root, done)}.`;
  }
  return text;
}

/**
 * The expression up to the order of + and × operands and redundant parentheses: a sum is the sorted list of its
 * signed terms, a product the sorted lists of its factors above and below the line. 3 + 4 × 5, (5 × 4) + 3 and
 * 4 × 5 + 3 are one fact; 3 - (4 - 5) and 3 + 5 - 4 are one too, since they add the same signed numbers.
 */
function canonicalExpression(node: Node): string {
  if (node.operator === undefined) return String(node.value);
  if (node.operator === '+' || node.operator === '-') {
    const terms: string[] = [];
    collectTerms(node, true, terms);
    return `(${terms.sort().join(' ')})`;
  }
  const above: string[] = [];
  const below: string[] = [];
  collectFactors(node, above, below);
  return `[${above.sort().join(' ')} / ${below.sort().join(' ')}]`;
}

function collectTerms(node: Node, positive: boolean, into: string[]): void {
  if (node.operator === '+' || node.operator === '-') {
    collectTerms(node.left as Node, positive, into);
    collectTerms(node.right as Node, node.operator === '+' ? positive : !positive, into);
  } else {
    into.push(`${positive ? '+' : '-'}${canonicalExpression(node)}`);
  }
}

function collectFactors(node: Node, above: string[], below: string[]): void {
  if (node.operator === '*' || node.operator === '/') {
    collectFactors(node.left as Node, above, below);
    if (node.operator === '*') collectFactors(node.right as Node, above, below);
    else collectFactors(node.right as Node, below, above);
  } else {
    above.push(canonicalExpression(node));
  }
}

/** The operations under `node`, children before parents. */
function collectOperations(node: Node, into: Node[]): void {
  if (node.operator === undefined) return;
  collectOperations(node.left as Node, into);
  collectOperations(node.right as Node, into);
  into.push(node);
}

function isReady(node: Node, done: ReadonlySet<Node>): boolean {
  const { left, right } = node as { left: Node; right: Node };
  return (left.operator === undefined || done.has(left)) && (right.operator === undefined || done.has(right));
}

/** Deeper parentheses first, then (with precedence) * and / before + and -. */
function rankOf(node: Node, precedence: boolean): number {
  return node.parenDepth * 100 + (precedence && (node.operator === '*' || node.operator === '/') ? 10 : 0);
}

/** Integer expressions with parentheses where the order of operations decides the value. */
export const orderOfOps: Template<OrderOfOpsConfig> = {
  name: 'order-of-ops',
  description: 'integer expressions with + - * / and nested parentheses, e.g. 3 + 4 * (5 - 2) = ?; divisions are exact',
  config: OrderOfOpsConfig,
  distinctQuestion: 'expression text (reordered or regrouped expressions of one computation are held out together)',
  testAnswers: 'number',
  space(config) {
    requireOrderedRanges('order-of-ops', config, ['terms', 'operand']);
    const space = new OrderOfOpsSpace(config);
    if (space.largestBound > Number.MAX_SAFE_INTEGER) {
      throw new EmptySpaceError(
        'order-of-ops',
        `--max-operand ${config.maxOperand} with --max-terms ${config.maxTerms} can reach ${space.largestBound.toExponential(1)}, ` +
          'beyond exact integers (2^53); lower one of them',
      );
    }
    if (space.size === 0) {
      throw new EmptySpaceError(
        'order-of-ops',
        config.maxOperand === 0
          ? `--operators ${config.operators} with --max-operand 0 has no nonzero divisor`
          : `--operators ${config.operators} makes no exact expression with ${config.minTerms} to ${config.maxTerms} terms ` +
              '(each division needs a plain number after it, and a number or a product ending in one before it)',
      );
    }
    return space;
  },
};
