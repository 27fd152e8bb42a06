// Pod facts the data plane and the endpoint controllers read: readiness (the kubelet's Ready
// condition, which lessons drive with the netlab.io/ready annotation), termination, and the ports a
// pod's process actually listens on (netlab.io/listen; defaults to the declared containerPorts).

import type { Pod, Protocol } from '../api/types';
import { POD_ANNOTATIONS } from '../cluster';

export function isTerminating(pod: Pod): boolean {
  return pod.metadata.deletionTimestamp !== undefined && pod.metadata.deletionTimestamp !== null;
}

/** podutil.IsPodReady: the Ready condition is True. */
export function isPodReady(pod: Pod): boolean {
  // A plain loop: every controller asks this of every pod it counts.
  const conditions = pod.status?.conditions;
  if (!conditions) return false;
  for (let i = 0; i < conditions.length; i++) {
    const c = conditions[i]!;
    if (c.type === 'Ready' && c.status === 'True') return true;
  }
  return false;
}

/** What the readiness probe would say: the annotation wins, then a Ready condition the manifest gave, else ready. */
export function probeSaysReady(pod: Pod): boolean {
  const a = pod.metadata.annotations?.[POD_ANNOTATIONS.ready];
  if (a !== undefined) return a !== 'false';
  const given = pod.status?.conditions?.find((c) => c.type === 'Ready');
  if (given) return given.status === 'True';
  return true;
}

export interface ListeningPort {
  port: number;
  protocol: Protocol;
}

/** The ports the pod's processes listen on: `netlab.io/listen` ("8080,53/UDP") or else every containerPort. */
export function podListeningPorts(pod: Pod): ListeningPort[] {
  const a = pod.metadata.annotations?.[POD_ANNOTATIONS.listen];
  if (a !== undefined) {
    const out: ListeningPort[] = [];
    for (const part of a.split(',')) {
      const t = part.trim();
      if (!t) continue;
      const [p, proto] = t.split('/');
      const port = Number(p);
      if (!Number.isInteger(port) || port < 1 || port > 65535) continue;
      const protocol = (proto ?? 'TCP').toUpperCase();
      if (protocol === 'TCP' || protocol === 'UDP' || protocol === 'SCTP') out.push({ port, protocol });
    }
    return out;
  }
  const out: ListeningPort[] = [];
  for (const c of pod.spec.containers ?? []) for (const p of c.ports ?? []) out.push({
    port: p.containerPort,
    protocol: p.protocol ?? 'TCP',
  });
  return out;
}
