import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { verifyMath } from './verify-math.js';

/** One hand-labelled case: `expected` is whether the prediction is a correct answer to the gold. */
interface LabelledCase {
  id: string;
  category: string;
  gold: string;
  prediction: string;
  expected: boolean;
  note: string;
}

/** Every case file beside this test; known-gaps.jsonl lists cases the verifier cannot yet decide right and is not run. */
const directory = new URL('./cases/', import.meta.url);
const files = readdirSync(directory)
  .filter((name) => name.endsWith('.jsonl') && name !== 'known-gaps.jsonl')
  .sort();
const cases: Array<LabelledCase & { file: string }> = files.flatMap((file) =>
  readFileSync(new URL(file, directory), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => ({ ...(JSON.parse(line) as LabelledCase), file })),
);

describe('verifyMath on the own labelled case corpus', () => {
  const results = cases.map((labelled) => ({ labelled, verdict: verifyMath(labelled.prediction, labelled.gold) }));
  const disagreements = results.filter(({ labelled, verdict }) => (verdict.status === 'pass') !== labelled.expected);
  const describeCase = ({ labelled, verdict }: (typeof results)[number]): string =>
    `${labelled.file} ${labelled.id} [${labelled.category}] expected ${labelled.expected}, got ${verdict.status}/${verdict.reason}: ${String(verdict.details.explanation)}`;

  test('the corpus is broad and well formed', () => {
    expect(cases.length).toBeGreaterThanOrEqual(250);
    const ids = cases.map(({ id }) => id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const labelled of cases) {
      expect(typeof labelled.gold).toBe('string');
      expect(typeof labelled.prediction).toBe('string');
      expect(typeof labelled.expected).toBe('boolean');
    }
  });

  test('never passes a case labelled wrong', () => {
    const falsePasses = results.filter(({ labelled, verdict }) => !labelled.expected && verdict.status === 'pass');
    expect(falsePasses.map(describeCase)).toEqual([]);
  });

  test('agrees with at least 97% of the labels overall', () => {
    if (disagreements.length > 0) console.log(`disagreements (${disagreements.length}):\n${disagreements.map(describeCase).join('\n')}`);
    expect(1 - disagreements.length / results.length).toBeGreaterThanOrEqual(0.97);
  });

  const categories = [...new Set(cases.map(({ category }) => category))].sort();
  test.each(categories)('agrees per category: %s', (category) => {
    const inCategory = results.filter(({ labelled }) => labelled.category === category);
    const wrong = inCategory.filter(({ labelled, verdict }) => (verdict.status === 'pass') !== labelled.expected);
    // A category may hold one documented miss (a false negative) when it is small; larger ones must reach 90%.
    expect(wrong.length <= 1 || 1 - wrong.length / inCategory.length >= 0.9, wrong.map(describeCase).join('\n')).toBe(true);
  });
});
