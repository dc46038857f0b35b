import type { Command } from 'commander';
import { UnknownNameError } from '../core/errors.js';
import { helpHint } from './usage-error.js';

/** Options the program takes before a command name; they do not stop the walk down the command tree. */
const PROGRAM_FLAGS = new Set(['--debug']);

function child(command: Command, name: string): Command | undefined {
  return command.commands.find((candidate) => candidate.name() === name || candidate.aliases().includes(name));
}

/**
 * The command whose help a command line asks for, or undefined to parse it normally. `help gen arith` and
 * `gen help arith` name arith (commander's own help command reads only one name, so they showed gen's help or failed);
 * a bare group (`veridata`, `veridata verify`) shows its help on standard output with exit 0, as `veridata gen` shows its
 * list. An unknown name after `help` is an UnknownNameError.
 */
export function helpRequest(program: Command, argv: readonly string[]): Command | undefined {
  let command = program;
  let index = 0;
  for (; index < argv.length; index += 1) {
    const token = argv[index]!;
    if (PROGRAM_FLAGS.has(token)) continue;
    if (token === 'help' && command.commands.length > 0) {
      let target = command;
      for (const name of argv.slice(index + 1).filter((word) => !PROGRAM_FLAGS.has(word))) {
        const next = child(target, name);
        if (!next) throw new UnknownNameError('command', name, target.commands.map((candidate) => candidate.name()), helpHint(target));
        target = next;
      }
      return target;
    }
    const next = child(command, token);
    if (!next) break;
    command = next;
  }
  const bare = index === argv.length && command.commands.length > 0 && command.registeredArguments.length === 0;
  return bare ? command : undefined;
}
