import fc from 'fast-check';
import { expect, test } from 'vitest';
import { extractNumbers, numberKey } from './numbers.js';

test('numbers are read as written, signed only where a minus is not an operator', () => {
  expect(extractNumbers('79-7=?')).toEqual(['79', '7']);
  expect(extractNumbers('x=-7, find x')).toEqual(['-7']);
  expect(extractNumbers('-5 + 3')).toEqual(['-5', '3']);
  expect(extractNumbers('3 - -2')).toEqual(['3', '-2']);
  expect(extractNumbers('it costs 3.50 dollars. then 4.')).toEqual(['3.50', '4']);
  expect(extractNumbers('1,000 and 007')).toEqual(['1', '000', '007']);
  expect(extractNumbers('x−3')).toEqual(['3']); // U+2212 after an operand is an operator
  expect(extractNumbers('no digits here')).toEqual([]);
});

test('the number key is the multiset: any order gives the same key, a changed number a different one', () => {
  expect(numberKey('what is 79 minus 7')).toEqual(numberKey('take 7 from 79'));
  expect(numberKey('79-7=?')).not.toEqual(numberKey('79-8=?'));
  expect(numberKey('x=-7')).not.toEqual(numberKey('x=7'));
  expect(numberKey('1 2')).not.toEqual(numberKey('12'));
  fc.assert(
    fc.property(fc.array(fc.nat({ max: 999 }), { maxLength: 6 }), (numbers) => {
      const reversed = [...numbers].reverse();
      expect(numberKey(`a ${numbers.join(' b ')} c`)).toEqual(numberKey(`d ${reversed.join(' e ')} f`));
    }),
  );
});
