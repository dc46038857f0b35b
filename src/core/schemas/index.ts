export { Verdict, VerdictReason } from './verdict.js';
export { Problem, Meta, GoldAnswer } from './problem.js';
export { Response } from './response.js';
export { Pair, pairId } from './pair.js';
export {
  RecordAliases,
  resolveRecord,
  fieldOverridesFromFlags,
  type CanonicalField,
  type FieldOverrides,
  type RecordKind,
  type ResolveOptions,
} from './aliases.js';
