import { z } from 'zod';
import type { LoosePair } from '../../core/schemas/pair.js';
import type { Problem } from '../../core/schemas/problem.js';
import type { RecordKind } from '../../core/schemas/aliases.js';
import type { Response } from '../../core/schemas/response.js';
import type { DeclaredType } from './column-types.js';

/** One canonical input record, validated, with the kind it was read as. */
export type CanonicalRecord =
  | { readonly kind: 'pair'; readonly record: LoosePair }
  | { readonly kind: 'response'; readonly record: Response }
  | { readonly kind: 'problem'; readonly record: Problem };

/** What every conversion may use besides the record. */
export interface ExportContext {
  /** System prompt from `--system`; only formats with `system: true` accept one. */
  readonly system: string | undefined;
  /** Verifier name from `--verifier` (GRPO's `verifier` column). */
  readonly verifier: string | undefined;
}

/** One output row before `id` and `meta` are added: the trainer's documented fields only. */
export type TrainerRow = Record<string, unknown>;

/** A record that yields no row, with a stable reason counted in the summary (`verdict-fail`, `verdict-error`). */
export interface Skip {
  readonly skip: string;
}

/** A record the format cannot use, named by field (`field "verdict": ...`); stops the run unless `--skip-invalid`. */
export interface Invalid {
  readonly invalid: string;
}

/** A row, plus the suffix that tells apart rows made from one record (KTO splits a pair into `-chosen`, `-rejected`). */
export interface ConvertedRow {
  readonly row: TrainerRow;
  readonly idSuffix?: string;
}

/** The `dataset_info.json` entry LLaMA-Factory needs to load a file (data/README.md of LLaMA-Factory). */
export interface DatasetInfoEntry {
  readonly formatting: 'alpaca' | 'sharegpt';
  readonly ranking: boolean;
  readonly columns: Readonly<Record<string, string>>;
}

/**
 * A trainer format of `veridata export`: one file in formats/ and one line in the registry. `convert` maps one canonical
 * record to zero or more rows of the trainer's field names; `row` is the zod schema of those names (checked on every
 * row written, plus `id` and `meta`); `columns` declares the row's column types for pyarrow and Parquet.
 */
export interface ExportFormat {
  readonly name: string;
  readonly description: string;
  /** Input kinds it turns into rows, the usual one first. */
  readonly accepts: readonly RecordKind[];
  /** Whether `--system` has a place in this format. */
  readonly system: boolean;
  /** Zod schema of the trainer fields of one row (strict: no other keys). */
  rowSchema(kind: RecordKind, context: ExportContext): z.ZodObject;
  /** Column types of the trainer fields; numbers that may be fractions must be declared `float`. */
  columns(kind: RecordKind, context: ExportContext): Readonly<Record<string, DeclaredType>>;
  /** Fields of the raw input the rows use beyond the kind's own (e.g. GRPO's `verifier`), so they are not copied to meta. */
  readonly consumes?: readonly string[];
  convert(input: CanonicalRecord, context: ExportContext): readonly ConvertedRow[] | Skip | Invalid;
  /** LLaMA-Factory formats: the dataset_info.json entry for an output of this kind. */
  datasetInfo?(kind: RecordKind, context: ExportContext): DatasetInfoEntry;
}

/** A chat message as TRL, Axolotl and OpenAI-style templates read it. */
export const Message = z.strictObject({ role: z.enum(['system', 'user', 'assistant']), content: z.string().min(1) });
export type Message = z.infer<typeof Message>;

/** A ShareGPT turn as LLaMA-Factory reads it (default tags: from/value, human/gpt). */
export const ShareGptTurn = z.strictObject({ from: z.enum(['human', 'gpt']), value: z.string().min(1) });

/** Column types of a message list and of one message. */
export const messageColumn: DeclaredType = { struct: { role: 'string', content: 'string' } };
export const messageListColumn: DeclaredType = { list: messageColumn };
export const turnColumn: DeclaredType = { struct: { from: 'string', value: 'string' } };

/** The text the model answers: non-empty, as trainers skip or choke on empty turns. */
export const Text = z.string().min(1);

/** The chosen and rejected text of a pair, or the response of a response record: what SFT formats train on. */
export function completionOf(input: CanonicalRecord): string | Skip {
  if (input.kind === 'pair') return input.record.chosen;
  if (input.kind === 'problem') throw new Error('a problem record has no completion');
  const status = input.record.verdict?.status;
  if (status === 'fail') return { skip: 'verdict-fail' };
  if (status === 'error') return { skip: 'verdict-error' };
  return input.record.response;
}

/** The prompt as messages: the system prompt first when given. */
export function promptMessages(prompt: string, context: ExportContext): Message[] {
  return context.system === undefined ? [{ role: 'user', content: prompt }] : [{ role: 'system', content: context.system }, { role: 'user', content: prompt }];
}

/** A ShareGPT-style or chat row field `system` when `--system` was given. */
export function systemField(context: ExportContext): { system?: string } {
  return context.system === undefined ? {} : { system: context.system };
}

/** True when `convert` declined the record. */
export function isSkip(value: unknown): value is Skip {
  return typeof value === 'object' && value !== null && 'skip' in value;
}
