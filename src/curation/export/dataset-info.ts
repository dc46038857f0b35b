import { readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { InputUnreadableError, VeridataError } from '../../core/errors.js';
import { AtomicFile } from '../../core/io/write-jsonl.js';
import type { DatasetInfoEntry } from './export-format.js';

/** What `mergeDatasetInfo` did. */
export interface DatasetInfoResult {
  /** The dataset_info.json written. */
  readonly path: string;
  /** The entry's name (the dataset name LLaMA-Factory's `dataset:` option takes). */
  readonly name: string;
  /** `added` a new entry, or `replaced` one of the same name; other entries are kept as they were, in order. */
  readonly action: 'added' | 'replaced';
}

/** The default entry name: the output file name without its extension (`out/train.jsonl` -> `train`). */
export function datasetNameFor(out: string): string {
  return basename(out).replace(/\.(jsonl|json|parquet)$/i, '');
}

async function readInfo(path: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new InputUnreadableError(path, error);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    value = error;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value) || value instanceof Error) {
    const detail = value instanceof Error ? value.message : 'not a JSON object';
    throw new VeridataError('INVALID_JSON', `${path}: cannot merge the dataset entry: ${detail}`, {
      hint: 'Fix or move that dataset_info.json; veridata never overwrites a file it cannot read.',
    });
  }
  return value as Record<string, unknown>;
}

/**
 * Adds (or replaces) the entry for `file` in the `dataset_info.json` beside it, as LLaMA-Factory expects in its
 * `dataset_dir`: `{ file_name, formatting, ranking, columns }`. Other entries keep their content and order; the file
 * is replaced atomically. Two exports merging into one directory at the same moment can lose one entry.
 */
export async function mergeDatasetInfo(file: string, name: string, entry: DatasetInfoEntry): Promise<DatasetInfoResult> {
  const path = join(dirname(file), 'dataset_info.json');
  const info = await readInfo(path);
  const action = Object.hasOwn(info, name) ? 'replaced' : 'added';
  info[name] = { file_name: basename(file), formatting: entry.formatting, ranking: entry.ranking, columns: entry.columns };
  const output = new AtomicFile(path);
  await output.open();
  try {
    await output.write(`${JSON.stringify(info, null, 2)}\n`);
    await output.commit();
  } catch (error) {
    await output.discard();
    throw error;
  }
  return { path, name, action };
}
