import { expect, test } from 'vitest';
import { defaultShingleOptions, shingleHashes } from './shingles.js';

const hashes = (text: string, shortWords = defaultShingleOptions.shortWords) => {
  const shingles = shingleHashes(text, { ...defaultShingleOptions, shortWords });
  return { kind: shingles.kind, set: new Set(shingles.hashes.subarray(0, shingles.count)) };
};

test('short texts are cut into character 5-grams with spaces removed, prose into word 5-grams', () => {
  expect(hashes('79 - 7 = ?')).toEqual(hashes('79-7=?'));
  expect(hashes('79-7=?').set.size).toBe(2);
  expect(hashes('abc')).toMatchObject({ kind: 'chars' });
  expect(hashes('abc').set.size).toBe(1);
  expect(hashes('').set.size).toBe(0);
  const prose = 'one two three four five six seven';
  expect(hashes(prose, 5)).toMatchObject({ kind: 'words' });
  expect(hashes(prose, 5).set.size).toBe(3);
  expect(hashes('one two three', 2).set.size).toBe(1); // fewer words than a shingle: the whole text
});

test('a character shingle never equals a word shingle of the same letters', () => {
  const chars = hashes('abcde', 2).set;
  const words = hashes('abcde', 1).set;
  expect([...chars].some((hash) => words.has(hash))).toBe(false);
});
