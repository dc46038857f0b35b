import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { InvalidConfigError } from '../src/core/errors.js';
import type { ModelConfig } from '../src/core/schemas/run-config.js';
import { openResponseCache, type CachedResponse } from '../src/llm/cache.js';
import { sampleCacheKey } from '../src/llm/cached-completions.js';
import type { ChatMessage } from '../src/llm/chat-client.js';
import { routeModel } from '../src/llm/route-model.js';
import { type LoadedPipeline, tracksOf } from './config.js';
import { extractQuestion } from './extract.js';
import { CodeSeed, MathSeed } from './records.js';
import { AGREEMENT_FIRST_INDEX, checkSeedFilesExist, mathSolutionPrompt, questionPrompt } from './stage1.js';
import { solutionPrompt } from './stage2.js';
import { completionPrompt, styleConversionPrompt } from './stage3.js';

const FIXTURE_PREFIX = 'veridata-fixtures/';

const CodeTrialFixture = z.strictObject({
  kind: z.enum(['correct', 'flawed', 'weak-tests', 'broken-tests']),
  note: z.string().optional(),
  solution: z.string(),
  tests: z.string(),
});
const CodeItem = z.strictObject({
  seed: z.string(),
  question: z.string().optional(),
  raw: z.string().optional(),
  trials: z.array(CodeTrialFixture).default([]),
  completion: z.string().optional(),
  responses: z.strictObject({ instruct: z.array(z.string()).default([]), complete: z.array(z.string()).default([]) }).optional(),
});
const MathStages = z.strictObject({ trials: z.array(z.string()).default([]), responses: z.array(z.string()).default([]) });
const MathItem = MathStages.extend({
  seed: z.string(),
  synthesized: MathStages.extend({ question: z.string().optional(), raw: z.string().optional(), samples: z.array(z.string()).default([]) }).optional(),
});
const Fixtures = <T extends z.ZodType>(item: T) => z.strictObject({ items: z.array(item) });

/** The fixture schemas, for scripts/check-demo-fixtures.ts. */
export const FixtureSchemas = { code: Fixtures(CodeItem), math: Fixtures(MathItem) };
export type CodeFixture = z.output<typeof CodeItem>;
export type MathFixture = z.output<typeof MathItem>;

/** Where the fixtures live: every *.yaml file of seeds/demo/code/ and seeds/demo/math/, in name order. */
const FIXTURE_DIRECTORIES = { code: new URL('../seeds/demo/code/', import.meta.url), math: new URL('../seeds/demo/math/', import.meta.url) };

export function fixtureFiles(track: 'code' | 'math'): string[] {
  const directory = fileURLToPath(FIXTURE_DIRECTORIES[track]);
  if (!existsSync(directory)) return [];
  return readdirSync(directory)
    .filter((name) => name.endsWith('.yaml'))
    .sort()
    .map((name) => join(directory, name));
}

/** Whether a pipeline config is the demo's: every model an authored-fixture model replayed from the cache. */
export function usesFixtures(loaded: LoadedPipeline): boolean {
  return Object.values(loaded.config.models).flat().every((model) => (model as ModelConfig | undefined)?.id.startsWith(FIXTURE_PREFIX) ?? true);
}

/** The items of one fixture file; a bad one is INVALID_CONFIG naming the file, line and key. */
export function readFixtureFile<T extends z.ZodType>(path: string, schema: T): z.output<T>[] {
  const lines = new LineCounter();
  const document = parseDocument(readFileSync(path, 'utf8'), { prettyErrors: true, lineCounter: lines });
  if (document.errors.length > 0) {
    const error = document.errors[0]!;
    throw new InvalidConfigError(path, error.linePos?.[0]?.line, 'yaml', error.message.split('\n')[0]!);
  }
  const parsed = Fixtures(schema).safeParse(document.toJS());
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const node = document.getIn(issue.path as (string | number)[], true) as { range?: [number, number] } | undefined;
    const line = node?.range === undefined ? undefined : lines.linePos(node.range[0]).line;
    throw new InvalidConfigError(path, line, issue.path.join('.'), issue.message);
  }
  return parsed.data.items as z.output<T>[];
}

/** The items of a track's fixture files; for code only the files of the given modes (`code/<mode>.yaml`). */
function readFixtures<T extends z.ZodType>(track: 'code' | 'math', schema: T, modes?: ReadonlySet<string>): { file: string; item: z.output<T> }[] {
  return fixtureFiles(track)
    .filter((file) => modes === undefined || modes.has(basename(file, '.yaml')))
    .flatMap((file) => readFixtureFile(file, schema).map((item) => ({ file, item })));
}

/** A seed file's records by id. */
export function readSeeds<T>(path: string, schema: z.ZodType<T>): Map<string, T> {
  const seeds = new Map<string, T>();
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    const seed = schema.parse(JSON.parse(line)) as T & { id: string };
    seeds.set(seed.id, seed);
  }
  return seeds;
}

const words = (text: string) => text.match(/\S+/g)?.length ?? 0;
const python = (code: string) => `\`\`\`python\n${code.trimEnd()}\n\`\`\``;

/**
 * Compiles the authored fixtures into the demo's response cache: each request is built with the stages' own prompt
 * builders, routed as the stages route it, and its authored reply stored under that request's key, so editing a prompt
 * or a fixture never means editing a hash. Every stored reply names its model under `veridata-fixtures/`.
 */
export async function buildDemoCache(loaded: LoadedPipeline): Promise<{ path: string; entries: number }> {
  const { config } = loaded;
  const path = resolve(loaded.directory, config.cache.path);
  await mkdir(dirname(path), { recursive: true });
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${path}${suffix}`, { force: true });
  const cache = openResponseCache({ path, mode: 'read-write' });
  const entries: [string, CachedResponse][] = [];
  const put = (models: readonly ModelConfig[], problemId: string, messages: ChatMessage[], index: number, reply: string) => {
    const route = routeModel({ models: models.map((model) => ({ id: model.id, weight: model.weight })), seed: config.seed, problemId, sampleIndex: index })!;
    const model = models.find((candidate) => candidate.id === route.model)!;
    const target = { baseURL: config.endpoints[model.endpoint]!.base_url, config: model };
    const promptWords = messages.reduce((sum, message) => sum + words(message.content), 0);
    entries.push([
      sampleCacheKey(target, messages, config.seed, index),
      { content: reply, reasoning: null, finishReason: 'stop', model: `${model.id} (authored fixture)`, usage: { promptTokens: promptWords, completionTokens: words(reply), costUsd: null } },
    ]);
  };
  const solutions = config.models.solutions;
  try {
    if (config.code !== undefined) {
      const seeds = new Map<string, { seed: string; mode: string }>();
      for (const entry of config.code.seeds) for (const [id, seed] of readSeeds(resolve(loaded.directory, entry.path), CodeSeed)) seeds.set(id, { seed: seed.seed, mode: entry.mode });
      for (const { file, item } of readFixtures('code', CodeItem, new Set(config.code.seeds.map((entry) => entry.mode)))) {
        const seed = seeds.get(item.seed);
        if (seed === undefined) throw new InvalidConfigError(file, undefined, `items.${item.seed}`, `no seed "${item.seed}" in the code seed files`);
        const reply = item.raw ?? `<|Question Begin|>\n${item.question}\n<|Question End|>`;
        put(config.models.questions, item.seed, questionPrompt(seed.mode, seed.seed), 0, reply);
        const extracted = extractQuestion(reply);
        if (!extracted.ok) continue;
        const questionId = `${item.seed}/0`;
        item.trials.forEach((trial, index) => {
          put(solutions, questionId, solutionPrompt(extracted.text), index, `<|Solution Begin|>\n${python(trial.solution)}\n<|Solution End|>\n\n<|Test Begin|>\n${python(trial.tests)}\n<|Test End|>`);
          // Stage 3 rewrites the chosen trial, known only once stage 2 has run: every trial gets the rewrite.
          if (item.completion !== undefined) {
            put(config.models.style ?? solutions, questionId, styleConversionPrompt({ prompt: extracted.text, solution: `${trial.solution.trimEnd()}\n`, tests: `${trial.tests.trimEnd()}\n` }), 0, `<|Completion Begin|>\n${python(item.completion)}\n<|Completion End|>`);
          }
        });
        const responders = config.models.responses ?? solutions;
        item.responses?.instruct.forEach((reply, index) => put(responders, `${questionId}/instruct`, [{ role: 'user', content: extracted.text }], index, reply));
        if (item.completion !== undefined) {
          item.responses?.complete.forEach((reply, index) => put(responders, `${questionId}/complete`, [{ role: 'user', content: completionPrompt(item.completion!.trimEnd()) }], index, reply));
        }
      }
    }
    if (config.math !== undefined) {
      const seeds = new Map<string, z.infer<typeof MathSeed>>();
      for (const file of config.math.seeds) for (const [id, seed] of readSeeds(resolve(loaded.directory, file), MathSeed)) seeds.set(id, seed);
      const responders = config.models.responses ?? solutions;
      for (const { file, item } of readFixtures('math', MathItem)) {
        const seed = seeds.get(item.seed);
        if (seed === undefined) throw new InvalidConfigError(file, undefined, `items.${item.seed}`, `no seed "${item.seed}" in the math seed files`);
        item.trials.forEach((reply, index) => put(solutions, seed.id, mathSolutionPrompt(seed.prompt), index, reply));
        item.responses.forEach((reply, index) => put(responders, seed.id, [{ role: 'user', content: seed.prompt }], index, reply));
        const written = item.synthesized;
        if (written === undefined) continue;
        const reply = written.raw ?? `<|Question Begin|>\n${written.question}\n<|Question End|>`;
        put(config.models.questions, seed.id, questionPrompt('math', seed.prompt), 0, reply);
        const extracted = extractQuestion(reply);
        if (!extracted.ok) continue;
        const id = `${seed.id}/0`;
        written.samples.forEach((sample, index) => put(solutions, id, mathSolutionPrompt(extracted.text), AGREEMENT_FIRST_INDEX + index, sample));
        written.trials.forEach((trial, index) => put(solutions, id, mathSolutionPrompt(extracted.text), index, trial));
        written.responses.forEach((response, index) => put(responders, id, [{ role: 'user', content: extracted.text }], index, response));
      }
    }
    cache.putMany(entries);
  } finally {
    cache.close();
  }
  return { path, entries: entries.length };
}

/** A hash of everything the demo cache is compiled from: fixtures, seeds, prompts and the config. */
function fixturesHash(loaded: LoadedPipeline): string {
  const hash = createHash('sha256').update(JSON.stringify({ ...loaded.config, output_dir: null }));
  for (const file of [...fixtureFiles('code'), ...fixtureFiles('math')]) hash.update(file.slice(file.lastIndexOf('/'))).update(readFileSync(file));
  const seedFiles = [...(loaded.config.code?.seeds.map((entry) => entry.path) ?? []), ...(loaded.config.math?.seeds ?? [])];
  for (const file of seedFiles) hash.update(readFileSync(resolve(loaded.directory, file)));
  const prompts = new URL('../seeds/prompts/', import.meta.url);
  for (const name of ['question-leetcode', 'question-algorithm', 'question-data_structure', 'question-package', 'question-docs', 'solution-and-tests', 'instruct-to-complete', 'complete-function', 'math-question', 'math-solution']) {
    hash.update(readFileSync(new URL(`${name}.md`, prompts)));
  }
  return hash.digest('hex');
}

/** Builds the demo cache when a fixture config runs and the cache is missing or older than what it is compiled from. */
export async function ensureDemoCache(loaded: LoadedPipeline): Promise<boolean> {
  if (!usesFixtures(loaded)) return false;
  for (const track of tracksOf(loaded)) checkSeedFilesExist(loaded, track);
  const path = resolve(loaded.directory, loaded.config.cache.path);
  const stamp = `${path}.fixtures-hash`;
  const want = fixturesHash(loaded);
  if (existsSync(path) && existsSync(stamp) && readFileSync(stamp, 'utf8') === want) return false;
  await buildDemoCache(loaded);
  writeFileSync(stamp, want);
  return true;
}

