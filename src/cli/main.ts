import { Command, CommanderError } from 'commander';
import { ExitCode, VeridataError } from '../core/errors.js';
import { makeExportCommand } from './commands/export.js';
import { makeGenCommand } from './commands/gen.js';
import { makePairsCommand } from './commands/pairs.js';
import { makeVerifyMathCommand } from './commands/verify-math.js';

/** The whole command tree; the only place commands are wired together. */
export function makeProgram(): Command {
  const program = new Command('veridata')
    .description('Verified LLM post-training data: labels come from verifiers, not vibes')
    .version(process.env.npm_package_version ?? '0.1.0')
    .option('--debug', 'print stacks and error causes')
    .showHelpAfterError('(run with --help for usage)')
    .addCommand(makeGenCommand())
    .addCommand(makeExportCommand())
    .addCommand(makePairsCommand())
    .addCommand(
      new Command('verify').description('Verify responses offline (one subcommand per verifier)').addCommand(makeVerifyMathCommand()),
    );
  return program;
}

function applyExitOverride(command: Command): void {
  command.exitOverride();
  command.configureOutput({
    writeErr: (text) => process.stderr.write(text),
    // Usage errors look like every other error: a stable code, the message, then what to do next.
    outputError: (text, write) => write(`[INVALID_OPTION] ${text.replace(/^error: /, '')}`),
  });
  for (const child of command.commands) applyExitOverride(child);
}

/** Prints an error the way every command does: `[CODE] message`, then what to do next. */
export function reportError(error: unknown, debug: boolean): number {
  if (error instanceof VeridataError) {
    process.stderr.write(`[${error.code}] ${error.message}\n`);
    if (error.hint) process.stderr.write(`${error.hint}\n`);
    if (debug && error.cause) process.stderr.write(`cause: ${String((error.cause as Error).stack ?? error.cause)}\n`);
    if (debug) process.stderr.write(`${error.stack}\n`);
    return error.exitCode;
  }
  process.stderr.write(`[INTERNAL] ${error instanceof Error ? (debug ? error.stack : error.message) : String(error)}\n`);
  process.stderr.write('This is a bug in veridata; rerun with --debug and report the output.\n');
  return 70;
}

export async function main(argv: readonly string[]): Promise<number> {
  const program = makeProgram();
  applyExitOverride(program);
  const debug = argv.includes('--debug');
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return ExitCode.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander already printed its message; help and version are successes, the rest is bad usage.
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') {
        return ExitCode.ok;
      }
      return ExitCode.badInput;
    }
    return reportError(error, debug);
  }
}

