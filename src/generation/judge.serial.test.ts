import { describe, expect, test } from 'vitest';
import type { ResponderRequest } from '../../test/helpers/llm-server.js';
import { useLocalLlm } from '../../test/helpers/local-llm.js';
import { ModelConfig } from '../core/schemas/run-config.js';
import { createBudget, type Price } from '../llm/budget.js';
import { createCompletionCaller, type ModelTarget } from '../llm/cached-completions.js';
import { LlmRequestError } from '../llm/chat-client.js';
import { routeModel } from '../llm/route-model.js';
import { createJudge, DEFAULT_JUDGE_PROMPT, judgeMessage } from './judge.js';

/** Graders end with "Score: 9" for a response of "4" and "Score: 2" otherwise; "chatty" never gives a score. */
function responder(request: ResponderRequest): string {
  if (request.model === 'chatty') return 'I enjoyed reading this response very much.';
  const text = String(request.messages.at(-1)?.content ?? '');
  const response = /<response>\n([\s\S]*?)\n<\/response>/.exec(text)?.[1];
  return `The response was read.\nScore: ${response === '4' ? 9 : 2}`;
}

const local = useLocalLlm('judge', { models: ['grader-a', 'grader-b', 'chatty'], responder }, { script: [], apiKey: undefined });

const SEED = 11;

function judgeOf(models: readonly string[], options: { price?: Price; prompt?: string } = {}) {
  const client = local.client();
  const targets: ModelTarget[] = models.map((id) => ({
    config: ModelConfig.parse({ id, endpoint: 'local', temperature: 0, max_tokens: 64 }),
    client,
    baseURL: local.server.url,
    ...(options.price === undefined ? {} : { price: options.price }),
  }));
  const cache = local.cache();
  const caller = createCompletionCaller({ cache, budget: createBudget(undefined), concurrency: 2 });
  return createJudge({ caller, targets, prompt: options.prompt ?? DEFAULT_JUDGE_PROMPT, seed: SEED });
}

const firstChoice = (models: readonly string[], problemId: string, sampleIndex: number) =>
  routeModel({ models: models.map((id) => ({ id, weight: 1 })), seed: SEED, problemId, sampleIndex })!.model;

describe('createJudge', () => {
  test('sends the filled prompt and reads the grade, the reasoning and the cost', async () => {
    const judge = judgeOf(['grader-a'], { price: { promptUsdPerToken: 0.001, completionUsdPerToken: 0.001 } });
    const score = await judge.score('add-1', 0, 'What is 2 + 2?', '4');
    expect(score).toMatchObject({ score: 0.9, reasoning: 'The response was read.', model: 'grader-a' });
    expect(score.error).toBeUndefined();
    expect(score.costUsd).toBeGreaterThan(0);
    expect(local.server.log[0]!.body).toMatchObject({ model: 'grader-a', messages: [{ role: 'user', content: judgeMessage(DEFAULT_JUDGE_PROMPT, 'What is 2 + 2?', '4') }] });
    expect((await judge.score('add-1', 1, 'What is 2 + 2?', '5')).score).toBe(0.2);
  });

  test('a custom prompt is used as given', async () => {
    await judgeOf(['grader-a'], { prompt: 'Q: {prompt}\n<response>\n{response}\n</response>' }).score('p', 0, 'q', '4');
    expect(local.server.log[0]!.body).toMatchObject({ messages: [{ content: 'Q: q\n<response>\n4\n</response>' }] });
  });

  test('a reply without a score gives no score, the reply as reasoning, and asks no other judge', async () => {
    const score = await judgeOf(['chatty']).score('p', 0, 'q', '4');
    expect(score).toEqual({ score: null, reasoning: 'I enjoyed reading this response very much.', model: 'chatty', costUsd: null, error: 'unparseable' });
    expect(local.server.requests).toBe(1);
  });

  test('each sample is judged by the model its (seed, problem, index) draws, and a repeat is a cache hit', async () => {
    const models = ['grader-a', 'grader-b'];
    const judge = judgeOf(models);
    expect(new Set(Array.from({ length: 6 }, (_, index) => firstChoice(models, 'p', index))).size).toBe(2);
    for (let index = 0; index < 6; index += 1) expect((await judge.score('p', index, 'q', '4')).model).toBe(firstChoice(models, 'p', index));
    expect(local.server.requests).toBe(6);
    for (let index = 0; index < 6; index += 1) await judge.score('p', index, 'q', '4');
    expect(local.server.requests).toBe(6);
  });

  test('a judge that fails goes to the next one', async () => {
    const models = ['grader-a', 'grader-gone'];
    const index = Array.from({ length: 50 }, (_, candidate) => candidate).find((candidate) => firstChoice(models, 'p', candidate) === 'grader-gone')!;
    const score = await judgeOf(models).score('p', index, 'q', '4');
    expect(score).toEqual({ score: 0.9, reasoning: 'The response was read.', model: 'grader-a', costUsd: null });
    expect(local.server.log.map((entry) => [entry.model, entry.status])).toEqual([
      ['grader-gone', 404],
      ['grader-a', 200],
    ]);
  });

  test('when every judge fails the score is null with the last failure, and the run goes on', async () => {
    local.server.setOptions({ script: ['500', '500', null] });
    const judge = judgeOf(['grader-a', 'grader-b']);
    const score = await judge.score('p', 0, 'q', '4');
    expect(score).toMatchObject({ score: null, reasoning: null, costUsd: null, error: 'http-500' });
    expect(['grader-a', 'grader-b']).toContain(score.model);
    expect(local.server.requests).toBe(2);
    expect((await judge.score('p', 1, 'q', '4')).score).toBe(0.9);
  });

  test('a refused key or no credits stops the run', async () => {
    local.server.setOptions({ apiKey: 'secret' });
    const refused = await judgeOf(['grader-a', 'grader-b'])
      .score('p', 0, 'q', '4')
      .catch((caught: unknown) => caught);
    expect(refused).toBeInstanceOf(LlmRequestError);
    expect((refused as LlmRequestError).failure.status).toBe(401);
    expect(local.server.requests).toBe(1);

    local.server.setOptions({ apiKey: undefined, script: ['429-insufficient-quota'] });
    local.server.reset();
    const broke = await judgeOf(['grader-a', 'grader-b'])
      .score('p', 0, 'q', '4')
      .catch((caught: unknown) => caught);
    expect((broke as LlmRequestError).code).toBe('BUDGET_EXCEEDED');
    expect(local.server.requests).toBe(1);
  });
});
