import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, test } from 'vitest';
import { arithAnswerIsRight } from '../helpers/arith-oracle.js';
import { runCli } from '../helpers/run-cli.js';

const directory = mkdtempSync(join(tmpdir(), 'veridata-gen-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

async function waitFor(condition: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

async function* lines(path: string): AsyncGenerator<string> {
  for await (const line of createInterface({ input: createReadStream(path), crlfDelay: Infinity })) if (line) yield line;
}

const POSITIVE = /^(\S+) The answer is (-?\d+) because (\d+)([-+*/])(\d+) equals (-?\d+)\.$/;

describe('veridata gen arith, the notebook replacement', () => {
  const mustShow = (out: string, test: string) => [
    'gen', 'arith', '--count', '400000', '--seed', '1', '--format', 'notebook', '--out', out, '--test-out', test, '--test-count', '400', '--json',
  ];

  test('400k notebook lines and a held-out test set: reproducible, disjoint, every answer right', async () => {
    const [trainA, testA, trainB, testB] = ['train-a', 'test-a', 'train-b', 'test-b'].map((name) => join(directory, `${name}.jsonl`));
    const first = await runCli(mustShow(trainA!, testA!));
    expect(first.code).toBe(0);
    // Off a terminal, stderr carries only machine-readable progress lines.
    for (const line of first.stderr.split('\n').filter(Boolean)) expect(JSON.parse(line)).toMatchObject({ event: 'progress' });
    const second = await runCli(mustShow(trainB!, testB!));
    expect(second.code).toBe(0);
    expect(sha256(trainA!)).toBe(sha256(trainB!));
    expect(sha256(testA!)).toBe(sha256(testB!));

    const summary = JSON.parse(first.stdout);
    expect(summary).toMatchObject({ family: 'arith', format: 'notebook', lines: 400000, spaceSize: 52792, test: { lines: 400 } });

    const testQuestions = new Set<string>();
    for await (const line of lines(testA!)) {
      const record = JSON.parse(line);
      expect(Object.keys(record)).toEqual(['question', 'answer']);
      expect(arithAnswerIsRight(record.question, String(record.answer))).toBe(true);
      testQuestions.add(record.question);
    }
    expect(testQuestions.size).toBe(400);

    let count = 0;
    let overlap = 0;
    const distinct = new Set<string>();
    for await (const line of lines(trainA!)) {
      count += 1;
      const record = JSON.parse(line);
      expect(record.negative).toBe("Sorry, I don't know.");
      const match = POSITIVE.exec(record.positive);
      expect(match, record.positive).not.toBeNull();
      const [, question, answer] = match!;
      if (!arithAnswerIsRight(question!, answer!)) throw new Error(`wrong answer in ${line}`);
      if (testQuestions.has(question!)) overlap += 1;
      distinct.add(question!);
    }
    expect(count).toBe(400000);
    expect(overlap).toBe(0);
    expect(summary.uniqueQuestions).toBe(distinct.size);
  });

  test('wrong negatives are wrong, chosen answers are right, in every pair', async () => {
    const out = join(directory, 'wrong.jsonl');
    const result = await runCli(['gen', 'arith', '--count', '50000', '--seed', '3', '--negatives', 'wrong', '--out', out, '--json']);
    expect(result.code).toBe(0);
    const kinds = new Set<string>();
    for await (const line of lines(out)) {
      const pair = JSON.parse(line);
      const chosen = /^The answer is (-?\d+) because/.exec(pair.chosen)![1]!;
      const rejected = /^The answer is (-?\d+) because/.exec(pair.rejected)![1]!;
      if (!arithAnswerIsRight(pair.prompt, chosen)) throw new Error(`wrong chosen: ${line}`);
      if (arithAnswerIsRight(pair.prompt, rejected)) throw new Error(`rejected is right: ${line}`);
      expect(pair.meta.negative).toMatch(/^wrong:/);
      kinds.add(pair.meta.negative);
    }
    expect([...kinds].sort()).toEqual(['wrong:dropped-carry', 'wrong:off-by-one', 'wrong:sign-flip', 'wrong:swapped-digits', 'wrong:wrong-operation']);
  });

  test('shards written by separate processes concatenate to the unsharded file', async () => {
    const whole = join(directory, 'whole.jsonl');
    await runCli(['gen', 'arith', '--count', '10001', '--seed', '5', '--unique', '--out', whole]);
    const parts: string[] = [];
    for (let index = 0; index < 3; index += 1) {
      const part = join(directory, `part-${index}.jsonl`);
      const result = await runCli(['gen', 'arith', '--count', '10001', '--seed', '5', '--unique', '--shard', `${index}/3`, '--out', part]);
      expect(result.code).toBe(0);
      parts.push(readFileSync(part, 'utf8'));
    }
    expect(parts.join('')).toBe(readFileSync(whole, 'utf8'));
  });
});

describe('veridata gen refuses bad input with exit 2 and a clear message', () => {
  const cases: [string, string[], RegExp][] = [
    ['unknown family', ['gen', 'arithmetic'], /^\[UNKNOWN_NAME\] no template "arithmetic" \(available: arith, /],
    ['min > max', ['gen', 'arith', '--min-operand', '50', '--max-operand', '10'], /^\[EMPTY_SPACE\] arith: these options admit no question: --min-operand 50 is greater than --max-operand 10/],
    ['a range admitting nothing', ['gen', 'arith', '--min-operand', '60', '--max-result', '10', '--operators', '+*'], /^\[EMPTY_SPACE\] arith: these options admit no question/],
    ['negative count', ['gen', 'arith', '--count', '-5'], /^\[INVALID_OPTION\] --count: must be at least 0, got -5/],
    ['a count that is not a number', ['gen', 'arith', '--count', 'lots'], /^\[INVALID_OPTION\] --count: expected an integer, got "lots"/],
    ['unknown format', ['gen', 'arith', '--format', 'parquet'], /^\[INVALID_OPTION\] option '--format <name>' argument 'parquet' is invalid/],
    ['unknown negative kind', ['gen', 'arith', '--negatives', 'refusal,silly'], /^\[INVALID_OPTION\] --negatives: unknown negative kind "silly"/],
    ['a shard outside the range', ['gen', 'arith', '--shard', '3/3'], /^\[INVALID_OPTION\] --shard: shard index 3 is outside 0..2/],
    ['more unique questions than the space holds', ['gen', 'arith', '--unique', '--count', '60000'], /^\[SPACE_EXHAUSTED\] arith: --unique asks for 60000 distinct questions, but these options hold 52792 distinct questions, \d+ of them outside the held-out test share; it could make \d+/],
    ['options whose space is too large to index', ['gen', 'order-of-ops', '--max-terms', '6', '--max-depth', '3', '--max-operand', '1000'], /^\[SPACE_TOO_LARGE\] these options make a question space of about 3\.65e\+18 questions, more than 2\^52/],
    ['an unknown family option', ['gen', 'arith', '--max-operandz', '5'], /^\[INVALID_OPTION\] unknown option '--max-operandz'/],
  ];
  test.each(cases)('%s', async (_name, args, message) => {
    const result = await runCli(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stdout).toBe('');
  });

  test('an unwritable output path fails before generating and leaves nothing behind', async () => {
    const missing = join(directory, 'no-such-directory', 'train.jsonl');
    const result = await runCli(['gen', 'arith', '--count', '10', '--out', missing]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^\[OUTPUT_UNWRITABLE\] cannot write .*no-such-directory/);
    expect(existsSync(join(directory, 'no-such-directory'))).toBe(false);
  });

  test('a failure after the main file was opened leaves neither file nor temporary file', async () => {
    const out = join(directory, 'atomic', 'train.jsonl');
    const before = readdirSync(directory);
    const result = await runCli(['gen', 'arith', '--count', '10', '--out', join(directory, 'kept.jsonl'), '--test-out', out]);
    expect(result.code).toBe(2);
    expect(readdirSync(directory).filter((name) => !before.includes(name))).toEqual([]);
  });

  test.each([['1'], ['2']])('Ctrl-C (SIGINT) with %s worker(s) exits 130 and leaves no partial file', async (workers) => {
    const out = join(directory, `interrupted-${workers}.jsonl`);
    const before = readdirSync(directory);
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/bin.ts', 'gen', 'arith', '--count', '200000000', '--workers', workers, '--out', out], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    // Wait until it is writing (the temporary file exists), then interrupt.
    await waitFor(() => readdirSync(directory).some((name) => name.startsWith(`interrupted-${workers}.jsonl.tmp-`)));
    child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => child.on('close', (exit) => resolve(exit)));
    expect(code).toBe(130);
    expect(stderr).toMatch(/\[INTERRUPTED\] interrupted by SIGINT/);
    expect(readdirSync(directory).filter((name) => !before.includes(name))).toEqual([]);
  });

  test('a range admitting few items says how many it could make instead of looping', async () => {
    const result = await runCli(['gen', 'arith', '--max-operand', '3', '--max-result', '4', '--operators', '+', '--unique', '--count', '100', '--held-out', '0']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/these options hold 12 distinct questions, 12 of them outside the held-out test share; it could make 12/);
  });
});
