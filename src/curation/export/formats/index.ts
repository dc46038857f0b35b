import { createRegistry } from '../../../core/registry.js';
import type { ExportFormat } from '../export-format.js';
import { axolotlChatTemplate } from './axolotl-chat-template.js';
import { axolotlChatmlIntel } from './axolotl-chatml-intel.js';
import { llamafactory } from './llamafactory.js';
import { reward } from './reward.js';
import { sharegpt } from './sharegpt.js';
import { trlDpoChat } from './trl-dpo-chat.js';
import { trlDpo } from './trl-dpo.js';
import { trlGrpo } from './trl-grpo.js';
import { trlKto } from './trl-kto.js';
import { trlSftChat } from './trl-sft-chat.js';
import { trlSft } from './trl-sft.js';

/** Every trainer format of `veridata export --to`. */
export const exportFormats = createRegistry<ExportFormat>('export format', [
  trlDpo,
  trlDpoChat,
  trlKto,
  trlSft,
  trlSftChat,
  trlGrpo,
  reward,
  axolotlChatmlIntel,
  axolotlChatTemplate,
  llamafactory,
  sharegpt,
]);
