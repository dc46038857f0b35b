import fc from 'fast-check';
import { expect, test } from 'vitest';
import { normalizeText } from './normalize.js';

test('case, runs of whitespace and Unicode compatibility forms are normalised away', () => {
  expect(normalizeText('  What IS\t79-7?\n')).toBe('what is 79-7?');
  expect(normalizeText('ＷＨＡＴ　ｉｓ　７９－７？')).toBe('what is 79-7?'); // full-width letters, digits and space
  expect(normalizeText('ﬁnd x')).toBe('find x'); // ligature
  expect(normalizeText('a\u00a0b')).toBe('a b'); // no-break space
  expect(normalizeText('ℌello')).toBe('hello'); // NFKC produces a capital, which is then lowered
});

test('normalising twice changes nothing', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (text) => {
      const once = normalizeText(text);
      expect(normalizeText(once)).toBe(once);
    }),
    { numRuns: 2000 },
  );
});
