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

/** A batch of checks: [response, gold] pairs. */
export interface MathBatchRequest {
  readonly batch: number;
  readonly checks: readonly (readonly [string, string | number])[];
}

/** The verdicts of a batch, in order. */
export interface MathBatchReply {
  readonly batch: number;
  readonly verdicts: Verdict[];
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
  const verdicts: Verdict[] = new Array(request.checks.length);
  for (let index = 0; index < request.checks.length; index += 1) {
    const [response, gold] = request.checks[index]!;
    Atomics.store(progress, 0, index + 1);
    Atomics.add(progress, 1, 1);
    verdicts[index] = checkOne(response, gold);
  }
  Atomics.store(progress, 0, 0);
  parentPort!.postMessage({ batch: request.batch, verdicts } satisfies MathBatchReply);
});
