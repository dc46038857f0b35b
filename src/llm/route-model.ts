import { createHash } from 'node:crypto';

/** A model a sample can be routed to, with its share of the traffic. */
export interface WeightedModel {
  readonly id: string;
  readonly weight: number;
}

/** Which model answers one sample, and how it was chosen. */
export interface Route {
  readonly model: string;
  /** 0 for the first choice; n after n reroutes away from failing models. */
  readonly reroute: number;
}

/** A uniform draw on [0, 1) from the sample's identity: 53 bits of SHA-256, so no platform or run changes it. */
function draw(seed: number, problemId: string, sampleIndex: number, reroute: number): number {
  const digest = createHash('sha256').update(`${seed}\u0000${problemId}\u0000${sampleIndex}\u0000${reroute}`).digest();
  return (digest.readUInt32BE(0) * 2 ** 21 + (digest.readUInt32BE(4) >>> 11)) / 2 ** 53;
}

/**
 * The model for sample `sampleIndex` of problem `problemId`, drawn by weight from (seed, problem id, sample index)
 * alone: a resumed or replayed run asks the same model the same question, so it hits the cache. After repeated
 * failures the caller reroutes with `reroute + 1` and the failing models excluded; the draw stays deterministic.
 */
export function routeModel(options: {
  models: readonly WeightedModel[];
  seed: number;
  problemId: string;
  sampleIndex: number;
  reroute?: number;
  exclude?: ReadonlySet<string>;
}): Route | undefined {
  const reroute = options.reroute ?? 0;
  const candidates = options.models.filter((model) => model.weight > 0 && !options.exclude?.has(model.id));
  if (candidates.length === 0) return undefined;
  const total = candidates.reduce((sum, model) => sum + model.weight, 0);
  let point = draw(options.seed, options.problemId, options.sampleIndex, reroute) * total;
  for (const model of candidates) {
    point -= model.weight;
    if (point < 0) return { model: model.id, reroute };
  }
  return { model: candidates.at(-1)!.id, reroute };
}
