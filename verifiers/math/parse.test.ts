import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { formatNode, type MathNode } from './ast.js';
import { defaultMathPolicy } from './policy.js';
import { MAX_ANSWER_LENGTH, parseAnswer } from './parse.js';

function parsed(text: string, policy = defaultMathPolicy): MathNode {
  const result = parseAnswer(text, policy);
  if (!result.ok) throw new Error(`${text}: ${result.reason}`);
  return result.node;
}
const show = (text: string): string => formatNode(parsed(text));

describe('parseAnswer: numbers', () => {
  test('integers and decimals are exact; decimal literals are marked', () => {
    expect(show('42')).toBe('42');
    expect(show('012')).toBe('12');
    expect(show('-7')).toBe('-7');
    expect(parsed('0.25')).toMatchObject({ kind: 'number', decimal: true });
    expect(show('12.50')).toBe('25/2');
    expect(show('.75')).toBe('3/4');
    expect(parsed('12')).not.toHaveProperty('decimal');
  });

  test('scientific notation folds exactly: 1.5\\times10^3, 1.5e3, 2.5E6', () => {
    expect(show('1.5\\times10^3')).toBe('1500');
    expect(show('1.5 \\times 10^{-3}')).toBe('3/2000');
    expect(show('4.2\\cdot 10^{5}')).toBe('420000');
    expect(show('1.5e3')).toBe('1500');
    expect(show('2.5E6')).toBe('2500000');
    expect(parsed('1.5e3')).toMatchObject({ decimal: true });
    expect(show('2e-3')).toBe('1/500');
  });

  test('huge exponents are never computed here', () => {
    expect(show('1e999999')).toBe('(1 * 10^999999)');
    expect(show('3\\times 10^{5000}')).toBe('(3 * 10^5000)');
    const started = performance.now();
    expect(show('10^{10^{10}}')).toBe('10^10^10');
    expect(show('9^{9^{9^{9}}}')).toBe('9^9^9^9');
    expect(show('100000!')).toBe('factorial(100000)');
    expect(performance.now() - started).toBeLessThan(5000);
  });

  test('fractions: \\frac, \\frac12, a/b, {a \\over b}; division is a power -1', () => {
    expect(show('\\frac{1}{2}')).toBe('1/2');
    expect(show('\\frac12')).toBe('1/2');
    expect(show('\\dfrac{3}{4}')).toBe('3/4');
    expect(show('{1 \\over 2}')).toBe('1/2');
    expect(show('1/2')).toBe('1/2');
    expect(show('\\frac{x}{2}')).toBe('(x * 2^-1)');
    expect(show('\\frac{1}{x+1}')).toBe('(x + 1)^-1');
    expect(show('\\frac{1}{0}')).toBe('0^-1');
    expect(show('x/y/z')).toBe('(x * y^-1 * z^-1)');
  });

  test('unsimplified fractions keep their form when the policy refuses them', () => {
    expect(show('\\frac{10}{24}')).toBe('5/12');
    expect(formatNode(parsed('\\frac{10}{24}', { ...defaultMathPolicy, unsimplifiedFractions: false }))).toBe('(10 * 24^-1)');
  });

  test('mixed numbers: 2\\frac12 and 2 1/2 mean 5/2, never 2*(1/2)', () => {
    expect(show('2\\frac12')).toBe('5/2');
    expect(show('2\\frac{1}{2}')).toBe('5/2');
    expect(show('2 1/2')).toBe('5/2');
    expect(show('-1\\frac{1}{2}')).toBe('-3/2');
    expect(show('1\\tfrac{3}{4}')).toBe('7/4');
    expect(show('21/2')).toBe('21/2');
    expect(show('2\\frac{3}{2}')).toBe('(2 * 3/2)');
    expect(show('2\\frac{x}{2}')).toBe('(2 * x * 2^-1)');
  });

  test('repeating decimals are exact', () => {
    expect(show('0.\\overline{3}')).toBe('1/3');
    expect(show('0.1\\overline{6}')).toBe('1/6');
    expect(show('1.\\overline{142857}')).toBe('8/7');
    expect(parsed('0.\\overline{3}')).not.toHaveProperty('decimal');
  });

  test('percent: value/100 marked percent', () => {
    expect(parsed('40\\%')).toMatchObject({ kind: 'number', percent: true });
    expect(show('40\\%')).toBe('2/5');
    expect(show('28 percent')).toBe('7/25');
    expect(show('12.5%')).toBe('1/8');
    expect(show('x\\%')).toBe('(x * 1/100)');
  });

  test('thousands separators and currency', () => {
    expect(show('1{,}000')).toBe('1000');
    expect(show('1\\,000')).toBe('1000');
    expect(show('1 000 000')).toBe('1000000');
    expect(show('1,234')).toBe('1234');
    expect(show('\\$12.50')).toBe('25/2');
    expect(show('€3')).toBe('3');
    expect(show('12 dollars')).toBe('12');
    expect(show('\\$2.5\\text{ million}')).toBe('2500000');
  });

  test('units and degrees: the unit the gold uses is dropped; degrees inside trigonometry become radians', () => {
    expect(show('3\\text{ hours}')).toBe('3');
    expect(show('5 cm')).toBe('5');
    expect(show('10^\\circ')).toBe('10');
    expect(show('30°')).toBe('30');
    expect(show('\\cos 30^\\circ')).toBe('cos((30 * 1/180 * pi))');
    expect(show('\\{30^\\circ, 150^\\circ\\}')).toBe('{30, 150}');
  });

  test('number words', () => {
    expect(show('twelve')).toBe('12');
    expect(show('three and a half')).toBe('7/2');
    expect(show('two and three')).toBe('{2, 3}');
    expect(show('three hundred and two')).toBe('302');
    expect(parseAnswer('twelve', { ...defaultMathPolicy, numberWords: false })).toMatchObject({ ok: true, node: { kind: 'text' } });
  });
});

describe('parseAnswer: expressions', () => {
  test('constants and symbols: \\pi, e, i, \\infty, greek, subscripts', () => {
    expect(show('\\pi')).toBe('pi');
    expect(show('π')).toBe('pi');
    expect(show('e')).toBe('e');
    expect(show('i')).toBe('i');
    expect(show('\\infty')).toBe('infinity');
    expect(show('oo')).toBe('infinity');
    expect(show('-\\infty')).toBe('(-1 * infinity)');
    expect(show('\\theta')).toBe('theta');
    expect(show('x_1 + a_{n}')).toBe('(x_1 + a_n)');
  });

  test('j is the imaginary unit only when no i appears, per policy', () => {
    expect(show('2+3j')).toBe('(2 + (3 * i))');
    expect(show('i+j')).toBe('(i + j)');
    expect(formatNode(parsed('2+3j', { ...defaultMathPolicy, jIsImaginary: false }))).toBe('(2 + (3 * j))');
  });

  test('implicit multiplication: 2x, 2\\pi, 3\\sqrt2, x y, 2(x+1)', () => {
    expect(show('2x')).toBe('(2 * x)');
    expect(show('2\\pi')).toBe('(2 * pi)');
    expect(show('3\\sqrt2')).toBe('(3 * 2^1/2)');
    expect(show('x y')).toBe('(x * y)');
    expect(show('2(x+1)')).toBe('(2 * (x + 1))');
    expect(show('\\pi r^2')).toBe('(pi * r^2)');
    expect(show('(x+1)(x-1)')).toBe('((x + 1) * (x + -1))');
  });

  test('subtraction adds a negated term; unary minus is a factor of -1', () => {
    expect(show('a-b')).toBe('(a + (-1 * b))');
    expect(show('-x^2')).toBe('(-1 * x^2)');
    expect(show('1-\\frac{1}{e}')).toBe('(1 + (-1 * e^-1))');
    expect(show('3-2')).toBe('(3 + -2)');
  });

  test('powers with braces, roots, \\sqrt[n]', () => {
    expect(show('x^2')).toBe('x^2');
    expect(show('x^{2y}')).toBe('x^(2 * y)');
    expect(show('2^{-1}')).toBe('2^-1');
    expect(show('\\sqrt{2}')).toBe('2^1/2');
    expect(show('\\sqrt3')).toBe('3^1/2');
    expect(show('\\sqrt[3]{2}')).toBe('2^1/3');
    expect(show('\\sqrt[n]{x}')).toBe('x^n^-1');
    expect(show('e^{i\\pi}')).toBe('e^(i * pi)');
  });

  test('functions: \\sin x, \\sin^2 x, \\sin^{-1}, \\log_2 8, \\ln, |x|, n!, \\binom', () => {
    expect(show('\\sin x')).toBe('sin(x)');
    expect(show('\\sin 2x')).toBe('sin((2 * x))');
    expect(show('\\sin(x)^2')).toBe('sin(x)^2');
    expect(show('\\sin^2 x')).toBe('sin(x)^2');
    expect(show('\\sin^{-1} x')).toBe('arcsin(x)');
    expect(show('2\\sin x\\cos x')).toBe('(2 * sin(x) * cos(x))');
    expect(show('\\sin x + 1')).toBe('(sin(x) + 1)');
    expect(show('\\log_2 8')).toBe('log(8, 2)');
    expect(show('\\log_{10}(x+1)')).toBe('log((x + 1), 10)');
    expect(show('\\log x')).toBe('log(x)');
    expect(show('\\ln(x+1)')).toBe('ln((x + 1))');
    expect(show('|x|')).toBe('abs(x)');
    expect(show('|x-1|+|x|')).toBe('(abs((x + -1)) + abs(x))');
    expect(show('n!')).toBe('factorial(n)');
    expect(show('\\binom{5}{2}')).toBe('binom(5, 2)');
    expect(show('\\gcd(4, 6)')).toBe('gcd(4, 6)');
    expect(show('\\lfloor x \\rfloor')).toBe('floor(x)');
    expect(show('sqrt(2)')).toBe('2^1/2');
    expect(show('\\exp(2)')).toBe('e^2');
  });

  test('\\pm becomes the set of both signs', () => {
    expect(show('\\pm 2')).toBe('{2, -2}');
    expect(show('1 \\pm \\sqrt{2}')).toBe('{(1 + 2^1/2), (1 + (-1 * 2^1/2))}');
    expect(show('x = \\pm 3')).toBe('{3, -3}');
    expect(parseAnswer('\\pm1\\pm1\\pm1\\pm1\\pm1')).toEqual({ ok: false, reason: 'too many \\pm' });
  });
});

describe('parseAnswer: structure', () => {
  test('relations and chains', () => {
    expect(show('x = 5')).toBe('x = 5');
    expect(show('3 < x \\le 7')).toBe('3 < x <= 7');
    expect(show('a=b=7')).toBe('a = b = 7');
    expect(show('x \\ne 2')).toBe('x != 2');
    expect(show('x >= 2')).toBe('x >= 2');
    expect(show('y=2x+3')).toBe('y = ((2 * x) + 3)');
    expect(parsed('3 < x \\le 7')).toMatchObject({ kind: 'relation', operators: ['<', '<='] });
  });

  test('solution lists: "x = 2 or x = 3", "2 and 3", "x=2, 3" are sets of values', () => {
    expect(show('x = 2 or x = 3')).toBe('{2, 3}');
    expect(show('2 and 3')).toBe('{2, 3}');
    expect(show('x=2, 3')).toBe('{2, 3}');
    expect(show('2, 3')).toBe('{2, 3}');
    expect(show('x = 1, y = 2')).toBe('{x = 1, y = 2}');
    expect(show('x \\in \\{1, 2\\}')).toBe('{1, 2}');
    expect(show('x_1 = 2, x_2 = 3')).toBe('{2, 3}');
    expect(show('\\frac{-1 \\pm \\sqrt{5}}{2}')).toBe('{((-1 + 5^1/2) * 2^-1), ((-1 + (-1 * 5^1/2)) * 2^-1)}');
  });

  test('set-builder notation reads as its condition; \\mathbb{R} is the whole line', () => {
    expect(show('\\{x \\mid x > 2\\}')).toBe('x > 2');
    expect(show('\\{x : x>0\\}')).toBe('x > 0');
    expect(show('\\mathbb{R}')).toBe('((-1 * infinity), infinity)');
    expect(show('\\lbrace 1,2 \\rbrace')).toBe('{1, 2}');
  });

  test('tuples are ordered; (a, b) is a tuple unless an end is infinite', () => {
    expect(parsed('(1,2)')).toMatchObject({ kind: 'tuple' });
    expect(show('(1, 2, 3)')).toBe('(1, 2, 3)');
    expect(show('\\langle 1, 2\\rangle')).toBe('(1, 2)');
    expect(show('(\\sqrt2,1)')).toBe('(2^1/2, 1)');
  });

  test('intervals and unions', () => {
    expect(show('[0,\\infty)')).toBe('[0, infinity)');
    expect(show('\\left[0,\\infty\\right)')).toBe('[0, infinity)');
    expect(show('(3,\\infty)')).toBe('(3, infinity)');
    expect(show('[1, 2]')).toBe('[1, 2]');
    expect(show('(1, 2]')).toBe('(1, 2]');
    expect(show('(-\\infty,-2)\\cup(2,\\infty)')).toBe('((-1 * infinity), -2) U (2, infinity)');
    expect(show('(-oo, 1) U (2, oo)')).toBe('((-1 * infinity), 1) U (2, infinity)');
    expect(show('x \\in [0, 1]')).toBe('[0, 1]');
    expect(parsed('[(1, 2), (3, 4)]')).toMatchObject({ kind: 'tuple' });
    expect(parseAnswer('((1, 2), 3]')).toMatchObject({ ok: false });
  });

  test('sets and the empty set', () => {
    expect(show('\\{1,2,3\\}')).toBe('{1, 2, 3}');
    expect(show('\\left\\{1, 2\\right\\}')).toBe('{1, 2}');
    expect(show('\\emptyset')).toBe('{}');
    expect(show('\\varnothing')).toBe('{}');
    expect(show('\\{\\}')).toBe('{}');
    expect(show('∅')).toBe('{}');
  });

  test('matrices: pmatrix, bmatrix, column vectors, a scalar factor; vmatrix is refused', () => {
    expect(show('\\begin{pmatrix}a&b\\\\c&d\\end{pmatrix}')).toBe('[[a, b], [c, d]]');
    expect(show('\\begin{bmatrix} 1 & 0 \\\\ 0 & 1 \\end{bmatrix}')).toBe('[[1, 0], [0, 1]]');
    expect(show('\\begin{pmatrix}1\\\\2\\end{pmatrix}')).toBe('[[1], [2]]');
    expect(show('\\frac{1}{5}\\begin{pmatrix}1&2\\\\2&4\\end{pmatrix}')).toBe('[[1/5, 2/5], [2/5, 4/5]]');
    expect(parseAnswer('\\begin{vmatrix}1&2\\\\3&4\\end{vmatrix}')).toEqual({ ok: false, reason: 'determinant (vmatrix) is not supported' });
    expect(parseAnswer('\\begin{pmatrix}1&2\\\\3\\end{pmatrix}')).toEqual({ ok: false, reason: 'matrix rows of different lengths' });
  });

  test('multiple-choice letters, only when the whole answer is one letter A-E', () => {
    for (const text of ['B', '(B)', 'B)', 'B.', '\\text{(B)}', '\\textbf{(B)}', '(B) 42', 'Option B']) expect(show(text), text).toBe('(B)');
    expect(show('E')).toBe('(E)');
    expect(show('e')).toBe('e');
    expect(show('F')).toBe('F');
  });

  test('text answers', () => {
    expect(parsed('yes')).toEqual({ kind: 'text', value: 'yes' });
    expect(parsed('\\text{Tuesday}')).toEqual({ kind: 'text', value: 'Tuesday' });
    expect(parsed('\\text{no solution}')).toEqual({ kind: 'text', value: 'no solution' });
    expect(parsed('YES')).toEqual({ kind: 'text', value: 'YES' });
    expect(parsed('DNE')).toEqual({ kind: 'text', value: 'DNE' });
    expect(parsed('infinitely many')).toEqual({ kind: 'text', value: 'infinitely many' });
    expect(parsed('one-to-one')).toEqual({ kind: 'text', value: 'one-to-one' });
    expect(show('xy')).toBe('(x * y)');
    expect(show('\\theta')).toBe('theta');
  });

  test('unparseable input says why', () => {
    expect(parseAnswer('')).toEqual({ ok: false, reason: 'empty' });
    expect(parseAnswer('(1, 2')).toMatchObject({ ok: false });
    expect(parseAnswer('\\frac{1}{2')).toMatchObject({ ok: false });
    expect(parseAnswer('2 3')).toMatchObject({ ok: false });
    expect(parseAnswer('\\foo{1}')).toEqual({ ok: false, reason: 'unsupported \\foo' });
    expect(parseAnswer('\\text{either } 4 \\text{ or } 5')).toEqual({ ok: false, reason: 'text inside an expression' });
  });
});

describe('parseAnswer: fixture and robustness', () => {
  const cases = readFileSync(new URL('../../../shared/data/math-cases-public.jsonl', import.meta.url), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { id: string; gold: string });

  test('every non-empty gold in the public fixture parses (the empty gold of pub-132 is refused)', () => {
    const failures = cases.filter((row) => row.gold !== '' && !parseAnswer(row.gold).ok).map((row) => row.id);
    expect(failures).toEqual([]);
    expect(parseAnswer('')).toMatchObject({ ok: false });
  });

  test('a brace-less argument takes one digit, as TeX does, and anything else is refused, not a crash', () => {
    const read = (text: string) => {
      const result = parseAnswer(text);
      return result.ok ? formatNode(result.node) : `refused: ${result.reason}`;
    };
    expect(read('\\sqrt12')).toBe(read('\\sqrt{1}2'));
    expect(read('\\frac12')).toBe(read('\\frac{1}{2}'));
    expect(read('\\frac.1,000')).toMatch(/^refused: (?!parser bug)/);
    expect(read('\\frac1.5')).toMatch(/^refused: (?!parser bug)/);
  });

  test('random strings never throw', () => {
    const piece = fc.constantFrom('\\frac', '{', '}', '(', ')', '[', ']', '\\{', '\\}', '|', '^', '_', '\\sqrt', '\\sin', '1', '2.5', 'x', '-', '+', ',', '=', '<', '\\le', '\\pm', '\\begin{pmatrix}', '\\end{pmatrix}', '&', '\\\\', '\\text{', '!', '%', '\\cup', ' ', 'e3', '\\times', '10', '\\left(', 'and', '\\circ', "'", '\\infty', '\\log', '/', '\\overline{', '\\mathbb{R}', '\\mid', ':', '\\langle', '\\rangle', '±', '√', '°', '_', '\\lfloor', '\\rfloor', 'j', 'i', '(B)', 'yes', '\\over', '.', '\\$', '1,000', ' or ');
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 60 }), fc.array(piece, { maxLength: 30 }).map((parts) => parts.join(''))), (text) => {
        const result = parseAnswer(text);
        expect(typeof result.ok).toBe('boolean');
        if (!result.ok) expect(result.reason).not.toMatch(/^parser bug/);
      }),
      { numRuns: 3000 },
    );
  });

  test('a 1 MB input and 3000-deep nesting return quickly without throwing', () => {
    const inputs = [
      '1+'.repeat(500_000),
      '('.repeat(3000) + '1' + ')'.repeat(3000),
      '\\frac{'.repeat(3000) + '1' + '}{2}'.repeat(3000),
      '\\sqrt{'.repeat(3000) + '2' + '}'.repeat(3000),
      '-'.repeat(3000) + '1',
      'x^'.repeat(3000) + '2',
      '2^{'.repeat(3000) + '2' + '}'.repeat(3000),
      '|'.repeat(3000),
      '\\left('.repeat(3000) + 'x' + '\\right)'.repeat(3000),
    ];
    for (const text of inputs) {
      const started = performance.now();
      const result = parseAnswer(text);
      expect(performance.now() - started).toBeLessThan(5000);
      expect(result.ok).toBe(false);
    }
    expect(parseAnswer('1+'.repeat(500_000))).toEqual({ ok: false, reason: 'too long' });
    expect(parseAnswer('('.repeat(3000) + '1' + ')'.repeat(3000))).toEqual({ ok: false, reason: 'too deep' });
    expect(parseAnswer('x+'.repeat(MAX_ANSWER_LENGTH / 2 - 1) + 'x').ok).toBe(true);
  });
});

describe('multiple choice with two letters', () => {
  test('an answer naming a second choice is not read as the first letter', () => {
    for (const text of ['(A) and (C)', '(A) or (B)', 'A and C', '(A), (C)']) {
      const parsed = parseAnswer(text);
      expect(parsed.ok && parsed.node.kind === 'choice').toBe(false);
    }
    expect(parseAnswer('(C) 7')).toMatchObject({ ok: true, node: { kind: 'choice' } });
    expect(parseAnswer('C. 12')).toMatchObject({ ok: true, node: { kind: 'choice' } });
  });
});

describe('parseAnswer: numbers in other bases', () => {
  const value = (text: string): string | undefined => {
    const parsed = parseAnswer(text, defaultMathPolicy);
    return parsed.ok ? formatNode(parsed.node) : undefined;
  };
  test('a base subscript is read as the value', () => {
    expect(value('1011_2')).toBe('11');
    expect(value('10_{8}')).toBe('8');
    expect(value('101_{16}')).toBe('257');
  });
  test('digits outside the base, fractional digits and subscripted expressions are unreadable', () => {
    expect(value('12_2')).toBeUndefined();
    expect(value('1.5_2')).toBeUndefined();
    expect(value('(x+1)_2')).toBeUndefined();
    expect(value('10_1')).toBeUndefined();
    expect(value('x_1')).toBe('x_1');
  });
});
