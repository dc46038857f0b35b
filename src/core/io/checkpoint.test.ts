import { appendFile, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ResumeMismatchError, VeridataError } from '../errors.js';
import { openCheckpoint } from './checkpoint.js';

let root: string;
let counter = 0;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'veridata-checkpoint-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** A new directory with a checkpoint path and two output paths in it (nothing created but the directory). */
async function freshCase() {
  counter += 1;
  const directory = join(root, `case-${counter}`);
  await mkdir(directory);
  return { directory, path: join(directory, 'out.checkpoint.jsonl'), outputs: [join(directory, 'samples.jsonl'), join(directory, 'failures.jsonl')] };
}

const header = { command: 'sft', config: '0123456789abcdef' };

const lines = (...texts: string[]) => texts.map((text) => `${text}\n`).join('');

async function entries(path: string): Promise<unknown[]> {
  return (await readFile(path, 'utf8'))
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as unknown);
}

async function failureOf(promise: Promise<unknown>): Promise<VeridataError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof VeridataError) return error;
    throw error;
  }
  throw new Error('expected a VeridataError');
}

describe('a fresh run', () => {
  test('writes the header, creates empty outputs and starts from nothing', async () => {
    const { path, outputs } = await freshCase();
    const checkpoint = await openCheckpoint({ path, outputs, header });
    expect(checkpoint).toMatchObject({ path, resumed: 0, lastDoneId: undefined, spentUsd: 0, keptLines: [0, 0], pendingBytes: 0 });
    await checkpoint.close();
    expect(await entries(path)).toEqual([{ checkpoint: 1, command: 'sft', config: '0123456789abcdef' }]);
    for (const output of outputs) expect(await readFile(output, 'utf8')).toBe('');
  });

  test('refuses an output that holds data it did not write, and leaves it as it was', async () => {
    const { path, outputs } = await freshCase();
    await writeFile(outputs[1]!, '{"id":"mine"}\n');
    const error = await failureOf(openCheckpoint({ path, outputs, header }));
    expect(error).toBeInstanceOf(ResumeMismatchError);
    expect(error.code).toBe('RESUME_MISMATCH');
    expect(error.message.replaceAll(path.slice(0, path.lastIndexOf('/')), '<dir>')).toMatchInlineSnapshot(
      `"<dir>/failures.jsonl: exists and has no checkpoint (<dir>/out.checkpoint.jsonl), so veridata did not write it and will not overwrite it"`,
    );
    expect(await readFile(outputs[1]!, 'utf8')).toBe('{"id":"mine"}\n');
  });

  test('an existing empty output is fine', async () => {
    const { path, outputs } = await freshCase();
    await writeFile(outputs[0]!, '');
    const checkpoint = await openCheckpoint({ path, outputs, header });
    await checkpoint.close();
    expect(checkpoint.resumed).toBe(0);
  });

  test('a checkpoint holding only a cut header line counts as no checkpoint, and is rewritten whole', async () => {
    const { path, outputs } = await freshCase();
    await writeFile(path, '{"checkpoint":1,"comm');
    const checkpoint = await openCheckpoint({ path, outputs, header });
    await checkpoint.close();
    expect(await entries(path)).toEqual([{ checkpoint: 1, command: 'sft', config: '0123456789abcdef' }]);
  });
});

describe('commit and flush', () => {
  test('lines reach the outputs at the next flush, and only then is their unit marked done', async () => {
    const { path, outputs } = await freshCase();
    const checkpoint = await openCheckpoint({ path, outputs, header });
    checkpoint.commit('p1', [lines('{"a":1}', '{"a":2}'), '']);
    checkpoint.commit('p2', [lines('{"a":3}'), lines('{"f":1}')]);
    expect(checkpoint.pendingBytes).toBe(lines('{"a":1}', '{"a":2}', '{"a":3}', '{"f":1}').length);
    expect(await readFile(outputs[0]!, 'utf8')).toBe('');
    expect(await entries(path)).toHaveLength(1);

    await checkpoint.flush();
    expect(checkpoint.pendingBytes).toBe(0);
    expect(await readFile(outputs[0]!, 'utf8')).toBe(lines('{"a":1}', '{"a":2}', '{"a":3}'));
    expect(await readFile(outputs[1]!, 'utf8')).toBe(lines('{"f":1}'));
    expect((await entries(path)).slice(1)).toEqual([
      { done: 'p1', lines: [2, 0] },
      { done: 'p2', lines: [1, 1] },
    ]);
    await checkpoint.close();
  });

  test('a flush with nothing committed writes nothing', async () => {
    const { path, outputs } = await freshCase();
    const checkpoint = await openCheckpoint({ path, outputs, header });
    await checkpoint.flush();
    await checkpoint.flush();
    await checkpoint.close();
    expect(await entries(path)).toHaveLength(1);
  });

  test('close flushes what is pending, and closing twice is fine', async () => {
    const { path, outputs } = await freshCase();
    const checkpoint = await openCheckpoint({ path, outputs, header });
    checkpoint.commit('p1', [lines('x'), lines('y')]);
    await checkpoint.close();
    await checkpoint.close();
    expect(await readFile(outputs[0]!, 'utf8')).toBe('x\n');
    expect((await entries(path)).at(-1)).toEqual({ done: 'p1', lines: [1, 1] });
  });

  test('a commit with the wrong number of texts is a bug, not a user error', async () => {
    const { path, outputs } = await freshCase();
    const checkpoint = await openCheckpoint({ path, outputs, header });
    expect(() => checkpoint.commit('p1', [lines('x')])).toThrow('checkpoint commit: 1 texts for 2 outputs');
    expect(() => checkpoint.commit('p1', [lines('x')])).not.toThrow(VeridataError);
    await checkpoint.close();
  });
});

describe('spend', () => {
  test('is written at once, before the done entries committed after it, and ignores nothing-spent values', async () => {
    const { path, outputs } = await freshCase();
    const checkpoint = await openCheckpoint({ path, outputs, header });
    checkpoint.spend(0.25);
    checkpoint.spend(0);
    checkpoint.spend(-1);
    checkpoint.spend(Number.NaN);
    checkpoint.commit('p1', [lines('x'), '']);
    await checkpoint.flush();
    expect((await entries(path)).slice(1)).toEqual([{ spent: 0.25 }, { done: 'p1', lines: [1, 0] }]);
    await checkpoint.close();
    checkpoint.spend(5);
    expect(await entries(path)).toHaveLength(3);
  });

  test('a resumed run knows what earlier runs paid, requests with no finished unit included', async () => {
    const { path, outputs } = await freshCase();
    const first = await openCheckpoint({ path, outputs, header });
    first.spend(0.5);
    first.commit('p1', [lines('x'), '']);
    first.spend(0.125);
    await first.close();
    const second = await openCheckpoint({ path, outputs, header });
    expect(second.spentUsd).toBe(0.625);
    second.spend(1);
    await second.close();
    const third = await openCheckpoint({ path, outputs, header });
    expect(third.spentUsd).toBe(1.625);
    expect(third.resumed).toBe(1);
    await third.close();
  });
});

describe('resume', () => {
  async function twoUnits() {
    const files = await freshCase();
    const checkpoint = await openCheckpoint({ ...files, header });
    checkpoint.commit('p1', [lines('{"id":"p1/0"}', '{"id":"p1/1"}'), '']);
    checkpoint.commit('p2', [lines('{"id":"p2/0"}'), lines('{"id":"p2/1","error":"x"}')]);
    await checkpoint.close();
    return files;
  }

  test('skips the units done, remembers the last one, and appends after them', async () => {
    const { path, outputs } = await twoUnits();
    const checkpoint = await openCheckpoint({ path, outputs, header });
    expect(checkpoint).toMatchObject({ resumed: 2, lastDoneId: 'p2', keptLines: [3, 1], spentUsd: 0 });
    checkpoint.commit('p3', [lines('{"id":"p3/0"}'), '']);
    await checkpoint.close();
    expect(await readFile(outputs[0]!, 'utf8')).toBe(lines('{"id":"p1/0"}', '{"id":"p1/1"}', '{"id":"p2/0"}', '{"id":"p3/0"}'));
    expect(await entries(path)).toEqual([
      { checkpoint: 1, command: 'sft', config: '0123456789abcdef' },
      { done: 'p1', lines: [2, 0] },
      { done: 'p2', lines: [1, 1] },
      { done: 'p3', lines: [1, 0] },
    ]);
  });

  test('cuts the outputs back to the lines of done units: lines written but not marked, and a half line, go', async () => {
    const { path, outputs } = await twoUnits();
    await appendFile(outputs[0]!, lines('{"id":"p3/0"}') + '{"id":"p3/1","resp');
    await appendFile(outputs[1]!, '{"id":"p3/2"');
    const checkpoint = await openCheckpoint({ path, outputs, header });
    expect(checkpoint.resumed).toBe(2);
    expect(await readFile(outputs[0]!, 'utf8')).toBe(lines('{"id":"p1/0"}', '{"id":"p1/1"}', '{"id":"p2/0"}'));
    expect(await readFile(outputs[1]!, 'utf8')).toBe(lines('{"id":"p2/1","error":"x"}'));
    await checkpoint.close();
  });

  test('a half-written last checkpoint line never counted, and is cut so later entries stay whole lines', async () => {
    const { path, outputs } = await twoUnits();
    await appendFile(outputs[0]!, lines('{"id":"p3/0"}'));
    await appendFile(path, '{"done":"p3","lines":[1,');
    const checkpoint = await openCheckpoint({ path, outputs, header });
    expect(checkpoint).toMatchObject({ resumed: 2, lastDoneId: 'p2', keptLines: [3, 1] });
    expect(await readFile(outputs[0]!, 'utf8')).not.toContain('p3');
    checkpoint.commit('p3', [lines('{"id":"p3/0"}'), '']);
    await checkpoint.close();
    expect((await entries(path)).slice(1)).toEqual([
      { done: 'p1', lines: [2, 0] },
      { done: 'p2', lines: [1, 1] },
      { done: 'p3', lines: [1, 0] },
    ]);
  });

  test('line counts are lines, not bytes: multi-byte text is cut at the right place', async () => {
    const { path, outputs } = await freshCase();
    const first = await openCheckpoint({ path, outputs, header });
    first.commit('é', [lines('{"t":"日本語"}', '{"t":"😀"}'), '']);
    await first.close();
    await appendFile(outputs[0]!, lines('{"t":"ñ"}'));
    const second = await openCheckpoint({ path, outputs, header });
    expect(second.lastDoneId).toBe('é');
    await second.close();
    expect(await readFile(outputs[0]!, 'utf8')).toBe(lines('{"t":"日本語"}', '{"t":"😀"}'));
  });

  test('a done entry for another number of outputs is not counted', async () => {
    const { path, outputs } = await freshCase();
    await writeFile(path, lines(JSON.stringify({ checkpoint: 1, ...header }), '{"done":"p1","lines":[1]}', '{"done":"p2","lines":[0,0]}'));
    const checkpoint = await openCheckpoint({ path, outputs, header });
    expect(checkpoint).toMatchObject({ resumed: 1, lastDoneId: 'p2', keptLines: [0, 0] });
    await checkpoint.close();
  });
});

describe('what cannot be resumed', () => {
  async function oneUnit() {
    const files = await freshCase();
    const checkpoint = await openCheckpoint({ ...files, header });
    checkpoint.commit('p1', [lines('a', 'b'), lines('c')]);
    await checkpoint.close();
    return files;
  }

  const messageOf = async (promise: Promise<unknown>, directory: string) => {
    const error = await failureOf(promise);
    expect(error).toBeInstanceOf(ResumeMismatchError);
    expect(error.code).toBe('RESUME_MISMATCH');
    expect(error.exitCode).toBe(2);
    return error.message.replaceAll(directory, '<dir>');
  };

  test('another command, leaving the outputs untouched', async () => {
    const { directory, path, outputs } = await oneUnit();
    await appendFile(outputs[0]!, 'extra\n');
    expect(await messageOf(openCheckpoint({ path, outputs, header: { ...header, command: 'dpo' } }), directory)).toMatchInlineSnapshot(
      `"<dir>/out.checkpoint.jsonl: was written by \`veridata sft\`, not \`veridata dpo\`"`,
    );
    expect(await readFile(outputs[0]!, 'utf8')).toBe('a\nb\nextra\n');
  });

  test('other data-shaping settings', async () => {
    const { directory, path, outputs } = await oneUnit();
    expect(await messageOf(openCheckpoint({ path, outputs, header: { ...header, config: 'ffffffffffffffff' } }), directory)).toMatchInlineSnapshot(
      `"<dir>/out.checkpoint.jsonl: was written with other generation settings (config 0123456789abcdef, now ffffffffffffffff): models, parameters, seed, prompts or thresholds changed"`,
    );
  });

  test('a file that is not a veridata checkpoint', async () => {
    const { directory, path, outputs } = await freshCase();
    await writeFile(path, lines('{"checkpoint":2,"command":"sft","config":"0123456789abcdef"}'));
    expect(await messageOf(openCheckpoint({ path, outputs, header }), directory)).toMatchInlineSnapshot(`"<dir>/out.checkpoint.jsonl: not a veridata checkpoint (version 2)"`);
    await writeFile(path, lines('{"id":"p1","prompt":"q"}'));
    expect(await messageOf(openCheckpoint({ path, outputs, header }), directory)).toMatchInlineSnapshot(`"<dir>/out.checkpoint.jsonl: not a veridata checkpoint (version undefined)"`);
  });

  test.each([
    ['not JSON', 'oops'],
    ['null', 'null'],
    ['empty', ''],
  ])('a whole line that is %s', async (_, text) => {
    const { directory, path, outputs } = await oneUnit();
    await appendFile(path, lines(text, '{"done":"p2","lines":[0,0]}'));
    expect(await messageOf(openCheckpoint({ path, outputs, header }), directory)).toBe('<dir>/out.checkpoint.jsonl: line 3 is not a checkpoint entry');
  });

  test('an output with fewer lines than its checkpoint records, or none at all', async () => {
    const { directory, path, outputs } = await oneUnit();
    await writeFile(outputs[0]!, 'a\n');
    expect(await messageOf(openCheckpoint({ path, outputs, header }), directory)).toMatchInlineSnapshot(
      `"<dir>/samples.jsonl: holds fewer lines than its checkpoint records (2): it was edited or replaced since"`,
    );
    await rm(outputs[0]!);
    expect(await messageOf(openCheckpoint({ path, outputs, header }), directory)).toContain('samples.jsonl: holds fewer lines than its checkpoint records (2)');
  });

  test('a checkpoint or output in a directory that does not exist is unwritable', async () => {
    const { directory, path, outputs } = await freshCase();
    const missing = join(directory, 'missing');
    expect((await failureOf(openCheckpoint({ path: join(missing, 'checkpoint.jsonl'), outputs, header }))).code).toBe('OUTPUT_UNWRITABLE');
    const error = await failureOf(openCheckpoint({ path, outputs: [outputs[0]!, join(missing, 'out.jsonl')], header }));
    expect(error.code).toBe('OUTPUT_UNWRITABLE');
    expect(error.message).toContain(join(missing, 'out.jsonl'));
    expect((await stat(outputs[0]!)).size).toBe(0);
  });
});

const lineText = fc.string({ unit: 'grapheme', maxLength: 12 }).map((text) => text.replace(/[\r\n]/g, ' '));
const unitTexts = fc.array(lineText, { maxLength: 3 }).map((texts) => texts.map((text) => `${text}\n`).join(''));
const unitArbitrary = fc.record({ id: fc.string({ minLength: 1, maxLength: 6 }), texts: fc.tuple(unitTexts, unitTexts) });

test('an interrupted run plus a rerun writes what an uninterrupted run writes', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(unitArbitrary, { maxLength: 6 }),
      fc.nat(),
      fc.record({ unmarked: fc.tuple(unitTexts, unitTexts), halfLine: lineText, halfEntry: fc.boolean(), spent: fc.option(fc.double({ min: 0.001, max: 10, noNaN: true })) }),
      async (units, cutSeed, interruption) => {
        const whole = await freshCase();
        const uninterrupted = await openCheckpoint({ ...whole, header });
        for (const unit of units) uninterrupted.commit(unit.id, unit.texts);
        await uninterrupted.close();

        const cut = cutSeed % (units.length + 1);
        const files = await freshCase();
        const before = await openCheckpoint({ ...files, header });
        for (const [index, unit] of units.slice(0, cut).entries()) {
          before.commit(unit.id, unit.texts);
          if (index % 2 === 0) await before.flush();
        }
        if (interruption.spent !== null) before.spend(interruption.spent);
        await before.close();
        // What a kill leaves: lines of the next unit written but not marked, a cut line, a cut checkpoint entry.
        await appendFile(files.outputs[0]!, interruption.unmarked[0] + interruption.halfLine);
        await appendFile(files.outputs[1]!, interruption.unmarked[1]);
        if (interruption.halfEntry) await appendFile(files.path, '{"done":"next","lines":[');

        const after = await openCheckpoint({ ...files, header });
        expect(after.resumed).toBe(cut);
        expect(after.lastDoneId).toBe(units[cut - 1]?.id);
        expect(after.spentUsd).toBe(interruption.spent ?? 0);
        for (const unit of units.slice(after.resumed)) after.commit(unit.id, unit.texts);
        await after.close();

        for (const [index, output] of files.outputs.entries()) expect(await readFile(output, 'utf8')).toBe(await readFile(whole.outputs[index]!, 'utf8'));
        const written = await entries(files.path);
        expect(written.filter((entry) => Object.hasOwn(entry as object, 'done'))).toEqual(await entries(whole.path).then((list) => list.slice(1)));
      },
    ),
    { numRuns: 15 },
  );
});
