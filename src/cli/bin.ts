import { ExitCode } from '../core/errors.js';
import { enterInvocationDirectory } from './invocation-directory.js';
import { main } from './main.js';

// A reader that stops early (`veridata gen arith | head`) closes the pipe; other Unix tools end silently by SIGPIPE,
// which Node ignores, turning it into an unhandled EPIPE with a stack trace. The reader has all it wanted: end quietly.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  process.exit(ExitCode.ok);
});

enterInvocationDirectory();
process.exitCode = await main(process.argv.slice(2));
