import { z } from 'zod';
import { completionOf, type ExportFormat, isSkip, systemField, Text } from '../export-format.js';

/**
 * LLaMA-Factory alpaca format (data/README.md): pairs become ranking rows {instruction, input, chosen, rejected},
 * responses SFT rows {instruction, input, output}; `input` is empty, since the whole prompt is the instruction, and
 * `system` is a column when `--system` is given. The export also writes the file's dataset_info.json entry.
 */
export const llamafactory: ExportFormat = {
  name: 'llamafactory',
  description: 'LLaMA-Factory alpaca: {instruction, input, chosen, rejected} (ranking) or {instruction, input, output}; writes dataset_info.json',
  accepts: ['pair', 'response'],
  system: true,
  rowSchema: (kind, context) =>
    z.strictObject({
      instruction: Text,
      input: z.string(),
      ...(kind === 'pair' ? { chosen: Text, rejected: Text } : { output: Text }),
      ...(context.system === undefined ? {} : { system: Text }),
    }),
  columns: (kind, context) => ({
    instruction: 'string',
    input: 'string',
    ...(kind === 'pair' ? { chosen: 'string' as const, rejected: 'string' as const } : { output: 'string' as const }),
    ...(context.system === undefined ? {} : { system: 'string' as const }),
  }),
  convert(input, context) {
    if (input.kind === 'pair') {
      const { prompt, chosen, rejected } = input.record;
      return [{ row: { instruction: prompt, input: '', chosen, rejected, ...systemField(context) } }];
    }
    const output = completionOf(input);
    if (isSkip(output)) return output;
    return [{ row: { instruction: input.record.prompt, input: '', output, ...systemField(context) } }];
  },
  datasetInfo: (kind, context) => ({
    formatting: 'alpaca',
    ranking: kind === 'pair',
    columns: {
      prompt: 'instruction',
      query: 'input',
      ...(kind === 'pair' ? { chosen: 'chosen', rejected: 'rejected' } : { response: 'output' }),
      ...(context.system === undefined ? {} : { system: 'system' }),
    },
  }),
};
