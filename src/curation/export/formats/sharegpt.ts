import { z } from 'zod';
import { completionOf, type ExportFormat, isSkip, ShareGptTurn, systemField, Text, turnColumn } from '../export-format.js';

/**
 * ShareGPT conversations as LLaMA-Factory reads them (default tags from/value, human/gpt): SFT rows are
 * `conversations` = [human, gpt]; pairs keep the prompt in `conversations` and the answers in `chosen` and `rejected`
 * ({from: gpt, value}). A system prompt is the `system` column. `--dataset-info` writes the dataset_info.json entry.
 */
export const sharegpt: ExportFormat = {
  name: 'sharegpt',
  description: 'ShareGPT: conversations [{from, value}]; pairs add chosen/rejected {from, value}',
  accepts: ['pair', 'response'],
  system: true,
  rowSchema: (kind, context) =>
    z.strictObject({
      conversations: z.array(ShareGptTurn).min(1),
      ...(kind === 'pair' ? { chosen: ShareGptTurn, rejected: ShareGptTurn } : {}),
      ...(context.system === undefined ? {} : { system: Text }),
    }),
  columns: (kind, context) => ({
    conversations: { list: turnColumn },
    ...(kind === 'pair' ? { chosen: turnColumn, rejected: turnColumn } : {}),
    ...(context.system === undefined ? {} : { system: 'string' as const }),
  }),
  convert(input, context) {
    const human = { from: 'human', value: input.record.prompt };
    if (input.kind === 'pair') {
      const { chosen, rejected } = input.record;
      return [{ row: { conversations: [human], chosen: { from: 'gpt', value: chosen }, rejected: { from: 'gpt', value: rejected }, ...systemField(context) } }];
    }
    const output = completionOf(input);
    if (isSkip(output)) return output;
    return [{ row: { conversations: [human, { from: 'gpt', value: output }], ...systemField(context) } }];
  },
  datasetInfo: (kind, context) => ({
    formatting: 'sharegpt',
    ranking: kind === 'pair',
    columns: {
      messages: 'conversations',
      ...(kind === 'pair' ? { chosen: 'chosen', rejected: 'rejected' } : {}),
      ...(context.system === undefined ? {} : { system: 'system' }),
    },
  }),
};
