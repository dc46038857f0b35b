import { VeridataError } from '../../core/errors.js';

/** The JSON type of a non-null value as Arrow infers it: numbers split into integer (int64) and float (double). */
export type JsonType = 'string' | 'boolean' | 'integer' | 'float' | 'object' | 'array';

/** The type of one column path: set by the format's declaration or by the first non-null value seen. */
export interface ColumnType {
  /** Undefined while only nulls (or nothing) were seen. */
  type: JsonType | undefined;
  /** Input line that fixed the type; 0 when the export format declares it. */
  line: number;
  /** Struct fields in first-seen order (type `object`). */
  readonly fields: Map<string, ColumnType>;
  /** List elements (type `array`). */
  element: ColumnType | undefined;
  /** True when the Parquet schema had to guess the type (only nulls, or an empty list, before it was fixed). */
  guessed: boolean;
}

/** A column whose type changes between rows: pyarrow, and so Hugging Face `datasets`, refuse such a column. */
export class ColumnTypeError extends VeridataError {
  constructor(file: string, line: number, column: string, found: JsonType, column_type: ColumnType) {
    const since = column_type.line === 0 ? 'as the export format declares it' : `since line ${column_type.line}`;
    const was = column_type.guessed ? `${column_type.type} (guessed for the Parquet schema: only nulls or empty lists before it was fixed)` : column_type.type;
    super('INVALID_RECORD', `${file}:${line}: column "${column}" changes type: ${describe(found)} here, ${was} ${since}`, {
      hint:
        found === 'float' && column_type.type === 'integer'
          ? 'An integer column that later holds a fraction breaks Arrow readers across blocks: write the early values as floats (1.0) upstream, or keep free-form fields in the JSON meta column (--meta json).'
          : 'Every row of a column must keep one JSON type for pyarrow and Hugging Face datasets: fix the input, or keep free-form fields in the JSON meta column (--meta json).',
    });
  }
}

/** A column first seen after the Parquet schema was fixed from the first row group. */
export class LateColumnError extends VeridataError {
  constructor(file: string, line: number, column: string, fixedAtLine: number) {
    super('INVALID_RECORD', `${file}:${line}: column "${column}" first appears here, after the Parquet schema was fixed at line ${fixedAtLine}`, {
      hint: 'A Parquet schema is written before the rest of the rows are seen: keep free-form fields in the JSON meta column (--meta json), or export JSONL.',
    });
  }
}

function describe(type: JsonType): string {
  return type === 'float' ? 'float (a fraction)' : type;
}

/** The Arrow-relevant JSON type of a non-null value. */
export function jsonTypeOf(value: unknown): JsonType {
  switch (typeof value) {
    case 'string':
      return 'string';
    case 'boolean':
      return 'boolean';
    case 'number':
      return Number.isInteger(value) ? 'integer' : 'float';
    case 'object':
      return Array.isArray(value) ? 'array' : 'object';
    default:
      throw new Error(`not a JSON value: ${typeof value}`);
  }
}

function newColumn(type: JsonType | undefined = undefined, line = 0): ColumnType {
  return { type, line, fields: new Map(), element: undefined, guessed: false };
}

/** Can a column of type `was` hold a value of type `found`? Floats take integers (written as doubles); nothing else mixes. */
function accepts(was: JsonType, found: JsonType): boolean {
  return was === found || (was === 'float' && found === 'integer');
}

/** A declared column type: a JSON type, a list of one, or a struct of them. */
export type DeclaredType = JsonType | { readonly list: DeclaredType } | { readonly struct: Readonly<Record<string, DeclaredType>> };

function declaredColumn(declared: DeclaredType): ColumnType {
  if (typeof declared === 'string') return newColumn(declared);
  if ('list' in declared) {
    const column = newColumn('array');
    column.element = declaredColumn(declared.list);
    return column;
  }
  const column = newColumn('object');
  for (const [name, field] of Object.entries(declared.struct)) column.fields.set(name, declaredColumn(field));
  return column;
}

/**
 * Keeps the first-seen JSON type of every column path (`meta.tags[]`, `chosen[].content`) while rows stream past, the
 * way pyarrow's JSON reader types a column, and refuses a row that would change one: string vs number, object vs
 * array, mixed list elements, an integer column later holding a fraction. Nulls fit any column. A float column takes
 * integers (they are written as doubles). After `freeze` (the Parquet schema is written) a new path is refused too.
 */
export class ColumnTypes {
  readonly root: ColumnType = newColumn('object');
  readonly #file: string;
  #frozenAt: number | undefined;
  /** Whether any path is typed float; the JSONL writer then writes integral values there as `1.0`. */
  hasFloat = false;

  constructor(file: string, declared: Readonly<Record<string, DeclaredType>> = {}) {
    this.#file = file;
    for (const [name, type] of Object.entries(declared)) this.root.fields.set(name, declaredColumn(type));
    this.hasFloat = [...this.root.fields.values()].some(function float(column): boolean {
      return column.type === 'float' || (column.element ? float(column.element) : false) || [...column.fields.values()].some(float);
    });
  }

  /** True once `freeze` was called. */
  get frozen(): boolean {
    return this.#frozenAt !== undefined;
  }

  /**
   * Checks one output row (from input line `line`) and records the types it adds; throws ColumnTypeError (or
   * LateColumnError once frozen) without recording anything when the row does not fit.
   */
  observe(row: Readonly<Record<string, unknown>>, line: number): void {
    // Most rows add nothing new: one checking walk; a second, recording walk only when the first found something new.
    if (this.#walkObject(this.root, row, '', line, false)) this.#walkObject(this.root, row, '', line, true);
  }

  /** Fixes the schema: no new paths from now on; paths seen only as null (or empty lists) become strings, marked guessed. */
  freeze(line: number): void {
    this.#frozenAt = line;
    const settle = (column: ColumnType): void => {
      if (column.type === undefined) {
        column.type = 'string';
        column.guessed = true;
      }
      if (column.type === 'array') {
        column.element ??= newColumn();
        settle(column.element);
      }
      for (const field of column.fields.values()) settle(field);
    };
    for (const column of this.root.fields.values()) settle(column);
  }

  /** Column paths and their types, e.g. `{ prompt: 'string', 'chosen[].role': 'string' }`, for summaries. */
  describe(): Record<string, string> {
    const out: Record<string, string> = {};
    const visit = (column: ColumnType, path: string) => {
      if (column.type === 'object' && column.fields.size > 0) {
        for (const [name, field] of column.fields) visit(field, path === '' ? name : `${path}.${name}`);
      } else if (column.type === 'array' && column.element?.type !== undefined) {
        visit(column.element, `${path}[]`);
      } else {
        out[path] = column.type ?? 'null';
      }
    };
    for (const [name, column] of this.root.fields) visit(column, name);
    return out;
  }

  /**
   * Returns true when the value adds a path or a first type. In check mode (`record` false) nothing reachable from the
   * root changes; new paths are typed on detached scratch nodes, so conflicts inside one row (`[1, "a"]`) still surface.
   */
  #walk(column: ColumnType, value: unknown, path: string, line: number, record: boolean, scratch = false): boolean {
    if (value === null || value === undefined) return false;
    const found = jsonTypeOf(value);
    let added = false;
    if (column.type === undefined) {
      if (record || scratch) {
        column.type = found;
        column.line = line;
        if (found === 'float' && !scratch) this.hasFloat = true;
      }
      added = true;
    } else if (!accepts(column.type, found)) {
      throw new ColumnTypeError(this.#file, line, path, found, column);
    }
    const type = column.type ?? found;
    if (type === 'object') return this.#walkObject(column, value as Record<string, unknown>, path, line, record, scratch) || added;
    if (type === 'array') {
      const items = value as unknown[];
      if (items.length === 0) return added;
      let element = column.element;
      let elementScratch = scratch;
      if (element === undefined) {
        this.#refuseLate(`${path}[]`, line);
        element = newColumn();
        if (record || scratch) column.element = element;
        else elementScratch = true;
        added = true;
      }
      for (const item of items) added = this.#walk(element, item, `${path}[]`, line, record, elementScratch) || added;
    }
    return added;
  }

  #walkObject(
    column: ColumnType,
    value: Readonly<Record<string, unknown>>,
    path: string,
    line: number,
    record: boolean,
    scratch = false,
  ): boolean {
    let added = false;
    for (const key of Object.keys(value)) {
      const item = value[key];
      if (item === undefined) continue;
      const childPath = path === '' ? key : `${path}.${key}`;
      let child = column.fields.get(key);
      let childScratch = scratch;
      if (child === undefined) {
        if (item === null && this.frozen) continue; // a null needs no column; it reads back as a missing field
        this.#refuseLate(childPath, line);
        child = newColumn();
        if (record || scratch) column.fields.set(key, child);
        else childScratch = true;
        added = true;
      }
      added = this.#walk(child, item, childPath, line, record, childScratch) || added;
    }
    return added;
  }

  #refuseLate(path: string, line: number): void {
    if (this.#frozenAt !== undefined) throw new LateColumnError(this.#file, line, path, this.#frozenAt);
  }
}

/**
 * One row as a JSON line (with `\n`), like JSON.stringify, except that integral numbers in float columns are written
 * `1.0`: pyarrow types a block of `1`, `0` as int64 and a later block's `0.5` cannot be cast back to it.
 */
export function serializeRow(row: Readonly<Record<string, unknown>>, types: ColumnTypes): string {
  if (!types.hasFloat) return `${JSON.stringify(row)}\n`;
  return `${serializeValue(row, types.root)}\n`;
}

function serializeValue(value: unknown, column: ColumnType | undefined): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'number') {
    if (column?.type === 'float' && Number.isInteger(value) && Math.abs(value) < 1e21) return `${value}.0`;
    return JSON.stringify(value);
  }
  if (typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((item) => serializeValue(item, column?.element)).join(',')}]`;
  const members: string[] = [];
  for (const key of Object.keys(value)) {
    const item = (value as Record<string, unknown>)[key];
    if (item === undefined) continue;
    members.push(`${JSON.stringify(key)}:${serializeValue(item, column?.fields.get(key))}`);
  }
  return `{${members.join(',')}}`;
}
