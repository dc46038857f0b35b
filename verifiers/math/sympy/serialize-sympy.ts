import type { MathNode, NumberNode, RelationOperator } from '../ast.js';

/**
 * Thrown by serializeSympy for a node SymPy cannot express faithfully (text, multiple-choice letters, an unknown
 * function name). A typed refusal, not a bug: the caller turns it into an `error` / `unsupported` verdict.
 */
export class SympyUnsupportedError extends Error {
  readonly code = 'SYMPY_UNSUPPORTED';
  /** The AST kind (or function name) that could not be written. */
  readonly construct: string;
  constructor(construct: string, why: string) {
    super(`SymPy cannot express ${construct}: ${why}`);
    this.name = 'SympyUnsupportedError';
    this.construct = construct;
  }
}

/** Options of serializeSympy. */
export interface SerializeSympyOptions {
  /** Symbol names read as the imaginary unit `I` (veridata's policy: also `j` when a side has no `i`). */
  readonly imaginaryUnits?: readonly string[];
}

/** veridata's function names and SymPy's; the built-in checker evaluates the same set (evaluate.ts). */
const FUNCTION_NAMES: Readonly<Record<string, string>> = {
  sin: 'sin',
  cos: 'cos',
  tan: 'tan',
  cot: 'cot',
  sec: 'sec',
  csc: 'csc',
  arcsin: 'asin',
  arccos: 'acos',
  arctan: 'atan',
  arccot: 'acot',
  sinh: 'sinh',
  cosh: 'cosh',
  tanh: 'tanh',
  exp: 'exp',
  abs: 'Abs',
  floor: 'floor',
  ceil: 'ceiling',
  factorial: 'factorial',
  binom: 'binomial',
};

const RELATIONS: Readonly<Record<RelationOperator, string>> = { '=': 'Eq', '!=': 'Ne', '<': 'Lt', '<=': 'Le', '>': 'Gt', '>=': 'Ge' };

/** Constants with their own SymPy names; every other symbol becomes `Symbol("name")`. */
const CONSTANTS: Readonly<Record<string, string>> = { pi: 'pi', e: 'E', infinity: 'oo' };

/**
 * Writes a veridata AST as a SymPy expression string for sympy-worker.py: exact numbers as `Rational(1, 3)`, decimal
 * literals as `Float('0.333', digits)` (so SymPy-side tolerance sees which side was a decimal), `pi`, `E`, `I`, `oo`,
 * relations unevaluated (`Eq(x, 2, evaluate=False)`; chains as `And`), `Tuple`, `FiniteSet`, `Interval` with its open
 * flags, `Union`, `Matrix`. Throws SympyUnsupportedError for text and choice letters, which are not math.
 */
export function serializeSympy(value: MathNode, options: SerializeSympyOptions = {}): string {
  const imaginaryUnits = new Set(options.imaginaryUnits ?? ['i']);
  const write = (item: MathNode): string => {
    switch (item.kind) {
      case 'number':
        return writeNumber(item);
      case 'symbol':
        if (imaginaryUnits.has(item.name)) return 'I';
        return CONSTANTS[item.name] ?? `Symbol(${pythonString(item.name)})`;
      case 'add':
        return `Add(${item.terms.map(write).join(', ')})`;
      case 'mul':
        return `Mul(${item.factors.map(write).join(', ')})`;
      case 'pow': {
        const exponent = item.exponent;
        if (exponent.kind === 'number' && !exponent.decimal && exponent.value.num === 1n && exponent.value.den === 2n) return `sqrt(${write(item.base)})`;
        return `Pow(${write(item.base)}, ${write(exponent)})`;
      }
      case 'func':
        return writeFunction(item.name, item.args.map(write));
      case 'relation': {
        const parts = item.operators.map((operator, index) => `${RELATIONS[operator]}(${write(item.operands[index]!)}, ${write(item.operands[index + 1]!)}, evaluate=False)`);
        return parts.length === 1 ? parts[0]! : `And(${parts.join(', ')})`;
      }
      case 'tuple':
        return `Tuple(${item.items.map(write).join(', ')})`;
      case 'set':
        return `FiniteSet(${item.items.map(write).join(', ')})`;
      case 'interval':
        return `Interval(${write(item.left)}, ${write(item.right)}, ${item.leftClosed ? 'False' : 'True'}, ${item.rightClosed ? 'False' : 'True'})`;
      case 'union':
        return `Union(${item.items.map(write).join(', ')})`;
      case 'matrix':
        return `Matrix([${item.rows.map((row) => `[${row.map(write).join(', ')}]`).join(', ')}])`;
      case 'text':
        throw new SympyUnsupportedError('text', `"${item.value.slice(0, 40)}" is words, not math; veridata's text comparison decides it`);
      case 'choice':
        throw new SympyUnsupportedError('choice', `(${item.letter}) is a multiple-choice letter, not math`);
    }
  };
  return write(value);
}

/** Symbol names each side should read as the imaginary unit, following veridata's `jIsImaginary` policy. */
export function imaginaryUnitsOf(value: MathNode, jIsImaginary: boolean): string[] {
  const names = new Set<string>();
  const visit = (item: MathNode): void => {
    switch (item.kind) {
      case 'symbol':
        names.add(item.name);
        return;
      case 'add':
        return item.terms.forEach(visit);
      case 'mul':
        return item.factors.forEach(visit);
      case 'pow':
        visit(item.base);
        return visit(item.exponent);
      case 'func':
        return item.args.forEach(visit);
      case 'relation':
        return item.operands.forEach(visit);
      case 'tuple':
      case 'set':
      case 'union':
        return item.items.forEach(visit);
      case 'interval':
        visit(item.left);
        return visit(item.right);
      case 'matrix':
        return item.rows.forEach((row) => row.forEach(visit));
      default:
        return;
    }
  };
  visit(value);
  return jIsImaginary && !names.has('i') && names.has('j') ? ['i', 'j'] : ['i'];
}

function writeFunction(name: string, args: string[]): string {
  if (name === 'ln') return `log(${args.join(', ')})`;
  // veridata's one-argument log is base 10; log(x, b) carries its base, as SymPy's does.
  if (name === 'log') return args.length === 1 ? `log(${args[0]}, 10)` : `log(${args.join(', ')})`;
  // SymPy's gcd and lcm take two arguments; more are folded left.
  if (name === 'gcd' || name === 'lcm') return args.slice(1).reduce((folded, arg) => `${name}(${folded}, ${arg})`, args[0] ?? '0');
  const sympyName = FUNCTION_NAMES[name];
  if (sympyName === undefined) throw new SympyUnsupportedError(`function ${name}`, 'no SymPy counterpart is mapped');
  return `${sympyName}(${args.join(', ')})`;
}

function writeNumber(value: NumberNode): string {
  const { num, den } = value.value;
  if (value.decimal) {
    const decimal = decimalString(num, den);
    // Enough digits that the Float holds every digit written; SymPy's default 15 would round long literals.
    if (decimal !== undefined) return `Float('${decimal}', ${Math.max(15, decimal.replace(/[-.]/g, '').length + 5)})`;
  }
  return den === 1n ? num.toString() : `Rational(${num}, ${den})`;
}

/** The exact decimal expansion of num/den when den has no prime factor but 2 and 5; undefined otherwise. */
export function decimalString(num: bigint, den: bigint): string | undefined {
  let twos = 0;
  let fives = 0;
  let rest = den;
  while (rest % 2n === 0n) {
    rest /= 2n;
    twos += 1;
  }
  while (rest % 5n === 0n) {
    rest /= 5n;
    fives += 1;
  }
  if (rest !== 1n) return undefined;
  const places = Math.max(twos, fives);
  const scaled = (num < 0n ? -num : num) * 10n ** BigInt(places) / den;
  const digits = scaled.toString().padStart(places + 1, '0');
  const sign = num < 0n ? '-' : '';
  return places === 0 ? `${sign}${digits}` : `${sign}${digits.slice(0, -places)}.${digits.slice(-places)}`;
}

/** A Python string literal; JSON's escapes are all valid in Python. */
function pythonString(text: string): string {
  return JSON.stringify(text);
}
