import { Command, CommanderError } from 'commander';
import { ExitCode, InvalidOptionError, VeridataError } from '../core/errors.js';
import { makeConfigCommand } from './commands/config.js';
import { makeDecontamCommand } from './commands/decontam.js';
import { makeDedupCommand } from './commands/dedup.js';
import { makeExportCommand } from './commands/export.js';
import { makeGatesCommand } from './commands/gates.js';
import { makeGenerateCommand } from './commands/generate.js';
import { makeGenCommand } from './commands/gen.js';
import { makePairsCommand } from './commands/pairs.js';
import { makeSandboxCommand } from './commands/sandbox.js';
import { makeSplitCommand } from './commands/split.js';
import { makeMergeCommand, makeReportCommand, makeStageCommand } from './commands/stage.js';
import { makeVerifyCodeCommand } from './commands/verify-code.js';
import { makeVerifyMathCommand } from './commands/verify-math.js';
import { helpRequest } from './help-request.js';
import { describeOption } from './options.js';
import { commandPath, usageError } from './usage-error.js';

/** The whole command tree; the only place commands are wired together. */
export function makeProgram(): Command {
  const program = new Command('veridata')
    .description('Verified LLM post-training data: labels come from verifiers, not vibes')
    .version(process.env.npm_package_version ?? '0.1.0')
    .option('--debug', 'print stacks and error causes')
    .addCommand(makeGenCommand())
    .addCommand(makeGenerateCommand('sft'))
    .addCommand(makeGenerateCommand('dpo'))
    .addCommand(makeStageCommand())
    .addCommand(makeMergeCommand())
    .addCommand(makeReportCommand())
    .addCommand(makePairsCommand())
    .addCommand(makeGatesCommand())
    .addCommand(makeExportCommand())
    .addCommand(makeDedupCommand())
    .addCommand(makeDecontamCommand())
    .addCommand(makeSplitCommand())
    .addCommand(makeSandboxCommand())
    .addCommand(makeConfigCommand())
    .addCommand(
      new Command('verify').description('Verify responses offline (one subcommand per verifier)').addCommand(makeVerifyMathCommand()).addCommand(makeVerifyCodeCommand()),
    );
  return program;
}

/** Every command: parse errors become VeridataErrors (printed by `reportError`); help shows every default the same way. */
function configure(command: Command): void {
  command.exitOverride((error) => {
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') throw error;
    throw usageError(command, error);
  });
  command.configureOutput({ outputError: () => {} });
  command.configureHelp({ optionDescription: (option) => describeOption(option) });
  for (const child of command.commands) configure(child);
}

/**
 * Prints an error the way every command does: `[CODE] message`, then what to do next. `helpCommand` (e.g.
 * `veridata gen arith`) turns a generic "see --help" hint into the exact command to run.
 */
export function reportError(error: unknown, debug: boolean, helpCommand?: string): number {
  if (error instanceof VeridataError) {
    const hint = error instanceof InvalidOptionError && error.genericHint && helpCommand ? `Run \`${helpCommand} --help\` to see its options.` : error.hint;
    process.stderr.write(`[${error.code}] ${error.message}\n`);
    if (hint) process.stderr.write(`${hint}\n`);
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
  configure(program);
  const debug = argv.includes('--debug');
  let running: Command | undefined;
  program.hook('preAction', (_program, action) => {
    running = action;
  });
  try {
    const help = helpRequest(program, argv);
    if (help) {
      help.outputHelp();
      return ExitCode.ok;
    }
    await program.parseAsync([...argv], { from: 'user' });
    return ExitCode.ok;
  } catch (error) {
    // Help and version were printed by commander and are successes; its other errors arrive here as VeridataErrors.
    if (error instanceof CommanderError) return ExitCode.ok;
    return reportError(error, debug, running ? commandPath(running) : undefined);
  }
}
