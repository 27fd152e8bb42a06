// The StatefulSet controller (kube-controller-manager's pkg/controller/statefulset: updateStatefulSet
// and processReplica in stateful_set_control.go, the identity helpers in stateful_set_utils.go, the
// events in stateful_pod_control.go). Each pod has a stable identity: the name <set>-<ordinal>, the
// hostname of that name and the subdomain spec.serviceName, so a headless Service of that name gives
// it the DNS name <pod>.<service>.<ns>.svc.<domain>. A pod that goes is made again under its name.
// OrderedReady (the default) creates one pod at a time in ordinal order, each once the one before is
// Running and Ready, and removes the highest ordinal first, one at a time; Parallel does both at once.
// A template change is a new ControllerRevision (<set>-<hash>); RollingUpdate then replaces pods from
// the highest ordinal down to the partition.

import type { ObjectMeta, OtherObject, Pod, PodTemplateSpec, StatefulSet, StatefulSetStatus } from '../api/types';
import { stableUid } from '../api/store';
import { splitMetaNamespaceKey } from '../api/keys';
import { copyWith } from '../api/copy';
import { fnv132 } from '../util/hash';
import { kubernetesMinor } from '../lab';
import type { Ctx } from './context';
import { withNameStream } from './context';
import { isPodReady, isTerminating } from './podstate';
import { canonical, safeEncode } from './deployment';

/** apps/v1's labels on a StatefulSet's pods (StatefulSetPodNameLabel, PodIndexLabel, StatefulSetRevisionLabel). */
export const STATEFULSET_POD_NAME_LABEL = 'statefulset.kubernetes.io/pod-name';
export const POD_INDEX_LABEL = 'apps.kubernetes.io/pod-index';
export const REVISION_LABEL = 'controller-revision-hash';
/** history.ControllerRevisionHashLabel: the hash on each ControllerRevision. */
const REVISION_HASH_LABEL = 'controller.kubernetes.io/hash';
const SOURCE = 'statefulset-controller' as const;

/** A ControllerRevision as the controller writes it: the template to put back, and its number. */
interface Revision extends OtherObject {
  data: { spec: { template: Record<string, unknown> } };
  revision: number;
}

/** What one sync reads of its StatefulSet, once. */
interface SetView {
  set: StatefulSet;
  ns: string;
  name: string;
  /** The first ordinal and how many pods (getStartOrdinal, spec.replicas). */
  start: number;
  count: number;
  /** OrderedReady: one pod at a time (the upstream code's `monotonic`). */
  monotonic: boolean;
  /** The Kubernetes minor release the lab models (features the controller has by default). */
  minor: number;
}

/** One ordinal in range: its pod as read, or the one this sync made (not counted until read back). */
interface Replica {
  ordinal: number;
  pod: Pod | undefined;
  made: boolean;
}

interface Revisions {
  current: Revision;
  update: Revision;
  collisionCount: number;
}

export function syncStatefulSet(ctx: Ctx, key: string): void {
  const set = ctx.store.get<StatefulSet>('StatefulSet', key);
  const { namespace: ns, name } = splitMetaNamespaceKey(key);
  if (!set) return collectGarbage(ctx, ns, name);
  const minor = kubernetesMinor(ctx.settings.kubernetesVersion);
  const sv: SetView = {
    set,
    ns,
    name,
    // StatefulSetStartOrdinal: on by default from 1.27 (beta), GA in 1.31.
    start: minor >= 27 ? Math.max(0, set.spec.ordinals?.start ?? 0) : 0,
    count: Math.max(0, set.spec.replicas ?? 1),
    monotonic: set.spec.podManagementPolicy !== 'Parallel',
    minor,
  };
  const pods = ownedPods(ctx, sv);
  const revs = setRevisions(ctx, sv, pods);
  if (!revs) return;
  const counts = updateStatefulSet(ctx, sv, revs, pods);
  writeStatus(ctx, sv, key, revs, counts);
}

/** The garbage collector: a StatefulSet's pods and revisions go with it (a snapshot's stay). */
function collectGarbage(ctx: Ctx, ns: string, name: string): void {
  if (ctx.preserve) return;
  for (const k of [...(ctx.index.podsByOwner.get(`StatefulSet/${ns}/${name}`) ?? [])]) {
    ctx.store.delete({ kind: 'Pod', namespace: ns, name: splitMetaNamespaceKey(k).name });
  }
  for (const r of listRevisions(ctx, ns, name)) {
    ctx.store.delete({ kind: 'ControllerRevision', namespace: ns, name: r.metadata.name });
  }
}

/** getParentNameAndOrdinal: `(.*)-([0-9]+)$`, the ordinal an int32; -1 when the name has none. */
function ordinalOf(setName: string, podName: string): number {
  const m = /^(.*)-([0-9]+)$/.exec(podName);
  if (!m || m[1] !== setName) return -1;
  const n = Number(m[2]);
  return n <= 0x7fffffff ? n : -1;
}

/** The set's pods (the owner index: its controller ownerReference), those named as its members. */
function ownedPods(ctx: Ctx, sv: SetView): Pod[] {
  const out: Pod[] = [];
  for (const k of ctx.index.podsByOwner.get(`StatefulSet/${sv.ns}/${sv.name}`) ?? []) {
    const p = ctx.store.get<Pod>('Pod', k);
    if (p && ordinalOf(sv.name, p.metadata.name) >= 0) out.push(p);
  }
  return out;
}

// ------------------------------------------------------------------------------ revisions

/** getPatch: what a revision stores, the template with `$patch: replace` (restored by ApplyRevision). */
function patchOf(template: PodTemplateSpec): Revision['data'] {
  return { spec: { template: { $patch: 'replace', ...template } } };
}

/** The revision's data as canonical JSON (sorted keys, as Go marshals the patch's maps), per object. */
function dataText(ctx: Ctx, key: object, data: () => unknown): string {
  let t = ctx.derived.revisions.get(key);
  if (t === undefined) {
    t = canonical(data());
    ctx.derived.revisions.set(key, t);
  }
  return t;
}

const templateText = (ctx: Ctx, t: PodTemplateSpec): string => dataText(ctx, t, () => patchOf(t));
const revisionText = (ctx: Ctx, r: Revision): string => dataText(ctx, r.data ?? {}, () => r.data);

/** The template a revision puts back (ApplyRevision of its patch). */
function templateOf(r: Revision): PodTemplateSpec {
  const { $patch: _patch, ...template } = r.data?.spec?.template ?? {};
  return template as unknown as PodTemplateSpec;
}

function getRevision(ctx: Ctx, ns: string, name: string | undefined): Revision | undefined {
  return name ? ctx.store.get<Revision>('ControllerRevision', `${ns}/${name}`) : undefined;
}

/** ListControllerRevisions: the set's revisions (its controller ref), by revision number then name. */
function listRevisions(ctx: Ctx, ns: string, name: string): Revision[] {
  const out: Revision[] = [];
  for (const r of ctx.store.values<Revision>('ControllerRevision')) {
    if ((r.metadata.namespace ?? 'default') !== ns) continue;
    const ref = r.metadata.ownerReferences?.find((o) => o.controller);
    if (ref?.kind === 'StatefulSet' && ref.name === name) out.push(r);
  }
  const num = (r: Revision) => (typeof r.revision === 'number' ? r.revision : 0);
  return out.sort((a, b) => num(a) - num(b) || (a.metadata.name < b.metadata.name ? -1 : 1));
}

/**
 * getStatefulSetRevisions: the update revision is the one whose data equals the set's template (the
 * one status.updateRevision names, most syncs), else an equal older one given the next number (a
 * rollback), else a new one; the current revision is status.currentRevision's, else the update one.
 */
function setRevisions(ctx: Ctx, sv: SetView, pods: readonly Pod[]): Revisions | undefined {
  const status = sv.set.status;
  let collisionCount = status?.collisionCount ?? 0;
  const text = templateText(ctx, sv.set.spec.template);
  const named = getRevision(ctx, sv.ns, status?.updateRevision);
  let update = named && revisionText(ctx, named) === text ? named : snapshotRevision(ctx, sv, pods);
  if (!update) {
    const made = newOrEqualRevision(ctx, sv, text, collisionCount);
    if (!made) return undefined;
    ({ update, collisionCount } = made);
  }
  const currentName = status?.currentRevision;
  const current = currentName === update.metadata.name ? update : getRevision(ctx, sv.ns, currentName) ?? update;
  return { current, update, collisionCount };
}

/**
 * During a snapshot's first reconcile: the revision the real controller computed (the set's
 * status.updateRevision, else its pods' label) is the set's template, whatever hash the lab's
 * encoding of the template gives. A snapshot rarely lists ControllerRevisions: the one it names is
 * written with the set's template, so later syncs find it equal and roll no pod.
 */
function snapshotRevision(ctx: Ctx, sv: SetView, pods: readonly Pod[]): Revision | undefined {
  if (!ctx.preserve) return undefined;
  const name = sv.set.status?.updateRevision ?? pods.find((p) => p.metadata.labels?.[REVISION_LABEL])
    ?.metadata.labels?.[REVISION_LABEL];
  if (!name) return undefined;
  const given = getRevision(ctx, sv.ns, name);
  if (given) return given;
  const hash = name.startsWith(`${sv.name}-`) ? name.slice(sv.name.length + 1) : name;
  return createRevision(ctx, sv, name, hash, 1);
}

function newOrEqualRevision(
  ctx: Ctx,
  sv: SetView,
  text: string,
  collisionCount: number,
): { update: Revision; collisionCount: number } | undefined {
  const revisions = listRevisions(ctx, sv.ns, sv.name);
  const last = revisions.at(-1);
  const next = (typeof last?.revision === 'number' ? last.revision : 0) + 1;
  const equal = revisions.filter((r) => revisionText(ctx, r) === text).at(-1);
  if (equal && equal === last) return { update: equal, collisionCount };
  if (equal) {
    // A rollback: the equal revision becomes the newest (UpdateControllerRevision).
    const bumped = ctx.store.put(copyWith(equal, { revision: next }));
    return { update: bumped, collisionCount };
  }
  // CreateControllerRevision: a name taken by other data counts a collision and hashes again.
  for (let tries = 0; tries < 100; tries++, collisionCount++) {
    const hash = safeEncode(fnv132(text + String(collisionCount)));
    const name = `${sv.name.slice(0, 223)}-${hash}`;
    const taken = getRevision(ctx, sv.ns, name);
    if (taken && revisionText(ctx, taken) !== text) continue;
    const update = taken ?? createRevision(ctx, sv, name, hash, next);
    if (!update) return undefined;
    truncateHistory(ctx, sv, revisions.concat(taken ? [] : [update]), update);
    return { update, collisionCount };
  }
  return undefined;
}

/** history.NewControllerRevision: the template's labels and hash, the set's annotations, a controller ref. */
function createRevision(ctx: Ctx, sv: SetView, name: string, hash: string, revision: number): Revision | undefined {
  const { set, ns } = sv;
  const metadata: ObjectMeta = {
    name,
    namespace: ns,
    labels: { ...set.spec.template.metadata?.labels, [REVISION_HASH_LABEL]: hash },
    ...(set.metadata.annotations ? { annotations: { ...set.metadata.annotations } } : {}),
    ownerReferences: [controllerRef(set)],
  };
  const cr: Revision = {
    apiVersion: 'apps/v1', kind: 'ControllerRevision', metadata, data: patchOf(set.spec.template), revision,
  };
  const res = ctx.store.create(cr);
  return res.ok ? res.object : undefined;
}

/**
 * truncateHistory: revisions no longer live (not current, not the update one, no pod's) beyond
 * spec.revisionHistoryLimit are deleted, oldest first. Run when a revision is made, the only time
 * the history grows.
 */
function truncateHistory(ctx: Ctx, sv: SetView, revisions: readonly Revision[], update: Revision): void {
  const limit = sv.set.spec.revisionHistoryLimit ?? 10;
  const live = new Set([update.metadata.name, sv.set.status?.currentRevision]);
  for (const p of ownedPods(ctx, sv)) live.add(p.metadata.labels?.[REVISION_LABEL]);
  const history = revisions.filter((r) => !live.has(r.metadata.name));
  if (limit < 0 || history.length <= limit) return;
  for (const r of history.slice(0, history.length - limit)) {
    ctx.store.delete({ kind: 'ControllerRevision', namespace: sv.ns, name: r.metadata.name });
  }
}

function controllerRef(set: StatefulSet) {
  const { name, uid } = set.metadata;
  return { apiVersion: 'apps/v1', kind: 'StatefulSet', name, uid, controller: true, blockOwnerDeletion: true };
}

// ------------------------------------------------------------------------------ pods

/** The counts updateStatus takes from the pods (a pod made this sync is not counted: not read back yet). */
interface Counts {
  replicas: number;
  ready: number;
  available: number;
  current: number;
  updated: number;
}

/** isRunningAndReady (availability, with no clock in the lab, is readiness: minReadySeconds is not modelled). */
function runningAndReady(pod: Pod): boolean {
  return pod.status?.phase === 'Running' && isPodReady(pod);
}

/** isUnavailable: not made yet (or just made), terminating, or not Running and Ready. */
function unavailable(r: Replica): boolean {
  return !r.pod || r.made || isTerminating(r.pod) || !runningAndReady(r.pod);
}

const revisionOf = (pod: Pod | undefined): string | undefined => pod?.metadata.labels?.[REVISION_LABEL];

/**
 * updateStatefulSet: the pods split into replicas (ordinals start..start+replicas-1, in order) and
 * condemned ones (any other ordinal, highest first); missing replicas are made, condemned pods
 * removed, then pods of an old revision replaced. During a snapshot's first reconcile no pod it
 * gave is removed or replaced (what the real controller left running stays).
 */
function updateStatefulSet(ctx: Ctx, sv: SetView, revs: Revisions, pods: readonly Pod[]): Counts {
  const replicas: Replica[] = [];
  for (let i = 0; i < sv.count; i++) replicas.push({ ordinal: sv.start + i, pod: undefined, made: false });
  const condemned: Pod[] = [];
  for (const pod of pods) {
    const ord = ordinalOf(sv.name, pod.metadata.name);
    if (ord >= sv.start && ord < sv.start + sv.count) replicas[ord - sv.start]!.pod = pod;
    else condemned.push(pod);
  }
  condemned.sort((a, b) => ordinalOf(sv.name, b.metadata.name) - ordinalOf(sv.name, a.metadata.name));
  const counts = () => countPods(revs, replicas, condemned);
  if (processReplicas(ctx, sv, revs, replicas)) return counts();
  if (!ctx.preserve && processCondemned(ctx, sv, replicas, condemned)) return counts();
  const status = counts();
  if (!ctx.preserve && sv.set.spec.updateStrategy?.type !== 'OnDelete') rollOut(ctx, sv, revs, replicas, status);
  return status;
}

function countPods(revs: Revisions, replicas: readonly Replica[], condemned: readonly Pod[]): Counts {
  const c: Counts = { replicas: 0, ready: 0, available: 0, current: 0, updated: 0 };
  const count = (pod: Pod) => {
    c.replicas++;
    if (runningAndReady(pod)) {
      c.ready++;
      c.available++;
    }
    if (isTerminating(pod)) return;
    const rev = revisionOf(pod);
    if (rev === revs.current.metadata.name) c.current++;
    if (rev === revs.update.metadata.name) c.updated++;
  };
  for (const r of replicas) if (r.pod && !r.made) count(r.pod);
  for (const p of condemned) count(p);
  return c;
}

/**
 * processReplica for each ordinal in order (runForAll). OrderedReady stops at the first pod it makes
 * and at the first that is terminating or not Running and Ready; Parallel goes on, in slowStartBatch's
 * batches (1, 2, 4, ... up to 500) and stops after a batch in which a create failed. Whether to stop.
 */
function processReplicas(ctx: Ctx, sv: SetView, revs: Revisions, replicas: Replica[]): boolean {
  let batchEnd = 0;
  let batch = 1;
  let failed = false;
  for (let i = 0; i < replicas.length; i++) {
    if (!sv.monotonic && i === batchEnd) {
      if (failed) return true;
      batchEnd = i + batch;
      batch = Math.min(batch * 2, 500);
    }
    const r = replicas[i]!;
    const pod = r.pod;
    const phase = pod?.status?.phase;
    if (pod && (phase === 'Failed' || phase === 'Succeeded')) {
      // A pod that ended is removed and, on the next sync, made again.
      if (!ctx.preserve && !isTerminating(pod)) deletePod(ctx, sv, pod);
      if (sv.monotonic) return true;
      continue;
    }
    if (!pod) {
      r.pod = createPod(ctx, sv, revs, r.ordinal);
      r.made = !!r.pod;
      if (sv.monotonic) return true;
      failed ||= !r.pod;
      continue;
    }
    if (sv.monotonic && (isTerminating(pod) || !runningAndReady(pod))) return true;
  }
  return failed;
}

/**
 * processCondemned, highest ordinal first. OrderedReady removes one pod and stops, waits for a
 * terminating one, and for one not Running and Ready unless it is the first unhealthy pod.
 */
function processCondemned(ctx: Ctx, sv: SetView, replicas: readonly Replica[], condemned: readonly Pod[]): boolean {
  // The first unavailable replica (a pod not made yet counts), else the lowest unavailable condemned one.
  const replica = replicas.find(unavailable);
  const firstUnhealthy = replica ? replica.pod : condemned.findLast((p) => isTerminating(p) || !runningAndReady(p));
  for (const pod of condemned) {
    if (isTerminating(pod)) {
      if (sv.monotonic) return true;
      continue;
    }
    if (sv.monotonic && !runningAndReady(pod) && pod !== firstUnhealthy) return true;
    deletePod(ctx, sv, pod);
    if (sv.monotonic) return true;
  }
  return false;
}

/**
 * RollingUpdate, once every replica is in place: pods whose revision is not the update revision are
 * deleted (and made again at it by the next sync) from the highest ordinal down to the partition.
 * From 1.35 (MaxUnavailableStatefulSet on by default) up to maxUnavailable of them at a time,
 * counting the replicas unavailable already (updateStatefulSetAfterInvariantEstablished); before it,
 * one, waiting while the next one down is unavailable.
 */
function rollOut(ctx: Ctx, sv: SetView, revs: Revisions, replicas: readonly Replica[], counts: Counts): void {
  const ru = sv.set.spec.updateStrategy?.rollingUpdate;
  const partition = Math.max(0, ru?.partition ?? 0);
  const update = revs.update.metadata.name;
  const stale = (r: Replica) => !!r.pod && !r.made && revisionOf(r.pod) !== update && !isTerminating(r.pod);
  if (sv.minor < 35) {
    for (let t = replicas.length - 1; t >= partition; t--) {
      const r = replicas[t]!;
      if (stale(r)) {
        deletePod(ctx, sv, r.pod!);
        counts.current--;
        return;
      }
      if (unavailable(r)) return;
    }
    return;
  }
  const most = maxUnavailable(ru?.maxUnavailable, replicas.length);
  const down = replicas.filter(unavailable).length;
  let toDelete = most - down;
  for (let t = replicas.length - 1; t >= partition && toDelete > 0; t--) {
    const r = replicas[t]!;
    if (!stale(r)) continue;
    deletePod(ctx, sv, r.pod!);
    counts.current--;
    toDelete--;
  }
}

/** getStatefulSetMaxUnavailable: an int, or a percent of the replicas rounded down; at least 1. */
function maxUnavailable(v: number | string | undefined, replicas: number): number {
  const percent = typeof v === 'string' ? /^([0-9]+)%$/.exec(v) : null;
  const n = percent ? Math.floor((Number(percent[1]) * replicas) / 100) : typeof v === 'number' ? v : 1;
  return Math.max(1, n);
}

/**
 * newVersionedStatefulSetPod's choice: the current revision below the partition (or, for a
 * RollingUpdate without rollingUpdate, below status.currentReplicas), else the update revision.
 */
function revisionFor(sv: SetView, revs: Revisions, ordinal: number): Revision {
  const strategy = sv.set.spec.updateStrategy;
  const ru = strategy?.rollingUpdate;
  const currentReplicas = sv.set.status?.currentReplicas ?? 0;
  const current = (strategy?.type === 'RollingUpdate' && !ru && ordinal < sv.start + currentReplicas)
    || (!!ru && ordinal < sv.start + (ru.partition ?? 0));
  return current ? revs.current : revs.update;
}

/**
 * newStatefulSetPod: GetPodFromTemplate (the template's labels and annotations, generateName
 * `<set>-`, a controller ref) named `<set>-<ordinal>`, with initIdentity's hostname and subdomain,
 * the pod-name label, the pod-index label (PodIndexLabel, on from 1.28) and the revision label.
 */
function newPod(ctx: Ctx, sv: SetView, rev: Revision, ordinal: number): Pod {
  const { set, ns } = sv;
  const name = `${sv.name}-${ordinal}`;
  const template = templateOf(rev);
  const labels: Record<string, string> = { ...template.metadata?.labels, [STATEFULSET_POD_NAME_LABEL]: name };
  if (sv.minor >= 28) labels[POD_INDEX_LABEL] = String(ordinal);
  labels[REVISION_LABEL] = rev.metadata.name;
  const annotations = template.metadata?.annotations;
  // A pod made again under its old name is a new object: its uid comes from the set's seeded stream.
  const uid = withNameStream(ctx, `StatefulSet/${ns}/${sv.name}`, (r) =>
    stableUid(ctx.settings.seed, 'Pod', `${ns}/${name}#${r.int(0x7fffffff)}`));
  const metadata: ObjectMeta = {
    name,
    generateName: `${sv.name}-`,
    namespace: ns,
    labels,
    ...(annotations ? { annotations: { ...annotations } } : {}),
    ownerReferences: [controllerRef(set)],
    uid,
  };
  const serviceName = set.spec.serviceName;
  const spec = { ...template.spec, hostname: name, ...(serviceName ? { subdomain: serviceName } : {}) };
  return { apiVersion: 'v1', kind: 'Pod', metadata, spec };
}

/**
 * CreateStatefulPod and its event: "create Pod db-0 in StatefulSet db successful", or a Warning
 * FailedCreate with the apiserver's error. A name taken by a pod the set does not own is sunk
 * quietly (AlreadyExists), as upstream sinks it; the sync stops there.
 */
function createPod(ctx: Ctx, sv: SetView, revs: Revisions, ordinal: number): Pod | undefined {
  const pod = newPod(ctx, sv, revisionFor(sv, revs, ordinal), ordinal);
  const res = ctx.store.create<Pod>(pod);
  const what = `create Pod ${pod.metadata.name} in StatefulSet ${sv.name}`;
  if (res.ok) {
    recordPodEvent(ctx, sv, 'Normal', 'SuccessfulCreate', `${what} successful`);
    return res.object;
  }
  if (res.problems[0]?.reason === 'AlreadyExists') return undefined;
  recordPodEvent(ctx, sv, 'Warning', 'FailedCreate', `${what} failed error: ${apiErrorText(res.problems)}`);
  return undefined;
}

/**
 * The apiserver's error as Go's err.Error() reads (kubectl adds "The " in front of an Invalid one;
 * a controller's event does not), several field errors of one object in one aggregate.
 */
function apiErrorText(problems: readonly { reason: string; message: string }[]): string {
  const invalid = problems.filter((p) => p.reason === 'Invalid');
  if (invalid.length === 0) return problems[0]?.message ?? 'unknown error';
  const text = invalid.map((p) => p.message.replace(/^The /, ''));
  if (text.length === 1) return text[0]!;
  const head = text[0]!.slice(0, text[0]!.indexOf(' is invalid: ') + ' is invalid: '.length);
  return `${head}[${text.map((t) => t.slice(head.length)).join(', ')}]`;
}

/** DeleteStatefulPod and its event: "delete Pod db-2 in StatefulSet db successful". */
function deletePod(ctx: Ctx, sv: SetView, pod: Pod): void {
  const res = ctx.store.delete({ kind: 'Pod', namespace: sv.ns, name: pod.metadata.name });
  if (!res.ok) return;
  const message = `delete Pod ${pod.metadata.name} in StatefulSet ${sv.name} successful`;
  recordPodEvent(ctx, sv, 'Normal', 'SuccessfulDelete', message);
}

function recordPodEvent(ctx: Ctx, sv: SetView, type: 'Normal' | 'Warning', reason: string, message: string): void {
  const object = { kind: 'StatefulSet', namespace: sv.ns, name: sv.name };
  ctx.events.push({ type, reason, object, message, source: SOURCE });
}

// ------------------------------------------------------------------------------ status

/**
 * updateStatefulSetStatus: completeRollingUpdate (every replica updated and ready: the update
 * revision becomes the current one), then a write only when a field differs (inconsistentStatus;
 * collisionCount alone does not make one). Zero counts and empty revisions are left out, as
 * apps/v1 omits them; replicas, availableReplicas and collisionCount are always there.
 */
function writeStatus(ctx: Ctx, sv: SetView, key: string, revs: Revisions, c: Counts): void {
  const { set } = sv;
  let current = c.current;
  let currentRevision = revs.current.metadata.name;
  const want = sv.count;
  const rolling = set.spec.updateStrategy?.type === 'RollingUpdate';
  if (rolling && c.updated === want && c.ready === want && c.replicas === want) {
    current = c.updated;
    currentRevision = revs.update.metadata.name;
  }
  const status: StatefulSetStatus = {
    observedGeneration: typeof set.metadata['generation'] === 'number' ? set.metadata['generation'] : 1,
    replicas: c.replicas,
    availableReplicas: c.available,
  };
  if (c.ready) status.readyReplicas = c.ready;
  if (current) status.currentReplicas = current;
  if (c.updated) status.updatedReplicas = c.updated;
  status.currentRevision = currentRevision;
  status.updateRevision = revs.update.metadata.name;
  status.collisionCount = revs.collisionCount;
  if (!inconsistent(set.status, status)) return;
  ctx.store.put(copyWith(set, { status }), key);
}

/** inconsistentStatus: a newer generation, or any count or revision differs. */
function inconsistent(prev: StatefulSetStatus | undefined, next: StatefulSetStatus): boolean {
  if (!prev) return true;
  const fields = ['replicas', 'currentReplicas', 'readyReplicas', 'updatedReplicas', 'availableReplicas'] as const;
  for (const f of fields) if ((prev[f] ?? 0) !== (next[f] ?? 0)) return true;
  return (next.observedGeneration ?? 0) > (prev.observedGeneration ?? 0)
    || (prev.currentRevision ?? '') !== next.currentRevision || (prev.updateRevision ?? '') !== next.updateRevision;
}
