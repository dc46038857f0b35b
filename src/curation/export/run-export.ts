import { z } from 'zod';
import { InvalidOptionError, InvalidRecordError, VeridataError } from '../../core/errors.js';
import { createReadStats, readJsonlLines } from '../../core/io/read-jsonl.js';
import { assertNotInput } from '../../core/io/output-target.js';
import { AtomicFile } from '../../core/io/write-jsonl.js';
import { type Progress, silentProgress } from '../../core/progress.js';
import type { FieldOverrides, RecordKind } from '../../core/schemas/aliases.js';
import { chooseKind, detectKind, readRecord } from './canonical.js';
import { ColumnTypes, type DeclaredType, serializeRow } from './column-types.js';
import { datasetNameFor, type DatasetInfoResult, mergeDatasetInfo } from './dataset-info.js';
import type { ExportContext, ExportFormat } from './export-format.js';
import { exportFormats } from './formats/index.js';
import { DEFAULT_ROW_GROUP_SIZE, ParquetRowWriter } from './parquet.js';

/**
 * Where the record's meta (plus the input fields no column is built from) goes: `json` a JSON string column (safe for
 * any content), `struct` a nested column typed from the data (one type per key, checked), `drop` nowhere.
 */
export const MetaMode = z.enum(['json', 'struct', 'drop']);
export type MetaMode = z.infer<typeof MetaMode>;

/** Options of one `veridata export` run. */
export interface ExportOptions {
  readonly in: string;
  /** Output path; `-` is standard output. */
  readonly out: string;
  /** Format id from the registry (`trl-dpo`, ...). */
  readonly to: string;
  readonly parquet?: boolean;
  readonly system?: string;
  readonly meta?: MetaMode;
  /** Read every record as this kind instead of detecting it from the first record. */
  readonly kind?: RecordKind;
  readonly overrides?: FieldOverrides;
  readonly skipInvalid?: boolean;
  readonly verifier?: string;
  /** Write the LLaMA-Factory dataset_info.json entry (default: only for `llamafactory`). */
  readonly datasetInfo?: boolean;
  readonly datasetName?: string;
  readonly rowGroupSize?: number;
  readonly signal?: AbortSignal;
  readonly progress?: Progress;
}

/** What an export did. */
export interface ExportSummary {
  readonly command: 'export';
  readonly in: string;
  readonly out: string;
  readonly format: string;
  readonly output: 'jsonl' | 'parquet';
  /** How the input records were read. */
  readonly kind: RecordKind;
  /** Input records that validated. */
  readonly records: number;
  readonly rows: number;
  /** Rows by label, for formats with a boolean `label` (KTO): desirable `true`, undesirable `false`. */
  readonly labels: { readonly true: number; readonly false: number } | null;
  /** Valid records that give no row, by reason (`verdict-fail`, `verdict-error`). */
  readonly skipped: Record<string, number>;
  /** Lines skipped with --skip-invalid (not JSON, failing the schema, or changing a column's type). */
  readonly skippedInvalid: number;
  readonly skippedExamples: string[];
  /** Responses without a verdict, exported as they are (e.g. `veridata gen --format sft`, right by construction). */
  readonly unverified: number;
  readonly meta: MetaMode;
  /** Input fields left out of meta because meta already had a different value under the same name. */
  readonly shadowedFields: number;
  /** Column paths and their types, as pyarrow will read them. */
  readonly columns: Record<string, string>;
  readonly rowGroups: number | null;
  readonly datasetInfo: DatasetInfoResult | null;
  readonly seconds: number;
  readonly rowsPerSecond: number;
}

/** Chat variants to suggest when a format without a system field is given `--system`. */
const chatVariant: Record<string, string> = { 'trl-dpo': 'trl-dpo-chat', 'trl-sft': 'trl-sft-chat' };

const BATCH_CHARACTERS = 1 << 18;

function checkOptions(format: ExportFormat, options: ExportOptions): void {
  if (options.system !== undefined && !format.system) {
    const variant = chatVariant[format.name];
    throw new InvalidOptionError('--system', `${format.name} has no place for a system prompt${variant ? `; use --to ${variant}` : ''}`);
  }
  if (options.system !== undefined && options.system.trim() === '') throw new InvalidOptionError('--system', 'is empty');
  if (options.kind !== undefined && !format.accepts.includes(options.kind)) {
    throw new InvalidOptionError('--kind', `${format.name} takes ${format.accepts.join(' or ')} records, not ${options.kind}`);
  }
  if (options.datasetInfo === true && format.datasetInfo === undefined) {
    throw new InvalidOptionError('--dataset-info', `only LLaMA-Factory formats have a dataset_info.json entry (llamafactory, sharegpt), not ${format.name}`);
  }
  if (options.rowGroupSize !== undefined && !(Number.isSafeInteger(options.rowGroupSize) && options.rowGroupSize >= 1)) {
    throw new InvalidOptionError('--row-group-size', `expected a positive integer, got ${options.rowGroupSize}`);
  }
}

/** The schema of a whole output row: the format's fields, then `id` and (unless dropped) `meta`. */
function outputRowSchema(format: ExportFormat, kind: RecordKind, context: ExportContext, meta: MetaMode): z.ZodObject {
  const idAndMeta = meta === 'drop' ? { id: z.string().min(1) } : { id: z.string().min(1), meta: meta === 'json' ? z.string() : z.record(z.string(), z.unknown()) };
  return format.rowSchema(kind, context).extend(idAndMeta);
}

/** Scores are fractions in general: typed float up front, so a file that starts with 1 and 0 does not fix them as integers. */
const pairScores: DeclaredType = { struct: { chosen_score: 'float', rejected_score: 'float', margin: 'float' } };

function declaredColumns(format: ExportFormat, kind: RecordKind, context: ExportContext, meta: MetaMode): Record<string, DeclaredType> {
  const metaColumn: Record<string, DeclaredType> = meta === 'json' ? { meta: 'string' } : meta === 'struct' && kind === 'pair' ? { meta: pairScores } : {};
  return { ...format.columns(kind, context), id: 'string', ...metaColumn };
}

/**
 * Exports a JSONL file of canonical records (pairs, responses, problems) to one trainer format, as JSONL or Parquet,
 * streaming: one line in memory at a time (Parquet: one row group). Every row is checked against the format's field
 * names and against the column types of the rows before it (pyarrow's one-type-per-column rule). The output appears
 * whole or not at all; a bad line stops the run naming file, line and field, or is skipped and counted with
 * `skipInvalid`. Prints nothing; returns the summary.
 */
export async function runExport(options: ExportOptions): Promise<ExportSummary> {
  const started = performance.now();
  const format = exportFormats.get(options.to);
  checkOptions(format, options);
  if (options.out !== '-') await assertNotInput(options.in, options.out);
  const metaMode = options.meta ?? 'json';
  const context: ExportContext = { system: options.system, verifier: options.verifier };
  const overrides = options.overrides ?? {};
  const outPath = options.out === '-' ? '/dev/stdout' : options.out;
  const wantsDatasetInfo = options.datasetInfo ?? format.name === 'llamafactory';
  if (wantsDatasetInfo && options.out === '-') throw new InvalidOptionError('--dataset-info', 'needs an --out file: the entry names it');
  const progress = options.progress ?? silentProgress();
  const readStats = createReadStats();
  const file = new AtomicFile(outPath, { highWaterMark: 1 << 20, ...(options.signal ? { signal: options.signal } : {}) });
  await file.open();

  let kind: RecordKind | undefined = options.kind;
  let rowSchema: z.ZodObject | undefined;
  let types = new ColumnTypes(options.in);
  let parquet: ParquetRowWriter | undefined;
  let records = 0;
  let rows = 0;
  let unverified = 0;
  let shadowedFields = 0;
  const labels = { true: 0, false: 0 };
  let hasLabels = false;
  const skipped: Record<string, number> = {};
  let batch = '';
  const skipInvalid = (error: VeridataError) => {
    if (!options.skipInvalid) throw error;
    readStats.skipped += 1;
    if (readStats.skippedExamples.length < 5) readStats.skippedExamples.push(error.message);
  };
  const start = (chosen: RecordKind) => {
    kind = chosen;
    rowSchema = outputRowSchema(format, chosen, context, metaMode);
    types = new ColumnTypes(options.in, declaredColumns(format, chosen, context, metaMode));
    if (options.parquet) {
      parquet = new ParquetRowWriter(file, types, {
        rowGroupSize: options.rowGroupSize ?? DEFAULT_ROW_GROUP_SIZE,
        metadata: { 'veridata.format': format.name, 'veridata.kind': chosen, 'veridata.meta': metaMode },
      });
    }
  };

  try {
    if (kind !== undefined) start(kind);
    const lines = readJsonlLines(options.in, { skipInvalid: options.skipInvalid === true, stats: readStats, ...(options.signal ? { signal: options.signal } : {}) });
    for await (const line of lines) {
      if (kind === undefined) start(chooseKind(format, detectKind(line.value, overrides)));
      const read = readRecord(line.value, kind as RecordKind, { overrides, lineText: line.text, ...(format.consumes ? { consumes: format.consumes } : {}) });
      progress.tick();
      if (read instanceof z.ZodError) {
        skipInvalid(new InvalidRecordError(options.in, line.lineNumber, read));
        continue;
      }
      const converted = format.convert(read.input, context);
      if ('invalid' in converted) {
        skipInvalid(new InvalidRecordError(options.in, line.lineNumber, converted.invalid));
        continue;
      }
      if ('skip' in converted) {
        records += 1;
        skipped[converted.skip] = (skipped[converted.skip] ?? 0) + 1;
        continue;
      }
      const meta = metaMode === 'drop' ? {} : { meta: metaMode === 'json' ? JSON.stringify(read.meta) : read.meta };
      const outputRows: Record<string, unknown>[] = [];
      try {
        for (const { row, idSuffix } of converted) {
          const output = { ...row, id: `${read.input.record.id}${idSuffix ?? ''}`, ...meta };
          const checked = (rowSchema as z.ZodObject).safeParse(output);
          if (!checked.success) {
            const issue = checked.error.issues[0];
            throw new InvalidRecordError(options.in, line.lineNumber, `field "${issue?.path.join('.')}" of the ${format.name} row: ${issue?.message ?? 'invalid'}`);
          }
          types.observe(output, line.lineNumber);
          outputRows.push(output);
        }
      } catch (error) {
        // A row that fails its format's schema or would change a column's type is a bad line like any other.
        if (!(error instanceof VeridataError) || error.code !== 'INVALID_RECORD') throw error;
        skipInvalid(error);
        continue;
      }
      records += 1;
      if (read.input.kind === 'response' && read.input.record.verdict === undefined) unverified += 1;
      shadowedFields += read.shadowed;
      for (const output of outputRows) {
        rows += 1;
        if (typeof output.label === 'boolean') {
          hasLabels = true;
          labels[output.label ? 'true' : 'false'] += 1;
        }
        if (parquet) {
          await parquet.add(output, line.lineNumber);
        } else {
          batch += serializeRow(output, types);
          if (batch.length >= BATCH_CHARACTERS) {
            const text = batch;
            batch = '';
            await file.write(text);
          }
        }
      }
    }
    if (kind === undefined) start(format.accepts[0] as RecordKind);
    if (parquet) await parquet.close();
    else if (batch.length > 0) await file.write(batch);
    options.signal?.throwIfAborted();
    await file.commit();
  } catch (error) {
    await file.discard();
    throw error;
  } finally {
    progress.done();
  }

  const finalKind = kind as unknown as RecordKind;
  const datasetInfo =
    wantsDatasetInfo && format.datasetInfo
      ? await mergeDatasetInfo(options.out, options.datasetName ?? datasetNameFor(options.out), format.datasetInfo(finalKind, context))
      : null;
  const seconds = (performance.now() - started) / 1000;
  return {
    command: 'export',
    in: options.in,
    out: options.out,
    format: format.name,
    output: options.parquet ? 'parquet' : 'jsonl',
    kind: finalKind,
    records,
    rows,
    labels: hasLabels || format.name === 'trl-kto' ? labels : null,
    skipped,
    skippedInvalid: readStats.skipped,
    skippedExamples: readStats.skippedExamples,
    unverified,
    meta: metaMode,
    shadowedFields,
    columns: types.describe(),
    rowGroups: parquet ? parquet.rowGroups : null,
    datasetInfo,
    seconds,
    rowsPerSecond: seconds > 0 ? rows / seconds : 0,
  };
}
