import pLimit from 'p-limit';
import type { ModelConfig } from '../core/schemas/run-config.js';
import { type Budget, costOf, type CostSource, type Price, worstCaseUsd } from './budget.js';
import { cacheKey, type CachedResponse, type ResponseCache } from './cache.js';
import type { ChatClient, ChatMessage } from './chat-client.js';

/** A model on its endpoint, ready to be asked. */
export interface ModelTarget {
  readonly config: ModelConfig;
  readonly client: ChatClient;
  /** The endpoint's base URL: part of the cache key, so two servers' answers never mix. */
  readonly baseURL: string;
  readonly price?: Price;
}

/** One sample, from the cache or bought now. Nothing here depends on which: data files must not differ on a rerun. */
export interface Sample {
  readonly index: number;
  readonly model: string;
  readonly response: CachedResponse;
  /** What the sample cost when it was bought (a cache hit costs nothing now, but reports the original figure). */
  readonly costUsd: number | null;
  readonly costSource: CostSource;
}

/** What the run log records about a sample; wall-clock values live here, never in data files. */
export interface SampleTiming {
  /** Who asked: the problem id, for the run log. */
  readonly problemId: string | undefined;
  readonly index: number;
  readonly model: string;
  readonly cached: boolean;
  /** The request's duration (retries included) for bought samples; null for cache hits. */
  readonly latencyMs: number | null;
  readonly retries: number;
  /** What this run paid for it: 0 for cache hits. */
  readonly paidUsd: number;
}

/** Per call: a signal to cancel it, and the problem it is for (run log only). */
export interface SampleContext {
  readonly signal?: AbortSignal;
  readonly problemId?: string;
}

/** Options of `createCompletionCaller`. */
export interface CompletionCallerOptions {
  readonly cache: ResponseCache;
  readonly budget: Budget;
  /** Requests in flight at once over every model (the generation or judge pool size). */
  readonly concurrency: number;
  /** Told what each bought request cost (USD), at once, so a checkpoint can persist the spend before anything else. */
  readonly onSpend?: (usd: number) => void;
  readonly onTiming?: (timing: SampleTiming) => void;
}

// A token is at least one byte in every tokenizer in use, and chat templates add a few per message: reserving this
// much prompt cost is an upper bound, which is what "--max-usd is never overshot" needs.
function promptTokenBound(messages: readonly ChatMessage[]): number {
  return messages.reduce((sum, message) => sum + Buffer.byteLength(message.content, 'utf8') + 8, 0);
}

/** Consecutive runs of sorted indices, e.g. [0, 1, 3] -> [[0, 1], [3]]: each run is one request with n = its length. */
function runsOf(indices: readonly number[]): number[][] {
  const runs: number[][] = [];
  for (const index of [...indices].sort((a, b) => a - b)) {
    const last = runs.at(-1);
    if (last !== undefined && last.at(-1)! + 1 === index) last.push(index);
    else runs.push([index]);
  }
  return runs;
}

/** The cache key of sample `index` of `messages` from `target` under run seed `seed` (the seed sent is seed + index). */
export function sampleCacheKey(target: Pick<ModelTarget, 'baseURL' | 'config'>, messages: readonly ChatMessage[], seed: number, index: number): string {
  return cacheKey({
    endpoint: target.baseURL,
    model: target.config.id,
    params: { temperature: target.config.temperature, max_tokens: target.config.max_tokens, top_p: target.config.top_p, seed: seed + index },
    messages: messages.map((message) => ({ role: message.role, content: message.content })),
    sampleIndex: index,
  });
}

const obtainedBefore = new WeakMap<object, Sample[]>();

/** The samples a failed `samples` call did obtain (from the cache, or bought by its other requests) before it threw. */
export function samplesBeforeFailure(error: unknown): readonly Sample[] {
  return typeof error === 'object' && error !== null ? (obtainedBefore.get(error) ?? []) : [];
}

/**
 * Asks models for samples through the response cache and the budget. Sample `i` of a prompt always uses seed
 * `seed + i` and cache key (endpoint, model, parameters, messages, i): a rerun, a resumed run or a replay finds it,
 * and a request that held several samples is cached in one transaction, so a kill never leaves half of it.
 */
export function createCompletionCaller(options: CompletionCallerOptions) {
  const limit = pLimit(options.concurrency);
  const keyOf = sampleCacheKey;

  // Cache off: no key is ever needed, and hashing the messages is most of a cache's CPU per request.
  const caching = options.cache.mode !== 'off';

  const buy = async (target: ModelTarget, messages: readonly ChatMessage[], seed: number, run: number[], keys: ReadonlyMap<number, string>, context: SampleContext): Promise<Sample[]> => {
    const { signal } = context;
    const reservation = options.budget.reserve(worstCaseUsd(target.price, { promptTokens: promptTokenBound(messages), maxTokens: target.config.max_tokens, samples: run.length }));
    const started = performance.now();
    let result: Awaited<ReturnType<ChatClient['complete']>>;
    try {
      result = await target.client.complete(
        {
          model: target.config.id,
          messages,
          n: run.length,
          temperature: target.config.temperature,
          maxTokens: target.config.max_tokens,
          ...(target.config.top_p === undefined ? {} : { topP: target.config.top_p }),
          seed: seed + run[0]!,
        },
        signal,
      );
    } catch (error) {
      // Failed requests are not billed by the providers veridata knows; the reservation goes back to the pool.
      reservation.release();
      throw error;
    }
    const latencyMs = performance.now() - started;
    const samples = result.completions.map((completion, position): Sample => {
      const cost = costOf(completion, target.price);
      return {
        index: run[position]!,
        model: completion.model,
        response: {
          content: completion.content,
          reasoning: completion.reasoning,
          finishReason: completion.finishReason,
          model: completion.model,
          usage: { promptTokens: completion.promptTokens, completionTokens: completion.completionTokens, costUsd: completion.providerCostUsd },
        },
        ...cost,
      };
    });
    const known = samples.map((sample) => sample.costUsd);
    const paid = known.includes(null) ? null : known.reduce<number>((sum, cost) => sum + cost!, 0);
    reservation.settle(paid);
    const spent = paid ?? 0;
    if (spent > 0) options.onSpend?.(spent);
    // `samples` hashed the key of every index it sends here.
    if (caching) options.cache.putMany(samples.map((sample) => [keys.get(sample.index)!, sample.response] as const));
    for (const sample of samples) {
      options.onTiming?.({ problemId: context.problemId, index: sample.index, model: target.config.id, cached: false, latencyMs, retries: result.retried.length, paidUsd: sample.costUsd ?? 0 });
    }
    return samples;
  };

  return {
    /**
     * Samples `indices` of `messages` from `target`, in index order: cached ones from the cache (in replay mode a miss
     * throws CacheMissError), the rest bought in as few requests as the endpoint allows. Throws LlmRequestError when
     * a request fails for good and BudgetExceededError when the next request might not fit in the budget.
     */
    async samples(target: ModelTarget, messages: readonly ChatMessage[], seed: number, indices: readonly number[], context: SampleContext = {}): Promise<Sample[]> {
      const found: Sample[] = [];
      const missing: number[] = [];
      const keys = new Map<number, string>();
      for (const index of indices) {
        if (!caching) {
          missing.push(index);
          continue;
        }
        const key = keyOf(target, messages, seed, index);
        keys.set(index, key);
        const response = options.cache.lookup(key, target.config.id);
        if (response === undefined) {
          missing.push(index);
          continue;
        }
        found.push({ index, model: response.model, response, ...costOf({ ...response.usage, providerCostUsd: response.usage.costUsd }, target.price) });
        options.onTiming?.({ problemId: context.problemId, index, model: target.config.id, cached: true, latencyMs: null, retries: 0, paidUsd: 0 });
      }
      // Every request is let finish before a failure is thrown: a sample that was bought is kept (see
      // samplesBeforeFailure), so rerouting the failed ones never pays twice for it.
      const settled = await Promise.allSettled(runsOf(missing).map((run) => limit(() => buy(target, messages, seed, run, keys, context))));
      const bought = settled.flatMap((outcome) => (outcome.status === 'fulfilled' ? outcome.value : []));
      const failure = settled.find((outcome) => outcome.status === 'rejected');
      const all = [...found, ...bought].sort((a, b) => a.index - b.index);
      if (failure !== undefined) {
        const error: unknown = failure.reason;
        if (typeof error === 'object' && error !== null && all.length > 0) obtainedBefore.set(error, all);
        throw error;
      }
      return all;
    },
  };
}

/** A cached, budgeted completion caller. */
export type CompletionCaller = ReturnType<typeof createCompletionCaller>;
