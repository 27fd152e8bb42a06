// What every controller sees: the store (apiserver), the lab settings, the event recorder, the
// persisted allocator state (what a real cluster keeps in etcd or on disk: host-local's reserved
// IPs, the name generators' streams) and informer-style indexes.

import type { LabSettings } from '../lab';
import type { ClusterEvent } from '../events';
import type { RandState } from '../net/rand';
import { SeededRandom } from '../net/rand';
import type { ObjectStore } from '../api/store';
import type { EndpointConditions, Node, Pod, PodCondition, PodTemplateSpec, Service } from '../api/types';
import type { Cidr } from '../net/ip';
import { objectKey } from '../api/types';
import { CowMap } from '../api/cowmap';

/** host-local IPAM state for one node's podCIDR: reserved offsets and the last one handed out. */
export interface HostLocalRange {
  base: number;
  size: number;
  last: number;
  used: Set<number>;
}

export interface ControllerState {
  /** host-local IPAM per node name. */
  podIPAM: CowMap<HostLocalRange>;
  /** Node ranges already copied since the last fork (the rest are shared with the previous state). */
  ipamOwned: Set<string>;
  /**
   * The random stream behind generateName for each owner (ReplicaSet, DaemonSet, Service slices), and
   * behind the uids of a StatefulSet's pods (a pod made again under its old name is a new object).
   */
  nameStreams: CowMap<RandState>;
  /** LoadBalancer ingress IPs in use: ip -> service key. */
  lbInUse: Map<string, string>;
}

export function cloneControllerState(s: ControllerState): ControllerState {
  return {
    podIPAM: s.podIPAM.fork(),
    ipamOwned: new Set(),
    nameStreams: s.nameStreams.fork(),
    lbInUse: new Map(s.lbInUse),
  };
}

export function emptyControllerState(): ControllerState {
  return { podIPAM: new CowMap(), ipamOwned: new Set(), nameStreams: new CowMap(), lbInUse: new Map() };
}

/** A node's host-local range, copied before its first write after a fork. */
export function writableRange(state: ControllerState, node: string): HostLocalRange | undefined {
  const r = state.podIPAM.get(node);
  if (!r || state.ipamOwned.has(node)) return r;
  const copy = { ...r, used: new Set(r.used) };
  state.podIPAM.set(node, copy);
  state.ipamOwned.add(node);
  return copy;
}

/** key -> set of member keys, e.g. "ns\0app=web" -> pod keys. Buckets are copied on first write after a fork. */
export class SetIndex {
  /** Marks the buckets this index made (and so may change in place): one lookup per write. */
  private readonly token = {};
  /** Buckets that left the map so far: buckets kept in a BucketMemo are valid while it stays. */
  private removals = 0;
  constructor(private readonly map: CowMap<Members> = new CowMap()) {}

  fork(): SetIndex {
    return new SetIndex(this.map.fork());
  }

  private writable(k: string, b: Members | undefined): Members {
    if (b && b.owner === this.token) return b;
    const members = new Members(this.token, b);
    this.map.set(k, members);
    return members;
  }

  add(k: string, member: string): void {
    this.writable(k, this.map.get(k)).add(member);
  }

  remove(k: string, member: string): void {
    const b = this.map.get(k);
    if (!b?.has(member)) return;
    const s = this.writable(k, b);
    s.delete(member);
    if (s.size === 0) {
      this.map.delete(k);
      this.removals++;
    }
  }

  /**
   * `add(k, member)` for each of the distinct `keys`, through the buckets `memo` kept of them: the
   * pods of a template add themselves under the same label pairs one after another (two lookups
   * per pod in a map of ~20,000 keys saved).
   */
  addToEach(keys: readonly string[], member: string, memo: { buckets?: BucketMemo }): void {
    let m = memo.buckets;
    if (m?.index !== this || m.removals !== this.removals) {
      const members = keys.map((k) => this.writable(k, this.map.get(k)));
      m = memo.buckets = { index: this, removals: this.removals, members };
    }
    for (const b of m.members) b.add(member);
  }

  /** Adds `member` or, when it is in already, moves it last (as a remove and an add would). */
  moveToEnd(k: string, member: string): void {
    const b = this.map.get(k);
    if (b && b.size === 1 && b.has(member)) return;
    const s = this.writable(k, b);
    s.delete(member);
    s.add(member);
  }

  get(k: string): ReadonlyMembers | undefined {
    return this.map.get(k);
  }
}

/** Buckets of one index a caller keeps, writable in place while none has left it since. */
export interface BucketMemo {
  readonly index: SetIndex;
  readonly removals: number;
  readonly members: readonly Members[];
}

/** What a bucket's reader sees: its size, membership, and the members in insertion order. */
export type ReadonlyMembers = Pick<Members, 'size' | 'has'> & Iterable<string>;

/** Buckets of more members than this keep them in a Set. */
const SMALL_BUCKET = 8;

/**
 * A bucket's members in insertion order, with a Set's semantics (an added member already in stays
 * where it is, a deleted one leaves the rest in order). Most buckets hold a template's few pods, an
 * owner's one ReplicaSet or a Service's one slice: an array holds those in a fraction of a Set's
 * memory (a reconcile keeps ~60,000 buckets); a bucket that grows past SMALL_BUCKET becomes a Set.
 */
class Members implements Iterable<string> {
  private items: string[] | Set<string>;

  /** `owner`: the token of the index that made this bucket (the one that may change it in place). */
  constructor(
    readonly owner: object,
    from?: Members,
  ) {
    const f = from?.items;
    this.items = !f ? [] : Array.isArray(f) ? f.slice() : new Set(f);
  }

  get size(): number {
    const i = this.items;
    return Array.isArray(i) ? i.length : i.size;
  }

  has(m: string): boolean {
    return this.items instanceof Set ? this.items.has(m) : this.items.includes(m);
  }

  add(m: string): void {
    const i = this.items;
    if (i instanceof Set) i.add(m);
    else if (i.includes(m)) return;
    else if (i.length < SMALL_BUCKET) i.push(m);
    else this.items = new Set(i).add(m);
  }

  delete(m: string): void {
    const i = this.items;
    if (i instanceof Set) i.delete(m);
    else {
      const at = i.indexOf(m);
      if (at >= 0) i.splice(at, 1);
    }
  }

  [Symbol.iterator](): Iterator<string> {
    return this.items[Symbol.iterator]();
  }
}

/**
 * "ns\0key=value": one flat string (join), not a template literal's chain of five, which every index
 * lookup would first copy into a flat one and which the index keeps alive beside that copy.
 */
export const labelKey = (ns: string, k: string, v: string): string => [ns, '\u0000', k, '=', v].join('');

export interface Indexes {
  /** Pods by namespace and each label pair. */
  podsByLabel: SetIndex;
  /** Services (with a selector) by namespace and each selector pair. */
  servicesBySelector: SetIndex;
  /** Pods by the key of their controller owner ("ReplicaSet/ns/name"). */
  podsByOwner: SetIndex;
  /** How many pods are bound to each node name: all the scheduler reads of a node's pods. */
  podsPerNode: CowMap<number>;
  /** EndpointSlices by "ns/service". */
  slicesByService: SetIndex;
  /** The keys of pods the scheduler found no node for (under the one key ""), waiting for room. */
  unschedulablePods: SetIndex;
}

export function emptyIndexes(): Indexes {
  return {
    podsByLabel: new SetIndex(),
    servicesBySelector: new SetIndex(),
    podsByOwner: new SetIndex(),
    podsPerNode: new CowMap(),
    slicesByService: new SetIndex(),
    unschedulablePods: new SetIndex(),
  };
}

export function forkIndexes(i: Indexes): Indexes {
  return {
    podsByLabel: i.podsByLabel.fork(),
    servicesBySelector: i.servicesBySelector.fork(),
    podsByOwner: i.podsByOwner.fork(),
    podsPerNode: i.podsPerNode.fork(),
    slicesByService: i.slicesByService.fork(),
    unschedulablePods: i.unschedulablePods.fork(),
  };
}

export type QueueName =
  | 'serviceaccount'
  | 'deployment'
  | 'replicaset'
  | 'daemonset'
  | 'statefulset'
  | 'scheduler'
  | 'kubelet'
  | 'service-lb'
  | 'endpointslice'
  | 'endpointslicemirroring';

/**
 * The order controllers drain their queues in, each pass, until every queue is empty. The workload
 * controllers create pods before the scheduler and the kubelet run, so a pass takes a new pod to
 * Running; a StatefulSet in OrderedReady then makes its next pod in the next pass, once the last
 * one is ready.
 */
export const QUEUE_ORDER: readonly QueueName[] = [
  'serviceaccount',
  'deployment',
  'replicaset',
  'daemonset',
  'statefulset',
  'scheduler',
  'kubelet',
  'service-lb',
  'endpointslice',
  'endpointslicemirroring',
];

export interface Ctx {
  store: ObjectStore;
  settings: LabSettings;
  state: ControllerState;
  index: Indexes;
  queues: Record<QueueName, WorkQueue>;
  /**
   * Recorded events; the reconciler numbers them (seq, the last field). A recorder that writes many
   * (one per pod) may give `seq: 0` last in its literal: the number then fills a slot the object
   * has instead of growing it, in the same place.
   */
  events: (Omit<ClusterEvent, 'seq'> & { seq?: number })[];
  /**
   * The first reconcile of a cluster snapshot (settings.snapshot): what the real controllers
   * published is kept as given (no garbage collection of pods whose owner the snapshot left out,
   * EndpointSlices not rewritten); the controllers report where they would differ.
   */
  preserve?: boolean;
  /** Facts derived from the (immutable) objects this run reads, each computed once. */
  derived: Derived;
  /** Ends the run: the store stops calling this run's handlers (set by the reconciler). */
  done?: () => void;
}

/**
 * What the controllers derive from objects, kept for one control-plane run the way informers keep
 * their caches beside the objects: keyed by object (objects are never mutated once written, every
 * write makes a new one), so an entry is never stale. A fresh run starts empty.
 */
export interface Derived {
  /** A pod template's canonical text, with and without its pod-template-hash label. */
  templates: WeakMap<PodTemplateSpec, TemplateFacts>;
  /** What the kubelet reads of its node: the InternalIP and the parsed podCIDR. */
  nodes: WeakMap<Node, NodeFacts>;
  /**
   * A StatefulSet revision's data as canonical text (statefulset.ts), by the set's template or by a
   * ControllerRevision's data: equal texts are equal revisions (history.FindEqualRevisions).
   */
  revisions: WeakMap<object, string>;
  /** The conditions of a running, ready pod (the kubelet's), and a just-bound pod's (the scheduler's). */
  readyConditions?: PodCondition[];
  scheduledConditions?: PodCondition[];
  /** EndpointSlice endpoints' conditions, one object per combination (endpointslice.ts). */
  endpointConditions?: EndpointConditions[];
  /** The labels of the legacy Endpoints of a Service without labels, shared (endpointslice.ts). */
  endpointsLabels?: Record<string, string>;
  /**
   * What the informer handlers read of a pod's labels and of its owner references (informers.ts), by
   * those objects: the pods of one template share both (podtemplate.ts), so a template's pods derive
   * them once, and a pod's three writes on its way to Running (which keep its metadata) find them again.
   */
  labels: WeakMap<object, LabelFacts>;
  owners: WeakMap<object, OwnerFacts>;
  /** The labels and owner facts the last pod event used: the pods of one owner come one after another. */
  lastLabels?: LabelFacts;
  lastOwner?: OwnerFacts;
  /** Bumped on every Service event: what a labels object's `services` are valid for. */
  serviceGeneration: number;
  /** Bumped when a ReplicaSet comes, goes or changes its controller: what an owner's `deployment` is valid for. */
  replicaSetGeneration: number;
}

/** What the Deployment controller derives from a pod template (deployment.ts). */
export interface TemplateFacts {
  canonical?: string;
  stripped?: string;
}

/** What the kubelet reads of a node: its InternalIP (and the pods' hostIPs list), the parsed podCIDR. */
export interface NodeFacts {
  hostIP: string | undefined;
  hostIPs: { ip: string }[] | undefined;
  podCIDR: Cidr | null;
  /** The node's host-local range as this run last wrote it (valid while podIPAM still holds it). */
  range?: HostLocalRange;
}

/** A labels object in a namespace, as the pod handler reads it. */
export interface LabelFacts {
  /** The labels object these facts are for, and the pod's namespace. */
  readonly labels: object | undefined;
  readonly ns: string;
  /** labelKey(ns, k, v) of each label, in the labels' order. */
  readonly keys: readonly string[];
  /** The Services selecting pods with these labels (servicesForPod), as of `generation` (serviceGeneration). */
  services: readonly string[];
  generation: number;
  /** The endpointslice queue's epoch when `services` were last enqueued (WorkQueue.epoch), else -1. */
  servicesQueued: number;
  /** The podsByLabel buckets of `keys` (SetIndex.addToEach). */
  buckets?: BucketMemo;
}

/** An ownerReferences list in a namespace: the controller owner, as the pod handler reads it. */
export interface OwnerFacts {
  readonly refs: object;
  readonly ns: string;
  /** "ReplicaSet/ns/name" (ownerKeyOf), its kind and its "ns/name". */
  readonly owner: string | undefined;
  readonly kind: string | undefined;
  readonly key: string | undefined;
  /** A ReplicaSet owner's Deployment ("ns/name"), as of `generation` (replicaSetGeneration). */
  deployment: string | undefined;
  generation: number;
  /** The owner's and the Deployment's queue epochs when `key` and `deployment` were last enqueued (-1: not yet). */
  keyQueued: number;
  deploymentQueued: number;
}

export function emptyDerived(): Derived {
  return {
    templates: new WeakMap(),
    nodes: new WeakMap(),
    revisions: new WeakMap(),
    labels: new WeakMap(),
    owners: new WeakMap(),
    serviceGeneration: 0,
    replicaSetGeneration: 0,
  };
}

/**
 * A controller's work queue: a set of keys (a key enqueued twice is synced once), in the order first
 * enqueued. `take` hands over the keys queued so far; keys enqueued while they run wait for the next pass.
 */
export class WorkQueue {
  /** The keys, in the order first enqueued. */
  private order: string[] = [];
  /**
   * The same keys as a set, built on the first `add` that may repeat one: the scheduler's and the
   * kubelet's queues take 50,000 new pod keys per reconcile through `addNew`, no set insert each.
   */
  private members: Set<string> | null = null;
  /** `addNew`'s promise no longer holds until the next `take` (see mayRepeat). */
  private repeatable = false;
  /** The last key added: the pods of one owner enqueue its key over and over, one after another. */
  private last: string | undefined;
  /**
   * How many times the keys were taken: a key added since the last `take` is queued still, so a
   * caller that noted the epoch it added a key in knows a second add would do nothing.
   */
  epoch = 0;

  add(key: string): void {
    if (key === this.last) return;
    this.last = key;
    const m = (this.members ??= new Set(this.order));
    const n = m.size;
    m.add(key);
    if (m.size !== n) this.order.push(key);
  }

  /**
   * Adds a key the caller knows no event since the last `take` could have queued (a pod just
   * created, or just bound), unless `mayRepeat` was called since: then as `add`.
   */
  addNew(key: string): void {
    if (this.repeatable) return this.add(key);
    this.last = key;
    this.order.push(key);
    this.members?.add(key);
  }

  /** A key this queue may hold was released (its object deleted or unbound): `addNew` checks again. */
  mayRepeat(): void {
    this.repeatable = true;
  }

  take(): readonly string[] {
    const keys = this.order;
    this.order = [];
    this.members = null;
    this.repeatable = false;
    this.last = undefined;
    this.epoch++;
    return keys;
  }
}

export function emptyQueues(): Record<QueueName, WorkQueue> {
  return Object.fromEntries(QUEUE_ORDER.map((q) => [q, new WorkQueue()])) as Record<QueueName, WorkQueue>;
}

/** The generateName stream for an owner, resumed where it stopped (so a replacement pod gets a new name). */
export function withNameStream<T>(ctx: Ctx, owner: string, f: (r: SeededRandom) => T): T {
  const saved = ctx.state.nameStreams.get(owner);
  const r = saved ? new SeededRandom(saved) : SeededRandom.fromSeed(ctx.settings.seed, `generateName/${owner}`);
  const out = f(r);
  ctx.state.nameStreams.set(owner, r.state());
  return out;
}

export function serviceSelects(svc: Service, pod: Pod): boolean {
  const sel = svc.spec.selector;
  if (!sel || Object.keys(sel).length === 0) return false;
  if ((svc.metadata.namespace ?? 'default') !== (pod.metadata.namespace ?? 'default')) return false;
  const l = pod.metadata.labels ?? {};
  for (const k in sel) if (l[k] !== sel[k]) return false;
  return true;
}

/**
 * Services in the pod's namespace whose selector matches the pod's labels (via the selector index).
 * `labelKeys`: the pod's labelKey pairs, as the informers derived them once per labels object (so a
 * pod's lookups reuse those strings and their hashes instead of building new ones).
 */
export function servicesForPod(ctx: Ctx, pod: Pod, labelKeys: readonly string[]): string[] {
  // Runs on every pod write: a plain array while it is short (a pod matches few Services), a Set
  // beside it once it is not.
  const out: string[] = [];
  let seen: Set<string> | undefined;
  for (const lk of labelKeys) {
    const keys = ctx.index.servicesBySelector.get(lk);
    if (!keys) continue;
    for (const key of keys) {
      if (seen ? seen.has(key) : out.includes(key)) continue;
      const svc = ctx.store.get<Service>('Service', key);
      if (!svc || !serviceSelects(svc, pod)) continue;
      out.push(key);
      if (seen) seen.add(key);
      else if (out.length > 16) seen = new Set(out);
    }
  }
  return out;
}

export type OwnedMeta = {
  namespace?: string;
  ownerReferences?: { kind: string; name: string; controller?: boolean }[];
};

/** The owner reference that counts: the controller's, else the first. */
export function controllerRef(o: { metadata: OwnedMeta }): { kind: string; name: string } | undefined {
  return o.metadata.ownerReferences?.find((r) => r.controller) ?? o.metadata.ownerReferences?.[0];
}

export function ownerKeyOf(o: { metadata: OwnedMeta }): string | undefined {
  const ref = controllerRef(o);
  return ref ? `${ref.kind}/${o.metadata.namespace ?? 'default'}/${ref.name}` : undefined;
}

export const keyOf = objectKey;
