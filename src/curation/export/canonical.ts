import type { z } from 'zod';
import { LoosePair } from '../../core/schemas/pair.js';
import { Problem } from '../../core/schemas/problem.js';
import { Response } from '../../core/schemas/response.js';
import { type CanonicalField, type FieldOverrides, RecordAliases, type RecordKind, resolveRecord } from '../../core/schemas/aliases.js';
import type { CanonicalRecord, ExportFormat } from './export-format.js';

/** The schema each input kind is validated with. */
export const kindSchemas: { readonly [Kind in RecordKind]: z.ZodType<Extract<CanonicalRecord, { kind: Kind }>['record']> } = {
  pair: LoosePair,
  response: Response,
  problem: Problem,
};

/** The canonical fields whose raw source fields a row of each kind is built from (the rest goes to meta). */
const usedFields: Record<RecordKind, readonly CanonicalField[]> = {
  pair: ['id', 'prompt', 'chosen', 'rejected'],
  response: ['id', 'prompt', 'response'],
  problem: ['id', 'prompt', 'answer', 'tests'],
};

function present(raw: Readonly<Record<string, unknown>>, name: string): boolean {
  if (Object.hasOwn(raw, name) || !name.includes('.')) return raw[name] !== undefined && raw[name] !== null;
  let value: unknown = raw;
  for (const part of name.split('.')) {
    if (typeof value !== 'object' || value === null || !Object.hasOwn(value, part)) return false;
    value = (value as Record<string, unknown>)[part];
  }
  return value !== undefined && value !== null;
}

/**
 * The raw field a canonical field is read from, by the rules of `resolveRecord`: the override when given (a dotted
 * path counts as its first segment), else the first alias holding a non-null value.
 */
export function sourceField(raw: Readonly<Record<string, unknown>>, field: CanonicalField, overrides: FieldOverrides): string | undefined {
  const override = overrides[field];
  if (override !== undefined) return Object.hasOwn(raw, override) ? override : override.split('.')[0];
  return RecordAliases[field].find((name) => present(raw, name));
}

/** The kind a raw record looks like: a pair when it has chosen and rejected, a response when it has a response, else a problem. */
export function detectKind(raw: Readonly<Record<string, unknown>>, overrides: FieldOverrides): RecordKind {
  const has = (field: CanonicalField) => {
    const source = overrides[field] ?? RecordAliases[field].find((name) => present(raw, name));
    return source !== undefined && present(raw, source);
  };
  if (has('chosen') && has('rejected')) return 'pair';
  if (has('response')) return 'response';
  return 'problem';
}

/**
 * The kind a format reads a file as: the one the first record looks like when the format takes it, else the format's
 * usual kind (then validation names the missing field, e.g. `field "chosen"` for a response given to trl-dpo).
 */
export function chooseKind(format: ExportFormat, detected: RecordKind): RecordKind {
  return format.accepts.includes(detected) ? detected : (format.accepts[0] as RecordKind);
}

/** A validated record and the raw fields its rows do not use, for the meta column. */
export interface ReadRecord {
  readonly input: CanonicalRecord;
  /** The record's meta plus every raw field no column is built from; meta's own keys win a clash. */
  readonly meta: Record<string, unknown>;
  /** Raw fields left out of meta because meta already had a different value under that name. */
  readonly shadowed: number;
}

/** Reads one raw record as `kind`; returns the zod error when it does not validate. */
export function readRecord(
  raw: Record<string, unknown>,
  kind: RecordKind,
  options: { readonly overrides: FieldOverrides; readonly lineText: string; readonly consumes?: readonly string[] },
): ReadRecord | z.ZodError {
  const result = kindSchemas[kind].safeParse(resolveRecord(raw, kind, { overrides: options.overrides, lineText: options.lineText }));
  if (!result.success) return result.error;
  const input = { kind, record: result.data } as CanonicalRecord;
  const used = new Set<string>(['meta', ...(options.consumes ?? [])]);
  for (const field of usedFields[kind]) {
    const source = sourceField(raw, field, options.overrides);
    if (source !== undefined) used.add(source);
  }
  const meta: Record<string, unknown> = { ...input.record.meta };
  let shadowed = 0;
  for (const key of Object.keys(raw)) {
    if (used.has(key) || raw[key] === undefined) continue;
    if (Object.hasOwn(meta, key)) {
      if (JSON.stringify(meta[key]) !== JSON.stringify(raw[key])) shadowed += 1;
      continue;
    }
    meta[key] = raw[key];
  }
  return { input, meta, shadowed };
}
