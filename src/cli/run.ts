// The CLI as a function: argv in, exit code out, all output through `io`. main.ts is the thin
// process wrapper; tests call run() directly.

import { parseArgs } from 'node:util';
import { EXIT, type Command, type CommandContext } from './command';
import type { CliIo } from './io';
import { addGlobal, GLOBAL_HELP, GLOBAL_PARSE_OPTIONS, parseGlobalOptions } from './options';

/** What `--help` lists of a command: its name and one line. */
export type CommandSummary = Pick<Command, 'name' | 'summary'>;

export function usage(commands: readonly CommandSummary[]): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'usage: netlab [global options] <command> [arguments]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    GLOBAL_HELP,
    '',
    "Run 'netlab <command> --help' for a command's own help.",
    '',
  ].join('\n');
}

/**
 * Run one command line. `commands` are the loaded commands it may run (all of them in tests, only
 * the one named on the command line in the process entry); `listed` is what help and errors list.
 */
export function run(
  argv: readonly string[],
  io: CliIo,
  commands: readonly Command[],
  listed: readonly CommandSummary[] = commands,
): number {
  const parsed = parseGlobalOptions(argv);
  if (!parsed.ok) {
    io.stderr(`error: ${parsed.message}\n\n${usage(listed)}`);
    return EXIT.usage;
  }
  const { globals, command: name } = parsed;
  if (name === undefined) {
    if (globals.help) {
      io.stdout(usage(listed));
      return EXIT.ok;
    }
    io.stderr(`error: no command given\n\n${usage(listed)}`);
    return EXIT.usage;
  }
  if (name === 'help') {
    const target = parsed.rest[0] !== undefined ? commands.find((c) => c.name === parsed.rest[0]) : undefined;
    io.stdout(target ? `usage: ${target.usage}\n\n${GLOBAL_HELP}\n` : usage(listed));
    return EXIT.ok;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    io.stderr(`error: unknown command "${name}"\n\n${usage(listed)}`);
    return EXIT.usage;
  }

  let values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  let positionals: string[];
  try {
    const r = parseArgs({
      args: [...parsed.rest],
      options: { ...GLOBAL_PARSE_OPTIONS, ...(command.options ?? {}) },
      allowPositionals: true,
      strict: true,
    });
    values = r.values as typeof values;
    positionals = r.positionals;
  } catch (e) {
    io.stderr(`error: ${e instanceof Error ? e.message : String(e)}\n\nusage: ${command.usage}\n`);
    return EXIT.usage;
  }

  // Global options given after the command name.
  const own: CommandContext['options'] = {};
  for (const [key, value] of Object.entries(values)) {
    if (!(key in GLOBAL_PARSE_OPTIONS) || (command.options && key in command.options)) {
      own[key] = value;
      continue;
    }
    for (const v of Array.isArray(value) ? value : [value]) {
      if (v === undefined) continue;
      const err = addGlobal(globals, key, v);
      if (err) {
        io.stderr(`error: ${err}\n`);
        return EXIT.usage;
      }
    }
  }
  if (globals.help) {
    io.stdout(`usage: ${command.usage}\n\n${GLOBAL_HELP}\n`);
    return EXIT.ok;
  }
  return command.run({ args: positionals, options: own, globals, io });
}
