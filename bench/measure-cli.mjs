// Runs one command of the compiled CLI (what the `veridata` bin runs) in this process, then prints its peak resident
// memory as a JSON line on stderr. `pnpm bench` builds dist/ first and spawns this with the bin's node flags.
const { main } = await import('../dist/src/cli/main.js');

const code = await main(process.argv.slice(2));
process.stderr.write(`${JSON.stringify({ bench: 'peak', peakRssMiB: process.resourceUsage().maxRSS / 1024 })}\n`);
process.exitCode = code;
