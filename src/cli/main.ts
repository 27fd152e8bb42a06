// The process entry of `netlab` (bin/netlab.mjs runs its bundle; `npm run netlab` runs it with tsx):
// it loads only the command named on the command line, so `--help` reads no scenario code at all.
import { readFileSync } from 'node:fs';
import { CATALOG } from './catalog';
import type { Command } from './command';
import type { CliIo } from './io';
import { parseGlobalOptions } from './options';
import { run } from './run';

// A reader that stops early (`netlab rules ... | head`) closes the pipe: the rest of the output has
// nowhere to go, and the command ends as it would have, without an unhandled EPIPE and its stack.
let stdoutClosed = false;
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code !== 'EPIPE') throw e;
  stdoutClosed = true;
});

const io: CliIo = {
  stdout: (text) => stdoutClosed || process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  readFile: (path) => readFileSync(path === '-' ? 0 : path, 'utf8'),
};

async function main(argv: readonly string[]): Promise<number> {
  const parsed = parseGlobalOptions(argv);
  const name = parsed.ok ? (parsed.command === 'help' ? parsed.rest[0] : parsed.command) : undefined;
  const entry = CATALOG.find((c) => c.name === name);
  const commands: Command[] = entry ? [await entry.load()] : [];
  return run(argv, io, commands, CATALOG);
}

process.exitCode = await main(process.argv.slice(2));
