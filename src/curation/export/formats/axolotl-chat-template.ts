import { z } from 'zod';
import { type ExportFormat, Message, messageColumn, messageListColumn, promptMessages } from '../export-format.js';

const AssistantMessage = Message.extend({ role: z.literal('assistant') });

/**
 * Axolotl DPO `type: chat_template.default` (docs/rlhf.qmd): `messages` holds the prompt turns, `chosen` and
 * `rejected` one assistant message each.
 */
export const axolotlChatTemplate: ExportFormat = {
  name: 'axolotl-chat-template',
  description: 'Axolotl DPO type chat_template.default: messages, chosen {role, content}, rejected {role, content}',
  accepts: ['pair'],
  system: true,
  rowSchema: () => z.strictObject({ messages: z.array(Message).min(1), chosen: AssistantMessage, rejected: AssistantMessage }),
  columns: () => ({ messages: messageListColumn, chosen: messageColumn, rejected: messageColumn }),
  convert(input, context) {
    if (input.kind !== 'pair') throw new Error(`axolotl-chat-template cannot convert a ${input.kind}`);
    const { prompt, chosen, rejected } = input.record;
    return [
      {
        row: {
          messages: promptMessages(prompt, context),
          chosen: { role: 'assistant', content: chosen },
          rejected: { role: 'assistant', content: rejected },
        },
      },
    ];
  },
};
