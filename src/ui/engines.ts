// The engines below the UI that have landed, loaded after first paint so the YAML/zod loader and
// the simulation stay out of the initial bundle. An engine the lab does not have yet stays
// undefined, and the UI shows that part as "not yet available" rather than inventing results.
// Still to wire (lead): trace (src/sim/trace); compile covers kube-proxy only (add ingress and DNS artifacts).

import { loadScenarioFiles } from '../scenario';
import type { RenderedArtifact } from '../sim';
import { reconcile } from '../sim/controllers/reconcile';
import { compileNodeProxy } from '../sim/proxy/compile';
import type { Engines } from '../state';

/** kube-proxy's artifacts on every node (iptables-save, ...); a mode not compiled yet is left out, not faked. */
function compile({ cluster }: Parameters<NonNullable<Engines['compile']>>[0]): RenderedArtifact[] {
  const out: RenderedArtifact[] = [];
  for (const n of cluster.nodes) {
    try {
      out.push(...compileNodeProxy({ cluster, nodeName: n.metadata.name }).artifacts);
    } catch (e) {
      console.warn(`kube-proxy artifacts for ${n.metadata.name}:`, e instanceof Error ? e.message : e);
    }
  }
  return out;
}

export const engines: Engines = {
  loadScenarioFiles,
  reconcile,
  compile,
};
