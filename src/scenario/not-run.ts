// Workloads the lab keeps but runs no controller for: a Job, CronJob or ReplicationController in
// plain manifests makes no pods here, where a cluster would run them. Said once per object, at the
// object, so a manifest that seems to do nothing says why (`kubectl get` and `describe` still show it).

import type { Problem } from './problem';
import { noted } from './problem-text';
import { placeOf } from './place';
import type { ObjectSource, ScenarioObject } from './types';

/** The kinds that make pods on a cluster, kept as objects here (each named by its controller's kind). */
const NOT_RUN: ReadonlySet<string> = new Set(['Job', 'CronJob', 'ReplicationController']);

/** The workloads whose controllers the lab runs (src/sim/controllers). */
const RUN = 'Deployment, ReplicaSet, DaemonSet, Pod';

export function notRunProblems(p: {
  objects: readonly ScenarioObject[];
  sources: readonly ObjectSource[];
  file: string;
}): Problem[] {
  const out: Problem[] = [];
  for (const o of p.objects) {
    const kind = o.kind;
    if (!NOT_RUN.has(kind)) continue;
    const object = `${o.kind} ${JSON.stringify(o.metadata.name)}`;
    const params = { object, kind, tool: 'kubectl get/describe', runs: RUN };
    out.push({ kind: 'not-run', severity: 'warning', ...placeOf(p, o, 'kind'), ...noted('problem.notRun', params) });
  }
  return out;
}
