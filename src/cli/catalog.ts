// The commands `netlab --help` lists, each with the module that implements it. The process entry
// (main.ts) loads only the command it runs, so `--help` and a single command start fast. The one-line
// summaries live in summaries.ts, which help and each command read.

import type { Command } from './command';
import { SUMMARIES } from './summaries';

export interface CatalogEntry {
  name: string;
  summary: string;
  load: () => Promise<Command>;
}

/** A command by its name, summary and module (loaded only when it runs). */
const entry = (name: keyof typeof SUMMARIES, load: () => Promise<Command>): CatalogEntry => ({
  name,
  summary: SUMMARIES[name],
  load,
});

export const CATALOG: readonly CatalogEntry[] = [
  entry('validate', () => import('./commands/validate').then((m) => m.validateCommand)),
  entry('get', () => import('./commands/get').then((m) => m.getCommand)),
  entry('describe', () => import('./commands/get').then((m) => m.describeCommand)),
  entry('rules', () => import('./commands/rules').then((m) => m.rulesCommand)),
  entry('dig', () => import('./commands/dig').then((m) => m.digCommand)),
  entry('ingress-config', () => import('./commands/ingress-config').then((m) => m.ingressConfigCommand)),
  entry('gateway-config', () => import('./commands/gateway-config').then((m) => m.gatewayConfigCommand)),
  entry('trace', () => import('./commands/trace').then((m) => m.traceCommand)),
  entry('exec', () => import('./commands/exec').then((m) => m.execCommand)),
  entry('export', () => import('./commands/export').then((m) => m.exportCommand)),
  entry('convert', () => import('./commands/convert').then((m) => m.convertCommand)),
];
