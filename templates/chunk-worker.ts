// Worker thread of `parallelTrainingChunks`: serialises blocks of training records for the main thread to write.
import { parentPort } from 'node:worker_threads';
import { ItemGenerator, trainingChunks } from './generate.js';
import { fromPlanSpec, type PlanSpec } from './plan-spec.js';

/** A block to serialise: records [start, end) of the plan. */
export interface ChunkRequest {
  readonly id: number;
  readonly spec: PlanSpec;
  readonly start: number;
  readonly end: number;
}

/** A serialised block with the counts the main thread merges into its summary. */
export type ChunkReply =
  | {
      readonly id: number;
      readonly text: string;
      readonly lines: number;
      readonly questionIndices: Float64Array;
      readonly negatives: [string, number][];
    }
  | { readonly id: number; readonly error: { message: string; code?: string; name: string } };

let cached: { key: string; generator: ItemGenerator } | undefined;

function generatorFor(spec: PlanSpec): ItemGenerator {
  const key = JSON.stringify(spec);
  if (cached?.key !== key) cached = { key, generator: new ItemGenerator(fromPlanSpec(spec)) };
  return cached.generator;
}

parentPort?.on('message', (request: ChunkRequest) => {
  try {
    const questionIndices = new Float64Array(request.end - request.start);
    let position = 0;
    const stats = {
      lines: 0,
      questions: { add: (index: number) => (questionIndices[position++] = index) },
      negatives: new Map<string, number>(),
    };
    const text = [...trainingChunks(generatorFor(request.spec), request, stats)].join('');
    const reply: ChunkReply = { id: request.id, text, lines: stats.lines, questionIndices, negatives: [...stats.negatives] };
    parentPort!.postMessage(reply, [questionIndices.buffer]);
  } catch (error) {
    const failure = error as Error & { code?: string };
    parentPort!.postMessage({ id: request.id, error: { message: failure.message, code: failure.code, name: failure.name } });
  }
});
