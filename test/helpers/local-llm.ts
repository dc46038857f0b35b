import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { type CacheMode, openResponseCache, type ResponseCache } from '../../src/llm/cache.js';
import { type ChatClient, createChatClient } from '../../src/llm/chat-client.js';
import type { EndpointProfile } from '../../src/llm/profiles.js';
import { type LlmServer, type LlmServerOptions, startLlmServer } from './llm-server.js';

/** The local server of a test file, with chat clients and response caches that are closed after each test. */
export interface LocalLlm {
  readonly server: LlmServer;
  /** A client of the server's endpoint ("local") that does not retry, so a fault shows at once. */
  client(profile?: EndpointProfile): ChatClient;
  /** A fresh cache file path in the file's temporary directory. */
  cachePath(): string;
  cache(options?: { path?: string; mode?: CacheMode }): ResponseCache;
}

/**
 * Registers the hooks of a test file that talks to a local OpenAI-compatible server: the server and a temporary
 * directory for the file, `resetTo` applied and the request log cleared before each test, clients and caches closed
 * after it.
 */
export function useLocalLlm(name: string, serverOptions: LlmServerOptions, resetTo: LlmServerOptions): LocalLlm {
  let server: LlmServer | undefined;
  let directory = '';
  let counter = 0;
  const clients: ChatClient[] = [];
  const caches: ResponseCache[] = [];
  beforeAll(async () => {
    server = await startLlmServer(serverOptions);
    directory = await mkdtemp(join(tmpdir(), `veridata-${name}-`));
  });
  afterAll(async () => {
    await server?.close();
    await rm(directory, { recursive: true, force: true });
  });
  beforeEach(() => {
    server!.setOptions(resetTo);
    server!.reset();
  });
  afterEach(() => {
    for (const client of clients.splice(0)) client.close();
    for (const cache of caches.splice(0)) cache.close();
  });
  const local: LocalLlm = {
    get server() {
      if (server === undefined) throw new Error('useLocalLlm: the server starts in beforeAll');
      return server;
    },
    client(profile = 'openai') {
      const client = createChatClient({ name: 'local', baseURL: local.server.url, profile }, { maxAttempts: 1 });
      clients.push(client);
      return client;
    },
    cachePath() {
      counter += 1;
      return join(directory, `cache-${counter}.sqlite`);
    },
    cache(options = {}) {
      const cache = openResponseCache({ path: options.path ?? local.cachePath(), mode: options.mode ?? 'read-write' });
      caches.push(cache);
      return cache;
    },
  };
  return local;
}
