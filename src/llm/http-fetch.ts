import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

/**
 * The response headers of `httpFetch`: the part of the Fetch API's `Headers` the `openai` package and veridata read
 * (`get`, `has`, iteration), over the lower-cased raw headers node:http already parsed.
 */
class ResponseHeaders {
  readonly #values: Map<string, string>;

  constructor(raw: readonly string[]) {
    this.#values = new Map();
    for (let index = 0; index + 1 < raw.length; index += 2) {
      const name = raw[index]!.toLowerCase();
      const previous = this.#values.get(name);
      this.#values.set(name, previous === undefined ? raw[index + 1]! : `${previous}, ${raw[index + 1]!}`);
    }
  }

  get(name: string): string | null {
    return this.#values.get(name.toLowerCase()) ?? null;
  }

  has(name: string): boolean {
    return this.#values.has(name.toLowerCase());
  }

  forEach(callback: (value: string, name: string) => void): void {
    for (const [name, value] of this.#values) callback(value, name);
  }

  entries(): IterableIterator<[string, string]> {
    return this.#values.entries();
  }

  keys(): IterableIterator<string> {
    return this.#values.keys();
  }

  values(): IterableIterator<string> {
    return this.#values.values();
  }

  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.#values.entries();
  }
}

/** A fully read response: what the `openai` package reads of a Fetch `Response` for a non-streaming call. */
class BufferedResponse {
  readonly ok: boolean;
  readonly redirected = false;
  readonly type = 'basic';
  readonly body = null;
  bodyUsed = false;

  constructor(
    readonly url: string,
    readonly status: number,
    readonly statusText: string,
    readonly headers: ResponseHeaders,
    readonly bytes: Buffer,
  ) {
    this.ok = status >= 200 && status < 300;
  }

  async text(): Promise<string> {
    this.bodyUsed = true;
    return this.bytes.toString('utf8');
  }

  async json(): Promise<unknown> {
    return JSON.parse(await this.text()) as unknown;
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    this.bodyUsed = true;
    return this.bytes.buffer.slice(this.bytes.byteOffset, this.bytes.byteOffset + this.bytes.byteLength) as ArrayBuffer;
  }
}

function abortError(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  if (reason instanceof Error && reason.name === 'AbortError') return reason;
  const error = new Error('This operation was aborted');
  error.name = 'AbortError';
  return error;
}

function requestHeaders(headers: RequestInit['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  if (headers === undefined || headers === null) return out;
  if (typeof (headers as Headers).forEach === 'function' && !Array.isArray(headers)) {
    (headers as Headers).forEach((value, name) => {
      out[name] = value;
    });
  } else if (Array.isArray(headers)) {
    for (const [name, value] of headers as [string, string][]) out[name] = value;
  } else Object.assign(out, headers);
  return out;
}

/**
 * A `fetch` for the `openai` package over node:http with keep-alive agents. The global fetch (undici with WHATWG
 * streams) costs about half a millisecond of CPU per call in stream and signal plumbing; a chat completion is one small
 * JSON body each way, which node:http reads into one buffer for a fraction of that. Streaming bodies are not supported
 * (veridata never streams). Aborting the signal destroys the request with an AbortError, as fetch does.
 */
export function createHttpFetch(options: { maxSockets?: number } = {}): { fetch: typeof fetch; close(): void } {
  const agents = {
    'http:': new HttpAgent({ keepAlive: true, ...(options.maxSockets === undefined ? {} : { maxSockets: options.maxSockets }) }),
    'https:': new HttpsAgent({ keepAlive: true, ...(options.maxSockets === undefined ? {} : { maxSockets: options.maxSockets }) }),
  };
  const fetchImpl = (input: string | URL | Request, init: RequestInit = {}): Promise<BufferedResponse> =>
    new Promise((resolve, reject) => {
      const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
      const agent = agents[url.protocol as 'http:' | 'https:'];
      if (agent === undefined) {
        reject(new TypeError(`fetch failed: unsupported protocol ${url.protocol}`));
        return;
      }
      const signal = init.signal ?? undefined;
      if (signal?.aborted) {
        reject(abortError(signal));
        return;
      }
      const body = init.body;
      if (body !== undefined && body !== null && typeof body !== 'string' && !(body instanceof Uint8Array)) {
        reject(new TypeError('fetch failed: only string and byte bodies are supported'));
        return;
      }
      const headers = requestHeaders(init.headers);
      if (body !== undefined && body !== null) headers['content-length'] = String(Buffer.byteLength(body));
      const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
      let settled = false;
      const onAbort = () => {
        if (settled) return;
        settled = true;
        request.destroy();
        reject(abortError(signal!));
      };
      const finish = (outcome: () => void) => {
        if (settled) return;
        settled = true;
        signal?.removeEventListener('abort', onAbort);
        outcome();
      };
      const request = send(url, { method: init.method ?? 'GET', headers, agent }, (response: IncomingMessage) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', (error) => finish(() => reject(new TypeError('fetch failed', { cause: error }))));
        response.on('aborted', () => finish(() => reject(new TypeError('fetch failed', { cause: new Error('the connection closed mid-body') }))));
        response.on('end', () =>
          finish(() => {
            if (!response.complete) {
              reject(new TypeError('fetch failed', { cause: new Error('the connection closed mid-body') }));
              return;
            }
            resolve(new BufferedResponse(url.href, response.statusCode ?? 0, response.statusMessage ?? '', new ResponseHeaders(response.rawHeaders), chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
          }),
        );
      });
      request.on('error', (error) => finish(() => reject(new TypeError('fetch failed', { cause: error }))));
      signal?.addEventListener('abort', onAbort, { once: true });
      request.end(body ?? undefined);
    });
  return {
    fetch: fetchImpl as unknown as typeof fetch,
    close() {
      agents['http:'].destroy();
      agents['https:'].destroy();
    },
  };
}
