import { z } from 'zod';
import type { Rng } from './rng.js';
import {
  additiveFactKey,
  EmptySpaceError,
  locateBlock,
  multiplicativeFactKey,
  requireOrderedRanges,
  type MathItem,
  type Mistake,
  type QuestionSpace,
  type Stratum,
  type Template,
} from './template.js';

/** Options of the notebook's arithmetic generator; the defaults reproduce it. */
export const ArithConfig = z
  .object({
    minOperand: z.number().int().min(1).max(1_000_000).default(1).describe('smallest operand'),
    maxOperand: z.number().int().min(1).max(1_000_000).default(100).describe('largest operand'),
    minResult: z.number().int().min(-1_000_000_000).max(1_000_000_000).default(-100).describe('smallest allowed result'),
    maxResult: z.number().int().min(-1_000_000_000).max(1_000_000_000).default(100).describe('largest allowed result'),
    operators: z
      .string()
      .regex(/^[-+*/]+$/, 'use only the characters + - * /')
      .default('+-*/')
      .describe('operators to use, e.g. "+-"'),
    forms: z.enum(['all', 'direct', 'find-x']).default('all').describe('direct `a op b=?`, find-x `x+b=a,x=?`, or all'),
  })
  .strict();
export type ArithConfig = z.infer<typeof ArithConfig>;

type Operator = '+' | '-' | '*' | '/';

/** One question shape derived from a fact (a op b = r); `weight` is its share of its operator's questions in the notebook. */
interface Form {
  readonly id: string;
  readonly findX: boolean;
  readonly weight: number;
  question(a: number, b: number, r: number): string;
}

// The notebook emits, per fact: + and *: the direct form and one find-x form; - and /: the direct form, one of two
// equivalent find-x forms chosen by a coin, and a second find-x form. Weights are the per-question shares that follow.
const formsByOperator: Record<Operator, readonly Form[]> = {
  '+': [
    { id: 'a+b', findX: false, weight: 1 / 2, question: (a, b) => `${a}+${b}=?` },
    { id: 'x-a=b', findX: true, weight: 1 / 2, question: (a, b) => `x-${a}=${b},x=?` },
  ],
  '-': [
    { id: 'a-b', findX: false, weight: 1 / 3, question: (a, b) => `${a}-${b}=?` },
    { id: 'x+b=a', findX: true, weight: 1 / 6, question: (a, b) => `x+${b}=${a},x=?` },
    { id: 'b+x=a', findX: true, weight: 1 / 6, question: (a, b) => `${b}+x=${a},x=?` },
    { id: 'a-x=b', findX: true, weight: 1 / 3, question: (a, b) => `${a}-x=${b},x=?` },
  ],
  '*': [
    { id: 'a*b', findX: false, weight: 1 / 2, question: (a, b) => `${a}*${b}=?` },
    { id: 'x/b=a', findX: true, weight: 1 / 2, question: (a, b) => `x/${b}=${a},x=?` },
  ],
  '/': [
    { id: 'a/b', findX: false, weight: 1 / 3, question: (a, b) => `${a}/${b}=?` },
    { id: 'b*x=a', findX: true, weight: 1 / 6, question: (a, b) => `${b}*x=${a},x=?` },
    { id: 'x*b=a', findX: true, weight: 1 / 6, question: (a, b) => `x*${b}=${a},x=?` },
    { id: 'a/x=b', findX: true, weight: 1 / 3, question: (a, b) => `${a}/x=${b},x=?` },
  ],
};

function apply(operator: Operator, a: number, b: number): number {
  switch (operator) {
    case '+':
      return a + b;
    case '-':
      return a - b;
    case '*':
      return a * b;
    case '/':
      return a / b;
  }
}

/** The valid second operands of one first operand: the contiguous range [low, high]. */
interface Row {
  readonly a: number;
  readonly low: number;
  readonly high: number;
}

/**
 * How the notebook weights the facts of one row; absent for operators whose facts it draws uniformly. `total` is the
 * row's summed weight and `pick` the fact at `target` inside it (0 <= target < total), both in closed form, so no
 * per-fact table is built: a table would hold one entry per fact, hundreds of millions at --max-operand 1000000.
 */
interface RowWeighting {
  total(row: Row): number;
  pick(row: Row, target: number): number;
}

/**
 * The valid facts (a, b) of one operator, indexed without materialising them: for each first operand `a` the valid
 * second operands form one contiguous range, so a prefix sum over the rows turns a fact index into (a, b) by binary
 * search. Memory grows with the number of rows (operands), never with the number of facts.
 */
class FactTable {
  readonly count: number;
  private readonly firsts: Float64Array;
  private readonly lows: Float64Array;
  private readonly highs: Float64Array;
  private readonly starts: Float64Array;
  /** Cumulative sampling weight per row, only for operators whose facts are not drawn uniformly. */
  private readonly cumulativeWeights: Float64Array | undefined;

  constructor(
    rows: Iterable<Row>,
    maxRows: number,
    private readonly weighting?: RowWeighting,
  ) {
    // Typed arrays sized once: a million rows stay at 8 bytes a field, with no growth copies.
    const [firsts, lows, highs, starts] = [0, 1, 2, 3].map(() => new Float64Array(maxRows)) as [Float64Array, Float64Array, Float64Array, Float64Array];
    const cumulative = weighting ? new Float64Array(maxRows) : undefined;
    let used = 0;
    let count = 0;
    let total = 0;
    for (const row of rows) {
      if (row.high < row.low) continue;
      firsts[used] = row.a;
      lows[used] = row.low;
      highs[used] = row.high;
      starts[used] = count;
      count += row.high - row.low + 1;
      if (weighting && cumulative) {
        total += weighting.total(row);
        cumulative[used] = total;
      }
      used += 1;
    }
    this.count = count;
    this.firsts = firsts.slice(0, used);
    this.lows = lows.slice(0, used);
    this.highs = highs.slice(0, used);
    this.starts = starts.slice(0, used);
    this.cumulativeWeights = cumulative?.slice(0, used);
  }

  fact(index: number): [number, number] {
    const row = locateBlock(this.starts, index);
    return [this.firsts[row] as number, (this.lows[row] as number) + index - (this.starts[row] as number)];
  }

  draw(rng: Rng): number {
    const cumulative = this.cumulativeWeights;
    if (!cumulative || !this.weighting) return rng.below(this.count);
    const target = rng.float() * (cumulative[cumulative.length - 1] as number);
    let low = 0;
    let high = cumulative.length - 1;
    while (low < high) {
      const middle = (low + high) >> 1;
      if ((cumulative[middle] as number) > target) high = middle;
      else low = middle + 1;
    }
    const row = { a: this.firsts[low] as number, low: this.lows[low] as number, high: this.highs[low] as number };
    const before = low === 0 ? 0 : (cumulative[low - 1] as number);
    return (this.starts[low] as number) + this.weighting.pick(row, target - before) - row.low;
  }
}

function* rowsFor(operator: Operator, config: ArithConfig): Generator<Row> {
  const { minOperand: lo, maxOperand: hi, minResult, maxResult } = config;
  for (let a = lo; a <= hi; a += 1) {
    switch (operator) {
      case '+':
        yield { a, low: Math.max(lo, minResult - a), high: Math.min(hi, maxResult - a) };
        break;
      case '-':
        yield { a, low: Math.max(lo, a - maxResult), high: Math.min(hi, a - minResult) };
        break;
      case '*':
        yield { a, low: Math.max(lo, Math.ceil(minResult / a)), high: Math.min(hi, Math.floor(maxResult / a)) };
        break;
      case '/':
        // Here `a` is the divisor and the row ranges over quotients q >= 1 with dividend q*a inside the operand range.
        yield { a, low: Math.max(1, minResult, Math.ceil(lo / a)), high: Math.min(maxResult, Math.floor(hi / a)) };
        break;
    }
  }
}

/**
 * How often the notebook's division branch produces quotient q with divisor d: it draws two operands in 1..max,
 * orders them (larger first), takes q = larger // smaller and rebuilds the dividend; q = 1 is kept only half the time.
 */
export function divisionWeight(q: number, divisor: number, max: number): number {
  const firstLarger = q * divisor;
  const lastLarger = Math.min(max, q * divisor + divisor - 1);
  if (lastLarger < firstLarger) return 0;
  let pairs = 2 * (lastLarger - firstLarger + 1);
  if (firstLarger === divisor) pairs -= 1; // (d, d) is one ordered pair, not two
  return q === 1 ? pairs / 2 : pairs;
}

/**
 * `divisionWeight` over a row of quotients [low, high] for divisor d: every quotient strictly between the two ends
 * weighs 2d (q >= 2 and a full run of d larger operands fits below max), so only the two ends need computing.
 */
function divisionWeighting(max: number): RowWeighting {
  return {
    total({ a: divisor, low, high }) {
      if (low === high) return divisionWeight(low, divisor, max);
      return divisionWeight(low, divisor, max) + 2 * divisor * (high - low - 1) + divisionWeight(high, divisor, max);
    },
    pick({ a: divisor, low, high }, target) {
      const first = divisionWeight(low, divisor, max);
      if (target < first || low === high) return low;
      const rest = target - first;
      let middle = Math.floor(rest / (2 * divisor));
      // The quotient may round across a boundary; the products are exact, so they settle it.
      if (middle * 2 * divisor > rest) middle -= 1;
      else if ((middle + 1) * 2 * divisor <= rest) middle += 1;
      return Math.min(high, low + 1 + middle);
    },
  };
}

interface Block {
  readonly operator: Operator;
  readonly form: Form;
  readonly facts: FactTable;
  readonly start: number;
}

/** The arithmetic question space: blocks of (operator, form) over that operator's valid facts. */
class ArithSpace implements QuestionSpace {
  readonly size: number;
  readonly strata: readonly Stratum[];
  private readonly blocks: Block[] = [];
  private readonly blockStarts: number[] = [];
  private readonly operatorBlocks: Block[][] = [];
  private readonly operatorFormWeights: number[][] = [];

  constructor(config: ArithConfig) {
    const operators = [...new Set(config.operators.split(''))] as Operator[];
    let start = 0;
    for (const operator of operators) {
      const rows = config.maxOperand - config.minOperand + 1;
      const facts = new FactTable(rowsFor(operator, config), rows, operator === '/' ? divisionWeighting(config.maxOperand) : undefined);
      if (facts.count === 0) continue;
      const forms = formsByOperator[operator].filter(
        (form) => config.forms === 'all' || form.findX === (config.forms === 'find-x'),
      );
      const blocks = forms.map((form) => {
        const block = { operator, form, facts, start };
        start += facts.count;
        return block;
      });
      this.blocks.push(...blocks);
      this.blockStarts.push(...blocks.map((block) => block.start));
      this.operatorBlocks.push(blocks);
      this.operatorFormWeights.push(blocks.map((block) => block.form.weight));
    }
    this.size = start;
    // A block's share of draws: operators equally often, forms by their notebook weights within their operator.
    this.strata = this.operatorBlocks.flatMap((blocks, operatorIndex) => {
      const weights = this.operatorFormWeights[operatorIndex] as number[];
      const total = weights.reduce((sum, weight) => sum + weight, 0);
      return blocks.map((block, formIndex) => ({
        size: block.facts.count,
        weight: (weights[formIndex] as number) / total / this.operatorBlocks.length,
      }));
    });
  }

  /** The notebook's distribution: operators equally often, forms by their notebook shares, facts as the notebook draws them. */
  draw(rng: Rng): number {
    const operatorIndex = rng.below(this.operatorBlocks.length);
    const blocks = this.operatorBlocks[operatorIndex] as Block[];
    const block = blocks[rng.weighted(this.operatorFormWeights[operatorIndex] as number[])] as Block;
    return block.start + block.facts.draw(rng);
  }

  item(index: number): MathItem {
    const block = this.blocks[locateBlock(this.blockStarts, index)] as Block;
    const [first, second] = block.facts.fact(index - block.start);
    const [a, b] = operandsOf(block.operator, first, second);
    return new ArithItem(block.operator, block.form, a, b);
  }

  factKey(index: number): string {
    const block = this.blocks[locateBlock(this.blockStarts, index)] as Block;
    const [first, second] = block.facts.fact(index - block.start);
    const [a, b] = operandsOf(block.operator, first, second);
    return arithFactKey(block.operator, a, b);
  }
}

/**
 * The fact family of a op b: its two addends or factors, unordered. Every form of one fact, the commuted fact and the
 * inverse operation's facts share it: 7+5, 5+7, 12-5, 12-7, `x-7=5` and `x+5=12` are all the fact 7+5=12.
 */
function arithFactKey(operator: Operator, a: number, b: number): string {
  switch (operator) {
    case '+':
      return additiveFactKey(a, b);
    case '-':
      return additiveFactKey(a - b, b);
    case '*':
      return multiplicativeFactKey(a, b);
    case '/':
      return multiplicativeFactKey(a / b, b);
  }
}

/** The notebook's operands for a fact: for division the row key is the divisor and the column the quotient. */
function operandsOf(operator: Operator, first: number, second: number): [number, number] {
  return operator === '/' ? [first * second, first] : [first, second];
}

/** One arithmetic question; a class, not an object of closures, because millions are made per second. */
class ArithItem implements MathItem {
  readonly question: string;
  readonly answer: string;
  readonly difficulty: number;
  private readonly result: number;

  constructor(
    private readonly operator: Operator,
    private readonly form: Form,
    private readonly a: number,
    private readonly b: number,
  ) {
    this.result = apply(operator, a, b);
    this.question = form.question(a, b, this.result);
    this.answer = String(this.result);
    this.difficulty = 1 + (form.findX ? 1 : 0) + (operator === '*' || operator === '/' ? 1 : 0);
  }

  // Built on demand: the notebook format never reads them, and it is the one that runs by the million.
  get fact(): string {
    return `${this.a}${this.operator}${this.b}=${this.answer}`;
  }

  get factKey(): string {
    return arithFactKey(this.operator, this.a, this.b);
  }

  get meta(): Readonly<Record<string, unknown>> {
    return { operator: this.operator, form: this.form.id };
  }

  solution(answer: string, shown: Operator = this.operator): string {
    return `The answer is ${answer} because ${this.a}${shown}${this.b} equals ${answer}.`;
  }

  mistakes(rng: Rng): Mistake[] {
    const { operator, a, b, result } = this;
    const mistakes: Mistake[] = [];
    const add = (kind: Mistake['kind'], value: number, shown: Operator = operator) => {
      if (!Number.isInteger(value) || value === result) return;
      const text = String(value);
      mistakes.push({ kind, answer: text, solution: this.solution(text, shown) });
    };
    add('off-by-one', result + (rng.chance(0.5) ? 1 : -1));
    add('sign-flip', -result);
    const others = (['+', '-', '*', '/'] as const).filter((other) => other !== operator);
    const wrongOperator = rng.pick(others);
    add('wrong-operation', apply(wrongOperator, a, b), wrongOperator);
    const swapped = swapAdjacentDigits(result, rng);
    if (swapped !== undefined) add('swapped-digits', swapped);
    if (operator === '+') add('dropped-carry', addWithoutCarry(a, b));
    if (operator === '-' && a >= b) add('dropped-carry', subtractWithoutBorrow(a, b));
    return mistakes;
  }
}

/** Swaps two adjacent digits of |value| (72 -> 27); undefined when there is nothing to swap. */
export function swapAdjacentDigits(value: number, rng: Rng): number | undefined {
  const digits = String(Math.abs(value)).split('');
  if (digits.length < 2) return undefined;
  const position = rng.below(digits.length - 1);
  [digits[position], digits[position + 1]] = [digits[position + 1] as string, digits[position] as string];
  if (digits[0] === '0') return undefined; // 30 -> 03 is not a number anyone writes
  const swapped = Number(digits.join(''));
  return value < 0 ? -swapped : swapped;
}

/** Column addition that forgets every carry: 38 + 45 -> 73. */
export function addWithoutCarry(a: number, b: number): number {
  let result = 0;
  let place = 1;
  while (a > 0 || b > 0) {
    result += ((a % 10) + (b % 10)) % 10 * place;
    a = Math.floor(a / 10);
    b = Math.floor(b / 10);
    place *= 10;
  }
  return result;
}

/** Column subtraction that takes the smaller digit from the larger instead of borrowing: 72 - 38 -> 46. */
export function subtractWithoutBorrow(a: number, b: number): number {
  let result = 0;
  let place = 1;
  while (a > 0 || b > 0) {
    result += Math.abs((a % 10) - (b % 10)) * place;
    a = Math.floor(a / 10);
    b = Math.floor(b / 10);
    place *= 10;
  }
  return result;
}

/** The notebook's arithmetic DPO generator, faithfully: + - * / over small operands, direct and find-x forms. */
export const arith: Template<ArithConfig> = {
  name: 'arith',
  description: 'the arithmetic notebook: a op b=? and find-x forms, exact division, results in a range',
  config: ArithConfig,
  distinctQuestion: 'question text, as in the notebook: each form of a fact and each operand order is its own question',
  testAnswers: 'number',
  space(config) {
    requireOrderedRanges('arith', config, ['operand', 'result']);
    const space = new ArithSpace(config);
    if (space.size === 0) {
      throw new EmptySpaceError(
        'arith',
        `no ${config.operators} fact with operands in [${config.minOperand}, ${config.maxOperand}] has a result in [${config.minResult}, ${config.maxResult}]`,
      );
    }
    return space;
  },
};
