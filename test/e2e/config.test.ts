import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { type LlmServer, startLlmServer } from '../helpers/llm-server.js';
import { runCli } from '../helpers/run-cli.js';

let server: LlmServer;
let directory: string;
beforeAll(async () => {
  server = await startLlmServer({ models: ['gen-a', 'judge-b'] });
  directory = mkdtempSync(join(tmpdir(), 'veridata-config-'));
});
afterAll(async () => {
  await server.close();
  rmSync(directory, { recursive: true, force: true });
});

const configFor = (models: string[], baseUrl = server.url) =>
  `endpoints:\n  local:\n    base_url: ${baseUrl}\n    profile: vllm\nmodels:\n${models.map((id) => `  - id: ${id}\n    endpoint: local\n`).join('')}`;

test('config example prints a config that validates offline', async () => {
  const example = await runCli(['config', 'example']);
  expect(example.code).toBe(0);
  const path = join(directory, 'example.yaml');
  writeFileSync(path, example.stdout);
  const result = await runCli(['config', 'validate', path, '--offline', '--json'], { env: { OPENROUTER_API_KEY: 'k' } });
  expect(result.code, result.stderr).toBe(0);
  expect(JSON.parse(result.stdout)).toMatchObject({ valid: true, endpoints: { openrouter: { ok: true }, local: { ok: true } } });
});

test('config validate asks each endpoint for its models: ok, a model it does not serve, an endpoint that does not answer', async () => {
  const good = join(directory, 'good.yaml');
  writeFileSync(good, configFor(['gen-a']));
  server.reset();
  const ok = await runCli(['config', 'validate', good, '--json']);
  expect(ok.code, ok.stderr).toBe(0);
  expect(server.log.some((entry) => entry.path === '/v1/models')).toBe(true);

  const missing = join(directory, 'missing.yaml');
  writeFileSync(missing, configFor(['gen-a', 'not-served']));
  const partly = await runCli(['config', 'validate', missing, '--json']);
  expect(partly.code).toBe(1);
  expect(JSON.parse(partly.stdout).endpoints.local.detail).toContain('does not list not-served');

  const down = join(directory, 'down.yaml');
  writeFileSync(down, configFor(['gen-a'], 'http://127.0.0.1:9/v1'));
  const unreachable = await runCli(['config', 'validate', down, '--json']);
  expect(unreachable.code).toBe(1);
  expect(JSON.parse(unreachable.stdout).endpoints.local.ok).toBe(false);
});

test('a bad key is INVALID_CONFIG naming file, line and key; exit 2', async () => {
  const bad = join(directory, 'bad.yaml');
  writeFileSync(bad, configFor(['gen-a']).replace('profile: vllm', 'profile: vllm\n    max_attempt: 3'));
  const result = await runCli(['config', 'validate', bad]);
  expect(result.code).toBe(2);
  expect(result.stderr).toContain(`[INVALID_CONFIG] ${bad}:5: key "endpoints.local.max_attempt": unknown key`);
});
