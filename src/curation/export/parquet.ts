import { ByteWriter, ParquetWriter, type SchemaElement, type Writer } from 'hyparquet-writer';
import type { AtomicFile } from '../../core/io/write-jsonl.js';
import type { ColumnType, ColumnTypes } from './column-types.js';

/** Rows per Parquet row group: memory holds one group (rows plus encoded bytes) at a time. */
export const DEFAULT_ROW_GROUP_SIZE = 10_000;

/** Options for `ParquetRowWriter`. */
export interface ParquetRowWriterOptions {
  readonly rowGroupSize?: number;
  /** Key-value metadata stored in the file footer. */
  readonly metadata?: Readonly<Record<string, string>>;
}

/**
 * Writes bytes to an AtomicFile. AtomicFile hands chunks to a fs.WriteStream, which takes bytes as well as text; its
 * signature names only strings because every other writer writes JSONL.
 */
function writeBytes(file: AtomicFile, bytes: Uint8Array): Promise<void> | undefined {
  return (file.write as unknown as (this: AtomicFile, chunk: Uint8Array) => Promise<void> | undefined).call(file, bytes);
}

/** A hyparquet-writer sink that hands each finished row group to the AtomicFile, so the encoder's buffer stays one group. */
function atomicFileSink(file: AtomicFile): Writer {
  const writer = new ByteWriter(1 << 20);
  const flush = (): Promise<void> | undefined => {
    if (writer.index === 0) return undefined;
    const bytes = new Uint8Array(writer.buffer.slice(0, writer.index)); // a copy: the buffer is reused from index 0
    writer.index = 0;
    return writeBytes(file, bytes);
  };
  return Object.assign(writer, { flush, finish: flush });
}

/**
 * The Parquet schema elements of one column: strings UTF8 byte arrays, integers INT64, floats DOUBLE, lists the
 * standard three-level LIST, objects groups (structs); every level optional, as Arrow reads nullable JSON columns. A
 * struct that never had a field (`{}` in every row) has no Parquet form and is left out.
 */
export function schemaElements(name: string, column: ColumnType): SchemaElement[] {
  const repetition_type = 'OPTIONAL';
  switch (column.type) {
    case 'string':
    case undefined:
      return [{ name, type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type }];
    case 'boolean':
      return [{ name, type: 'BOOLEAN', repetition_type }];
    case 'integer':
      return [{ name, type: 'INT64', repetition_type }];
    case 'float':
      return [{ name, type: 'DOUBLE', repetition_type }];
    case 'array': {
      const element = column.element ? schemaElements('element', column.element) : [];
      if (element.length === 0) return [];
      return [{ name, repetition_type, converted_type: 'LIST', num_children: 1 }, { name: 'list', repetition_type: 'REPEATED', num_children: 1 }, ...element];
    }
    case 'object': {
      const children: SchemaElement[][] = [];
      for (const [fieldName, field] of column.fields) {
        const elements = schemaElements(fieldName, field);
        if (elements.length > 0) children.push(elements);
      }
      if (children.length === 0) return [];
      return [{ name, repetition_type, num_children: children.length }, ...children.flat()];
    }
  }
}

/** Whether a column's values can go to the encoder as they are (no INT64 leaves to turn into bigints, no fields to drop). */
function isPlain(column: ColumnType): boolean {
  if (column.type === 'integer') return false;
  if (column.type === 'array') return column.element === undefined || isPlain(column.element);
  if (column.type === 'object') return [...column.fields.values()].every((field) => isPlain(field) && schemaElements('x', field).length > 0);
  return true;
}

/** A value shaped for the encoder: integers as bigints, struct fields limited to the schema's. */
function encodeValue(value: unknown, column: ColumnType): unknown {
  if (value === null || value === undefined) return null;
  switch (column.type) {
    case 'integer':
      return BigInt(value as number);
    case 'array':
      return column.element ? (value as unknown[]).map((item) => encodeValue(item, column.element as ColumnType)) : [];
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const [name, field] of column.fields) out[name] = encodeValue((value as Record<string, unknown>)[name], field);
      return out;
    }
    default:
      return value;
  }
}

/**
 * Streams rows into a Parquet file in row groups. The schema is fixed when the first group is written, from the
 * column types seen so far (`types.freeze`), so a later row that adds a column or changes a type is refused by
 * `ColumnTypes.observe` before it reaches this writer. Nothing is written to the target until `close` commits the file.
 */
export class ParquetRowWriter {
  readonly #file: AtomicFile;
  readonly #types: ColumnTypes;
  readonly #rowGroupSize: number;
  readonly #metadata: Readonly<Record<string, string>>;
  #rows: Record<string, unknown>[] = [];
  #lastLine = 0;
  #writer: ParquetWriter | undefined;
  #columns: { name: string; column: ColumnType; plain: boolean }[] = [];
  /** Row groups written so far. */
  rowGroups = 0;

  constructor(file: AtomicFile, types: ColumnTypes, options: ParquetRowWriterOptions = {}) {
    this.#file = file;
    this.#types = types;
    this.#rowGroupSize = options.rowGroupSize ?? DEFAULT_ROW_GROUP_SIZE;
    this.#metadata = options.metadata ?? {};
  }

  /** Queues one row (already observed by the ColumnTypes) from input line `line`; writes a row group when one is full. */
  async add(row: Record<string, unknown>, line: number): Promise<void> {
    this.#rows.push(row);
    this.#lastLine = line;
    if (this.#rows.length >= this.#rowGroupSize) await this.#writeGroup();
  }

  /** Writes the last row group and the footer; the caller commits (or discards) the AtomicFile. */
  async close(): Promise<void> {
    if (this.#rows.length > 0) await this.#writeGroup();
    await this.#open().finish();
  }

  #open(): ParquetWriter {
    if (this.#writer) return this.#writer;
    this.#types.freeze(this.#lastLine);
    const schema: SchemaElement[] = [{ name: 'root', num_children: 0 }];
    for (const [name, column] of this.#types.root.fields) {
      const elements = schemaElements(name, column);
      if (elements.length === 0) continue;
      schema.push(...elements);
      this.#columns.push({ name, column, plain: isPlain(column) });
    }
    schema[0] = { name: 'root', num_children: this.#columns.length };
    this.#writer = new ParquetWriter({
      writer: atomicFileSink(this.#file),
      schema,
      kvMetadata: Object.entries(this.#metadata).map(([key, value]) => ({ key, value })),
      createdBy: 'veridata export (hyparquet-writer)',
    });
    return this.#writer;
  }

  async #writeGroup(): Promise<void> {
    const writer = this.#open();
    const rows = this.#rows;
    this.#rows = [];
    const columnData = this.#columns.map(({ name, column, plain }) => ({
      name,
      data: plain ? rows.map((row) => row[name] ?? null) : rows.map((row) => encodeValue(row[name], column)),
    }));
    await writer.write({ columnData, rowGroupSize: rows.length });
    this.rowGroups += 1;
  }
}
