// `npm run netlab -- <command>`: the process wrapper around run().
import { readFileSync } from 'node:fs';
import type { CliIo } from './io';
import { run } from './run';

const io: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  readFile: (path) => readFileSync(path === '-' ? 0 : path, 'utf8'),
};

process.exitCode = run(process.argv.slice(2), io);
