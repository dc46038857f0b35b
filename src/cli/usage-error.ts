import type { Command, CommanderError } from 'commander';
import { InvalidOptionError, UnknownNameError, UsageError, type VeridataError } from '../core/errors.js';

/** `veridata gen arith`: the words that run a command, from the program name down. */
export function commandPath(command: Command): string {
  const names: string[] = [];
  for (let current: Command | null = command; current; current = current.parent) names.unshift(current.name());
  return names.join(' ');
}

/** The hint of every usage error: the exact help to read next. */
export function helpHint(command: Command): string {
  return `Run \`${commandPath(command)} --help\` to see its ${command.commands.length > 0 ? 'commands and options' : 'options'}.`;
}

/**
 * A commander parse error as a VeridataError: `[INVALID_OPTION] --format: "x" is not one of a, b` or
 * `[UNKNOWN_NAME] no command "x"`, with the help of the command that failed as the hint. Commander's wording is kept
 * where it is already clear (`unknown option '--x'`), since people and scripts grep for it.
 */
export function usageError(command: Command, error: CommanderError): VeridataError {
  const hint = helpHint(command);
  const message = error.message.replace(/^error: /, '').replace(/\n\(Did you mean (.*)\?\)$/, ' (did you mean $1?)');
  switch (error.code) {
    case 'commander.unknownCommand': {
      const name = command.args[0] ?? '';
      return new UnknownNameError('command', name, command.commands.map((child) => child.name()), hint);
    }
    case 'commander.invalidArgument': {
      const choice = /^option '(--?[\w-]+)[^']*' argument '(.*)' is invalid\. Allowed choices are (.*)\.$/s.exec(message);
      if (choice) return new InvalidOptionError(choice[1]!, `"${choice[2]}" is not one of ${choice[3]}`, hint);
      const invalid = /^option '(--?[\w-]+)[^']*' argument '(.*)' is invalid\. (.*)$/s.exec(message);
      if (invalid) return new InvalidOptionError(invalid[1]!, `"${invalid[2]}": ${invalid[3]}`, hint);
      break;
    }
    case 'commander.optionMissingArgument': {
      const missing = /^option '(--?[\w-]+) (<[^>]*>)' argument missing$/.exec(message);
      if (missing) return new InvalidOptionError(missing[1]!, `needs a value ${missing[2]}`, hint);
      break;
    }
    case 'commander.missingMandatoryOptionValue': {
      const required = /^required option '(--?[\w-]+)[^']*' not specified$/.exec(message);
      if (required) return new InvalidOptionError(required[1]!, 'is required', hint);
      break;
    }
    case 'commander.excessArguments': {
      const extra = command.args.slice(command.registeredArguments.length);
      if (extra.length > 0) {
        const takes = command.registeredArguments.length === 0 ? 'takes options only' : `takes ${command.registeredArguments.length} argument(s)`;
        return new UsageError(`unexpected argument "${extra.join(' ')}": \`${commandPath(command)}\` ${takes}`, hint);
      }
      break;
    }
  }
  return new UsageError(message, hint);
}
