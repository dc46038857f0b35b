import { createHash } from 'node:crypto';
import { z } from 'zod';
import { InvalidConfigError, InvalidOptionError } from '../core/errors.js';
import { readConfigFile } from '../core/io/read-config.js';
import { EndpointProfile, RunConfig, type ModelConfig } from '../core/schemas/run-config.js';
import type { ModelTarget } from '../llm/cached-completions.js';
import { createChatClient, type ChatClient, type ChatClientOptions } from '../llm/chat-client.js';
import type { Price } from '../llm/budget.js';
import type { RateLimits } from '../llm/rate-limiter.js';

/** The generation flags shared by `veridata sft` and `veridata dpo`; each overrides its config key. */
export interface GenerationFlags {
  readonly config?: string;
  readonly baseUrl?: string;
  /** `ID` or `ID:weight`, repeatable; replaces the config's generation models. */
  readonly model?: readonly string[];
  readonly apiKeyEnv?: string;
  readonly profile?: string;
  readonly concurrency?: number;
  readonly maxTokens?: number;
  readonly temperature?: number;
  readonly responses?: number;
  /** Responses per problem when neither the flag nor the config file says (dpo: 3). */
  readonly defaultResponses?: number;
  readonly maxUsd?: number;
  readonly seed?: number;
  readonly systemPrompt?: string;
  /** Judge model ids (`ID[:weight]`) on the same endpoint as --model; replaces the config's judge models. */
  readonly judgeModel?: readonly string[];
  readonly approvalThreshold?: number;
  readonly cache?: string;
  readonly cachePath?: string;
}

/** The endpoint the quick-start flags define. */
const CLI_ENDPOINT = 'cli';

/** `ID` or `ID:weight`; a model id may itself hold colons (`qwen3:8b`), so only a numeric last part is a weight. */
export function parseModelFlag(flag: string, value: string): { id: string; weight: number } {
  const match = /^(.*):(\d+(?:\.\d+)?)$/.exec(value);
  const id = match ? match[1]! : value;
  const weight = match ? Number(match[2]) : 1;
  if (id.trim() === '') throw new InvalidOptionError(flag, `expected ID or ID:weight, got "${value}"`);
  if (!(weight > 0)) throw new InvalidOptionError(flag, `the weight of "${id}" must be above 0`);
  return { id, weight };
}

/**
 * The run's config: the file (when given) with the flags laid over it, or the flags alone (`--base-url` or
 * OPENAI_BASE_URL, and `--model`). OPENAI_API_KEY is the key of a flag-defined endpoint unless `--api-key-env` names
 * another variable. The result is validated by the same schema as a file, so every error names the key.
 */
export async function resolveRunConfig(flags: GenerationFlags, env: NodeJS.ProcessEnv = process.env): Promise<RunConfig> {
  const source = flags.config ?? '(command line)';
  let raw: Record<string, unknown> = {};
  if (flags.config !== undefined) {
    // Checked alone first, so its errors carry the file's line numbers; then read as written (no defaults filled in),
    // so a flag can tell "not set" from "set to the default".
    await readConfigFile(flags.config, RunConfig);
    raw = await readConfigFile(flags.config, z.record(z.string(), z.unknown()));
  }
  const endpoints = { ...((raw.endpoints as Record<string, unknown> | undefined) ?? {}) };
  const baseUrl = flags.baseUrl ?? (flags.config === undefined ? env.OPENAI_BASE_URL : undefined);
  let modelEndpoint: string | undefined;
  if (baseUrl !== undefined) {
    const keyEnv = flags.apiKeyEnv ?? (env.OPENAI_API_KEY ? 'OPENAI_API_KEY' : undefined);
    endpoints[CLI_ENDPOINT] = { base_url: baseUrl, profile: flags.profile ?? 'openai', ...(keyEnv === undefined ? {} : { api_key_env: keyEnv }) };
    modelEndpoint = CLI_ENDPOINT;
  } else if (flags.apiKeyEnv !== undefined || flags.profile !== undefined) {
    throw new InvalidOptionError(flags.apiKeyEnv !== undefined ? '--api-key-env' : '--profile', 'applies to the endpoint of --base-url; give --base-url too (or set it in the config file)');
  }
  if (flags.profile !== undefined && !EndpointProfile.safeParse(flags.profile).success) throw new InvalidOptionError('--profile', `expected one of ${EndpointProfile.options.join(', ')}, got "${flags.profile}"`);
  const configModels = (raw.models as Record<string, unknown>[] | undefined) ?? [];
  modelEndpoint ??= (configModels[0]?.endpoint as string | undefined) ?? Object.keys(endpoints)[0];
  const fromFlags = (flag: string, values: readonly string[]) =>
    values.map((value) => {
      if (modelEndpoint === undefined) throw new InvalidOptionError(flag, 'needs an endpoint: give --base-url (or set OPENAI_BASE_URL), or a --config with endpoints');
      return { ...parseModelFlag(flag, value), endpoint: modelEndpoint };
    });
  let models: Record<string, unknown>[] = flags.model?.length ? fromFlags('--model', flags.model) : configModels;
  if (models.length === 0) {
    throw new InvalidOptionError('--model', flags.config === undefined ? 'give at least one --model ID (with --base-url or OPENAI_BASE_URL), or a --config file' : `${flags.config} lists no models`);
  }
  models = models.map((model) => ({
    ...model,
    ...(flags.maxTokens === undefined ? {} : { max_tokens: flags.maxTokens }),
    ...(flags.temperature === undefined ? {} : { temperature: flags.temperature }),
  }));
  const judge = raw.judge as Record<string, unknown> | undefined;
  let judgeConfig = judge;
  if (flags.judgeModel?.length) judgeConfig = { ...(judge ?? {}), models: fromFlags('--judge-model', flags.judgeModel).map((model) => ({ ...model, temperature: 0 })) };
  if (flags.approvalThreshold !== undefined) {
    if (judgeConfig === undefined) throw new InvalidOptionError('--approval-threshold', 'needs a judge: --judge-model or a judge in the config');
    judgeConfig = { ...judgeConfig, approval_threshold: flags.approvalThreshold };
  }
  const cache = { ...((raw.cache as Record<string, unknown> | undefined) ?? {}) };
  if (flags.cache !== undefined) cache.mode = flags.cache;
  if (flags.cachePath !== undefined) cache.path = flags.cachePath;
  const merged = {
    ...raw,
    endpoints,
    models,
    ...(judgeConfig === undefined ? {} : { judge: judgeConfig }),
    ...(flags.concurrency === undefined ? {} : { concurrency: flags.concurrency }),
    ...(flags.responses !== undefined
      ? { responses_per_problem: flags.responses }
      : raw.responses_per_problem === undefined && flags.defaultResponses !== undefined
        ? { responses_per_problem: flags.defaultResponses }
        : {}),
    ...(flags.maxUsd === undefined ? {} : { max_usd: flags.maxUsd }),
    ...(flags.seed === undefined ? {} : { seed: flags.seed }),
    ...(flags.systemPrompt === undefined ? {} : { system_prompt: flags.systemPrompt }),
    cache,
  };
  const parsed = RunConfig.safeParse(merged);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new InvalidConfigError(source, undefined, issue.path.join('.'), `${issue.message} (after applying the command-line flags)`);
  }
  const config = parsed.data;
  if (config.max_usd !== undefined) {
    const unpriced = [...config.models.map((model, index) => [`models.${index}`, model] as const), ...(config.judge?.models ?? []).map((model, index) => [`judge.models.${index}`, model] as const)].find(([, model]) => model.price === undefined);
    if (unpriced !== undefined) {
      throw new InvalidConfigError(source, undefined, `${unpriced[0]}.price`, `max_usd needs a price for every model (here ${unpriced[1].id}): each request's worst case is reserved before it is sent, and without a price it cannot be bounded`);
    }
  }
  return config;
}

/** A hash of everything in the config that shapes the data written; a resumed run must match it. */
export function dataSettingsHash(config: RunConfig, extra: Record<string, unknown>): string {
  const model = (entry: ModelConfig) => ({ id: entry.id, base_url: config.endpoints[entry.endpoint]!.base_url, weight: entry.weight, temperature: entry.temperature, max_tokens: entry.max_tokens, top_p: entry.top_p ?? null, price: entry.price ?? null });
  const shaping = {
    models: config.models.map(model),
    judge: config.judge === undefined ? null : { models: config.judge.models.map(model), prompt: config.judge.prompt ?? null, approval_threshold: config.judge.approval_threshold },
    responses_per_problem: config.responses_per_problem,
    seed: config.seed,
    system_prompt: config.system_prompt ?? null,
    ...extra,
  };
  return createHash('sha256').update(JSON.stringify(shaping)).digest('hex').slice(0, 16);
}

function rateLimitsOf(limits: RunConfig['endpoints'][string]['rate_limits']): Record<string, RateLimits> {
  return Object.fromEntries(
    Object.entries(limits).map(([model, limit]) => [
      model,
      { ...(limit.requests_per_minute === undefined ? {} : { requestsPerMinute: limit.requests_per_minute }), ...(limit.tokens_per_minute === undefined ? {} : { tokensPerMinute: limit.tokens_per_minute }) },
    ]),
  );
}

function priceOf(model: ModelConfig): Price | undefined {
  return model.price === undefined ? undefined : { promptUsdPerToken: model.price.prompt_per_million / 1e6, completionUsdPerToken: model.price.completion_per_million / 1e6 };
}

/** Chat clients per endpoint and a target per model; a missing API key variable is a config error naming its key. */
export function modelTargets(config: RunConfig, env: NodeJS.ProcessEnv = process.env, options: Pick<ChatClientOptions, 'onRetry'> = {}) {
  const clients = new Map<string, ChatClient>();
  const clientFor = (name: string): ChatClient => {
    let client = clients.get(name);
    if (client !== undefined) return client;
    const endpoint = config.endpoints[name]!;
    const apiKey = endpoint.api_key_env === undefined ? undefined : env[endpoint.api_key_env];
    if (endpoint.api_key_env !== undefined && !apiKey) {
      throw new InvalidConfigError('(environment)', undefined, `endpoints.${name}.api_key_env`, `the environment variable ${endpoint.api_key_env} is not set`);
    }
    client = createChatClient(
      { name, baseURL: endpoint.base_url, ...(apiKey ? { apiKey } : {}), headers: endpoint.headers, profile: endpoint.profile, rateLimits: rateLimitsOf(endpoint.rate_limits) },
      { maxAttempts: endpoint.max_attempts, timeoutMs: endpoint.timeout_seconds * 1000, backoff: { baseMs: endpoint.backoff_base_ms, maxMs: endpoint.backoff_max_ms }, ...options },
    );
    clients.set(name, client);
    return client;
  };
  const target = (model: ModelConfig): ModelTarget => {
    const price = priceOf(model);
    return { config: model, client: clientFor(model.endpoint), baseURL: config.endpoints[model.endpoint]!.base_url, ...(price === undefined ? {} : { price }) };
  };
  return { generation: config.models.map(target), judge: (config.judge?.models ?? []).map(target) };
}
