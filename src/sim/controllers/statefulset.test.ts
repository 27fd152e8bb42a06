// The StatefulSet controller as kube-controller-manager's behaves: stable names and hostnames,
// OrderedReady and Parallel, scaling from the highest ordinal down, a deleted pod made again under
// its name, the status kubectl reads, revisions and rolling updates, and a snapshot's pods kept.

import { describe, expect, it } from 'vitest';
import { applyChange, reconcile, resync, type ReconcileState } from './reconcile';
import { defaultLabSettings, type LabSettings } from '../lab';
import type { Cluster } from '../cluster';
import type { Pod, Service, StatefulSet, StatefulSetSpec } from '../api/types';
import type { AnyObject } from '../api/store';
import { kubectlGet } from '../kubectl/get';

const settings = (over: Partial<LabSettings> = {}): LabSettings => ({ ...defaultLabSettings(), ...over });

interface SetOptions {
  policy?: StatefulSetSpec['podManagementPolicy'];
  start?: number;
  notReady?: boolean;
  image?: string;
  partition?: number;
}

function statefulSet(name: string, replicas: number, o: SetOptions = {}): StatefulSet {
  const labels = { app: name };
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name },
    spec: {
      replicas,
      serviceName: name,
      selector: { matchLabels: labels },
      ...(o.policy ? { podManagementPolicy: o.policy } : {}),
      ...(o.start !== undefined ? { ordinals: { start: o.start } } : {}),
      ...(o.partition !== undefined
        ? { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: o.partition } } }
        : {}),
      template: {
        metadata: { labels, ...(o.notReady ? { annotations: { 'netlab.io/ready': 'false' } } : {}) },
        spec: { containers: [{ name: 'web', image: o.image ?? 'nginx', ports: [{ name: 'web', containerPort: 80 }] }] },
      },
    },
  };
}

/** The governing Service: headless, selecting the set's pods. */
const headless = (name: string): Service => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name },
  spec: { clusterIP: 'None', selector: { app: name }, ports: [{ name: 'web', port: 80 }] },
});

const run = (objects: AnyObject[], over: Partial<LabSettings> = {}) => reconcile({ settings: settings(over), objects });

const ordinal = (p: Pod) => Number(/-(\d+)$/.exec(p.metadata.name)?.[1]);
/** The set's pods by ordinal. */
const podsOf = (c: Cluster, set = 'db') => c.pods
  .filter((p) => p.metadata.ownerReferences?.some((r) => r.kind === 'StatefulSet' && r.name === set))
  .sort((a, b) => ordinal(a) - ordinal(b));
const names = (c: Cluster, set = 'db') => podsOf(c, set).map((p) => p.metadata.name);
const setOf = (c: Cluster, name = 'db') => c.statefulSets.find((s) => s.metadata.name === name)!;
/** The controller's events, as `kubectl get events` shows reason and message. */
const stsEvents = (c: Cluster, since = 0) => c.events
  .filter((e) => e.source === 'statefulset-controller' && e.seq > since)
  .map((e) => `${e.reason}: ${e.message}`);
const lastSeq = (c: Cluster) => c.events.at(-1)?.seq ?? 0;
const apply = (s: ReconcileState, object: AnyObject) => applyChange(s, { kind: 'apply', object });
const scale = (s: ReconcileState, set: StatefulSet, replicas: number) =>
  apply(s, { ...set, spec: { ...set.spec, replicas } });
const deletePod = (s: ReconcileState, name: string) =>
  applyChange(s, { kind: 'delete', ref: { kind: 'Pod', namespace: 'default', name } });
/** The pod with the lab's readiness annotation set (what `kubectl annotate` or the Edit form does). */
const markReady = (s: ReconcileState, name: string, ready: boolean) => {
  const p = s.cluster.pods.find((x) => x.metadata.name === name)!;
  const annotations = { ...p.metadata.annotations, 'netlab.io/ready': String(ready) };
  return apply(s, { ...p, metadata: { ...p.metadata, annotations } });
};

describe('StatefulSet: each pod\'s stable identity', () => {
  it('names pods <set>-<ordinal>, with hostname, subdomain, labels and a controller ref', () => {
    const { cluster, problems } = run([headless('db'), statefulSet('db', 3)]);
    expect(problems).toEqual([]);
    expect(names(cluster)).toEqual(['db-0', 'db-1', 'db-2']);
    const set = setOf(cluster);
    const revision = set.status!.updateRevision!;
    expect(revision).toMatch(/^db-[bcdfghjklmnpqrstvwxz2456789]+$/);
    const p = podsOf(cluster)[1]!;
    expect(p.spec).toMatchObject({ hostname: 'db-1', subdomain: 'db' });
    expect(p.metadata.generateName).toBe('db-');
    expect(p.metadata.labels).toEqual({
      app: 'db',
      'statefulset.kubernetes.io/pod-name': 'db-1',
      'apps.kubernetes.io/pod-index': '1',
      'controller-revision-hash': revision,
    });
    expect(p.metadata.ownerReferences).toEqual([{
      apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'db', uid: set.metadata.uid, controller: true,
      blockOwnerDeletion: true,
    }]);
    // Every pod Running with an address, each its own uid.
    expect(podsOf(cluster).every((x) => x.status?.phase === 'Running' && x.status.podIP)).toBe(true);
    expect(new Set(podsOf(cluster).map((x) => x.metadata.uid)).size).toBe(3);
  });

  it('honours spec.ordinals.start from 1.27, and adds apps.kubernetes.io/pod-index from 1.28', () => {
    const set = statefulSet('db', 2, { start: 5 });
    expect(names(run([set]).cluster)).toEqual(['db-5', 'db-6']);
    const v127 = run([set], { kubernetesVersion: '1.27' }).cluster;
    expect(names(v127)).toEqual(['db-5', 'db-6']);
    expect(podsOf(v127)[0]!.metadata.labels?.['apps.kubernetes.io/pod-index']).toBeUndefined();
    // StatefulSetStartOrdinal was alpha (off) in 1.26: the controller numbers from 0.
    expect(names(run([set], { kubernetesVersion: '1.26' }).cluster)).toEqual(['db-0', 'db-1']);
  });

  it('the EndpointSlice controller gives each endpoint the pod\'s hostname only under the Service it names', () => {
    const other: Service = { ...headless('db'), metadata: { name: 'db-read' } };
    const { cluster } = run([headless('db'), other, statefulSet('db', 2)]);
    const endpoints = (svc: string) => cluster.endpointSlices
      .filter((s) => s.metadata.labels?.['kubernetes.io/service-name'] === svc)
      .flatMap((s) => s.endpoints)
      .map((e) => [e.targetRef?.name, e.hostname])
      .sort();
    expect(endpoints('db')).toEqual([['db-0', 'db-0'], ['db-1', 'db-1']]);
    expect(endpoints('db-read')).toEqual([['db-0', undefined], ['db-1', undefined]]);
  });
});

describe('StatefulSet: OrderedReady (the default)', () => {
  it('makes pods in ordinal order, each once the one before is Running and Ready', () => {
    const { cluster } = run([statefulSet('db', 3)]);
    const steps = cluster.events
      .filter((e) => e.source === 'statefulset-controller'
        || (e.reason === 'Scheduled' && e.object.name.startsWith('db-')))
      .map((e) => `${e.reason} ${e.reason === 'Scheduled' ? e.object.name : e.message}`);
    expect(steps).toEqual([
      'SuccessfulCreate create Pod db-0 in StatefulSet db successful',
      'Scheduled db-0',
      'SuccessfulCreate create Pod db-1 in StatefulSet db successful',
      'Scheduled db-1',
      'SuccessfulCreate create Pod db-2 in StatefulSet db successful',
      'Scheduled db-2',
    ]);
  });

  it('stops at a pod that is not ready, and goes on once it is', () => {
    const first = run([statefulSet('db', 3, { notReady: true })]);
    expect(names(first.cluster)).toEqual(['db-0']);
    expect(podsOf(first.cluster)[0]!.status?.phase).toBe('Running');
    const ready = markReady(first.state, 'db-0', true);
    // db-1 is made, and is not ready either (the template says so): the rollout waits there.
    expect(names(ready.cluster)).toEqual(['db-0', 'db-1']);
    expect(stsEvents(ready.cluster, lastSeq(first.cluster)))
      .toEqual(['SuccessfulCreate: create Pod db-1 in StatefulSet db successful']);
  });

  it('scales up in order and down from the highest ordinal, one pod at a time', () => {
    const set = statefulSet('db', 2);
    const first = run([set]);
    const up = scale(first.state, set, 4);
    expect(stsEvents(up.cluster, lastSeq(first.cluster))).toEqual([
      'SuccessfulCreate: create Pod db-2 in StatefulSet db successful',
      'SuccessfulCreate: create Pod db-3 in StatefulSet db successful',
    ]);
    const down = scale(up, set, 1);
    expect(names(down.cluster)).toEqual(['db-0']);
    expect(stsEvents(down.cluster, lastSeq(up.cluster))).toEqual([
      'SuccessfulDelete: delete Pod db-3 in StatefulSet db successful',
      'SuccessfulDelete: delete Pod db-2 in StatefulSet db successful',
      'SuccessfulDelete: delete Pod db-1 in StatefulSet db successful',
    ]);
  });

  it('does not scale down while a pod in range is not Running and Ready', () => {
    const set = statefulSet('db', 3);
    const sick = markReady(run([set]).state, 'db-0', false);
    const down = scale(sick, set, 1);
    expect(names(down.cluster)).toEqual(['db-0', 'db-1', 'db-2']);
    expect(names(markReady(down, 'db-0', true).cluster)).toEqual(['db-0']);
  });

  it('makes a deleted pod again under the same name, a new object', () => {
    const first = run([headless('db'), statefulSet('db', 3)]);
    const before = podsOf(first.cluster)[1]!;
    const after = deletePod(first.state, 'db-1');
    expect(names(after.cluster)).toEqual(['db-0', 'db-1', 'db-2']);
    const again = podsOf(after.cluster)[1]!;
    expect(again.metadata.uid).not.toBe(before.metadata.uid);
    expect(again.spec).toMatchObject({ hostname: 'db-1', subdomain: 'db' });
    expect(stsEvents(after.cluster, lastSeq(first.cluster)))
      .toEqual(['SuccessfulCreate: create Pod db-1 in StatefulSet db successful']);
  });
});

describe('StatefulSet: Parallel', () => {
  it('makes every pod at once, ready or not, and deletes the condemned ones together', () => {
    const set = statefulSet('db', 3, { policy: 'Parallel', notReady: true });
    const first = run([set]);
    expect(names(first.cluster)).toEqual(['db-0', 'db-1', 'db-2']);
    expect(stsEvents(first.cluster).slice(0, 3)).toEqual([0, 1, 2].map(
      (i) => `SuccessfulCreate: create Pod db-${i} in StatefulSet db successful`,
    ));
    const down = scale(first.state, set, 1);
    expect(names(down.cluster)).toEqual(['db-0']);
    expect(stsEvents(down.cluster, lastSeq(first.cluster))).toEqual([
      'SuccessfulDelete: delete Pod db-2 in StatefulSet db successful',
      'SuccessfulDelete: delete Pod db-1 in StatefulSet db successful',
    ]);
  });
});

describe('StatefulSet: status', () => {
  it('writes what upstream writes, and kubectl get statefulsets reads READY from it', () => {
    const set = statefulSet('db', 2);
    const { cluster, state } = run([set]);
    const revision = setOf(cluster).status!.updateRevision;
    expect(setOf(cluster).status).toEqual({
      observedGeneration: 1, replicas: 2, readyReplicas: 2, currentReplicas: 2, updatedReplicas: 2,
      currentRevision: revision, updateRevision: revision, collisionCount: 0, availableReplicas: 2,
    });
    const get = (c: Cluster) => kubectlGet(c, { kind: 'sts' });
    expect(get(cluster)).toMatchObject({ ok: true, text: expect.stringMatching(/^NAME +READY +AGE\ndb +2\/2 /) });
    // A scale is a spec change: generation 2, observed by the controller.
    const up = scale(state, set, 3);
    expect(setOf(up.cluster).metadata.generation).toBe(2);
    expect(setOf(up.cluster).status).toMatchObject({ observedGeneration: 2, replicas: 3, readyReplicas: 3 });
    // Not ready: the zero counts are left out, as apps/v1 omits them.
    const sick = run([statefulSet('db', 2, { notReady: true })]).cluster;
    const its = setOf(sick).status!.updateRevision;
    expect(setOf(sick).status).toEqual({
      observedGeneration: 1, replicas: 1, currentReplicas: 1, updatedReplicas: 1, currentRevision: its,
      updateRevision: its, collisionCount: 0, availableReplicas: 0,
    });
    expect(get(sick)).toMatchObject({ text: expect.stringMatching(/\ndb +0\/2 /) });
  });

  it('an incremental change ends where every controller re-syncing from the persisted state ends', () => {
    const set = statefulSet('db', 3);
    let s = run([headless('db'), set]).state;
    s = deletePod(scale(s, set, 4), 'db-2');
    s = markReady(scale(s, set, 2), 'db-1', false);
    const again = resync(s);
    const view = (c: Cluster) =>
      podsOf(c).map((p) => [p.metadata.name, p.metadata.uid, p.status?.podIP, p.spec.nodeName]);
    expect(view(again.cluster)).toEqual(view(s.cluster));
    expect(setOf(again.cluster).status).toEqual(setOf(s.cluster).status);
  });
});

/** The set's ControllerRevisions: name and revision number, by number. */
const revisions = (c: Cluster, set = 'db') => c.others
  .filter((o) => o.kind === 'ControllerRevision' && o.metadata.ownerReferences?.[0]?.name === set)
  .map((o) => [o.metadata.name, o['revision'] as number] as const)
  .sort((a, b) => a[1] - b[1]);
const podRevisions = (c: Cluster) => podsOf(c).map((p) => p.metadata.labels?.['controller-revision-hash']);

describe('StatefulSet: revisions and RollingUpdate', () => {
  it('a template change is a new ControllerRevision; pods are replaced from the highest ordinal down', () => {
    const first = run([statefulSet('db', 3)]);
    const [[old]] = revisions(first.cluster) as [readonly [string, number]];
    expect(setOf(first.cluster).status?.currentRevision).toBe(old);
    const changed = apply(first.state, statefulSet('db', 3, { image: 'nginx:2' }));
    const [, [next, n]] = revisions(changed.cluster) as [unknown, readonly [string, number]];
    expect(n).toBe(2);
    expect(stsEvents(changed.cluster, lastSeq(first.cluster))).toEqual(['db-2', 'db-1', 'db-0'].flatMap((p) => [
      `SuccessfulDelete: delete Pod ${p} in StatefulSet db successful`,
      `SuccessfulCreate: create Pod ${p} in StatefulSet db successful`,
    ]));
    expect(podRevisions(changed.cluster)).toEqual([next, next, next]);
    expect(podsOf(changed.cluster).map((p) => p.spec.containers[0]!.image)).toEqual(['nginx:2', 'nginx:2', 'nginx:2']);
    // Every replica updated and ready: the update revision became the current one.
    expect(setOf(changed.cluster).status)
      .toMatchObject({ currentRevision: next, updateRevision: next, currentReplicas: 3 });
  });

  it('keeps the pods below the partition at the current revision (a canary)', () => {
    const first = run([statefulSet('db', 3, { partition: 2 })]);
    const [[old]] = revisions(first.cluster) as [readonly [string, number]];
    const changed = apply(first.state, statefulSet('db', 3, { partition: 2, image: 'nginx:2' }));
    const next = setOf(changed.cluster).status!.updateRevision;
    expect(podRevisions(changed.cluster)).toEqual([old, old, next]);
    expect(setOf(changed.cluster).status).toMatchObject({
      currentRevision: old, updateRevision: next, currentReplicas: 2, updatedReplicas: 1,
    });
    // A pod below the partition deleted by hand comes back at the current revision.
    expect(podRevisions(deletePod(changed, 'db-0').cluster)).toEqual([old, old, next]);
  });

  it('rolls back to an earlier template by renumbering its revision, not by making another', () => {
    const first = run([statefulSet('db', 2)]);
    const [[one]] = revisions(first.cluster) as [readonly [string, number]];
    const two = apply(first.state, statefulSet('db', 2, { image: 'nginx:2' }));
    const back = apply(two, statefulSet('db', 2));
    const listed = revisions(back.cluster);
    expect(listed).toHaveLength(2);
    expect(listed.at(-1)).toEqual([one, 3]);
    expect(podRevisions(back.cluster)).toEqual([one, one]);
  });

  it('OnDelete replaces no pod by itself: a pod deleted by hand comes back at the new revision', () => {
    const onDelete = (image?: string): StatefulSet => {
      const s = statefulSet('db', 2, { image });
      return { ...s, spec: { ...s.spec, updateStrategy: { type: 'OnDelete' } } };
    };
    const first = run([onDelete()]);
    const old = setOf(first.cluster).status!.updateRevision;
    const changed = apply(first.state, onDelete('nginx:2'));
    const next = setOf(changed.cluster).status!.updateRevision;
    expect(podRevisions(changed.cluster)).toEqual([old, old]);
    expect(podRevisions(deletePod(changed, 'db-1').cluster)).toEqual([old, next]);
  });

  it('counts a pod not ready against maxUnavailable from 1.35; before, replaces the others one at a time', () => {
    // Parallel: the replicas need not all be ready before an update starts.
    const roll = (kubernetesVersion: string) => {
      const first = run([statefulSet('db', 3, { policy: 'Parallel' })], { kubernetesVersion });
      const sick = markReady(first.state, 'db-1', false);
      const changed = apply(sick, statefulSet('db', 3, { policy: 'Parallel', image: 'nginx:2' }));
      const next = setOf(changed.cluster).status!.updateRevision;
      const updated = podRevisions(changed.cluster).map((r) => r === next);
      return { strategy: setOf(first.cluster).spec.updateStrategy, updated };
    };
    // 1.35: db-1 is the one pod allowed to be unavailable; nothing else is taken down.
    expect(roll('1.35')).toEqual({
      strategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0, maxUnavailable: 1 } },
      updated: [false, false, false],
    });
    // 1.34: highest first, waiting only while the pod just replaced is not ready; db-1 is stale, so replaced too.
    expect(roll('1.34')).toEqual({
      strategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
      updated: [true, true, true],
    });
  });
});

describe('StatefulSet: garbage collection and the apiserver', () => {
  it('its pods and revisions go with it', () => {
    const first = run([headless('db'), statefulSet('db', 2)]);
    const ref = { kind: 'StatefulSet', namespace: 'default', name: 'db' };
    const gone = applyChange(first.state, { kind: 'delete', ref });
    expect(names(gone.cluster)).toEqual([]);
    expect(revisions(gone.cluster)).toEqual([]);
  });

  it('defaults the spec as the apps/v1 apiserver does, and refuses what it refuses in its words', () => {
    const { cluster } = run([statefulSet('db', 1)]);
    expect(setOf(cluster).spec).toMatchObject({
      podManagementPolicy: 'OrderedReady',
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0, maxUnavailable: 1 } },
      persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
      revisionHistoryLimit: 10,
    });
    const bad = statefulSet('db', 1, { policy: 'Burst' as 'Parallel' });
    expect(run([bad]).problems.map((p) => p.message)).toEqual([
      'The StatefulSet "db" is invalid: spec.podManagementPolicy: Invalid value: "Burst": '
        + "must be 'OrderedReady' or 'Parallel'",
    ]);
    const first = run([statefulSet('db', 1)]);
    const renamed = { ...statefulSet('db', 1), spec: { ...statefulSet('db', 1).spec, serviceName: 'other' } };
    expect(apply(first.state, renamed).problems.map((p) => p.message)).toEqual([
      'The StatefulSet "db" is invalid: spec: Forbidden: updates to statefulset spec for fields other than '
        + "'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and "
        + "'minReadySeconds' are forbidden",
    ]);
  });

  it('a pod the apiserver refuses is a FailedCreate event with its error, and the set waits', () => {
    const set = statefulSet('db', 2);
    const badPort = { ...set.spec.template.spec.containers[0]!, ports: [{ containerPort: 70000 }] };
    const bad = { ...set, spec: { ...set.spec, template: { ...set.spec.template, spec: { containers: [badPort] } } } };
    const { cluster, problems } = run([bad]);
    expect(problems).toEqual([]);
    expect(names(cluster)).toEqual([]);
    expect(stsEvents(cluster)).toEqual([
      'FailedCreate: create Pod db-0 in StatefulSet db failed error: Pod "db-0" is invalid: '
        + 'spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive',
    ]);
  });
});

describe('StatefulSet: a cluster snapshot', () => {
  const given = (name: string, ip: string): Pod => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      labels: { app: 'db', 'controller-revision-hash': 'db-7d9f8c6b5' },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'db', uid: 'u1', controller: true }],
    },
    spec: { containers: [{ name: 'web', image: 'nginx' }], hostname: name, subdomain: 'db', nodeName: 'node-1' },
    status: { phase: 'Running', podIP: ip, conditions: [{ type: 'Ready', status: 'True' }] },
  });
  const set = (): StatefulSet => ({
    ...statefulSet('db', 3),
    status: { replicas: 2, availableReplicas: 2, updateRevision: 'db-7d9f8c6b5', currentRevision: 'db-7d9f8c6b5' },
  });

  it('keeps the pods the snapshot gave, makes the missing ordinal at the revision they run, and rolls none', () => {
    const first = run([set(), given('db-0', '10.244.0.20'), given('db-1', '10.244.0.21')], { snapshot: true });
    expect(first.problems).toEqual([]);
    const c = first.cluster;
    expect(podsOf(c).map((p) => [p.metadata.name, p.status?.podIP ?? 'new'])).toEqual([
      ['db-0', '10.244.0.20'], ['db-1', '10.244.0.21'], ['db-2', expect.any(String)],
    ]);
    expect(podRevisions(c)).toEqual(['db-7d9f8c6b5', 'db-7d9f8c6b5', 'db-7d9f8c6b5']);
    expect(stsEvents(c)).toEqual(['SuccessfulCreate: create Pod db-2 in StatefulSet db successful']);
    // An edit afterwards runs the controller normally: the revision the snapshot named is the template's.
    const after = deletePod(first.state, 'db-2');
    expect(stsEvents(after.cluster, lastSeq(c)))
      .toEqual(['SuccessfulCreate: create Pod db-2 in StatefulSet db successful']);
    expect(podsOf(after.cluster).slice(0, 2).map((p) => p.status?.podIP)).toEqual(['10.244.0.20', '10.244.0.21']);
  });
});
