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
import type { FaultPod, FaultPodGroup, FaultPodGroups, FaultPods } from './types';
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

/** The pod's phase, where the node matters (a load balancer checks nodes) with the node it runs on. */
function phaseNote(pod: Pod, key: string, withNode: boolean): Note {
  const phase = pod.status?.phase;
  const node = pod.spec.nodeName;
  if (withNode && node) {
    return phase ? note('note.fault.pod.phaseOn', { pod: key, node, phase }) : note('note.fault.pod.noPhaseOn', {
      pod: key,
      node,
    });
  }
  return phase ? note('note.fault.pod.phase', { pod: key, phase }) : note('note.fault.pod.noPhase', { pod: key });
}

/** What the pod's status says after its phase: a deletion under way, the condition that is False. */
function conditionNotes(pod: Pod, condition: PodCondition | undefined): Note[] {
  const notes: Note[] = [];
  const since = pod.metadata.deletionTimestamp;
  if (since) notes.push(note('note.fault.pod.terminating', { since }));
  const conditions = pod.status?.conditions ?? [];
  if (condition) notes.push(conditionNote(condition));
  else if (conditions.length === 0) notes.push(note('note.fault.pod.noConditions', {}));
  else {
    const listed = conditions.map((c) => `${c.type}=${c.status}`);
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

function conditionOf(found: PodCondition | undefined): FaultPod['condition'] {
  if (!found) return null;
  return {
    type: found.type,
    status: found.status,
    ...(found.reason ? { reason: found.reason } : {}),
    ...(found.message ? { message: found.message } : {}),
  };
}

function faultPod(pod: Pod, lines: ReturnType<typeof endpointLines>, withNode: boolean): FaultPod {
  const key = podKey(pod);
  const found = blockingCondition(pod.status?.conditions ?? []);
  const notes = [phaseNote(pod, key, withNode), ...conditionNotes(pod, found)];
  const ref = lines.get(key);
  const node = pod.spec.nodeName;
  return {
    pod: key,
    phase: pod.status?.phase ?? null,
    ...(pod.metadata.deletionTimestamp ? { terminating: pod.metadata.deletionTimestamp } : {}),
    condition: conditionOf(found),
    ...(ref ? { ref } : {}),
    ...(node ? { node } : {}),
    notes,
    text: renderNotes('en', notes),
  };
}

/** A group's shared status: "N pods are Pending", a deletion under way, the False condition. */
function groupNotes(count: number, phase: string | null, rest: Note[]): Note[] {
  const head = phase
    ? note('note.fault.pods.group', { count, phase })
    : note('note.fault.pods.groupNoPhase', { count });
  return [head, ...rest];
}

/**
 * The matched pods (sorted by name) grouped by what their status says, word for word: the phase, the
 * deletion timestamp and the False condition's type, status, reason and message as the scheduler or the
 * kubelet wrote them. Undefined when no two pods share one (the per-pod list says it all then).
 */
export function groupPods(matched: readonly Pod[], lines: ReturnType<typeof endpointLines>, withNode: boolean) {
  const byStatus = new Map<string, { pods: Pod[]; found: PodCondition | undefined }>();
  for (const p of matched) {
    const found = blockingCondition(p.status?.conditions ?? []);
    const id = JSON.stringify([p.status?.phase ?? null, p.metadata.deletionTimestamp ?? null, conditionOf(found)]);
    const g = byStatus.get(id);
    if (g) g.pods.push(p);
    else byStatus.set(id, { pods: [p], found });
  }
  const all = [...byStatus.values()];
  if (!all.some((g) => g.pods.length > 1)) return undefined;
  const groups = all.slice(0, SHOWN_PODS).map(({ pods, found }): FaultPodGroup => {
    const first = pods[0]!;
    const phase = first.status?.phase ?? null;
    const notes = pods.length === 1
      ? faultPod(first, lines, withNode).notes
      : groupNotes(pods.length, phase, conditionNotes(first, found));
    const shown = pods.slice(0, SHOWN_PODS).map(podKey);
    const base = { count: pods.length, pods: shown, phase, condition: conditionOf(found) };
    return { ...base, notes, text: renderNotes('en', notes) };
  });
  const more = matched.length - groups.reduce((n, g) => n + g.count, 0);
  const out: FaultPodGroups = { groups, more };
  if (more === 0) return out;
  const summary = note('note.fault.pods.more', { count: more });
  return { ...out, summary, summaryText: renderNote('en', summary) };
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
  withNode = false,
): FaultPods {
  const namespace = svc.metadata.namespace ?? 'default';
  const matched = lab.cluster.pods.filter((p) => serviceSelects(svc, p));
  matched.sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0));
  const lines = endpointLines(slices, artifact);
  const shown = matched.slice(0, SHOWN_PODS).map((p) => faultPod(p, lines, withNode));
  const grouped = groupPods(matched, lines, withNode);
  const more = matched.length - shown.length;
  const summary =
    matched.length === 0
      ? note('note.fault.pods.none', { namespace, selector })
      : more > 0
        ? note('note.fault.pods.more', { count: more })
        : undefined;
  const base = { namespace, selector, matched: matched.length, shown, more };
  const summarized = summary ? { ...base, summary, summaryText: renderNote('en', summary) } : base;
  return grouped ? { ...summarized, grouped } : summarized;
}
