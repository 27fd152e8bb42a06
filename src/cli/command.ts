// A command is a plain object: its name, help text, its own options (node:util parseArgs config)
// and a run function that returns the exit code. Later commands (get, describe, rules, dig,
// ingress-config, trace, export) are added to COMMANDS in commands/index.ts.

import type { ParseArgsConfig } from 'node:util';
import type { CliIo } from './io';
import type { GlobalOptions } from './options';
import type { Report } from './report';

export type CommandOptions = NonNullable<ParseArgsConfig['options']>;

export interface CommandContext {
  /** Positional arguments after the command name. */
  args: string[];
  /** The command's own options, as parseArgs returned them. */
  options: Record<string, string | boolean | (string | boolean)[] | undefined>;
  globals: GlobalOptions;
  io: CliIo;
  /** Where input problems and the command's errors go (stderr as text; the JSON document with --json). */
  report: Report;
}

export interface Command {
  name: string;
  /** One line for `netlab --help`. */
  summary: string;
  /** Usage line(s) and details for `netlab <command> --help`. */
  usage: string;
  options?: CommandOptions;
  run(ctx: CommandContext): number;
}

/**
 * Exit codes: 0 fine, 1 the input has errors (also when the command printed its result for what
 * loaded) or an object the command names does not exist, 2 the command line was wrong.
 */
export const EXIT = { ok: 0, problems: 1, usage: 2 } as const;
