// Worker thread of `MathPool`: runs verifyMath over batches of checks and publishes which check it is on, so the main
// thread can cut one that overruns its time budget.
import { parentPort, workerData } from 'node:worker_threads';
import type { Verdict } from '../../src/core/schemas/verdict.js';
import { testResponses } from './math-pool.js';
import type { MathPolicy } from './policy.js';
import { verifyMath } from './verify-math.js';

/** What the pool hands a worker at start-up. */
export interface MathWorkerData {
  /** Slot 0: 1 + index in the batch of the check under way, 0 between batches; slot 1: checks started so far. */
  readonly progress: SharedArrayBuffer;
  readonly policy: MathPolicy;
  readonly seed: number | undefined;
  /** Test-only: honour the responses in `testResponses` (math-pool.ts); the pool sets it only when its caller asks. */
  readonly testHooks: boolean;
}

/** A batch of checks, flat for cheap cloning: response 0, gold 0, response 1, gold 1, ... */
export interface MathBatchRequest {
  readonly batch: number;
  readonly checks: readonly (string | number)[];
}

/**
 * The verdicts of a batch in order, as newline-joined JSON texts with their statuses and reasons joined the same way:
 * three strings clone far faster than many objects or strings (JSON text never holds a raw newline).
 */
export interface MathBatchReply {
  readonly batch: number;
  readonly json: string;
  readonly status: string;
  readonly reason: string;
}

const data = workerData as MathWorkerData;
const progress = new Int32Array(data.progress);

function runTestHook(response: string): void {
  if (response === testResponses.busyLoop) for (;;);
  if (response === testResponses.outOfMemory) {
    const hoard: number[][] = [];
    for (;;) hoard.push(new Array(1 << 20).fill(1));
  }
  if (response === testResponses.crash) process.exit(3);
}

function checkOne(response: string, gold: string | number): Verdict {
  if (data.testHooks) runTestHook(response);
  try {
    return verifyMath(response, gold, { policy: data.policy, ...(data.seed === undefined ? {} : { seed: data.seed }) });
  } catch (error) {
    // A bug in the checker must cost one verdict, never the run; error never counts as a pass.
    return {
      status: 'error',
      score: 0,
      reason: 'verifier-crashed',
      verifier: 'math',
      details: { why: error instanceof Error ? error.message : String(error), explanation: 'The math checker failed on this input.' },
    };
  }
}

parentPort?.on('message', (request: MathBatchRequest) => {
  const count = request.checks.length / 2;
  const json: string[] = new Array(count);
  const status: string[] = new Array(count);
  const reason: string[] = new Array(count);
  for (let index = 0; index < count; index += 1) {
    Atomics.store(progress, 0, index + 1);
    Atomics.add(progress, 1, 1);
    const verdict = checkOne(String(request.checks[2 * index]), request.checks[2 * index + 1]!);
    json[index] = JSON.stringify(verdict);
    status[index] = verdict.status;
    reason[index] = verdict.reason.replace(/\n/g, ' ');
  }
  Atomics.store(progress, 0, 0);
  parentPort!.postMessage({ batch: request.batch, json: json.join('\n'), status: status.join('\n'), reason: reason.join('\n') } satisfies MathBatchReply);
});
