import { z } from 'zod';

/** Known endpoint families; each sets the request quirks veridata applies (see reference: providers). */
export const EndpointProfile = z.enum(['openai', 'openrouter', 'vllm', 'ollama']);
export type EndpointProfile = z.infer<typeof EndpointProfile>;

/** What differs between OpenAI-compatible servers, as far as a dataset generator cares. */
export interface ProfileQuirks {
  /** Several choices per request (`n`); otherwise N requests with distinct seeds. */
  readonly supportsN: boolean;
  /** The field the completion budget goes in. */
  readonly maxTokensField: 'max_tokens' | 'max_completion_tokens';
  /** Extra top-level fields for every request (only where the server accepts them: OpenAI rejects unknown ones). */
  readonly extraBody: (request: { seed?: number | undefined }) => Record<string, unknown>;
}

export const profileQuirks: Record<EndpointProfile, ProfileQuirks> = {
  openai: { supportsN: true, maxTokensField: 'max_completion_tokens', extraBody: () => ({}) },
  // n is not in OpenRouter's schema; usage.include asks for the provider-reported cost; with a seed, only providers
  // that honour every parameter may serve (a provider that drops the seed breaks reproducibility silently).
  openrouter: {
    supportsN: false,
    maxTokensField: 'max_tokens',
    extraBody: (request) => ({ usage: { include: true }, ...(request.seed === undefined ? {} : { provider: { require_parameters: true } }) }),
  },
  vllm: { supportsN: true, maxTokensField: 'max_tokens', extraBody: () => ({}) },
  // Ollama ignores max_completion_tokens and n.
  ollama: { supportsN: false, maxTokensField: 'max_tokens', extraBody: () => ({}) },
};
