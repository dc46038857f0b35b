import { Option } from 'commander';
import { z } from 'zod';
import { InvalidOptionError } from '../core/errors.js';

/** `minOperand` -> `--min-operand`. */
export function flagName(key: string): string {
  return `--${key.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}`;
}

interface JsonSchemaProperty {
  type?: string;
  enum?: unknown[];
  default?: unknown;
  description?: string;
  minimum?: number;
  maximum?: number;
}

function propertiesOf(schema: z.ZodType): Record<string, JsonSchemaProperty> {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as {
    properties?: Record<string, JsonSchemaProperty>;
  };
  return json.properties ?? {};
}

/** Ranges shown in help beside an option's default; kept apart so help can write `(1..100; default: 5)`. */
const optionRanges = new WeakMap<Option, string>();

/** Records the accepted range shown in an option's help, e.g. `0..0.5`. */
export function withRange(option: Option, range: string): Option {
  optionRanges.set(option, range);
  return option;
}

/** How a default reads in help: strings as they are typed on the command line, other values as JSON. */
function shownDefault(option: Option): string | undefined {
  if (option.defaultValueDescription !== undefined) return option.defaultValueDescription;
  const value: unknown = option.defaultValue;
  if (value === undefined || option.isBoolean()) return undefined;
  return typeof value === 'string' ? (value === '' ? '""' : value) : JSON.stringify(value);
}

/**
 * One help line for an option, the same for every command: `description (range; one of a, b; default: x)`. Commander's
 * own form quotes string defaults and not numbers, so `--count` showed `"1000"` beside `--test-count`'s `400`.
 */
export function describeOption(option: Option): string {
  const extras: string[] = [];
  const range = optionRanges.get(option);
  if (range) extras.push(range);
  if (option.argChoices) extras.push(`one of ${option.argChoices.join(', ')}`);
  const fallback = shownDefault(option);
  if (fallback !== undefined) extras.push(`default: ${fallback}`);
  return extras.length > 0 ? `${option.description} (${extras.join('; ')})` : option.description;
}

/** Commander options for every field of a config schema; values stay strings until `parseConfigFlags`. */
export function optionsFromSchema(schema: z.ZodType): Option[] {
  return Object.entries(propertiesOf(schema)).map(([key, property]) => {
    if (property.type === 'boolean') {
      return new Option(`${flagName(key)} [bool]`, `${property.description ?? ''}`).default(property.default);
    }
    const numeric = property.type === 'integer' || property.type === 'number';
    const option = new Option(`${flagName(key)} <${numeric ? 'n' : 'value'}>`, property.description ?? '');
    if (property.enum) option.choices(property.enum.map(String));
    if (property.default !== undefined) option.default(property.default);
    // zod gives .int() fields the safe-integer bounds; a bound nobody chose is noise in help.
    const minimum = property.minimum === -Number.MAX_SAFE_INTEGER ? undefined : property.minimum;
    const maximum = property.maximum === Number.MAX_SAFE_INTEGER ? undefined : property.maximum;
    if (minimum !== undefined || maximum !== undefined) {
      withRange(option, maximum === undefined ? `>= ${minimum}` : `${minimum ?? '-inf'}..${maximum}`);
    }
    return option;
  });
}

/** Whole numbers are typed in decimal digits: `1e3`, `0x10` and `1_000` are refused rather than guessed at. */
const DECIMAL_INTEGER = /^-?\d+$/;
/** Fractional options (tolerances, shares) also take a decimal point and an exponent, but never hex or Infinity. */
const DECIMAL_NUMBER = /^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

/**
 * Parses a whole-number flag written in decimal digits, within [minimum, maximum] (default 0..2^53-1), naming the flag
 * and the limit on failure.
 */
export function integerFlag(flag: string, value: string | number, minimum = 0, maximum = Number.MAX_SAFE_INTEGER): number {
  const text = typeof value === 'number' ? String(value) : value.trim();
  if (!DECIMAL_INTEGER.test(text)) throw new InvalidOptionError(flag, `expected a whole number written in digits, such as 1000; got "${value}"`);
  const number = Number(text);
  if (!Number.isSafeInteger(number)) {
    const limit = number > 0 ? `at most ${Number.MAX_SAFE_INTEGER} (2^53-1)` : `at least ${-Number.MAX_SAFE_INTEGER}`;
    throw new InvalidOptionError(flag, `${text} is too ${number > 0 ? 'large' : 'small'}: the value must be ${limit}`);
  }
  if (number < minimum) throw new InvalidOptionError(flag, `must be at least ${minimum}, got ${number}`);
  if (number > maximum) throw new InvalidOptionError(flag, `must be at most ${maximum}, got ${number}`);
  return number;
}

/** Parses a fractional flag (`0.05`, `1e-6`), naming the flag on failure; range checks are left to the caller. */
export function numberFlag(flag: string, value: string): number {
  const text = value.trim();
  const number = Number(text);
  if (!DECIMAL_NUMBER.test(text) || !Number.isFinite(number)) {
    throw new InvalidOptionError(flag, `expected a decimal number such as 0.5, got "${value}"`);
  }
  return number;
}

/** Turns parsed flags back into a config object and validates it; a failure names the flag. */
export function parseConfigFlags<Config>(schema: z.ZodType<Config>, flags: Record<string, unknown>): Config {
  const properties = propertiesOf(schema);
  const raw: Record<string, unknown> = {};
  for (const [key, property] of Object.entries(properties)) {
    const value = flags[key];
    if (value === undefined) continue;
    if (property.type === 'integer' && typeof value === 'string') {
      raw[key] = integerFlag(flagName(key), value, property.minimum ?? -Number.MAX_SAFE_INTEGER, property.maximum ?? Number.MAX_SAFE_INTEGER);
    } else if (property.type === 'number' && typeof value === 'string') {
      raw[key] = numberFlag(flagName(key), value);
    } else if (property.type === 'boolean' && typeof value === 'string') {
      if (!['true', 'false'].includes(value)) throw new InvalidOptionError(flagName(key), `expected true or false, got "${value}"`);
      raw[key] = value === 'true';
    } else {
      raw[key] = value;
    }
  }
  return parseOptions(schema, raw);
}

/** A zod issue in the words of the command line: limits and expectations, never zod's own phrasing. */
function issueMessage(issue: z.core.$ZodIssue, input: unknown): string {
  const got = input === undefined ? '' : `, got ${typeof input === 'string' ? `"${input}"` : String(input)}`;
  const measure = (origin: string) => (origin === 'string' ? ' characters' : origin === 'array' || origin === 'set' ? ' items' : '');
  switch (issue.code) {
    case 'too_small': {
      const bound = issue.inclusive === false ? 'greater than' : 'at least';
      return `must be ${bound} ${String(issue.minimum)}${measure(issue.origin)}${got}`;
    }
    case 'too_big': {
      const bound = issue.inclusive === false ? 'less than' : 'at most';
      return `must be ${bound} ${String(issue.maximum)}${measure(issue.origin)}${got}`;
    }
    case 'invalid_type':
      return `expected ${issue.expected === 'int' ? 'a whole number' : issue.expected}${got}`;
    case 'invalid_value':
      return `expected one of ${issue.values.map(String).join(', ')}${got}`;
    case 'invalid_format':
      return `${'pattern' in issue && issue.pattern ? `must match ${String(issue.pattern)}` : `is not a valid ${issue.format}`}${got}`;
    case 'not_multiple_of':
      return `must be a multiple of ${String(issue.divisor)}${got}`;
    default:
      return issue.message;
  }
}

/** Validates an options object with zod, turning the first issue into `[INVALID_OPTION] --flag: message`. */
export function parseOptions<Options>(schema: z.ZodType<Options>, raw: unknown): Options {
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  if (!issue) throw new InvalidOptionError('options', 'invalid value');
  const key = issue.path[0];
  const input = typeof key === 'string' && typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>)[key] : undefined;
  throw new InvalidOptionError(typeof key === 'string' ? flagName(key) : 'options', issueMessage(issue, input));
}

/** Parses `--shard k/n` (zero-based k). */
export function shardFlag(value: string): { index: number; count: number } {
  const match = /^(\d+)\/(\d+)$/.exec(value.trim());
  if (!match) throw new InvalidOptionError('--shard', `expected k/n such as 0/4, got "${value}"`);
  const index = Number(match[1]);
  const count = Number(match[2]);
  if (!Number.isSafeInteger(count)) throw new InvalidOptionError('--shard', `the shard count ${match[2]} is too large`);
  if (count < 1) throw new InvalidOptionError('--shard', 'the shard count n must be at least 1');
  if (index >= count) {
    throw new InvalidOptionError('--shard', `shard index ${index} is outside 0..${count - 1} (shards are numbered from 0)`);
  }
  return { index, count };
}
