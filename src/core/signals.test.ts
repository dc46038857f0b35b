import { EventEmitter } from 'node:events';
import { describe, expect, test, vi } from 'vitest';
import { InterruptedError } from './errors.js';
import { createInterruptController, withChildSignal, withInterruptHandling } from './signals.js';

function fakeProcess() {
  const emitter = new EventEmitter();
  return {
    source: emitter,
    emit: (signal: NodeJS.Signals) => emitter.emit(signal, signal),
    listeners: () => emitter.listenerCount('SIGINT') + emitter.listenerCount('SIGTERM'),
  };
}

describe('withInterruptHandling', () => {
  test('SIGINT aborts the signal; the failure that follows becomes InterruptedError with exit code 130', async () => {
    const fake = fakeProcess();
    const onInterrupt = vi.fn();
    const run = withInterruptHandling(
      (signal) =>
        new Promise<string>((_resolve, reject) => {
          signal.addEventListener('abort', () => reject(new Error('cleaned up, then stopped')));
        }),
      { process: fake.source, onInterrupt },
    );
    expect(fake.listeners()).toBe(2);
    fake.emit('SIGINT');
    const error = await run.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InterruptedError);
    expect((error as InterruptedError).code).toBe('INTERRUPTED');
    expect((error as InterruptedError).exitCode).toBe(130);
    expect((error as InterruptedError).message).toMatchInlineSnapshot(`"interrupted by SIGINT"`);
    expect(onInterrupt).toHaveBeenCalledWith('SIGINT');
    expect(fake.listeners()).toBe(0);
  });

  test('without a signal, results and errors pass through unchanged', async () => {
    const fake = fakeProcess();
    expect(await withInterruptHandling(async () => 42, { process: fake.source })).toBe(42);
    const failure = new Error('plain failure');
    await expect(withInterruptHandling(async () => Promise.reject(failure), { process: fake.source })).rejects.toBe(failure);
    expect(fake.listeners()).toBe(0);
  });

  test('work that completes after a signal keeps its result', async () => {
    const fake = fakeProcess();
    const result = await withInterruptHandling(
      async (signal) => {
        fake.emit('SIGTERM');
        expect(signal.aborted).toBe(true);
        expect(signal.reason).toBeInstanceOf(InterruptedError);
        return 'finished';
      },
      { process: fake.source },
    );
    expect(result).toBe('finished');
  });

  test('a second signal forces the exit', () => {
    const fake = fakeProcess();
    const onForce = vi.fn();
    const interrupt = createInterruptController({ process: fake.source, onForce });
    fake.emit('SIGTERM');
    expect(interrupt.received).toBe('SIGTERM');
    expect(onForce).not.toHaveBeenCalled();
    fake.emit('SIGINT');
    expect(onForce).toHaveBeenCalledWith('SIGINT');
    interrupt.dispose();
    expect(fake.listeners()).toBe(0);
  });
});

describe('withChildSignal', () => {
  test('every live child aborts with the parent, with its reason; finished children are forgotten', async () => {
    const parent = new AbortController();
    const reasons: unknown[] = [];
    const finished = await withChildSignal(parent.signal, async (signal) => signal.aborted);
    expect(finished).toBe(false);
    const running = [1, 2, 3].map(() =>
      withChildSignal(parent.signal, (signal) => new Promise<void>((resolve) => signal.addEventListener('abort', () => { reasons.push(signal.reason); resolve(); }))),
    );
    parent.abort('stop');
    await Promise.all(running);
    expect(reasons).toEqual(['stop', 'stop', 'stop']);
  });

  test('a child of an already aborted parent starts aborted', async () => {
    const aborted = await withChildSignal(AbortSignal.abort('early'), async (signal) => [signal.aborted, signal.reason]);
    expect(aborted).toEqual([true, 'early']);
  });

  test('the child is not aborted when its work ends normally, and errors pass through', async () => {
    let kept: AbortSignal | undefined;
    await expect(withChildSignal(new AbortController().signal, async (signal) => { kept = signal; throw new Error('boom'); })).rejects.toThrow('boom');
    expect(kept?.aborted).toBe(false);
  });
});
