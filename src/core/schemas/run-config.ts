import { z } from 'zod';

/** Known endpoint families; each sets the request quirks veridata applies (src/llm/profiles.ts). */
export const EndpointProfile = z.enum(['openai', 'openrouter', 'vllm', 'ollama']);
export type EndpointProfile = z.infer<typeof EndpointProfile>;

/** Requests and tokens per minute for one (endpoint, model). */
export const RateLimitsConfig = z.strictObject({
  requests_per_minute: z.number().positive().optional(),
  tokens_per_minute: z.number().positive().optional(),
});

/** An OpenAI-compatible server. The key is read from the environment, never written in the file. */
export const EndpointConfig = z.strictObject({
  base_url: z.url({ protocol: /^https?$/ }),
  /** Name of the environment variable holding the API key; none for local servers. */
  api_key_env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name').optional(),
  headers: z.record(z.string(), z.string()).default({}),
  profile: EndpointProfile.default('openai'),
  /** Per model id; `*` for every model without its own entry. */
  rate_limits: z.record(z.string(), RateLimitsConfig).default({}),
  timeout_seconds: z.number().positive().default(120),
  max_attempts: z.number().int().min(1).max(50).default(6),
  /** First retry delay without a Retry-After; doubles per attempt, with jitter, up to backoff_max_ms. */
  backoff_base_ms: z.number().min(0).default(500),
  backoff_max_ms: z.number().min(0).default(30_000),
});
export type EndpointConfig = z.infer<typeof EndpointConfig>;

/** USD per million tokens, as providers list prices. */
export const PriceConfig = z.strictObject({
  prompt_per_million: z.number().min(0),
  completion_per_million: z.number().min(0),
});

/** A model that generates responses, with its share of the traffic. */
export const ModelConfig = z.strictObject({
  id: z.string().min(1),
  endpoint: z.string().min(1),
  weight: z.number().positive().default(1),
  temperature: z.number().min(0).max(2).default(0.7),
  max_tokens: z.number().int().positive().default(1024),
  top_p: z.number().gt(0).max(1).optional(),
  price: PriceConfig.optional(),
});
export type ModelConfig = z.infer<typeof ModelConfig>;

/** The LLM judge: used only where no verifier applies, or to break ties (see `veridata pairs --judge`). */
export const JudgeConfig = z.strictObject({
  models: z.array(ModelConfig).min(1),
  /** The judge's prompt; `{prompt}` and `{response}` are filled in; it must end asking for a score from 0 to 10. */
  prompt: z.string().min(1).optional(),
  /** Scores at or above it (0..1 after dividing by 10) approve a response. */
  approval_threshold: z.number().min(0).max(1).default(0.7),
});

/** A generation run (`veridata sft`, `veridata dpo`). Unknown keys are errors: a typo must not be silently ignored. */
export const RunConfig = z.strictObject({
  endpoints: z.record(z.string().regex(/^[\w.-]+$/, 'letters, digits, ., - and _'), EndpointConfig).refine((value) => Object.keys(value).length > 0, 'at least one endpoint'),
  models: z.array(ModelConfig).min(1),
  judge: JudgeConfig.optional(),
  responses_per_problem: z.number().int().min(1).max(64).default(1),
  concurrency: z.number().int().min(1).max(4096).default(16),
  judge_concurrency: z.number().int().min(1).max(4096).default(8),
  /** Stop before any request that might take the spend past this (USD). */
  max_usd: z.number().positive().optional(),
  seed: z.number().int().min(0).default(0),
  system_prompt: z.string().optional(),
  cache: z
    .strictObject({
      path: z.string().default('.veridata/cache.sqlite'),
      mode: z.enum(['read-write', 'replay', 'off']).default('read-write'),
    })
    .default({ path: '.veridata/cache.sqlite', mode: 'read-write' }),
}).superRefine((config, context) => {
  const endpoints = new Set(Object.keys(config.endpoints));
  const check = (models: readonly ModelConfig[], path: (string | number)[]) =>
    models.forEach((model, index) => {
      if (!endpoints.has(model.endpoint)) {
        context.addIssue({ code: 'custom', path: [...path, index, 'endpoint'], message: `no endpoint "${model.endpoint}" (defined: ${[...endpoints].join(', ')})` });
      }
    });
  check(config.models, ['models']);
  if (config.judge) check(config.judge.models, ['judge', 'models']);
});
export type RunConfig = z.infer<typeof RunConfig>;
