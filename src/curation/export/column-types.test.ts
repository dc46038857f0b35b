import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { ColumnTypes, serializeRow } from './column-types.js';

function errorOf(run: () => void): string {
  try {
    run();
  } catch (error) {
    return (error as Error).message;
  }
  return 'no error';
}

describe('ColumnTypes: one JSON type per column, as pyarrow reads JSON', () => {
  test('a type change names the column, the line and both types', () => {
    const types = new ColumnTypes('in.jsonl');
    types.observe({ meta: { difficulty: 2, tags: ['a'] } }, 1);
    types.observe({ meta: { difficulty: null, tags: [] } }, 2);
    expect(errorOf(() => types.observe({ meta: { difficulty: 'hard' } }, 3))).toMatchInlineSnapshot(
      `"in.jsonl:3: column "meta.difficulty" changes type: string here, integer since line 1"`,
    );
    expect(errorOf(() => types.observe({ meta: { tags: [1] } }, 4))).toMatchInlineSnapshot(
      `"in.jsonl:4: column "meta.tags[]" changes type: integer here, string since line 1"`,
    );
    expect(errorOf(() => types.observe({ meta: { tags: { a: 1 } } }, 5))).toMatchInlineSnapshot(
      `"in.jsonl:5: column "meta.tags" changes type: object here, array since line 1"`,
    );
    expect(errorOf(() => types.observe({ meta: 'x' }, 6))).toContain('column "meta" changes type: string here, object since line 1');
  });

  test('an integer column that later holds a fraction is a change; a float column takes integers', () => {
    const types = new ColumnTypes('in.jsonl', { margin: 'float' });
    types.observe({ margin: 1, score: 1 }, 1);
    types.observe({ margin: 0.5, score: 0 }, 2);
    expect(errorOf(() => types.observe({ score: 0.25 }, 3))).toMatchInlineSnapshot(
      `"in.jsonl:3: column "score" changes type: float (a fraction) here, integer since line 1"`,
    );
    expect(errorOf(() => new ColumnTypes('f', { label: 'boolean' }).observe({ label: 'yes' }, 9))).toContain(
      'boolean as the export format declares it',
    );
  });

  test('mixed list elements within one row are found, and a refused row records nothing', () => {
    const types = new ColumnTypes('in.jsonl');
    expect(errorOf(() => types.observe({ tags: [1, 'a'], other: 'x' }, 1))).toContain('column "tags[]" changes type: string here, integer since line 1');
    expect(types.describe()).toEqual({});
    expect(errorOf(() => types.observe({ items: [{ a: 1 }, { a: [2] }] }, 2))).toContain('column "items[].a" changes type: array here, integer');
    types.observe({ tags: ['a'], other: 1 }, 3);
    expect(types.describe()).toEqual({ 'tags[]': 'string', other: 'integer' });
  });

  test('nulls fit every column; after freeze a new path is refused and null-only paths are guessed strings', () => {
    const types = new ColumnTypes('in.jsonl');
    types.observe({ a: null, b: [], c: 'x' }, 1);
    types.freeze(1);
    expect(types.describe()).toEqual({ a: 'string', 'b[]': 'string', c: 'string' });
    types.observe({ a: 'now', b: ['s'], d: null }, 2);
    expect(errorOf(() => types.observe({ d: 1 }, 3))).toMatchInlineSnapshot(
      `"in.jsonl:3: column "d" first appears here, after the Parquet schema was fixed at line 1"`,
    );
    expect(errorOf(() => types.observe({ a: 1 }, 4))).toContain('string (guessed for the Parquet schema');
  });
});

describe('serializeRow', () => {
  test('writes integral values of float columns as 1.0 and is otherwise JSON.stringify', () => {
    const types = new ColumnTypes('in.jsonl', { margin: 'float', chosen: { list: { struct: { role: 'string', content: 'string' } } } });
    const row = { chosen: [{ role: 'user', content: 'q "1"' }], margin: 1, n: 2, skip: undefined, big: 1e21 };
    types.observe(row, 1);
    expect(serializeRow(row, types)).toBe('{"chosen":[{"role":"user","content":"q \\"1\\""}],"margin":1.0,"n":2,"big":1e+21}\n');
  });

  test('round trip: the line parses back to the row', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ x: fc.double({ noNaN: true, noDefaultInfinity: true }), y: fc.jsonValue() }), { maxLength: 5 }), (rows) => {
        const types = new ColumnTypes('f', { x: 'float' });
        for (const row of rows) {
          const parsed = JSON.parse(serializeRow(row, types));
          expect(parsed).toEqual(JSON.parse(JSON.stringify(row)));
        }
      }),
    );
  });
});
