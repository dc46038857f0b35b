import { createRegistry } from '../src/core/registry.js';
import type { Verdict } from '../src/core/schemas/verdict.js';
import { chooseBackend } from '../sandbox/index.js';
import type { Sandbox, SandboxLimits } from '../sandbox/backend.js';
import { createPythonInspector, type PythonInspector } from './code/python-inspector.js';
import { createCodeVerifier } from './code/pytest-verifier.js';
import { createMathPool, type MathPool } from './math/math-pool.js';
import type { MathPolicy } from './math/policy.js';

/** What a verifier reads of a problem: its gold answer (math) or its unit tests (code). */
export interface VerifiableProblem {
  readonly answer?: string | number | undefined;
  readonly tests?: string | undefined;
}

/** Settings a verifier session may need; each verifier reads its own. */
export interface VerifierContext {
  /** Checks in flight at once (math worker threads, sandbox slots). */
  readonly concurrency?: number;
  readonly mathPolicy?: MathPolicy;
  /** auto, docker or bwrap. */
  readonly sandbox?: string;
  readonly unsafeNoSandbox?: boolean;
  readonly image?: string;
  readonly dockerHosts?: readonly string[];
  readonly limits?: Partial<SandboxLimits>;
  /** Told which sandbox backend runs untrusted code, once, when it opens (the CLI warns about the unsafe one). */
  readonly onSandbox?: (backend: string) => void;
}

/** An open verifier: checks responses, then releases its workers or sandboxes. */
export interface VerifierSession {
  check(problem: VerifiableProblem, response: string, signal?: AbortSignal): Promise<Verdict>;
  close(): Promise<void>;
}

/** A verifier of generated responses, chosen per problem by what the problem carries. */
export interface ResponseVerifier {
  readonly name: string;
  readonly description: string;
  /** Whether this verifier can decide responses to the problem. */
  applies(problem: VerifiableProblem): boolean;
  /** Opens a session; heavy resources (threads, sandboxes) start on the first check, so an unused verifier costs nothing. */
  open(context: VerifierContext): VerifierSession;
}

/** Lazily started: the first caller starts it, every caller waits for the same start. */
function lazy<T>(start: () => Promise<T>): { get(): Promise<T>; started(): Promise<T> | undefined } {
  let value: Promise<T> | undefined;
  return {
    get: () => (value ??= start()),
    started: () => value,
  };
}

const mathVerifier: ResponseVerifier = {
  name: 'math',
  description: 'symbolic comparison of the final answer with the gold answer (problems with `answer`)',
  applies: (problem) => problem.answer !== undefined && problem.tests === undefined,
  open(context) {
    const pool = lazy<MathPool>(async () =>
      createMathPool({
        ...(context.concurrency === undefined ? {} : { concurrency: Math.max(1, Math.min(context.concurrency, 64)) }),
        ...(context.mathPolicy === undefined ? {} : { policy: context.mathPolicy }),
      }),
    );
    return {
      async check(problem, response) {
        return (await pool.get()).check(response, problem.answer!);
      },
      async close() {
        await (await pool.started())?.close();
      },
    };
  },
};

const codeVerifier: ResponseVerifier = {
  name: 'pytest',
  description: 'the response is run against the unit tests in a sandbox (problems with `tests`)',
  applies: (problem) => problem.tests !== undefined,
  open(context) {
    let inspector: PythonInspector | undefined;
    let sandbox: Sandbox | undefined;
    const verifier = lazy(async () => {
      const chosen = await chooseBackend(context.sandbox ?? 'auto', {
        ...(context.image === undefined ? {} : { image: context.image }),
        ...(context.dockerHosts === undefined ? {} : { dockerHosts: context.dockerHosts }),
        ...(context.unsafeNoSandbox ? { unsafeNoSandbox: true } : {}),
      });
      context.onSandbox?.(chosen.backend.name);
      sandbox = await chosen.backend.open({
        concurrency: context.concurrency ?? 2,
        ...(context.image === undefined ? {} : { image: context.image }),
        ...(context.dockerHosts === undefined ? {} : { dockerHosts: context.dockerHosts }),
      });
      inspector = createPythonInspector();
      return createCodeVerifier({ sandbox, inspector, ...(context.limits ? { limits: context.limits } : {}) });
    });
    return {
      async check(problem, response, signal) {
        return (await (await verifier.get()).check(response, problem.tests!, signal)).verdict;
      },
      async close() {
        await verifier.started()?.catch(() => undefined);
        await sandbox?.close().catch(() => {});
        await inspector?.close();
      },
    };
  },
};

/** Every verifier of generated responses, in the order they are tried: the first that applies decides. */
export const responseVerifiers = createRegistry<ResponseVerifier>('verifier', [codeVerifier, mathVerifier]);

/** The verifier that decides responses to `problem`, or undefined when none applies (then only a judge can score). */
export function verifierFor(problem: VerifiableProblem): ResponseVerifier | undefined {
  return responseVerifiers.list().find((verifier) => verifier.applies(problem));
}

/** Sessions of every verifier, opened on first use and closed together. */
export function openVerifiers(context: VerifierContext) {
  const sessions = new Map<string, VerifierSession>();
  return {
    /** The verdict of the verifier that applies, or undefined when none does. */
    async check(problem: VerifiableProblem, response: string, signal?: AbortSignal): Promise<Verdict | undefined> {
      const verifier = verifierFor(problem);
      if (verifier === undefined) return undefined;
      let session = sessions.get(verifier.name);
      if (session === undefined) {
        session = verifier.open(context);
        sessions.set(verifier.name, session);
      }
      return session.check(problem, response, signal);
    },
    async close(): Promise<void> {
      await Promise.all([...sessions.values()].map((session) => session.close()));
    },
  };
}

/** Open verifier sessions. */
export type Verifiers = ReturnType<typeof openVerifiers>;
