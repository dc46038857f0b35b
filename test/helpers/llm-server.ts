import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';

/**
 * What can go wrong with one chat completion request. HTTP errors carry the provider's body shape; the 200 kinds are
 * the failures a client must find in a successful-looking answer; `slow`, `hang` and `reset` break the transport.
 */
export const FaultKind = z.enum([
  '429', // with Retry-After: retryAfterSeconds
  '429-no-retry-after',
  '429-insufficient-quota', // OpenAI's billing wall: a 429 that retrying cannot fix
  '500',
  '502',
  '503',
  '408',
  '409',
  '400-context-length',
  '401',
  '402', // OpenRouter: insufficient credits
  '403', // moderation
  '404', // model not found
  'broken-body', // 200, half the JSON, then the socket is destroyed
  'invalid-json', // 200, half the JSON, then a clean end: the body is complete but does not parse
  'error-in-200', // OpenRouter: the upstream failed after the status was sent
  'empty-choices',
  'finish-error', // partial content with finish_reason "error"
  'truncated', // half the content with finish_reason "length"
  'slow', // waits slowMs instead of the latency, then answers normally
  'hang', // never answers; the client has to give up
  'reset', // the socket is destroyed without a response
]);
export type FaultKind = z.infer<typeof FaultKind>;

/** Random faults: each chat request draws one from `faultSeed` and its arrival number, so a retry can succeed. */
export const FaultPlan = z.strictObject({
  rate: z.number().min(0).max(1), // share of requests that get a fault
  kinds: z.array(FaultKind).min(1), // the fault is one of these, uniformly
});
export type FaultPlan = z.infer<typeof FaultPlan>;

/** The provider whose response shapes and quirks the server imitates. */
export const ServerProfile = z.enum(['openai', 'openrouter', 'vllm', 'ollama']);
export type ServerProfile = z.infer<typeof ServerProfile>;

const MessageContent = z.union([z.string(), z.array(z.looseObject({ type: z.string(), text: z.string().optional() })), z.null()]);

/** One chat message as it arrives; content may be a string or a list of parts. */
export const ChatMessage = z.looseObject({ role: z.string(), content: MessageContent.optional() });
export type ChatMessage = z.infer<typeof ChatMessage>;

/** The parts of a chat completion request the server acts on; other fields pass unless `strictParams`. */
export const ChatRequest = z.looseObject({
  model: z.string().min(1),
  messages: z.array(ChatMessage).min(1),
  n: z.number().int().min(1).max(128).nullish(),
  seed: z.number().int().nullish(),
  max_tokens: z.number().int().min(1).nullish(),
  max_completion_tokens: z.number().int().min(1).nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  stream: z.boolean().nullish(),
});
export type ChatRequest = z.infer<typeof ChatRequest>;

/** What a responder is asked for: one choice (`index`) of one request. */
export interface ResponderRequest {
  readonly model: string;
  readonly messages: readonly ChatMessage[];
  /** Choices this response will hold (1 where the profile ignores `n`). */
  readonly n: number;
  readonly seed: number | undefined;
  readonly max_tokens: number | undefined;
  readonly temperature: number | undefined;
  readonly index: number;
}

/** A responder's answer: the content, optional reasoning, and a finish reason ("stop" unless given). */
export interface ResponderReply {
  readonly content: string;
  readonly reasoning?: string | undefined;
  readonly finishReason?: string | undefined;
}

/** Produces one choice; must be deterministic in its request for the server's answers to be. */
export type Responder = (request: ResponderRequest) => string | ResponderReply | Promise<string | ResponderReply>;

/** Where reasoning goes in the message: a field, or inline `<think>...</think>` before the content. */
export const ReasoningField = z.enum(['reasoning', 'reasoning_content', 'inline-think']);
export type ReasoningField = z.infer<typeof ReasoningField>;

/** Configuration of a test server; every field is optional, and `setOptions` changes any of them later. */
export const LlmServerOptions = z.strictObject({
  models: z.array(z.string().min(1)).min(1).default(['test-model']), // other models get a 404
  profile: ServerProfile.default('openai'),
  apiKey: z.string().optional(), // when set, requests need `Authorization: Bearer <apiKey>` or get a 401
  responder: z.custom<Responder>((value) => typeof value === 'function', 'responder must be a function').optional(),
  reasoningField: ReasoningField.optional(), // default by profile: openrouter/ollama reasoning, openai/vllm reasoning_content
  ignoreN: z.boolean().optional(), // default by profile: only ollama ignores n
  strictParams: z.boolean().default(false), // reject top-level fields api.openai.com does not know, as it does
  prices: z.record(z.string(), z.strictObject({ prompt: z.number().min(0), completion: z.number().min(0) })).default({}), // USD per token, for openrouter's usage.cost
  contextLength: z.number().int().positive().default(131_072), // prompts of more words get the context-length 400
  latencyMs: z
    .union([z.number().min(0), z.tuple([z.number().min(0), z.number().min(0)]).refine(([min, max]) => min <= max, 'latencyMs [min, max] needs min <= max')])
    .default(0),
  faults: FaultPlan.optional(),
  faultsByModel: z.record(z.string(), FaultPlan).default({}), // replaces `faults` for that model
  faultSeed: z.number().int().default(0), // also seeds the latency draws
  script: z.array(FaultKind.nullable()).default([]), // one per valid request, before any plan; null answers normally
  retryAfterSeconds: z.number().min(0).default(1),
  slowMs: z.number().min(0).default(5000),
  created: z.number().int().default(1_700_000_000), // fixed so equal requests get equal bodies
  keepLog: z.boolean().default(true),
  logLimit: z.number().int().positive().default(10_000),
});
export type LlmServerOptions = z.input<typeof LlmServerOptions>;
type Settings = z.output<typeof LlmServerOptions>;

/** One request as the server saw it and answered it. */
export interface RequestRecord {
  readonly method: string;
  readonly path: string;
  /** The body's `model`, when it had one. */
  readonly model: string | null;
  /** The parsed JSON body, or the raw text when it did not parse (undefined for GET). */
  readonly body: unknown;
  /** HTTP status sent; null while pending and when none was (hang, reset, client gone). */
  status: number | null;
  fault: FaultKind | null;
  /** Arrival, in epoch milliseconds. */
  readonly time: number;
  /** From arrival to the response being handed to the socket; null when there was none. */
  durationMs: number | null;
}

/** A running server; counters and log run from its start or the last `reset()`. */
export interface LlmServer {
  /** Base URL ending in `/v1`, as OpenAI clients take it. */
  readonly url: string;
  readonly port: number;
  /** POST /v1/chat/completions received, faulted and rejected ones included. */
  readonly requests: number;
  /** The same count, by the body's `model` (requests without one are not counted here). */
  readonly requestsByModel: Readonly<Record<string, number>>;
  /** The last `logLimit` requests of any path (empty when `keepLog` is off). */
  readonly log: readonly RequestRecord[];
  /** Merges options into the current ones; a new `script` replaces what is left of the old one. */
  setOptions(options: Partial<LlmServerOptions>): void;
  /** Zeroes the counters, clears the log and restarts the fault and latency draws; options stay as they are. */
  reset(): void;
  /** Stops listening and destroys every connection, hanging ones included. */
  close(): Promise<void>;
}

interface Arrival {
  readonly time: number;
  readonly path: string;
}

const MAX_BODY_BYTES = 16 * 1024 * 1024;
const LATENCY_SALT = 0x1a7e;
const FAULT_SALT = 0xfa17;
const KIND_SALT = 0x6b1d;

const OPENAI_PARAMS = new Set([
  'model', 'messages', 'n', 'seed', 'max_tokens', 'max_completion_tokens', 'temperature', 'top_p', 'stream', 'stream_options',
  'stop', 'presence_penalty', 'frequency_penalty', 'logit_bias', 'logprobs', 'top_logprobs', 'user', 'response_format', 'tools',
  'tool_choice', 'parallel_tool_calls', 'functions', 'function_call', 'reasoning_effort', 'metadata', 'store', 'service_tier',
  'modalities', 'audio', 'prediction', 'web_search_options', 'verbosity', 'safety_identifier', 'prompt_cache_key',
]);

const DEFAULT_REASONING_FIELD: Record<ServerProfile, ReasoningField> = {
  openai: 'reasoning_content',
  openrouter: 'reasoning',
  vllm: 'reasoning_content',
  ollama: 'reasoning',
};

/** A 32-bit mix of integers (murmur3 finaliser per step): cheap enough to run per request. */
function hashIntegers(...values: number[]): number {
  let hash = 0x811c9dc5;
  for (const value of values) {
    hash = Math.imul(hash ^ (value | 0), 0x01000193);
    hash ^= hash >>> 16;
    hash = Math.imul(hash, 0x85ebca6b);
    hash ^= hash >>> 13;
    hash = Math.imul(hash, 0xc2b2ae35);
    hash ^= hash >>> 16;
  }
  return hash >>> 0;
}

const unit = (...values: number[]) => hashIntegers(...values) / 2 ** 32;

/** Words separated by whitespace: the server's notion of a token. */
export function countWords(text: string): number {
  return text.match(/\S+/g)?.length ?? 0;
}

/** The text up to the end of its `limit`-th word, and whether anything was cut. */
export function truncateWords(text: string, limit: number): { text: string; cut: boolean } {
  if (limit <= 0) return { text: '', cut: /\S/.test(text) };
  const words = /\S+/g;
  let seen = 0;
  while (words.exec(text) !== null) {
    seen += 1;
    if (seen === limit) {
      const end = words.lastIndex;
      return { text: text.slice(0, end), cut: /\S/.test(text.slice(end)) };
    }
  }
  return { text, cut: false };
}

function contentText(content: ChatMessage['content']): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((part) => part.text ?? '').join(' ');
  return '';
}

/** The default responder: "Answer: <0..999>" from a hash of model, messages, seed and choice index. */
export function defaultResponder(request: ResponderRequest): string {
  const digest = createHash('sha256').update(JSON.stringify([request.model, request.messages, request.seed ?? null, request.index])).digest();
  return `Answer: ${digest.readUInt32BE(0) % 1000}`;
}

function errorBody(profile: ServerProfile, status: number, message: string, type: string, code: string | null): unknown {
  // OpenRouter's error object carries the HTTP status as a number in `code`; OpenAI's has a string code and a type.
  return profile === 'openrouter' ? { error: { code: status, message } } : { error: { message, type, param: null, code } };
}

interface Reply {
  readonly status: number;
  readonly body: string;
  readonly headers?: Record<string, string>;
  /** How the body goes out: whole, cut and the socket destroyed, or cut and ended cleanly. */
  readonly delivery?: 'whole' | 'broken' | 'invalid';
}

const json = (status: number, body: unknown, headers?: Record<string, string>): Reply => ({ status, body: JSON.stringify(body), ...(headers ? { headers } : {}) });

function contextLengthReply(settings: Settings, promptTokens: number): Reply {
  const message = `This model's maximum context length is ${settings.contextLength} tokens. However, your messages resulted in ${promptTokens} tokens. Please reduce the length of the messages.`;
  return json(400, errorBody(settings.profile, 400, message, 'invalid_request_error', 'context_length_exceeded'));
}

/** The HTTP error a fault kind stands for, or undefined for the kinds answered with a 200 or no response. */
function errorReply(kind: FaultKind, settings: Settings, model: string, promptTokens: number): Reply | undefined {
  const { profile } = settings;
  const rateLimit = 'Rate limit reached for requests. Please try again later.';
  switch (kind) {
    case '429':
      return json(429, errorBody(profile, 429, rateLimit, 'requests', 'rate_limit_exceeded'), { 'retry-after': String(settings.retryAfterSeconds) });
    case '429-no-retry-after':
      return json(429, errorBody(profile, 429, rateLimit, 'requests', 'rate_limit_exceeded'));
    case '429-insufficient-quota':
      return json(429, errorBody(profile, 429, 'You exceeded your current quota, please check your plan and billing details.', 'insufficient_quota', 'insufficient_quota'));
    case '500':
      return json(500, errorBody(profile, 500, 'The server had an error while processing your request.', 'server_error', null));
    case '502':
      return json(502, errorBody(profile, 502, 'Bad gateway: the upstream provider returned an invalid response.', 'server_error', null));
    case '503':
      return json(503, errorBody(profile, 503, 'The server is overloaded or not ready yet.', 'server_error', null));
    case '408':
      return json(408, errorBody(profile, 408, 'Request timed out.', 'timeout', null));
    case '409':
      return json(409, errorBody(profile, 409, 'Conflict: the request could not be processed; try again.', 'conflict', null));
    case '400-context-length':
      return contextLengthReply(settings, promptTokens);
    case '401':
      return json(401, errorBody(profile, 401, 'Incorrect API key provided.', 'invalid_request_error', 'invalid_api_key'));
    case '402':
      return json(402, { error: { code: 402, message: 'Insufficient credits. Add more using https://openrouter.ai/settings/credits' } });
    case '403':
      return json(403, errorBody(profile, 403, `${model} requires moderation; your input was flagged.`, 'invalid_request_error', 'content_policy_violation'));
    case '404':
      return json(404, errorBody(profile, 404, `The model \`${model}\` does not exist or you do not have access to it.`, 'invalid_request_error', 'model_not_found'));
    case 'error-in-200':
      return json(200, { error: { message: 'upstream provider error', code: 502 } });
    default:
      return undefined;
  }
}

function invalidRequest(settings: Settings, message: string, param: string | null): Reply {
  return json(400, settings.profile === 'openrouter' ? { error: { code: 400, message } } : { error: { message, type: 'invalid_request_error', param, code: null } });
}

function parseSettings(options: LlmServerOptions): Settings {
  const result = LlmServerOptions.safeParse(options);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new Error(`llm-server option "${issue?.path.join('.') || '(options)'}": ${issue?.message}`);
  }
  return result.data;
}

/** Starts an OpenAI-compatible chat completion server on 127.0.0.1 at a random port. */
export async function startLlmServer(options: LlmServerOptions = {}): Promise<LlmServer> {
  let given: LlmServerOptions = { ...options };
  let settings = parseSettings(given);
  let script: (FaultKind | null)[] = [...settings.script];
  let requests = 0;
  let requestsByModel = new Map<string, number>();
  let log: RequestRecord[] = [];
  const timers = new Set<NodeJS.Timeout>();

  function record(entry: RequestRecord): RequestRecord {
    if (!settings.keepLog) return entry;
    log.push(entry);
    if (log.length > settings.logLimit) log.splice(0, log.length - settings.logLimit);
    return entry;
  }

  function send(response: ServerResponse, entry: RequestRecord, reply: Reply): void {
    if (response.destroyed || response.writableEnded) return;
    entry.status = reply.status;
    entry.durationMs = Date.now() - entry.time;
    const bytes = Buffer.from(reply.body);
    const delivery = reply.delivery ?? 'whole';
    const sent = delivery === 'whole' ? bytes : bytes.subarray(0, Math.floor(bytes.length / 2));
    // A broken body promises the whole length so the client sees the connection end early; an invalid one is a
    // complete response whose JSON does not parse.
    response.writeHead(reply.status, { 'content-type': 'application/json', 'content-length': delivery === 'broken' ? bytes.length : sent.length, ...reply.headers });
    if (delivery === 'broken') response.write(sent, () => response.socket?.destroy());
    else response.end(sent);
  }

  /** Runs `action` after `ms` without holding the event loop; dropped if the client leaves or the server closes. */
  function later(response: ServerResponse, ms: number, action: () => void): void {
    if (ms <= 0) return action();
    const timer = setTimeout(() => {
      timers.delete(timer);
      action();
    }, ms);
    timers.add(timer);
    response.once('close', () => {
      clearTimeout(timer);
      timers.delete(timer);
    });
  }

  function authorised(request: IncomingMessage): boolean {
    return settings.apiKey === undefined || request.headers.authorization === `Bearer ${settings.apiKey}`;
  }

  function drawFault(model: string, sequence: number): FaultKind | null {
    if (script.length > 0) return script.shift() ?? null;
    const plan = settings.faultsByModel[model] ?? settings.faults;
    if (plan === undefined || plan.rate === 0) return null;
    if (unit(settings.faultSeed, sequence, FAULT_SALT) >= plan.rate) return null;
    return plan.kinds[Math.floor(unit(settings.faultSeed, sequence, KIND_SALT) * plan.kinds.length)] ?? null;
  }

  function latencyFor(sequence: number): number {
    const latency = settings.latencyMs;
    if (typeof latency === 'number') return latency;
    return latency[0] + unit(settings.faultSeed, sequence, LATENCY_SALT) * (latency[1] - latency[0]);
  }

  async function completion(request: ChatRequest, fault: FaultKind | null, promptTokens: number): Promise<Reply> {
    const { profile } = settings;
    const n = (settings.ignoreN ?? profile === 'ollama') ? 1 : (request.n ?? 1);
    // Ollama has no max_completion_tokens and silently ignores it.
    const maxTokens = (profile === 'ollama' ? request.max_tokens : (request.max_completion_tokens ?? request.max_tokens)) ?? undefined;
    const responder = settings.responder ?? defaultResponder;
    const reasoningField = settings.reasoningField ?? DEFAULT_REASONING_FIELD[profile];
    const choices: unknown[] = [];
    let completionTokens = 0;
    for (let index = 0; index < n; index += 1) {
      const answer = await responder({ model: request.model, messages: request.messages, n, seed: request.seed ?? undefined, max_tokens: maxTokens, temperature: request.temperature ?? undefined, index });
      const reply: ResponderReply = typeof answer === 'string' ? { content: answer } : answer;
      const reasoning = reply.reasoning ?? undefined;
      let content = reasoningField === 'inline-think' && reasoning !== undefined ? `<think>${reasoning}</think>\n\n${reply.content}` : reply.content;
      let finishReason = reply.finishReason ?? 'stop';
      if (maxTokens !== undefined) {
        const cut = truncateWords(content, maxTokens);
        if (cut.cut) [content, finishReason] = [cut.text, 'length'];
      }
      if (fault === 'truncated' || fault === 'finish-error') {
        content = truncateWords(content, Math.floor(countWords(content) / 2)).text;
        finishReason = fault === 'truncated' ? 'length' : 'error';
      }
      completionTokens += countWords(content);
      const message: Record<string, unknown> = { role: 'assistant', content };
      if (reasoning !== undefined && reasoningField !== 'inline-think') message[reasoningField] = reasoning;
      choices.push({ index, message, finish_reason: finishReason });
    }
    if (fault === 'empty-choices') {
      choices.length = 0;
      completionTokens = 0;
    }
    const usage: Record<string, number> = { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens };
    if (profile === 'openrouter') {
      const price = settings.prices[request.model] ?? { prompt: 0, completion: 0 };
      usage.cost = promptTokens * price.prompt + completionTokens * price.completion;
    }
    const digest = createHash('sha256').update(JSON.stringify([request, profile])).digest('hex').slice(0, 24);
    const body = {
      id: `${profile === 'openrouter' ? 'gen' : 'chatcmpl'}-${digest}`,
      object: 'chat.completion',
      created: settings.created,
      model: request.model,
      ...(profile === 'openrouter' ? { provider: 'local' } : {}),
      choices,
      usage,
    };
    return { ...json(200, body), delivery: fault === 'broken-body' ? 'broken' : fault === 'invalid-json' ? 'invalid' : 'whole' };
  }

  function onChat(request: IncomingMessage, response: ServerResponse, text: string, arrival: Arrival): void {
    const sequence = requests;
    requests += 1;
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // kept as text: answered with a 400 below
    }
    const model = typeof (parsed as { model?: unknown } | null)?.model === 'string' ? (parsed as { model: string }).model : null;
    if (model !== null) requestsByModel.set(model, (requestsByModel.get(model) ?? 0) + 1);
    const entry = record({ method: 'POST', path: arrival.path, model, body: parsed, status: null, fault: null, time: arrival.time, durationMs: null });
    const answer = (reply: Reply, delay = latencyFor(sequence)) => later(response, delay, () => send(response, entry, reply));

    if (!authorised(request)) return answer(errorReply('401', settings, model ?? '', 0)!);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return answer(invalidRequest(settings, 'The request body is not a JSON object.', null));
    const result = ChatRequest.safeParse(parsed);
    if (!result.success) {
      const issue = result.error.issues[0];
      const param = issue?.path.join('.') || null;
      return answer(invalidRequest(settings, `Invalid value for "${param ?? '(body)'}": ${issue?.message}`, param));
    }
    const chat = result.data;
    if (settings.strictParams) {
      const unknown = Object.keys(chat).find((key) => !OPENAI_PARAMS.has(key));
      if (unknown !== undefined) return answer(invalidRequest(settings, `Unrecognized request argument supplied: ${unknown}`, null));
    }
    if (chat.stream === true) return answer(invalidRequest(settings, 'stream: true is not supported by this test server.', 'stream'));
    if (!settings.models.includes(chat.model)) return answer(errorReply('404', settings, chat.model, 0)!);
    const promptTokens = chat.messages.reduce((sum, message) => sum + countWords(contentText(message.content)), 0);
    if (promptTokens > settings.contextLength) return answer(contextLengthReply(settings, promptTokens));

    const fault = drawFault(chat.model, sequence);
    entry.fault = fault;
    if (fault === 'hang') return;
    const delay = fault === 'slow' ? settings.slowMs : latencyFor(sequence);
    if (fault === 'reset') return later(response, delay, () => response.socket?.destroy());
    const error = fault === null ? undefined : errorReply(fault, settings, chat.model, promptTokens);
    if (error !== undefined) return answer(error, delay);
    completion(chat, fault, promptTokens).then(
      (reply) => answer(reply, delay),
      (cause: unknown) => answer(json(500, { error: { message: `responder failed: ${cause instanceof Error ? cause.message : String(cause)}`, type: 'server_error', param: null, code: null } }), delay),
    );
  }

  function onModels(request: IncomingMessage, response: ServerResponse, arrival: Arrival): void {
    const entry = record({ method: 'GET', path: arrival.path, model: null, body: undefined, status: null, fault: null, time: arrival.time, durationMs: null });
    if (!authorised(request)) return send(response, entry, errorReply('401', settings, '', 0)!);
    const data = settings.models.map((id) => ({ id, object: 'model', created: settings.created, owned_by: 'veridata-test' }));
    send(response, entry, json(200, { object: 'list', data }));
  }

  const server = createServer((request, response) => {
    const time = Date.now();
    const path = (request.url ?? '/').split('?')[0]!;
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    request.on('end', () => {
      const arrival = { time, path };
      const unrouted = () => record({ method: request.method ?? '', path, model: null, body: undefined, status: null, fault: null, time, durationMs: null });
      if (request.method === 'POST' && path === '/v1/chat/completions') {
        if (size <= MAX_BODY_BYTES) return onChat(request, response, Buffer.concat(chunks).toString('utf8'), arrival);
        requests += 1;
        return send(response, unrouted(), json(413, { error: { message: 'request body too large', type: 'invalid_request_error', param: null, code: null } }));
      }
      if (request.method === 'GET' && path === '/v1/models') return onModels(request, response, arrival);
      send(response, unrouted(), json(404, { error: { message: `no route for ${request.method} ${path}`, type: 'invalid_request_error', param: null, code: 'not_found' } }));
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  let closing: Promise<void> | undefined;

  return {
    url: `http://127.0.0.1:${port}/v1`,
    port,
    get requests() {
      return requests;
    },
    get requestsByModel() {
      return Object.fromEntries(requestsByModel);
    },
    get log() {
      return log;
    },
    setOptions(partial) {
      const next = { ...given, ...partial };
      settings = parseSettings(next);
      given = next;
      if (partial.script !== undefined) script = [...settings.script];
      if (log.length > settings.logLimit) log.splice(0, log.length - settings.logLimit);
    },
    reset() {
      requests = 0;
      requestsByModel = new Map();
      log = [];
    },
    close() {
      closing ??= new Promise<void>((resolve, reject) => {
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
