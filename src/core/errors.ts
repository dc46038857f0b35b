import type { z } from 'zod';

/** Process exit codes shared by every command. */
export const ExitCode = {
  ok: 0,
  /** A gate or check the user asked for failed. */
  checkFailed: 1,
  /** Bad usage or bad input. */
  badInput: 2,
  /** Infrastructure unavailable: an endpoint, a sandbox. */
  infrastructure: 3,
  /** Stopped by a budget; the run is resumable. */
  budget: 4,
  interrupted: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** Stable error codes; users grep logs for them, so never rename one. */
export type ErrorCode =
  | 'INVALID_OPTION'
  | 'INVALID_RECORD'
  | 'INVALID_CONFIG'
  | 'INVALID_JSON'
  | 'UNKNOWN_NAME'
  | 'EMPTY_SPACE'
  | 'SPACE_EXHAUSTED'
  | 'SPACE_TOO_LARGE'
  | 'OUTPUT_UNWRITABLE'
  | 'INPUT_UNREADABLE'
  | 'CHECK_FAILED'
  | 'INFRASTRUCTURE'
  | 'BUDGET_EXCEEDED'
  | 'CACHE_MISS'
  | 'RESUME_MISMATCH'
  | 'INTERRUPTED';

const exitCodeFor: Record<ErrorCode, ExitCode> = {
  INVALID_OPTION: ExitCode.badInput,
  INVALID_RECORD: ExitCode.badInput,
  INVALID_CONFIG: ExitCode.badInput,
  INVALID_JSON: ExitCode.badInput,
  UNKNOWN_NAME: ExitCode.badInput,
  EMPTY_SPACE: ExitCode.badInput,
  SPACE_EXHAUSTED: ExitCode.badInput,
  SPACE_TOO_LARGE: ExitCode.badInput,
  OUTPUT_UNWRITABLE: ExitCode.badInput,
  INPUT_UNREADABLE: ExitCode.badInput,
  CHECK_FAILED: ExitCode.checkFailed,
  INFRASTRUCTURE: ExitCode.infrastructure,
  BUDGET_EXCEEDED: ExitCode.budget,
  // Like an endpoint that is down: replay has no way to reach the response, and the input and options were valid.
  CACHE_MISS: ExitCode.infrastructure,
  RESUME_MISMATCH: ExitCode.badInput,
  INTERRUPTED: ExitCode.interrupted,
};

/** A failure a user can act on: printed as `[CODE] message` plus a hint, never with a stack unless --debug. */
export class VeridataError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;
  constructor(code: ErrorCode, message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.hint = options.hint;
  }

  get exitCode(): ExitCode {
    return exitCodeFor[this.code];
  }
}

/** A command-line option or option combination that cannot work. */
export class InvalidOptionError extends VeridataError {
  /** True when no specific hint was given: the CLI then names the exact `--help` to run. */
  readonly genericHint: boolean;
  constructor(option: string, message: string, hint?: string) {
    super('INVALID_OPTION', `${option}: ${message}`, { hint: hint ?? 'Run the command with --help to see its options.' });
    this.genericHint = hint === undefined;
  }
}

/** A command line the parser rejects (unknown option, missing value, extra argument); the hint names the help to read. */
export class UsageError extends VeridataError {
  constructor(message: string, hint: string) {
    super('INVALID_OPTION', message, { hint });
  }
}

/** A registry lookup for a name nobody registered. */
export class UnknownNameError extends VeridataError {
  constructor(kind: string, name: string, available: readonly string[], hint = `Pick one of the listed ${kind} names.`) {
    super('UNKNOWN_NAME', `no ${kind} "${name}" (available: ${available.join(', ')})`, { hint });
  }
}

/** A line that is not a JSON object. */
export class InvalidJsonError extends VeridataError {
  constructor(file: string, line: number, detail: string) {
    super('INVALID_JSON', `${file}:${line}: not a JSON object (${detail})`, {
      hint: 'Fix or remove that line (or pass --skip-invalid to skip such lines) and rerun.',
    });
  }
}

/** A JSON record whose fields do not match the expected schema. */
export class InvalidRecordError extends VeridataError {
  constructor(file: string, line: number, error: z.ZodError | string) {
    const detail =
      typeof error === 'string'
        ? error
        : (() => {
            const issue = error.issues[0];
            return `field "${issue?.path.join('.') || '(record)'}": ${issue?.message ?? 'invalid'}`;
          })();
    super('INVALID_RECORD', `${file}:${line}: ${detail}`, {
      hint: 'Fix or remove that line (or pass --skip-invalid to skip such lines) and rerun.',
    });
  }
}

/** An output file or directory that cannot be created or written. */
export class OutputUnwritableError extends VeridataError {
  constructor(path: string, cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super('OUTPUT_UNWRITABLE', `cannot write ${path}: ${reason}`, {
      hint: 'Choose an output path in a directory that exists and that you can write to.',
      cause,
    });
  }
}

/** An input file that cannot be opened. */
export class InputUnreadableError extends VeridataError {
  constructor(path: string, cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super('INPUT_UNREADABLE', `cannot read ${path}: ${reason}`, { hint: 'Check the path and its permissions.', cause });
  }
}

/** The run was stopped by SIGINT/SIGTERM; the hint says what became of the outputs (default: resumable, work kept). */
export class InterruptedError extends VeridataError {
  constructor(signal: string, hint = 'Rerun the same command; finished work is kept.') {
    super('INTERRUPTED', `interrupted by ${signal}`, { hint });
  }
}

/** A sandbox backend that cannot run here (no engine, no image, no user namespaces), or one that went away mid-run. */
export class SandboxUnavailableError extends VeridataError {
  constructor(backend: string, message: string, hint: string, cause?: unknown) {
    super('INFRASTRUCTURE', `sandbox ${backend}: ${message}`, { hint, cause });
  }
}

/** A config file that does not parse or does not match its schema: names the file, line and key. */
export class InvalidConfigError extends VeridataError {
  constructor(file: string, line: number | undefined, key: string, message: string) {
    super('INVALID_CONFIG', `${file}${line === undefined ? '' : `:${line}`}: ${key === '' ? '' : `key "${key}": `}${message}`, {
      hint: 'Fix that key and rerun; `veridata config example` prints a commented example.',
    });
  }
}

/** `--cache replay` met a request the cache does not hold; replay never calls an endpoint, so the run cannot go on. */
export class CacheMissError extends VeridataError {
  constructor(message: string) {
    super('CACHE_MISS', message, {
      hint: 'Rerun without `--cache replay` to fetch it (that calls the endpoint and is billed), or replay the exact config, problems and seed that filled the cache.',
    });
  }
}

/** An output that a rerun cannot resume: written by another command or config, or edited since its checkpoint. */
export class ResumeMismatchError extends VeridataError {
  constructor(path: string, message: string) {
    super('RESUME_MISMATCH', `${path}: ${message}`, {
      hint: 'Rerun with the options that wrote it, or choose a new --out (or delete the output and its .checkpoint.jsonl to start over; cached responses are reused either way).',
    });
  }
}
