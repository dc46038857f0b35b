export { Verdict, VerdictReason } from './verdict.js';
export { Problem, Meta, GoldAnswer } from './problem.js';
export { Response } from './response.js';
export { Pair, pairId } from './pair.js';

