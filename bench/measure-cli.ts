// Runs one veridata command in this process, then prints its peak resident memory as a JSON line on stderr.
// `pnpm bench` spawns it so each measurement has a process of its own.
import { main } from '../src/cli/main.js';

const code = await main(process.argv.slice(2));
process.stderr.write(`${JSON.stringify({ bench: 'peak', peakRssMiB: process.resourceUsage().maxRSS / 1024 })}\n`);
process.exitCode = code;
