import { createHash } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { z } from 'zod';
import { CacheMissError, OutputUnwritableError, VeridataError } from '../core/errors.js';

/** How a run uses the cache: read and fill it, answer only from it (offline), or ignore it. */
export const CacheMode = z.enum(['read-write', 'replay', 'off']);
export type CacheMode = z.infer<typeof CacheMode>;

/** One cached sample; nothing wall-clock in it, so two runs that read the same cache write identical data. */
export const CachedResponse = z.object({
  /** The answer text, reasoning removed. */
  content: z.string(),
  /** Reasoning the provider gave apart from the answer (reasoning, reasoning_content or inline think), or null. */
  reasoning: z.string().nullable(),
  /** finish_reason as served: "stop", "length", ... */
  finishReason: z.string(),
  /** The model that served it, as the provider names it (may differ from the one asked for). */
  model: z.string(),
  usage: z.object({
    promptTokens: z.number().int().min(0),
    completionTokens: z.number().int().min(0),
    /** What the original call cost as the provider reported it, or null; a cache hit itself costs nothing. */
    costUsd: z.number().min(0).nullable(),
  }),
});
export type CachedResponse = z.infer<typeof CachedResponse>;

/** What a sample depends on; two requests with equal fields are the same sample and share a cache entry. */
export interface CacheRequest {
  /** The endpoint's base URL. */
  readonly endpoint: string;
  /** The model asked for. */
  readonly model: string;
  /** Generation parameters that change the output (temperature, max_tokens, top_p, seed, stop, ...); never credentials, headers or n. */
  readonly params: Readonly<Record<string, unknown>>;
  readonly messages: readonly unknown[];
  /** Which sample of this prompt (0-based); the cache holds samples, not requests, so n is not part of the key. */
  readonly sampleIndex: number;
}

// Credentials and headers would make a rotated key look like a new request; n would make `--responses 5` re-buy the
// three samples a `--responses 3` run already holds. Both are caller bugs, so they throw a plain Error.
const forbiddenParam = /^(api[-_]?key|authorization|headers?|n)$/i;

/** The cache key of one sample: SHA-256 hex of a canonical JSON of the request (keys sorted, undefined dropped). */
export function cacheKey(request: CacheRequest): string {
  for (const name of Object.keys(request.params)) {
    if (forbiddenParam.test(name)) throw new Error(`cacheKey: params must not hold "${name}"`);
  }
  if (!Number.isSafeInteger(request.sampleIndex) || request.sampleIndex < 0) throw new Error(`cacheKey: bad sampleIndex ${request.sampleIndex}`);
  const body = canonicalJson({
    endpoint: request.endpoint,
    model: request.model,
    params: request.params,
    messages: request.messages,
    sampleIndex: request.sampleIndex,
  });
  // The prefix names the key scheme, so a future scheme cannot collide with entries written under this one.
  return createHash('sha256').update('veridata-cache-key/1\n').update(body).digest('hex');
}

/** JSON.stringify with object keys sorted at every depth; anything JSON would silently change (NaN, bigint, ...) throws. */
function canonicalJson(value: unknown): string {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`cacheKey: ${value} has no JSON form`);
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map((item) => (item === undefined ? 'null' : canonicalJson(item))).join(',')}]`;
  if (typeof value === 'object' && (Object.getPrototypeOf(value) === Object.prototype || Object.getPrototypeOf(value) === null)) {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([name, item]) => `${JSON.stringify(name)}:${canonicalJson(item)}`).join(',')}}`;
  }
  throw new Error(`cacheKey: a ${typeof value === 'object' ? (value as object).constructor?.name ?? 'object' : typeof value} has no canonical JSON form`);
}

/** Counts since the cache was opened: reads answered, reads not answered, entries added (a put of a held key adds none). */
export interface CacheStats {
  readonly hits: number;
  readonly misses: number;
  readonly writes: number;
}

/** Responses by cache key, shared safely by several processes on one file. */
export interface ResponseCache {
  readonly mode: CacheMode;
  readonly path: string;
  /** The response held for the key, or undefined (always undefined when off). */
  get(key: string): CachedResponse | undefined;
  /** Like get, but in replay mode a miss throws CacheMissError naming the model, since replay must not call the endpoint. */
  lookup(key: string, model: string): CachedResponse | undefined;
  /** Stores a response unless the key already has one: the first answer wins, so a replay sees what the original run saw. No-op in replay and off modes. */
  put(key: string, response: CachedResponse): void;
  /** Stores several responses in one transaction: all of a request's samples are kept, or none (a kill mid-way). */
  putMany(entries: readonly (readonly [string, CachedResponse])[]): void;
  readonly stats: CacheStats;
  /** Closes the file; idempotent. */
  close(): void;
}

/** The cache file's layout version in PRAGMA user_version; a newer file is refused rather than misread. */
export const CACHE_SCHEMA_VERSION = 1;

// Long enough to wait out another process's checkpoint on a slow disk; single-row writes hold the lock for microseconds.
const busyTimeoutMs = 10_000;

/** A cache file that is not a veridata cache this version can read: not SQLite, corrupt, foreign or newer. */
export class CacheUnreadableError extends VeridataError {
  constructor(path: string, reason: string, cause?: unknown) {
    super('INPUT_UNREADABLE', `cache ${path}: ${reason}`, {
      hint: 'Point cache.path at another file, or move this one aside: a new cache is created and only repeat calls are lost.',
      cause,
    });
  }
}

/** Opens (creating it and its directories in read-write mode) the cache at `path`; off mode never touches the file. */
export function openResponseCache(options: { path: string; mode: CacheMode }): ResponseCache {
  const { path, mode } = options;
  const stats = { hits: 0, misses: 0, writes: 0 };
  const snapshot = (): CacheStats => ({ ...stats });
  if (mode === 'off') {
    return {
      mode,
      path,
      get: () => {
        stats.misses += 1;
        return undefined;
      },
      lookup: () => {
        stats.misses += 1;
        return undefined;
      },
      put: () => {},
      putMany: () => {},
      get stats() {
        return snapshot();
      },
      close: () => {},
    };
  }

  if (mode === 'replay' && !existsSync(path)) {
    throw new CacheMissError(`replay: there is no cache at ${path}, so the run asks for responses the cache does not hold`);
  }
  if (mode === 'read-write') {
    try {
      mkdirSync(dirname(path), { recursive: true });
    } catch (error) {
      throw new OutputUnwritableError(path, error);
    }
  }
  const db = openDatabase(path, mode);
  const select = db.prepare<[string], { value: string }>('SELECT value FROM responses WHERE key = ?');
  const insert = db.prepare<[string, string]>('INSERT OR IGNORE INTO responses (key, value) VALUES (?, ?)');

  const get = (key: string): CachedResponse | undefined => {
    let row: { value: string } | undefined;
    try {
      row = select.get(key);
    } catch (error) {
      throw asCacheError(path, error);
    }
    if (row === undefined) {
      stats.misses += 1;
      return undefined;
    }
    const parsed = CachedResponse.safeParse(parseJson(row.value));
    if (!parsed.success) throw new CacheUnreadableError(path, `entry ${key.slice(0, 12)} is not a cached response (${parsed.error.issues[0]?.message ?? 'invalid'})`);
    stats.hits += 1;
    return parsed.data;
  };

  const writeError = (error: unknown): unknown => {
    if (error instanceof Database.SqliteError && /^SQLITE_(FULL|READONLY|IOERR|CANTOPEN|PERM)/.test(error.code)) return new OutputUnwritableError(path, error);
    return asCacheError(path, error);
  };
  const store = (key: string, response: CachedResponse): void => {
    // Parsing drops fields outside the schema, so what is stored, and later replayed, is exactly a CachedResponse.
    const value = JSON.stringify(CachedResponse.parse(response));
    try {
      // Autocommit (or the caller's transaction): once it commits the row is in the WAL file, which survives the
      // process being killed.
      if (insert.run(key, value).changes > 0) stats.writes += 1;
    } catch (error) {
      throw writeError(error);
    }
  };

  return {
    mode,
    path,
    get,
    lookup(key, model) {
      const response = get(key);
      if (response === undefined && mode === 'replay') {
        throw new CacheMissError(`replay: the cache at ${path} holds no response for model "${model}" (key ${key.slice(0, 12)}); the run asked for something the cache does not hold`);
      }
      return response;
    },
    put(key, response) {
      if (mode === 'replay') return;
      store(key, response);
    },
    putMany(entries) {
      if (mode === 'replay' || entries.length === 0) return;
      try {
        db.transaction(() => {
          for (const [key, response] of entries) store(key, response);
        })();
      } catch (error) {
        throw writeError(error);
      }
    },
    get stats() {
      return snapshot();
    },
    close() {
      if (db.open) db.close();
    },
  };
}

function openDatabase(path: string, mode: 'read-write' | 'replay'): Database.Database {
  let db: Database.Database;
  try {
    // Replay opens read-only: it is the promise that a replayed run leaves the cache exactly as it found it.
    db = new Database(path, mode === 'replay' ? { readonly: true, fileMustExist: true } : {});
  } catch (error) {
    throw asCacheError(path, error);
  }
  try {
    db.pragma(`busy_timeout = ${busyTimeoutMs}`);
    if (mode === 'read-write') {
      // WAL lets readers and one writer in other processes work at once. With synchronous=NORMAL a commit is written
      // to the WAL before it returns and fsynced only at checkpoints: durable if the process dies (SIGKILL included),
      // since the data is in the OS; an OS crash or power cut can drop the last commits but never corrupts the file.
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
    }
    checkSchema(db, path, mode);
    return db;
  } catch (error) {
    db.close();
    throw asCacheError(path, error);
  }
}

function checkSchema(db: Database.Database, path: string, mode: 'read-write' | 'replay'): void {
  const readVersion = () => db.pragma('user_version', { simple: true }) as number;
  const foreignTables = () =>
    db
      .prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name <> 'responses' AND name NOT LIKE 'sqlite_%'")
      .all()
      .map((row) => row.name);
  const check = (version: number) => {
    if (version > CACHE_SCHEMA_VERSION) throw new CacheUnreadableError(path, `schema version ${version} is newer than this veridata reads (${CACHE_SCHEMA_VERSION}); upgrade veridata to use it`);
    const foreign = version === 0 ? foreignTables() : [];
    if (foreign.length > 0) throw new CacheUnreadableError(path, `an SQLite database but not a veridata cache (tables: ${foreign.join(', ')})`);
  };
  if (mode === 'replay') {
    const version = readVersion();
    check(version);
    if (version === 0) throw new CacheMissError(`replay: the cache at ${path} is empty, so the run asks for responses the cache does not hold`);
    return;
  }
  // IMMEDIATE takes the write lock before reading the version, so two processes creating one file do not both migrate.
  db.transaction(() => {
    const version = readVersion();
    check(version);
    if (version === CACHE_SCHEMA_VERSION) return;
    // inserted_at is for whoever prunes the file; it is never returned, so it cannot leak into generated data.
    db.exec('CREATE TABLE IF NOT EXISTS responses (key TEXT PRIMARY KEY, value TEXT NOT NULL, inserted_at INTEGER NOT NULL DEFAULT (unixepoch())) WITHOUT ROWID');
    db.pragma(`user_version = ${CACHE_SCHEMA_VERSION}`);
  }).immediate();
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** SQLite's "not a database" and "malformed" become a typed error naming the file; anything else is passed on. */
function asCacheError(path: string, error: unknown): unknown {
  if (error instanceof VeridataError) return error;
  if (error instanceof Database.SqliteError && /^SQLITE_(NOTADB|CORRUPT)/.test(error.code)) return new CacheUnreadableError(path, `not a readable SQLite cache (${error.message})`, error);
  if (error instanceof Database.SqliteError && error.code.startsWith('SQLITE_CANTOPEN')) return new CacheUnreadableError(path, `cannot open (${error.message})`, error);
  return error;
}
