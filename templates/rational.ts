/** An exact rational with safe-integer parts, always in lowest terms with a positive denominator. */
export class Rational {
  readonly num: number;
  readonly den: number;

  private constructor(num: number, den: number) {
    this.num = num;
    this.den = den;
  }

  /** n/d in lowest terms; throws on a zero denominator or parts that are not safe integers. */
  static of(num: number, den = 1): Rational {
    if (!Number.isSafeInteger(num) || !Number.isSafeInteger(den)) {
      throw new RangeError(`rational ${num}/${den}: parts must be safe integers`);
    }
    if (den === 0) throw new RangeError('rational with zero denominator');
    if (den < 0) {
      num = -num;
      den = -den;
    }
    const divisor = gcd(Math.abs(num), den);
    return new Rational(num / divisor || 0, den / divisor);
  }

  /** Parses "7", "-3/4", "2.5", "12.5%" (percent kept as its number: "12.5%" is 25/2). */
  static parse(text: string): Rational {
    const trimmed = text.trim().replace(/%$/, '');
    const fraction = /^(-?\d+)\/(\d+)$/.exec(trimmed);
    if (fraction) return Rational.of(Number(fraction[1]), Number(fraction[2]));
    const decimal = /^(-?)(\d+)(?:\.(\d+))?$/.exec(trimmed);
    if (!decimal) throw new RangeError(`not a rational: "${text}"`);
    const digits = decimal[3] ?? '';
    const magnitude = Number(`${decimal[2]}${digits}`);
    return Rational.of(decimal[1] === '-' ? -magnitude : magnitude, 10 ** digits.length);
  }

  static readonly zero = new Rational(0, 1);
  static readonly one = new Rational(1, 1);

  add(other: Rational): Rational {
    return Rational.of(this.num * other.den + other.num * this.den, this.den * other.den);
  }
  sub(other: Rational): Rational {
    return Rational.of(this.num * other.den - other.num * this.den, this.den * other.den);
  }
  mul(other: Rational): Rational {
    return Rational.of(this.num * other.num, this.den * other.den);
  }
  div(other: Rational): Rational {
    if (other.num === 0) throw new RangeError('division by zero');
    return Rational.of(this.num * other.den, this.den * other.num);
  }
  neg(): Rational {
    return Rational.of(-this.num, this.den);
  }
  equals(other: Rational): boolean {
    return this.num === other.num && this.den === other.den;
  }
  compare(other: Rational): number {
    return Math.sign(this.num * other.den - other.num * this.den);
  }
  isInteger(): boolean {
    return this.den === 1;
  }
  /** True when the value has a finite decimal expansion (denominator of the form 2^a 5^b). */
  isTerminating(): boolean {
    let d = this.den;
    while (d % 2 === 0) d /= 2;
    while (d % 5 === 0) d /= 5;
    return d === 1;
  }

  /** Canonical fraction text: "7", "-3/4". */
  toString(): string {
    return this.den === 1 ? String(this.num) : `${this.num}/${this.den}`;
  }

  /** Exact decimal text ("12.5", "-0.125"); throws if the expansion does not terminate. */
  toDecimal(): string {
    if (!this.isTerminating()) throw new RangeError(`${this.toString()} has no finite decimal expansion`);
    if (this.den === 1) return String(this.num);
    let scale = 0;
    let den = this.den;
    let num = Math.abs(this.num);
    while (den !== 1) {
      // Multiply through by 10 until the denominator divides out; both stay exact for the small values used here.
      num *= 10;
      scale += 1;
      const divisor = gcd(num, den);
      num /= divisor;
      den /= divisor;
    }
    const digits = String(num).padStart(scale + 1, '0');
    const text = `${digits.slice(0, -scale)}.${digits.slice(-scale)}`.replace(/\.?0+$/, '');
    return this.num < 0 ? `-${text}` : text;
  }

  /** Mixed-number text for improper fractions ("1 3/4"), plain text otherwise. */
  toMixed(): string {
    if (this.den === 1 || Math.abs(this.num) < this.den) return this.toString();
    const whole = Math.trunc(this.num / this.den);
    const rest = Math.abs(this.num) % this.den;
    return `${whole} ${rest}/${this.den}`;
  }
}

/** Greatest common divisor of two non-negative safe integers (gcd(0, 0) = 1 so it can always divide). */
export function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a === 0 ? 1 : a;
}
