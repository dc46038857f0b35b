import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { InvalidOptionError } from './errors.js';
import { MIN_MEMORY_BYTES, parseDuration, parseSize } from './units.js';

const errorOf = (run: () => unknown): InvalidOptionError => {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidOptionError);
    expect((error as InvalidOptionError).code).toBe('INVALID_OPTION');
    return error as InvalidOptionError;
  }
  throw new Error('expected an InvalidOptionError');
};

const MiB = 1024 * 1024;

describe('parseDuration', () => {
  test('milliseconds, seconds, minutes, and plain numbers as seconds', () => {
    const cases: [string, number][] = [
      ['10s', 10_000],
      ['500ms', 500],
      ['2m', 120_000],
      ['3', 3_000],
      ['1.5s', 1_500],
      ['0.25m', 15_000],
      ['0.001', 1],
      [' 10s ', 10_000],
      ['1ms', 1],
      ['1.4ms', 1],
      ['1.6ms', 2],
    ];
    for (const [text, milliseconds] of cases) expect(parseDuration('--timeout', text)).toBe(milliseconds);
  });

  test('whole numbers in each unit', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1440 }), (count) => {
        expect(parseDuration('--timeout', `${count}ms`)).toBe(count);
        expect(parseDuration('--timeout', `${count}s`)).toBe(count * 1000);
        expect(parseDuration('--timeout', `${count}`)).toBe(count * 1000);
        expect(parseDuration('--timeout', `${count}m`)).toBe(count * 60_000);
      }),
    );
  });

  test('durations past a day are refused (Node timers past 2^31 ms would fire at once)', () => {
    expect(errorOf(() => parseDuration('--timeout', '9999999999999s')).message).toBe('--timeout: must be at most 24h (1440m), got "9999999999999s"');
    expect(parseDuration('--timeout', '1440m')).toBe(86_400_000);
  });

  test('other spellings are refused, naming the flag', () => {
    for (const text of ['', ' ', 'ten', '10 s', '10S', '10MS', '10h', '10sec', '-1s', '+1s', '1e3', '.5s', '5.s', 'Infinity', 'NaN', '0x10', '1,5s', '1_000ms']) {
      expect(errorOf(() => parseDuration('--wall-timeout', text)).message).toBe(`--wall-timeout: expected a duration like 10s, 500ms or 2m, got "${text}"`);
    }
  });

  test('under a millisecond is refused', () => {
    for (const text of ['0', '0s', '0ms', '0.5ms', '0.0001']) {
      expect(errorOf(() => parseDuration('--timeout', text)).message).toBe(`--timeout: must be at least 1ms, got "${text}"`);
    }
  });
});

describe('parseSize', () => {
  test('k, m and g in binary units, any case, with an optional i and b; plain numbers are bytes', () => {
    const cases: [string, number][] = [
      ['512m', 512 * MiB],
      ['1g', 1024 * MiB],
      ['64k', 64 * 1024],
      ['65536', 65_536],
      ['512M', 512 * MiB],
      ['1G', 1024 * MiB],
      ['512mb', 512 * MiB],
      ['512MB', 512 * MiB],
      ['512MiB', 512 * MiB],
      ['4Kib', 4096],
      ['1.5k', 1536],
      ['0.5g', 512 * MiB],
      ['100b', 100],
      ['100B', 100],
      [' 64m ', 64 * MiB],
    ];
    for (const [text, bytes] of cases) expect(parseSize('--disk', text)).toBe(bytes);
  });

  test('whole numbers in each unit', () => {
    fc.assert(
      fc.property(fc.integer({ min: 16, max: 1024 }), fc.constantFrom(['k', 1024], ['m', MiB], ['g', 1024 * MiB]), fc.constantFrom('', 'b', 'ib'), fc.boolean(), (count, [unit, factor], suffix, upper) => {
        const text = `${count}${unit}${suffix}`;
        expect(parseSize('--output', upper ? text.toUpperCase() : text)).toBe(count * factor);
      }),
    );
  });

  test('sizes past 1024g are refused, and a stray i is no unit', () => {
    expect(errorOf(() => parseSize('--memory', '99999999g')).message).toBe('--memory: must be at most 1024g, got "99999999g"');
    expect(errorOf(() => parseSize('--disk', '512i')).message).toBe('--disk: expected a size like 512m, 1g or 65536, got "512i"');
  });

  test('other spellings are refused, naming the flag', () => {
    for (const text of ['', 'big', '1t', '1tb', '1 g', '-1m', '+1m', '1e6', '.5g', '1,5g', '0x100', 'm', 'Infinity', '1gg']) {
      expect(errorOf(() => parseSize('--disk', text)).message).toBe(`--disk: expected a size like 512m, 1g or 65536, got "${text}"`);
    }
  });

  test('zero bytes are refused', () => {
    for (const text of ['0', '0k', '0.4']) expect(errorOf(() => parseSize('--output', text)).message).toBe(`--output: must be positive, got "${text}"`);
  });

  test('--memory must be at least 16m; other sizes may be smaller', () => {
    expect(parseSize('--memory', '16m', MIN_MEMORY_BYTES)).toBe(16 * MiB);
    expect(parseSize('--memory', `${16 * MiB}`, MIN_MEMORY_BYTES)).toBe(16 * MiB);
    for (const text of ['15m', `${16 * MiB - 1}`, '0', '1k']) {
      expect(errorOf(() => parseSize('--memory', text, MIN_MEMORY_BYTES)).message).toBe(`--memory: must be at least 16m (python3 alone needs that), got "${text}"`);
    }
    expect(parseSize('--disk', '15m')).toBe(15 * MiB);
    expect(parseSize('--output', '1k')).toBe(1024);
  });
});
