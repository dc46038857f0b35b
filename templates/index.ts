import { createRegistry } from '../src/core/registry.js';
import { arith } from './arith.js';
import { fractions } from './fractions.js';
import { linear } from './linear.js';
import { orderOfOps } from './order-of-ops.js';
import { percent } from './percent.js';
import type { Template } from './template.js';
import { word } from './word/word.js';

/** Every generator family, by name. Adding a family is one file plus one line here. */
export const templates = createRegistry<Template<any>>('template', [arith, linear, fractions, percent, orderOfOps, word]);
