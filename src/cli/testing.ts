// For the CLI's tests: the process's I/O in memory, and run() over every command with it.
import { readFileSync } from 'node:fs';
import { COMMANDS } from './commands';
import type { CliIo } from './io';
import { run } from './run';

/** Files by name; with `defaultScenario`, the built-in default scenario is read from disk as main.ts would. */
export function readerOf(
  files: Readonly<Record<string, string>>,
  opts: { defaultScenario?: boolean } = {},
): (path: string) => string {
  return (path) => {
    if (path in files) return files[path]!;
    if (opts.defaultScenario && path.endsWith('scenarios/default.json')) return readFileSync(path, 'utf8');
    throw new Error(`ENOENT: no such file or directory, open '${path}'`);
  };
}

export function memoryIo(readFile: (path: string) => string): { io: CliIo; out: { stdout: string; stderr: string } } {
  const out = { stdout: '', stderr: '' };
  const io: CliIo = {
    stdout: (t) => void (out.stdout += t),
    stderr: (t) => void (out.stderr += t),
    readFile,
  };
  return { io, out };
}

/** One command line through run() with every command: its exit code and what it printed. */
export function runCli(
  argv: readonly string[],
  readFile: (path: string) => string,
): { code: number; stdout: string; stderr: string } {
  const { io, out } = memoryIo(readFile);
  const code = run(argv, io, COMMANDS);
  return { code, ...out };
}
