import { describe, expect, test } from 'vitest';
import { offByOne, parseNegativeMix } from './negatives.js';

describe('negatives', () => {
  test('the last-resort off-by-one keeps the gold answer format', () => {
    expect(offByOne('72').answer).toBe('73');
    expect(offByOne('-1').answer).toBe('0');
    expect(offByOne('3/4').answer).toBe('7/4');
    expect(offByOne('12.5').answer).toBe('13.5');
    expect(offByOne('25%').answer).toBe('26%');
  });

  test('a mix is parsed with weights, and bad mixes name the problem', () => {
    expect(parseNegativeMix('refusal,wrong:3')).toEqual({ kinds: ['refusal', 'wrong'], weights: [1, 3] });
    expect(() => parseNegativeMix('wrong:0')).toThrow(/--negatives: weight of "wrong" must be a positive number, got "0"/);
    expect(() => parseNegativeMix('wrong,wrong')).toThrow(/"wrong" is listed twice/);
    expect(() => parseNegativeMix(' , ')).toThrow(/name at least one kind/);
  });
});
