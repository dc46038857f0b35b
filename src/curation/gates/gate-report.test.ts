import { describe, expect, test } from 'vitest';
import { evaluateGates, formatGateTable, GateThresholds } from './gate-report.js';
import { PairStatsCollector } from './pair-stats.js';

const pair = (prompt: string, chosen: string, rejected: string, chosen_score: number | undefined = 1, rejected_score: number | undefined = 0) => ({ prompt, chosen, rejected, chosen_score, rejected_score });
const unscored = (prompt: string, chosen: string, rejected: string) => ({ prompt, chosen, rejected, chosen_score: undefined, rejected_score: undefined });
const defaults = GateThresholds.parse({});

function statsOf(pairs: Parameters<PairStatsCollector["add"]>[0][]) {
  const collector = new PairStatsCollector();
  pairs.forEach((item, index) => collector.add(item, index + 1));
  return collector.stats;
}

const byGate = (results: ReturnType<typeof evaluateGates>) => Object.fromEntries(results.map((result) => [result.gate, result]));

describe('pair statistics', () => {
  test('conflicting preferences, duplicates, chosen == rejected and empty fields are counted with their lines', () => {
    const stats = statsOf([
      pair('p', 'A', 'B'),
      pair('p', 'B', 'A'), // conflict
      pair('p', 'A', 'B'), // duplicate
      pair('q', 'same', ' same '), // identical
      pair('', 'x', 'y'), // empty prompt
      pair('r', 'A', 'B'), // another prompt: no conflict with p
    ]);
    expect(stats).toMatchObject({ pairs: 6, conflicts: 1, duplicates: 1, identical: 1, emptyFields: 1 });
    expect(stats.examples).toEqual({ conflicts: [2], duplicates: [3], identical: [4], emptyFields: [5] });
  });
});

describe('gates', () => {
  test('the default checklist: >= 1000 pairs, gap >= 0.15, zero conflicts and identical pairs', () => {
    const many = Array.from({ length: 1000 }, (_, index) => pair(`q${index}`, 'right', 'wrong'));
    const results = byGate(evaluateGates(statsOf(many), defaults, undefined, undefined));
    expect(results.pairs?.status).toBe('pass');
    expect(results['preference gap']).toMatchObject({ status: 'pass', value: 1 });
    expect(results.decontamination?.status).toBe('skipped');
    expect(results.conflicts?.status).toBe('pass');

    const few = byGate(evaluateGates(statsOf([pair('p', 'A', 'B', 0.6, 0.5), pair('p', 'B', 'A', 0.6, 0.5)]), defaults, undefined, undefined));
    expect(few.pairs?.status).toBe('fail');
    expect(few['preference gap']).toMatchObject({ status: 'fail', value: 0.1 });
    expect(few.conflicts).toMatchObject({ status: 'fail', value: 1 });
  });

  test('decontamination holds the worst benchmark to the threshold and says how many items overlapped', () => {
    const stats = statsOf([pair('p', 'A', 'B')]);
    const results = byGate(evaluateGates(stats, defaults, [{ file: 'clean.jsonl', items: 100, unseen: 100 }, { file: 'test.jsonl', items: 400, unseen: 16 }], undefined));
    expect(results.decontamination).toMatchObject({ status: 'fail', value: 0.04 });
    expect(results.decontamination?.detail).toContain('test.jsonl: 384 of 400 items overlap');
    const clean = byGate(evaluateGates(stats, defaults, [{ file: 'test.jsonl', items: 400, unseen: 400 }], undefined));
    expect(clean.decontamination).toMatchObject({ status: 'pass', value: 1 });
  });

  test('length bias and split overlap warn by default and fail only past a given threshold', () => {
    const stats = statsOf([pair('p', 'a much longer chosen answer', 'no')]);
    const split = { files: ['train.jsonl', 'val.jsonl'], sharedPrompts: 3, examples: ['p'] };
    const warned = byGate(evaluateGates(stats, defaults, undefined, split));
    expect(warned['length bias']?.status).toBe('warn');
    expect(warned['split overlap']?.status).toBe('warn');
    const strict = byGate(evaluateGates(stats, GateThresholds.parse({ maxLengthRatio: 2, maxSplitOverlap: 0 }), undefined, split));
    expect(strict['length bias']?.status).toBe('fail');
    expect(strict['split overlap']?.status).toBe('fail');
  });

  test('the table puts the status first on every row', () => {
    const table = formatGateTable(evaluateGates(statsOf([pair('p', 'A', 'B')]), defaults, undefined, undefined));
    const rows = table.split('\n');
    expect(rows[0]).toMatch(/^STATUS\s+GATE\s+VALUE\s+RULE\s+DETAIL$/);
    expect(rows[1]).toMatch(/^FAIL\s+pairs\s+1\s+>= 1000/);
  });

  test('pairs without scores skip the gap gate; partly scored files average the scored ones and say how many are not', () => {
    const none = byGate(evaluateGates(statsOf([unscored('p', 'A', 'B')]), defaults, undefined, undefined));
    expect(none['preference gap']).toMatchObject({ status: 'skipped', value: null });
    const some = byGate(evaluateGates(statsOf([pair('p', 'A', 'B', 1, 0.5), unscored('q', 'A', 'B')]), defaults, undefined, undefined));
    expect(some['preference gap']).toMatchObject({ status: 'pass', value: 0.5 });
    expect(some['preference gap']?.detail).toContain('1 carry no scores');
  });
});
