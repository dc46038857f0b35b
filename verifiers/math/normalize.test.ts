import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { MAX_NORMALIZE_LENGTH, normalizationRules, normalizeAnswer, readTrailingUnit } from './normalize.js';

describe('normalisation table', () => {
  for (const rule of normalizationRules) {
    test(`${rule.name}: ${rule.description}`, () => {
      expect(rule.examples.length).toBeGreaterThan(0);
      for (const [input, expected] of rule.examples) expect(normalizeAnswer(input), input).toBe(expected);
    });
  }

  test('rule names are unique', () => {
    const names = normalizationRules.map((rule) => rule.name);
    expect(new Set(names).size).toBe(names.length);
  });
});

describe('normalizeAnswer', () => {
  test('thousands commas stay list separators when any comma is not a 3-digit group', () => {
    expect(normalizeAnswer('1,000, 2,000')).toBe('1000, 2000');
    expect(normalizeAnswer('0,1,-4')).toBe('0,1,-4');
    expect(normalizeAnswer('(1,2)')).toBe('(1,2)');
    expect(normalizeAnswer('\\$12,345')).toBe('12345');
    expect(normalizeAnswer('x = 1,000 or x = 2,000')).toBe('x = 1000 or x = 2000');
  });

  test('units go only after a number, and never eat a macro', () => {
    expect(normalizeAnswer('2\\sec')).toBe('2\\sec');
    expect(normalizeAnswer('x cm')).toBe('x cm');
    expect(normalizeAnswer('\\frac{1}{2}\\text{ cm}^2')).toBe('\\frac{1}{2}');
  });

  test('degrees stay inside trigonometry, where they change the value', () => {
    expect(normalizeAnswer('30°')).toBe('30');
    expect(normalizeAnswer('\\cos 30°')).toBe('\\cos 30^\\circ');
  });

  test('number words can be switched off', () => {
    expect(normalizeAnswer('twelve', { numberWords: false })).toBe('twelve');
    expect(normalizeAnswer('\\text{twelve}')).toBe('12');
    expect(normalizeAnswer('none')).toBe('none');
  });

  test('nested wrappers unwrap in one call', () => {
    expect(normalizeAnswer('\\boxed{\\text{\\textbf{15}}}')).toBe('15');
    expect(normalizeAnswer('\\boxed{\\left\\{1, 2\\right\\}}')).toBe('\\{1, 2\\}');
  });

  const fragment = fc.constantFrom(
    '\\frac', '\\dfrac', '12', '1', '2', '3', '000', ',', '{,}', '{', '}', '\\{', '\\}', '(', ')', '[', ']', ' ', '\\,', '\\!', '~',
    '\\text{', '\\mathbf{', '\\boxed{', 'cm', ' hours', 'm', '\\%', '%', 'percent', '\\$', '$', '€', 'dollars', '^\\circ', '°',
    'degrees', 'twelve', 'three', ' and ', ' or ', 'a half', 'million', 'infinity', 'oo', '\\infty', '\\emptyset', '\\varnothing',
    '\\left(', '\\right)', '\\left.', '\\sqrt', '\\sqrt[3]', 'x', 'y', '=', '\\le', '<=', '\\over', '-', '+', '.', '×', '−', '≤', 'π',
    '√', '∞', '∪', '\\cos', '\\sin', '\\pi', '/', '\\\\', '&', '\\text{ cm}', 'yes', 'B', '\\quad',
  );
  const answerLike = fc.array(fragment, { maxLength: 14 }).map((parts) => parts.join(''));

  test('normalising twice changes nothing', () => {
    fc.assert(
      fc.property(fc.oneof(answerLike, fc.string({ maxLength: 40 })), (text) => {
        const once = normalizeAnswer(text);
        expect(normalizeAnswer(once)).toBe(once);
      }),
      { numRuns: 2000 },
    );
  });

  test('a 1 MB input, inputs at the length cap and deep nesting normalise quickly', () => {
    const atCap = (unit: string): string => unit.repeat(Math.floor(MAX_NORMALIZE_LENGTH / unit.length));
    const inputs = ['1,234 '.repeat(170_000), atCap('1,234 '), atCap('1 '), atCap('x cm '), atCap('\\frac12'), atCap('{'), '\\text{'.repeat(3000) + 'x' + '}'.repeat(3000)];
    for (const text of inputs) {
      const started = performance.now();
      const normalized = normalizeAnswer(text);
      expect(performance.now() - started).toBeLessThan(5000);
      expect(normalizeAnswer(normalized)).toBe(normalized);
    }
  });
});

describe('readTrailingUnit', () => {
  test('reads the unit the trailing-units rule strips, with its power', () => {
    expect(readTrailingUnit('5\\text{ cm}')).toBe('cm');
    expect(readTrailingUnit('5 \\mathrm{m}')).toBe('m');
    expect(readTrailingUnit('4 cm^2')).toBe('cm^2');
    expect(readTrailingUnit('3\\text{ hours}')).toBe('hours');
    expect(readTrailingUnit('5')).toBeUndefined();
    expect(readTrailingUnit('x^2')).toBeUndefined();
  });

  test('a trailing \\text{} that qualifies the number ("or more", "to 4") is not stripped as a noun', () => {
    expect(normalizeAnswer('3 \\text{ or more}')).not.toBe('3');
    expect(normalizeAnswer('3\\text{ to }4')).not.toBe('3');
    expect(normalizeAnswer('12\\text{ students}')).toBe('12');
  });
});
