// The local OpenAI-compatible server in a process of its own, so `pnpm bench llm` counts only the client's CPU.
// Options come as JSON in argv[2]; the URL goes to stdout; closing stdin (or SIGTERM) stops it.
import { type LlmServerOptions, startLlmServer } from '../test/helpers/llm-server.js';

const server = await startLlmServer({ keepLog: false, ...(JSON.parse(process.argv[2] ?? '{}') as LlmServerOptions) });
process.stdout.write(`${server.url}\n`);
const stop = async () => {
  await server.close();
  process.exit(0);
};
process.stdin.on('end', stop).resume();
process.on('SIGTERM', stop);
