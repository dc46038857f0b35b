import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { BenchmarkIndex } from './benchmark-index.js';

const LONG_QUESTION =
  'Let x be a real number such that the sum of its square and twice its value equals fifteen. Find every possible value of x.';

function indexOf(benchmarks: Record<string, string[]>, sizes?: number[]): BenchmarkIndex {
  const index = new BenchmarkIndex(sizes);
  for (const [file, questions] of Object.entries(benchmarks)) {
    const benchmark = index.addBenchmark(file);
    questions.forEach((question, position) => index.addItem(benchmark, position + 1, question));
  }
  return index;
}

describe('BenchmarkIndex', () => {
  test('an exact question matches whatever its case, spacing or Unicode form', () => {
    const index = indexOf({ 'test.jsonl': ['79-7=?', 'x-26=63,x=?'] });
    expect(index.check('  79-7=? ')?.evidence).toEqual({ benchmark: 'test.jsonl', line: 1, match: 'exact', span: '79-7=?' });
    expect(index.check('Ｘ-26=63,x=?')?.evidence.match).toBe('exact');
    expect(index.check('79-8=?')).toBeUndefined();
    expect(index.check('7-79=?')).toBeUndefined();
    expect(index.check('79-7')).toBeUndefined(); // exact means exact: a missing "=?" is another text
  });

  test('a short question inside a templated prompt is found whole; a longer number containing it is not', () => {
    const index = indexOf({ 'test.jsonl': ['5*9=?', 'why?'] });
    expect(index.check('Question: 5*9=? Answer with a number.')?.evidence).toMatchObject({ match: 'contains', span: '5*9=?', line: 1 });
    expect(index.check('Question: 25*9=? Answer with a number.')).toBeUndefined();
    expect(index.check('but why? tell me')).toBeUndefined(); // too short to stand for a benchmark item inside other text
    expect(index.check('why?')?.evidence.match).toBe('exact');
  });

  test('long questions are found by shared word n-grams, the longest match reported, punctuation at word edges ignored', () => {
    const index = indexOf({ 'math.jsonl': [LONG_QUESTION] });
    const reworded = 'Problem 3: let x be a real number such that the sum of its square and twice its value equals fifteen; what is x?';
    expect(index.check(reworded)?.evidence).toEqual({
      benchmark: 'math.jsonl',
      line: 1,
      match: 'ngram-13',
      span: 'let x be a real number such that the sum of its square', // the first shared run of 13 words
    });
    const eightOnly = 'Take any real number such that the sum of its square is twice fifteen, then stop.'; // the item's numbers, other wording
    expect(index.check(eightOnly)?.evidence).toMatchObject({ match: 'ngram-8', span: 'real number such that the sum of its' });
    expect(index.check('Pick a real number such that the sum is odd.')).toBeUndefined(); // 7 shared words
  });

  test('numbers matter: a copied word problem is found, a template sibling with other numbers or roles is not', () => {
    const question = 'Priya has 2 feet of ribbon. She cuts it into pieces that are 6 inches long and uses 2 of the pieces. How many pieces are left?';
    const wordless = 'Which of the following statements about the water cycle is true for every lake on earth and every river?';
    const index = indexOf({ 'test.jsonl': [question, wordless] });
    expect(index.check(question)?.evidence.match).toBe('exact');
    const longer = `Solve step by step; answer in 3 lines. Problem 17: ${question} Show your work for all 4 steps.`;
    expect(index.check(longer)?.evidence).toMatchObject({ line: 1, match: 'ngram-13' });
    const reworded = 'Priya owns two feet of ribbon and cuts it into pieces that are 6 inches long and uses 2 of the pieces. How many remain?';
    expect(index.check(reworded)?.evidence).toMatchObject({ line: 1, match: 'ngram-13' }); // "two" is 2
    expect(index.check(question.replace('6 inches', '4 inches'))).toBeUndefined(); // one number changed
    expect(index.check(question.replace('Priya has 2 feet', 'Ben has 6 feet').replace('are 6 inches', 'are 2 inches'))).toBeUndefined(); // roles swapped
    expect(index.check('Ben has 9 feet of yarn. He cuts it into pieces that are 6 inches long and uses 2 of the pieces. How many?')).toBeUndefined();
    expect(index.check(`Question 12: ${wordless.replace('every river', 'every sea')}`)?.evidence).toMatchObject({ line: 2, match: 'ngram-13' }); // no numbers: wording alone
    expect(index.scores()[0]).toMatchObject({ items: 2, seen: 2 });
  });

  test('among many template siblings, exactly the items whose numbers a text holds in order are seen', () => {
    const sibling = (a: number, b: number) => `A shop sells ${a} boxes with ${b} pens in each box and then gives away three of the pens. How many pens are left?`;
    const pairs = Array.from({ length: 400 }, (_, position) => [position % 20, Math.floor(position / 20) + 5] as const);
    fc.assert(
      fc.property(fc.array(fc.nat({ max: 399 }), { maxLength: 30 }), fc.array(fc.tuple(fc.integer({ min: 20, max: 99 }), fc.nat({ max: 99 })), { maxLength: 30 }), (copies, others) => {
        const index = indexOf({ 'test.jsonl': pairs.map(([a, b]) => sibling(a, b)) });
        let flagged = 0;
        for (const position of copies) if (index.check(`Exercise ${position + 1000}: ${sibling(...pairs[position]!)}`)) flagged += 1;
        for (const [a, b] of others) if (index.check(sibling(a, b))) flagged += 1; // a = 20..99 is no item's first number
        expect(flagged).toBe(copies.length);
        expect(index.scores()[0]!.seen).toBe(new Set(copies).size);
      }),
      { numRuns: 30 },
    );
  });

  test('scores report both views per benchmark file', () => {
    const index = indexOf({ 'a.jsonl': ['1+1=?', '2+2=?', '3+3=?', '2+2=?'], 'b.jsonl': ['2+2=?', '9*9=?'] });
    for (const row of ['2+2=?', '2+2=?', '9*9=?', 'hello there', '4+4=?']) index.check(row);
    expect(index.scores()).toEqual([
      { file: 'a.jsonl', items: 4, seen: 2, unseen: 2, unseenShare: 0.5, contaminatedRows: 2, matches: { exact: 2 } },
      { file: 'b.jsonl', items: 2, seen: 2, unseen: 0, unseenShare: 0, contaminatedRows: 3, matches: { exact: 3 } },
    ]);
    expect(index.check('2+2=?')?.benchmarks).toEqual(['a.jsonl', 'b.jsonl']);
  });

  test('items seen equal the distinct questions copied into training, rows flagged equal the copies', () => {
    const questions = Array.from({ length: 60 }, (_, position) => `${position + 10}+${position * 3 + 7}=?`);
    fc.assert(
      fc.property(fc.array(fc.nat({ max: 59 }), { maxLength: 40 }), fc.array(fc.nat({ max: 9999 }), { maxLength: 40 }), (copies, clean) => {
        const index = indexOf({ 'test.jsonl': questions });
        let flagged = 0;
        for (const row of [...copies.map((position) => questions[position]!), ...clean.map((value) => `${value + 1000}-1=?`)]) {
          if (index.check(row)) flagged += 1;
        }
        expect(flagged).toBe(copies.length);
        expect(index.scores()[0]!.seen).toBe(new Set(copies).size);
      }),
    );
  });
});
