import { Decimal } from 'decimal.js';
import type { MathNode } from './ast.js';
import { BigRational } from './big-rational.js';

/** Largest n-th root taken exactly; larger root indices are left to numeric evaluation. */
const maxExactRootIndex = 64n;
/** Largest n for which factorial, binom and friends are computed (the guards refuse more before this runs). */
const maxExactFactorial = 1000n;

/**
 * The exact rational value of a guarded node, or undefined when it has none (a variable, an irrational root, a
 * trigonometric value, a division by zero). Only +, -, *, /, integer powers, roots of perfect powers, abs, floor,
 * ceil, factorial, binom, gcd and lcm are exact. Recursive: run checkGuards first, which bounds depth and sizes.
 */
export function evaluateExact(value: MathNode): BigRational | undefined {
  switch (value.kind) {
    case 'number':
      return value.value;
    case 'add': {
      let total = BigRational.zero;
      for (const term of value.terms) {
        const exact = evaluateExact(term);
        if (exact === undefined) return undefined;
        total = total.add(exact);
      }
      return total;
    }
    case 'mul': {
      let product = BigRational.one;
      for (const factor of value.factors) {
        const exact = evaluateExact(factor);
        if (exact === undefined) return undefined;
        product = product.mul(exact);
      }
      return product;
    }
    case 'pow': {
      const base = evaluateExact(value.base);
      const exponent = base === undefined ? undefined : evaluateExact(value.exponent);
      return base === undefined || exponent === undefined ? undefined : exactPower(base, exponent);
    }
    case 'func':
      return exactFunction(value.name, value.args);
    default:
      return undefined;
  }
}

/** base^exponent when it is rational: integer powers, and p/q powers of perfect q-th powers (odd roots of negatives are real). */
export function exactPower(base: BigRational, exponent: BigRational): BigRational | undefined {
  if (base.isZero()) return exponent.num > 0n ? BigRational.zero : undefined;
  if (base.equals(BigRational.one)) return BigRational.one;
  if (base.num === -1n && base.den === 1n && exponent.den === 1n) return exponent.num % 2n === 0n ? BigRational.one : base;
  if (exponent.den === 1n) return base.pow(exponent.num);
  const root = exactRoot(base, exponent.den);
  return root === undefined ? undefined : root.pow(exponent.num);
}

function exactRoot(value: BigRational, index: bigint): BigRational | undefined {
  if (index > maxExactRootIndex) return undefined;
  if (value.num < 0n) {
    if (index % 2n === 0n) return undefined;
    const root = exactRoot(value.neg(), index);
    return root?.neg();
  }
  const numerator = integerRoot(value.num, index);
  const denominator = integerRoot(value.den, index);
  return numerator === undefined || denominator === undefined ? undefined : BigRational.of(numerator, denominator);
}

/** The exact k-th root of a non-negative integer, or undefined when it is not a perfect k-th power. */
export function integerRoot(value: bigint, index: bigint): bigint | undefined {
  if (value < 2n) return value;
  const bits = BigInt(value.toString(2).length);
  let guess = 1n << (bits / index + 1n);
  for (;;) {
    const next = ((index - 1n) * guess + value / guess ** (index - 1n)) / index;
    if (next >= guess) break;
    guess = next;
  }
  return guess ** index === value ? guess : undefined;
}

function exactIntegers(args: readonly MathNode[]): bigint[] | undefined {
  const values: bigint[] = [];
  for (const argument of args) {
    const exact = evaluateExact(argument);
    if (exact === undefined || !exact.isInteger()) return undefined;
    values.push(exact.num);
  }
  return values;
}

function exactFunction(name: string, args: readonly MathNode[]): BigRational | undefined {
  if (name === 'abs' || name === 'floor' || name === 'ceil' || name === 'sqrt') {
    if (args.length !== 1) return undefined;
    const argument = evaluateExact(args[0]!);
    if (argument === undefined) return undefined;
    if (name === 'abs') return argument.abs();
    if (name === 'sqrt') return exactPower(argument, BigRational.of(1n, 2n));
    return BigRational.of(name === 'floor' ? floorDivide(argument.num, argument.den) : -floorDivide(-argument.num, argument.den));
  }
  const integers = exactIntegers(args);
  if (integers === undefined) return undefined;
  const result = integerFunction(name, integers);
  return result === undefined ? undefined : BigRational.of(result);
}

/** factorial, binom, gcd, lcm over exact integers; undefined outside their domain. */
export function integerFunction(name: string, values: readonly bigint[]): bigint | undefined {
  if (name === 'factorial' && values.length === 1) {
    const n = values[0]!;
    return n < 0n || n > maxExactFactorial ? undefined : factorial(n);
  }
  if (name === 'binom' && values.length === 2) {
    const [n, k] = values as [bigint, bigint];
    if (n < 0n || n > maxExactFactorial * 10n) return undefined;
    if (k < 0n || k > n) return 0n;
    const smaller = k < n - k ? k : n - k;
    let result = 1n;
    for (let index = 1n; index <= smaller; index += 1n) result = (result * (n - smaller + index)) / index;
    return result;
  }
  if ((name === 'gcd' || name === 'lcm') && values.length >= 1) {
    let result = absolute(values[0]!);
    for (const value of values.slice(1)) {
      const divisor = integerGcd(result, absolute(value));
      result = name === 'gcd' ? divisor : divisor === 0n ? 0n : (result / divisor) * absolute(value);
    }
    return result;
  }
  return undefined;
}

function factorial(n: bigint): bigint {
  let result = 1n;
  for (let index = 2n; index <= n; index += 1n) result *= index;
  return result;
}

function integerGcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

function absolute(value: bigint): bigint {
  return value < 0n ? -value : value;
}

function floorDivide(numerator: bigint, denominator: bigint): bigint {
  const quotient = numerator / denominator;
  return numerator % denominator !== 0n && numerator < 0n ? quotient - 1n : quotient;
}

/** A complex number with arbitrary-precision parts; all parts share one Decimal constructor (one precision). */
export interface Complex {
  readonly re: Decimal;
  readonly im: Decimal;
}

/** Where and how to evaluate: significant digits, values of the free variables, names meaning the imaginary unit. */
export interface NumericOptions {
  readonly precision: number;
  readonly scope?: ReadonlyMap<string, Complex>;
  readonly imaginaryUnits?: readonly string[];
}

/**
 * A numeric value, with `scale`, the largest magnitude met on the way (rounding error is relative to it); or why
 * there is none: `undefined` (a division by zero, a log of 0: the point is skipped) or `unsupported` (no numeric
 * meaning here: infinity, an unknown function or variable; the comparison cannot decide).
 */
export type NumericResult =
  | { ok: true; value: Complex; scale: Decimal }
  | { ok: false; kind: 'undefined' | 'unsupported'; reason: string };

class NotANumber extends Error {
  constructor(
    readonly kind: 'undefined' | 'unsupported',
    reason: string,
  ) {
    super(reason);
  }
}

const constructors = new Map<number, Decimal.Constructor>();
const constantsByPrecision = new Map<number, { pi: Decimal; e: Decimal; ln10: Decimal }>();

function constantsAt(precision: number): { pi: Decimal; e: Decimal; ln10: Decimal } {
  let constants = constantsByPrecision.get(precision);
  if (constants === undefined) {
    const D = decimalAt(precision);
    constants = { pi: D.acos(-1), e: D.exp(1), ln10: D.ln(10) };
    constantsByPrecision.set(precision, constants);
  }
  return constants;
}

/** A Decimal constructor with `precision` significant digits and the widest exponent range (no overflow to Infinity). */
export function decimalAt(precision: number): Decimal.Constructor {
  let constructor = constructors.get(precision);
  if (constructor === undefined) {
    constructor = Decimal.clone({ precision, rounding: Decimal.ROUND_HALF_EVEN, minE: -9e15, maxE: 9e15, toExpNeg: -7, toExpPos: 21 });
    constructors.set(precision, constructor);
  }
  return constructor;
}

/** Complex numeric value of a guarded node at `precision` digits, principal branches, real odd roots of negatives. */
export function evaluateNumeric(value: MathNode, options: NumericOptions): NumericResult {
  const evaluator = new NumericEvaluator(decimalAt(options.precision), options.scope ?? new Map(), new Set(options.imaginaryUnits ?? ['i']));
  try {
    const result = evaluator.evaluate(value);
    return { ok: true, value: result, scale: evaluator.scale };
  } catch (error) {
    if (error instanceof NotANumber) return { ok: false, kind: error.kind, reason: error.message };
    throw error;
  }
}

/** Makes a complex value at a precision from the exact binary values of a double pair, as evaluateFloat sees them. */
export function complexAt(precision: number, re: number, im = 0): Complex {
  const D = decimalAt(precision);
  return { re: new D(exactDoubleText(re)), im: new D(exactDoubleText(im)) };
}

function exactDoubleText(value: number): string {
  if (Number.isInteger(value) || !Number.isFinite(value)) return String(value);
  return value < 0 ? `-0b${(-value).toString(2)}` : `0b${value.toString(2)}`;
}

/** max(|re|, |im|), a cheap magnitude within a factor of sqrt 2 of |z|. */
export function magnitude(value: Complex): Decimal {
  const re = value.re.abs();
  const im = value.im.abs();
  return re.gte(im) ? re : im;
}

class NumericEvaluator {
  scale: Decimal;
  private readonly zero: Decimal;
  private readonly one: Decimal;

  constructor(
    private readonly D: Decimal.Constructor,
    private readonly scope: ReadonlyMap<string, Complex>,
    private readonly imaginaryUnits: ReadonlySet<string>,
  ) {
    this.zero = new D(0);
    this.one = new D(1);
    this.scale = this.zero;
  }

  evaluate(value: MathNode): Complex {
    const result = this.evaluateNode(value);
    if (!result.re.isFinite() || !result.im.isFinite()) throw new NotANumber('undefined', 'overflow or not a number');
    const size = magnitude(result);
    if (size.gt(this.scale)) this.scale = size;
    return result;
  }

  private get pi(): Decimal {
    return constantsAt(this.D.precision).pi;
  }

  private real(value: Decimal): Complex {
    return { re: value, im: this.zero };
  }

  private evaluateNode(value: MathNode): Complex {
    switch (value.kind) {
      case 'number':
        return this.real(new this.D(value.value.num.toString()).div(value.value.den.toString()));
      case 'symbol':
        return this.symbol(value.name);
      case 'add':
        return value.terms.reduce<Complex>((total, term) => add(total, this.evaluate(term)), this.real(this.zero));
      case 'mul':
        return value.factors.reduce<Complex>((product, factor) => this.multiply(product, this.evaluate(factor)), this.real(this.one));
      case 'pow': {
        const base = this.evaluate(value.base);
        const exactExponent = evaluateExact(value.exponent);
        const exponent = exactExponent === undefined ? this.evaluate(value.exponent) : undefined;
        return this.power(base, exactExponent, exponent);
      }
      case 'func':
        return this.callFunction(value.name, value.args);
      default:
        throw new NotANumber('unsupported', `a ${value.kind} has no numeric value`);
    }
  }

  private symbol(name: string): Complex {
    if (name === 'pi') return this.real(this.pi);
    if (name === 'e') return this.real(constantsAt(this.D.precision).e);
    if (this.imaginaryUnits.has(name)) return { re: this.zero, im: this.one };
    const bound = this.scope.get(name);
    if (bound !== undefined) return { re: new this.D(bound.re), im: new this.D(bound.im) };
    throw new NotANumber('unsupported', name === 'infinity' ? 'infinity is not a number' : `free variable ${name}`);
  }

  private multiply(a: Complex, b: Complex): Complex {
    if (a.im.isZero() && b.im.isZero()) return this.real(a.re.times(b.re));
    return { re: a.re.times(b.re).minus(a.im.times(b.im)), im: a.re.times(b.im).plus(a.im.times(b.re)) };
  }

  private divide(a: Complex, b: Complex): Complex {
    if (b.re.isZero() && b.im.isZero()) throw new NotANumber('undefined', 'division by zero');
    if (a.im.isZero() && b.im.isZero()) return this.real(a.re.div(b.re));
    const denominator = b.re.times(b.re).plus(b.im.times(b.im));
    return {
      re: a.re.times(b.re).plus(a.im.times(b.im)).div(denominator),
      im: a.im.times(b.re).minus(a.re.times(b.im)).div(denominator),
    };
  }

  private integerPower(base: Complex, exponent: bigint): Complex {
    if (exponent < 0n) return this.divide(this.real(this.one), this.integerPower(base, -exponent));
    if (base.im.isZero()) return this.real(base.re.pow(exponent.toString()));
    let result = this.real(this.one);
    let square = base;
    let remaining = exponent;
    while (remaining > 0n) {
      if (remaining & 1n) result = this.multiply(result, square);
      remaining >>= 1n;
      if (remaining > 0n) square = this.multiply(square, square);
    }
    return result;
  }

  private power(base: Complex, exactExponent: BigRational | undefined, exponent: Complex | undefined): Complex {
    const baseIsZero = base.re.isZero() && base.im.isZero();
    if (exactExponent !== undefined) {
      if (exactExponent.den === 1n) {
        if (baseIsZero && exactExponent.num <= 0n) throw new NotANumber('undefined', '0 to a non-positive power');
        return this.integerPower(base, exactExponent.num);
      }
      if (baseIsZero) {
        if (exactExponent.num > 0n) return this.real(this.zero);
        throw new NotANumber('undefined', '0 to a negative power');
      }
      if (exactExponent.den === 2n) return this.integerPower(this.sqrt(base), exactExponent.num);
      const ratio = new this.D(exactExponent.num.toString()).div(exactExponent.den.toString());
      if (base.im.isZero() && base.re.gt(0)) return this.real(exactExponent.den === 3n ? this.integerPower(this.real(base.re.cbrt()), exactExponent.num).re : base.re.pow(ratio));
      if (base.im.isZero() && exactExponent.den % 2n === 1n) {
        const root = base.re.neg().pow(ratio);
        return this.real(exactExponent.num % 2n === 0n ? root : root.neg());
      }
      return this.exp(this.multiply(this.real(ratio), this.log(base)));
    }
    const power = exponent!;
    if (baseIsZero) {
      if (power.re.gt(0)) return this.real(this.zero);
      throw new NotANumber('undefined', '0 to a non-positive power');
    }
    if (base.im.isZero() && base.re.gt(0) && power.im.isZero()) return this.real(base.re.pow(power.re));
    return this.exp(this.multiply(power, this.log(base)));
  }

  private sqrt(value: Complex): Complex {
    if (value.im.isZero()) {
      return value.re.gte(0) ? this.real(value.re.sqrt()) : { re: this.zero, im: value.re.neg().sqrt() };
    }
    const modulus = this.modulus(value);
    const re = modulus.plus(value.re).div(2).sqrt();
    const im = modulus.minus(value.re).div(2).sqrt();
    return { re, im: value.im.isNegative() ? im.neg() : im };
  }

  private modulus(value: Complex): Decimal {
    if (value.im.isZero()) return value.re.abs();
    if (value.re.isZero()) return value.im.abs();
    return value.re.times(value.re).plus(value.im.times(value.im)).sqrt();
  }

  private exp(value: Complex): Complex {
    const scale = this.D.exp(value.re);
    if (value.im.isZero()) return this.real(scale);
    return { re: scale.times(this.D.cos(value.im)), im: scale.times(this.D.sin(value.im)) };
  }

  private log(value: Complex): Complex {
    if (value.re.isZero() && value.im.isZero()) throw new NotANumber('undefined', 'logarithm of 0');
    if (value.im.isZero() && value.re.gt(0)) return this.real(value.re.ln());
    return { re: this.modulus(value).ln(), im: this.D.atan2(value.im, value.re) };
  }

  /** cosh and sinh of a real number from one exponential. */
  private hyperbolic(value: Decimal): { cosh: Decimal; sinh: Decimal } {
    const up = this.D.exp(value);
    const down = this.one.div(up);
    return { cosh: up.plus(down).div(2), sinh: up.minus(down).div(2) };
  }

  private sin(value: Complex): Complex {
    if (value.im.isZero()) return this.real(this.D.sin(value.re));
    const { cosh, sinh } = this.hyperbolic(value.im);
    return { re: this.D.sin(value.re).times(cosh), im: this.D.cos(value.re).times(sinh) };
  }

  private cos(value: Complex): Complex {
    if (value.im.isZero()) return this.real(this.D.cos(value.re));
    const { cosh, sinh } = this.hyperbolic(value.im);
    return { re: this.D.cos(value.re).times(cosh), im: this.D.sin(value.re).times(sinh).neg() };
  }

  private asin(value: Complex): Complex {
    if (value.im.isZero() && value.re.abs().lte(1)) return this.real(this.D.asin(value.re));
    // -i ln(iz + sqrt(1 - z^2))
    const iz: Complex = { re: value.im.neg(), im: value.re };
    const inner = add(iz, this.sqrt(subtract(this.real(this.one), this.multiply(value, value))));
    const logarithm = this.log(inner);
    return { re: logarithm.im, im: logarithm.re.neg() };
  }

  private atan(value: Complex): Complex {
    if (value.im.isZero()) return this.real(this.D.atan(value.re));
    // (i/2) (ln(1 - iz) - ln(1 + iz))
    const iz: Complex = { re: value.im.neg(), im: value.re };
    const difference = subtract(this.log(subtract(this.real(this.one), iz)), this.log(add(this.real(this.one), iz)));
    return { re: difference.im.neg().div(2), im: difference.re.div(2) };
  }

  private reciprocal(value: Complex): Complex {
    return this.divide(this.real(this.one), value);
  }

  private nearInteger(value: Complex, name: string): bigint {
    const tolerance = new this.D(10).pow(-(this.D.precision - 10)).times(this.one.plus(value.re.abs()));
    const rounded = value.re.round();
    if (value.im.abs().gt(tolerance) || rounded.minus(value.re).abs().gt(tolerance)) {
      throw new NotANumber('undefined', `${name} of a non-integer`);
    }
    return BigInt(rounded.toFixed(0));
  }

  private callFunction(name: string, args: readonly MathNode[]): Complex {
    const values = args.map((argument) => this.evaluate(argument));
    const [first] = values;
    if (first === undefined) throw new NotANumber('unsupported', `${name} without arguments`);
    if (['factorial', 'binom', 'gcd', 'lcm'].includes(name)) {
      const result = integerFunction(name, values.map((value) => this.nearInteger(value, name)));
      if (result === undefined) throw new NotANumber('undefined', `${name} outside its domain`);
      return this.real(new this.D(result.toString()));
    }
    if (values.length === 2 && name === 'log') return this.divide(this.log(first), this.log(values[1]!));
    if (values.length !== 1) throw new NotANumber('unsupported', `${name} with ${values.length} arguments`);
    switch (name) {
      case 'sqrt':
        return this.sqrt(first);
      case 'exp':
        return this.exp(first);
      case 'ln':
        return this.log(first);
      case 'log':
        return this.divide(this.log(first), this.real(constantsAt(this.D.precision).ln10));
      case 'abs':
        return this.real(this.modulus(first));
      case 'sin':
        return this.sin(first);
      case 'cos':
        return this.cos(first);
      case 'tan':
        return this.divide(this.sin(first), this.cos(first));
      case 'cot':
        return this.divide(this.cos(first), this.sin(first));
      case 'sec':
        return this.reciprocal(this.cos(first));
      case 'csc':
        return this.reciprocal(this.sin(first));
      case 'arcsin':
      case 'asin':
        return this.asin(first);
      case 'arccos':
      case 'acos':
        if (first.im.isZero() && first.re.abs().lte(1)) return this.real(this.D.acos(first.re));
        return subtract(this.real(this.pi.div(2)), this.asin(first));
      case 'arctan':
      case 'atan':
        return this.atan(first);
      case 'arccot':
        return this.atan(this.reciprocal(first));
      case 'sinh':
      case 'cosh':
      case 'tanh': {
        const up = this.exp(first);
        const down = this.reciprocal(up);
        const sinh = { re: up.re.minus(down.re).div(2), im: up.im.minus(down.im).div(2) };
        const cosh = { re: up.re.plus(down.re).div(2), im: up.im.plus(down.im).div(2) };
        return name === 'sinh' ? sinh : name === 'cosh' ? cosh : this.divide(sinh, cosh);
      }
      case 'floor':
      case 'ceil': {
        if (!first.im.isZero()) throw new NotANumber('undefined', `${name} of a complex number`);
        const tolerance = new this.D(10).pow(-(this.D.precision - 10)).times(this.one.plus(first.re.abs()));
        const nearest = first.re.round();
        if (nearest.minus(first.re).abs().lte(tolerance)) return this.real(nearest);
        return this.real(name === 'floor' ? first.re.floor() : first.re.ceil());
      }
      default:
        throw new NotANumber('unsupported', `unknown function ${name}`);
    }
  }
}

function add(a: Complex, b: Complex): Complex {
  return { re: a.re.plus(b.re), im: a.im.plus(b.im) };
}

function subtract(a: Complex, b: Complex): Complex {
  return { re: a.re.minus(b.re), im: a.im.minus(b.im) };
}

/** A complex double: [re, im]. */
export type FloatComplex = readonly [number, number];

/** A double-precision value with the largest magnitude met, or why there is none (as for evaluateNumeric). */
export type FloatResult = { ok: true; value: FloatComplex; scale: number } | { ok: false; kind: 'undefined' | 'unsupported'; reason: string };

/**
 * evaluateNumeric in doubles: about a hundred times cheaper, for screening probe points. Rounding, overflow and
 * cancellation make it unfit to decide equality; the prober confirms with evaluateNumeric.
 */
export function evaluateFloat(value: MathNode, scope: ReadonlyMap<string, FloatComplex>, imaginaryUnits: readonly string[] = ['i']): FloatResult {
  const evaluator = new FloatEvaluator(scope, new Set(imaginaryUnits));
  try {
    const result = evaluator.evaluate(value);
    return { ok: true, value: result, scale: evaluator.scale };
  } catch (error) {
    if (error instanceof NotANumber) return { ok: false, kind: error.kind, reason: error.message };
    throw error;
  }
}

function floatMultiply(a: FloatComplex, b: FloatComplex): FloatComplex {
  return [a[0] * b[0] - a[1] * b[1], a[0] * b[1] + a[1] * b[0]];
}

function floatDivide(a: FloatComplex, b: FloatComplex): FloatComplex {
  if (b[0] === 0 && b[1] === 0) throw new NotANumber('undefined', 'division by zero');
  if (a[1] === 0 && b[1] === 0) return [a[0] / b[0], 0];
  const denominator = b[0] * b[0] + b[1] * b[1];
  return [(a[0] * b[0] + a[1] * b[1]) / denominator, (a[1] * b[0] - a[0] * b[1]) / denominator];
}

function floatExp(z: FloatComplex): FloatComplex {
  const scale = Math.exp(z[0]);
  return z[1] === 0 ? [scale, 0] : [scale * Math.cos(z[1]), scale * Math.sin(z[1])];
}

function floatLog(z: FloatComplex): FloatComplex {
  if (z[0] === 0 && z[1] === 0) throw new NotANumber('undefined', 'logarithm of 0');
  if (z[1] === 0 && z[0] > 0) return [Math.log(z[0]), 0];
  return [Math.log(Math.hypot(z[0], z[1])), Math.atan2(z[1], z[0])];
}

function floatSqrt(z: FloatComplex): FloatComplex {
  if (z[1] === 0) return z[0] >= 0 ? [Math.sqrt(z[0]), 0] : [0, Math.sqrt(-z[0])];
  const modulus = Math.hypot(z[0], z[1]);
  const im = Math.sqrt((modulus - z[0]) / 2);
  return [Math.sqrt((modulus + z[0]) / 2), z[1] < 0 ? -im : im];
}

function floatIntegerPower(base: FloatComplex, exponent: bigint): FloatComplex {
  if (exponent < 0n) return floatDivide([1, 0], floatIntegerPower(base, -exponent));
  if (base[1] === 0) return [Math.pow(base[0], Number(exponent)), 0];
  let result: FloatComplex = [1, 0];
  let square = base;
  let remaining = exponent;
  while (remaining > 0n) {
    if (remaining & 1n) result = floatMultiply(result, square);
    remaining >>= 1n;
    if (remaining > 0n) square = floatMultiply(square, square);
  }
  return result;
}

function floatSin(z: FloatComplex): FloatComplex {
  return z[1] === 0 ? [Math.sin(z[0]), 0] : [Math.sin(z[0]) * Math.cosh(z[1]), Math.cos(z[0]) * Math.sinh(z[1])];
}

function floatCos(z: FloatComplex): FloatComplex {
  return z[1] === 0 ? [Math.cos(z[0]), 0] : [Math.cos(z[0]) * Math.cosh(z[1]), -Math.sin(z[0]) * Math.sinh(z[1])];
}

function floatAsin(z: FloatComplex): FloatComplex {
  if (z[1] === 0 && Math.abs(z[0]) <= 1) return [Math.asin(z[0]), 0];
  const inner = floatSqrt([1 - (z[0] * z[0] - z[1] * z[1]), -2 * z[0] * z[1]]);
  const logarithm = floatLog([inner[0] - z[1], inner[1] + z[0]]);
  return [logarithm[1], -logarithm[0]];
}

function floatAtan(z: FloatComplex): FloatComplex {
  if (z[1] === 0) return [Math.atan(z[0]), 0];
  const left = floatLog([1 + z[1], -z[0]]);
  const right = floatLog([1 - z[1], z[0]]);
  return [-(left[1] - right[1]) / 2, (left[0] - right[0]) / 2];
}

class FloatEvaluator {
  scale = 0;

  constructor(
    private readonly scope: ReadonlyMap<string, FloatComplex>,
    private readonly imaginaryUnits: ReadonlySet<string>,
  ) {}

  evaluate(value: MathNode): FloatComplex {
    const result = this.evaluateNode(value);
    if (!Number.isFinite(result[0]) || !Number.isFinite(result[1])) throw new NotANumber('undefined', 'overflow or not a number');
    const size = Math.max(Math.abs(result[0]), Math.abs(result[1]));
    if (size > this.scale) this.scale = size;
    return result;
  }

  private evaluateNode(value: MathNode): FloatComplex {
    switch (value.kind) {
      case 'number':
        return [value.value.toNumber(), 0];
      case 'symbol': {
        if (value.name === 'pi') return [Math.PI, 0];
        if (value.name === 'e') return [Math.E, 0];
        if (this.imaginaryUnits.has(value.name)) return [0, 1];
        const bound = this.scope.get(value.name);
        if (bound !== undefined) return bound;
        throw new NotANumber('unsupported', value.name === 'infinity' ? 'infinity is not a number' : `free variable ${value.name}`);
      }
      case 'add': {
        let re = 0;
        let im = 0;
        for (const term of value.terms) {
          const result = this.evaluate(term);
          re += result[0];
          im += result[1];
        }
        return [re, im];
      }
      case 'mul':
        return value.factors.reduce<FloatComplex>((product, factor) => floatMultiply(product, this.evaluate(factor)), [1, 0]);
      case 'pow':
        return this.power(value.base, value.exponent);
      case 'func':
        return this.callFunction(value.name, value.args);
      default:
        throw new NotANumber('unsupported', `a ${value.kind} has no numeric value`);
    }
  }

  private power(baseNode: MathNode, exponentNode: MathNode): FloatComplex {
    const base = this.evaluate(baseNode);
    const baseIsZero = base[0] === 0 && base[1] === 0;
    const exact = evaluateExact(exponentNode);
    if (exact !== undefined) {
      if (baseIsZero) {
        if (exact.num > 0n) return [0, 0];
        throw new NotANumber('undefined', '0 to a non-positive power');
      }
      if (exact.den === 1n) return floatIntegerPower(base, exact.num);
      if (exact.den === 2n) return floatIntegerPower(floatSqrt(base), exact.num);
      const ratio = exact.toNumber();
      if (base[1] === 0 && base[0] > 0) return [Math.pow(base[0], ratio), 0];
      if (base[1] === 0 && exact.den % 2n === 1n) {
        const root = Math.pow(-base[0], ratio);
        return [exact.num % 2n === 0n ? root : -root, 0];
      }
      return floatExp(floatMultiply([ratio, 0], floatLog(base)));
    }
    const exponent = this.evaluate(exponentNode);
    if (baseIsZero) {
      if (exponent[0] > 0) return [0, 0];
      throw new NotANumber('undefined', '0 to a non-positive power');
    }
    if (base[1] === 0 && base[0] > 0 && exponent[1] === 0) return [Math.pow(base[0], exponent[0]), 0];
    return floatExp(floatMultiply(exponent, floatLog(base)));
  }

  private callFunction(name: string, args: readonly MathNode[]): FloatComplex {
    const values = args.map((argument) => this.evaluate(argument));
    const [first] = values;
    if (first === undefined) throw new NotANumber('unsupported', `${name} without arguments`);
    if (['factorial', 'binom', 'gcd', 'lcm'].includes(name)) {
      const integers = values.map((value) => {
        const rounded = Math.round(value[0]);
        if (value[1] !== 0 || Math.abs(rounded - value[0]) > 1e-9 * (1 + Math.abs(value[0])) || !Number.isSafeInteger(rounded)) {
          throw new NotANumber('undefined', `${name} of a non-integer`);
        }
        return BigInt(rounded);
      });
      const result = integerFunction(name, integers);
      if (result === undefined) throw new NotANumber('undefined', `${name} outside its domain`);
      return [Number(result), 0];
    }
    if (values.length === 2 && name === 'log') return floatDivide(floatLog(first), floatLog(values[1]!));
    if (values.length !== 1) throw new NotANumber('unsupported', `${name} with ${values.length} arguments`);
    switch (name) {
      case 'sqrt':
        return floatSqrt(first);
      case 'exp':
        return floatExp(first);
      case 'ln':
        return floatLog(first);
      case 'log':
        return floatDivide(floatLog(first), [Math.LN10, 0]);
      case 'abs':
        return [Math.hypot(first[0], first[1]), 0];
      case 'sin':
        return floatSin(first);
      case 'cos':
        return floatCos(first);
      case 'tan':
        return floatDivide(floatSin(first), floatCos(first));
      case 'cot':
        return floatDivide(floatCos(first), floatSin(first));
      case 'sec':
        return floatDivide([1, 0], floatCos(first));
      case 'csc':
        return floatDivide([1, 0], floatSin(first));
      case 'arcsin':
      case 'asin':
        return floatAsin(first);
      case 'arccos':
      case 'acos': {
        if (first[1] === 0 && Math.abs(first[0]) <= 1) return [Math.acos(first[0]), 0];
        const sine = floatAsin(first);
        return [Math.PI / 2 - sine[0], -sine[1]];
      }
      case 'arctan':
      case 'atan':
        return floatAtan(first);
      case 'arccot':
        return floatAtan(floatDivide([1, 0], first));
      case 'sinh':
      case 'cosh':
      case 'tanh': {
        const up = floatExp(first);
        const down = floatDivide([1, 0], up);
        const sinh: FloatComplex = [(up[0] - down[0]) / 2, (up[1] - down[1]) / 2];
        const cosh: FloatComplex = [(up[0] + down[0]) / 2, (up[1] + down[1]) / 2];
        return name === 'sinh' ? sinh : name === 'cosh' ? cosh : floatDivide(sinh, cosh);
      }
      case 'floor':
      case 'ceil': {
        if (first[1] !== 0) throw new NotANumber('undefined', `${name} of a complex number`);
        const nearest = Math.round(first[0]);
        if (Math.abs(nearest - first[0]) <= 1e-9 * (1 + Math.abs(first[0]))) return [nearest, 0];
        return [name === 'floor' ? Math.floor(first[0]) : Math.ceil(first[0]), 0];
      }
      default:
        throw new NotANumber('unsupported', `unknown function ${name}`);
    }
  }
}
