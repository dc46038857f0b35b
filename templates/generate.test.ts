import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { outputFormats } from './formats.js';
import { type GenerationPlan, ItemGenerator, shardRange, trainingChunks, testChunks, type ChunkStats } from './generate.js';
import { HeldOut } from './held-out.js';
import { templates } from './index.js';
import { parseNegativeMix } from './negatives.js';
import { QuestionCounter } from './question-counter.js';
import { Rational } from './rational.js';
import { rngFor } from './rng.js';

function planFor(family: string, overrides: Partial<GenerationPlan> = {}): GenerationPlan {
  const template = templates.get(family);
  return {
    template,
    config: template.config.parse({}),
    count: 200,
    seed: 1,
    format: outputFormats.get('dpo'),
    negatives: parseNegativeMix('refusal,wrong'),
    unique: false,
    shard: { index: 0, count: 1 },
    heldOutShare: 0.05,
    ...overrides,
  };
}

function freshStats(size: number): ChunkStats {
  return { lines: 0, questions: new QuestionCounter(size), negatives: new Map() };
}

function text(plan: GenerationPlan, range?: { start: number; end: number }): string {
  const generator = new ItemGenerator(plan);
  return [...trainingChunks(generator, range ?? { start: 0, end: plan.count }, freshStats(generator.space.size))].join('');
}

const families = templates.names();

describe.each(families)('generation of %s', (family) => {
  test('item(k) is pure: a fresh space gives the same question, answer, solution and mistakes', () => {
    const template = templates.get(family);
    const config = template.config.parse({});
    const [first, second] = [template.space(config), template.space(config)];
    fc.assert(
      fc.property(fc.integer({ min: 0, max: first.size - 1 }), (index) => {
        const [left, right] = [first.item(index), second.item(index)];
        expect(right.question).toBe(left.question);
        expect(right.answer).toBe(left.answer);
        expect(right.solution(right.answer)).toBe(left.solution(left.answer));
        const mistakes = (item: typeof left) => item.mistakes(rngFor(7, index)).map((mistake) => [mistake.kind, mistake.answer, mistake.solution]);
        expect(mistakes(right)).toEqual(mistakes(left));
      }),
      { numRuns: 500 },
    );
  });

  test('surface variants change the wording, never the math: one fact key and one answer per index', () => {
    const template = templates.get(family);
    const space = template.space(template.config.parse({}));
    fc.assert(
      fc.property(fc.integer({ min: 0, max: space.size - 1 }), fc.nat({ max: 2 ** 32 - 1 }), (index, variant) => {
        const plain = space.item(index);
        const told = space.item(index, variant);
        expect(told.factKey).toBe(space.factKey(index));
        expect(plain.factKey).toBe(space.factKey(index));
        expect(told.answer).toBe(plain.answer);
        expect(space.item(index, variant).question).toBe(told.question);
        if (!space.surfaceVariants) expect(told.question).toBe(plain.question);
      }),
      { numRuns: 300 },
    );
  });

  test('item i depends on (seed, i) alone: any window recomputes the same records', () => {
    const plan = planFor(family, { count: 300 });
    const whole = text(plan).split('\n');
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 299 }), fc.integer({ min: 1, max: 40 }), (start, length) => {
        const end = Math.min(300, start + length);
        expect(text(plan, { start, end })).toBe(whole.slice(start, end).join('\n') + '\n');
      }),
      { numRuns: 25 },
    );
  });

  test('shards are disjoint and their concatenation equals the unsharded output', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 7 }), fc.integer({ min: 0, max: 120 }), fc.boolean(), (shards, count, unique) => {
        const plan = planFor(family, { count, unique });
        const parts: string[] = [];
        for (let index = 0; index < shards; index += 1) {
          const range = shardRange(count, { index, count: shards });
          parts.push(text({ ...plan, shard: { index, count: shards } }, range));
        }
        expect(parts.join('')).toBe(text(plan));
      }),
      { numRuns: 12 },
    );
  });

  test('a different seed gives different data', () => {
    expect(text(planFor(family, { seed: 2 }))).not.toBe(text(planFor(family, { seed: 3 })));
  });

  test('training never contains a held-out fact, and the test set holds only held-out facts', () => {
    const plan = planFor(family, { count: 2000 });
    const generator = new ItemGenerator(plan);
    const heldOut = new HeldOut(0.05);
    const training = new Set<string>();
    for (const record of generator.records(0, plan.count)) {
      expect(heldOut.isReserved(record.item.factKey)).toBe(false);
      training.add(record.item.factKey);
    }
    const test = [...generator.testItems(50)];
    expect(test).toHaveLength(50);
    expect(new Set(test.map(({ item }) => item.question)).size).toBe(50);
    for (const { item } of test) {
      expect(heldOut.isReserved(item.factKey)).toBe(true);
      expect(training.has(item.factKey)).toBe(false);
    }
  });

  test('--unique never repeats a question, and the summary of what distinct means is stated', () => {
    const plan = planFor(family, { count: 1500, unique: true });
    const seen = new Set<string>();
    const indices = new Set<number>();
    for (const record of new ItemGenerator(plan).records(0, plan.count)) {
      seen.add(record.item.question);
      indices.add(record.questionIndex);
    }
    expect(seen.size).toBe(1500);
    expect(indices.size).toBe(1500);
    expect(templates.get(family).distinctQuestion.length).toBeGreaterThan(10);
  });

  test('dpo and sft meta record the fact key and the held-out share training was made with', () => {
    for (const format of ['dpo', 'sft']) {
      const plan = planFor(family, { count: 5, format: outputFormats.get(format), heldOutShare: 0.1 });
      for (const line of text(plan).trimEnd().split('\n')) {
        const meta = JSON.parse(line).meta;
        expect(meta.held_out_share).toBe(0.1);
        expect(typeof meta.fact_key).toBe('string');
      }
    }
  });

  test('test answers have one JSON type in the family, whatever the value', () => {
    const plan = planFor(family, { count: 300, format: outputFormats.get('test') });
    const generator = new ItemGenerator(plan);
    const lines = [...testChunks(generator, 300, { start: 0, end: 300 }, freshStats(generator.space.size))].join('').trimEnd().split('\n');
    const types = new Set(lines.map((line) => typeof JSON.parse(line).answer));
    expect([...types]).toEqual([templates.get(family).testAnswers === 'number' ? 'number' : 'string']);
  });

  test('chosen answers are gold and wrong negatives differ from gold in value', () => {
    const plan = planFor(family, { count: 1500, negatives: parseNegativeMix('wrong') });
    for (const record of new ItemGenerator(plan).records(0, plan.count)) {
      const { item, negative } = record;
      expect(negative.label).toMatch(/^wrong:[a-z-]+$/);
      expect(negative.answer).toBeDefined();
      expect(Rational.parse(negative.answer!).equals(Rational.parse(item.answer))).toBe(false);
      expect(item.solution(item.answer)).toContain(item.answer);
      expect(negative.text).not.toBe(item.solution(item.answer));
    }
  });

  test('every output format writes valid lines', () => {
    for (const format of outputFormats.list()) {
      const plan = planFor(family, { count: 20, format });
      const generator = new ItemGenerator(plan);
      const chunks = format.name === 'test' ? testChunks(generator, 20, { start: 0, end: 20 }, freshStats(generator.space.size)) : trainingChunks(generator, { start: 0, end: 20 }, freshStats(generator.space.size));
      const lines = [...chunks].join('').trimEnd().split('\n');
      expect(lines).toHaveLength(20);
      for (const line of lines) expect(typeof JSON.parse(line)).toBe('object');
    }
  });
});

describe('arith generation', () => {
  test('lines cached per question are the bytes built per item, in every window and shard', () => {
    const notebook = outputFormats.get('notebook');
    const { refusalLine: _cached, ...uncachedNotebook } = notebook;
    const cached = planFor('arith', { count: 3000, format: notebook, negatives: parseNegativeMix('refusal') });
    const uncached = { ...cached, format: uncachedNotebook };
    expect(new ItemGenerator(cached).cachesLines()).toBe(true);
    expect(new ItemGenerator(uncached).cachesLines()).toBe(false);
    expect(text(cached)).toBe(text(uncached));
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2999 }), fc.integer({ min: 1, max: 500 }), (start, length) => {
        const range = { start, end: Math.min(3000, start + length) };
        expect(text(cached, range)).toBe(text(uncached, range));
      }),
      { numRuns: 30 },
    );
  });

  test('notebook lines have exactly the notebook shape', () => {
    const line = text(planFor('arith', { count: 1, format: outputFormats.get('notebook'), negatives: parseNegativeMix('refusal') }));
    expect(line).toMatch(/^\{"positive": "\S+ The answer is -?\d+ because \d+[-+*/]\d+ equals -?\d+\.", "negative": "Sorry, I don't know\."\}\n$/);
  });

  test('dpo pairs carry verification by construction and a deterministic id', () => {
    const [first] = text(planFor('arith', { count: 1 })).trimEnd().split('\n');
    const pair = JSON.parse(first!);
    expect(Object.keys(pair)).toEqual(['id', 'prompt', 'chosen', 'rejected', 'chosen_score', 'rejected_score', 'margin', 'meta']);
    expect(pair).toMatchObject({ chosen_score: 1, rejected_score: 0, margin: 1, meta: { family: 'arith', seed: 1, index: 0 } });
  });

  test('--unique over the whole training share of a small space, then one more is refused with the numbers', () => {
    const template = templates.get('arith');
    const config = template.config.parse({ maxOperand: 12, maxResult: 12, operators: '+-' });
    const probe = new ItemGenerator(planFor('arith', { config }));
    const training = probe.trainingSize()!;
    const all = planFor('arith', { config, unique: true, count: training });
    expect(new Set([...new ItemGenerator(all).records(0, training)].map((record) => record.item.question)).size).toBe(training);
    expect(() => new ItemGenerator({ ...all, count: training + 1 }).checkFeasible()).toThrow(
      new RegExp(`these options hold ${probe.space.size} distinct questions, ${training} of them outside the held-out test share; it could make ${training}`),
    );
  });
});

describe('--unique keeps the family mix', () => {
  test('word scenarios take equal turns instead of following their block sizes', () => {
    // 35 scenarios x 40: below the training share of the smallest scenario (departures, 72 problems).
    const plan = planFor('word', { count: 1400, unique: true });
    const perScenario = new Map<string, number>();
    for (const record of new ItemGenerator(plan).records(0, plan.count)) {
      const scenario = record.item.meta?.scenario as string;
      perScenario.set(scenario, (perScenario.get(scenario) ?? 0) + 1);
    }
    const counts = [...perScenario.values()];
    expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(2);
  });

  test('arith operators share a unique set equally until the small ones run out', () => {
    const plan = planFor('arith', { count: 3000, unique: true });
    const perOperator: Record<string, number> = {};
    for (const record of new ItemGenerator(plan).records(0, plan.count)) {
      const operator = record.item.meta?.operator as string;
      perOperator[operator] = (perOperator[operator] ?? 0) + 1;
    }
    for (const operator of ['+', '-', '*', '/']) expect(perOperator[operator]).toBeGreaterThanOrEqual(745);
  });
});

describe('--unique walks problems, not rewordings', () => {
  test('a unique word set never tells one problem twice under other names or nouns', () => {
    const plan = planFor('word', { count: 1400, unique: true });
    const problems = new Set<string>();
    for (const record of new ItemGenerator(plan).records(0, plan.count)) problems.add(`${String(record.item.meta?.scenario)}|${record.item.fact}`);
    expect(problems.size).toBe(1400);
  });

  test('a unique linear set never repeats an equation renamed or rearranged', () => {
    const plan = planFor('linear', { count: 5000, unique: true });
    const equations = new Set<string>();
    for (const record of new ItemGenerator(plan).records(0, plan.count)) {
      const form = record.item.meta?.form === 'a(x+b)=c' || record.item.meta?.form === 'ax=c' ? record.item.meta.form : 'ax+b=c';
      equations.add(`${String(form)}|${record.item.factKey}`);
    }
    expect(equations.size).toBe(5000);
  });
});

describe('test sets follow the training mix', () => {
  test('an arith test set of 400 has every operator near its quarter, as far as the reserved facts allow', () => {
    const generator = new ItemGenerator(planFor('arith'));
    const perOperator: Record<string, number> = {};
    for (const { item } of generator.testItems(400)) {
      const operator = item.meta?.operator as string;
      perOperator[operator] = (perOperator[operator] ?? 0) + 1;
    }
    // The review found + 137, - 141, x 55, / 67 when draws were uniform over the reserved questions.
    for (const operator of ['+', '-', '/']) expect(perOperator[operator]).toBeGreaterThanOrEqual(95);
    // x has fewer reserved questions than its quarter: it gives all it has.
    let reservedProducts = 0;
    for (let k = 0; k < generator.space.size; k += 1) {
      if (generator.space.item(k).meta?.operator === '*' && generator.isReserved(k)) reservedProducts += 1;
    }
    expect(perOperator['*']).toBe(Math.min(100, reservedProducts));
  });

  test('a test set larger than the held-out share is refused before anything is made, with the numbers', () => {
    const generator = new ItemGenerator(planFor('arith'));
    let reserved = 0;
    for (let k = 0; k < generator.space.size; k += 1) if (generator.isReserved(k)) reserved += 1;
    expect(() => generator.checkTestFeasible(reserved)).not.toThrow();
    expect(() => generator.checkTestFeasible(reserved + 1)).toThrow(new RegExp(`only ${reserved} of the 52792 questions .* it could make ${reserved}`));
    expect(() => new ItemGenerator(planFor('arith', { heldOutShare: 0 })).checkTestFeasible(1)).toThrow(/--held-out 0 reserves no question/);
    // A space too large to count: refused by the expected size of its share.
    const word = new ItemGenerator(planFor('word'));
    expect(() => word.checkTestFeasible(Math.ceil(0.05 * word.space.size))).toThrow(/too many to count/);
  });
});

describe('question counter', () => {
  test('counts exactly for small spaces and estimates within 3% for huge ones', () => {
    const exact = new QuestionCounter(1000);
    for (let i = 0; i < 5000; i += 1) exact.add(i % 700);
    expect(exact.count()).toBe(700);
    const large = new QuestionCounter(2 ** 40);
    for (let i = 0; i < 5000; i += 1) large.add((i % 4000) * 7919 + 13);
    expect(large.exact).toBe(true);
    expect(large.count()).toBe(4000);
    const sketch = new QuestionCounter(2 ** 40);
    for (let i = 0; i < 600_000; i += 1) sketch.add(i * 7919 + 13);
    expect(sketch.exact).toBe(false);
    expect(Math.abs(sketch.count() / 600_000 - 1)).toBeLessThan(0.03);
  });
});
