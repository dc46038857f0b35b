import { Command } from 'commander';
import { VeridataError } from '../../core/errors.js';
import { readConfigFile } from '../../core/io/read-config.js';
import { RunConfig } from '../../core/schemas/run-config.js';
import { createChatClient, LlmRequestError } from '../../llm/chat-client.js';
import { EXAMPLE_CONFIG } from '../../llm/example-config.js';
import { printSummary } from '../print.js';

/** `veridata config example|validate`: the generation config file. */
export function makeConfigCommand(): Command {
  const example = new Command('example').description('Print a commented example config').action(() => {
    process.stdout.write(EXAMPLE_CONFIG);
  });
  const validate = new Command('validate')
    .description("Check a config file, then ask each endpoint's /models whether it answers and serves the configured models")
    .argument('<file>', 'YAML config')
    .option('--offline', 'check the file only; contact no endpoint')
    .option('--json', 'print the report as one JSON object')
    .addHelpText('after', '\nExamples:\n  pnpm veridata config example > veridata.yaml\n  pnpm veridata config validate veridata.yaml\n')
    .action(async (file: string, flags: { offline?: boolean; json?: boolean }) => {
      const config = await readConfigFile(file, RunConfig);
      const rows: [string, string][] = [['file', `${file}: valid (${config.models.length} models, ${Object.keys(config.endpoints).length} endpoints)`]];
      const endpoints: Record<string, { ok: boolean; detail: string }> = {};
      let failed = false;
      for (const [name, endpoint] of Object.entries(config.endpoints)) {
        const wanted = [...config.models, ...(config.judge?.models ?? [])].filter((model) => model.endpoint === name).map((model) => model.id);
        const key = endpoint.api_key_env === undefined ? undefined : process.env[endpoint.api_key_env];
        if (endpoint.api_key_env !== undefined && !key) {
          endpoints[name] = { ok: false, detail: `environment variable ${endpoint.api_key_env} is not set` };
          failed = true;
        } else if (flags.offline) {
          endpoints[name] = { ok: true, detail: 'not contacted (--offline)' };
        } else {
          const client = createChatClient({ name, baseURL: endpoint.base_url, ...(key ? { apiKey: key } : {}), headers: endpoint.headers, profile: endpoint.profile }, { timeoutMs: 15_000 });
          try {
            const served = new Set(await client.models());
            const missing = wanted.filter((id) => !served.has(id));
            endpoints[name] = { ok: missing.length === 0, detail: missing.length === 0 ? `answers; serves ${wanted.join(', ') || 'no configured model'}` : `answers, but does not list ${missing.join(', ')}` };
            failed ||= missing.length > 0;
          } catch (error) {
            endpoints[name] = { ok: false, detail: error instanceof LlmRequestError ? `${error.failure.code}: ${error.failure.message}` : String(error) };
            failed = true;
          }
        }
        rows.push([name, `${endpoints[name]!.ok ? 'ok' : 'FAIL'}: ${endpoint.base_url}: ${endpoints[name]!.detail}`]);
      }
      printSummary(rows, { file, valid: true, endpoints }, { json: flags.json === true });
      if (failed) {
        const bad = Object.entries(endpoints).filter(([, status]) => !status.ok).map(([name]) => name);
        throw new VeridataError('CHECK_FAILED', `config validate: ${bad.join(', ')} not ready`, { hint: 'See the rows above; fix the endpoint or the model ids and rerun.' });
      }
    });
  return new Command('config').description('The generation config file: an example, and a validator').addCommand(example).addCommand(validate);
}
