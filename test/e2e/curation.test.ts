import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runCli } from '../helpers/run-cli.js';

const directory = mkdtempSync(join(tmpdir(), 'veridata-curation-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

const path = (name: string) => join(directory, name);
const lines = (file: string) => readFileSync(file, 'utf8').split('\n').filter(Boolean);
const records = (file: string) => lines(file).map((line) => JSON.parse(line) as Record<string, any>);
const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');
const lastJson = (stdout: string) => JSON.parse(stdout.trim().split('\n').pop()!);
function write(name: string, rows: readonly (object | string)[]): string {
  writeFileSync(path(name), rows.map((row) => `${typeof row === 'string' ? row : JSON.stringify(row)}\n`).join(''));
  return path(name);
}

const story = (name: string, boxes: number) =>
  `${name} buys ${boxes} boxes of pencils with 12 pencils in each box and gives 7 pencils to each of 4 friends. How many pencils are left?`;

// One arithmetic DPO set with its held-out test set, as the issue describes: shared by the decontam and split tests.
beforeAll(async () => {
  const result = await runCli(['gen', 'arith', '--count', '20000', '--format', 'dpo', '--out', path('t.jsonl'), '--test-out', path('te.jsonl'), '--test-count', '400', '--json']);
  expect(result.code, result.stderr).toBe(0);
});

describe('veridata dedup', () => {
  test('planted near-duplicates: a rewording with the same numbers is clustered, a changed number is not; --drop keeps the first', async () => {
    const input = write('planted.jsonl', [
      { id: 'leo', prompt: story('Leo', 3) },
      { id: 'q1', prompt: '79-7=?' },
      { id: 'mia', prompt: story('Mia', 3) },
      { id: 'q2', prompt: '79-8=?' },
      { id: 'q3', prompt: '79 - 7 = ?' },
      { id: 'leo4', prompt: story('Leo', 4) },
      { id: 'q4', prompt: '79-7=?' },
    ]);
    const result = await runCli(['dedup', '--in', input, '--out', path('planted.out.jsonl'), '--json']);
    expect(result.code, result.stderr).toBe(0);
    expect(lastJson(result.stdout)).toMatchObject({ command: 'dedup', rows: 7, duplicates: 3, exactDuplicates: 1, nearDuplicates: 2, duplicateClusters: 2 });
    expect(records(path('planted.out.jsonl')).map((row) => `${row.id}>${row.dedup_cluster}`)).toEqual(['leo>leo', 'q1>q1', 'mia>leo', 'q2>q2', 'q3>q1', 'leo4>leo4', 'q4>q1']);

    const dropped = await runCli(['dedup', '--in', input, '--drop', '--out', path('planted.unique.jsonl'), '--json']);
    expect(lastJson(dropped.stdout)).toMatchObject({ written: 4, dropped: 3 });
    expect(records(path('planted.unique.jsonl')).map((row) => row.id)).toEqual(['leo', 'q1', 'q2', 'leo4']);
  });

  test('a generated set: exact duplicates only (no two arithmetic questions merge), and the same bytes on every run', async () => {
    const first = await runCli(['dedup', '--in', path('t.jsonl'), '--out', path('t.dedup.jsonl'), '--json']);
    expect(first.code, first.stderr).toBe(0);
    const summary = lastJson(first.stdout);
    const distinct = new Set(records(path('t.jsonl')).map((row) => row.prompt)).size;
    expect(summary).toMatchObject({ rows: 20000, distinctTexts: distinct, nearDuplicates: 0, exactDuplicates: 20000 - distinct });
    await runCli(['dedup', '--in', path('t.jsonl'), '--out', path('t.dedup2.jsonl'), '--json']);
    expect(sha256(path('t.dedup2.jsonl'))).toBe(sha256(path('t.dedup.jsonl')));
    // --out - streams the same lines through a pipe; the summary then goes to stderr.
    const piped = await runCli(['dedup', '--in', path('t.jsonl'), '--out', '-', '--json']);
    expect(piped.code, piped.stderr).toBe(0);
    expect(piped.stdout).toBe(readFileSync(path('t.dedup.jsonl'), 'utf8'));
    expect(piped.stderr).toContain('"command":"dedup"');
  });

  test('word problems: clusters never mix two problems (gen fact keys), even at threshold 0.6', async () => {
    const generated = await runCli(['gen', 'word', '--count', '20000', '--format', 'dpo', '--out', path('word.jsonl'), '--json']);
    expect(generated.code, generated.stderr).toBe(0);
    const result = await runCli(['dedup', '--in', path('word.jsonl'), '--threshold', '0.6', '--out', path('word.dedup.jsonl'), '--json']);
    expect(result.code, result.stderr).toBe(0);
    const factOfCluster = new Map<string, string>();
    let merged = 0;
    for (const row of records(path('word.dedup.jsonl'))) {
      const fact = String(row.meta.fact_key); // scenario, answer and numbers: one problem
      const known = factOfCluster.get(row.dedup_cluster);
      if (known === undefined) factOfCluster.set(row.dedup_cluster, fact);
      else {
        merged += 1;
        expect(fact, row.prompt).toBe(known);
      }
    }
    expect(merged).toBeGreaterThan(500); // rewordings with the same numbers (other names, objects) are found
    expect(lastJson(result.stdout).duplicates).toBe(merged);
  });

  test('bad input stops with file, line and field and writes nothing; --skip-invalid counts it', async () => {
    const input = write('bad.jsonl', [{ prompt: 'a' }, '{"prompt": ', { prompt: ['not', 'text'] }]);
    const out = path('bad.out.jsonl');
    const notJson = await runCli(['dedup', '--in', input, '--out', out]);
    expect(notJson.code).toBe(2);
    expect(notJson.stderr).toContain(`[INVALID_JSON] ${input}:2: not a JSON object`);
    expect(existsSync(out)).toBe(false);
    const wrongType = await runCli(['dedup', '--in', write('bad2.jsonl', [{ prompt: 'a' }, { prompt: 5 }]), '--out', out]);
    expect(wrongType.code).toBe(2);
    expect(wrongType.stderr).toContain(`[INVALID_RECORD] ${path('bad2.jsonl')}:2: field "prompt": expected a string, got number`);
    const skipped = await runCli(['dedup', '--in', input, '--out', out, '--skip-invalid', '--json']);
    expect(skipped.code).toBe(0);
    expect(lastJson(skipped.stdout)).toMatchObject({ rows: 1, skippedInvalid: 2 });
    const usage = await runCli(['dedup', '--in', input, '--out', out, '--threshold', 'high']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('[INVALID_OPTION] --threshold: expected a decimal number');
  });
});

describe('veridata decontam', () => {
  test('a gen set with its --test-out is clean; with test questions copied in, exactly those are flagged', async () => {
    const clean = await runCli(['decontam', '--in', path('t.jsonl'), '--against', path('te.jsonl'), '--out', path('t.checked.jsonl'), '--json']);
    expect(clean.code, clean.stderr).toBe(0);
    expect(lastJson(clean.stdout)).toMatchObject({ rows: 20000, contaminatedRows: 0, cleanShare: 1, unseenShare: 1 });

    const testQuestions = records(path('te.jsonl')).map((row) => String(row.question));
    const copied = testQuestions.filter((_, index) => index % 10 === 3); // 40 of 400
    const training = lines(path('t.jsonl'));
    const mixed: string[] = [];
    training.forEach((line, index) => {
      mixed.push(line);
      if (index % 400 === 0 && index / 400 < copied.length) {
        mixed.push(JSON.stringify({ id: `copy-${index}`, prompt: copied[index / 400], chosen: 'x', rejected: 'y' }));
      }
    });
    writeFileSync(path('t-mixed.jsonl'), `${mixed.join('\n')}\n`);
    const flagged = await runCli(['decontam', '--in', path('t-mixed.jsonl'), '--against', path('te.jsonl'), '--out', path('t-mixed.checked.jsonl'), '--json']);
    expect(flagged.code, flagged.stderr).toBe(0);
    const summary = lastJson(flagged.stdout);
    expect(summary).toMatchObject({ rows: 20000 + copied.length, contaminatedRows: copied.length });
    expect(summary.benchmarks[0]).toMatchObject({ items: 400, seen: copied.length, unseen: 400 - copied.length, unseenShare: 0.9, matches: { exact: copied.length } });
    const evidence = records(path('t-mixed.checked.jsonl')).filter((row) => row.contaminated);
    expect(evidence.map((row) => row.id)).toEqual(copied.map((_, index) => `copy-${index * 400}`));
    expect(evidence.every((row) => row.contamination_match === 'exact' && row.contamination_benchmark === path('te.jsonl'))).toBe(true);

    const dropped = await runCli(['decontam', '--in', path('t-mixed.jsonl'), '--against', path('te.jsonl'), '--drop', '--out', path('t-mixed.clean.jsonl'), '--json']);
    expect(lastJson(dropped.stdout)).toMatchObject({ written: 20000, dropped: copied.length });
    expect(sha256(path('t-mixed.clean.jsonl'))).toBe(sha256(path('t.jsonl')));
  });
});

describe('veridata decontam, word problems', () => {
  test('test problems copied into longer prompts are flagged; siblings with one number changed are not', async () => {
    const gen = await runCli(['gen', 'word', '--count', '3000', '--seed', '4', '--format', 'dpo', '--out', path('w.jsonl'), '--test-out', path('w-test.jsonl'), '--test-count', '400', '--json']);
    expect(gen.code, gen.stderr).toBe(0);
    const questions = records(path('w-test.jsonl')).map((row) => String(row.question));
    const copied = questions.filter((_, index) => index % 20 === 1); // 20 of 400
    const changed = questions.filter((_, index) => index % 20 === 2).map((question) => question.replace(/\d+/, (number) => String(Number(number) + 1000)));
    const extra = [
      ...copied.map((question, index) => ({ id: `copy-${index}`, prompt: `Problem ${index + 1} of 20. ${question} Reason step by step and end with the answer.` })),
      ...changed.map((question, index) => ({ id: `sibling-${index}`, prompt: question })),
    ];
    write('w-mixed.jsonl', [...lines(path('w.jsonl')), ...extra.map((row) => JSON.stringify({ ...row, chosen: 'x', rejected: 'y' }))]);
    const run = await runCli(['decontam', '--in', path('w-mixed.jsonl'), '--against', path('w-test.jsonl'), '--out', path('w-mixed.checked.jsonl'), '--json']);
    expect(run.code, run.stderr).toBe(0);
    expect(lastJson(run.stdout)).toMatchObject({ rows: 3000 + extra.length, contaminatedRows: copied.length, benchmarks: [{ items: 400, seen: copied.length }] });
    const flagged = records(path('w-mixed.checked.jsonl')).filter((row) => row.contaminated);
    expect(flagged.map((row) => row.id)).toEqual(copied.map((_, index) => `copy-${index}`));
    expect(flagged.every((row) => String(row.contamination_match).startsWith('ngram-'))).toBe(true);
  });
});

describe('veridata split', () => {
  test('dedup then split: no prompt or cluster in two splits, shares near those asked, the same bytes per seed', async () => {
    const run = (name: string, seed: string) =>
      runCli(['split', '--in', path('t.dedup.jsonl'), '--train', '0.8', '--val', '0.1', '--test', '0.1', '--seed', seed, '--out-dir', path(name), '--json']);
    const first = await run('splits-a', '7');
    expect(first.code, first.stderr).toBe(0);
    const summary = lastJson(first.stdout);
    expect(summary).toMatchObject({ command: 'split', rows: 20000, groupBy: 'dedup_cluster' });
    const owner = new Map<string, string>();
    for (const name of ['train', 'val', 'test']) {
      const file = join(path('splits-a'), `${name}.jsonl`);
      for (const row of records(file)) {
        for (const key of [`c:${row.dedup_cluster}`, `p:${row.prompt}`]) {
          expect(owner.get(key) ?? name).toBe(name);
          owner.set(key, name);
        }
      }
      const part = summary.splits.find((split: { name: string }) => split.name === name);
      expect(Math.abs(part.rowShare - (name === 'train' ? 0.8 : 0.1))).toBeLessThan(0.03);
    }
    await run('splits-b', '7');
    const other = await run('splits-c', '8');
    expect(other.code).toBe(0);
    for (const name of ['train', 'val', 'test']) expect(sha256(join(path('splits-b'), `${name}.jsonl`))).toBe(sha256(join(path('splits-a'), `${name}.jsonl`)));
    expect(sha256(join(path('splits-c'), 'train.jsonl'))).not.toBe(sha256(join(path('splits-a'), 'train.jsonl')));
  });

  test('shares that do not sum to 1 are refused before anything is written', async () => {
    const result = await runCli(['split', '--in', path('t.jsonl'), '--train', '0.8', '--val', '0.2', '--test', '0.1', '--out-dir', path('never')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('[INVALID_OPTION] --train/--val/--test: shares sum to 1.1, not 1');
    expect(existsSync(path('never'))).toBe(false);
  });
});
