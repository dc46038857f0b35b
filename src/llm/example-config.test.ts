import { expect, test } from 'vitest';
import { parseConfigText } from '../core/io/read-config.js';
import { RunConfig } from '../core/schemas/run-config.js';
import { EXAMPLE_CONFIG } from './example-config.js';

test('the example config printed by `veridata config example` is valid', () => {
  const config = parseConfigText(EXAMPLE_CONFIG, 'example.yaml', RunConfig);
  expect(config.models.map((model) => model.endpoint)).toEqual(['openrouter', 'local']);
  expect(config.judge?.approval_threshold).toBe(0.7);
  expect(config.endpoints.openrouter?.rate_limits['*']).toEqual({ requests_per_minute: 600, tokens_per_minute: 2000000 });
});
