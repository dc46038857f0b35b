/** One compact JSON line (`JSON.stringify` plus `\n`); throws for values JSON cannot hold (undefined, functions). */
export function toJsonLine(value: unknown): string {
  const text = JSON.stringify(value);
  if (text === undefined) throw new TypeError(`cannot write ${typeof value} as a JSON line`);
  return `${text}\n`;
}

/**
 * One line as Python's `json.dumps(value)` with default arguments writes it, plus `\n`: separators `, ` and `: `,
 * non-ASCII escaped as lowercase `\uXXXX` (UTF-16, so astral characters become surrogate pairs), NaN/Infinity as bare
 * words. Contract: `toPythonJsonLine(v) === json.dumps(json.loads(JSON.stringify(v))) + "\n"`. What JavaScript cannot
 * reproduce: Python's int/float distinction (a Python `1.0` read into JavaScript is `1` and is written `1`; `-0.0` is
 * written `0`), integers beyond 2^53 (already rounded by `JSON.parse`; pass a `bigint` to write one exactly), and key
 * order for integer-like keys (JavaScript objects list `"1"` before `"a"` whatever order the source had).
 */
export function toPythonJsonLine(value: unknown): string {
  const text = pythonJson(value, new Set());
  if (text === undefined) throw new TypeError(`cannot write ${typeof value} as a JSON line`);
  return `${text}\n`;
}

// Python's ESCAPE_ASCII matches `\\`, `"` and everything outside printable ASCII (0x20-0x7e).
const NEEDS_ESCAPE = /[\\"\u0000-\u001f\u007f-\uffff]/;
const ESCAPE_ALL = /[\\"\u0000-\u001f\u007f-\uffff]/g;
const SHORT_ESCAPES: Record<string, string> = {
  '\\': '\\\\',
  '"': '\\"',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
};

function escapeCharacter(character: string): string {
  return SHORT_ESCAPES[character] ?? `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/** A Python `json.dumps` string literal (ensure_ascii=True). */
export function toPythonJsonString(text: string): string {
  return NEEDS_ESCAPE.test(text) ? `"${text.replace(ESCAPE_ALL, escapeCharacter)}"` : `"${text}"`;
}

/** Python's `float.__repr__`: shortest round-trip digits, exponent form when the exponent is < -4 or >= 16. */
export function toPythonFloat(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return 'Infinity';
  if (value === -Infinity) return '-Infinity';
  if (value === 0) return Object.is(value, -0) ? '-0.0' : '0.0';
  const sign = value < 0 ? '-' : '';
  // toExponential() without an argument gives the shortest digits that round-trip, as Python's repr does.
  const [mantissa = '', exponentText = '0'] = Math.abs(value).toExponential().split('e');
  const digits = mantissa.replace('.', '');
  const exponent = Number(exponentText);
  const pointPosition = exponent + 1;
  if (pointPosition <= -4 || pointPosition > 16) {
    const fraction = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const exponentSign = exponent < 0 ? '-' : '+';
    return `${sign}${fraction}e${exponentSign}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }
  if (pointPosition <= 0) return `${sign}0.${'0'.repeat(-pointPosition)}${digits}`;
  if (pointPosition >= digits.length) return `${sign}${digits}${'0'.repeat(pointPosition - digits.length)}.0`;
  return `${sign}${digits.slice(0, pointPosition)}.${digits.slice(pointPosition)}`;
}

function pythonNumber(value: number): string {
  // JSON.stringify writes integral numbers below 1e21 as digits, which Python reads back as an int.
  if (Number.isInteger(value) && Math.abs(value) < 1e21) return String(value);
  return toPythonFloat(value);
}

function pythonJson(value: unknown, ancestors: Set<object>): string | undefined {
  switch (typeof value) {
    case 'string':
      return toPythonJsonString(value);
    case 'number':
      return pythonNumber(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'bigint':
      return value.toString();
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined;
  }
  if (value === null) return 'null';
  const object = value as object;
  const withToJson = object as { toJSON?: () => unknown };
  if (typeof withToJson.toJSON === 'function') return pythonJson(withToJson.toJSON(), ancestors);
  if (object instanceof Number || object instanceof String || object instanceof Boolean) {
    return pythonJson(object.valueOf(), ancestors);
  }
  if (ancestors.has(object)) throw new TypeError('cannot write a circular structure as JSON');
  ancestors.add(object);
  let text: string;
  if (Array.isArray(object)) {
    text = `[${object.map((element: unknown) => pythonJson(element, ancestors) ?? 'null').join(', ')}]`;
  } else {
    const members: string[] = [];
    for (const key of Object.keys(object)) {
      const member = pythonJson((object as Record<string, unknown>)[key], ancestors);
      if (member !== undefined) members.push(`${toPythonJsonString(key)}: ${member}`);
    }
    text = `{${members.join(', ')}}`;
  }
  ancestors.delete(object);
  return text;
}
