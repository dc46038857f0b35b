/** Where progress goes: standard error by default. */
export interface ProgressStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

/** Options for `createProgress`. */
export interface ProgressOptions {
  /** What is being counted, e.g. `verify math`. */
  readonly label: string;
  /** Expected count, when known; enables percent and ETA. */
  readonly total?: number;
  readonly stream?: ProgressStream;
  /** Redraw one line (true) or write JSON lines (false); defaults to `stream.isTTY`. */
  readonly isTTY?: boolean;
  /** Milliseconds between JSON lines when not on a TTY (default 10 000). */
  readonly intervalMs?: number;
  /** Milliseconds clock, injectable for tests (default `performance.now`). */
  readonly now?: () => number;
  /** Fields left out of JSON lines because they mean nothing for this command (gen has no errors and no cost). */
  readonly omit?: readonly ('errors' | 'costUsd')[];
}

/** A point-in-time reading of a progress reporter. */
export interface ProgressSnapshot {
  readonly label: string;
  readonly count: number;
  readonly total: number | null;
  readonly errors: number;
  readonly costUsd: number;
  readonly elapsedSeconds: number;
  /** Items per second since work began (start-up before the first item is left out). */
  readonly rate: number;
  /** Seconds left at the current rate; null without a total or before the first item. */
  readonly etaSeconds: number | null;
}

/** Counts work and reports it; `tick` only adds to a counter, drawing happens on an unref()ed timer. */
export interface Progress {
  /** Counts finished items. */
  tick(count?: number): void;
  /** Adds spent money (US dollars). */
  add(costUsd: number): void;
  /** Counts failed items (they may also be ticked). */
  error(count?: number): void;
  /**
   * Stops the timer and writes the final report; later calls do nothing. `stopped` (a failure or an interrupt) only ends
   * the TTY line, so an error printed next starts on its own line, and writes no `done` JSON line for work not done.
   */
  done(outcome?: 'completed' | 'stopped'): void;
  snapshot(): ProgressSnapshot;
}

const TTY_REDRAW_MS = 100;

class ProgressReporter implements Progress {
  #count = 0;
  #errors = 0;
  #costUsd = 0;
  #finished = false;
  /** The reading when the count reached the total: later redraws would only show the rate falling while outputs close. */
  #complete: ProgressSnapshot | undefined;
  readonly #label: string;
  readonly #total: number | undefined;
  readonly #stream: ProgressStream;
  readonly #tty: boolean;
  readonly #now: () => number;
  readonly #omit: ReadonlySet<string>;
  readonly #started: number;
  /** The last reading that still saw no item: work began after it, so rate and ETA leave start-up time out. */
  #idleUntil: number;
  readonly #timer: ReturnType<typeof setInterval>;

  constructor(options: ProgressOptions) {
    this.#label = options.label;
    this.#total = options.total;
    this.#stream = options.stream ?? process.stderr;
    this.#tty = options.isTTY ?? this.#stream.isTTY === true;
    this.#now = options.now ?? (() => performance.now());
    this.#omit = new Set(options.omit ?? []);
    this.#started = this.#now();
    this.#idleUntil = this.#started;
    const period = this.#tty ? TTY_REDRAW_MS : (options.intervalMs ?? 10_000);
    this.#timer = setInterval(() => this.#report(false), period);
    this.#timer.unref?.();
  }

  tick(count = 1): void {
    this.#count += count;
  }

  add(costUsd: number): void {
    this.#costUsd += costUsd;
  }

  error(count = 1): void {
    this.#errors += count;
  }

  done(outcome: 'completed' | 'stopped' = 'completed'): void {
    if (this.#finished) return;
    this.#finished = true;
    clearInterval(this.#timer);
    if (outcome === 'completed') this.#report(true);
    else if (this.#tty) this.#stream.write('\n');
  }

  snapshot(): ProgressSnapshot {
    if (this.#complete) return this.#complete;
    const now = this.#now();
    if (this.#count === 0) this.#idleUntil = now;
    const elapsedSeconds = Math.max(0, (now - this.#started) / 1000);
    const workingSeconds = Math.max(0, (now - this.#idleUntil) / 1000);
    const rate = workingSeconds > 0 ? this.#count / workingSeconds : 0;
    const total = this.#total ?? null;
    const etaSeconds = total !== null && rate > 0 ? Math.max(0, total - this.#count) / rate : null;
    return {
      label: this.#label,
      count: this.#count,
      total,
      errors: this.#errors,
      costUsd: this.#costUsd,
      elapsedSeconds,
      rate,
      etaSeconds,
    };
  }

  #report(final: boolean): void {
    const snapshot = this.snapshot();
    if (!this.#complete && this.#total !== undefined && snapshot.count >= this.#total) {
      this.#complete = snapshot;
      if (this.#tty) clearInterval(this.#timer);
    }
    if (this.#tty) {
      const columns = this.#stream.columns;
      const line = formatProgressLine(snapshot);
      const fitted = columns && columns > 1 && line.length >= columns ? line.slice(0, columns - 1) : line;
      this.#stream.write(`\r${fitted}\x1b[K${final ? '\n' : ''}`);
    } else {
      this.#stream.write(`${formatProgressJson(snapshot, final, this.#omit)}\n`);
    }
  }
}

/**
 * Starts a progress reporter: one redrawn line on a TTY (about 10 times a second, frozen once the count reaches the
 * total), else a JSON line every interval.
 */
export function createProgress(options: ProgressOptions): Progress {
  return new ProgressReporter(options);
}

/** A progress reporter that reports nothing, for library calls and tests. */
export function silentProgress(): Progress {
  let count = 0;
  let errors = 0;
  let costUsd = 0;
  return {
    tick: (n = 1) => void (count += n),
    add: (cost) => void (costUsd += cost),
    error: (n = 1) => void (errors += n),
    done: () => {},
    snapshot: () => ({ label: '', count, total: null, errors, costUsd, elapsedSeconds: 0, rate: 0, etaSeconds: null }),
  };
}

/** `h:mm:ss` or `m:ss`. */
export function formatDuration(seconds: number): string {
  const whole = Math.round(seconds);
  const hours = Math.floor(whole / 3600);
  const minutes = Math.floor((whole % 3600) / 60);
  const secondsPart = String(whole % 60).padStart(2, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${secondsPart}` : `${minutes}:${secondsPart}`;
}

function formatRate(rate: number): string {
  return rate >= 100 ? rate.toFixed(0) : rate >= 10 ? rate.toFixed(1) : rate.toFixed(2);
}

/** The one-line TTY form: `label 120/500 24.0% 12.3/s ETA 0:31 errors 2 $0.0140`; `label 0/500 starting` before the first item. */
export function formatProgressLine(snapshot: ProgressSnapshot): string {
  const parts = [snapshot.label];
  if (snapshot.total !== null) {
    const percent = snapshot.total > 0 ? (100 * snapshot.count) / snapshot.total : 100;
    parts.push(`${snapshot.count}/${snapshot.total}`, `${percent.toFixed(1)}%`);
  } else {
    parts.push(String(snapshot.count));
  }
  // Before the first item there is no rate to show, only start-up time (worker threads, opening files).
  if (snapshot.count === 0 && snapshot.total !== 0) return [...parts, 'starting'].join(' ');
  parts.push(`${formatRate(snapshot.rate)}/s`);
  if (snapshot.etaSeconds !== null) parts.push(`ETA ${formatDuration(snapshot.etaSeconds)}`);
  else parts.push(`elapsed ${formatDuration(snapshot.elapsedSeconds)}`);
  if (snapshot.errors > 0) parts.push(`errors ${snapshot.errors}`);
  if (snapshot.costUsd > 0) parts.push(`$${snapshot.costUsd.toFixed(snapshot.costUsd < 1 ? 4 : 2)}`);
  return parts.join(' ');
}

/**
 * The JSON-line form for logs: `{"event":"progress","label":…,"count":…,…}`, with `"done":true` on the last one;
 * `omit` leaves out `errors` or `costUsd`.
 */
export function formatProgressJson(snapshot: ProgressSnapshot, done: boolean, omit: ReadonlySet<string> = new Set()): string {
  const round = (value: number, digits: number) => Number(value.toFixed(digits));
  return JSON.stringify({
    event: 'progress',
    label: snapshot.label,
    count: snapshot.count,
    total: snapshot.total,
    ...(omit.has('errors') ? {} : { errors: snapshot.errors }),
    ...(omit.has('costUsd') ? {} : { costUsd: round(snapshot.costUsd, 6) }),
    elapsedSeconds: round(snapshot.elapsedSeconds, 1),
    rate: round(snapshot.rate, 2),
    etaSeconds: snapshot.etaSeconds === null ? null : round(snapshot.etaSeconds, 0),
    done,
  });
}
