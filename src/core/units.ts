import { InvalidOptionError } from './errors.js';

/** The smallest sandbox memory limit: below it python3 cannot even start. */
export const MIN_MEMORY_BYTES = { bytes: 16 * 1024 * 1024, text: '16m', why: 'python3 alone needs that' } as const;

export interface SizeMinimum {
  readonly bytes: number;
  readonly text: string;
  readonly why: string;
}

const MAX_DURATION_MS = 24 * 60 * 60 * 1000;
const MAX_SIZE_BYTES = 1024 ** 4;

/** `10s`, `500ms`, `2m` or plain seconds -> milliseconds. */
export function parseDuration(flag: string, text: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(text.trim());
  if (match === null) throw new InvalidOptionError(flag, `expected a duration like 10s, 500ms or 2m, got "${text}"`);
  const value = Number(match[1]) * (match[2] === 'ms' ? 1 : match[2] === 'm' ? 60_000 : 1000);
  if (!(value >= 1)) throw new InvalidOptionError(flag, `must be at least 1ms, got "${text}"`);
  // Timers past 2^31 ms fire at once in Node; a day is longer than any test run should take.
  if (value > MAX_DURATION_MS) throw new InvalidOptionError(flag, `must be at most 24h (1440m), got "${text}"`);
  return Math.round(value);
}

/** `512m`, `1g`, `64k` or plain bytes -> bytes. */
export function parseSize(flag: string, text: string, minimum?: SizeMinimum): number {
  const match = /^(\d+(?:\.\d+)?)(?:([kmg])i?)?b?$/i.exec(text.trim());
  if (match === null) throw new InvalidOptionError(flag, `expected a size like 512m, 1g or 65536, got "${text}"`);
  const unit = { k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[(match[2] ?? '').toLowerCase() as 'k' | 'm' | 'g'] ?? 1;
  const value = Math.round(Number(match[1]) * unit);
  if (minimum !== undefined && value < minimum.bytes) throw new InvalidOptionError(flag, `must be at least ${minimum.text} (${minimum.why}), got "${text}"`);
  if (value < 1) throw new InvalidOptionError(flag, `must be positive, got "${text}"`);
  if (value > MAX_SIZE_BYTES) throw new InvalidOptionError(flag, `must be at most 1024g, got "${text}"`);
  return value;
}
