/** An exact rational over BigInt, always in lowest terms with a positive denominator. Never rounds. */
export class BigRational {
  readonly num: bigint;
  readonly den: bigint;

  private constructor(num: bigint, den: bigint) {
    this.num = num;
    this.den = den;
  }

  static of(num: bigint | number, den: bigint | number = 1n): BigRational {
    let n = typeof num === 'number' ? integerToBigInt(num) : num;
    let d = typeof den === 'number' ? integerToBigInt(den) : den;
    if (d === 0n) throw new RangeError('rational with zero denominator');
    if (d < 0n) {
      n = -n;
      d = -d;
    }
    const divisor = gcd(n < 0n ? -n : n, d);
    return new BigRational(n / divisor, d / divisor);
  }

  static readonly zero = new BigRational(0n, 1n);
  static readonly one = new BigRational(1n, 1n);

  /** Parses an exact decimal literal: "12", "-0.125", "1.5e-3", ".5". Returns undefined for anything else. */
  static parseDecimal(text: string): BigRational | undefined {
    const match = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d{1,6}))?$/.exec(text.trim());
    if (!match) return undefined;
    const [, sign = '', whole = '', fraction = '', exponentText] = match;
    if (whole === '' && fraction === '') return undefined;
    const digits = BigInt(`${whole}${fraction}` || '0');
    const exponent = (exponentText === undefined ? 0 : Number(exponentText)) - fraction.length;
    const signed = sign === '-' ? -digits : digits;
    return exponent >= 0 ? BigRational.of(signed * 10n ** BigInt(exponent)) : BigRational.of(signed, 10n ** BigInt(-exponent));
  }

  add(other: BigRational): BigRational {
    return BigRational.of(this.num * other.den + other.num * this.den, this.den * other.den);
  }
  sub(other: BigRational): BigRational {
    return BigRational.of(this.num * other.den - other.num * this.den, this.den * other.den);
  }
  mul(other: BigRational): BigRational {
    return BigRational.of(this.num * other.num, this.den * other.den);
  }
  div(other: BigRational): BigRational {
    if (other.num === 0n) throw new RangeError('division by zero');
    return BigRational.of(this.num * other.den, this.den * other.num);
  }
  neg(): BigRational {
    return new BigRational(-this.num, this.den);
  }
  abs(): BigRational {
    return this.num < 0n ? this.neg() : this;
  }
  /** this^exponent for an integer exponent; the caller bounds the exponent (see the math guards). */
  pow(exponent: bigint): BigRational {
    if (exponent < 0n) return BigRational.one.div(this).pow(-exponent);
    return BigRational.of(this.num ** exponent, this.den ** exponent);
  }
  equals(other: BigRational): boolean {
    return this.num === other.num && this.den === other.den;
  }
  compare(other: BigRational): -1 | 0 | 1 {
    const difference = this.num * other.den - other.num * this.den;
    return difference < 0n ? -1 : difference > 0n ? 1 : 0;
  }
  isZero(): boolean {
    return this.num === 0n;
  }
  isInteger(): boolean {
    return this.den === 1n;
  }
  /** Nearest double; may be 0 or Infinity for extreme values, so never decide equality with it. */
  toNumber(): number {
    return Number(this.num) / Number(this.den);
  }
  toString(): string {
    return this.den === 1n ? this.num.toString() : `${this.num}/${this.den}`;
  }
}

function integerToBigInt(value: number): bigint {
  if (!Number.isSafeInteger(value)) throw new RangeError(`${value} is not a safe integer`);
  return BigInt(value);
}

/** gcd of non-negative BigInts; gcd(0, 0) = 1 so it can always divide. */
export function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a === 0n ? 1n : a;
}
