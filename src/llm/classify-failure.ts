import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';

/**
 * What a failed request means for the run: `retry` (transient: network, timeout, 408/409/5xx, errors inside a 200,
 * empty choices, finish_reason "error"), `rate-limit` (429: wait `retryAfterMs` when the server says, else back off),
 * `quota` (402 or insufficient credits: no point retrying, the run should stop), `context-length` (the prompt does not
 * fit: permanent for this problem), `permanent` (401/403/404/400: retrying cannot help), `aborted` (we cancelled it).
 */
export type FailureKind = 'retry' | 'rate-limit' | 'quota' | 'context-length' | 'permanent' | 'aborted';

/** A classified failure, with the provider's own words. */
export interface Failure {
  readonly kind: FailureKind;
  /** Stable code for records and summaries: http-429, http-500, network, timeout, error-in-200, empty-choices, ... */
  readonly code: string;
  readonly message: string;
  readonly status?: number;
  readonly retryAfterMs?: number;
}

/** Retry-After as seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(value: string | null | undefined, now = Date.now()): number | undefined {
  if (value === null || value === undefined || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.round(seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

const CONTEXT_LENGTH = /context[_ ]length|maximum context|too many tokens|prompt is too long|context window/i;
const QUOTA = /insufficient[_ ](quota|credits?)|quota exceeded|billing|payment required|credit balance/i;

function byStatus(status: number, message: string, code: string | undefined, retryAfter: number | undefined): Failure {
  const failure = (kind: FailureKind) => ({ kind, code: `http-${status}`, message, status, ...(retryAfter === undefined ? {} : { retryAfterMs: retryAfter }) });
  if (status === 402 || QUOTA.test(message) || code === 'insufficient_quota') return failure('quota');
  if (status === 429) return failure('rate-limit');
  if (status === 400 && (CONTEXT_LENGTH.test(message) || code === 'context_length_exceeded')) return failure('context-length');
  if (status === 408 || status === 409 || status >= 500) return failure('retry');
  return failure('permanent');
}

/** Classifies an error thrown by the `openai` client (or anything else thrown while sending). */
export function classifyError(error: unknown): Failure {
  if (error instanceof APIUserAbortError || (error instanceof Error && error.name === 'AbortError')) return { kind: 'aborted', code: 'aborted', message: 'request aborted' };
  if (error instanceof APIConnectionTimeoutError) return { kind: 'retry', code: 'timeout', message: error.message };
  if (error instanceof APIConnectionError) return { kind: 'retry', code: 'network', message: (error.cause as Error | undefined)?.message ?? error.message };
  if (error instanceof APIError && typeof error.status === 'number') {
    const headers = error.headers as Headers | undefined;
    return byStatus(error.status, error.message, typeof error.code === 'string' ? error.code : undefined, retryAfterMs(headers?.get?.('retry-after')));
  }
  // A body that is not JSON, a socket reset mid-body, ...: the provider failed, not the request.
  return { kind: 'retry', code: 'bad-response', message: error instanceof Error ? error.message : String(error) };
}

/** The failures hidden in an HTTP 200: an `error` object, no choices, or finish_reason "error". Undefined when fine. */
export function classifyBody(body: unknown): Failure | undefined {
  if (typeof body !== 'object' || body === null) return { kind: 'retry', code: 'bad-response', message: 'the response body is not a JSON object' };
  const record = body as { error?: unknown; choices?: unknown };
  if (record.error !== undefined && record.error !== null) {
    const error = record.error as { message?: unknown; code?: unknown };
    const message = typeof error.message === 'string' ? error.message : JSON.stringify(record.error);
    const status = typeof error.code === 'number' ? error.code : Number(error.code);
    const inner = Number.isInteger(status) && status >= 400 ? byStatus(status, message, undefined, undefined) : { kind: 'retry' as const, code: 'error-in-200', message };
    return { ...inner, code: 'error-in-200' };
  }
  if (!Array.isArray(record.choices) || record.choices.length === 0) return { kind: 'retry', code: 'empty-choices', message: 'the response has no choices' };
  const reasons = record.choices.map((choice) => (choice as { finish_reason?: unknown }).finish_reason);
  if (reasons.includes('error')) return { kind: 'retry', code: 'finish-error', message: 'the provider ended the generation with finish_reason "error"' };
  return undefined;
}
