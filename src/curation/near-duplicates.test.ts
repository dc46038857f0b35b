import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { NearDuplicateIndex } from './near-duplicates.js';

/** Cluster of each text as the set of texts in it: a partition that does not depend on which member comes first. */
function partition(texts: readonly string[], options: ConstructorParameters<typeof NearDuplicateIndex>[0] = {}): Map<string, string> {
  const index = new NearDuplicateIndex(options);
  const distinct = texts.map((text) => index.add(text));
  const finalRoots = distinct.map((text) => index.rootOf(text));
  const members = new Map<number, string[]>();
  finalRoots.forEach((root, position) => members.set(root, [...(members.get(root) ?? []), texts[position]!]));
  return new Map(texts.map((text, position) => [text, [...new Set(members.get(finalRoots[position]!))].sort().join(' | ')]));
}

const story = (name: string, a: number, b: number) =>
  `${name} has a job at a factory that pays $${a} per hour for the first 40 hours of a week and 1.5 times that for each extra hour. What does ${name} earn for working ${b} hours?`;

describe('NearDuplicateIndex', () => {
  test('a rewording with the same numbers joins the cluster; the same text with another number does not', () => {
    const index = new NearDuplicateIndex();
    const original = index.add(story('Leo', 12, 42));
    const renamed = index.add(story('Mia', 12, 42));
    const otherNumber = index.add(story('Leo', 13, 42));
    const otherHours = index.add(story('Leo', 12, 43));
    expect(index.rootOf(renamed)).toBe(original);
    expect(index.nearestOf(renamed)).toBeGreaterThan(0.8);
    expect(index.rootOf(otherNumber)).toBe(otherNumber);
    expect(index.rootOf(otherHours)).toBe(otherHours);
  });

  test('short arithmetic: spacing and case merge, a changed number or operator never does', () => {
    const index = new NearDuplicateIndex();
    const [a, spaced, b, swapped, plus] = ['79-7=?', '79 - 7 = ?', '79-8=?', '7-79=?', '79+7=?'].map((text) => index.add(text));
    expect(index.rootOf(spaced!)).toBe(a);
    expect(index.nearestOf(spaced!)).toBe(1);
    for (const other of [b, swapped, plus]) expect(index.rootOf(other!)).toBe(other);
  });

  test('exact duplicates are one distinct text with similarity 1', () => {
    const index = new NearDuplicateIndex();
    const first = index.add('What is  2+2?');
    expect(index.add('what is 2+2?')).toBe(first);
    expect(index.rowsOf(first)).toBe(2);
    expect(index.nearestOf(first)).toBe(1);
    expect(index.distinctCount).toBe(1);
  });

  test('threshold 1 finds exact duplicates only', () => {
    const index = new NearDuplicateIndex({ threshold: 1 });
    const first = index.add(story('Leo', 12, 42));
    expect(index.rootOf(index.add(story('Mia', 12, 42)))).not.toBe(first);
    expect(index.add(story('Leo', 12, 42))).toBe(first);
    expect(index.params.bands).toBe(0);
  });

  test('prose beyond the short-text cut is compared by word 5-grams', () => {
    const long = (extra: string) => `${'the quick brown fox jumps over the lazy dog near the river bank '.repeat(6)}${extra}`;
    const index = new NearDuplicateIndex();
    const a = index.add(long('and then sleeps.'));
    const b = index.add(long('and then it sleeps.'));
    expect(index.stats.wordTexts).toBe(2);
    expect(index.rootOf(b)).toBe(a);
  });

  test('clusters do not depend on the order texts arrive in, and the same input gives the same clusters', () => {
    const names = ['Leo', 'Mia', 'Ana', 'Bo'];
    const texts = fc.constantFrom(
      ...names.flatMap((name) => [story(name, 12, 42), story(name, 12, 43), story(name, 13, 42)]),
      '79-7=?',
      '79 - 7 = ?',
      '79-8=?',
      'x=-7, find x+1',
      'x=7, find x+1',
    );
    fc.assert(
      fc.property(fc.uniqueArray(texts, { minLength: 1, maxLength: 12 }).chain((list) => fc.tuple(fc.constant(list), fc.shuffledSubarray(list, { minLength: list.length }))), ([list, shuffled]) => {
        expect(partition(shuffled)).toEqual(partition(list));
      }),
      { numRuns: 60 },
    );
  });
});
