import OpenAI from 'openai';
import { VeridataError } from '../core/errors.js';
import { backoffMs, type BackoffOptions, defaultBackoff, sleep } from './backoff.js';
import { classifyBody, classifyError, type Failure } from './classify-failure.js';
import { createHttpFetch } from './http-fetch.js';
import { type EndpointProfile, profileQuirks } from './profiles.js';
import { createRateLimiter, type RateLimiter, type RateLimits } from './rate-limiter.js';
import { splitReasoning } from './split-reasoning.js';

/** Where requests go. */
export interface EndpointOptions {
  readonly name: string;
  readonly baseURL: string;
  readonly apiKey?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly profile: EndpointProfile;
  /** Per model id; `*` applies to models without their own. */
  readonly rateLimits?: Readonly<Record<string, RateLimits>>;
}

/** A chat message. */
export interface ChatMessage {
  readonly role: 'system' | 'user' | 'assistant';
  readonly content: string;
}

/** One generation request: `n` samples of `model` for `messages`. */
export interface ChatRequest {
  readonly model: string;
  readonly messages: readonly ChatMessage[];
  readonly n?: number;
  readonly temperature?: number;
  readonly maxTokens?: number;
  readonly topP?: number;
  /** Base seed; sample i of a fanned-out request gets seed + i, so samples differ and replay the same. */
  readonly seed?: number;
}

/** One sample, normalised across providers. */
export interface Completion {
  readonly content: string;
  readonly reasoning: string | null;
  readonly finishReason: string;
  /** finish_reason "length": kept, but the answer may be cut off. */
  readonly truncated: boolean;
  /** The model that served it, as the provider names it. */
  readonly model: string;
  readonly promptTokens: number;
  readonly completionTokens: number;
  /** Provider-reported cost in USD (OpenRouter's usage.cost) for this sample's share of the request, or null. */
  readonly providerCostUsd: number | null;
}

/** What a call took: the samples, and the transient failures met on the way. */
export interface ChatResult {
  readonly completions: readonly Completion[];
  readonly requests: number;
  readonly retried: readonly Failure[];
}

/** A request that cannot succeed (permanent error, quota, context length) or still failed after every attempt. */
export class LlmRequestError extends VeridataError {
  readonly failure: Failure;
  readonly attempts: number;
  constructor(endpoint: string, model: string, failure: Failure, attempts: number) {
    const code = failure.kind === 'quota' ? 'BUDGET_EXCEEDED' : 'INFRASTRUCTURE';
    super(code, `${endpoint} ${model}: ${failure.code}: ${failure.message}${attempts > 1 ? ` (after ${attempts} attempts)` : ''}`, {
      hint:
        failure.kind === 'quota'
          ? 'The provider reports no credits or quota left: top up or switch endpoints, then rerun to resume.'
          : failure.kind === 'permanent'
            ? 'Check the model id, API key and request options; retrying will not help.'
            : 'Rerun the same command to resume; finished work is kept.',
    });
    this.failure = failure;
    this.attempts = attempts;
  }
}

/** Client options beyond the endpoint. */
export interface ChatClientOptions {
  /** Attempts per request, the first included (default 6). */
  readonly maxAttempts?: number;
  readonly timeoutMs?: number;
  readonly backoff?: BackoffOptions;
  /** The longest Retry-After worth waiting for (default 10 min); a longer one fails the request (e.g. a daily cap). */
  readonly maxRetryAfterMs?: number;
  /** Told about each transient failure before its retry (progress, run logs). */
  readonly onRetry?: (failure: Failure, attempt: number, delayMs: number) => void;
}

/**
 * An OpenAI-compatible chat client with veridata's failure policy on top of the `openai` package (whose own retries are
 * off): errors classified (see `classifyError`, `classifyBody`), Retry-After honoured and shared with every worker of
 * the model through its rate limiter, jittered exponential backoff otherwise, per-model request and token limits, and
 * `n` fanned out into requests with distinct seeds where the profile has no `n`.
 */
export function createChatClient(endpoint: EndpointOptions, options: ChatClientOptions = {}) {
  const http = createHttpFetch();
  const client = new OpenAI({
    baseURL: endpoint.baseURL,
    fetch: http.fetch,
    // Local servers need none, but the SDK insists on a string.
    apiKey: endpoint.apiKey ?? 'none',
    maxRetries: 0,
    timeout: options.timeoutMs ?? 120_000,
    ...(endpoint.headers ? { defaultHeaders: { ...endpoint.headers } } : {}),
  });
  const quirks = profileQuirks[endpoint.profile];
  const limiters = new Map<string, RateLimiter>();
  const limiterFor = (model: string) => {
    let limiter = limiters.get(model);
    if (limiter === undefined) {
      limiter = createRateLimiter(endpoint.rateLimits?.[model] ?? endpoint.rateLimits?.['*'] ?? {});
      limiters.set(model, limiter);
    }
    return limiter;
  };
  const maxAttempts = options.maxAttempts ?? 6;
  const backoff = options.backoff ?? defaultBackoff;

  /** One HTTP request, retried until it gives a usable body. */
  const send = async (request: ChatRequest, n: number, seed: number | undefined, signal?: AbortSignal): Promise<{ completions: Completion[]; retried: Failure[]; requests: number }> => {
    const body: Record<string, unknown> = {
      model: request.model,
      messages: request.messages.map((message) => ({ role: message.role, content: message.content })),
      ...(n > 1 ? { n } : {}),
      ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
      ...(request.topP === undefined ? {} : { top_p: request.topP }),
      ...(request.maxTokens === undefined ? {} : { [quirks.maxTokensField]: request.maxTokens }),
      ...(seed === undefined ? {} : { seed }),
      ...quirks.extraBody({ seed }),
    };
    const estimate = request.messages.reduce((sum, message) => sum + Math.ceil(message.content.length / 4), 0) + (request.maxTokens ?? 0) * n;
    const retried: Failure[] = [];
    for (let attempt = 1; ; attempt += 1) {
      await limiterFor(request.model).acquire(estimate, signal);
      let failure: Failure | undefined;
      let response: unknown;
      try {
        response = await client.chat.completions.create(body as unknown as OpenAI.Chat.ChatCompletionCreateParamsNonStreaming, signal ? { signal } : {});
        failure = classifyBody(response);
      } catch (error) {
        failure = classifyError(error);
      }
      if (failure === undefined) {
        const completions = toCompletions(response as OpenAI.Chat.ChatCompletion, request.model);
        // An empty answer that was not cut off is a provider hiccup (seen under load), not an answer.
        if (completions.some((completion) => completion.content.trim() === '' && completion.reasoning === null && !completion.truncated)) {
          failure = { kind: 'retry', code: 'empty-content', message: 'the response content is empty' };
        } else return { completions, retried, requests: attempt };
      }
      if (failure.kind === 'aborted') throw signal?.reason ?? new Error('aborted');
      if (failure.kind !== 'retry' && failure.kind !== 'rate-limit') throw new LlmRequestError(endpoint.name, request.model, failure, attempt);
      if (attempt >= maxAttempts) throw new LlmRequestError(endpoint.name, request.model, failure, attempt);
      if (failure.retryAfterMs !== undefined && failure.retryAfterMs > (options.maxRetryAfterMs ?? 600_000)) {
        throw new LlmRequestError(endpoint.name, request.model, { ...failure, message: `${failure.message} (the server asks to wait ${Math.round(failure.retryAfterMs / 1000)} s)` }, attempt);
      }
      retried.push(failure);
      const delay = backoffMs(attempt, backoff, failure.retryAfterMs);
      if (failure.kind === 'rate-limit') limiterFor(request.model).pause(delay);
      options.onRetry?.(failure, attempt, delay);
      await sleep(delay, signal);
    }
  };

  return {
    endpoint: endpoint.name,
    profile: endpoint.profile,
    /** `request.n` samples (default 1), in sample order. */
    async complete(request: ChatRequest, signal?: AbortSignal): Promise<ChatResult> {
      const n = request.n ?? 1;
      const completions: Completion[] = [];
      const retried: Failure[] = [];
      let requests = 0;
      if (quirks.supportsN && n > 1) {
        const result = await send(request, n, request.seed, signal);
        completions.push(...result.completions);
        retried.push(...result.retried);
        requests += result.requests;
      }
      // Fan out what is still missing (no n support, or fewer choices than asked), one seed per sample index.
      while (completions.length < n) {
        const index = completions.length;
        const result = await send(request, 1, request.seed === undefined ? undefined : request.seed + index, signal);
        completions.push(result.completions[0]!);
        retried.push(...result.retried);
        requests += result.requests;
      }
      return { completions: completions.slice(0, n), requests, retried };
    },
    /** Closes the idle keep-alive connections (they never hold the process open). */
    close(): void {
      http.close();
    },
    /** The endpoint's model ids (GET /models), for `config validate`. */
    async models(signal?: AbortSignal): Promise<string[]> {
      try {
        const page = await client.models.list(signal ? { signal } : {});
        return page.data.map((model) => model.id);
      } catch (error) {
        throw new LlmRequestError(endpoint.name, '/models', classifyError(error), 1);
      }
    },
  };
}

/** A chat client. */
export type ChatClient = ReturnType<typeof createChatClient>;

function toCompletions(response: OpenAI.Chat.ChatCompletion, requested: string): Completion[] {
  const usage = response.usage as (OpenAI.CompletionUsage & { cost?: unknown }) | undefined;
  const choices = [...response.choices].sort((a, b) => a.index - b.index);
  const share = choices.length || 1;
  const cost = typeof usage?.cost === 'number' ? usage.cost : null;
  // Usage covers the whole request; each of n samples carries its share so that sums stay right.
  return choices.map((choice) => {
    const { content, reasoning } = splitReasoning(choice.message as unknown as { content?: unknown; reasoning?: unknown; reasoning_content?: unknown });
    const finishReason = choice.finish_reason ?? 'unknown';
    return {
      content,
      reasoning,
      finishReason,
      truncated: finishReason === 'length',
      model: response.model || requested,
      promptTokens: Math.round((usage?.prompt_tokens ?? 0) / share),
      completionTokens: Math.round((usage?.completion_tokens ?? 0) / share),
      providerCostUsd: cost === null ? null : cost / share,
    };
  });
}
