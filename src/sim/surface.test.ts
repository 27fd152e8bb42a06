// Each component's surface is what its README lists (issue 15 item 4): code outside a folder of
// src/sim (another folder, the barrel, the page, the CLI, the benchmarks) imports only the modules
// that folder's README names under "## Surface". Tests may reach inside. Each README also names
// the real component it stands for.

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const SIM = resolve('src/sim');
const CONSUMERS = ['src', 'bench', 'e2e', 'scripts'].map((d) => resolve(d));

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) return f === 'node_modules' ? [] : sources(p);
    return /\.tsx?$/.test(f) && !/\.(test|spec)\.tsx?$/.test(f) ? [p] : [];
  });
}

const components = readdirSync(SIM).filter((f) => statSync(join(SIM, f)).isDirectory());

/** The modules ("trace.ts", "nginx/match.ts") a README lists under "## Surface". */
function listedSurface(component: string): Set<string> {
  const text = readFileSync(join(SIM, component, 'README.md'), 'utf8');
  const section = /^## Surface\n([\s\S]*?)(?=^## |(?![\s\S]))/m.exec(text)?.[1] ?? '';
  return new Set([...section.matchAll(/^- `([^`]+\.ts)`/gm)].map((m) => m[1]!));
}

/** Every import of a component's module from outside that component: [component, module, importer]. */
function crossImports(): [string, string, string][] {
  const out: [string, string, string][] = [];
  for (const file of CONSUMERS.filter(existsSync).flatMap(sources)) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/(?:import|export)\s[^'"]*?from\s+['"](\.[^'"]+)['"]/g)) {
      const target = resolve(dirname(file), m[1]!);
      const inSim = relative(SIM, target);
      if (!inSim || inSim.startsWith('..') || (!inSim.includes('/') && existsSync(`${target}.ts`))) continue;
      const component = inSim.split('/')[0]!;
      if (relative(join(SIM, component), file).split('/')[0] !== '..') continue;
      const module = `${relative(join(SIM, component), target) || 'index'}.ts`;
      out.push([component, module, relative(resolve('.'), file)]);
    }
  }
  return out;
}

describe('the surface of each src/sim component', () => {
  it('code outside a component imports only the modules its README lists', () => {
    const listed = new Map(components.map((c) => [c, listedSurface(c)]));
    const unlisted = crossImports()
      .filter(([c, mod]) => !listed.get(c)?.has(mod))
      .map(([c, mod, by]) => `${by} imports src/sim/${c}/${mod}, not in src/sim/${c}/README.md's Surface`);
    expect(unlisted).toEqual([]);
  });

  it('each README names its real counterpart', () => {
    const readme = (c: string) => readFileSync(join(SIM, c, 'README.md'), 'utf8');
    const without = components.filter((c) => !/Real counterpart/i.test(readme(c)));
    expect(without).toEqual([]);
  });
});
