// `npm run bench`: runs every bench/*.bench.ts in turn and prints what each measured. Targets are
// ratios measured side by side in one run (never absolute timings in unit tests).
// `npm run bench -- --json` also writes every figure to bench/results/latest.json (not committed:
// figures belong to the machine and the moment they were measured on).
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BenchResult } from './types';
export type { BenchResult } from './types';


const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const json = args.includes('--json');
const only = args.filter((a) => !a.startsWith('--'));
const all: (BenchResult & { file: string })[] = [];
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();

let missed = 0;
for (const f of files) {
  console.log(`\n## ${f}`);
  const mod = (await import(pathToFileURL(join(here, f)).href)) as { run?: () => Promise<BenchResult[]> };
  if (typeof mod.run !== 'function') {
    console.log('  (no run() export)');
    continue;
  }
  const results = await mod.run();
  for (const r of results) {
    all.push({ file: f, ...r });
    const v = Number.isInteger(r.value) ? String(r.value) : r.value.toPrecision(4);
    const goal = r.goal ? `  goal ${r.goal}: ${r.met ? 'met' : 'NOT met'}` : '';
    if (r.goal && !r.met) missed++;
    console.log(`  ${r.name.padEnd(64)} ${v.padStart(12)} ${r.unit}${goal}${r.note ? `  (${r.note})` : ''}`);
  }
}
console.log(`\n${files.length} benchmark file(s); ${missed} goal(s) not met`);
if (json) {
  const dir = join(here, 'results');
  mkdirSync(dir, { recursive: true });
  const out = join(dir, 'latest.json');
  const doc = { date: new Date().toISOString(), node: process.version, files, missed, results: all };
  // NaN (a comparison that could not run) is written as null.
  writeFileSync(out, JSON.stringify(doc, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2) + '\n');
  console.log(`figures written to ${out}`);
}
