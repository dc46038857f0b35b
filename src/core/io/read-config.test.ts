import { expect, test } from 'vitest';
import { RunConfig } from '../schemas/run-config.js';
import { parseConfigText } from './read-config.js';

const valid = `endpoints:
  local:
    base_url: http://127.0.0.1:8000/v1
    profile: vllm
models:
  - id: qwen
    endpoint: local
    weight: 3
  - id: llama
    endpoint: local
`;

const errorOf = (text: string) => {
  try {
    parseConfigText(text, 'run.yaml', RunConfig);
  } catch (error) {
    return (error as Error).message;
  }
  return 'no error';
};

test('a valid config gets its defaults', () => {
  const config = parseConfigText(valid, 'run.yaml', RunConfig);
  expect(config.models.map((model) => [model.id, model.weight, model.max_tokens])).toEqual([
    ['qwen', 3, 1024],
    ['llama', 1, 1024],
  ]);
  expect(config.endpoints.local).toMatchObject({ profile: 'vllm', max_attempts: 6 });
  expect(config.cache).toEqual({ path: '.veridata/cache.sqlite', mode: 'read-write' });
});

test('errors name the file, the line and the key', () => {
  expect(errorOf(valid.replace('weight: 3', 'weight: -3'))).toBe('run.yaml:8: key "models.0.weight": Too small: expected number to be >0');
  expect(errorOf(valid.replace('weight: 3', 'wieght: 3'))).toBe('run.yaml:8: key "models.0.wieght": unknown key (a typo? every key is checked)');
  expect(errorOf(valid.replace('endpoint: local\n    weight', 'endpoint: remote\n    weight'))).toMatch(/^run\.yaml:7: key "models\.0\.endpoint": no endpoint "remote" \(defined: local\)$/);
  expect(errorOf(valid.replace('profile: vllm', 'profile: vllm2'))).toMatch(/^run\.yaml:4: key "endpoints\.local\.profile": /);
  expect(errorOf(valid.replace('base_url: http://127.0.0.1:8000/v1', 'base_url: localhost'))).toMatch(/^run\.yaml:3: key "endpoints\.local\.base_url": /);
  expect(errorOf('models: [\n')).toMatch(/^run\.yaml:\d+: not valid YAML: /);
  expect(errorOf('models: []\n')).toMatch(/^run\.yaml:\d?:? ?key "endpoints"|^run\.yaml: key "endpoints"/);
});
