import { describe, expect, test } from 'vitest';
import { useLocalLlm } from '../../test/helpers/local-llm.js';
import { ModelConfig } from '../core/schemas/run-config.js';
import { createBudget } from './budget.js';
import { createCompletionCaller, type ModelTarget } from './cached-completions.js';
import { LlmRequestError } from './chat-client.js';
import { routeModel } from './route-model.js';
import { createProblemSampler, NoModelAvailableError } from './sample-problem.js';

const local = useLocalLlm('sample-problem', { models: ['m1', 'm2'] }, { models: ['m1', 'm2'], script: [], apiKey: undefined });

const SEED = 3;
const messages = [{ role: 'user' as const, content: 'What is 6 * 7?' }];

function sampler(models: readonly string[]) {
  const client = local.client();
  const targets: ModelTarget[] = models.map((id) => ({ config: ModelConfig.parse({ id, endpoint: 'local', max_tokens: 64 }), client, baseURL: local.server.url }));
  const cache = local.cache();
  const caller = createCompletionCaller({ cache, budget: createBudget(undefined), concurrency: 4 });
  return createProblemSampler({ caller, targets, seed: SEED });
}

const firstChoice = (problemId: string, sampleIndex: number, models = ['m1', 'm2']) =>
  routeModel({ models: models.map((id) => ({ id, weight: 1 })), seed: SEED, problemId, sampleIndex })!.model;

/** A problem id whose samples 0..count-1 go first to both models. */
function mixedProblem(count: number): string {
  for (let index = 0; ; index += 1) {
    const routes = new Set(Array.from({ length: count }, (_, sampleIndex) => firstChoice(`p${index}`, sampleIndex)));
    if (routes.size === 2) return `p${index}`;
  }
}

/** A problem id whose samples 0..count-1 go first to m1 for one run of indices and to m2 for another. */
function splitProblem(count: number): string {
  for (let index = 0; ; index += 1) {
    const routes = Array.from({ length: count }, (_, sampleIndex) => firstChoice(`s${index}`, sampleIndex)).join('');
    if (/^(m1)+(m2)+$|^(m2)+(m1)+$/.test(routes)) return `s${index}`;
  }
}

/** Consecutive runs of sorted indices: each is one request. */
function runsOf(indices: readonly number[]): number[][] {
  const runs: number[][] = [];
  for (const index of indices) {
    const last = runs.at(-1);
    if (last !== undefined && last.at(-1)! + 1 === index) last.push(index);
    else runs.push([index]);
  }
  return runs;
}

/** A problem id whose sample 0 goes first to `model`. */
function problemRoutedTo(model: string): string {
  for (let index = 0; ; index += 1) if (firstChoice(`q${index}`, 0) === model) return `q${index}`;
}

describe('routing', () => {
  test('each sample goes to the model its (seed, problem, index) draws, one request per run of consecutive indices', async () => {
    const problemId = mixedProblem(8);
    const { samples, failed } = await sampler(['m1', 'm2']).sample(problemId, messages, 8);
    expect(failed).toEqual([]);
    expect(samples.map((sample) => sample.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    for (const sample of samples) {
      expect(sample.requestedModel).toBe(firstChoice(problemId, sample.index));
      expect(sample.model).toBe(sample.requestedModel);
      expect(sample.target.config.id).toBe(sample.requestedModel);
      expect(sample.reroutes).toEqual([]);
    }
    for (const model of ['m1', 'm2']) {
      const runs = runsOf(samples.filter((sample) => sample.requestedModel === model).map((sample) => sample.index));
      const asked = local.server.log.filter((entry) => entry.model === model).map((entry) => entry.body as { seed: number; n?: number });
      expect(asked.map((body) => [body.seed, body.n ?? 1]).sort()).toEqual(runs.map((run) => [SEED + run[0]!, run.length]).sort());
    }
  });

  test('a rerun with an empty cache asks the same models the same things and gets the same samples', async () => {
    const problemId = mixedProblem(6);
    const view = (result: Awaited<ReturnType<ReturnType<typeof sampler>['sample']>>) => result.samples.map((sample) => [sample.index, sample.model, sample.response]);
    const first = view(await sampler(['m1', 'm2']).sample(problemId, messages, 6));
    const bodies = local.server.log.map((entry) => entry.body);
    local.server.reset();
    expect(view(await sampler(['m1', 'm2']).sample(problemId, messages, 6))).toEqual(first);
    expect(local.server.log.map((entry) => entry.body).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)))).toEqual(bodies.sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))));
  });

  test('firstIndex numbers the samples on from an earlier count, and cached samples make no request', async () => {
    const problems = sampler(['m1']);
    await problems.sample('p', messages, 2);
    expect(local.server.requests).toBe(1);
    const { samples } = await problems.sample('p', messages, 4);
    expect(samples.map((sample) => sample.index)).toEqual([0, 1, 2, 3]);
    expect(local.server.requests).toBe(2);
    expect((local.server.log.at(-1)!.body as { seed: number; n: number })).toMatchObject({ seed: SEED + 2, n: 2 });
    const more = await problems.sample('p', messages, 2, undefined, 4);
    expect(more.samples.map((sample) => sample.index)).toEqual([4, 5]);
  });
});

describe('failures', () => {
  test('a model the endpoint does not know (404) is dropped for the run and its samples rerouted', async () => {
    local.server.setOptions({ models: ['m1'] });
    const problems = sampler(['m1', 'm2']);
    const problemId = splitProblem(8);
    const { samples, failed } = await problems.sample(problemId, messages, 8);
    expect(failed).toEqual([]);
    expect(samples).toHaveLength(8);
    const moved = samples.filter((sample) => sample.requestedModel === 'm2');
    expect(moved.length).toBeGreaterThan(0);
    for (const sample of samples) {
      expect(sample.requestedModel).toBe(firstChoice(problemId, sample.index));
      expect(sample.model).toBe('m1');
    }
    for (const sample of moved) expect(sample.reroutes).toEqual([{ model: 'm2', code: 'http-404', message: expect.stringContaining('m2') }]);
    expect([...problems.droppedModels.keys()]).toEqual(['m2']);
    expect(local.server.requestsByModel.m2).toBe(1);

    const again = await problems.sample(`${problemId}-b`, messages, 8);
    expect(again.samples.every((sample) => sample.model === 'm1')).toBe(true);
    expect(local.server.requestsByModel.m2).toBe(1);
  });

  test('when every model is gone the run cannot go on', async () => {
    local.server.setOptions({ models: ['other'] });
    const error = await sampler(['m1', 'm2'])
      .sample('p', messages, 1)
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(NoModelAvailableError);
    expect((error as NoModelAvailableError).code).toBe('INFRASTRUCTURE');
    expect((error as Error).message).toMatch(/^no generation model is available: m\d: http-404 .*; m\d: http-404 /);
  });

  test('a refused key (401) stops the run instead of rerouting', async () => {
    local.server.setOptions({ apiKey: 'secret' });
    const problems = sampler(['m1', 'm2']);
    const error = await problems.sample(problemRoutedTo('m1'), messages, 1).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(LlmRequestError);
    expect((error as LlmRequestError).failure.status).toBe(401);
    expect(local.server.requests).toBe(1);
    expect(problems.droppedModels.size).toBe(0);
  });

  test('no credits stops the run instead of rerouting', async () => {
    local.server.setOptions({ script: ['429-insufficient-quota'] });
    const error = await sampler(['m1', 'm2'])
      .sample(problemRoutedTo('m1'), messages, 1)
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(LlmRequestError);
    expect((error as LlmRequestError).code).toBe('BUDGET_EXCEEDED');
    expect(local.server.requests).toBe(1);
  });

  test('a sample whose model fails for good goes to another model, which is not dropped', async () => {
    local.server.setOptions({ script: ['500'] });
    const problems = sampler(['m1', 'm2']);
    const problemId = problemRoutedTo('m2');
    const { samples, failed } = await problems.sample(problemId, messages, 1);
    expect(failed).toEqual([]);
    expect(samples[0]).toMatchObject({ index: 0, requestedModel: 'm2', model: 'm1', reroutes: [{ model: 'm2', code: 'http-500' }] });
    expect(problems.droppedModels.size).toBe(0);
    const next = await problems.sample(problemId, messages, 1, undefined, 1);
    expect(next.samples).toHaveLength(1);
  });

  test('a sample no model could give is reported as failed, and the run goes on', async () => {
    local.server.setOptions({ script: ['500', null] });
    const problems = sampler(['m1']);
    const { samples, failed } = await problems.sample('p', messages, 1);
    expect(samples).toEqual([]);
    expect(failed).toEqual([{ index: 0, requestedModel: 'm1', failures: [{ model: 'm1', code: 'http-500', message: expect.any(String) }] }]);
    expect((await problems.sample('p2', messages, 1)).samples).toHaveLength(1);
  });
});

describe('a failure next to a success', () => {
  test('when one request of a model fails while another of its requests succeeds, the bought sample is kept, not bought again elsewhere', async () => {
    // A problem whose samples 0 and 2 go first to m1 (two requests: the indices are not consecutive) and 1 to m2.
    let problemId = '';
    for (let index = 0; problemId === ''; index += 1) {
      const routes = [0, 1, 2].map((sampleIndex) => firstChoice(`g${index}`, sampleIndex)).join(',');
      if (routes === 'm1,m2,m1') problemId = `g${index}`;
    }
    local.server.setOptions({
      responder: async (request) => {
        // m1's request for sample 0 fails at once (an empty answer is a failure); its request for sample 2 succeeds late.
        if (request.model === 'm1' && request.seed === SEED) return '';
        if (request.model === 'm1' && request.seed === SEED + 2) await new Promise((resolve) => setTimeout(resolve, 300));
        return `Answer: ${request.model}-${request.seed}`;
      },
    });
    try {
      const { samples, failed } = await sampler(['m1', 'm2']).sample(problemId, messages, 3);
      expect(failed).toEqual([]);
      expect(samples.map((sample) => [sample.index, sample.model])).toEqual([
        [0, 'm2'],
        [1, 'm2'],
        [2, 'm1'],
      ]);
      expect(samples[0]!.reroutes.map((failure) => failure.model)).toEqual(['m1']);
      expect(samples[2]!.reroutes).toEqual([]);
      // Each sample was bought once: m1 twice (one failed), m2 for samples 1 and 0.
      expect(local.server.log.filter((entry) => entry.model === 'm1')).toHaveLength(2);
      expect(local.server.log.filter((entry) => entry.model === 'm2')).toHaveLength(2);
    } finally {
      local.server.setOptions({ responder: undefined });
    }
  });
});
