// Random labs for tests that must hold for any lab a learner could make and share: a built-in
// lesson with another seed and kube-proxy mode, and a few edits (scale, a pod not ready, a mode
// change). Used by the share-link golden test and the browser's share-link check.

import { buildEditedLab, type LabEdit } from '../sim/assembly/edits';
import type { ProxyMode } from '../sim/lab';
import type { SeededRandom } from '../sim/net/rand';
import type { Scenario } from './types';

const MODES = ['iptables', 'ipvs', 'nftables'] as const;

const isLearnerObject = (o: { metadata: { labels?: Record<string, string>; namespace?: string } }): boolean =>
  !o.metadata.labels?.['netlab.io/addon'] && o.metadata.namespace !== 'kube-system';

function randomEdits(rng: SeededRandom, scenario: Scenario): LabEdit[] {
  const cluster = buildEditedLab(scenario).reconcile.cluster;
  const deployments = cluster.deployments.filter(isLearnerObject);
  const pods = cluster.pods.filter((p) => p.metadata.ownerReferences && isLearnerObject(p));
  const edits: LabEdit[] = [];
  for (let i = rng.int(4); i > 0; i--) {
    const d = deployments[rng.int(Math.max(1, deployments.length))];
    const p = pods[rng.int(Math.max(1, pods.length))];
    switch (rng.int(3)) {
      case 0:
        if (d) {
          const namespace = d.metadata.namespace ?? 'default';
          edits.push({ kind: 'set-replicas', namespace, name: d.metadata.name, replicas: 1 + rng.int(4) });
        }
        break;
      case 1:
        if (p) {
          const namespace = p.metadata.namespace ?? 'default';
          edits.push({ kind: 'set-pod-ready', namespace, name: p.metadata.name, ready: false });
        }
        break;
      default:
        if (scenario.settings.kubeProxy.mode !== 'userspace') {
          edits.push({ kind: 'set-proxy-mode', mode: MODES[rng.int(3)]! });
        }
    }
  }
  return edits;
}

/** A random lab from one of `builtins`: another seed and mode, and up to three edits. */
export function randomLab(rng: SeededRandom, builtins: readonly Scenario[]): Scenario {
  const base = builtins[rng.int(builtins.length)]!;
  const mode: ProxyMode = base.settings.kubeProxy.mode === 'userspace' ? 'userspace' : MODES[rng.int(3)]!;
  const seed = `r${rng.int(1_000_000)}`;
  const settings = { ...base.settings, seed, kubeProxy: { ...base.settings.kubeProxy, mode } };
  const scenario: Scenario = { ...base, settings };
  return { ...scenario, edits: randomEdits(rng, scenario) };
}
