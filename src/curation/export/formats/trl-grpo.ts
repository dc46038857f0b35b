import { z } from 'zod';
import { type ExportContext, type ExportFormat, Message, messageListColumn, promptMessages, Text } from '../export-format.js';

/**
 * Keyword arguments GRPOTrainer passes to reward functions itself (grpo_trainer.md); every other column is passed
 * along by name, so no column may take one of these names.
 */
export const GRPO_RESERVED_COLUMNS = ['prompts', 'completions', 'completion_ids', 'trainer_state', 'log_extra', 'log_metric', 'environments'] as const;

/** The verifier a row's reward function should run: `--verifier`, the record's own, else from what ground truth it has. */
function verifierOf(record: Record<string, unknown>, context: ExportContext): string {
  if (context.verifier !== undefined) return context.verifier;
  const own = record.verifier;
  if (typeof own === 'string' && own !== '') return own;
  // Solver logs carry `"verifier": {"name", "passed"}`.
  if (typeof own === 'object' && own !== null && typeof (own as { name?: unknown }).name === 'string') return (own as { name: string }).name;
  const meta = record.meta as Record<string, unknown> | undefined;
  if (typeof meta?.verifier === 'string' && meta.verifier !== '') return meta.verifier;
  return typeof record.tests === 'string' ? 'pytest' : 'math';
}

/**
 * TRL prompt-only data for GRPO plus the ground truth a verifier reward function needs: `answer` (always text: gold
 * numbers are written as strings so the column keeps one type), `tests` (code), `verifier` (which check to run). Both
 * ground-truth columns are in every row, null when absent. With `--system` the prompt is conversational.
 */
export const trlGrpo: ExportFormat = {
  name: 'trl-grpo',
  description: 'TRL GRPO: prompt + ground truth for the reward function (answer, tests, verifier)',
  accepts: ['problem'],
  system: true,
  consumes: ['verifier'],
  rowSchema: (_kind, context) =>
    z.strictObject({
      prompt: context.system === undefined ? Text : z.array(Message).min(2),
      answer: z.string().nullable(),
      tests: z.string().nullable(),
      verifier: z.string().min(1),
    }),
  columns: (_kind, context) => ({
    prompt: context.system === undefined ? 'string' : messageListColumn,
    answer: 'string',
    tests: 'string',
    verifier: 'string',
  }),
  convert(input, context) {
    if (input.kind !== 'problem') throw new Error(`trl-grpo cannot convert a ${input.kind}`);
    const { prompt, answer, tests } = input.record;
    if (answer === undefined && tests === undefined) {
      return { invalid: 'field "answer": a GRPO row needs ground truth for its reward: an answer or tests (see --answer-field, --tests-field)' };
    }
    return [
      {
        row: {
          prompt: context.system === undefined ? prompt : promptMessages(prompt, context),
          answer: answer === undefined ? null : String(answer),
          tests: tests ?? null,
          verifier: verifierOf(input.record, context),
        },
      },
    ];
  },
};
