// The derived lab: what the control plane makes of the scenario. Computed in store actions (never
// in render) and memoised on the scenario's identity: immer gives an edited scenario a new
// identity and an untouched one keeps its own, so "no change, no work" falls out of the memo.

// Value imports name the module, not the src/sim barrel: the barrel would pull the whole core into
// the initial bundle (its modules are not marked side-effect free).
import type { ArtifactId, Cluster, Node, Pod, RenderedArtifact, Service } from '../sim';
import { emptyCluster } from '../sim/cluster';
import type { ScenarioObject } from '../scenario';
import type { ApiRejection, EditMark, Engines, Scenario } from './types';

export type LabStatus =
  /** The control plane ran: derived pods, IPs, endpoint slices. */
  | 'reconciled'
  /** No control plane wired in yet: the canvas shows the objects exactly as written. */
  | 'as-written'
  | 'empty';

export interface DerivedLab {
  status: LabStatus;
  cluster: Cluster;
  /**
   * The user's objects as they are now: the scenario's, changed by its edits. What the forms offer
   * to change and what manifests export.
   */
  applied: readonly ScenarioObject[];
  /** Where each edit of the scenario's log begins on the event timeline. */
  editMarks: readonly EditMark[];
  /** Objects the apiserver refused (the rest of the scenario still runs, as with kubectl apply). */
  problems: readonly ApiRejection[];
  /** Rendered data-plane artifacts (iptables-save per node, nginx.conf, zone), when compilers are wired in. */
  artifacts: Record<ArtifactId, RenderedArtifact>;
  /**
   * The artifacts as they were before the last edit (undo and redo count as edits), for the
   * viewer's diff; null for a lab just opened.
   */
  before: Record<ArtifactId, RenderedArtifact> | null;
}

const memo = new WeakMap<Scenario, { engines: Engines; lab: DerivedLab }>();

export function deriveLab(scenario: Scenario | null, engines: Engines): DerivedLab | null {
  if (!scenario) return null;
  const hit = memo.get(scenario);
  if (hit && hit.engines === engines) return hit.lab;
  const lab = engines.reconcile ? reconciled(scenario, engines.reconcile) : asWritten(scenario);
  if (engines.compile && lab.status === 'reconciled') {
    for (const a of engines.compile({ scenario, cluster: lab.cluster })) lab.artifacts[a.id] = a;
  }
  memo.set(scenario, { engines, lab });
  return lab;
}

/** The lab after an edit, carrying the artifacts it replaced (the memoised lab itself is left as it is). */
export function deriveEditedLab(scenario: Scenario, engines: Engines, previous: DerivedLab | null): DerivedLab | null {
  const lab = deriveLab(scenario, engines);
  if (!lab) return null;
  return { ...lab, before: previous && previous !== lab ? previous.artifacts : null };
}

function reconciled(scenario: Scenario, reconcile: NonNullable<Engines['reconcile']>): DerivedLab {
  const r = reconcile({ settings: scenario.settings, objects: scenario.objects, edits: scenario.edits });
  return {
    status: 'reconciled',
    cluster: r.cluster,
    applied: r.applied ?? scenario.objects,
    editMarks: r.editMarks ?? [],
    problems: r.problems,
    artifacts: {},
    before: null,
  };
}

/**
 * Without a control plane, show only what the file itself says: Nodes, Pods and Services as
 * written, nothing derived (no pods from Deployments, no allocated IPs). The UI labels this state.
 */
function asWritten(scenario: Scenario): DerivedLab {
  const cluster = emptyCluster(scenario.settings);
  for (const o of scenario.objects) {
    if (o.kind === 'Node') cluster.nodes.push(o as Node);
    else if (o.kind === 'Pod') cluster.pods.push(o as Pod);
    else if (o.kind === 'Service') cluster.services.push(o as Service);
  }
  const empty = cluster.nodes.length === 0 && cluster.pods.length === 0 && cluster.services.length === 0;
  const status = empty ? 'empty' : 'as-written';
  return { status, cluster, applied: scenario.objects, editMarks: [], problems: [], artifacts: {}, before: null };
}
