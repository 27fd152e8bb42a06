// The object store: what kube-apiserver plus etcd are to a real cluster. Every write goes through
// defaulting, validation, admission (NamespaceLifecycle, DefaultIngressClass) and, for Services, the
// registry's ClusterIP / nodePort allocators; accepted writes become watch events that controllers
// consume, as informers do. A rejected write returns problems (values, never exceptions) and
// leaves the store as it was.

import { Hash128, SeededRandom } from '../net/rand';
import { parseCidr } from '../net/ip';
import type { LabSettings } from '../lab';
import type {
  Ingress,
  IngressClass,
  KubeObject,
  ObjectMeta,
  OtherObject,
  Pod,
  PodSpec,
  Service,
  ServicePort,
  ServiceSpec,
  StatefulSet,
} from './types';
import { isNamespaced, objectKey } from './types';
import { applyDefaults, podWithSpec } from './defaults';
import { sameJson, validateObject, validateStatefulSetUpdate, ValidationMemo } from './validation';
import { crdGeneration } from './gateway-validation';
import { ClusterIPAllocator, NodePortAllocator } from './alloc';
import {
  invalid,
  int,
  invalidProblems,
  raw,
  resourceOf,
  type ApiProblem,
  type FieldError,
  type ObjectRef,
} from './errors';
import { goStringSlice } from './validation';
import { CowMap } from './cowmap';

/** The namespaces the NamespaceLifecycle admission plugin refuses to delete (its immortalNamespaces). */
const IMMORTAL_NAMESPACES: ReadonlySet<string> = new Set(['default', 'kube-system', 'kube-public']);


export type AnyObject = KubeObject | OtherObject;

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

/** One change record, as a watch stream delivers it. `old` is the previous version (MODIFIED, DELETED). */
export interface WatchEvent {
  type: WatchEventType;
  object: AnyObject;
  old?: AnyObject;
}

/**
 * `key` is the object's key as the store holds it (objectKey): the one string a handler can carry on
 * to queues, indexes and later writes, so a key is built and hashed once per object, not per use.
 */
export type WatchListener = (e: WatchEvent, key: string) => void;

export type WriteResult<T extends AnyObject = AnyObject> =
  | { ok: true; object: T }
  | { ok: false; problems: ApiProblem[] };

export interface StoreOptions {
  /** Reject objects in namespaces that do not exist (the NamespaceLifecycle admission plugin). */
  checkNamespaces: boolean;
}

export interface CreateOptions {
  /** Draws the 5 characters for metadata.generateName (the apiserver's SimpleNameGenerator). */
  nameRand?: SeededRandom;
}

/** The apiserver's name-generator alphabet (k8s.io/apimachinery/pkg/util/rand): no vowels, no 0/1/3. */
export const SAFE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

export function randomString(rand: SeededRandom, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += SAFE_ALPHABET[rand.int(SAFE_ALPHABET.length)];
  return s;
}

/**
 * Makes `codes` `n` long by push and pop: the array stays packed (setting its length leaves holes,
 * and `apply` copies an array with holes before it reads it).
 */
function sizeCodes(codes: number[], n: number): void {
  while (codes.length > n) codes.pop();
  while (codes.length < n) codes.push(0);
}

/**
 * `base` and 5 characters drawn as `randomString(rand, 5)` draws them, built as one flat string from
 * character codes in `codes` (a buffer the caller keeps).
 */
function generatedKey(codes: number[], base: string, rand: SeededRandom): string {
  const n = base.length;
  // A name longer than any valid one (validation refuses it next) is built the plain way.
  if (n > 1024) return base + randomString(rand, 5);
  sizeCodes(codes, n + 5);
  for (let i = 0; i < n; i++) codes[i] = base.charCodeAt(i);
  for (let i = 0; i < 5; i++) codes[n + i] = SAFE_ALPHABET.charCodeAt(rand.int(SAFE_ALPHABET.length));
  return String.fromCharCode.apply(null, codes);
}

export const IS_DEFAULT_INGRESS_CLASS = 'ingressclass.kubernetes.io/is-default-class';

export function refOf(o: { kind: string; metadata: { name: string; namespace?: string } }): ObjectRef {
  const ref: ObjectRef = { kind: o.kind, name: o.metadata.name ?? '' };
  if (isNamespaced(o.kind, o.metadata.namespace)) ref.namespace = o.metadata.namespace ?? 'default';
  return ref;
}

export function refKey(ref: ObjectRef): string {
  return isNamespaced(ref.kind, ref.namespace) ? `${ref.namespace ?? 'default'}/${ref.name}` : ref.name;
}

/** The character codes of the hex digits 0-9a-f (a table: the digits of a hash are random, a branch on them is not). */
const HEX_CODES: readonly number[] = [...'0123456789abcdef'].map((c) => c.charCodeAt(0));

/** Writes the hex digits of `x` from the nibble at bit `hi` down to the one at bit `lo`; returns the next index. */
function pushHex(out: number[], at: number, x: number, hi: number, lo: number): number {
  for (let s = hi; s >= lo; s -= 4) out[at++] = HEX_CODES[(x >>> s) & 15]!;
  return at;
}

/**
 * A deterministic UID for an object (real UIDs are random v4; the lab's are seeded): the 32 hex
 * digits of a 128-bit hash as 8-4-4-4-12, the 13th digit replaced by the version 4, the 17th by
 * the variant a. Built from character codes: one flat string per uid (a template literal of the five
 * groups left a chain of ~7 cons strings behind every object's uid, a third of what a reconcile
 * retained in strings). `scratch`: where to hash and build it (a store keeps one: a fresh 36-element
 * array and the hash's arrays per object were the largest things a create threw away).
 */
export function stableUid(
  seed: string,
  kind: string,
  key: string,
  scratch: UidScratch = new UidScratch(),
  base = '',
): string {
  const h = scratch.hash.copy(scratch.headOf(seed, kind, base)).add(key, base.length).end();
  const { h1: a, h2: b, h3: c, h4: d } = h;
  const codes = scratch.codes;
  const DASH = 45;
  let at = pushHex(codes, 0, a, 28, 0);
  codes[at++] = DASH;
  at = pushHex(codes, at, b, 28, 16);
  codes[at++] = DASH;
  codes[at++] = 52 /* 4 */;
  at = pushHex(codes, at, b, 8, 0);
  codes[at++] = DASH;
  codes[at++] = 97 /* a */;
  at = pushHex(codes, at, c, 24, 16);
  codes[at++] = DASH;
  at = pushHex(codes, at, c, 12, 0);
  pushHex(codes, at, d, 28, 0);
  return String.fromCharCode.apply(null, codes);
}

/** A hasher and a buffer for uid characters, reused across one store's writes (see stableUid). */
export class UidScratch {
  readonly hash = new Hash128();
  readonly codes: number[] = [];
  /** The hash of the last seed, kind and key head (see headOf). */
  private readonly head = new Hash128();
  private seed: string | undefined;
  private kind: string | undefined;
  private base: string | undefined;

  constructor() {
    sizeCodes(this.codes, 36);
  }

  /**
   * The hash of `seed`, `kind` and `base`, the head of the key hashed next: kept while they repeat
   * (a controller's pods share all three: each uid then hashes its key's 5 drawn characters).
   */
  headOf(seed: string, kind: string, base: string): Hash128 {
    if (seed !== this.seed || kind !== this.kind || base !== this.base) {
      this.head.begin().add(seed).add('\u0000uid\u0000').add(kind).add('\u0000').add(base);
      this.seed = seed;
      this.kind = kind;
      this.base = base;
    }
    return this.head;
  }
}

export class ObjectStore {
  private readonly kinds: Map<string, CowMap<AnyObject>>;
  /** Kinds written since this store was created or forked (lets callers reuse untouched lists). */
  readonly dirtyKinds = new Set<string>();
  private readonly listeners: WatchListener[] = [];
  readonly clusterIPs: ClusterIPAllocator;
  readonly nodePorts: NodePortAllocator;
  /**
   * When each object was created, on the lab's logical clock (see `clock`), kept beside the objects
   * rather than in metadata.creationTimestamp: the timestamp decides ingress-nginx and Gateway
   * conflict order, and stamping it would change what existing labs route. kubectl's AGE reads it.
   */
  private readonly created: Map<string, CowMap<number>>;
  /** What this store's validation found valid before (a fork starts empty). */
  private readonly validated = new ValidationMemo();
  /** Character codes of the name being generated and of the uid being built (see generatedKey, stableUid). */
  private readonly nameCodes: number[] = [];
  private readonly uidScratch = new UidScratch();
  /** The last generated-name pod that passed defaulting and validation (see rememberPod). */
  private lastPod: { metadata: ObjectMeta; spec: PodSpec; status: unknown; defaulted: PodSpec } | undefined;
  /** The last generated name's prefix (see nameBase). */
  private lastNameBase:
    | { ns: string | undefined; generateName: string | undefined; base: string; prefixLength: number }
    | undefined;
  /** The kinds last written and read, and their maps (see `bucket`, `objectsOf`). */
  private writtenKind: string | undefined;
  private writtenObjects: CowMap<AnyObject> | undefined;
  private readKind: string | undefined;
  private readObjects: CowMap<AnyObject> | undefined;
  /** The lab's logical time for the next write (the control plane's event count); set by the reconciler. */
  clock: () => number = () => 0;

  constructor(
    readonly settings: LabSettings,
    readonly options: StoreOptions,
    from?: ObjectStore,
  ) {
    if (from) {
      this.kinds = new Map([...from.kinds].map(([k, m]) => [k, m.fork()]));
      this.created = new Map([...from.created].map(([k, m]) => [k, m.fork()]));
      this.clusterIPs = from.clusterIPs.clone();
      this.nodePorts = from.nodePorts.clone();
    } else {
      this.kinds = new Map();
      this.created = new Map();
      const cidr = parseCidr(settings.serviceCIDR, true) ?? parseCidr('10.96.0.0/12')!;
      this.clusterIPs = ClusterIPAllocator.create(cidr);
      this.nodePorts = NodePortAllocator.create(settings.nodePortRange);
    }
  }

  /** A copy that shares no mutable state with this one (objects are immutable and shared). Listeners are not copied. */
  fork(): ObjectStore {
    return new ObjectStore(this.settings, this.options, this);
  }

  watch(listener: WatchListener): () => void {
    this.listeners.push(listener);
    return () => {
      const i = this.listeners.indexOf(listener);
      if (i >= 0) this.listeners.splice(i, 1);
    };
  }

  private emit(e: WatchEvent, key: string): void {
    for (const l of this.listeners) l(e, key);
  }

  private bucket(kind: string): CowMap<AnyObject> {
    // A kind's map is made once per store: the one written last is at hand (writes come in runs of a kind).
    if (kind === this.writtenKind && this.writtenObjects) return this.writtenObjects;
    this.dirtyKinds.add(kind);
    let m = this.kinds.get(kind);
    if (!m) {
      m = new CowMap();
      this.kinds.set(kind, m);
    }
    this.writtenKind = kind;
    this.writtenObjects = m;
    return m;
  }

  /** A kind's objects, undefined before its first write; the kind read last is at hand. */
  private objectsOf(kind: string): CowMap<AnyObject> | undefined {
    if (kind === this.readKind) return this.readObjects;
    const m = this.kinds.get(kind);
    if (m) {
      this.readKind = kind;
      this.readObjects = m;
    }
    return m;
  }

  /** Creation times of one kind's objects, by the same key as `kinds`. */
  private createdOf(kind: string): CowMap<number> {
    let m = this.created.get(kind);
    if (!m) {
      m = new CowMap();
      this.created.set(kind, m);
    }
    return m;
  }

  get<T extends AnyObject = AnyObject>(kind: string, key: string): T | undefined {
    return this.objectsOf(kind)?.get(key) as T | undefined;
  }

  list<T extends AnyObject = AnyObject>(kind: string): T[] {
    return (this.kinds.get(kind)?.toArray() ?? []) as T[];
  }

  values<T extends AnyObject = AnyObject>(kind: string): IterableIterator<T> {
    // A kind never written has nothing to list (no empty map to build: Node events ask for DaemonSets).
    const m = this.kinds.get(kind);
    return (m ? m.values() : ([] as AnyObject[]).values()) as IterableIterator<T>;
  }

  count(kind: string): number {
    return this.kinds.get(kind)?.size ?? 0;
  }

  /** The creation times recorded so far, frozen at this moment (later writes do not show). */
  creationTimes(): (kind: string, key: string) => number | undefined {
    const snapshot = new Map([...this.created].map(([k, m]) => [k, m.fork()]));
    return (kind, key) => snapshot.get(kind)?.get(key);
  }

  kindsPresent(): string[] {
    return [...this.kinds.keys()];
  }

  /** POST: default, validate, admit, allocate, store, then emit ADDED. */
  create<T extends AnyObject>(input: T, opts: CreateOptions = {}): WriteResult<T> {
    const repeated = this.repeatedPod(input, opts);
    // No closure per write (a reconcile of 10,000 Services makes 90,000): the guard's two halves inline.
    const bad = repeated ? undefined : inputProblems(input);
    if (bad) return bad;
    try {
      return this.createChecked(input, opts, repeated);
    } catch {
      return schemaProblems(input);
    }
  }

  /**
   * The defaulted spec of `input` when it is a pod made of the same metadata, spec and status
   * objects as the last generated-name pod that passed validation (see lastPod), else undefined.
   */
  private repeatedPod(input: AnyObject, opts: CreateOptions): PodSpec | undefined {
    const last = this.lastPod;
    if (!last || !opts.nameRand || (input as AnyObject | null)?.metadata !== last.metadata) return undefined;
    const pod = input as Partial<Pod>;
    return pod.kind === 'Pod' && pod.spec === last.spec && pod.status === last.status ? last.defaulted : undefined;
  }

  /** `repeated`: the input's defaulted spec, when its checks passed before (see repeatedPod). */
  private createChecked<T extends AnyObject>(input: T, opts: CreateOptions, repeated?: PodSpec): WriteResult<T> {
    // A copy with its own metadata: this write fills in its name and uid in place.
    let obj = repeated ? podWithSpec(input, repeated) : applyDefaults(input, this.settings.kubernetesVersion);
    // A generated name was drawn until free (or 8 draws were taken): no second lookup when free.
    const generated = !obj.metadata.name && obj.metadata.generateName && opts.nameRand
      ? this.generateName(obj, opts.nameRand)
      : undefined;
    const key = generated ? generated.key : objectKey(obj);
    if (!repeated) {
      const errs = validateObject(obj, this.validated);
      if (errs.length > 0) return { ok: false, problems: invalidProblems(refOf(obj), errs) };
      if (generated && obj.kind === 'Pod') this.rememberPod(input as unknown as Pod, obj as unknown as Pod);
    }
    if (!generated?.free && this.get(obj.kind, key)) {
      const ref = refOf(obj);
      return {
        ok: false,
        problems: [{
          ref,
          field: '',
          reason: 'AlreadyExists',
          message: `${resourceOf(obj.kind)} ${JSON.stringify(ref.name)} already exists`,
        }],
      };
    }
    const admitted = this.admit(obj);
    if (Array.isArray(admitted)) return { ok: false, problems: admitted };
    obj = admitted;
    if (obj.kind === 'Service') {
      const alloc = this.allocateService(obj as Service, undefined);
      if (!alloc.ok) return alloc;
      obj = alloc.object as T;
    }
    obj.metadata.uid ??= stableUid(this.settings.seed, obj.kind, key, this.uidScratch, generated?.base);
    const generation = crdGeneration(obj, undefined) ?? appsGeneration(obj, undefined);
    if (generation !== undefined) obj.metadata.generation = generation;
    this.bucket(obj.kind).set(key, obj);
    this.createdOf(obj.kind).set(key, this.clock());
    this.emit({ type: 'ADDED', object: obj }, key);
    return { ok: true, object: obj };
  }

  /**
   * `input` passed defaulting and validation as `pod`, with a generated name: a pod of the same
   * metadata, spec and status objects passes them again with the same defaulted spec (objects are
   * never mutated; the 5 drawn characters are lowercase alphanumerics, which make a valid name of
   * any valid generateName). A controller makes its replicas so (podtemplate.ts): their defaults
   * and checks (label, name and container rules, three weak-map lookups) are done once per batch.
   */
  private rememberPod(input: Pod, pod: Pod): void {
    this.lastPod = { metadata: input.metadata, spec: input.spec, status: input.status, defaulted: pod.spec };
  }

  /**
   * metadata.generateName plus 5 characters from `rand`, drawn again (up to 8 times) while taken, as
   * the apiserver's SimpleNameGenerator; written into `obj`'s own metadata. Returns the object's key,
   * whether it is free, and its part before the drawn characters.
   */
  private generateName(obj: AnyObject, rand: SeededRandom): { key: string; free: boolean; base: string } {
    const { base, prefixLength } = this.nameBase(obj);
    let key = '';
    let free = false;
    for (let tries = 0; tries < 8 && !free; tries++) {
      key = generatedKey(this.nameCodes, base, rand);
      free = !this.get(obj.kind, key);
    }
    // The name is the key's tail: one flat string per object, the name a view of it (concatenating
    // the draws made a chain of strings per pod, and the key a copy of it when hashed).
    obj.metadata.name = key.slice(prefixLength);
    return { key, free, base };
  }

  /**
   * The key's part before the drawn characters ("namespace/generateName"), kept while the writes
   * share it: a controller creates its pods one after the other, each with the same prefix.
   */
  private nameBase(obj: AnyObject): { base: string; prefixLength: number } {
    const ns = isNamespaced(obj.kind, obj.metadata.namespace) ? obj.metadata.namespace ?? 'default' : undefined;
    const last = this.lastNameBase;
    if (last && last.ns === ns && last.generateName === obj.metadata.generateName) return last;
    const prefix = ns === undefined ? '' : `${ns}/`;
    const next = {
      ns,
      generateName: obj.metadata.generateName,
      base: prefix + obj.metadata.generateName,
      prefixLength: prefix.length,
    };
    this.lastNameBase = next;
    return next;
  }

  /** PUT of the whole object (as `kubectl apply` ends up doing): re-validated; Service allocations carried over. */
  update<T extends AnyObject>(input: T): WriteResult<T> {
    const bad = inputProblems(input);
    if (bad) return bad;
    try {
      return this.updateChecked(input);
    } catch {
      return schemaProblems(input);
    }
  }

  private updateChecked<T extends AnyObject>(input: T): WriteResult<T> {
    // A copy with its own metadata: the uid is carried over in place.
    let obj = applyDefaults(input, this.settings.kubernetesVersion);
    const key = objectKey(obj);
    const old = this.get(obj.kind, key);
    if (!old) return { ok: false, problems: [notFound(refOf(obj))] };
    const errs = validateObject(obj, this.validated);
    if (obj.kind === 'StatefulSet') errs.push(...validateStatefulSetUpdate(obj as StatefulSet, old as StatefulSet));
    if (errs.length > 0) return { ok: false, problems: invalidProblems(refOf(obj), errs) };
    const admitted = this.admit(obj);
    if (Array.isArray(admitted)) return { ok: false, problems: admitted };
    obj = admitted;
    if (obj.kind === 'Service') {
      const alloc = this.allocateService(obj as Service, old as Service);
      if (!alloc.ok) return alloc;
      obj = alloc.object as T;
    }
    obj.metadata.uid = old.metadata.uid;
    const generation = crdGeneration(obj, old) ?? appsGeneration(obj, old);
    if (generation !== undefined) obj.metadata.generation = generation;
    this.bucket(obj.kind).set(key, obj);
    this.emit({ type: 'MODIFIED', object: obj, old }, key);
    return { ok: true, object: obj };
  }

  /**
   * A controller's write of status or of fields it owns: no validation, no allocation. `key`, when
   * given, is objectKey(obj) already at hand (a controller's informer record keeps it): a key string
   * used before has its hash computed, a new one is built and hashed on every write.
   */
  put<T extends AnyObject>(obj: T, key: string = objectKey(obj)): T {
    const objects = this.bucket(obj.kind);
    const old = objects.get(key);
    objects.set(key, obj);
    if (!old) this.createdOf(obj.kind).set(key, this.clock());
    this.emit(old ? { type: 'MODIFIED', object: obj, old } : { type: 'ADDED', object: obj }, key);
    return obj;
  }

  delete(ref: ObjectRef): WriteResult {
    const key = refKey(ref);
    const old = this.get(ref.kind, key);
    if (!old) return { ok: false, problems: [notFound(ref)] };
    const refused = this.admitDelete(ref);
    if (refused) return { ok: false, problems: [refused] };
    this.bucket(ref.kind).delete(key);
    this.created.get(ref.kind)?.delete(key);
    if (old.kind === 'Service') this.releaseService(old as Service);
    this.emit({ type: 'DELETED', object: old, old }, key);
    return { ok: true, object: old };
  }

  // ------------------------------------------------------------ admission

  /** NamespaceLifecycle on DELETE: the namespaces every cluster needs cannot be deleted. */
  private admitDelete(ref: ObjectRef): ApiProblem | undefined {
    const immortal = ref.kind === 'Namespace' && IMMORTAL_NAMESPACES.has(ref.name);
    if (!this.options.checkNamespaces || !immortal) return undefined;
    return {
      ref,
      field: '',
      reason: 'Forbidden',
      message: `${resourceOf('Namespace')} ${JSON.stringify(ref.name)} is forbidden: this namespace may not be deleted`,
    };
  }

  /** The admitted object (changed by an admission plugin, or `obj` itself), or why it was refused. */
  private admit<T extends AnyObject>(obj: T): T | ApiProblem[] {
    if (this.options.checkNamespaces && isNamespaced(obj.kind, obj.metadata.namespace)) {
      const ns = obj.metadata.namespace ?? 'default';
      if (!this.get('Namespace', ns)) {
        return [{
          ref: refOf(obj),
          field: 'metadata.namespace',
          reason: 'NotFound',
          message: `namespaces ${JSON.stringify(ns)} not found`,
        }];
      }
    }
    if (obj.kind === 'Ingress') {
      // DefaultIngressClass admission: a class-less Ingress gets the one default class; two or more
      // defaults make the plugin refuse it.
      const ing = obj as unknown as Ingress;
      const classless = ing.spec?.ingressClassName === undefined &&
        ing.metadata.annotations?.['kubernetes.io/ingress.class'] === undefined;
      if (classless) {
        const defaults = this.list<IngressClass>('IngressClass').filter(
          (c) => c.metadata.annotations?.[IS_DEFAULT_INGRESS_CLASS] === 'true'
        );
        if (defaults.length > 1) {
          const ref = refOf(obj);
          return [{
            ref,
            field: '',
            reason: 'Forbidden',
            message: `${resourceOf('Ingress')} ${JSON.stringify(ref.name)} is forbidden: ` +
              `Internal error occurred: ${defaults.length} default IngressClasses were found, only 1 allowed`,
          }];
        }
        if (defaults.length === 1) {
          return { ...obj, spec: { ...ing.spec, ingressClassName: defaults[0]!.metadata.name } } as T;
        }
      }
    }
    return obj;
  }

  // ------------------------------------------------------------ Service allocation (registry)

  /**
   * `svc`: this write's defaulted copy, its spec its own (defaultService's copyOf): the allocators
   * fill in clusterIP(s), ipFamilies and nodePorts there rather than in a copy of it.
   */
  private allocateService(svc: Service, old: Service | undefined): WriteResult<Service> {
    const key = objectKey(svc);
    const spec = svc.spec;
    // The old ClusterIP is given back and taken again (it is immutable). The old node ports stay held
    // while the new ones are chosen, as the registry's updateNodePorts holds them: a port added by
    // this write cannot draw one the Service keeps (or just dropped); those it no longer uses go last.
    const oldIP = old?.spec.clusterIP;
    if (oldIP && oldIP !== 'None') this.clusterIPs.release(oldIP);
    const held = new Set(old ? nodePortsOf(old) : []);
    // What this write took so far, given back if a later step fails (with what `old` held).
    const undo: (() => void)[] = [];
    const write: ServiceWrite = { old, key, undo, held };
    const failure = this.allocateClusterIP(spec, write)
      ?? this.allocateNodePorts(spec, write)
      ?? this.allocateHealthCheckNodePort(spec, write);
    if (failure) {
      for (const u of undo) u();
      if (oldIP && oldIP !== 'None') this.clusterIPs.allocate(oldIP);
      const problems = invalidProblems(refOf(svc), failure.errs).map((p) => ({ ...p, reason: failure.reason }));
      return { ok: false, problems };
    }
    const kept = new Set(nodePortsOf(svc));
    for (const np of held) if (!kept.has(np)) this.nodePorts.release(np);
    return { ok: true, object: svc };
  }

  /** The ClusterIP: kept from `old` when the write leaves it out, else the one asked for, else the next free. */
  private allocateClusterIP(spec: ServiceSpec, { old, key, undo }: ServiceWrite): AllocFailure {
    const type = spec.type ?? 'ClusterIP';
    if (type === 'ExternalName') return undefined;
    // A write that leaves clusterIP out keeps the one already allocated (clusterIP is immutable).
    const unset = spec.clusterIP === undefined || spec.clusterIP === '';
    if (unset && old?.spec.clusterIP && old.spec.type !== 'ExternalName') {
      spec.clusterIP = old.spec.clusterIP;
      spec.clusterIPs = old.spec.clusterIPs ?? [old.spec.clusterIP];
    }
    if (spec.clusterIP !== 'None') {
      const r =
        spec.clusterIP === undefined || spec.clusterIP === ''
          ? this.clusterIPs.allocateNext(SeededRandom.fromSeed(this.settings.seed, `clusterip/${key}`))
          : this.clusterIPs.allocate(spec.clusterIP);
      if (!r.ok) {
        if (r.error === 'full') {
          return failed('InternalError', {
            type: 'Invalid',
            field: 'spec.clusterIPs',
            value: raw('[]string(nil)'),
            detail: `failed to allocate a serviceIP: ${r.message}`,
          });
        }
        return failed('Invalid', invalid(
          'spec.clusterIPs',
          raw(goStringSlice(spec.clusterIPs ?? [spec.clusterIP!])),
          r.message,
        ));
      }
      const ip = r.value;
      undo.push(() => this.clusterIPs.release(ip));
      spec.clusterIP = ip;
      spec.clusterIPs = [ip];
    } else {
      spec.clusterIPs = ['None'];
    }
    spec.ipFamilies ??= ['IPv4'];
    spec.ipFamilyPolicy ??= 'SingleStack';
    return undefined;
  }

  /** nodePorts for NodePort and LoadBalancer Services: given, kept from `old` per port, else random. */
  private allocateNodePorts(spec: ServiceSpec, { old, key, undo, held }: ServiceWrite): AllocFailure {
    const type = spec.type ?? 'ClusterIP';
    const needsNodePorts = type === 'NodePort' || (
      type === 'LoadBalancer' && spec.allocateLoadBalancerNodePorts !== false
    );
    if (!spec.ports) return undefined;
    // A Service with no nodePort to keep or allocate (a ClusterIP one) has nothing to do here.
    if (!needsNodePorts && (type !== 'LoadBalancer' || !spec.ports.some((p) => p.nodePort))) return undefined;
    const ports: ServicePort[] = spec.ports.map((p) => ({ ...p }));
    if (old) keepNodePorts(ports, type, old);
    const mine = new Set<number>();
    const rand = SeededRandom.fromSeed(this.settings.seed, `nodeport/${key}`);
    for (let i = 0; i < ports.length; i++) {
      const p = ports[i]!;
      // A LoadBalancer with allocateLoadBalancerNodePorts=false keeps only the nodePorts it was given.
      if (!needsNodePorts && (type !== 'LoadBalancer' || !p.nodePort)) continue;
      if (p.nodePort) {
        // One number for two protocols is one allocation; one the Service held already is its own.
        if (mine.has(p.nodePort) || held.has(p.nodePort)) {
          mine.add(p.nodePort);
          continue;
        }
        const r = this.nodePorts.allocate(p.nodePort);
        if (!r.ok) return failed('Invalid', invalid(`spec.ports[${i}].nodePort`, int(p.nodePort), r.message));
        const np = p.nodePort;
        undo.push(() => this.nodePorts.release(np));
        mine.add(np);
      } else {
        const r = this.nodePorts.allocateNext(rand);
        if (!r.ok) return failed('InternalError', noNodePort(`spec.ports[${i}].nodePort`, r.message));
        const np = r.value;
        undo.push(() => this.nodePorts.release(np));
        mine.add(np);
        p.nodePort = np;
      }
    }
    spec.ports = ports;
    return undefined;
  }

  /** externalTrafficPolicy Local on a LoadBalancer: the port kube-proxy answers health checks on. */
  private allocateHealthCheckNodePort(spec: ServiceSpec, { old, key, undo, held }: ServiceWrite): AllocFailure {
    if (spec.type !== 'LoadBalancer' || spec.externalTrafficPolicy !== 'Local') return undefined;
    if (!spec.healthCheckNodePort && old?.spec.healthCheckNodePort) {
      spec.healthCheckNodePort = old.spec.healthCheckNodePort;
    }
    const given = spec.healthCheckNodePort;
    if (given && held.has(given) && given === old?.spec.healthCheckNodePort) return undefined;
    if (given) {
      const r = this.nodePorts.allocate(given);
      if (!r.ok) return failed('Invalid', invalid('spec.healthCheckNodePort', int(given), r.message));
      undo.push(() => this.nodePorts.release(given));
    } else {
      const r = this.nodePorts.allocateNext(SeededRandom.fromSeed(this.settings.seed, `healthcheck/${key}`));
      if (!r.ok) return failed('InternalError', noNodePort('spec.healthCheckNodePort', r.message));
      const np = r.value;
      undo.push(() => this.nodePorts.release(np));
      spec.healthCheckNodePort = np;
    }
    return undefined;
  }

  private releaseService(svc: Service): void {
    if (svc.spec.clusterIP && svc.spec.clusterIP !== 'None') this.clusterIPs.release(svc.spec.clusterIP);
    for (const np of new Set(nodePortsOf(svc))) this.nodePorts.release(np);
  }

}

/**
 * A write that leaves a port's nodePort out keeps the one the old version's port of the same name
 * had, unless the write gives that number to a port of its own (the registry's patchAllocatedValues:
 * a manifest applied again, or with a port's number changed, keeps its node ports). `ports`: the
 * write's own copies, filled in place. Both versions must be of a type with node ports.
 */
function keepNodePorts(ports: ServicePort[], type: ServiceSpec['type'], old: Service): void {
  const hasNodePorts = (t: ServiceSpec['type']) => t === 'NodePort' || t === 'LoadBalancer';
  if (!hasNodePorts(old.spec.type) || !hasNodePorts(type)) return;
  const oldPorts = old.spec.ports ?? [];
  const given = new Set(ports.map((p) => p.nodePort).filter((n) => n));
  const byName = new Map(oldPorts.map((p) => [p.name ?? '', p.nodePort]));
  for (const p of ports) {
    if (p.nodePort) continue;
    const prev = byName.get(p.name ?? '');
    // "Used": a number the old version held that this write asks for itself.
    if (prev && !given.has(prev)) p.nodePort = prev;
  }
}

/** The node ports a Service holds: its ports' and its health check's. */
function nodePortsOf(svc: Service): number[] {
  const out: number[] = [];
  for (const p of svc.spec.ports ?? []) if (p.nodePort) out.push(p.nodePort);
  if (svc.spec.healthCheckNodePort) out.push(svc.spec.healthCheckNodePort);
  return out;
}

/**
 * One Service write as its allocation steps see it: the version it replaces, its key, what it took
 * so far (given back if a later step fails), and the node ports the old version holds meanwhile.
 */
interface ServiceWrite {
  old: Service | undefined;
  key: string;
  undo: (() => void)[];
  held: ReadonlySet<number>;
}

/** Why an allocation step refused the write (undefined: it did not). */
type AllocFailure = { errs: FieldError[]; reason: ApiProblem['reason'] } | undefined;

function failed(reason: ApiProblem['reason'], err: FieldError): AllocFailure {
  return { errs: [err], reason };
}

/** The registry's message when the nodePort range has no free port left. */
function noNodePort(field: string, message: string): FieldError {
  return { type: 'Invalid', field, value: int(0), detail: `failed to allocate a nodePort: ${message}` };
}

export function notFound(ref: ObjectRef): ApiProblem {
  return {
    ref,
    field: '',
    reason: 'NotFound',
    message: `${resourceOf(ref.kind)} ${JSON.stringify(ref.name)} not found`,
  };
}

/**
 * A field of the wrong type (a string where a list belongs) is caught where kubectl's client-side
 * schema check would have refused the file, and reported in its words instead of crashing the lab.
 * Undefined: the input has the shape a write needs.
 */
function inputProblems(input: AnyObject): { ok: false; problems: ApiProblem[] } | undefined {
  if (!input || typeof input !== 'object' || !input.metadata || typeof input.metadata !== 'object') {
    const kind = (input as { kind?: string } | undefined)?.kind ?? 'Object';
    return {
      ok: false,
      problems: [{
        ref: { kind, name: '' },
        field: 'metadata',
        reason: 'Invalid',
        message: `error validating data: ValidationError(${kind}): missing required field "metadata"`,
      }],
    };
  }
  const shape = listShapeError(input);
  if (shape) {
    const { field, message } = shape;
    return { ok: false, problems: [{ ref: inputRef(input), field, reason: 'Invalid', message }] };
  }
  return undefined;
}

/** A write that threw on the input's shape: reported as kubectl's schema check would. */
function schemaProblems(input: AnyObject): { ok: false; problems: ApiProblem[] } {
  return {
    ok: false,
    problems: [{
      ref: inputRef(input),
      field: '',
      reason: 'Invalid',
      message: `error validating data: ValidationError(${input.kind}): ` +
        `the object does not match the ${input.kind} schema`,
    }],
  };
}

/** The ref a failed write reports (the input is never changed by a write: defaulting copies it). */
function inputRef(input: AnyObject): ObjectRef {
  return refOf({
    kind: input.kind,
    metadata: { name: String(input.metadata.name ?? ''), namespace: input.metadata.namespace },
  });
}

/** `v` when it is an object (a field path goes through objects only), else undefined. */
function inner(v: unknown): Record<string, unknown> | undefined {
  return v && typeof v === 'object' ? (v as Record<string, unknown>) : undefined;
}

type Reader = (o: AnyObject) => unknown;

/**
 * Fields that must be lists, with the OpenAPI type kubectl names in its message, each read by a
 * function of its own (every write is checked: a walk by path strings made each step a keyed load
 * over many object shapes).
 */
const LIST_FIELDS: ReadonlyMap<string, readonly [path: string, read: Reader, schema: string][]> = new Map<
  string,
  [string, Reader, string][]
>([
  ['Service', [
    ['spec.ports', (o) => inner(o.spec)?.ports, 'io.k8s.api.core.v1.ServiceSpec.ports'],
    ['spec.externalIPs', (o) => inner(o.spec)?.externalIPs, 'io.k8s.api.core.v1.ServiceSpec.externalIPs'],
    [
      'spec.loadBalancerSourceRanges',
      (o) => inner(o.spec)?.loadBalancerSourceRanges,
      'io.k8s.api.core.v1.ServiceSpec.loadBalancerSourceRanges',
    ],
  ]],
  ['Pod', [['spec.containers', (o) => inner(o.spec)?.containers, 'io.k8s.api.core.v1.PodSpec.containers']]],
  ...(['Deployment', 'ReplicaSet', 'DaemonSet', 'StatefulSet'] as const).map((kind): [
    string,
    [string, Reader, string][],
  ] => [
    kind,
    [[
      'spec.template.spec.containers',
      (o) => inner(inner(inner(o.spec)?.template)?.spec)?.containers,
      'io.k8s.api.core.v1.PodSpec.containers',
    ]],
  ]),
  ['Node', [
    ['status.addresses', (o) => inner(o.status)?.addresses, 'io.k8s.api.core.v1.NodeStatus.addresses'],
    ['spec.podCIDRs', (o) => inner(o.spec)?.podCIDRs, 'io.k8s.api.core.v1.NodeSpec.podCIDRs'],
  ]],
  ['Endpoints', [['subsets', (o) => (o as { subsets?: unknown }).subsets, 'io.k8s.api.core.v1.Endpoints.subsets']]],
  ['EndpointSlice', [
    ['endpoints', (o) => (o as { endpoints?: unknown }).endpoints, 'io.k8s.api.discovery.v1.EndpointSlice.endpoints'],
    ['ports', (o) => (o as { ports?: unknown }).ports, 'io.k8s.api.discovery.v1.EndpointSlice.ports'],
  ]],
  ['Ingress', [
    ['spec.rules', (o) => inner(o.spec)?.rules, 'io.k8s.api.networking.v1.IngressSpec.rules'],
    ['spec.tls', (o) => inner(o.spec)?.tls, 'io.k8s.api.networking.v1.IngressSpec.tls'],
  ]],
]);

/**
 * A StatefulSet's metadata.generation, as the apps registry writes it (statefulSetStrategy's
 * PrepareForCreate and PrepareForUpdate): 1 on create (a generation the object carries is kept, as a
 * given uid is: a rebuilt lab or a snapshot re-creates it), +1 on an update that changes the spec.
 * Its controller's status.observedGeneration follows it. Undefined for other kinds.
 */
function appsGeneration(obj: AnyObject, old: AnyObject | undefined): number | undefined {
  if (obj.kind !== 'StatefulSet') return undefined;
  const given = obj.metadata.generation;
  if (!old) return typeof given === 'number' && Number.isInteger(given) && given > 0 ? given : 1;
  const was = typeof old.metadata.generation === 'number' ? old.metadata.generation : 1;
  return sameJson(obj['spec'], old['spec']) ? was : was + 1;
}

/** kubectl's client-side schema message for a field that is not a list, e.g. `ports: x`. */
function listShapeError(o: AnyObject): { field: string; message: string } | undefined {
  const fields = LIST_FIELDS.get(o.kind);
  if (!fields) return undefined;
  for (const [path, read, schema] of fields) {
    const v = read(o);
    if (v === undefined || v === null || Array.isArray(v)) continue;
    const got = typeof v === 'object' ? 'map' : typeof v === 'number' ? 'integer' : typeof v;
    return {
      field: path,
      message: `error validating data: ValidationError(${o.kind}.${path}): ` +
        `invalid type for ${schema}: got "${got}", expected "array"`,
    };
  }
  return undefined;
}
