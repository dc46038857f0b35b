import { z } from 'zod';
import { type ExportFormat, Text } from '../export-format.js';

/**
 * TRL unpaired preference data: prompt, completion, label (true = desirable). A pair gives two rows, its chosen text
 * desirable and its rejected text undesirable, as KTOTrainer does with paired data; a response gives one row labelled
 * by its verdict (pass true, fail false); an `error` verdict decided nothing and is skipped.
 */
export const trlKto: ExportFormat = {
  name: 'trl-kto',
  description: 'TRL KTO: prompt, completion, label (bool); a pair splits into a desirable and an undesirable row',
  accepts: ['pair', 'response'],
  system: false,
  rowSchema: () => z.strictObject({ prompt: Text, completion: Text, label: z.boolean() }),
  columns: () => ({ prompt: 'string', completion: 'string', label: 'boolean' }),
  convert(input) {
    if (input.kind === 'pair') {
      const { prompt, chosen, rejected } = input.record;
      return [
        { row: { prompt, completion: chosen, label: true }, idSuffix: '-chosen' },
        { row: { prompt, completion: rejected, label: false }, idSuffix: '-rejected' },
      ];
    }
    if (input.kind !== 'response') throw new Error(`trl-kto cannot convert a ${input.kind}`);
    const { prompt, response, verdict } = input.record;
    if (verdict === undefined) return { invalid: 'field "verdict": a KTO label needs a verdict (pass or fail); run a verifier first' };
    if (verdict.status === 'error') return { skip: 'verdict-error' };
    return [{ row: { prompt, completion: response, label: verdict.status === 'pass' } }];
  },
};
