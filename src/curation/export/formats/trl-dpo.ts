import { z } from 'zod';
import { type ExportFormat, Text } from '../export-format.js';

/** TRL preference data, standard (strings), explicit prompt: what DPOTrainer recommends (dataset_formats.md). */
export const trlDpo: ExportFormat = {
  name: 'trl-dpo',
  description: 'TRL DPO, standard: prompt, chosen, rejected strings (explicit prompt)',
  accepts: ['pair'],
  system: false,
  rowSchema: () => z.strictObject({ prompt: Text, chosen: Text, rejected: Text }),
  columns: () => ({ prompt: 'string', chosen: 'string', rejected: 'string' }),
  convert(input) {
    if (input.kind !== 'pair') throw new Error(`trl-dpo cannot convert a ${input.kind}`);
    const { prompt, chosen, rejected } = input.record;
    return [{ row: { prompt, chosen, rejected } }];
  },
};
