import type { GenerationPlan } from './generate.js';
import { outputFormats } from './formats.js';
import { templates } from './index.js';
import type { NegativeMix } from './negatives.js';

/** A generation plan as plain data, so it can cross to a worker thread and be rebuilt there by name. */
export interface PlanSpec {
  readonly family: string;
  readonly config: unknown;
  readonly count: number;
  readonly seed: number;
  readonly format: string;
  readonly negatives: NegativeMix;
  readonly unique: boolean;
  readonly shard: { readonly index: number; readonly count: number };
  readonly heldOutShare: number;
}

export function toPlanSpec(plan: GenerationPlan): PlanSpec {
  const { template, format, config, count, seed, negatives, unique, shard, heldOutShare } = plan;
  return { family: template.name, format: format.name, config, count, seed, negatives, unique, shard, heldOutShare };
}

export function fromPlanSpec(spec: PlanSpec): GenerationPlan {
  return { ...spec, template: templates.get(spec.family), format: outputFormats.get(spec.format) };
}
