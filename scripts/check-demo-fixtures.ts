// Checks the authored demo fixtures (seeds/demo/code/*.yaml, seeds/demo/math/*.yaml) do what their labels say, with
// the same verifiers the pipeline uses (code in the bubblewrap sandbox): a `correct` trial passes its own tests and
// every valid test file of its question; a `flawed` one fails its own tests; a `weak-tests` one passes its own tests
// but fails another trial's; `broken-tests` fail a correct solution. Math trials and responses are checked against the
// seed's gold answer. Prints one line per trial and response, ends with a count of label mismatches (exit 1 if any).
//
//   node --import tsx scripts/check-demo-fixtures.ts [fixture.yaml ...]
import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import { z } from 'zod';
import { MathSeed } from '../pipeline/records.js';
import type { Verdict } from '../src/core/schemas/verdict.js';
import { type CodeFixture, fixtureFiles, FixtureSchemas, type MathFixture, readFixtureFile, readSeeds } from '../pipeline/demo-cache.js';
import { extractFinalAnswer } from '../verifiers/math/extract-answer.js';
import { openVerifiers } from '../verifiers/index.js';

const verifiers = openVerifiers({ sandbox: 'bwrap', concurrency: 2, limits: { cpuMs: 10_000, memoryBytes: 512 * 1024 * 1024 } });
let mismatches = 0;
const mismatch = (text: string) => {
  mismatches += 1;
  console.log(`  MISMATCH ${text}`);
};

/** `pass`, or the status and reason of anything else. */
const statusOf = (verdict: Verdict | undefined) => (verdict === undefined ? 'none' : verdict.status === 'pass' ? 'pass' : `${verdict.status}:${verdict.reason}`);

async function codeStatus(solution: string, tests: string): Promise<string> {
  return statusOf(await verifiers.check({ tests }, `\`\`\`python\n${solution}\n\`\`\``));
}

async function checkCode(file: string, item: CodeFixture): Promise<void> {
  console.log(`${basename(file)} ${item.seed}${item.raw === undefined ? '' : ' (raw stage-1 reply)'}`);
  const trials = item.trials;
  // matrix[i][j]: trial i's solution against trial j's tests.
  const matrix: string[][] = [];
  for (const solver of trials) {
    const row: string[] = [];
    for (const tester of trials) row.push(await codeStatus(solver.solution, tester.tests));
    matrix.push(row);
  }
  const correct = trials.map((trial, index) => (trial.kind === 'correct' ? index : -1)).filter((index) => index >= 0);
  const validTests = trials.map((trial, index) => (trial.kind === 'broken-tests' ? -1 : index)).filter((index) => index >= 0);
  trials.forEach((trial, index) => {
    console.log(`  trial ${index} ${trial.kind.padEnd(12)} vs tests [${matrix[index]!.join(', ')}]`);
    const own = matrix[index]![index]!;
    if (trial.kind === 'correct') {
      for (const tests of validTests) if (matrix[index]![tests] !== 'pass') mismatch(`trial ${index} is correct but fails trial ${tests}'s tests (${matrix[index]![tests]})`);
    }
    if (trial.kind === 'flawed' && own === 'pass') mismatch(`trial ${index} is flawed but passes its own tests`);
    if (trial.kind === 'weak-tests') {
      if (own !== 'pass') mismatch(`trial ${index} has weak tests but fails them (${own}); weak tests must accept the buggy solution`);
      if (!validTests.some((tests) => tests !== index && matrix[index]![tests] !== 'pass')) mismatch(`trial ${index}: no other trial's tests catch its bug`);
    }
    if (trial.kind === 'broken-tests') {
      for (const solver of correct) if (matrix[solver]![index] === 'pass') mismatch(`trial ${index} has broken tests, yet correct trial ${solver} passes them`);
      if (correct.length === 0) mismatch(`trial ${index} has broken tests but no correct trial shows it`);
    }
  });
  const reference = correct.length > 0 ? trials[correct[0]!]!.tests : undefined;
  for (const style of ['instruct', 'complete'] as const) {
    for (const [index, response] of (item.responses?.[style] ?? []).entries()) {
      if (reference === undefined) {
        console.log(`  response ${style} ${index}: no correct trial to check it against`);
        continue;
      }
      console.log(`  response ${style} ${index}: ${statusOf(await verifiers.check({ tests: reference }, response))}`);
    }
  }
}

async function mathVerdict(response: string, gold: string | number): Promise<string> {
  const verdict = await verifiers.check({ answer: gold }, response);
  const found = extractFinalAnswer(response);
  return `${statusOf(verdict)} (answer ${found.status === 'found' ? found.answer : found.status})`;
}

async function checkMath(file: string, item: MathFixture, seeds: Map<string, z.infer<typeof MathSeed>>): Promise<void> {
  const seed = seeds.get(item.seed);
  console.log(`${basename(file)} ${item.seed} gold ${seed?.answer}`);
  if (seed === undefined) return mismatch(`no seed ${item.seed} in seeds/math/*.jsonl`);
  for (const [index, trial] of item.trials.entries()) console.log(`  trial ${index}: ${await mathVerdict(trial, seed.answer)}`);
  for (const [index, response] of item.responses.entries()) console.log(`  response ${index}: ${await mathVerdict(response, seed.answer)}`);
  const written = item.synthesized;
  if (written === undefined) return;
  const answers = written.samples.map((sample) => {
    const found = extractFinalAnswer(sample);
    return found.status === 'found' ? found.answer : null;
  });
  console.log(`  synthesized: votes [${answers.join(' | ')}]`);
  const majority = answers.find((answer) => answer !== null);
  if (majority === undefined) return;
  for (const [index, trial] of written.trials.entries()) console.log(`  synthesized trial ${index}: ${await mathVerdict(trial, majority)}`);
  for (const [index, response] of written.responses.entries()) console.log(`  synthesized response ${index}: ${await mathVerdict(response, majority)}`);
}

const requested = process.argv.slice(2);
const files = requested.length > 0 ? requested : [...fixtureFiles('code'), ...fixtureFiles('math')];
const mathSeeds: Map<string, z.infer<typeof MathSeed>> = existsSync('seeds/math/demo.jsonl') ? readSeeds('seeds/math/demo.jsonl', MathSeed) : new Map();
try {
  for (const file of files) {
    if (file.includes('/math/')) for (const item of readFixtureFile(file, FixtureSchemas.math.shape.items.element)) await checkMath(file, item as MathFixture, mathSeeds);
    else for (const item of readFixtureFile(file, FixtureSchemas.code.shape.items.element)) await checkCode(file, item as CodeFixture);
  }
} finally {
  await verifiers.close();
}
console.log(`${mismatches} label mismatches`);
process.exitCode = mismatches === 0 ? 0 : 1;
