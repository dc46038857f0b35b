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

/** Describes a config schema's options for help and `--list`: flag, type, default, description. */
export function describeOptions(schema: z.ZodType): { flag: string; type: string; default: unknown; description: string }[] {
  return Object.entries(propertiesOf(schema)).map(([key, property]) => ({
    flag: flagName(key),
    type: property.enum ? property.enum.join('|') : (property.type ?? 'value'),
    default: property.default,
    description: property.description ?? '',
  }));
}

/** Commander options for every field of a config schema; values stay strings until `parseConfigFlags`. */
export function optionsFromSchema(schema: z.ZodType): Option[] {
  return Object.entries(propertiesOf(schema)).map(([key, property]) => {
    const range =
      property.minimum !== undefined || property.maximum !== undefined
        ? ` (${property.minimum ?? '-inf'}..${property.maximum ?? 'inf'})`
        : '';
    if (property.type === 'boolean') {
      return new Option(`${flagName(key)} [bool]`, `${property.description ?? ''}`).default(property.default);
    }
    const option = new Option(`${flagName(key)} <${property.type === 'integer' || property.type === 'number' ? 'n' : 'value'}>`, `${property.description ?? ''}${range}`);
    if (property.enum) option.choices(property.enum.map(String));
    if (property.default !== undefined) option.default(property.default);
    return option;
  });
}

/** Turns parsed flags back into a config object and validates it; a failure names the flag. */
export function parseConfigFlags<Config>(schema: z.ZodType<Config>, flags: Record<string, unknown>): Config {
  const properties = propertiesOf(schema);
  const raw: Record<string, unknown> = {};
  for (const [key, property] of Object.entries(properties)) {
    const value = flags[key];
    if (value === undefined) continue;
    if ((property.type === 'integer' || property.type === 'number') && typeof value === 'string') {
      const number = Number(value);
      if (value.trim() === '' || !Number.isFinite(number)) {
        throw new InvalidOptionError(flagName(key), `expected a number, got "${value}"`);
      }
      raw[key] = number;
    } else if (property.type === 'boolean' && typeof value === 'string') {
      if (!['true', 'false'].includes(value)) throw new InvalidOptionError(flagName(key), `expected true or false, got "${value}"`);
      raw[key] = value === 'true';
    } else {
      raw[key] = value;
    }
  }
  return parseOptions(schema, raw);
}

/** Validates an options object with zod, turning the first issue into `[INVALID_OPTION] --flag: message`. */
export function parseOptions<Options>(schema: z.ZodType<Options>, raw: unknown): Options {
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const key = issue?.path[0];
  throw new InvalidOptionError(typeof key === 'string' ? flagName(key) : 'options', issue?.message ?? 'invalid value');
}

/** Parses a non-negative integer flag, naming the flag on failure. */
export function integerFlag(flag: string, value: string | number, minimum = 0): number {
  const number = typeof value === 'number' ? value : Number(value);
  if (typeof value === 'string' && value.trim() === '') throw new InvalidOptionError(flag, 'expected an integer, got ""');
  if (!Number.isSafeInteger(number)) throw new InvalidOptionError(flag, `expected an integer, got "${value}"`);
  if (number < minimum) throw new InvalidOptionError(flag, `must be at least ${minimum}, got ${number}`);
  return number;
}

/** Parses `--shard k/n` (zero-based k). */
export function shardFlag(value: string): { index: number; count: number } {
  const match = /^(\d+)\/(\d+)$/.exec(value.trim());
  if (!match) throw new InvalidOptionError('--shard', `expected k/n such as 0/4, got "${value}"`);
  const index = Number(match[1]);
  const count = Number(match[2]);
  if (count < 1) throw new InvalidOptionError('--shard', 'the shard count n must be at least 1');
  if (index >= count) {
    throw new InvalidOptionError('--shard', `shard index ${index} is outside 0..${count - 1} (shards are numbered from 0)`);
  }
  return { index, count };
}
