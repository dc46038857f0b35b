import { z } from 'zod';
import { completionOf, type ExportFormat, isSkip, Text } from '../export-format.js';

/**
 * TRL prompt-completion SFT data (SFTTrainer trains on the completion only by default). From a pair the chosen text is
 * the completion; a response whose verdict is fail or error is skipped; one without a verdict is taken as it is.
 */
export const trlSft: ExportFormat = {
  name: 'trl-sft',
  description: 'TRL SFT, prompt-completion: prompt, completion strings (pairs give their chosen text)',
  accepts: ['response', 'pair'],
  system: false,
  rowSchema: () => z.strictObject({ prompt: Text, completion: Text }),
  columns: () => ({ prompt: 'string', completion: 'string' }),
  convert(input) {
    const completion = completionOf(input);
    if (isSkip(completion)) return completion;
    return [{ row: { prompt: input.record.prompt, completion } }];
  },
};
