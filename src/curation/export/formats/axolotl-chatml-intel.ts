import { z } from 'zod';
import { type ExportFormat, systemField, Text } from '../export-format.js';

/** Axolotl DPO `type: chatml.intel` (docs/rlhf.qmd): system (optional), question, chosen, rejected strings. */
export const axolotlChatmlIntel: ExportFormat = {
  name: 'axolotl-chatml-intel',
  description: 'Axolotl DPO type chatml.intel: system?, question, chosen, rejected',
  accepts: ['pair'],
  system: true,
  rowSchema: (_kind, context) =>
    z.strictObject({ ...(context.system === undefined ? {} : { system: Text }), question: Text, chosen: Text, rejected: Text }),
  columns: (_kind, context) => ({ ...(context.system === undefined ? {} : { system: 'string' as const }), question: 'string', chosen: 'string', rejected: 'string' }),
  convert(input, context) {
    if (input.kind !== 'pair') throw new Error(`axolotl-chatml-intel cannot convert a ${input.kind}`);
    const { prompt, chosen, rejected } = input.record;
    return [{ row: { ...systemField(context), question: prompt, chosen, rejected } }];
  },
};
