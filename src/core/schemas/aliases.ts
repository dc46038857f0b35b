import { contentId } from '../hash.js';
import { pairId } from './pair.js';

/** Canonical field -> the raw field names accepted for it, in order of preference (the canonical name first). */
export const RecordAliases = {
  id: ['id'],
  prompt: ['prompt', 'input', 'question'],
  response: ['response', 'output', 'completion'],
  answer: ['answer', 'gold'],
  tests: ['tests', 'test_code', 'test'],
  problem_id: ['problem_id'],
  chosen: ['chosen'],
  rejected: ['rejected'],
} as const satisfies Record<string, readonly string[]>;

/** A field the commands know by name. */
export type CanonicalField = keyof typeof RecordAliases;

/** Which schema a record is read for. */
export type RecordKind = 'problem' | 'response' | 'pair';

/** Explicit raw field names from `--<name>-field` options, e.g. `{ prompt: 'instruction' }`; they win over aliases. */
export type FieldOverrides = Partial<Record<CanonicalField, string>>;

/** Options for `resolveRecord`. */
export interface ResolveOptions {
  readonly overrides?: FieldOverrides;
  /** The line the record was read from; a record without an id gets `contentId(lineText)`. */
  readonly lineText?: string;
}

const fieldsOf: Record<RecordKind, readonly CanonicalField[]> = {
  problem: ['prompt', 'answer', 'tests'],
  response: ['prompt', 'response', 'answer', 'tests', 'problem_id'],
  pair: ['prompt', 'chosen', 'rejected'],
};

/** A value by field name, or by dotted path (`messages.0.content`) when no field has that exact name. */
function lookup(raw: Record<string, unknown>, name: string): unknown {
  if (Object.hasOwn(raw, name) || !name.includes('.')) return raw[name];
  let value: unknown = raw;
  for (const part of name.split('.')) {
    if (typeof value !== 'object' || value === null || !Object.hasOwn(value, part)) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

function find(raw: Record<string, unknown>, field: CanonicalField, overrides: FieldOverrides): unknown {
  const override = overrides[field];
  // An explicit field name means exactly that field: no silent fallback to an alias.
  const names: readonly string[] = override === undefined ? RecordAliases[field] : [override];
  for (const name of names) {
    const value = lookup(raw, name);
    if (value !== undefined && value !== null) return value;
  }
  return undefined;
}

function canonicalValue(field: CanonicalField, value: unknown): unknown {
  if (field === 'tests' && Array.isArray(value) && value.every((test) => typeof test === 'string')) return value.join('\n');
  if ((field === 'id' || field === 'problem_id') && typeof value === 'number') return String(value);
  return value;
}

/**
 * The canonical view of a raw record for `kind`: a new object with every raw field (untouched) plus the canonical ones
 * found through `RecordAliases` (`question` -> `prompt`, `output` -> `response`, `gold` -> `answer`, `test_code` ->
 * `tests`) or `overrides` (then only the named field is used). A list of test strings is joined by newlines; a null
 * counts as missing. A record without an id gets one: a pair `pairId(prompt, chosen, rejected)` (the Pair contract),
 * anything else `contentId(lineText)`; a response without `problem_id` gets `contentId(prompt)`, so responses to the
 * same prompt group together.
 */
export function resolveRecord(
  raw: Record<string, unknown>,
  kind: RecordKind,
  options: ResolveOptions = {},
): Record<string, unknown> {
  const overrides = options.overrides ?? {};
  const canonical: Record<string, unknown> = {};
  for (const field of fieldsOf[kind]) {
    const value = find(raw, field, overrides);
    if (value !== undefined) canonical[field] = canonicalValue(field, value);
    // Missing means missing: a raw field of the canonical name must not stand in for an explicit override, nor a null.
    else if (overrides[field] !== undefined || raw[field] === null) canonical[field] = undefined;
  }

  let id = canonicalValue('id', find(raw, 'id', overrides));
  if (id === undefined || id === '') {
    const { prompt, chosen, rejected } = canonical;
    if (kind === 'pair' && typeof prompt === 'string' && typeof chosen === 'string' && typeof rejected === 'string') {
      id = pairId(prompt, chosen, rejected);
    } else {
      id = contentId(options.lineText ?? JSON.stringify(raw));
    }
  }
  if (kind === 'response' && canonical.problem_id === undefined && typeof canonical.prompt === 'string') {
    canonical.problem_id = contentId(canonical.prompt);
  }
  // A derived id goes first so that written records read naturally; a raw id keeps its place.
  return Object.hasOwn(raw, 'id') ? { ...raw, id, ...canonical } : { id, ...raw, ...canonical };
}

const overrideFlags: Record<CanonicalField, string> = {
  id: 'idField',
  prompt: 'promptField',
  response: 'responseField',
  answer: 'answerField',
  tests: 'testsField',
  problem_id: 'problemIdField',
  chosen: 'chosenField',
  rejected: 'rejectedField',
};

/** Field overrides from parsed CLI flags (`--prompt-field x` arrives as `promptField: 'x'`); unset flags are ignored. */
export function fieldOverridesFromFlags(flags: Readonly<Record<string, unknown>>): FieldOverrides {
  const overrides: FieldOverrides = {};
  for (const [field, flag] of Object.entries(overrideFlags) as [CanonicalField, string][]) {
    const value = flags[flag];
    if (typeof value === 'string' && value !== '') overrides[field] = value;
  }
  return overrides;
}
