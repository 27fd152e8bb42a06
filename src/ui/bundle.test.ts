// The initial bundle stays small only if the app imports values from src/sim modules directly:
// the src/sim barrel re-exports the whole core (controllers, validation), and its modules are not
// side-effect free, so one value import from it pulls everything into the first download.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : /\.tsx?$/.test(n) && !/\.test\.tsx?$/.test(n) ? [p] : [];
  });
}

describe('imports from the simulation core', () => {
  it('app code imports only types from the src/sim and src/scenario barrels (engines.ts loads lazily)', () => {
    const offenders: string[] = [];
    for (const f of [...files('src/ui'), ...files('src/state')]) {
      if (f.endsWith('engines.ts') || f.includes('/fixtures/')) continue;
      const text = readFileSync(f, 'utf8');
      for (const m of text.matchAll(/^import\s+(?!type\b)[^;]*?from\s+'((?:\.\.\/)+(?:sim|scenario))';/gm)) offenders.push(`${f}: ${m[0]}`);
    }
    expect(offenders).toEqual([]);
  });
});
