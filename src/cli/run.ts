// The CLI as a function: argv in, exit code out, all output through `io`. main.ts is the thin
// process wrapper; tests call run() directly.

import { parseArgs } from 'node:util';
import { EXIT, type Command, type CommandContext } from './command';
import type { CliIo } from './io';
import { addGlobal, GLOBAL_HELP, GLOBAL_PARSE_OPTIONS, parseGlobalOptions } from './options';
import { newReport, type Report } from './report';

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
  // --json anywhere before `--`: even a command line that does not parse answers with a JSON document.
  const end = argv.indexOf('--');
  const json = (end < 0 ? argv : argv.slice(0, end)).includes('--json');
  const { report, io: commandIo, finish } = newReport(io, { json });
  return finish(runCommand({ argv, io: commandIo, report, commands, listed }));
}

function runCommand(p: {
  argv: readonly string[];
  io: CliIo;
  report: Report;
  commands: readonly Command[];
  listed: readonly CommandSummary[];
}): number {
  const { argv, io, report, commands, listed } = p;
  const parsed = parseGlobalOptions(argv);
  if (!parsed.ok) return report.fail(EXIT.usage, `error: ${parsed.message}`, `\n${usage(listed)}`);
  const { globals, command: name } = parsed;
  if (name === undefined) {
    if (globals.help) {
      io.stdout(usage(listed));
      return EXIT.ok;
    }
    return report.fail(EXIT.usage, 'error: no command given', `\n${usage(listed)}`);
  }
  if (name === 'help') {
    const target = parsed.rest[0] !== undefined ? commands.find((c) => c.name === parsed.rest[0]) : undefined;
    io.stdout(target ? `usage: ${target.usage}\n\n${GLOBAL_HELP}\n` : usage(listed));
    return EXIT.ok;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) return report.fail(EXIT.usage, `error: unknown command "${name}"`, `\n${usage(listed)}`);

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
    const message = e instanceof Error ? e.message : String(e);
    return report.fail(EXIT.usage, `error: ${message}`, `\nusage: ${command.usage}\n`);
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
      if (err) return report.fail(EXIT.usage, `error: ${err}`);
    }
  }
  if (globals.help) {
    io.stdout(`usage: ${command.usage}\n\n${GLOBAL_HELP}\n`);
    return EXIT.ok;
  }
  return command.run({ args: positionals, options: own, globals, io, report });
}
