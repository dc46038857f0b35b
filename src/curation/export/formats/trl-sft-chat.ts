import { z } from 'zod';
import { completionOf, type ExportFormat, isSkip, Message, messageListColumn, promptMessages } from '../export-format.js';

/** TRL conversational language-modelling data: `messages` = [system?, user, assistant]. Same record rules as trl-sft. */
export const trlSftChat: ExportFormat = {
  name: 'trl-sft-chat',
  description: 'TRL SFT, conversational: messages = [system?, user, assistant]',
  accepts: ['response', 'pair'],
  system: true,
  rowSchema: () => z.strictObject({ messages: z.array(Message).min(2) }),
  columns: () => ({ messages: messageListColumn }),
  convert(input, context) {
    const completion = completionOf(input);
    if (isSkip(completion)) return completion;
    return [{ row: { messages: [...promptMessages(input.record.prompt, context), { role: 'assistant', content: completion }] } }];
  },
};
