// What a real cluster may apply to a request that the lab does not model, said with the result
// instead of left out: NetworkPolicies. The lab keeps them as written (docs/scenario-format.md) but
// enforces nothing: a cluster's network plugin does (Calico, Cilium; flannel and kubenet do not).
// Which policies select which pod, and for which direction, is the API's own rule (the
// NetworkPolicy reference: a pod is isolated for a direction by any policy in its namespace whose
// podSelector selects it and whose policyTypes name it; without policyTypes, every policy is an
// Ingress policy and one with egress rules an Egress policy too). Pods on the host's network are not
// selected: plugins leave them alone.

import type { LabelSelector, OtherObject, Pod } from '../api/types';
import { selectorMatches } from '../api/validation';
import type { Cluster } from '../cluster';
import { podKey } from '../node/interfaces';
import { note, type Note } from '../notes';
import type { Hop } from './types';

type Direction = 'Ingress' | 'Egress';

interface PolicySpec {
  podSelector?: LabelSelector;
  policyTypes?: unknown;
  egress?: unknown;
}

/** The directions a NetworkPolicy isolates its pods for. */
function directionsOf(spec: PolicySpec): Direction[] {
  const types = Array.isArray(spec.policyTypes) ? spec.policyTypes : [];
  if (types.length > 0) return types.filter((t): t is Direction => t === 'Ingress' || t === 'Egress');
  return spec.egress === undefined ? ['Ingress'] : ['Ingress', 'Egress'];
}

/** The pods the request's packets left (Egress) and reached (Ingress), in the order of its hops. */
function podsCrossed(hops: readonly Hop[]): { pod: string; direction: Direction }[] {
  const out: { pod: string; direction: Direction }[] = [];
  for (const h of hops) {
    if (h.direction === 'reply') continue;
    const p = h.place;
    if (p.kind === 'pod' && h.action === 'send') out.push({ pod: p.pod, direction: 'Egress' });
    else if (p.kind === 'pod' && h.action === 'deliver') out.push({ pod: p.pod, direction: 'Ingress' });
    else if (p.kind === 'controller' && p.pod) {
      out.push({ pod: p.pod, direction: 'Ingress' }, { pod: p.pod, direction: 'Egress' });
    }
  }
  return out;
}

/**
 * One note per NetworkPolicy that selects a pod the request left or reached, for that direction:
 * the lab let the connection through without asking it.
 */
export function networkPolicyCaveats(cluster: Cluster, hops: readonly Hop[]): Note[] {
  const policies = cluster.others.filter((o) => o.kind === 'NetworkPolicy');
  if (policies.length === 0) return [];
  const pods = new Map(cluster.pods.map((p) => [podKey(p), p]));
  const out: Note[] = [];
  const seen = new Set<string>();
  for (const { pod: key, direction } of podsCrossed(hops)) {
    const pod = pods.get(key);
    if (!pod || pod.spec.hostNetwork || seen.has(`${key} ${direction}`)) continue;
    seen.add(`${key} ${direction}`);
    for (const p of policies) {
      if (selects(p, pod, direction)) {
        const policy = `${p.metadata.namespace ?? 'default'}/${p.metadata.name}`;
        out.push(note(direction === 'Ingress' ? 'note.caveat.policyIngress' : 'note.caveat.policyEgress', {
          policy,
          pod: key,
        }));
      }
    }
  }
  return out;
}

function selects(policy: OtherObject, pod: Pod, direction: Direction): boolean {
  const spec = policy['spec'] as PolicySpec | undefined;
  if (!spec || typeof spec !== 'object') return false;
  if ((policy.metadata.namespace ?? 'default') !== (pod.metadata.namespace ?? 'default')) return false;
  if (!directionsOf(spec).includes(direction)) return false;
  // An absent podSelector is the empty one (the field has no omitempty): every pod of the namespace.
  const selector = spec.podSelector ?? {};
  return typeof selector === 'object' && selectorMatches(selector, pod.metadata.labels);
}
