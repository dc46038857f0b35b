/** A reply's answer and its reasoning, kept apart. */
export interface SplitReply {
  readonly content: string;
  readonly reasoning: string | null;
}

const THINK = /^\s*<think>([\s\S]*?)<\/think>\s*/;

/**
 * Separates reasoning from the answer: the message's `reasoning` (OpenRouter, Ollama, vLLM >= 0.11) or
 * `reasoning_content` (DeepSeek, vLLM <= 0.10) field, or an inline leading `<think>...</think>`. An unterminated leading
 * `<think>` (a cut-off output) is all reasoning and no answer.
 */
export function splitReasoning(message: { content?: unknown; reasoning?: unknown; reasoning_content?: unknown }): SplitReply {
  const content = typeof message.content === 'string' ? message.content : '';
  const field = [message.reasoning, message.reasoning_content].find((value): value is string => typeof value === 'string' && value.trim() !== '');
  const inline = THINK.exec(content);
  if (inline) {
    const thought = inline[1]!.trim();
    return { content: content.slice(inline[0].length), reasoning: [field, thought].filter(Boolean).join('\n\n') || null };
  }
  if (/^\s*<think>/.test(content)) return { content: '', reasoning: [field, content.replace(/^\s*<think>/, '').trim()].filter(Boolean).join('\n\n') || null };
  return { content, reasoning: field ?? null };
}
