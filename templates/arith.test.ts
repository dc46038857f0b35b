import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { arith, ArithConfig, addWithoutCarry, divisionWeight, subtractWithoutBorrow } from './arith.js';
import { arithAnswerIsRight } from '../test/helpers/arith-oracle.js';
import { rngFor } from './rng.js';

const defaults = ArithConfig.parse({});
const space = arith.space(defaults);

describe('arith', () => {
  test('holds exactly the notebook question space with default options', () => {
    // + : 4950 facts x 2 forms; - : 10000 x 4; * : 482 x 2; / : 482 x 4.
    expect(space.size).toBe(4950 * 2 + 10000 * 4 + 482 * 2 + 482 * 4);
  });

  test('every question in the default space has the right answer, checked by substitution', () => {
    for (let k = 0; k < space.size; k += 1) {
      const item = space.item(k);
      expect(arithAnswerIsRight(item.question, item.answer), item.question).toBe(true);
    }
  });

  test('results stay within the configured range and operands within theirs', () => {
    for (let k = 0; k < space.size; k += 1) {
      const value = Number(space.item(k).answer);
      expect(value).toBeGreaterThanOrEqual(-100);
      expect(value).toBeLessThanOrEqual(100);
      for (const operand of space.item(k).fact.split(/[-+*/=]/).slice(0, 2)) expect(Number(operand)).toBeLessThanOrEqual(100);
    }
  });

  test('distinct indices give distinct questions', () => {
    const questions = new Set<string>();
    for (let k = 0; k < space.size; k += 1) questions.add(space.item(k).question);
    expect(questions.size).toBe(space.size);
  });

  test('text follows the notebook: `{question} The answer is {answer} because {calculation}.`', () => {
    const texts = new Map<string, string>();
    for (let k = 0; k < space.size; k += 1) {
      const item = space.item(k);
      texts.set(item.meta?.form as string, `${item.question} ${item.solution(item.answer)}`);
    }
    expect(Object.fromEntries([...texts].map(([form, text]) => [form, /^\S+ The answer is -?\d+ because \d+[-+*/]\d+ equals -?\d+\.$/.test(text)]))).toEqual(
      Object.fromEntries([...texts.keys()].map((form) => [form, true])),
    );
    expect([...texts.keys()].sort()).toEqual(['a*b', 'a+b', 'a-b', 'a-x=b', 'a/b', 'a/x=b', 'b*x=a', 'b+x=a', 'x*b=a', 'x+b=a', 'x-a=b', 'x/b=a']);
  });

  test('draws follow the notebook: each operator about a quarter of the questions', () => {
    const counts: Record<string, number> = { '+': 0, '-': 0, '*': 0, '/': 0 };
    const draws = 40_000;
    for (let i = 0; i < draws; i += 1) counts[space.item(space.draw(rngFor(7, i))).meta?.operator as string]! += 1;
    for (const count of Object.values(counts)) expect(Math.abs(count / draws - 0.25)).toBeLessThan(0.02);
  });

  test('every mistake is a different, wrong answer', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: space.size - 1 }), fc.nat(), (k, seed) => {
        const item = space.item(k);
        for (const mistake of item.mistakes(rngFor(seed, k))) {
          expect(mistake.answer).not.toBe(item.answer);
          expect(arithAnswerIsRight(item.question, mistake.answer)).toBe(false);
          expect(mistake.solution).toContain(`The answer is ${mistake.answer} because`);
        }
      }),
      { numRuns: 3000 },
    );
  });

  test('the largest documented ranges build without a per-fact table and keep every item in range', () => {
    // --max-operand 1000000 has about 8e8 facts; a table with one entry per fact crashed V8 (issue review 2.2).
    for (const options of [{ maxOperand: 1_000_000 }, { maxOperand: 1_000_000, minResult: -1_000_000_000, maxResult: 1_000_000_000 }]) {
      const started = performance.now();
      const config = ArithConfig.parse(options);
      const large = arith.space(config);
      expect(performance.now() - started).toBeLessThan(5000);
      expect(large.size).toBeGreaterThan(8e8);
      const rng = rngFor(5, 0);
      for (let draw = 0; draw < 2000; draw += 1) {
        const item = large.item(large.draw(rng));
        expect(arithAnswerIsRight(item.question, item.answer), item.question).toBe(true);
        const [a, b] = item.fact.split(/(?<=\d)[-+*/]|=/).map(Number);
        for (const operand of [a!, b!]) expect(operand >= 1 && operand <= 1_000_000, item.fact).toBe(true);
        expect(Number(item.answer)).toBeGreaterThanOrEqual(config.minResult);
        expect(Number(item.answer)).toBeLessThanOrEqual(config.maxResult);
      }
    }
  });

  test('division draws follow the notebook weights exactly, row by row in closed form', () => {
    const config = ArithConfig.parse({ operators: '/', forms: 'direct', maxOperand: 30 });
    const small = arith.space(config);
    const expected = new Map<string, number>();
    let total = 0;
    for (let k = 0; k < small.size; k += 1) {
      const [dividend, divisor] = small.item(k).question.slice(0, -2).split('/').map(Number);
      const weight = divisionWeight(dividend! / divisor!, divisor!, 30);
      expected.set(small.item(k).question, weight);
      total += weight;
    }
    const seen = new Map<string, number>();
    const draws = 200_000;
    const rng = rngFor(9, 0);
    for (let draw = 0; draw < draws; draw += 1) {
      const question = small.item(small.draw(rng)).question;
      seen.set(question, (seen.get(question) ?? 0) + 1);
    }
    for (const [question, weight] of expected) {
      const share = weight / total;
      const tolerance = 4 * Math.sqrt((share * (1 - share)) / draws) + 1e-4;
      expect(Math.abs((seen.get(question) ?? 0) / draws - share), question).toBeLessThan(tolerance);
    }
  });

  test('column mistakes behave as a careless student computes', () => {
    expect(addWithoutCarry(38, 45)).toBe(73);
    expect(subtractWithoutBorrow(72, 38)).toBe(46);
  });

  test('impossible options name the offending flags', () => {
    expect(() => arith.space(ArithConfig.parse({ minOperand: 5, maxOperand: 3 }))).toThrowErrorMatchingInlineSnapshot(
      `[EmptySpaceError: arith: these options admit no question: --min-operand 5 is greater than --max-operand 3]`,
    );
    expect(() => arith.space(ArithConfig.parse({ minOperand: 50, maxOperand: 60, minResult: 0, maxResult: 5, operators: '+*' }))).toThrow(
      /no \+\* fact with operands in \[50, 60\] has a result in \[0, 5\]/,
    );
  });

  test('a range admitting few items has a small exact space', () => {
    const small = arith.space(ArithConfig.parse({ minOperand: 1, maxOperand: 2, maxResult: 3, operators: '+' }));
    // facts 1+1, 1+2, 2+1, each in two forms
    expect(small.size).toBe(6);
  });
});
