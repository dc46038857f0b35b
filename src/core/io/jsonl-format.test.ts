import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { toJsonLine, toPythonFloat, toPythonJsonLine, toPythonJsonString } from './jsonl-format.js';

/** Python's `json.dumps(json.loads(line))` for each line, in one interpreter run. */
function pythonDumps(lines: readonly string[], expression = 'json.dumps(json.loads(line))'): string[] {
  const script = [
    'import json, sys',
    "lines = sys.stdin.buffer.read().decode('utf-8').split('\\n')[:-1]",
    `sys.stdout.write(''.join(${expression} + '\\n' for line in lines))`,
  ].join('\n');
  const output = execFileSync('python3', ['-c', script], { input: lines.map((line) => `${line}\n`).join(''), encoding: 'utf8' });
  return output.split('\n').slice(0, -1);
}

const anyCodeUnit = fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code));
const anyString = fc.oneof(
  fc.string({ unit: anyCodeUnit }),
  fc.string({ unit: 'binary' }),
  fc.string({ unit: fc.constantFrom('\\', '"', '\n', '\r', '\t', '\b', '\f', '\u007f', '\u0000', '\u2028', 'é', '😀', 'a') }),
);
const anyNumber = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer(),
  fc.maxSafeInteger(),
  fc.constantFrom(0, -0, 1e16, 1e15, 1e21, 1e20, 2 ** 60, 0.0001, 0.00001, 1.5e-7, 123456789012345680000, 5e-324, 1.7976931348623157e308),
);
const anyValue = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    anyString,
    anyNumber,
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value')),
    fc.dictionary(anyString, tie('value')),
  ),
})).value;

describe('toPythonJsonLine', () => {
  test('matches json.dumps(json.loads(JSON.stringify(v))) for random nested values', () => {
    const values = fc.sample(anyValue, { numRuns: 1500, seed: 42 });
    const expected = pythonDumps(values.map((value) => JSON.stringify(value)));
    const actual = values.map((value) => toPythonJsonLine(value).slice(0, -1));
    for (let index = 0; index < values.length; index += 1) {
      if (actual[index] !== expected[index]) expect({ value: values[index], line: actual[index] }).toEqual({ value: values[index], line: expected[index] });
    }
    expect(actual.length).toBe(expected.length);
  });

  test('floats are written as Python repr writes them', () => {
    const numbers = [
      ...fc.sample(fc.double({ noNaN: true, noDefaultInfinity: true }), { numRuns: 2000, seed: 7 }),
      0.1, -0.0001, 0.00001, 1e16, 1e15 + 0.5, 1234567890123456.7, 1e22, 1e-7, 5e-324, 1.7976931348623157e308, 100.5,
    ];
    // float(...) forces a float even where the text has no point.
    const expected = pythonDumps(numbers.map((number) => JSON.stringify(number)), 'repr(float(json.loads(line)))');
    expect(numbers.map((number) => toPythonFloat(Object.is(number, -0) ? 0 : number))).toEqual(
      expected.map((text) => (text === '-0.0' ? '0.0' : text)),
    );
    expect(toPythonFloat(-0)).toBe('-0.0');
  });

  test('known outputs of json.dumps', () => {
    expect(toPythonJsonLine({ a: 1, b: [1, 2.5, 'x'], c: { d: null, e: true } })).toBe(
      '{"a": 1, "b": [1, 2.5, "x"], "c": {"d": null, "e": true}}\n',
    );
    expect(toPythonJsonLine('é😀\u0001\u007f\t"\\')).toBe('"\\u00e9\\ud83d\\ude00\\u0001\\u007f\\t\\"\\\\"\n');
    expect(toPythonJsonLine([])).toBe('[]\n');
    expect(toPythonJsonLine({})).toBe('{}\n');
    expect(toPythonJsonLine([NaN, Infinity, -Infinity])).toBe('[NaN, Infinity, -Infinity]\n');
    expect(pythonDumps(['0'], "json.dumps([float('nan'), float('inf'), float('-inf')])")).toEqual(['[NaN, Infinity, -Infinity]']);
    expect(toPythonJsonLine(12345678901234567890n)).toBe('12345678901234567890\n');
    expect(toPythonJsonLine({ a: undefined, b: [undefined], c: new Date(0) })).toBe('{"b": [null], "c": "1970-01-01T00:00:00.000Z"}\n');
    expect(toPythonJsonString('plain')).toBe('"plain"');
  });

  test('refuses values JSON cannot hold', () => {
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    expect(() => toPythonJsonLine(circular)).toThrow(/circular/);
    expect(() => toPythonJsonLine(undefined)).toThrow(TypeError);
  });
});

describe('toJsonLine', () => {
  test('is compact JSON plus a newline and parses back', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const line = toJsonLine(value);
        expect(line.endsWith('\n')).toBe(true);
        expect(line.slice(0, -1)).not.toContain('\n');
        expect(JSON.parse(line)).toEqual(JSON.parse(JSON.stringify(value)));
      }),
    );
    expect(toJsonLine({ a: [1, 'b'] })).toBe('{"a":[1,"b"]}\n');
    expect(() => toJsonLine(undefined)).toThrow(TypeError);
  });
});
