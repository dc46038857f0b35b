import { node, type MathNode, type RelationOperator } from './ast.js';
import { BigRational } from './big-rational.js';
import { normalizeAnswer } from './normalize.js';
import { defaultMathPolicy, type MathPolicy } from './policy.js';

/** The outcome of parsing one answer: the tree and the normalised text it came from, or why there is none. */
export type ParseResult = { ok: true; node: MathNode; normalized: string } | { ok: false; reason: string };

/** Longer answers are refused before any work; extracted answers are capped far below this. */
export const MAX_ANSWER_LENGTH = 10_000;
/** Deepest nesting of groups, brackets, powers, signs and function calls the parser follows. */
export const MAX_PARSE_DEPTH = 100;
/** Largest |k| folded into an exact literal in `1.5e{k}` or `1.5\times10^{k}`; larger stays a power for the guards. */
const MAX_FOLDED_EXPONENT = 1000;
/** `\pm` expands into every sign combination; more than this many alternatives is refused. */
const MAX_PLUS_MINUS_ALTERNATIVES = 16;
const PLUS_MINUS = '\u00b1';

class ParseError extends Error {}

type TokenKind = 'number' | 'letter' | 'word' | 'command' | 'text' | 'begin' | 'end' | 'punct' | 'eof';
interface Token {
  readonly kind: TokenKind;
  readonly text: string;
  /** Whitespace precedes the token (tells `2 1/2` from `21/2`). */
  readonly space: boolean;
}

const PLAIN_NAMES: Record<string, string> = {
  sin: 'sin', cos: 'cos', tan: 'tan', cot: 'cot', sec: 'sec', csc: 'csc', arcsin: 'arcsin', arccos: 'arccos',
  arctan: 'arctan', sinh: 'sinh', cosh: 'cosh', tanh: 'tanh', ln: 'ln', log: 'log', exp: 'exp', sqrt: 'sqrt', pi: 'pi',
  abs: 'abs', gcd: 'gcd', lcm: 'lcm',
};
const FUNCTIONS = new Set(['sin', 'cos', 'tan', 'cot', 'sec', 'csc', 'arcsin', 'arccos', 'arctan', 'sinh', 'cosh', 'tanh', 'ln', 'log', 'exp', 'abs', 'gcd', 'lcm', 'floor', 'ceil']);
const TRIG = new Set(['sin', 'cos', 'tan', 'cot', 'sec', 'csc', 'sinh', 'cosh', 'tanh']);
const INVERSE_TRIG: Record<string, string> = { sin: 'arcsin', cos: 'arccos', tan: 'arctan' };
const GREEK = new Set([
  'alpha', 'beta', 'gamma', 'delta', 'epsilon', 'varepsilon', 'zeta', 'eta', 'theta', 'vartheta', 'iota', 'kappa',
  'lambda', 'mu', 'nu', 'xi', 'rho', 'sigma', 'tau', 'upsilon', 'phi', 'varphi', 'chi', 'psi', 'omega', 'Gamma',
  'Delta', 'Theta', 'Lambda', 'Xi', 'Sigma', 'Phi', 'Psi', 'Omega',
]);
const RELATIONS: Record<string, RelationOperator> = { '=': '=', '<': '<', '>': '>', le: '<=', ge: '>=', ne: '!=', approx: '=', equiv: '=' };
const MATRIX_ENVIRONMENTS = new Set(['pmatrix', 'bmatrix', 'Bmatrix', 'matrix', 'smallmatrix', 'array']);
const ATOM_COMMANDS = new Set(['pi', 'infty', 'emptyset', 'frac', 'sqrt', 'binom', 'lfloor', 'lceil', 'langle', ...FUNCTIONS, ...GREEK]);
const MULTIPLY_COMMANDS = new Set(['cdot', 'times', 'ast']);

/** An answer that is just a plain number is its own normal form; parsed directly, it costs microseconds. */
const PLAIN_NUMBER = /^-?\d{1,300}(?:\.\d{1,300})?$/;
/** Whole answers that are a multiple-choice letter: `B`, `(B)`, `B)`, `B.`, `(B) 42`, `Option B`. */
const CHOICE = /^(?:(?:option|choice)\s+)?(?:\(([A-E])\)(?:\s.*)?|([A-E])[.):]?|([A-E])[.)]\s.*)$/i;
/** Another choice after the first: a second "(C)", or a letter after "and", "or", "&" or a comma. */
const SECOND_CHOICE = /\([A-E]\)|(?:\band|\bor|,|&)\s*\(?[A-E](?![A-Za-z])/;
const TEXT_WORDS = new Set([
  'yes', 'no', 'true', 'false', 'odd', 'even', 'neither', 'both', 'none', 'never', 'always', 'all', 'any', 'same',
  'undefined', 'dne', 'impossible', 'possible', 'valid', 'invalid', 'increasing', 'decreasing', 'prime', 'composite',
]);
const MATH_WORDS = new Set([...GREEK, ...FUNCTIONS, 'infty', 'sqrt', 'pi']);

/** Splits a normalised answer into tokens in one pass. */
function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let index = 0;
  let space = false;
  const push = (kind: TokenKind, value: string): void => {
    tokens.push({ kind, text: value, space });
    space = false;
  };
  const readBraced = (open: number): [string, number] => {
    let depth = 0;
    for (let position = open; position < text.length; position += 1) {
      const character = text[position];
      if (character === '\\') position += 1;
      else if (character === '{') depth += 1;
      else if (character === '}') {
        depth -= 1;
        if (depth === 0) return [text.slice(open + 1, position), position + 1];
      }
    }
    throw new ParseError('unbalanced braces');
  };
  while (index < text.length) {
    const character = text[index] ?? '';
    if (/\s/.test(character)) {
      space = true;
      index += 1;
    } else if (/[0-9.]/.test(character)) {
      const match = /^(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/.exec(text.slice(index, index + 400));
      if (!match) throw new ParseError(`unexpected "${character}"`);
      if (match[0].length === 400) throw new ParseError('number too long');
      push('number', match[0]);
      index += match[0].length;
    } else if (/[A-Za-z]/.test(character)) {
      let end = index;
      while (end < text.length && /[A-Za-z]/.test(text[end] ?? '')) end += 1;
      const run = text.slice(index, end);
      const lower = run.toLowerCase();
      if (lower === 'and' || lower === 'or') push('word', lower);
      else if (PLAIN_NAMES[run] !== undefined) push('command', PLAIN_NAMES[run]);
      else for (const letter of run) push('letter', letter);
      index = end;
    } else if (character === '\\') {
      const name = /^\\(?:[A-Za-z]+|.)/.exec(text.slice(index, index + 40))?.[0].slice(1) ?? '';
      if (name === '') throw new ParseError('dangling backslash');
      index += name.length + 1;
      if (name === 'text') {
        while (text[index] === ' ') index += 1;
        if (text[index] !== '{') throw new ParseError('\\text without braces');
        const [content, next] = readBraced(index);
        push('text', content.trim());
        index = next;
      } else if (name === 'begin' || name === 'end') {
        if (text[index] !== '{') throw new ParseError(`\\${name} without an environment`);
        const [environment, next] = readBraced(index);
        index = next;
        if (name === 'begin' && environment === 'array' && text[index] === '{') index = readBraced(index)[1];
        push(name, environment);
      } else if (name === '%') push('punct', '%');
      else if (name === 'vert' || name === 'lvert' || name === 'rvert') push('punct', '|');
      else if (name === 'lbrace' || name === 'rbrace') push('command', name === 'lbrace' ? '{' : '}');
      else if (name === 'bigcup') push('command', 'cup');
      else if (name === 'div') push('punct', '/');
      else push('command', name);
    } else {
      push('punct', character);
      index += 1;
    }
  }
  tokens.push({ kind: 'eof', text: '', space });
  return tokens;
}

const minusOne = node.number(BigRational.of(-1n));

function negate(value: MathNode): MathNode {
  if (value.kind === 'number') return { ...value, value: value.value.neg() };
  return node.mul(minusOne, value);
}

function multiply(left: MathNode, right: MathNode): MathNode {
  refuseText(left, right);
  if (left.kind === 'matrix' && isScalar(right)) return scaleMatrix(left, right);
  if (right.kind === 'matrix' && isScalar(left)) return scaleMatrix(right, left);
  const factors = [...(left.kind === 'mul' ? left.factors : [left]), ...(right.kind === 'mul' ? right.factors : [right])];
  return node.mul(...factors);
}

/** Words do not take part in arithmetic: `\text{either} 4` is not a product, and reading it as one could pass a hedge. */
function refuseText(left: MathNode, right: MathNode): void {
  if (left.kind === 'text' || right.kind === 'text') throw new ParseError('text inside an expression');
}

function isScalar(value: MathNode): boolean {
  return value.kind === 'number' || value.kind === 'symbol' || value.kind === 'add' || value.kind === 'mul' || value.kind === 'pow' || value.kind === 'func';
}

function scaleMatrix(matrix: Extract<MathNode, { kind: 'matrix' }>, scalar: MathNode): MathNode {
  const scale = (cell: MathNode): MathNode => {
    if (scalar.kind === 'number' && cell.kind === 'number' && !scalar.percent && !cell.percent) {
      return node.number(scalar.value.mul(cell.value), scalar.decimal || cell.decimal ? { decimal: true } : {});
    }
    return multiply(scalar, cell);
  };
  return node.matrix(matrix.rows.map((row) => row.map(scale)));
}

function add(left: MathNode, right: MathNode): MathNode {
  refuseText(left, right);
  return node.add(...(left.kind === 'add' ? left.terms : [left]), ...(right.kind === 'add' ? right.terms : [right]));
}

function isInfinite(value: MathNode): boolean {
  if (value.kind === 'symbol') return value.name === 'infinity';
  return value.kind === 'mul' && value.factors.length === 2 && value.factors[1]?.kind === 'symbol' && value.factors[1].name === 'infinity';
}

function integerLiteral(value: MathNode | undefined): bigint | undefined {
  return value?.kind === 'number' && !value.decimal && !value.percent && value.value.isInteger() ? value.value.num : undefined;
}

class Parser {
  private position = 0;
  private depth = 0;
  private absDepth = 0;
  private trigDepth = 0;
  private readonly jIsImaginary: boolean;

  constructor(
    private readonly tokens: Token[],
    private readonly policy: MathPolicy,
  ) {
    const letters = tokens.filter((token) => token.kind === 'letter').map((token) => token.text);
    this.jIsImaginary = policy.jIsImaginary && letters.includes('j') && !letters.includes('i');
  }

  parseAnswer(): MathNode {
    const items: MathNode[] = [this.parseExpression(0)];
    while (this.isSeparator(this.peek())) {
      this.next();
      if (this.peek().kind === 'eof') break;
      items.push(this.parseExpression(0));
    }
    if (this.peek().kind !== 'eof') throw new ParseError(`unexpected "${this.peek().text}"`);
    const alternatives = items.flatMap((item) => expandPlusMinus(item));
    if (alternatives.length === 1) return alternatives[0] as MathNode;
    return node.set(...unwrapSolutions(alternatives));
  }

  private isSeparator(token: Token): boolean {
    return (token.kind === 'punct' && (token.text === ',' || token.text === ';')) || token.kind === 'word';
  }

  private peek(offset = 0): Token {
    return this.tokens[Math.min(this.position + offset, this.tokens.length - 1)] as Token;
  }

  private next(): Token {
    const token = this.peek();
    if (this.position < this.tokens.length - 1) this.position += 1;
    return token;
  }

  private is(kind: TokenKind, text?: string, offset = 0): boolean {
    const token = this.peek(offset);
    return token.kind === kind && (text === undefined || token.text === text);
  }

  private expect(kind: TokenKind, text: string): void {
    if (!this.is(kind, text)) throw new ParseError(`expected "${text}" but found "${this.peek().text || 'end'}"`);
    this.next();
  }

  private enter(): void {
    this.depth += 1;
    if (this.depth > MAX_PARSE_DEPTH) throw new ParseError('too deep');
  }

  /** Pratt loop: binding powers 10 relations, 15 unions, 20 sums, 30 products, 50 powers, 60 postfix. */
  private parseExpression(rightPower: number, stopBeforeFunction = false): MathNode {
    this.enter();
    let left = this.parsePrefix();
    const chainOperands: MathNode[] = [];
    const chainOperators: RelationOperator[] = [];
    for (;;) {
      const token = this.peek();
      const relation = this.relationOperator(token);
      if (relation) {
        if (rightPower >= 10) break;
        this.next();
        if (relation === 'in') {
          if (left.kind !== 'symbol' || chainOperands.length > 0) throw new ParseError('\\in after something other than a variable');
          left = this.parseExpression(10);
          continue;
        }
        if (chainOperands.length === 0) chainOperands.push(left);
        chainOperators.push(relation);
        chainOperands.push(this.parseExpression(10));
        left = node.relation([...chainOperands], [...chainOperators]);
        continue;
      }
      const power = this.infixPower(token, left, stopBeforeFunction);
      if (power <= rightPower) break;
      left = this.parseInfix(left);
    }
    this.depth -= 1;
    return left;
  }

  private relationOperator(token: Token): RelationOperator | 'in' | undefined {
    if (token.kind === 'command' && token.text === 'in') return 'in';
    if (token.kind === 'punct' || token.kind === 'command') return RELATIONS[token.text];
    return undefined;
  }

  private infixPower(token: Token, left: MathNode, stopBeforeFunction: boolean): number {
    if (token.kind === 'punct') {
      switch (token.text) {
        case '+':
        case '-':
          return 20;
        case '*':
        case '/':
          return 30;
        case '^':
        case '_':
          return 50;
        case '!':
        case '%':
        case "'":
          return 60;
        case '(':
        case '{':
          return 30;
        case '|':
          return this.absDepth > 0 ? 0 : 30;
        default:
          return 0;
      }
    }
    if (token.kind === 'command') {
      if (token.text === 'pm' || token.text === 'mp') return 20;
      if (MULTIPLY_COMMANDS.has(token.text)) return 30;
      if (token.text === 'cup') return 15;
      if (stopBeforeFunction && FUNCTIONS.has(token.text)) return 0;
      return ATOM_COMMANDS.has(token.text) ? 30 : 0;
    }
    if (token.kind === 'letter' && token.text === 'U' && (left.kind === 'interval' || left.kind === 'set' || left.kind === 'union')) return 15;
    if (token.kind === 'number') return left.kind === 'number' ? 0 : 30;
    if (token.kind === 'letter' || token.kind === 'begin' || token.kind === 'text') return 30;
    return 0;
  }

  private parseInfix(left: MathNode): MathNode {
    const token = this.peek();
    if (token.kind === 'punct') {
      switch (token.text) {
        case '+':
          this.next();
          return add(left, this.parseExpression(20));
        case '-':
          this.next();
          return add(left, negate(this.parseExpression(20)));
        case '*':
          this.next();
          return multiply(left, this.parseExpression(30));
        case '/':
          this.next();
          return this.divide(left, this.parseExpression(30));
        case '^':
          this.next();
          return this.parsePower(left);
        case '_':
          this.next();
          return this.parseBaseSubscript(left);
        case '!':
          this.next();
          return node.func('factorial', left);
        case '%':
          this.next();
          return left.kind === 'number' ? { ...left, value: left.value.div(BigRational.of(100n)), percent: true } : multiply(left, node.number(BigRational.of(1n, 100n), { percent: true }));
        case "'":
          this.next();
          if (left.kind !== 'symbol') throw new ParseError('prime on an expression');
          return node.symbol(`${left.name}'`);
        default:
          return multiply(left, this.parseExpression(30));
      }
    }
    if (token.kind === 'command') {
      if (token.text === 'pm' || token.text === 'mp') {
        this.next();
        return add(left, node.func(PLUS_MINUS, this.parseExpression(20)));
      }
      if (MULTIPLY_COMMANDS.has(token.text)) {
        this.next();
        return multiply(left, this.parseExpression(30));
      }
      if (token.text === 'cup') {
        this.next();
        return this.union(left, this.parseExpression(15));
      }
    }
    if (token.kind === 'letter' && token.text === 'U') {
      this.next();
      return this.union(left, this.parseExpression(15));
    }
    return multiply(left, this.parseExpression(30));
  }

  private union(left: MathNode, right: MathNode): MathNode {
    return node.union(...(left.kind === 'union' ? left.items : [left]), ...(right.kind === 'union' ? right.items : [right]));
  }

  private divide(numerator: MathNode, denominator: MathNode): MathNode {
    const top = integerLiteral(numerator);
    const bottom = integerLiteral(denominator);
    if (top !== undefined && bottom !== undefined && bottom !== 0n) {
      const value = BigRational.of(top, bottom);
      if (this.policy.unsimplifiedFractions || (value.num === top && value.den === bottom)) return node.number(value);
    }
    const reciprocal = node.pow(denominator, minusOne);
    return numerator.kind === 'number' && !numerator.decimal && numerator.value.equals(BigRational.one) ? reciprocal : multiply(numerator, reciprocal);
  }

  /**
   * `1011_2`, `10_{8}`: an integer written in another base, read as its value (1011_2 is 11). Any other subscript on
   * an expression is unreadable: guessing its meaning could pass a wrong answer.
   */
  private parseBaseSubscript(digits: MathNode): MathNode {
    const script = this.parseScript();
    const base = script.kind === 'number' && !script.decimal && script.value.isInteger() ? script.value.num : undefined;
    if (digits.kind !== 'number' || digits.decimal || digits.percent || !digits.value.isInteger() || digits.value.num < 0n || base === undefined || base < 2n || base > 36n) {
      throw new ParseError('subscript on an expression');
    }
    let value = 0n;
    for (const digit of digits.value.num.toString()) {
      const digitValue = BigInt(digit);
      if (digitValue >= base) throw new ParseError(`digit ${digit} is not a base-${base} digit`);
      value = value * base + digitValue;
    }
    return node.number(BigRational.of(value));
  }

  private parsePower(base: MathNode): MathNode {
    if (this.is('command', 'circ')) {
      this.next();
      return this.trigDepth > 0 ? multiply(base, multiply(node.number(BigRational.of(1n, 180n)), node.symbol('pi'))) : base;
    }
    return node.pow(base, this.parseScript());
  }

  /** A superscript or subscript: a braced group, a signed atom, or one atom. */
  private parseScript(): MathNode {
    this.enter();
    let result: MathNode;
    if (this.is('punct', '{')) result = this.parseGroup();
    else if (this.is('punct', '-')) {
      this.next();
      result = negate(this.parseScript());
    } else if (this.is('punct', '+')) {
      this.next();
      result = this.parseScript();
    } else result = this.parsePrimary();
    this.depth -= 1;
    return result;
  }

  private parseGroup(): MathNode {
    this.expect('punct', '{');
    const items = [this.parseExpression(0)];
    while (this.is('punct', ',')) {
      this.next();
      items.push(this.parseExpression(0));
    }
    this.expect('punct', '}');
    return items.length === 1 ? (items[0] as MathNode) : node.set(...items);
  }

  private parsePrefix(): MathNode {
    const token = this.peek();
    if (token.kind === 'punct' && token.text === '-') {
      this.next();
      return negate(this.parseExpression(30));
    }
    if (token.kind === 'punct' && token.text === '+') {
      this.next();
      return this.parseExpression(30);
    }
    if (token.kind === 'command' && (token.text === 'pm' || token.text === 'mp')) {
      this.next();
      return node.func(PLUS_MINUS, this.parseExpression(30));
    }
    return this.parsePrimary();
  }

  private parsePrimary(): MathNode {
    this.enter();
    const result = this.parsePrimaryInner();
    this.depth -= 1;
    return result;
  }

  private parsePrimaryInner(): MathNode {
    const token = this.next();
    switch (token.kind) {
      case 'number':
        return this.parseNumber(token);
      case 'letter':
        return this.parseLetter(token);
      case 'text':
        return node.text(token.text);
      case 'begin':
        return this.parseMatrix(token.text);
      case 'command':
        return this.parseCommand(token.text);
      case 'punct':
        switch (token.text) {
          case '(':
          case '[':
            return this.parseBrackets(token.text);
          case '{':
            this.position -= 1;
            return this.parseGroup();
          case '|': {
            this.absDepth += 1;
            const inner = this.parseExpression(0);
            this.expect('punct', '|');
            this.absDepth -= 1;
            return node.func('abs', inner);
          }
          default:
            throw new ParseError(`unexpected "${token.text}"`);
        }
      default:
        throw new ParseError(token.kind === 'eof' ? 'unexpected end' : `unexpected "${token.text}"`);
    }
  }

  private parseNumber(token: Token): MathNode {
    if (this.is('command', 'overline') && /^\d*\.\d*$/.test(token.text)) return this.readRepeating(token.text);
    const literal = this.readLiteral(token.text);
    const whole = integerLiteral(literal);
    if (whole !== undefined && whole >= 0n) {
      const fraction = this.readMixedFraction();
      if (fraction) return node.number(BigRational.of(whole).add(fraction));
    }
    const scaled = this.readPowerOfTen();
    if (scaled === undefined) return literal;
    if (literal.kind !== 'number') return multiply(literal, scaled.node);
    return scaled.exponent === undefined ? multiply(literal, scaled.node) : node.number(literal.value.mul(BigRational.of(10n).pow(scaled.exponent)), literal.decimal ? { decimal: true } : {});
  }

  /** `0.1\overline{6}` = 1/6: the digits under the bar repeat forever, so the value is exact (not a decimal literal). */
  private readRepeating(text: string): MathNode {
    this.next();
    this.expect('punct', '{');
    let digits = '';
    while (this.peek().kind === 'number' && /^\d+$/.test(this.peek().text)) digits += this.next().text;
    this.expect('punct', '}');
    if (digits === '' || digits.length > 300) throw new ParseError('bad repeating decimal');
    const fixed = BigRational.parseDecimal(text.endsWith('.') ? `${text}0` : text) as BigRational;
    const places = BigInt(text.length - text.indexOf('.') - 1);
    const repeating = BigRational.of(BigInt(digits), 10n ** places * (10n ** BigInt(digits.length) - 1n));
    return node.number(fixed.add(repeating));
  }

  /** A decimal literal, exact; `1.5e3` folds unless the exponent is huge. */
  private readLiteral(text: string): MathNode {
    const [mantissa = '', exponentText] = text.split(/[eE]/);
    const decimal = mantissa.includes('.');
    const flags = decimal ? { decimal: true } : {};
    const value = BigRational.parseDecimal(mantissa);
    if (!value) throw new ParseError(`bad number "${text}"`);
    if (exponentText === undefined) return node.number(value, flags);
    const exponent = BigInt(exponentText);
    if (exponent > BigInt(MAX_FOLDED_EXPONENT) || exponent < -BigInt(MAX_FOLDED_EXPONENT)) {
      return multiply(node.number(value, flags), node.pow(node.number(BigRational.of(10n)), node.number(BigRational.of(exponent))));
    }
    return node.number(value.mul(BigRational.of(10n).pow(exponent)), flags);
  }

  /** `2\frac{1}{2}` or `2 1/2` after an integer: a proper fraction of integer literals makes a mixed number. */
  private readMixedFraction(): BigRational | undefined {
    const isInteger = (offset: number): bigint | undefined => {
      const token = this.peek(offset);
      return token.kind === 'number' && /^\d+$/.test(token.text) ? BigInt(token.text) : undefined;
    };
    const proper = (top: bigint | undefined, bottom: bigint | undefined): boolean => top !== undefined && bottom !== undefined && bottom > 0n && top < bottom;
    if (this.is('command', 'frac') && this.is('punct', '{', 1) && this.is('punct', '}', 3) && this.is('punct', '{', 4) && this.is('punct', '}', 6)) {
      const top = isInteger(2);
      const bottom = isInteger(5);
      if (proper(top, bottom)) {
        this.position += 7;
        return BigRational.of(top as bigint, bottom as bigint);
      }
    }
    if (this.peek().kind === 'number' && this.peek().space && this.is('punct', '/', 1) && !this.peek(1).space && !this.peek(2).space) {
      const top = isInteger(0);
      const bottom = isInteger(2);
      const after = this.peek(3);
      if (proper(top, bottom) && !(after.kind === 'punct' && (after.text === '^' || after.text === '!'))) {
        this.position += 3;
        return BigRational.of(top as bigint, bottom as bigint);
      }
    }
    return undefined;
  }

  /** `\times 10^{k}` after a number literal: scientific notation, folded for a moderate integer k. */
  private readPowerOfTen(): { node: MathNode; exponent: bigint | undefined } | undefined {
    const multiplier = this.peek();
    if (!(multiplier.kind === 'command' && MULTIPLY_COMMANDS.has(multiplier.text)) && !(multiplier.kind === 'punct' && multiplier.text === '*')) return undefined;
    if (!this.is('number', '10', 1) || !this.is('punct', '^', 2)) return undefined;
    let offset = 3;
    const braced = this.is('punct', '{', offset);
    if (braced) offset += 1;
    let sign = 1n;
    if (this.is('punct', '-', offset) || this.is('punct', '+', offset)) {
      if (this.peek(offset).text === '-') sign = -1n;
      offset += 1;
    }
    const digits = this.peek(offset);
    if (digits.kind !== 'number' || !/^\d+$/.test(digits.text)) return undefined;
    offset += 1;
    if (braced) {
      if (!this.is('punct', '}', offset)) return undefined;
      offset += 1;
    }
    this.position += offset;
    const exponent = sign * BigInt(digits.text);
    const inRange = exponent <= BigInt(MAX_FOLDED_EXPONENT) && exponent >= -BigInt(MAX_FOLDED_EXPONENT);
    return { node: node.pow(node.number(BigRational.of(10n)), node.number(BigRational.of(exponent))), exponent: inRange ? exponent : undefined };
  }

  private parseLetter(token: Token): MathNode {
    let name = token.text === 'j' && this.jIsImaginary ? 'i' : token.text;
    if (this.is('punct', '_')) {
      this.next();
      name = `${name}_${this.readSubscriptName()}`;
    }
    return node.symbol(name);
  }

  private readSubscriptName(): string {
    if (this.is('punct', '{')) {
      this.next();
      let name = '';
      while (this.peek().kind === 'number' || this.peek().kind === 'letter') name += this.next().text;
      this.expect('punct', '}');
      if (name === '') throw new ParseError('empty subscript');
      return name;
    }
    const token = this.next();
    if (token.kind !== 'number' && token.kind !== 'letter') throw new ParseError('bad subscript');
    return token.kind === 'number' ? (token.text[0] ?? '') : token.text;
  }

  private parseCommand(name: string): MathNode {
    if (name === 'pi') return node.symbol('pi');
    if (name === 'infty') return node.symbol('infinity');
    if (name === 'emptyset') return node.set();
    if (GREEK.has(name)) return node.symbol(name.replace(/^var/, ''));
    if (name === 'frac') {
      const numerator = this.parseArgument();
      return this.divide(numerator, this.parseArgument());
    }
    if (name === 'binom') {
      const top = this.parseArgument();
      return node.func('binom', top, this.parseArgument());
    }
    if (name === 'sqrt') return this.parseRoot();
    if (name === 'lfloor' || name === 'lceil') {
      const inner = this.parseExpression(0);
      this.expect('command', name === 'lfloor' ? 'rfloor' : 'rceil');
      return node.func(name.slice(1), inner);
    }
    if (name === '{') return this.parseSet();
    if (name === 'mathbb') {
      this.expect('punct', '{');
      this.expect('letter', 'R');
      this.expect('punct', '}');
      return node.interval(negate(node.symbol('infinity')), node.symbol('infinity'), false, false);
    }
    if (name === 'langle') return node.tuple(...this.parseList('command', 'rangle'));
    if (FUNCTIONS.has(name)) return this.parseFunction(name);
    throw new ParseError(`unsupported \\${name}`);
  }

  /** A required argument: a braced group, or one token as TeX reads `\frac12`. */
  private parseArgument(): MathNode {
    if (this.is('punct', '{')) return this.parseGroup();
    const token = this.peek();
    if (token.kind === 'number' && token.text.length > 1) {
      if (!/^\d+$/.test(token.text)) throw new ParseError('ambiguous brace-less argument');
      // TeX takes one digit as the argument (`\sqrt12` is sqrt(1) * 2): split the token and leave the rest to be read.
      const [first, rest] = [token.text.slice(0, 1), token.text.slice(1)];
      this.tokens.splice(this.position, 1, { kind: 'number', text: first, space: token.space }, { kind: 'number', text: rest, space: false });
      this.next();
      return node.number(BigRational.of(BigInt(first)));
    }
    return this.parsePrimary();
  }

  private parseRoot(): MathNode {
    let index: MathNode | undefined;
    if (this.is('punct', '[')) {
      this.next();
      index = this.parseExpression(0);
      this.expect('punct', ']');
    }
    const radicand = this.is('punct', '(') ? this.parsePrimary() : this.parseArgument();
    if (!index) return node.pow(radicand, node.number(BigRational.of(1n, 2n)));
    const degree = integerLiteral(index);
    if (degree !== undefined && degree !== 0n) return node.pow(radicand, node.number(BigRational.of(1n, degree)));
    return node.pow(radicand, node.pow(index, minusOne));
  }

  private parseFunction(name: string): MathNode {
    let exponent: MathNode | undefined;
    let base: MathNode | undefined;
    for (;;) {
      if (this.is('punct', '^') && !exponent) {
        this.next();
        exponent = this.parseScript();
      } else if (this.is('punct', '_') && !base && name === 'log') {
        this.next();
        base = this.parseScript();
      } else break;
    }
    let functionName = name;
    const inverse = exponent?.kind === 'number' && exponent.value.equals(BigRational.of(-1n)) ? INVERSE_TRIG[name] : undefined;
    if (inverse) {
      functionName = inverse;
      exponent = undefined;
    }
    const trig = TRIG.has(name);
    if (trig) this.trigDepth += 1;
    let args: MathNode[];
    if (this.is('punct', '(')) {
      this.next();
      args = [this.parseExpression(0)];
      while (this.is('punct', ',')) {
        this.next();
        args.push(this.parseExpression(0));
      }
      this.expect('punct', ')');
    } else args = [this.parseExpression(29, true)];
    if (trig) this.trigDepth -= 1;
    let result: MathNode;
    if (base) {
      if (args.length !== 1) throw new ParseError('\\log_b with several arguments');
      result = node.func('log', args[0] as MathNode, base);
    }
    else if (functionName === 'exp' && args.length === 1) result = node.pow(node.symbol('e'), args[0] as MathNode);
    else result = node.func(functionName, ...args);
    return exponent ? node.pow(result, exponent) : result;
  }

  /** `\{1, 2\}`, or set-builder `\{x \mid x > 0\}` / `\{x : x > 0\}`, which reads as its condition. */
  private parseSet(): MathNode {
    const first = this.parseExpression(0);
    if (this.is('command', 'mid') || this.is('punct', ':')) {
      this.next();
      if (first.kind !== 'symbol') throw new ParseError('set-builder over something other than a variable');
      const condition = this.parseExpression(0);
      this.expect('command', '}');
      return condition;
    }
    const items = [first];
    while (this.is('punct', ',') || this.is('punct', ';')) {
      this.next();
      items.push(this.parseExpression(0));
    }
    this.expect('command', '}');
    return node.set(...items);
  }

  private parseList(closeKind: TokenKind, closeText: string): MathNode[] {
    const items = [this.parseExpression(0)];
    while (this.is('punct', ',') || this.is('punct', ';')) {
      this.next();
      items.push(this.parseExpression(0));
    }
    this.expect(closeKind, closeText);
    return items;
  }

  /** `(...)` and `[...]`: a group, a tuple, or an interval (two scalar items with an infinite end, `[`, or mixed brackets). */
  private parseBrackets(open: string): MathNode {
    const items = [this.parseExpression(0)];
    while (this.is('punct', ',')) {
      this.next();
      items.push(this.parseExpression(0));
    }
    const close = this.next();
    if (close.kind !== 'punct' || (close.text !== ')' && close.text !== ']')) throw new ParseError(`unclosed "${open}"`);
    const matching = (open === '(' && close.text === ')') || (open === '[' && close.text === ']');
    if (items.length === 1) {
      if (!matching) throw new ParseError('mismatched brackets around one item');
      return items[0] as MathNode;
    }
    const [left, right] = items as [MathNode, MathNode];
    const interval = !matching || open === '[' || isInfinite(left) || isInfinite(right);
    if (items.length === 2 && interval && isScalar(left) && isScalar(right)) {
      return node.interval(left, right, open === '[', close.text === ']');
    }
    if (!matching) throw new ParseError('mismatched brackets');
    return node.tuple(...items);
  }

  private parseMatrix(environment: string): MathNode {
    if (environment === 'vmatrix' || environment === 'Vmatrix') throw new ParseError('determinant (vmatrix) is not supported');
    if (!MATRIX_ENVIRONMENTS.has(environment)) throw new ParseError(`unsupported environment ${environment}`);
    const rows: MathNode[][] = [[]];
    for (;;) {
      (rows[rows.length - 1] as MathNode[]).push(this.parseExpression(0));
      if (this.is('punct', '&')) this.next();
      else if (this.is('command', '\\')) {
        this.next();
        if (this.is('end')) break;
        rows.push([]);
      } else break;
    }
    const end = this.next();
    if (end.kind !== 'end' || end.text !== environment) throw new ParseError(`unclosed ${environment}`);
    const width = rows[0]?.length ?? 0;
    if (rows.some((row) => row.length !== width)) throw new ParseError('matrix rows of different lengths');
    return node.matrix(rows);
  }
}

/** Every sign choice of the `\pm` markers in a tree (x \pm y -> x + y, x - y). */
function expandPlusMinus(value: MathNode): MathNode[] {
  const alternatives = expand(value);
  if (alternatives.length > MAX_PLUS_MINUS_ALTERNATIVES) throw new ParseError('too many \\pm');
  return alternatives;
}

function expand(value: MathNode): MathNode[] {
  const combine = (children: readonly MathNode[], build: (items: MathNode[]) => MathNode): MathNode[] => {
    let results: MathNode[][] = [[]];
    for (const child of children) {
      const options = expand(child);
      if (options.length === 1) results = results.map((items) => [...items, options[0] as MathNode]);
      else results = results.flatMap((items) => options.map((option) => [...items, option]));
      if (results.length > MAX_PLUS_MINUS_ALTERNATIVES) throw new ParseError('too many \\pm');
    }
    return results.map(build);
  };
  switch (value.kind) {
    case 'func':
      if (value.name === PLUS_MINUS) return expand(value.args[0] as MathNode).flatMap((option) => [option, negate(option)]);
      return combine(value.args, (args) => node.func(value.name, ...args));
    case 'add':
      return combine(value.terms, (terms) => node.add(...terms));
    case 'mul':
      return combine(value.factors, (factors) => node.mul(...factors));
    case 'pow':
      return combine([value.base, value.exponent], ([base, exponent]) => node.pow(base as MathNode, exponent as MathNode));
    case 'relation':
      return combine(value.operands, (operands) => node.relation(operands, [...value.operators]));
    case 'tuple':
      return combine(value.items, (items) => node.tuple(...items));
    case 'set':
      return [node.set(...value.items.flatMap(expand))];
    case 'interval':
      return combine([value.left, value.right], ([left, right]) => node.interval(left as MathNode, right as MathNode, value.leftClosed, value.rightClosed));
    case 'union':
      return combine(value.items, (items) => node.union(...items));
    case 'matrix':
      return [value];
    default:
      return [value];
  }
}

/** `x = 2, x = 3`, `x=2, 3` and `x_1 = 2, x_2 = 3` list values: equations are unwrapped when they all name one variable. */
function unwrapSolutions(items: MathNode[]): MathNode[] {
  const variables = new Set<string>();
  for (const item of items) {
    if (item.kind !== 'relation') continue;
    const [left] = item.operands;
    if (item.operators.length !== 1 || item.operators[0] !== '=' || left?.kind !== 'symbol') return items;
    variables.add(left.name.replace(/_\w+$/, ''));
  }
  if (variables.size !== 1) return items;
  return items.map((item) => (item.kind === 'relation' ? (item.operands[1] as MathNode) : item));
}

function readChoice(text: string): string | undefined {
  const match = CHOICE.exec(text);
  if (!match) return undefined;
  const letter = match[1] ?? match[2] ?? match[3];
  if (SECOND_CHOICE.test(text.slice(1))) return undefined; // "(A) and (C)" names two choices, never just A
  return letter !== undefined && letter === letter.toUpperCase() ? letter : undefined;
}

function readText(text: string): string | undefined {
  const wrapped = /^\\text\{([^{}]*)\}$/.exec(text);
  if (wrapped) return (wrapped[1] ?? '').trim();
  if (!/^[A-Za-z][A-Za-z\s'-]*$/.test(text)) return undefined;
  if (/[A-Za-z]{2}-[A-Za-z]{2}/.test(text)) return text;
  const words = text.toLowerCase().split(/[\s-]+/);
  if (words.every((word) => MATH_WORDS.has(word))) return undefined;
  if (words.some((word) => TEXT_WORDS.has(word) || (word.length >= 4 && !MATH_WORDS.has(word)))) return text;
  return undefined;
}

/**
 * Parses an extracted answer (LaTeX or plain text) into a MathNode. Never throws: input it cannot read, nesting past
 * MAX_PARSE_DEPTH ('too deep') and text past MAX_ANSWER_LENGTH give `ok: false`. Work is linear in the input length;
 * nothing is evaluated, so `10^{10^{10}}` stays a power tree.
 */
export function parseAnswer(text: string, policy: MathPolicy = defaultMathPolicy): ParseResult {
  if (text.length > MAX_ANSWER_LENGTH) return { ok: false, reason: 'too long' };
  const plain = PLAIN_NUMBER.exec(text);
  if (plain) {
    const value = BigRational.parseDecimal(text) as BigRational;
    return { ok: true, node: node.number(value, text.includes('.') ? { decimal: true } : {}), normalized: text };
  }
  try {
    const normalized = normalizeAnswer(text, { numberWords: policy.numberWords });
    if (normalized === '') return { ok: false, reason: 'empty' };
    const letter = readChoice(normalized);
    if (letter) return { ok: true, node: node.choice(letter), normalized };
    const words = readText(normalized);
    if (words !== undefined) return { ok: true, node: node.text(words), normalized };
    const parsed = new Parser(tokenize(normalized), policy).parseAnswer();
    return { ok: true, node: parsed, normalized };
  } catch (error) {
    if (error instanceof ParseError) return { ok: false, reason: error.message };
    if (error instanceof RangeError && /call stack/i.test(error.message)) return { ok: false, reason: 'too deep' };
    return { ok: false, reason: `parser bug: ${error instanceof Error ? error.message : String(error)}` };
  }
}

