// The local OpenAI-compatible server in a process of its own, so `pnpm bench llm` counts only the client's CPU.
// Options come as JSON in argv[2]; the URL goes to stdout. Closing stdin (or SIGTERM) stops it, after one more stdout
// line: the server's own CPU and request count, as JSON.
import { type LlmServerOptions, startLlmServer } from '../test/helpers/llm-server.js';

const server = await startLlmServer({ keepLog: false, ...(JSON.parse(process.argv[2] ?? '{}') as LlmServerOptions) });
process.stdout.write(`${server.url}\n`);
let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  const cpu = process.cpuUsage();
  process.stdout.write(`${JSON.stringify({ cpuMs: (cpu.user + cpu.system) / 1000, requests: server.requests })}\n`);
  await server.close();
  process.exit(0);
};
process.stdin.on('end', stop).resume();
process.on('SIGTERM', stop);
