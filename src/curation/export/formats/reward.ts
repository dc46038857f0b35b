import { z } from 'zod';
import { type ExportFormat, Message, messageListColumn, promptMessages } from '../export-format.js';

/**
 * Reward-model preference data with an implicit prompt (what RewardTrainer recommends): `chosen` and `rejected` are
 * each the whole conversation, and `margin` (chosen score minus rejected score) is the optional per-pair margin
 * RewardTrainer and OpenRLHF read. `margin` is a float column: integral margins are written `1.0`.
 */
export const reward: ExportFormat = {
  name: 'reward',
  description: 'reward model: chosen/rejected whole conversations (implicit prompt) + margin',
  accepts: ['pair'],
  system: true,
  rowSchema: () => z.strictObject({ chosen: z.array(Message).min(2), rejected: z.array(Message).min(2), margin: z.number() }),
  columns: () => ({ chosen: messageListColumn, rejected: messageListColumn, margin: 'float' }),
  convert(input, context) {
    if (input.kind !== 'pair') throw new Error(`reward cannot convert a ${input.kind}`);
    const { prompt, chosen, rejected, chosen_score, rejected_score } = input.record;
    const margin = input.record.margin ?? (chosen_score !== undefined && rejected_score !== undefined ? chosen_score - rejected_score : undefined);
    if (margin === undefined) return { invalid: 'field "margin": a reward row needs a margin, or chosen_score and rejected_score to take it from' };
    const messages = promptMessages(prompt, context);
    return [
      {
        row: {
          chosen: [...messages, { role: 'assistant', content: chosen }],
          rejected: [...messages, { role: 'assistant', content: rejected }],
          margin,
        },
      },
    ];
  },
};
