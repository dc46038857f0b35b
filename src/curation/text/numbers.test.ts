import fc from 'fast-check';
import { expect, test } from 'vitest';
import { containsNumberRun, extractNumbers, extractOperators, numberHashes, numberKey } from './numbers.js';

test('numbers are read as written, signed only where a minus is not an operator', () => {
  expect(extractNumbers('79-7=?')).toEqual(['79', '7']);
  expect(extractNumbers('x=-7, find x')).toEqual(['-7']);
  expect(extractNumbers('-5 + 3')).toEqual(['-5', '3']);
  expect(extractNumbers('3 - -2')).toEqual(['3', '-2']);
  expect(extractNumbers('it costs 3.50 dollars. then 4.')).toEqual(['3.50', '4']);
  expect(extractNumbers('1,000 and 007')).toEqual(['1', '000', '007']);
  expect(extractNumbers('x−3')).toEqual(['3']); // U+2212 after an operand is an operator
  expect(extractNumbers('no digits here')).toEqual([]);
  expect(extractNumbers('the aunt is three times as old; half of the 24 boys, twice a week')).toEqual(['3', '1/2', '24', 'x2']);
  expect(extractNumbers('someone, anyone, often')).toEqual([]); // number words count only as whole words
});

test('the number key is the sequence: the same numbers in the same order give the same key, anything else another', () => {
  expect(numberKey('what is 79 minus 7')).toEqual(numberKey('from 79 take away 7'));
  expect(numberKey('79-7=?')).not.toEqual(numberKey('79-8=?'));
  expect(numberKey('79-7=?')).not.toEqual(numberKey('7-79=?'));
  expect(numberKey('x=-7')).not.toEqual(numberKey('x=7'));
  expect(numberKey('1 2')).not.toEqual(numberKey('12'));
  expect(numberKey('the aunt is three times her age')).not.toEqual(numberKey('the aunt is four times her age'));
  expect(numberKey('three times 4')).toEqual(numberKey('3 times 4'));
  expect(numberKey('x-3=11,x=?')).not.toEqual(numberKey('x/3=11,x=?'));
  expect(numberKey('79 - 7 = ?')).toEqual(numberKey('79-7=?'));
  expect(numberKey('a well-known shop sells 3 pens')).toEqual(numberKey('a well known shop sells 3 pens'));
  fc.assert(
    fc.property(fc.array(fc.nat({ max: 999 }), { maxLength: 6 }), fc.array(fc.nat({ max: 999 }), { maxLength: 6 }), (numbers, others) => {
      expect(numberKey(`a ${numbers.join(' b ')} c`)).toEqual(numberKey(`d ${numbers.join(' e ')} f`));
      if (others.join() !== numbers.join()) expect(numberKey(`a ${numbers.join(' b ')} c`)).not.toEqual(numberKey(`a ${others.join(' b ')} c`));
    }),
  );
});

test('operators count where they touch a digit or a lone letter, not inside words', () => {
  expect(extractOperators('x-26=63, x=?')).toEqual(['-', '=', '=']);
  expect(extractOperators('79 \u2212 7 = ?')).toEqual(['-', '=']);
  expect(extractOperators('a+b=c')).toEqual(['+', '=']);
  expect(extractOperators('a well-known, up-to-date shop')).toEqual([]);
  expect(extractOperators('15% of 2/3')).toEqual(['%', '/']);
});

test('a text holds the numbers of another when they occur one after another in the same order', () => {
  const holds = (text: string, part: string) => {
    const numbers = numberHashes(part);
    return containsNumberRun(numberHashes(text), numbers, 0, numbers.length);
  };
  expect(holds('step 1: 2 feet, cut into 6 inch pieces, use 2 of them (3 lines)', '2 feet, 6 inches, 2 pieces')).toBe(true);
  expect(holds('two feet, 6 inches, 2 pieces', '2 feet, 6 inches, 2 pieces')).toBe(true); // number words as their values
  expect(holds('6 feet, 2 inches, 2 pieces', '2 feet, 6 inches, 2 pieces')).toBe(false); // the same numbers in other roles
  expect(holds('2 feet, 6 inches', '2 feet, 6 inches, 2 pieces')).toBe(false); // 2 twice
  expect(holds('aged 28, 18 younger, four times, three ages', 'aged 28, 18 younger, three times')).toBe(false); // one number more
  expect(holds('anything at all', 'no numbers here')).toBe(true);
  fc.assert(
    fc.property(fc.array(fc.nat({ max: 30 })), fc.array(fc.nat({ max: 30 })), fc.array(fc.nat({ max: 30 })), (numbers, before, after) => {
      expect(holds([...before, ...numbers, ...after].join(' '), numbers.join(' '))).toBe(true);
    }),
  );
});
