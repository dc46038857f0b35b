import { Option } from 'commander';
import { describe, expect, test } from 'vitest';
import { z } from 'zod';
import { InvalidOptionError } from '../core/errors.js';
import { invocationDirectory } from './invocation-directory.js';
import { describeOption, integerFlag, numberFlag, optionsFromSchema, parseConfigFlags, parseOptions, withRange } from './options.js';

const messageOf = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidOptionError);
    return (error as Error).message;
  }
  throw new Error('expected an InvalidOptionError');
};

describe('integerFlag', () => {
  test('takes whole numbers in decimal digits only', () => {
    expect(integerFlag('--count', '1000')).toBe(1000);
    expect(integerFlag('--count', ' 42 ')).toBe(42);
    expect(integerFlag('--min', '-5', -10)).toBe(-5);
    for (const text of ['1e3', '0x10', '0b1', '1_000', '1.0', '', ' ', 'Infinity', '+5']) {
      expect(messageOf(() => integerFlag('--count', text))).toBe(`--count: expected a whole number written in digits, such as 1000; got "${text}"`);
    }
  });

  test('says a value is too large, and names the limit', () => {
    expect(messageOf(() => integerFlag('--count', '99999999999999999999'))).toBe(
      '--count: 99999999999999999999 is too large: the value must be at most 9007199254740991 (2^53-1)',
    );
    expect(integerFlag('--count', '9007199254740991')).toBe(Number.MAX_SAFE_INTEGER);
    expect(messageOf(() => integerFlag('--workers', '9', 1, 8))).toBe('--workers: must be at most 8, got 9');
    expect(messageOf(() => integerFlag('--count', '-1'))).toBe('--count: must be at least 0, got -1');
  });
});

test('numberFlag takes decimals and exponents, never hex or Infinity', () => {
  expect(numberFlag('--held-out', '0.05')).toBe(0.05);
  expect(numberFlag('--tolerance', '1e-6')).toBe(1e-6);
  expect(numberFlag('--held-out', '.5')).toBe(0.5);
  for (const text of ['0x1', 'Infinity', '', '1/2', 'NaN']) expect(() => numberFlag('--held-out', text)).toThrow(InvalidOptionError);
});

describe('config flags', () => {
  const Config = z.object({
    maxOperand: z.number().int().min(1).max(100).default(10).describe('largest operand'),
    share: z.number().min(0).max(0.5).default(0.1).describe('a share'),
    name: z.string().min(2).default('ab').describe('a name'),
    mode: z.enum(['a', 'b']).default('a').describe('a mode'),
  });

  test('failures name the flag and the limit, in our words rather than zod\'s', () => {
    expect(messageOf(() => parseConfigFlags(Config, { maxOperand: '0' }))).toBe('--max-operand: must be at least 1, got 0');
    expect(messageOf(() => parseConfigFlags(Config, { maxOperand: '101' }))).toBe('--max-operand: must be at most 100, got 101');
    expect(messageOf(() => parseConfigFlags(Config, { share: '0.7' }))).toBe('--share: must be at most 0.5, got 0.7');
    expect(messageOf(() => parseConfigFlags(Config, { name: 'x' }))).toBe('--name: must be at least 2 characters, got "x"');
    expect(messageOf(() => parseOptions(Config, { mode: 'c' }))).toBe('--mode: expected one of a, b, got "c"');
    expect(messageOf(() => parseOptions(Config, { maxOperand: 1.5 }))).toBe('--max-operand: expected a whole number, got 1.5');
  });

  test('help shows range, choices and default one way: unquoted, in one pair of brackets', () => {
    const [maxOperand, , name, mode] = optionsFromSchema(Config);
    expect(describeOption(maxOperand!)).toBe('largest operand (1..100; default: 10)');
    expect(describeOption(name!)).toBe('a name (default: ab)');
    expect(describeOption(mode!)).toBe('a mode (one of a, b; default: a)');
    expect(describeOption(withRange(new Option('--workers <n>', 'threads').default(undefined, 'one per core'), '1..8'))).toBe(
      'threads (1..8; default: one per core)',
    );
    expect(describeOption(new Option('--unique', 'no repeats'))).toBe('no repeats');
  });
});

test('invocationDirectory: INIT_CWD only for the veridata script itself', () => {
  expect(invocationDirectory({ npm_lifecycle_event: 'veridata', INIT_CWD: '/home/me/sub' }, '/repo')).toBe('/home/me/sub');
  expect(invocationDirectory({ npm_lifecycle_event: 'test', INIT_CWD: '/home/me/sub' }, '/repo')).toBe('/repo');
  expect(invocationDirectory({ INIT_CWD: '/home/me/sub' }, '/repo')).toBe('/repo');
  expect(invocationDirectory({ npm_lifecycle_event: 'veridata', INIT_CWD: '' }, '/repo')).toBe('/repo');
});
