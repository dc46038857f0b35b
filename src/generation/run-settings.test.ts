import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { InvalidConfigError, InvalidOptionError, VeridataError } from '../core/errors.js';
import { RunConfig } from '../core/schemas/run-config.js';
import { dataSettingsHash, type GenerationFlags, modelTargets, parseModelFlag, resolveRunConfig } from './run-settings.js';

const CONFIG = `endpoints:
  local:
    base_url: http://127.0.0.1:8000/v1
    api_key_env: LOCAL_KEY
models:
  - id: big
    endpoint: local
    weight: 3
    temperature: 0.2
    price: { prompt_per_million: 1, completion_per_million: 2 }
  - id: small
    endpoint: local
judge:
  models:
    - id: grader
      endpoint: local
  approval_threshold: 0.8
seed: 9
concurrency: 4
cache:
  path: cache.sqlite
`;

let directory: string;
let configPath: string;
let counter = 0;
beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'veridata-run-settings-'));
  configPath = join(directory, 'veridata.yaml');
  await writeFile(configPath, CONFIG);
});
afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

async function configFile(text: string): Promise<string> {
  counter += 1;
  const path = join(directory, `config-${counter}.yaml`);
  await writeFile(path, text);
  return path;
}

const quickStart: GenerationFlags = { baseUrl: 'http://127.0.0.1:9000/v1', model: ['m'] };

async function failureOf(promise: Promise<unknown>): Promise<VeridataError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof VeridataError) return error;
    throw error;
  }
  throw new Error('expected a VeridataError');
}

describe('parseModelFlag', () => {
  test.each([
    ['m', { id: 'm', weight: 1 }],
    ['m:3', { id: 'm', weight: 3 }],
    ['m:1.5', { id: 'm', weight: 1.5 }],
    ['qwen3:8b', { id: 'qwen3:8b', weight: 1 }],
    ['qwen3:8b:2', { id: 'qwen3:8b', weight: 2 }],
    ['org/model:free', { id: 'org/model:free', weight: 1 }],
    ['m:-1', { id: 'm:-1', weight: 1 }],
  ])('%j is %j', (value, parsed) => {
    expect(parseModelFlag('--model', value)).toEqual(parsed);
  });

  test('an empty id or a zero weight is an option error naming the flag', () => {
    expect(() => parseModelFlag('--model', '')).toThrow(new InvalidOptionError('--model', 'expected ID or ID:weight, got ""'));
    expect(() => parseModelFlag('--judge-model', ':2')).toThrowErrorMatchingInlineSnapshot(`[InvalidOptionError: --judge-model: expected ID or ID:weight, got ":2"]`);
    expect(() => parseModelFlag('--model', 'm:0')).toThrowErrorMatchingInlineSnapshot(`[InvalidOptionError: --model: the weight of "m" must be above 0]`);
  });

  test('ID:weight gives the id and weight back for any id and positive integer weight', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }).filter((id) => id.trim() !== ''), fc.integer({ min: 1, max: 1000 }), (id, weight) => {
        expect(parseModelFlag('--model', `${id}:${weight}`)).toEqual({ id, weight });
      }),
    );
  });
});

describe('resolveRunConfig from flags alone', () => {
  test('--base-url and --model define an endpoint "cli" and its models, with the schema defaults', async () => {
    const config = await resolveRunConfig({ baseUrl: 'http://127.0.0.1:9000/v1', model: ['m', 'qwen3:8b:2'] }, {});
    expect(config).toEqual(
      RunConfig.parse({
        endpoints: { cli: { base_url: 'http://127.0.0.1:9000/v1', profile: 'openai' } },
        models: [
          { id: 'm', endpoint: 'cli', weight: 1 },
          { id: 'qwen3:8b', endpoint: 'cli', weight: 2 },
        ],
      }),
    );
    expect(config.endpoints.cli!.api_key_env).toBeUndefined();
  });

  test('OPENAI_BASE_URL stands in for --base-url, which wins over it', async () => {
    const env = { OPENAI_BASE_URL: 'http://127.0.0.1:7000/v1' };
    expect((await resolveRunConfig({ model: ['m'] }, env)).endpoints.cli!.base_url).toBe('http://127.0.0.1:7000/v1');
    expect((await resolveRunConfig(quickStart, env)).endpoints.cli!.base_url).toBe('http://127.0.0.1:9000/v1');
  });

  test('OPENAI_API_KEY is the key when set and not empty; --api-key-env names another variable', async () => {
    expect((await resolveRunConfig(quickStart, { OPENAI_API_KEY: 'sk-1' })).endpoints.cli!.api_key_env).toBe('OPENAI_API_KEY');
    expect((await resolveRunConfig(quickStart, { OPENAI_API_KEY: '' })).endpoints.cli!.api_key_env).toBeUndefined();
    expect((await resolveRunConfig({ ...quickStart, apiKeyEnv: 'OPENROUTER_API_KEY' }, { OPENAI_API_KEY: 'sk-1' })).endpoints.cli!.api_key_env).toBe('OPENROUTER_API_KEY');
  });

  test('--profile sets the endpoint profile', async () => {
    expect((await resolveRunConfig({ ...quickStart, profile: 'openrouter' }, {})).endpoints.cli!.profile).toBe('openrouter');
  });

  test('generation flags land on their keys, --max-tokens and --temperature on every model', async () => {
    const config = await resolveRunConfig(
      { ...quickStart, model: ['a', 'b'], maxTokens: 64, temperature: 0, concurrency: 3, responses: 5, seed: 42, systemPrompt: 'Be brief.', cache: 'off', cachePath: 'c.sqlite' },
      {},
    );
    expect(config.models.map((model) => [model.id, model.max_tokens, model.temperature])).toEqual([
      ['a', 64, 0],
      ['b', 64, 0],
    ]);
    expect(config).toMatchObject({ concurrency: 3, responses_per_problem: 5, seed: 42, system_prompt: 'Be brief.', cache: { mode: 'off', path: 'c.sqlite' } });
  });

  test('--judge-model adds a judge on the same endpoint at temperature 0; --approval-threshold sets its bar', async () => {
    const config = await resolveRunConfig({ ...quickStart, judgeModel: ['j1', 'j2:3'], approvalThreshold: 0.6 }, {});
    expect(config.judge).toEqual({
      models: [
        { id: 'j1', endpoint: 'cli', weight: 1, temperature: 0, max_tokens: 1024 },
        { id: 'j2', endpoint: 'cli', weight: 3, temperature: 0, max_tokens: 1024 },
      ],
      approval_threshold: 0.6,
    });
  });

  test('the default response count applies only when neither the flag nor the config says', async () => {
    expect((await resolveRunConfig({ ...quickStart, defaultResponses: 3 }, {})).responses_per_problem).toBe(3);
    expect((await resolveRunConfig({ ...quickStart, defaultResponses: 3, responses: 2 }, {})).responses_per_problem).toBe(2);
    expect((await resolveRunConfig(quickStart, {})).responses_per_problem).toBe(1);
    const withCount = await configFile(`${CONFIG}responses_per_problem: 6\n`);
    expect((await resolveRunConfig({ config: withCount, defaultResponses: 3 }, {})).responses_per_problem).toBe(6);
  });
});

describe('resolveRunConfig with a config file', () => {
  test('the file alone is read as written, with defaults filled in', async () => {
    const config = await resolveRunConfig({ config: configPath }, { OPENAI_BASE_URL: 'http://elsewhere/v1' });
    expect(Object.keys(config.endpoints)).toEqual(['local']);
    expect(config.models.map((model) => [model.id, model.weight, model.temperature])).toEqual([
      ['big', 3, 0.2],
      ['small', 1, 0.7],
    ]);
    expect(config).toMatchObject({ seed: 9, concurrency: 4, responses_per_problem: 1, cache: { path: 'cache.sqlite', mode: 'read-write' }, judge: { approval_threshold: 0.8 } });
  });

  test('flags override the file key by key', async () => {
    const config = await resolveRunConfig({ config: configPath, seed: 1, concurrency: 2, temperature: 1, cache: 'replay', approvalThreshold: 0.5 }, {});
    expect(config).toMatchObject({ seed: 1, concurrency: 2, cache: { path: 'cache.sqlite', mode: 'replay' }, judge: { approval_threshold: 0.5 } });
    expect(config.models.map((model) => model.temperature)).toEqual([1, 1]);
    expect(config.models[0]!.price).toEqual({ prompt_per_million: 1, completion_per_million: 2 });
  });

  test('--model replaces the file models, on the endpoint of its first model; --judge-model keeps the judge settings', async () => {
    const config = await resolveRunConfig({ config: configPath, model: ['other:2'], judgeModel: ['grader-2'] }, {});
    expect(config.models).toEqual([{ id: 'other', endpoint: 'local', weight: 2, temperature: 0.7, max_tokens: 1024 }]);
    expect(config.judge).toEqual({ models: [{ id: 'grader-2', endpoint: 'local', weight: 1, temperature: 0, max_tokens: 1024 }], approval_threshold: 0.8 });
  });

  test('--base-url adds the "cli" endpoint next to the file ones, and --model goes to it', async () => {
    const config = await resolveRunConfig({ config: configPath, baseUrl: 'http://127.0.0.1:9000/v1', model: ['m'] }, { OPENAI_API_KEY: 'sk' });
    expect(Object.keys(config.endpoints)).toEqual(['local', 'cli']);
    expect(config.endpoints.cli).toMatchObject({ base_url: 'http://127.0.0.1:9000/v1', api_key_env: 'OPENAI_API_KEY' });
    expect(config.models.map((model) => model.endpoint)).toEqual(['cli']);
  });

  test("an error in the file names its line, before any flag is applied", async () => {
    const path = await configFile(CONFIG.replace('seed: 9', 'sead: 9'));
    const error = await failureOf(resolveRunConfig({ config: path, seed: 1 }, {}));
    expect(error).toBeInstanceOf(InvalidConfigError);
    expect(error.message).toBe(`${path}:18: key "sead": unknown key (a typo? every key is checked)`);
  });
});

describe('resolveRunConfig errors', () => {
  test.each<[string, GenerationFlags, string]>([
    ['no model and no config', {}, '--model: give at least one --model ID (with --base-url or OPENAI_BASE_URL), or a --config file'],
    ['a model and no endpoint', { model: ['m'] }, '--model: needs an endpoint: give --base-url (or set OPENAI_BASE_URL), or a --config with endpoints'],
    ['--api-key-env without --base-url', { model: ['m'], apiKeyEnv: 'KEY' }, '--api-key-env: applies to the endpoint of --base-url; give --base-url too (or set it in the config file)'],
    ['--profile without --base-url', { model: ['m'], profile: 'vllm' }, '--profile: applies to the endpoint of --base-url; give --base-url too (or set it in the config file)'],
    ['an unknown --profile', { ...quickStart, profile: 'bogus' }, '--profile: expected one of openai, openrouter, vllm, ollama, got "bogus"'],
    ['--approval-threshold without a judge', { ...quickStart, approvalThreshold: 0.5 }, '--approval-threshold: needs a judge: --judge-model or a judge in the config'],
    ['a bad weight', { ...quickStart, model: ['m:0'] }, '--model: the weight of "m" must be above 0'],
  ])('%s is an option error', async (_, flags, message) => {
    const error = await failureOf(resolveRunConfig(flags, {}));
    expect(error).toBeInstanceOf(InvalidOptionError);
    expect(error.code).toBe('INVALID_OPTION');
    expect(error.message).toBe(message);
  });

  test('a file without models, and no --model, is an error naming the file and the models', async () => {
    const path = await configFile('endpoints:\n  local:\n    base_url: http://127.0.0.1:8000/v1\n');
    const error = await failureOf(resolveRunConfig({ config: path }, {}));
    expect(error.message).toContain(path);
    expect(error.message).toContain('models');
  });

  test('a flag value the schema refuses is a config error naming the key and the flags', async () => {
    const error = await failureOf(resolveRunConfig({ ...quickStart, temperature: 5 }, {}));
    expect(error).toBeInstanceOf(InvalidConfigError);
    expect(error.message).toMatchInlineSnapshot(`"(command line): key "models.0.temperature": Too big: expected number to be <=2 (after applying the command-line flags)"`);
    expect((await failureOf(resolveRunConfig({ config: configPath, concurrency: 0 }, {}))).message).toContain(`${configPath}: key "concurrency": `);
    expect((await failureOf(resolveRunConfig({ baseUrl: 'not a url', model: ['m'] }, {}))).message).toContain('key "endpoints.cli.base_url"');
  });

  test('--max-usd needs a price for every model, the judge included', async () => {
    expect((await failureOf(resolveRunConfig({ ...quickStart, maxUsd: 1 }, {}))).message).toMatchInlineSnapshot(
      `"(command line): key "models.0.price": max_usd needs a price for every model (here m): each request's worst case is reserved before it is sent, and without a price it cannot be bounded"`,
    );
    expect((await failureOf(resolveRunConfig({ config: configPath, maxUsd: 1 }, {}))).message).toContain('key "models.1.price"');
    const priced = await configFile(CONFIG.replace('  - id: small\n    endpoint: local\n', ''));
    expect((await failureOf(resolveRunConfig({ config: priced, maxUsd: 1 }, {}))).message).toContain('key "judge.models.0.price"');
    const allPriced = await configFile(CONFIG.replace('  - id: small\n    endpoint: local\n', '').replace('    - id: grader\n', '    - id: grader\n      price: { prompt_per_million: 0, completion_per_million: 0 }\n'));
    expect((await resolveRunConfig({ config: allPriced, maxUsd: 1 }, {})).max_usd).toBe(1);
  });
});

describe('dataSettingsHash', () => {
  const base = RunConfig.parse({
    endpoints: { local: { base_url: 'http://127.0.0.1:8000/v1' } },
    models: [{ id: 'm', endpoint: 'local' }],
    judge: { models: [{ id: 'j', endpoint: 'local' }] },
  });
  const hash = (change: (config: RunConfig) => void = () => {}, extra: Record<string, unknown> = {}) => {
    const config = structuredClone(base);
    change(config);
    return dataSettingsHash(RunConfig.parse(config), extra);
  };

  test('is 16 hex digits and the same for the same settings', () => {
    expect(hash()).toMatch(/^[0-9a-f]{16}$/);
    expect(hash()).toBe(hash());
    expect(hash(() => {}, { rules: 'verifier', min_gap: 0.2 })).toBe(hash(() => {}, { rules: 'verifier', min_gap: 0.2 }));
  });

  test.each<[string, (config: RunConfig) => void]>([
    ['the model id', (config) => void (config.models[0]!.id = 'n')],
    ['the base URL', (config) => void (config.endpoints.local!.base_url = 'http://127.0.0.1:8001/v1')],
    ['a weight', (config) => void (config.models[0]!.weight = 2)],
    ['the temperature', (config) => void (config.models[0]!.temperature = 0)],
    ['max_tokens', (config) => void (config.models[0]!.max_tokens = 10)],
    ['top_p', (config) => void (config.models[0]!.top_p = 0.9)],
    ['a price', (config) => void (config.models[0]!.price = { prompt_per_million: 1, completion_per_million: 1 })],
    ['another model', (config) => void config.models.push({ ...config.models[0]!, id: 'n' })],
    ['the responses per problem', (config) => void (config.responses_per_problem = 2)],
    ['the seed', (config) => void (config.seed = 1)],
    ['the system prompt', (config) => void (config.system_prompt = 'Be brief.')],
    ['the judge model', (config) => void (config.judge!.models[0]!.id = 'k')],
    ['the judge prompt', (config) => void (config.judge!.prompt = 'Grade {response}. Score: N')],
    ['the approval threshold', (config) => void (config.judge!.approval_threshold = 0.5)],
    ['no judge', (config) => void delete config.judge],
  ])('changes with %s', (_, change) => {
    expect(hash(change)).not.toBe(hash());
  });

  test('changes with the extra settings', () => {
    expect(hash(() => {}, { min_gap: 0.2 })).not.toBe(hash(() => {}, { min_gap: 0.3 }));
    expect(hash(() => {}, { min_gap: 0.2 })).not.toBe(hash());
  });

  test.each<[string, (config: RunConfig) => void]>([
    ['concurrency', (config) => void (config.concurrency = 1)],
    ['judge concurrency', (config) => void (config.judge_concurrency = 1)],
    ['the budget', (config) => void (config.max_usd = 5)],
    ['the cache', (config) => void (config.cache = { path: 'elsewhere.sqlite', mode: 'off' })],
    ['the API key variable', (config) => void (config.endpoints.local!.api_key_env = 'KEY')],
    ['headers', (config) => void (config.endpoints.local!.headers = { 'x-title': 'veridata' })],
    ['retries and timeouts', (config) => void Object.assign(config.endpoints.local!, { max_attempts: 2, timeout_seconds: 5, backoff_base_ms: 1 })],
    ['rate limits', (config) => void (config.endpoints.local!.rate_limits = { '*': { requests_per_minute: 60 } })],
  ])('does not change with %s, which shapes no data', (_, change) => {
    expect(hash(change)).toBe(hash());
  });

  test('depends on the endpoint URL, not the name it has in the config', async () => {
    const fromFile = await resolveRunConfig({ config: await configFile('endpoints:\n  mine:\n    base_url: http://127.0.0.1:9000/v1\nmodels:\n  - id: m\n    endpoint: mine\n') }, {});
    const fromFlags = await resolveRunConfig(quickStart, {});
    expect(dataSettingsHash(fromFile, {})).toBe(dataSettingsHash(fromFlags, {}));
  });

  test('two seeds or response counts give the same hash only when they are equal', () => {
    fc.assert(
      fc.property(fc.nat(), fc.nat(), fc.integer({ min: 1, max: 64 }), fc.integer({ min: 1, max: 64 }), (seedA, seedB, countA, countB) => {
        const a = hash((config) => Object.assign(config, { seed: seedA, responses_per_problem: countA }));
        const b = hash((config) => Object.assign(config, { seed: seedB, responses_per_problem: countB }));
        expect(a === b).toBe(seedA === seedB && countA === countB);
      }),
    );
  });
});

describe('modelTargets', () => {
  test('one client per endpoint, a target per model, prices per token', async () => {
    const config = await resolveRunConfig({ config: configPath }, {});
    const targets = modelTargets(config, { LOCAL_KEY: 'secret' });
    expect(targets.generation.map((target) => target.config.id)).toEqual(['big', 'small']);
    expect(targets.judge.map((target) => target.config.id)).toEqual(['grader']);
    expect(targets.generation[0]!.baseURL).toBe('http://127.0.0.1:8000/v1');
    expect(targets.generation[0]!.price).toEqual({ promptUsdPerToken: 1e-6, completionUsdPerToken: 2e-6 });
    expect(targets.generation[1]).not.toHaveProperty('price');
    expect(targets.generation[0]!.client).toBe(targets.judge[0]!.client);
    expect(targets.generation[0]!.client.endpoint).toBe('local');
    targets.generation[0]!.client.close();
  });

  test('a missing API key variable is a config error naming the key', async () => {
    const config = await resolveRunConfig({ config: configPath }, {});
    const error = (() => {
      try {
        modelTargets(config, {});
      } catch (caught) {
        return caught as VeridataError;
      }
      throw new Error('expected an error');
    })();
    expect(error).toBeInstanceOf(InvalidConfigError);
    expect(error.message).toMatchInlineSnapshot(`"(environment): key "endpoints.local.api_key_env": the environment variable LOCAL_KEY is not set"`);
    expect(() => modelTargets(config, { LOCAL_KEY: '' })).toThrow(InvalidConfigError);
  });
});
