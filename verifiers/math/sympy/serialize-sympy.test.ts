import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { node } from '../ast.js';
import { BigRational } from '../big-rational.js';
import { parseAnswer } from '../parse.js';
import { decimalString, imaginaryUnitsOf, serializeSympy, SympyUnsupportedError } from './serialize-sympy.js';

function serialized(latex: string): string {
  const parsed = parseAnswer(latex);
  if (!parsed.ok) throw new Error(`test input does not parse: ${latex} (${parsed.reason})`);
  return serializeSympy(parsed.node, { imaginaryUnits: imaginaryUnitsOf(parsed.node, true) });
}

describe('serializeSympy', () => {
  test('numbers stay exact; decimal literals become Floats holding every digit written', () => {
    expect(serialized('-7')).toBe('-7');
    expect(serialized('\\frac{1}{3}')).toBe('Rational(1, 3)');
    expect(serialized('0.333')).toBe("Float('0.333', 15)");
    expect(serialized('40\\%')).toBe('Rational(2, 5)');
    expect(serialized('3.14159265358979323846')).toBe("Float('3.14159265358979323846', 26)");
  });

  test('constants, roots, functions and symbols use SymPy names', () => {
    expect(serialized('\\pi')).toBe('pi');
    expect(serialized('e^{i\\pi}')).toBe('Pow(E, Mul(I, pi))');
    expect(serialized('\\sqrt{2}')).toBe('sqrt(2)');
    expect(serialized('\\sqrt[3]{2}')).toBe('Pow(2, Rational(1, 3))');
    expect(serialized('\\log_2 8')).toBe('log(8, 2)');
    expect(serialized('\\ln x')).toBe('log(Symbol("x"))');
    expect(serialized('\\arcsin x')).toBe('asin(Symbol("x"))');
    expect(serialized('|x|')).toBe('Abs(Symbol("x"))');
    expect(serialized('\\infty')).toBe('oo');
    expect(serialized('-\\infty')).toBe('Mul(-1, oo)');
  });

  test('relations are unevaluated, chains are an And, j is the imaginary unit only where no i appears', () => {
    expect(serialized('y=2x+3')).toBe('Eq(Symbol("y"), Add(Mul(2, Symbol("x")), 3), evaluate=False)');
    expect(serialized('-2<x<2')).toBe('And(Lt(-2, Symbol("x"), evaluate=False), Lt(Symbol("x"), 2, evaluate=False))');
    expect(serialized('x \\ge -3')).toBe('Ge(Symbol("x"), -3, evaluate=False)');
    expect(serialized('2+3j')).toBe('Add(2, Mul(3, I))');
    expect(serialized('i+j')).toBe('Add(I, Symbol("j"))');
    expect(serializeSympy(node.symbol('j'), { imaginaryUnits: imaginaryUnitsOf(node.symbol('j'), false) })).toBe('Symbol("j")');
  });

  test('structures: tuples, sets, intervals with their open flags, unions, matrices', () => {
    expect(serialized('(1,2)')).toBe('Tuple(1, 2)');
    expect(serialized('\\{2,3\\}')).toBe('FiniteSet(2, 3)');
    expect(serialized('\\emptyset')).toBe('FiniteSet()');
    expect(serialized('[0,\\infty)')).toBe('Interval(0, oo, False, True)');
    expect(serialized('(-\\infty,-2)\\cup(2,\\infty)')).toBe('Union(Interval(Mul(-1, oo), -2, True, True), Interval(2, oo, True, True))');
    expect(serialized('\\begin{pmatrix}1&2\\\\3&4\\end{pmatrix}')).toBe('Matrix([[1, 2], [3, 4]])');
  });

  test('text, choice letters and unmapped functions are declined with a typed error', () => {
    for (const value of [node.text('yes'), node.choice('B'), node.set(node.number(BigRational.of(1)), node.text('no')), node.func('zeta', node.symbol('x'))]) {
      let thrown: unknown;
      try {
        serializeSympy(value);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(SympyUnsupportedError);
      expect((thrown as SympyUnsupportedError).code).toBe('SYMPY_UNSUPPORTED');
    }
    expect(() => serializeSympy(node.choice('E'))).toThrowErrorMatchingInlineSnapshot(`[SympyUnsupportedError: SymPy cannot express choice: (E) is a multiple-choice letter, not math]`);
  });

  test('symbol names are quoted as Python strings, so no name can escape into the expression', () => {
    expect(serializeSympy(node.symbol('a")+__import__("os'))).toBe('Symbol("a\\")+__import__(\\"os")');
  });
});

describe('decimalString', () => {
  test('writes every terminating fraction exactly, and declines the others', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }), fc.nat(12), fc.nat(12), (num, twos, fives) => {
        const den = 2n ** BigInt(twos) * 5n ** BigInt(fives);
        const text = decimalString(num, den)!;
        expect(BigRational.parseDecimal(text)!.equals(BigRational.of(num, den))).toBe(true);
      }),
    );
    expect(decimalString(1n, 3n)).toBeUndefined();
    expect(decimalString(-1n, 8n)).toBe('-0.125');
    expect(decimalString(2500000n, 1n)).toBe('2500000');
  });
});
