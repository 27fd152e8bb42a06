// A house without knots (issue 15 item 4): imports between the folders of src/sim run one way.
// Each folder (and each file at the top of src/sim) is a node; an import from one to another is an
// edge; a cycle means some import runs back up. Tests may import anything, the barrel too.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve('src/sim');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) return sources(p);
    return /\.ts$/.test(f) && !/\.test\.ts$/.test(f) ? [p] : [];
  });
}

/** "trace" for src/sim/trace/walk.ts, "step.ts" for src/sim/step.ts. */
function component(path: string): string {
  const parts = relative(ROOT, path).split('/');
  return parts.length > 1 ? parts[0]! : `${parts[0]!.replace(/\.ts$/, '')}.ts`;
}

/** Component -> the components it imports, with one example import per edge. */
function importGraph(): Map<string, Map<string, string>> {
  const graph = new Map<string, Map<string, string>>();
  for (const file of sources(ROOT)) {
    if (relative(ROOT, file) === 'index.ts') continue;
    const from = component(file);
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/(?:import|export)\s[^'"]*?from\s+['"](\.[^'"]+)['"]/g)) {
      const target = resolve(dirname(file), m[1]!);
      if (!target.startsWith(ROOT)) continue;
      const to = component(target);
      if (to === from) continue;
      if (!graph.has(from)) graph.set(from, new Map());
      if (!graph.get(from)!.has(to)) graph.get(from)!.set(to, `${relative(ROOT, file)} imports ${m[1]}`);
    }
  }
  return graph;
}

/** Strongly connected components with more than one member (Tarjan). */
function cycles(graph: Map<string, Map<string, string>>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v)?.keys() ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const scc: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      scc.push(w);
    } while (w !== v);
    if (scc.length > 1) out.push(scc.sort());
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return out;
}

// No known knots: node/netfilter took its packet and step types from proxy/types until they moved
// down into node/packet.ts (issue 15 item 4); a knot anywhere fails the test.
const KNOWN = new Set<string>();

describe('imports between the folders of src/sim', () => {
  it('run one way: no folder imports one that imports it back', () => {
    const graph = importGraph();
    const knots = cycles(graph).filter((c) => !KNOWN.has(c.join(',')));
    const explain = knots.map((c) =>
      c.flatMap((a) => c.filter((b) => graph.get(a)?.has(b)).map((b) => graph.get(a)!.get(b)!)).join('; '),
    );
    expect(explain).toEqual([]);
  });

  it('the tracer imports neither the lab assembly nor the analyses built on it', () => {
    const trace = importGraph().get('trace');
    expect([...(trace?.keys() ?? [])].filter((c) => c === 'assembly' || c === 'analysis')).toEqual([]);
  });
});
