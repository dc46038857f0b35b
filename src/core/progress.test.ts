import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { createProgress, formatDuration, formatProgressLine, silentProgress } from './progress.js';

function fakeStream(isTTY: boolean, columns?: number) {
  const writes: string[] = [];
  return { stream: { isTTY, columns, write: (text: string) => writes.push(text) }, writes };
}

let clock = 0;
const now = () => clock;

beforeEach(() => {
  clock = 0;
  vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('createProgress', () => {
  test('not on a TTY: one JSON line per interval and a final one at done()', () => {
    const { stream, writes } = fakeStream(false);
    const progress = createProgress({ label: 'verify math', total: 100, stream, now, intervalMs: 10_000 });
    progress.tick(10);
    clock = 5_000;
    vi.advanceTimersByTime(5_000);
    expect(writes).toEqual([]);
    progress.tick(40);
    progress.error();
    progress.add(0.25);
    clock = 10_000;
    vi.advanceTimersByTime(5_000);
    expect(writes.map((line) => JSON.parse(line))).toEqual([
      {
        event: 'progress',
        label: 'verify math',
        count: 50,
        total: 100,
        errors: 1,
        costUsd: 0.25,
        elapsedSeconds: 10,
        rate: 5,
        etaSeconds: 10,
        done: false,
      },
    ]);
    progress.tick(50);
    clock = 12_000;
    progress.done();
    progress.done();
    expect(writes).toHaveLength(2);
    expect(JSON.parse(writes[1] ?? '')).toMatchObject({ count: 100, etaSeconds: 0, done: true });
    expect(writes.every((line) => line.endsWith('\n'))).toBe(true);
    vi.advanceTimersByTime(60_000);
    expect(writes).toHaveLength(2);
  });

  test('on a TTY: redraws one line at most ten times a second and ends it at done()', () => {
    const { stream, writes } = fakeStream(true);
    const progress = createProgress({ label: 'pairs', total: 500, stream, now });
    for (let step = 1; step <= 10; step += 1) {
      progress.tick(12);
      clock += 100;
      vi.advanceTimersByTime(100);
    }
    expect(writes).toHaveLength(10);
    expect(writes.every((text) => text.startsWith('\r') && text.endsWith('\x1b[K'))).toBe(true);
    expect(writes.at(-1)).toBe('\rpairs 120/500 24.0% 120/s ETA 0:03\x1b[K');
    progress.error(2);
    progress.add(0.014);
    progress.done();
    expect(writes.at(-1)).toBe('\rpairs 120/500 24.0% 120/s ETA 0:03 errors 2 $0.0140\x1b[K\n');
  });

  test('without a total it shows count and elapsed time; long lines are cut to the terminal width', () => {
    const { stream, writes } = fakeStream(true, 20);
    const progress = createProgress({ label: 'a-rather-long-label', stream, now });
    progress.tick(3);
    clock = 2_000;
    progress.done();
    expect(writes).toEqual(['\ra-rather-long-label\x1b[K\n']);
    expect(formatProgressLine(progress.snapshot())).toBe('a-rather-long-label 3 1.50/s elapsed 0:02');
  });

  test('on a TTY: "starting" before the first item, then frozen at 100% while outputs are closed', () => {
    const { stream, writes } = fakeStream(true);
    const progress = createProgress({ label: 'gen arith', total: 100, stream, now });
    clock = 100;
    vi.advanceTimersByTime(100);
    expect(writes).toEqual(['\rgen arith 0/100 0.0% starting\x1b[K']);
    progress.tick(100);
    clock = 1_000;
    vi.advanceTimersByTime(100);
    expect(writes.at(-1)).toBe('\rgen arith 100/100 100.0% 111/s ETA 0:00\x1b[K');
    clock = 3_000;
    vi.advanceTimersByTime(2_000);
    expect(writes).toHaveLength(2);
    progress.done();
    expect(writes.at(-1)).toBe('\rgen arith 100/100 100.0% 111/s ETA 0:00\x1b[K\n');
  });

  test('rate and ETA leave out start-up time before the first item', () => {
    const { stream, writes } = fakeStream(true);
    const progress = createProgress({ label: 'gen arith', total: 1000, stream, now });
    clock = 1_500;
    vi.advanceTimersByTime(100); // 1.5 s of worker start-up: nothing done yet
    progress.tick(100);
    clock = 1_600;
    vi.advanceTimersByTime(100);
    expect(writes.at(-1)).toBe('\rgen arith 100/1000 10.0% 1000/s ETA 0:01\x1b[K');
  });

  test('done("stopped") ends the TTY line and writes no final JSON line', () => {
    const tty = fakeStream(true);
    const onTty = createProgress({ label: 'gen arith', total: 10, stream: tty.stream, now });
    onTty.tick(3);
    clock = 100;
    vi.advanceTimersByTime(100);
    onTty.done('stopped');
    vi.advanceTimersByTime(1_000);
    expect(tty.writes.slice(-1)).toEqual(['\n']);
    const json = fakeStream(false);
    const offTty = createProgress({ label: 'gen arith', total: 10, stream: json.stream, now });
    offTty.done('stopped');
    expect(json.writes).toEqual([]);
  });

  test('JSON lines leave out the fields a command asks to omit', () => {
    const { stream, writes } = fakeStream(false);
    const progress = createProgress({ label: 'gen arith', total: 10, stream, now, omit: ['errors', 'costUsd'] });
    progress.tick(10);
    clock = 1_000;
    progress.done();
    expect(Object.keys(JSON.parse(writes[0] ?? ''))).toEqual(['event', 'label', 'count', 'total', 'elapsedSeconds', 'rate', 'etaSeconds', 'done']);
  });

  test('tick costs nanoseconds: no clock read per tick', () => {
    const clockReads = vi.fn(() => 0);
    const { stream } = fakeStream(false);
    const progress = createProgress({ label: 'x', stream, now: clockReads });
    const started = performance.now();
    for (let index = 0; index < 5_000_000; index += 1) progress.tick();
    const elapsed = performance.now() - started;
    expect(clockReads).toHaveBeenCalledTimes(1);
    expect(elapsed).toBeLessThan(5_000);
    expect(progress.snapshot().count).toBe(5_000_000);
    progress.done();
  });
});

test('formatDuration', () => {
  expect([0, 59.4, 61, 3599, 3600, 3725].map(formatDuration)).toEqual(['0:00', '0:59', '1:01', '59:59', '1:00:00', '1:02:05']);
});

test('silentProgress counts and writes nothing', () => {
  const progress = silentProgress();
  progress.tick(2);
  progress.error();
  progress.add(1);
  progress.done();
  expect(progress.snapshot()).toMatchObject({ count: 2, errors: 1, costUsd: 1 });
});
