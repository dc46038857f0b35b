import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { UnknownNameError } from '../../src/core/errors.js';
import { templates } from '../index.js';
import { Rational } from '../rational.js';
import { rngFor } from '../rng.js';
import { EmptySpaceError, type QuestionSpace, decodeMixedRadix } from '../template.js';
import { radicesOf } from './scenario.js';
import type { AgoParams, BornParams, FutureSumParams, SiblingsParams } from './scenarios/ages.js';
import type { FenceParams, LawnParams, TilesParams } from './scenarios/geometry.js';
import { scenarios } from './scenarios/index.js';
import type {
  AllowanceParams,
  BulkParams,
  ChangeParams,
  DiscountParams,
  FuelParams,
  OvertimeParams,
  ProfitParams,
  SavingsParams,
  TipParams,
} from './scenarios/money.js';
import type { AverageSpeedParams, ProductionParams, ReadingParams, TankParams, TogetherParams, TwoLegParams } from './scenarios/rates.js';
import type { ClassParams, MeanScoreParams, NeededScoreParams, RatioParams, RecipeParams, TreatsParams } from './scenarios/sharing.js';
import type { DeparturesParams, EventParams, WeeklyHoursParams } from './scenarios/time.js';
import type { FlourParams, GlassesParams, LapsParams, RibbonParams } from './scenarios/units.js';
import { WordConfig, WordItem, word } from './word.js';
import { articleFor } from './words.js';

const r = (num: number, den = 1) => Rational.of(num, den);

/** Counts how many times `step` can be taken from `start` before passing `end`, and whether it lands on `end`. */
function walk(start: number, end: number, step: number): { steps: number; exact: boolean } {
  let position = start;
  let steps = 0;
  while (position < end) {
    position += step;
    steps += 1;
  }
  return { steps, exact: position === end };
}

type Check<Params> = (params: Params, answer: Rational) => boolean;

/**
 * Independent checks: each one confirms the answer against the story by simulation or by a constraint the answer must
 * satisfy, never by replaying the scenario's own step chain.
 */
const checks = new Map<string, Check<any>>();
function check<Params>(id: string, verify: Check<Params>): void {
  checks.set(id, verify);
}

check<ChangeParams>('change', (p, answer) => {
  let wallet = p.paid;
  for (let bought = 0; bought < p.count; bought += 1) wallet -= p.price;
  wallet -= p.extraPrice;
  return answer.equals(r(wallet));
});
check<DiscountParams>('discount', (p, answer) => answer.equals(r(p.count * p.price * (100 - p.percent), 100)));
check<TipParams>('tip-split', (p, answer) => answer.equals(r(p.meal * (100 + p.percent), 100)));
check<SavingsParams>('savings-goal', (p, answer) => {
  const { steps, exact } = walk(p.saved, p.cost, p.earned - p.spent);
  return exact && answer.equals(r(steps));
});
check<BulkParams>('bulk-saving', (p, answer) => {
  let loose = 0;
  for (let item = 0; item < p.packs * p.size; item += 1) loose += p.single;
  return answer.equals(r(loose - p.packs * p.pack));
});
check<AllowanceParams>('allowance-left', (p, answer) =>
  r(p.money).sub(r(p.spent)).sub(answer).mul(r(p.parts)).equals(r(p.money)),
);
check<ProfitParams>('profit', (p, answer) => {
  let gain = 0;
  for (let item = 0; item < p.count; item += 1) gain += p.price - p.cost;
  return answer.equals(r(gain));
});
check<OvertimeParams>('overtime', (p, answer) => {
  let halfDollars = 0;
  for (let hour = 1; hour <= p.hours; hour += 1) halfDollars += hour <= 40 ? 2 * p.rate : 3 * p.rate;
  return answer.equals(r(halfDollars, 2));
});
check<FuelParams>('fuel-cost', (p, answer) => answer.mul(r(p.perLiter)).equals(p.price.mul(r(p.distance))));
check<TwoLegParams>('two-leg-distance', (p, answer) => {
  let distance = 0;
  for (let hour = 0; hour < p.hours1 + p.hours2; hour += 1) distance += hour < p.hours1 ? p.speed1 : p.speed2;
  return answer.equals(r(distance));
});
check<AverageSpeedParams>('average-speed', (p, answer) =>
  answer.equals(r(p.speed1).add(r((p.speed2 - p.speed1) * p.hours2, p.hours1 + p.hours2))),
);
check<TogetherParams>('work-together', (p, answer) => {
  const { steps, exact } = walk(p.done, p.total, p.rate1 + p.rate2);
  return exact && answer.equals(r(steps));
});
check<TankParams>('tank-fill', (p, answer) => {
  const { steps, exact } = walk(p.start, p.capacity, p.inflow - p.leak);
  return exact && answer.equals(r(steps));
});
check<ProductionParams>('production-boxes', (p, answer) => {
  let made = 0;
  for (let day = 0; day < p.days; day += 1) for (let hour = 0; hour < p.hours; hour += 1) made += p.perHour;
  return made % p.perBox === 0 && answer.mul(r(p.perBox)).equals(r(made));
});
check<ReadingParams>('reading-weeks', (p, answer) => {
  let read = 0;
  let days = 0;
  while (read < p.pages) {
    read += days % 7 < 5 ? p.weekday : p.weekend;
    days += 1;
  }
  return read === p.pages && days % 7 === 0 && answer.equals(r(days / 7));
});
check<FutureSumParams>('age-future-sum', (p, answer) => {
  let child = p.age;
  let relative = p.age * p.times;
  for (let passed = 0; passed < p.years; passed += 1) {
    child += 1;
    relative += 1;
  }
  return answer.equals(r(child + relative));
});
check<AgoParams>('age-ago', (p, answer) => {
  const partnerThen = p.partnerAge - p.years;
  return partnerThen >= 1 && answer.sub(r(partnerThen)).equals(r(p.gap));
});
check<SiblingsParams>('age-siblings', (p, answer) => {
  for (let younger = 0; younger <= p.age; younger += 1) {
    if (younger + p.gap === p.age) return younger >= 1 && answer.equals(r(p.age + younger * (1 + p.times)));
  }
  return false;
});
check<BornParams>('age-born', (p, answer) => p.later > p.age && answer.sub(r(p.later)).equals(r(p.atBirth)));
check<RibbonParams>('ribbon-pieces', (p, answer) => {
  let inches = p.feet * 12;
  let pieces = 0;
  while (inches >= p.inches) {
    inches -= p.inches;
    pieces += 1;
  }
  return inches === 0 && pieces > p.used && answer.equals(r(pieces - p.used));
});
check<LapsParams>('laps-minutes', (p, answer) => {
  const { steps, exact } = walk(0, p.hours * 60 + p.minutes, p.perLap);
  return exact && answer.equals(r(steps));
});
check<GlassesParams>('juice-glasses', (p, answer) => {
  let milliliters = p.liters * 1000 - p.poured * p.glass;
  let more = 0;
  while (milliliters >= p.glass) {
    milliliters -= p.glass;
    more += 1;
  }
  return milliliters === 0 && answer.equals(r(more));
});
check<FlourParams>('flour-grams', (p, answer) => answer.add(r(p.bakes * p.grams)).equals(r(p.kilograms * 1000)));
check<FenceParams>('fence-cost', (p, answer) => {
  let around = 0;
  for (const side of [p.length, p.width, p.length, p.width]) around += side;
  return answer.equals(r(around * p.price));
});
check<TilesParams>('tiles-boxes', (p, answer) => {
  const tiles = p.length * p.width;
  return tiles % p.perBox === 0 && answer.equals(r(Math.ceil(tiles / p.perBox) * p.price));
});
check<LawnParams>('lawn-area', (p, answer) =>
  answer.equals(r((p.length - p.side) * p.width + p.side * (p.width - p.side))),
);
check<DeparturesParams>('departures', (p, answer) => {
  let count = 0;
  for (let minute = p.first * 60; minute <= p.last * 60; minute += p.every) count += 1;
  return (p.last - p.first) * 60 % p.every === 0 && answer.equals(r(count));
});
check<WeeklyHoursParams>('weekly-hours', (p, answer) => {
  let minutes = 0;
  for (const day of ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun']) minutes += day.startsWith('S') ? p.weekend : p.weekday;
  return answer.mul(r(60)).equals(r(minutes));
});
check<EventParams>('event-length', (p, answer) => {
  let clock = 0;
  for (let session = 0; session < p.sessions; session += 1) {
    if (session > 0) clock += p.pause;
    clock += p.length;
  }
  return answer.equals(r(clock));
});
check<RatioParams>('share-ratio', (p, answer) =>
  answer.mul(r(p.larger + p.smaller)).equals(r(p.total * (p.larger - p.smaller))),
);
check<RecipeParams>('recipe-scale', (p, answer) =>
  r(p.have).sub(answer).mul(r(p.batch)).equals(r(p.wanted * p.perBatch)),
);
check<NeededScoreParams>('needed-score', (p, answer) =>
  answer.add(r(p.scores[0] + p.scores[1] + p.scores[2])).div(r(4)).equals(r(p.average)) && answer.compare(r(100)) <= 0,
);
check<MeanScoreParams>('mean-score', (p, answer) => {
  let deviation = Rational.zero;
  for (const points of p.points) deviation = deviation.add(r(points).sub(answer));
  return deviation.equals(Rational.zero);
});
check<ClassParams>('class-fraction', (p, answer) => {
  const boys = r(p.students).mul(r(p.parts - p.girls, p.parts));
  return boys.isInteger() && answer.mul(r(p.share)).equals(boys.mul(r(p.share - 1)));
});
check<TreatsParams>('treats-share', (p, answer) => {
  let left = p.trays * p.perTray - p.kept;
  let each = 0;
  while (left >= p.friends) {
    left -= p.friends;
    each += 1;
  }
  return left === 0 && each >= 1 && answer.equals(r(each));
});

const number = String.raw`\$?\d+(?:\.\d+)?`;
const expression = new RegExp(String.raw`(${number})((?: [-+x/] ${number})+) = (${number})`, 'g');

/** A solution's arithmetic, `3 x $4 = $12`, as operands, operators and the stated result. */
interface Written {
  readonly text: string;
  readonly operands: Rational[];
  readonly operators: string[];
  readonly result: Rational;
}

function parseNumber(text: string): Rational {
  if (text.startsWith('$')) expect(text).toMatch(/^\$\d+(\.\d\d)?$/);
  return Rational.parse(text.replace('$', ''));
}

function writtenArithmetic(solution: string): Written[] {
  return [...solution.matchAll(expression)].map((match) => {
    const rest = (match[2] as string).trim().split(' ');
    const operators = rest.filter((_, index) => index % 2 === 0);
    const operands = [match[1] as string, ...rest.filter((_, index) => index % 2 === 1)].map(parseNumber);
    return { text: match[0], operands, operators, result: parseNumber(match[3] as string) };
  });
}

function recompute({ operands, operators }: Written): Rational {
  let value = operands[0] as Rational;
  operators.forEach((operator, index) => {
    const operand = operands[index + 1] as Rational;
    value = operator === '+' ? value.add(operand) : operator === '-' ? value.sub(operand) : operator === 'x' ? value.mul(operand) : value.div(operand);
  });
  return value;
}

function spaceOf(options: Partial<WordConfig> = {}): QuestionSpace {
  return word.space(WordConfig.parse(options));
}

function indexOf(digits: readonly number[], radices: readonly number[]): number {
  let index = 0;
  for (let position = radices.length - 1; position >= 0; position -= 1) {
    index = index * (radices[position] as number) + (digits[position] as number);
  }
  return index;
}

describe('word scenarios', () => {
  test('at least 20 scenarios with unique ids, each of 2 to 5 steps, each with an independent check', () => {
    expect(scenarios.length).toBeGreaterThanOrEqual(20);
    expect(new Set(scenarios.map((scenario) => scenario.id)).size).toBe(scenarios.length);
    for (const scenario of scenarios) {
      expect(scenario.steps.length, scenario.id).toBeGreaterThanOrEqual(2);
      expect(scenario.steps.length, scenario.id).toBeLessThanOrEqual(5);
      expect(checks.has(scenario.id), `check for ${scenario.id}`).toBe(true);
    }
    const stepCounts = new Set(scenarios.map((scenario) => scenario.steps.length));
    expect([...stepCounts].sort()).toEqual([2, 3, 4, 5]);
    expect(new Set(scenarios.map((scenario) => scenario.theme)).size).toBeGreaterThanOrEqual(6);
  });

  test('the family is registered as `word`', () => {
    expect(templates.get('word')).toBe(word);
  });

  describe.each(scenarios.map((scenario) => [scenario.id, scenario] as const))('%s', (id, scenario) => {
    const space = spaceOf({ scenarios: id });
    const verify = checks.get(id) as Check<unknown>;

    test('answers pass the independent check; solutions show right arithmetic ending in the answer', () => {
      fc.assert(
        fc.property(fc.integer({ min: 0, max: space.size - 1 }), (index) => {
          const item = space.item(index) as WordItem;
          const answer = Rational.parse(item.answer);
          expect(verify(item.params, answer), `${item.question} -> ${item.answer}`).toBe(true);
          expect(item.answer).toBe(answer.isInteger() ? String(answer.num) : answer.toDecimal());
          expect(item.meta).toMatchObject({ scenario: id, steps: scenario.steps.length, theme: scenario.theme });
          expect(typeof item.meta.unit).toBe('string');
          expect(item.question).toMatch(/\?$|\.$/);

          const solution = item.solution(item.answer);
          expect(solution.endsWith(` The answer is ${item.answer}.`)).toBe(true);
          expect(item.solution('X').endsWith(' The answer is X.')).toBe(true);
          const written = writtenArithmetic(solution);
          expect(written.length, solution).toBe(scenario.steps.length);
          for (const step of written) expect(recompute(step).equals(step.result), step.text).toBe(true);
          expect((written.at(-1) as Written).result.equals(answer)).toBe(true);
          expect(item.fact.split('; ')).toEqual(written.map((step) => step.text));
        }),
        { numRuns: 1500 },
      );
    });

    test('mistakes differ from gold, each with its own solution showing the error where it happens', () => {
      fc.assert(
        fc.property(fc.integer({ min: 0, max: space.size - 1 }), fc.nat(), (index, seed) => {
          const item = space.item(index);
          const gold = Rational.parse(item.answer);
          const mistakes = item.mistakes(rngFor(seed, index));
          expect(mistakes.length).toBeGreaterThanOrEqual(1);
          expect(mistakes.some((mistake) => mistake.kind === 'off-by-one')).toBe(true);
          expect(new Set(mistakes.map((mistake) => mistake.answer)).size).toBe(mistakes.length);
          for (const mistake of mistakes) {
            const wrong = Rational.parse(mistake.answer);
            expect(wrong.equals(gold)).toBe(false);
            expect(mistake.answer).toBe(wrong.isInteger() ? String(wrong.num) : wrong.toDecimal());
            const solution = mistake.solution as string;
            expect(solution.endsWith(` The answer is ${mistake.answer}.`)).toBe(true);
            const written = writtenArithmetic(solution);
            const slips = written.filter((step) => !recompute(step).equals(step.result));
            if (mistake.kind === 'off-by-one') {
              expect(slips).toHaveLength(1);
              expect(Math.abs(recompute(slips[0] as Written).sub((slips[0] as Written).result).num)).toBe(1);
            } else {
              // The error is conceptual (a skipped step, another operator, a wrong factor): the sums are done right.
              expect(slips).toEqual([]);
            }
            // Skipping a step also drops the sums only that step used.
            if (mistake.kind === 'skipped-step') expect(written.length).toBeLessThan(scenario.steps.length);
            else expect(written.length).toBe(scenario.steps.length);
            expect((written.at(-1) as Written).result.equals(wrong)).toBe(true);
          }
        }),
        { numRuns: 500 },
      );
    });

    test('item(k) is deterministic', () => {
      const again = spaceOf({ scenarios: id });
      fc.assert(
        fc.property(fc.integer({ min: 0, max: space.size - 1 }), (index) => {
          const first = space.item(index);
          const second = again.item(index);
          expect(second.question).toBe(first.question);
          expect(second.answer).toBe(first.answer);
          expect(second.solution(second.answer)).toBe(first.solution(first.answer));
          expect(second.mistakes(rngFor(7, index))).toEqual(first.mistakes(rngFor(7, index)));
        }),
        { numRuns: 200 },
      );
    });

    test('every choice shows in the question: changing any one digit changes the text', () => {
      const radices = radicesOf(scenario, 20);
      fc.assert(
        fc.property(fc.integer({ min: 0, max: space.size - 1 }), fc.nat(), (index, shift) => {
          const digits = decodeMixedRadix(index, radices);
          const question = space.item(index).question;
          radices.forEach((radix, position) => {
            if (radix === 1) return;
            const changed = [...digits];
            changed[position] = ((digits[position] as number) + 1 + (shift % (radix - 1))) % radix;
            expect(space.item(indexOf(changed, radices)).question, `digit ${position}`).not.toBe(question);
          });
        }),
        { numRuns: 300 },
      );
    });

    test('distinct indices give distinct questions over a large sample', () => {
      const seen = new Map<string, number>();
      const rng = rngFor(11, 0);
      const sample = Math.min(space.size, 20_000);
      for (let draw = 0; draw < sample; draw += 1) {
        const index = sample === space.size ? draw : rng.below(space.size);
        const question = space.item(index).question;
        const before = seen.get(question);
        if (before !== undefined && before !== index) throw new Error(`indices ${before} and ${index} both give: ${question}`);
        seen.set(question, index);
      }
    });
  });
});

describe('word space', () => {
  test('different indices give different questions across scenarios (scenario-uniform sample)', () => {
    const space = spaceOf();
    const seen = new Map<string, number>();
    const rng = rngFor(3, 0);
    for (let draw = 0; draw < 150_000; draw += 1) {
      const index = space.draw(rng);
      const question = space.item(index).question;
      const before = seen.get(question);
      if (before !== undefined && before !== index) throw new Error(`indices ${before} and ${index} both give: ${question}`);
      seen.set(question, index);
    }
  });

  test('small scenarios are injective exhaustively', () => {
    for (const id of ['tip-split', 'departures']) {
      const space = spaceOf({ scenarios: id });
      expect(space.size).toBeLessThan(100_000);
      const questions = new Set<string>();
      for (let index = 0; index < space.size; index += 1) questions.add(space.item(index).question);
      expect(questions.size).toBe(space.size);
    }
  });

  test('draw picks scenarios uniformly, not by block size', () => {
    const space = spaceOf();
    const rng = rngFor(5, 0);
    const counts = new Map<string, number>();
    const draws = 70_000;
    for (let draw = 0; draw < draws; draw += 1) {
      const id = space.item(space.draw(rng)).meta?.scenario as string;
      counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    expect(counts.size).toBe(scenarios.length);
    const expected = draws / scenarios.length;
    for (const [id, seen] of counts) expect(Math.abs(seen - expected), id).toBeLessThan(expected * 0.15);
  });

  test('the space is the concatenation of the scenarios, within 2^52 at the largest scale', () => {
    const sizes = scenarios.map((scenario) => spaceOf({ scenarios: scenario.id }).size);
    expect(spaceOf().size).toBe(sizes.reduce((total, size) => total + size, 0));
    for (const maxQuantity of [5, 100]) {
      const space = spaceOf({ maxQuantity });
      expect(space.size).toBeLessThanOrEqual(2 ** 52);
      const rng = rngFor(maxQuantity, 0);
      for (let draw = 0; draw < 3000; draw += 1) {
        const item = space.item(space.draw(rng)) as WordItem;
        const gold = Rational.parse(item.answer);
        expect(checks.get(item.scenario.id)?.(item.params, gold), item.question).toBe(true);
        for (const mistake of item.mistakes(rng)) expect(Rational.parse(mistake.answer).equals(gold)).toBe(false);
      }
    }
    expect(() => spaceOf().item(spaceOf().size)).toThrow(RangeError);
  });

  test('--min-steps and --max-steps select scenarios by their step count', () => {
    for (const steps of [2, 3, 4, 5]) {
      const space = spaceOf({ minSteps: steps, maxSteps: steps });
      const rng = rngFor(steps, 0);
      for (let draw = 0; draw < 200; draw += 1) expect(space.item(space.draw(rng)).meta?.steps).toBe(steps);
    }
    const few = spaceOf({ scenarios: 'change, age-ago,overtime', maxSteps: 3 });
    const ids = new Set<string>();
    const rng = rngFor(1, 0);
    for (let draw = 0; draw < 200; draw += 1) ids.add(few.item(few.draw(rng)).meta?.scenario as string);
    expect([...ids].sort()).toEqual(['age-ago', 'change']);
  });

  test('impossible options throw EmptySpaceError naming the flags', () => {
    expect(() => spaceOf({ minSteps: 4, maxSteps: 3 })).toThrow(EmptySpaceError);
    expect(() => spaceOf({ minSteps: 4, maxSteps: 3 })).toThrowErrorMatchingInlineSnapshot(
      `[EmptySpaceError: word: these options admit no question: --min-steps 4 is greater than --max-steps 3]`,
    );
    expect(() => spaceOf({ minSteps: 6, maxSteps: 9 })).toThrow(EmptySpaceError);
    expect(() => spaceOf({ maxSteps: 1 })).toThrow(EmptySpaceError);
    expect(() => spaceOf({ scenarios: 'age-ago', minSteps: 3 })).toThrowErrorMatchingInlineSnapshot(
      `[EmptySpaceError: word: these options admit no question: no scenario in --scenarios age-ago has between --min-steps 3 and --max-steps 5 steps]`,
    );
    expect(() => spaceOf({ scenarios: ' , ' })).toThrow(EmptySpaceError);
    expect(() => spaceOf({ scenarios: 'chnage' })).toThrow(UnknownNameError);
  });

  test('the config is strict and bounded', () => {
    expect(WordConfig.parse({})).toEqual({ scenarios: 'all', minSteps: 2, maxSteps: 5, maxQuantity: 20 });
    expect(WordConfig.safeParse({ maxQuantity: 4 }).success).toBe(false);
    expect(WordConfig.safeParse({ maxQuantity: 101 }).success).toBe(false);
    expect(WordConfig.safeParse({ steps: 3 }).success).toBe(false);
    expect(WordConfig.safeParse({ scenarios: 'change;drop' }).success).toBe(false);
  });

  test('the item is a class instance with prototype methods, not closures', () => {
    const item = spaceOf().item(0);
    expect(item).toBeInstanceOf(WordItem);
    expect(Object.hasOwn(item, 'solution')).toBe(false);
    expect(Object.hasOwn(item, 'mistakes')).toBe(false);
  });
});

describe('stories are believable', () => {
  /** Every item of a scenario under a few variants, for exhaustive checks of small scenarios. */
  function* told(id: string, maxQuantity = 20, variants = 3): Generator<WordItem> {
    const space = spaceOf({ scenarios: id, maxQuantity });
    for (let index = 0; index < space.size; index += 1) {
      for (let variant = 0; variant < variants; variant += 1) yield space.item(index, variant * 7919 + index) as WordItem;
    }
  }

  test.each([5, 20, 100])('age-siblings: aunts and uncles are adults older than the main person; babysitters 14 to 70 minding a child (max %i)', (maxQuantity) => {
    let relatives = 0;
    let sitters = 0;
    for (const item of told('age-siblings', maxQuantity, 2)) {
      const p = item.params as SiblingsParams;
      const third = p.times * (p.age - p.gap);
      if (p.third === 'babysitter') {
        sitters += 1;
        expect(third, item.question).toBeGreaterThanOrEqual(14);
        expect(third, item.question).toBeLessThanOrEqual(70);
        expect(p.age, item.question).toBeLessThanOrEqual(12);
        expect(third, item.question).toBeGreaterThan(p.age);
      } else {
        relatives += 1;
        expect(['aunt', 'uncle']).toContain(p.third);
        expect(third, item.question).toBeGreaterThanOrEqual(18);
        expect(third, item.question).toBeGreaterThan(p.age);
      }
    }
    expect(relatives).toBeGreaterThan(0);
    expect(sitters).toBeGreaterThan(0);
  });

  test('events last as long as such events do: no 32-minute movies', () => {
    const minutes: Record<string, [number, number]> = { movie: [75, 210], talk: [10, 60], round: [10, 210], class: [30, 180], set: [15, 90] };
    for (const maxQuantity of [5, 20, 100]) {
      for (const item of told('event-length', maxQuantity, 2)) {
        const p = item.params as EventParams;
        const [low, high] = minutes[p.kind.session.singular]!;
        expect(p.length >= low && p.length <= high, item.question).toBe(true);
      }
    }
  });

  test('lawn features have believable sizes: no 18-meter sandbox', () => {
    const largest: Record<string, Record<string, number>> = {
      meter: { 'flower bed': 2, sandbox: 3, shed: 6, patio: 10, pool: 25, pond: 100 },
      foot: { 'flower bed': 6, sandbox: 10, shed: 20, patio: 30, pool: 80, pond: 300 },
    };
    for (const item of told('lawn-area', 100, 2)) {
      const p = item.params as LawnParams;
      expect(p.side <= largest[p.unit.singular]![p.feature]!, item.question).toBe(true);
    }
  });

  test('ferries leave from a pier, trains from a station', () => {
    for (const item of told('departures', 20, 5)) {
      const p = item.params as DeparturesParams;
      if (p.vehicle.singular === 'ferry') expect(p.terminal).toBe('the pier');
      expect(item.question).not.toMatch(/ferry leaves the (bus )?station/);
    }
  });

  test('"an" before numbers read with a vowel sound (an 8, an 11, an 18, an 80, an 800), "a" before the others', () => {
    expect([8, 11, 18, 80, 85, 800, 8000, 11_000, 18_500, '8.5', '$80', '18%'].map(articleFor)).toEqual(Array(12).fill('an'));
    expect([1, 7, 10, 12, 17, 19, 100, 110, 1100, 1800, '$7.50', '25%'].map(articleFor)).toEqual(Array(12).fill('a'));
    const space = spaceOf({ maxQuantity: 100 });
    const rng = rngFor(13, 0);
    for (let draw = 0; draw < 40_000; draw += 1) {
      const question = space.item(space.draw(rng), rng.nextU32()).question;
      for (const match of question.matchAll(/\b(an?) \$?(\d+)/gi)) {
        expect(match[1]!.toLowerCase(), question).toBe(articleFor(match[2]!));
      }
    }
  });
});
