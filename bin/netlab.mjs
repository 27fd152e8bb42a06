#!/usr/bin/env node
// `netlab` (npx netlab ... in this repository): runs the CLI bundle that `npm ci` builds into
// build/cli (the `prepare` script; `npm run build:cli` rebuilds it).
import { existsSync } from 'node:fs';

const bundle = new URL('../build/cli/main.js', import.meta.url);
if (!existsSync(bundle)) {
  process.stderr.write('netlab: the CLI bundle is missing (build/cli/main.js); build it with: npm run build:cli\n');
  process.exit(1);
}
await import(bundle.href);
