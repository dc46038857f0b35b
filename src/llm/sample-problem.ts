import { VeridataError } from '../core/errors.js';
import { type CompletionCaller, type ModelTarget, type Sample, samplesBeforeFailure } from './cached-completions.js';
import { LlmRequestError, type ChatMessage } from './chat-client.js';
import { routeModel } from './route-model.js';

/** A model that failed one sample on the way to the one that answered it (recorded in the output). */
export interface RouteFailure {
  readonly model: string;
  readonly code: string;
  readonly message: string;
}

/** A sample and how it was routed. */
export interface RoutedSample extends Sample {
  /** The model the weights chose first; differs from the answering model's id after a reroute. */
  readonly requestedModel: string;
  readonly target: ModelTarget;
  readonly reroutes: readonly RouteFailure[];
}

/** A sample no model could give: every model tried failed for good. Reported per problem; the run goes on. */
export interface FailedSample {
  readonly index: number;
  readonly requestedModel: string;
  readonly failures: readonly RouteFailure[];
}

/** A generation run cannot go on: the key is refused, or every model is gone. */
export class NoModelAvailableError extends VeridataError {
  constructor(message: string, hint: string) {
    super('INFRASTRUCTURE', message, { hint });
  }
}

/**
 * Routes every sample of one prompt to a model by weight, asks each model for its samples, and reroutes a sample whose
 * model fails for good (context length, moderation, retries exhausted) to another model, deterministically. A model
 * the endpoint does not know (404) is dropped for the rest of the run; a refused key (401) or no credits stop the run.
 */
export function createProblemSampler(options: { caller: CompletionCaller; targets: readonly ModelTarget[]; seed: number }) {
  const byId = new Map(options.targets.map((target) => [target.config.id, target]));
  const weighted = options.targets.map((target) => ({ id: target.config.id, weight: target.config.weight }));
  const gone = new Map<string, RouteFailure>();

  const fatal = (error: LlmRequestError): boolean => error.failure.kind === 'quota' || error.failure.status === 401;

  return {
    /** Models dropped during the run, with why. */
    get droppedModels(): ReadonlyMap<string, RouteFailure> {
      return gone;
    },
    async sample(problemId: string, messages: readonly ChatMessage[], count: number, signal?: AbortSignal, firstIndex = 0): Promise<{ samples: RoutedSample[]; failed: FailedSample[] }> {
      const state = Array.from({ length: count }, (_, position) => ({ index: firstIndex + position, requested: '', failures: [] as RouteFailure[], tried: new Set<string>() }));
      const samples: RoutedSample[] = [];
      const failed: FailedSample[] = [];
      let open = state;
      for (let reroute = 0; open.length > 0; reroute += 1) {
        const groups = new Map<string, typeof state>();
        for (const item of open) {
          const exclude = new Set([...item.tried, ...gone.keys()]);
          const route = routeModel({ models: weighted, seed: options.seed, problemId, sampleIndex: item.index, reroute, exclude });
          if (route === undefined) {
            if (gone.size === weighted.length) {
              const reasons = [...gone.entries()].map(([model, why]) => `${model}: ${why.code} ${why.message}`).join('; ');
              throw new NoModelAvailableError(`no generation model is available: ${reasons}`, 'Check the model ids against the endpoint (veridata config validate pings it), then rerun to resume.');
            }
            failed.push({ index: item.index, requestedModel: item.requested, failures: item.failures });
            continue;
          }
          if (reroute === 0) item.requested = route.model;
          item.tried.add(route.model);
          groups.set(route.model, [...(groups.get(route.model) ?? []), item]);
        }
        const next: typeof state = [];
        await Promise.all(
          [...groups].map(async ([model, items]) => {
            const target = byId.get(model)!;
            try {
              const got = await options.caller.samples(target, messages, options.seed, items.map((item) => item.index), { problemId, ...(signal ? { signal } : {}) });
              for (const sample of got) {
                const item = items.find((candidate) => candidate.index === sample.index)!;
                samples.push({ ...sample, requestedModel: item.requested, target, reroutes: item.failures });
              }
            } catch (error) {
              if (!(error instanceof LlmRequestError) || fatal(error)) throw error;
              const why = { model, code: error.failure.code, message: error.failure.message };
              if (error.failure.status === 404) gone.set(model, why);
              const obtained = new Map(samplesBeforeFailure(error).map((sample) => [sample.index, sample]));
              for (const item of items) {
                const sample = obtained.get(item.index);
                if (sample !== undefined) {
                  samples.push({ ...sample, requestedModel: item.requested, target, reroutes: item.failures });
                  continue;
                }
                item.failures.push(why);
                next.push(item);
              }
            }
          }),
        );
        open = next;
      }
      samples.sort((a, b) => a.index - b.index);
      failed.sort((a, b) => a.index - b.index);
      return { samples, failed };
    },
  };
}

/** Samples prompts with routing and reroutes. */
export type ProblemSampler = ReturnType<typeof createProblemSampler>;
