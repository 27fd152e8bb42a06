// `npm run bench`: runs every bench/*.bench.ts in turn and prints what each measured. Targets are
// ratios measured side by side in one run (never absolute timings in unit tests).
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BenchResult } from './types';
export type { BenchResult } from './types';


const here = dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
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
    const v = Number.isInteger(r.value) ? String(r.value) : r.value.toPrecision(4);
    const goal = r.goal ? `  goal ${r.goal}: ${r.met ? 'met' : 'NOT met'}` : '';
    if (r.goal && !r.met) missed++;
    console.log(`  ${r.name.padEnd(64)} ${v.padStart(12)} ${r.unit}${goal}${r.note ? `  (${r.note})` : ''}`);
  }
}
console.log(`\n${files.length} benchmark file(s); ${missed} goal(s) not met`);
