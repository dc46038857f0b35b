import { z } from 'zod';
import { type ExportFormat, Message, messageListColumn, promptMessages } from '../export-format.js';

const AssistantTurn = z.tuple([Message.extend({ role: z.literal('assistant') })]);

/**
 * TRL preference data, conversational, explicit prompt: `prompt` is the user (and system) messages, `chosen` and
 * `rejected` each the single assistant message; TRL applies the chat template.
 */
export const trlDpoChat: ExportFormat = {
  name: 'trl-dpo-chat',
  description: 'TRL DPO, conversational: prompt = [system?, user] messages, chosen/rejected = [assistant message]',
  accepts: ['pair'],
  system: true,
  rowSchema: () => z.strictObject({ prompt: z.array(Message).min(1), chosen: AssistantTurn, rejected: AssistantTurn }),
  columns: () => ({ prompt: messageListColumn, chosen: messageListColumn, rejected: messageListColumn }),
  convert(input, context) {
    if (input.kind !== 'pair') throw new Error(`trl-dpo-chat cannot convert a ${input.kind}`);
    const { prompt, chosen, rejected } = input.record;
    return [
      {
        row: {
          prompt: promptMessages(prompt, context),
          chosen: [{ role: 'assistant', content: chosen }],
          rejected: [{ role: 'assistant', content: rejected }],
        },
      },
    ];
  },
};
