// The pods behind a Service that has no ready endpoints, for the "no endpoints" fault: which pods
// the selector matches and why none is a ready endpoint, as each pod's own status says. The pods are
// the ones the EndpointSlice controller selects (`serviceSelects`, the controllers' own selection);
// their facts are what the scheduler and the kubelet wrote (src/sim/controllers/scheduler.ts:
// phase Pending with PodScheduled=False, reason Unschedulable and kube-scheduler's "0/N nodes are
// available: ..."; kubelet.ts: Ready=False, reason ContainersNotReady), read as `kubectl describe
// pod` shows them. Nothing is re-derived here: a fact the status lacks is reported as missing.

import { findLine, type RenderedArtifact } from '../artifact';
import type { EndpointSlice, Pod, PodCondition, Service } from '../api/types';
import { serviceSelects } from '../controllers/selection';
import { sliceEndpointRef } from '../controllers/sliceview';
import { note, renderNote, renderNotes, type Note } from '../notes';
import type { LabPorts } from './ports';
import type { FaultPod, FaultPods } from './types';
import { podKey } from './walk';

/** How many pods a fault names before "and N more": enough to see a pattern, short enough to read. */
export const SHOWN_PODS = 3;

/** Which False condition explains a pod best: the scheduler's first, then the kubelet's readiness. */
const CONDITION_ORDER = ['PodScheduled', 'Ready', 'ContainersReady', 'Initialized', 'PodReadyToStartContainers'];

function blockingCondition(conditions: readonly PodCondition[]): PodCondition | undefined {
  const falses = conditions.filter((c) => c.status === 'False');
  const rank = (c: PodCondition) => {
    const i = CONDITION_ORDER.indexOf(c.type);
    return i < 0 ? CONDITION_ORDER.length : i;
  };
  return falses.sort((a, b) => rank(a) - rank(b))[0];
}

function conditionNote(c: PodCondition): Note {
  const condition = `${c.type}=${c.status}`;
  const { reason, message } = c;
  if (reason && message) return note('note.fault.pod.condition', { condition, reason, message });
  if (reason) return note('note.fault.pod.conditionReason', { condition, reason });
  return note('note.fault.pod.conditionBare', { condition });
}

/** What the pod's status says, as notes: its phase, a deletion under way, the condition that is False. */
function statusNotes(pod: Pod, key: string, condition: PodCondition | undefined): Note[] {
  const phase = pod.status?.phase;
  const notes = [
    phase ? note('note.fault.pod.phase', { pod: key, phase }) : note('note.fault.pod.noPhase', { pod: key }),
  ];
  const since = pod.metadata.deletionTimestamp;
  if (since) notes.push(note('note.fault.pod.terminating', { since }));
  const conditions = pod.status?.conditions ?? [];
  if (condition) notes.push(conditionNote(condition));
  else if (conditions.length === 0) notes.push(note('note.fault.pod.noConditions', {}));
  else {
    const listed = conditions.map((c) => `${c.type}=${c.status}`).join(', ');
    notes.push(note('note.fault.pod.noFalse', { conditions: listed }));
  }
  return notes;
}

/** Each pod's endpoint line in the slices' artifact, by "namespace/name" of the endpoint's targetRef. */
function endpointLines(slices: readonly EndpointSlice[], artifact: RenderedArtifact) {
  const lines = new Map<string, ReturnType<typeof findLine>>();
  for (const s of slices) {
    s.endpoints.forEach((e, i) => {
      const t = e.targetRef;
      if (t?.kind !== 'Pod' || !t.name) return;
      const key = `${t.namespace ?? s.metadata.namespace ?? 'default'}/${t.name}`;
      if (!lines.has(key)) lines.set(key, findLine(artifact, sliceEndpointRef(s.metadata.name, i)));
    });
  }
  return lines;
}

function faultPod(pod: Pod, lines: ReturnType<typeof endpointLines>): FaultPod {
  const key = podKey(pod);
  const found = blockingCondition(pod.status?.conditions ?? []);
  const notes = statusNotes(pod, key, found);
  const ref = lines.get(key);
  const condition = found
    ? {
      type: found.type,
      status: found.status,
      ...(found.reason ? { reason: found.reason } : {}),
      ...(found.message ? { message: found.message } : {}),
    }
    : null;
  return {
    pod: key,
    phase: pod.status?.phase ?? null,
    ...(pod.metadata.deletionTimestamp ? { terminating: pod.metadata.deletionTimestamp } : {}),
    condition,
    ...(ref ? { ref } : {}),
    notes,
    text: renderNotes('en', notes),
  };
}

/**
 * The pods `svc`'s selector matches (the first SHOWN_PODS by name, with what their status says), or
 * that it matches none. `slices` and `artifact`: the Service's EndpointSlices and the lab's artifact
 * of them, where a pod's endpoint line is when a slice lists the pod.
 */
export function podsBehind(
  lab: LabPorts,
  svc: Service,
  selector: string,
  slices: readonly EndpointSlice[],
  artifact: RenderedArtifact,
): FaultPods {
  const namespace = svc.metadata.namespace ?? 'default';
  const matched = lab.cluster.pods.filter((p) => serviceSelects(svc, p));
  matched.sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0));
  const lines = endpointLines(slices, artifact);
  const shown = matched.slice(0, SHOWN_PODS).map((p) => faultPod(p, lines));
  const more = matched.length - shown.length;
  const summary =
    matched.length === 0
      ? note('note.fault.pods.none', { namespace, selector })
      : more > 0
        ? note('note.fault.pods.more', { count: more })
        : undefined;
  const base = { namespace, selector, matched: matched.length, shown, more };
  return summary ? { ...base, summary, summaryText: renderNote('en', summary) } : base;
}
