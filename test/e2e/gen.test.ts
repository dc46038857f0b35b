import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, linkSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
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
    ['a count that is not a number', ['gen', 'arith', '--count', 'lots'], /^\[INVALID_OPTION\] --count: expected a whole number written in digits, such as 1000; got "lots"/],
    ['a count in exponent form', ['gen', 'arith', '--count', '1e3'], /^\[INVALID_OPTION\] --count: expected a whole number written in digits, such as 1000; got "1e3"/],
    ['a count in hexadecimal', ['gen', 'arith', '--count', '0x10'], /^\[INVALID_OPTION\] --count: expected a whole number written in digits, such as 1000; got "0x10"/],
    ['a count past 2^53-1', ['gen', 'arith', '--count', '99999999999999999999'], /^\[INVALID_OPTION\] --count: 99999999999999999999 is too large: the value must be at most 9007199254740991 \(2\^53-1\)/],
    ['a family option below its minimum', ['gen', 'arith', '--max-operand', '0'], /^\[INVALID_OPTION\] --max-operand: must be at least 1, got 0\n/],
    ['a family option that is not whole', ['gen', 'arith', '--max-operand', '1.5'], /^\[INVALID_OPTION\] --max-operand: expected a whole number written in digits, such as 1000; got "1.5"/],
    ['a held-out share in hexadecimal', ['gen', 'arith', '--held-out', '0x0'], /^\[INVALID_OPTION\] --held-out: expected a decimal number such as 0.5, got "0x0"/],
    ['unknown format', ['gen', 'arith', '--format', 'parquet'], /^\[INVALID_OPTION\] --format: "parquet" is not one of dpo, notebook, sft, test\n/],
    ['unknown negative kind', ['gen', 'arith', '--negatives', 'refusal,silly'], /^\[INVALID_OPTION\] --negatives: unknown negative kind "silly"/],
    ['a shard outside the range', ['gen', 'arith', '--shard', '3/3'], /^\[INVALID_OPTION\] --shard: shard index 3 is outside 0..2/],
    ['more unique questions than the space holds', ['gen', 'arith', '--unique', '--count', '60000'], /^\[SPACE_EXHAUSTED\] arith: --unique asks for 60000 distinct questions, but these options hold 52792 distinct questions, \d+ of them outside the held-out test share; it could make \d+/],
    ['options whose space is too large to index', ['gen', 'order-of-ops', '--max-terms', '6', '--max-depth', '3', '--max-operand', '1000'], /^\[SPACE_TOO_LARGE\] these options make a question space of about 3\.65e\+18 questions, more than 2\^52/],
    ['an unknown family option', ['gen', 'arith', '--max-operandz', '5'], /^\[INVALID_OPTION\] unknown option '--max-operandz'/],
    ['a mistyped family followed by options', ['gen', 'arithmetic', '--count', '10'], /^\[UNKNOWN_NAME\] no template "arithmetic" \(available: arith, .*\)\nDid you mean `veridata gen arith`\?/],
    ['a family in capitals', ['gen', 'Arith', '--count', '1'], /^\[UNKNOWN_NAME\] no template "Arith"/],
    ['an unknown gen option', ['gen', '--bogus'], /^\[INVALID_OPTION\] unknown option '--bogus'\nRun `veridata gen --help`/],
    ['an extra argument', ['gen', 'arith', 'extra'], /^\[INVALID_OPTION\] unexpected argument "extra": `veridata gen arith` takes options only\n/],
    ['an option missing its value', ['gen', 'arith', '--count'], /^\[INVALID_OPTION\] --count: needs a value <n>\n/],
    ['an invalid family choice', ['gen', 'arith', '--forms', 'bogus'], /^\[INVALID_OPTION\] --forms: "bogus" is not one of all, direct, find-x\n/],
    ['help for a family that does not exist', ['gen', 'help', 'arithmetic'], /^\[UNKNOWN_NAME\] no command "arithmetic" \(available: arith, /],
    ['an unknown command', ['bogus'], /^\[UNKNOWN_NAME\] no command "bogus" \(available: gen, [a-z, -]+\)\nRun `veridata --help`/],
    ['an empty --out', ['gen', 'arith', '--out', ''], /^\[INVALID_OPTION\] --out: empty path\n/],
    ['an empty --test-out', ['gen', 'arith', '--test-out', ' '], /^\[INVALID_OPTION\] --test-out: empty path\n/],
    ['more workers than the cap', ['gen', 'arith', '--workers', '1000'], /^\[INVALID_OPTION\] --workers: at most \d+ on this machine \(4 per core, \d+ cores; never more than 64\), got 1000\nMore threads than cores/],
    ['--negatives with a format that has none', ['gen', 'arith', '--format', 'sft', '--negatives', 'wrong'], /^\[INVALID_OPTION\] --negatives: the sft format has no rejected answers, so --negatives would be ignored/],
    ['--negatives with the test format', ['gen', 'arith', '--format', 'test', '--negatives', 'refusal'], /^\[INVALID_OPTION\] --negatives: the test format has no rejected answers/],
    ['--format test with --test-out', ['gen', 'arith', '--format', 'test', '--test-out', 'never-written.jsonl'], /^\[INVALID_OPTION\] --test-out: with --format test, --out already gets held-out test questions/],
  ];
  test.each(cases)('%s', async (_name, args, message) => {
    const result = await runCli(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    // Every refusal is one `[CODE] message` line and one hint line; no zod or commander wording leaks through.
    expect(result.stderr).toMatch(/^\[[A-Z_]+\] [^\n]+\n[^[\n][^\n]+\n$/);
    expect(result.stderr).not.toMatch(/Too small|Too big|Invalid input|expected int|error:/);
    expect(result.stdout).toBe('');
  });

  test('usage errors name the exact help to run', async () => {
    for (const args of [['gen', 'arith', '--bogus'], ['gen', 'arith', '--count'], ['gen', 'arith', '--format', 'x'], ['gen', 'arith', '--count', '1e3']]) {
      const result = await runCli(args);
      expect(result.stderr.split('\n')[1], args.join(' ')).toBe('Run `veridata gen arith --help` to see its options.');
    }
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
    expect(stderr).toMatch(/\[INTERRUPTED\] interrupted by SIGINT\nNothing was kept: .*interrupted-\d\.jsonl is as before the run\. Rerun the same command/);
    expect(stderr).not.toMatch(/finished work is kept/);
    expect(readdirSync(directory).filter((name) => !before.includes(name))).toEqual([]);
  });

  test(`SIGTERM with ${'several'} worker threads exits 130 promptly and leaves no partial file`, async () => {
    const out = join(directory, 'terminated.jsonl');
    const before = readdirSync(directory);
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/bin.ts', 'gen', 'arith', '--count', '200000000', '--workers', '4', '--out', out], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    await waitFor(() => readdirSync(directory).some((name) => name.startsWith('terminated.jsonl.tmp-')));
    // Let the workers get going, so the signal arrives while they hold blocks.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const signalled = Date.now();
    child.kill('SIGTERM');
    const code = await new Promise<number | null>((resolve) => child.on('close', (exit) => resolve(exit)));
    expect(code).toBe(130);
    expect(Date.now() - signalled).toBeLessThan(15_000);
    expect(stderr).toMatch(/\[INTERRUPTED\] interrupted by SIGTERM/);
    expect(readdirSync(directory).filter((name) => !before.includes(name))).toEqual([]);
  });

  test('a range admitting few items says how many it could make instead of looping', async () => {
    const result = await runCli(['gen', 'arith', '--max-operand', '3', '--max-result', '4', '--operators', '+', '--unique', '--count', '100', '--held-out', '0']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/these options hold 12 distinct questions, 12 of them outside the held-out test share; it could make 12/);
  });
});

describe('veridata gen outputs: one file per writer, nothing a rename would destroy', () => {
  const fresh = (name: string) => {
    const path = join(directory, name);
    mkdirSync(path);
    return path;
  };

  test.each([
    ['../ in one spelling', (dir: string) => join(dir, '..', relative(join(dir, '..'), dir), 'same.jsonl')],
    ['a symlink', (dir: string) => (symlinkSync('same.jsonl', join(dir, 'link.jsonl')), join(dir, 'link.jsonl'))],
    ['a hard link', (dir: string) => (linkSync(join(dir, 'same.jsonl'), join(dir, 'hard.jsonl')), join(dir, 'hard.jsonl'))],
  ])('--out and --test-out naming one file through %s is refused, and the file is untouched', async (_name, spell) => {
    const dir = fresh(`same-${_name.replace(/\W+/g, '-')}`);
    const out = join(dir, 'same.jsonl');
    writeFileSync(out, 'previous\n');
    const result = await runCli(['gen', 'arith', '--count', '3', '--out', out, '--test-out', spell(dir), '--test-count', '2']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^\[INVALID_OPTION\] --test-out: ".*" is the same file as --out ".*same\.jsonl"\n/);
    expect(readFileSync(out, 'utf8')).toBe('previous\n');
    expect(readdirSync(dir).filter((name) => name.includes('.tmp-'))).toEqual([]);
  });

  test('a new file named through ../ is refused too', async () => {
    const dir = fresh('same-new');
    const result = await runCli(['gen', 'arith', '--count', '3', '--out', join(dir, 'new.jsonl'), '--test-out', join(dir, '..', 'same-new', 'new.jsonl')]);
    expect(result.code).toBe(2);
    expect(readdirSync(dir)).toEqual([]);
  });

  test('--out through a symlink replaces the target and keeps the link', async () => {
    const dir = fresh('symlink');
    writeFileSync(join(dir, 'target.jsonl'), 'previous\n');
    symlinkSync('target.jsonl', join(dir, 'link.jsonl'));
    const result = await runCli(['gen', 'arith', '--count', '3', '--out', join(dir, 'link.jsonl')]);
    expect(result.code).toBe(0);
    expect(lstatSync(join(dir, 'link.jsonl')).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(dir, 'target.jsonl'), 'utf8').trim().split('\n')).toHaveLength(3);
    expect(readdirSync(dir).sort()).toEqual(['link.jsonl', 'target.jsonl']);
  });

  test('--out to a FIFO streams into it: the reader gets every line and the FIFO stays a FIFO', async () => {
    const dir = fresh('fifo');
    const fifo = join(dir, 'pipe');
    execFileSync('mkfifo', [fifo]);
    const reader = readFile(fifo, 'utf8');
    const result = await runCli(['gen', 'arith', '--count', '5', '--out', fifo]);
    expect(result.code).toBe(0);
    expect((await reader).trim().split('\n')).toHaveLength(5);
    expect(lstatSync(fifo).isFIFO()).toBe(true);
    expect(readdirSync(dir)).toEqual(['pipe']);
  });

  test('--out /dev/fd/1 writes to standard output, and the summary moves to stderr', async () => {
    const result = await runCli(['gen', 'arith', '--count', '4', '--out', '/dev/fd/1', '--json']);
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines).toHaveLength(4);
    for (const line of lines) expect(JSON.parse(line)).toHaveProperty('prompt');
    expect(result.stderr).toMatch(/"family":"arith"/);
  });

  test('a reader that stops early (| head) ends the run quietly', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/bin.ts', 'gen', 'arith', '--count', '5000000'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    child.stdout.destroy();
    const code = await new Promise<number | null>((resolve) => child.on('close', (exit) => resolve(exit)));
    expect(code).toBe(0);
    expect(stderr).not.toMatch(/EPIPE|Error/);
  });

  test('relative paths resolve where `pnpm veridata` was typed (INIT_CWD), not in the package root', async () => {
    const typedIn = fresh('typed-in');
    const root = fileURLToPath(new URL('../..', import.meta.url));
    const name = `init-cwd-${process.pid}.jsonl`;
    try {
      const viaPnpm = await runCli(['gen', 'arith', '--count', '2', '--out', name], { env: { npm_lifecycle_event: 'veridata', INIT_CWD: typedIn } });
      expect(viaPnpm.code).toBe(0);
      expect(readdirSync(typedIn)).toEqual([name]);
      expect(existsSync(join(root, name))).toBe(false);
      // INIT_CWD inherited from some other pnpm script (a test run) does not move the command.
      const inherited = await runCli(['gen', 'arith', '--count', '2', '--out', name], { env: { npm_lifecycle_event: 'test', INIT_CWD: typedIn } });
      expect(inherited.code).toBe(0);
      expect(existsSync(join(root, name))).toBe(true);
    } finally {
      rmSync(join(root, name), { force: true });
    }
  });
});

describe('veridata gen help, --list and progress', () => {
  test.each([
    [['gen', 'arith', '--list']],
    [['gen', '--list', 'arith']],
  ])('%j lists arith\'s options and generates nothing', async (args) => {
    const result = await runCli(args);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^arith: /);
    expect(result.stdout).toMatch(/\n {2}--max-operand <n> +largest operand \(1\.\.1000000; default: 100\)\n/);
    expect(result.stdout).not.toMatch(/linear:|"prompt"/);
    expect(result.stderr).toBe('');
  });

  test.each([[['help', 'gen', 'arith']], [['gen', 'help', 'arith']], [['gen', 'arith', '--help']]])('%j shows arith\'s help', async (args) => {
    const result = await runCli(args);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Usage: veridata gen arith \[options\]/);
    expect(result.stderr).toBe('');
  });

  test('help shows every default the same way, with ranges for --held-out and --workers', async () => {
    const { stdout } = await runCli(['gen', 'arith', '--help']);
    const help = stdout.replace(/\s+/g, ' ');
    expect(help).toContain('(default: 1000)');
    expect(help).toContain('(default: 400)');
    expect(help).toContain('(0..0.5; default: 0.05)');
    expect(help).toMatch(/\(1\.\.\d+ here: 4 per core, at most 64; default: one per core\)/);
    expect(help).not.toMatch(/default: "/);
  });

  test('`veridata` alone prints help on stdout, like `veridata gen`', async () => {
    for (const args of [[], ['gen'], ['verify']]) {
      const result = await runCli(args);
      expect(result.code, args.join(' ')).toBe(0);
      expect(result.stdout.length, args.join(' ')).toBeGreaterThan(0);
      expect(result.stderr, args.join(' ')).toBe('');
    }
  });

  test('off a terminal, progress is JSON lines without the errors and cost fields gen never has', async () => {
    const result = await runCli(['gen', 'arith', '--count', '10', '--out', join(directory, 'quiet.jsonl')]);
    expect(result.code).toBe(0);
    const progress = result.stderr.trim().split('\n').map((line) => JSON.parse(line));
    expect(progress.at(-1)).toMatchObject({ event: 'progress', count: 10, total: 10, done: true });
    for (const line of progress) {
      expect(line).not.toHaveProperty('costUsd');
      expect(line).not.toHaveProperty('errors');
    }
  });
});

describe('veridata gen: held-out data and large ranges', () => {
  test('--max-operand 1000000, the documented maximum, runs in seconds instead of crashing V8', async () => {
    const out = join(directory, 'wide.jsonl');
    const result = await runCli(['gen', 'arith', '--max-operand', '1000000', '--count', '3', '--out', out, '--json']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ lines: 3 });
    for await (const line of lines(out)) expect(arithAnswerIsRight(JSON.parse(line).prompt, JSON.parse(line).meta.answer)).toBe(true);
  });

  test('a test set the held-out share cannot supply fails before any training line is written', async () => {
    const result = await runCli(['gen', 'arith', '--count', '5000000', '--format', 'notebook', '--test-out', join(directory, 'te.jsonl'), '--test-count', '5000']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^\[SPACE_EXHAUSTED\] arith: asked for 5000 test questions, but only \d+ of the 52792 questions/);
    expect(result.stdout).toBe('');
  });

  test('test files hold one JSON type of answer per family', async () => {
    for (const [family, type] of [['arith', 'number'], ['order-of-ops', 'number'], ['linear', 'string'], ['fractions', 'string'], ['percent', 'string'], ['word', 'string']]) {
      const testOut = join(directory, `${family}-types.jsonl`);
      const result = await runCli(['gen', family!, '--count', '1', '--format', 'sft', '--out', join(directory, `${family}-one.jsonl`), '--test-out', testOut, '--test-count', '300']);
      expect(result.code, result.stderr).toBe(0);
      const types = new Set<string>();
      for await (const line of lines(testOut)) types.add(typeof JSON.parse(line).answer);
      expect([...types], family).toEqual([type]);
    }
  });
});
