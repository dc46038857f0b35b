import { z } from 'zod';
import { UnknownNameError } from '../../src/core/errors.js';
import type { Rational } from '../rational.js';
import type { Rng } from '../rng.js';
import {
  EmptySpaceError,
  type MathItem,
  type Mistake,
  type QuestionSpace,
  type Stratum,
  type Template,
  decodeMixedRadix,
  locateBlock,
  productSize,
  requireOrderedRanges,
} from '../template.js';
import { type AnyScenario, Choices, type Given, radicesOf } from './scenario.js';
import { scenarios } from './scenarios/index.js';
import { type Fault, answerText, evaluate, sentences, works } from './solve.js';

/** Options of the word-problem family. */
export const WordConfig = z
  .object({
    scenarios: z
      .string()
      .regex(/^[a-z0-9,\s-]+$/, 'use scenario ids separated by commas, or "all"')
      .default('all')
      .describe('comma-separated scenario ids (e.g. "change,discount"), or "all"'),
    minSteps: z.number().int().min(1).max(10).default(2).describe('fewest solution steps a scenario may have'),
    maxSteps: z.number().int().min(1).max(10).default(5).describe('most solution steps a scenario may have'),
    maxQuantity: z
      .number()
      .int()
      .min(5)
      .max(100)
      .default(20)
      .describe('largest count, price or rate a story starts from; larger values make harder arithmetic'),
  })
  .strict();
export type WordConfig = z.infer<typeof WordConfig>;

/** A scenario prepared for one space: its meta and the faults its mistakes are made from, computed once. */
class Plan {
  readonly meta: Readonly<Record<string, unknown>>;
  readonly skips: Fault[] = [];
  readonly confusions: Fault[] = [];
  readonly slips: Fault[] = [];
  readonly slipUp: Fault;
  readonly slipDown: Fault;
  /** Every number the story states or the solver must know, once each: what its math is made of. */
  readonly givens: Given<unknown>[] = [];

  constructor(readonly scenario: AnyScenario) {
    const { steps } = scenario;
    for (const step of steps) {
      for (const operand of step.operands) if (typeof operand !== 'number' && !this.givens.includes(operand)) this.givens.push(operand);
    }
    const unit = typeof scenario.unit === 'string' ? scenario.unit : undefined;
    this.meta = Object.freeze({ scenario: scenario.id, theme: scenario.theme, steps: steps.length, unit });
    steps.forEach((step, index) => {
      if (step.skipTo !== undefined) this.skips.push({ kind: 'skipped-step', step: index });
      if (step.confusedWith !== undefined) this.confusions.push({ kind: 'wrong-operation', step: index, operator: step.confusedWith });
      step.operands.forEach((operand, position) => {
        if (typeof operand !== 'number' && operand.slip) this.slips.push({ kind: 'wrong-conversion', step: index, operand: position });
      });
    });
    this.slipUp = { kind: 'off-by-one', step: steps.length - 1, delta: 1 };
    this.slipDown = { kind: 'off-by-one', step: steps.length - 1, delta: -1 };
  }

  /**
   * The story's math: scenario, answer and the multiset of its numbers. Names, nouns, units and phrasing are left out,
   * and so is which number plays which part, so two tellings of one problem (or a problem with two numbers swapped and
   * the same answer) are held out together.
   */
  factKeyOf(params: unknown, answer: string): string {
    const numbers = this.givens.map((given) => given.value(params).toString()).sort();
    return `${this.scenario.id}:${answer}:${numbers.join(',')}`;
  }

  metaOf(params: unknown): Readonly<Record<string, unknown>> {
    const { unit } = this.scenario;
    return typeof unit === 'string' ? this.meta : { ...this.meta, unit: unit(params) };
  }
}

interface Block {
  readonly plan: Plan;
  readonly radices: readonly number[];
  readonly start: number;
  readonly size: number;
}

/**
 * The word-problem space: one block per selected scenario, each a product of its independent math choices. Names,
 * nouns and phrasing come from the surface variant, so an index is one problem (scenario and numbers), however told.
 */
class WordSpace implements QuestionSpace {
  readonly size: number;
  readonly surfaceVariants = true;
  readonly strata: readonly Stratum[];
  private readonly blocks: Block[] = [];
  private readonly blockStarts: number[];

  constructor(
    selected: readonly AnyScenario[],
    private readonly maxQuantity: number,
  ) {
    let start = 0;
    for (const scenario of selected) {
      const radices = radicesOf(scenario, maxQuantity);
      const size = productSize(radices);
      this.blocks.push({ plan: new Plan(scenario), radices, start, size });
      start += size;
    }
    this.size = productSize([start]);
    this.strata = this.blocks.map((block) => ({ size: block.size, weight: 1 }));
    this.blockStarts = this.blocks.map((block) => block.start);
  }

  /** Scenarios equally often, whatever their sizes, then a uniform question inside the scenario. */
  draw(rng: Rng): number {
    const block = this.blocks[rng.below(this.blocks.length)] as Block;
    return block.start + rng.below(block.size);
  }

  item(index: number, variant = 0): WordItem {
    const block = this.blockOf(index);
    const digits = decodeMixedRadix(index - block.start, block.radices);
    return new WordItem(block.plan, block.plan.scenario.choose(new Choices(digits, variant), this.maxQuantity));
  }

  factKey(index: number): string {
    const block = this.blockOf(index);
    const params = block.plan.scenario.choose(new Choices(decodeMixedRadix(index - block.start, block.radices)), this.maxQuantity);
    const values = evaluate(block.plan.scenario.steps, params);
    if (!values) throw new Error(`word scenario ${block.plan.scenario.id} made a story whose gold chain is invalid`);
    return block.plan.factKeyOf(params, answerText(values[values.length - 1] as Rational));
  }

  private blockOf(index: number): Block {
    if (!(index >= 0 && index < this.size) || !Number.isInteger(index)) {
      throw new RangeError(`question index ${index} outside [0, ${this.size})`);
    }
    return this.blocks[locateBlock(this.blockStarts, index)] as Block;
  }
}

/** One word problem; a class, not an object of closures, because hundreds of thousands are made per second. */
export class WordItem implements MathItem {
  readonly question: string;
  readonly answer: string;
  readonly difficulty: number;
  readonly meta: Readonly<Record<string, unknown>>;
  private readonly values: Rational[];
  private written: (string | undefined)[] | undefined;
  private key: string | undefined;

  constructor(
    private readonly plan: Plan,
    /** The story's choices and numbers, as the scenario made them. */
    readonly params: unknown,
  ) {
    const { scenario } = plan;
    this.question = scenario.question(params);
    const values = evaluate(scenario.steps, params);
    if (!values) throw new Error(`word scenario ${scenario.id} made a story whose gold chain is invalid: ${this.question}`);
    this.values = values;
    this.answer = answerText(values[values.length - 1] as Rational);
    this.difficulty = scenario.steps.length - 1;
    this.meta = plan.metaOf(params);
  }

  get scenario(): AnyScenario {
    return this.plan.scenario;
  }

  get factKey(): string {
    // Read twice per training item (reservation, then meta): computed once.
    this.key ??= this.plan.factKeyOf(this.params, this.answer);
    return this.key;
  }

  /** The step chain, `3 x $4 = $12; $12 + $2 = $14; $20 - $14 = $6`. */
  get fact(): string {
    return this.works().join('; ');
  }

  solution(answer: string): string {
    return `${sentences(this.plan.scenario.steps, this.params, this.values, undefined, this.works()).join(' ')} The answer is ${answer}.`;
  }

  /**
   * An off-by-one slip in the last step (always different from the gold answer), a skipped step, a confused operator
   * and a misremembered conversion factor, each with its own worked solution; never the gold answer, never twice the same.
   */
  mistakes(rng: Rng): Mistake[] {
    const { plan } = this;
    const mistakes: Mistake[] = [];
    const gold = this.values[this.values.length - 1] as Rational;
    this.addFirst(mistakes, [gold.num < gold.den || rng.chance(0.5) ? plan.slipUp : plan.slipDown], 0);
    this.addFirst(mistakes, plan.skips, plan.skips.length > 1 ? rng.below(plan.skips.length) : 0);
    this.addFirst(mistakes, plan.confusions, plan.confusions.length > 1 ? rng.below(plan.confusions.length) : 0);
    this.addFirst(mistakes, plan.slips, 0);
    return mistakes;
  }

  private works(): (string | undefined)[] {
    this.written ??= works(this.plan.scenario.steps, this.params, this.values);
    return this.written;
  }

  /**
   * Adds the first fault, going round the list from `first`, whose chain stays meaningful and ends away from the gold
   * answer and from earlier mistakes.
   */
  private addFirst(mistakes: Mistake[], faults: readonly Fault[], first: number): void {
    for (let offset = 0; offset < faults.length; offset += 1) {
      const fault = faults[(first + offset) % faults.length] as Fault;
      const values = evaluate(this.plan.scenario.steps, this.params, fault, this.values);
      if (!values) continue;
      const answer = answerText(values[values.length - 1] as Rational);
      if (answer === this.answer || mistakes.some(sameAnswer, answer)) continue;
      mistakes.push(new WordMistake(this, fault, values, answer));
      return;
    }
  }
}

function sameAnswer(this: string, mistake: Mistake): boolean {
  return mistake.answer === this;
}

/** A wrong solution; its text is written only when asked for, since the generator keeps one mistake of several. */
class WordMistake implements Mistake {
  readonly kind: Fault['kind'];

  constructor(
    private readonly item: WordItem,
    private readonly fault: Fault,
    private readonly values: readonly Rational[],
    readonly answer: string,
  ) {
    this.kind = fault.kind;
  }

  get solution(): string {
    const { scenario, params } = this.item;
    return `${sentences(scenario.steps, params, this.values, this.fault).join(' ')} The answer is ${this.answer}.`;
  }
}

/** The scenarios a configuration selects, in registry order; throws when the options leave none. */
export function selectScenarios(config: WordConfig): AnyScenario[] {
  requireOrderedRanges('word', config, ['steps']);
  const ids = scenarios.map((scenario) => scenario.id);
  const wanted = config.scenarios
    .split(',')
    .map((id) => id.trim())
    .filter((id) => id !== '');
  if (wanted.length === 0) throw new EmptySpaceError('word', '--scenarios lists no scenario');
  for (const id of wanted) if (id !== 'all' && !ids.includes(id)) throw new UnknownNameError('word scenario', id, ids);
  const named = wanted.includes('all') ? scenarios : scenarios.filter((scenario) => wanted.includes(scenario.id));
  const selected = named.filter(
    (scenario) => scenario.steps.length >= config.minSteps && scenario.steps.length <= config.maxSteps,
  );
  if (selected.length === 0) {
    throw new EmptySpaceError(
      'word',
      `no scenario in --scenarios ${config.scenarios} has between --min-steps ${config.minSteps} and --max-steps ${config.maxSteps} steps`,
    );
  }
  return selected;
}

/** GSM8K-style multi-step word problems (prices, rates, ages, units, ...) with worked solutions. */
export const word: Template<WordConfig> = {
  name: 'word',
  description: 'multi-step word problems (money, rates, ages, units, geometry, time, sharing) with worked solutions',
  config: WordConfig,
  distinctQuestion: 'problem: scenario and numbers (names, nouns, units and phrasing are drawn freely for each item)',
  testAnswers: 'text',
  space: (config) => new WordSpace(selectScenarios(config), config.maxQuantity),
};
