// The Deployment controller: one ReplicaSet per pod template, named <deployment>-<pod-template-hash>,
// scaled to spec.replicas; ReplicaSets of older templates are scaled to 0 and kept, as the real
// controller keeps revision history. Status counts come from the pods.

import type { Deployment, Pod, PodTemplateSpec, ReplicaSet } from '../api/types';
import { fnv1a32 } from '../util/hash';
import { SAFE_ALPHABET } from '../api/store';
import { stableUid } from '../api/store';
import { labelKey, type Ctx, type TemplateFacts } from './context';
import { isPodReady, isTerminating } from './podstate';
import { splitMetaNamespaceKey } from '../api/keys';
import { sameCounts } from './replicaset';
import { copyWith } from '../api/copy';

/**
 * Keys sorted recursively, so equal templates hash equally whatever order the YAML used (also the
 * StatefulSet controller's revision data: Go's json.Marshal of a map sorts its keys the same way).
 */
export function canonical(v: unknown): string {
  // The same text as `[${v.map(canonical).join(',')}]` and sorted `"key":value` pairs joined by
  // commas, written as parts joined once: one flat string instead of a chain of concatenations.
  if (!v || typeof v !== 'object') return JSON.stringify(v);
  const parts: string[] = [];
  writeCanonical(v, (s) => parts.push(s), 'undefined');
  return parts.join('');
}

/**
 * FNV-32a of canonical(v) (an object), fed piece by piece as the text would be written: a
 * template's hash without building its text (the text is needed only to compare templates whose
 * parts are not the same objects).
 */
function canonicalHash(v: object): number {
  let h = fnv1a32('');
  writeCanonical(v, (s) => (h = fnv1a32(s, 0, h)), 'undefined');
  return h;
}

/**
 * canonical()'s text, piece by piece, to `out`. `missing`: what a value JSON cannot write
 * (undefined, a function) reads as: '' in an array (`canonical(x) ?? ''`), 'undefined' as an
 * object's value (the string concatenation it was).
 */
function writeCanonical(v: unknown, out: (s: string) => void, missing: string): void {
  if (Array.isArray(v)) {
    out('[');
    for (let i = 0; i < v.length; i++) {
      if (i) out(',');
      writeCanonical(v[i], out, '');
    }
    out(']');
    return;
  }
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    const keys = sortedKeys(o);
    out('{');
    let first = true;
    for (const k of keys) {
      if (o[k] === undefined) continue;
      if (!first) out(',');
      writeQuoted(k, out);
      out(':');
      writeCanonical(o[k], out, 'undefined');
      first = false;
    }
    out('}');
    return;
  }
  if (typeof v === 'string') writeQuoted(v, out);
  else out(JSON.stringify(v) ?? missing);
}

/** JSON.stringify of a string: the string between quotes as it is when no character needs an escape. */
function writeQuoted(s: string, out: (s: string) => void): void {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c > 0x7e || c === 34 /* " */ || c === 92 /* \ */) return out(JSON.stringify(s));
  }
  out('"');
  out(s);
  out('"');
}

/**
 * Object.keys(o).sort(), sorted in place by insertion: a template's objects have a handful of keys
 * each, and Array.prototype.sort copies every one of those small arrays into a work area first.
 * `<` orders strings by UTF-16 code units, as the default sort does; keys are distinct, so the
 * order is the same.
 */
function sortedKeys(o: Record<string, unknown>): string[] {
  const keys = Object.keys(o);
  for (let i = 1; i < keys.length; i++) {
    const k = keys[i]!;
    let j = i - 1;
    for (; j >= 0 && keys[j]! > k; j--) keys[j + 1] = keys[j]!;
    keys[j + 1] = k;
  }
  return keys;
}

/**
 * controller.ComputeHash: FNV-32a of the template, printed in decimal, each digit mapped through
 * rand.SafeEncodeString's alphabet (so up to 10 characters, usually 9 or 10). The real input is
 * the Go struct dumped by spew; ours is canonical JSON, so the characters differ from a real
 * cluster's for the same template but follow the same rules.
 */
export function podTemplateHash(template: PodTemplateSpec, collisionCount = 0): string {
  // The Deployment controller's case (no collision yet): the hash fed as the text would be, no text built.
  if (collisionCount === 0 && template && typeof template === 'object') return safeEncode(canonicalHash(template));
  return hashOf(canonical(template), collisionCount);
}

function hashOf(canonicalText: string, collisionCount: number): string {
  return safeEncode(fnv1a32(canonicalText + (collisionCount ? String(collisionCount) : '')));
}

/** The decimal digits of `h` mapped through rand.SafeEncodeString's alphabet. */
export function safeEncode(h: number): string {
  // Each decimal digit (its character code, as the Go code indexes the alphabet) mapped; one flat string.
  const digits = String(h);
  const codes = new Array<number>(digits.length);
  const n = SAFE_ALPHABET.length;
  for (let i = 0; i < digits.length; i++) codes[i] = SAFE_ALPHABET.charCodeAt(digits.charCodeAt(i) % n);
  return String.fromCharCode.apply(null, codes);
}

export function syncDeployment(ctx: Ctx, key: string): void {
  const d = ctx.store.get<Deployment>('Deployment', key);
  const ns = splitMetaNamespaceKey(key).namespace;
  const owned = ownedByIndex(ctx, key);
  if (!d) {
    if (ctx.preserve) return;
    // Garbage collection: the ReplicaSets (and through them the pods) go with their Deployment.
    for (const rs of owned) ctx.store.delete({ kind: 'ReplicaSet', namespace: ns, name: rs.metadata.name });
    return;
  }
  // FindNewReplicaSet: an owned ReplicaSet whose template equals the Deployment's, ignoring the
  // pod-template-hash label (EqualIgnoreHash) is the current one, whatever hash its name carries
  // (a real cluster's hash comes from a different encoding of the template than ours).
  const adopted = owned.find((rs) => sameTemplateIgnoringHash(ctx, rs.spec.template, d.spec.template));
  const hash = currentHash(ctx, d, owned, adopted);
  const name = adopted?.metadata.name ?? `${d.metadata.name}-${hash}`;
  // One key string for the lookup, the uid and the write: hashed once, not once per use.
  const rsKey = adopted ? '' : `${ns}/${name}`;
  const current = adopted ?? ctx.store.get<ReplicaSet>('ReplicaSet', rsKey);
  // A snapshot without ReplicaSets (`kubectl get deploy,pods`): the pods of a ReplicaSet it left
  // out are this Deployment's, already running; a new ReplicaSet would double them.
  if (ctx.preserve && !current && podsOfMissingReplicaSet(ctx, d)) return syncDeploymentStatus(ctx, key);
  const created = current ? undefined : createReplicaSet(ctx, d, name, rsKey, hash);
  let scaled = !!current && scaleReplicaSet(ctx, d, current, d.spec.replicas ?? 1);
  // Older templates' ReplicaSets are scaled to 0 and kept (revision history).
  for (const rs of owned) {
    if (rs.metadata.name === name || (rs.spec.replicas ?? 1) === 0) continue;
    scaled = scaleReplicaSet(ctx, d, rs, 0) || scaled;
  }
  // Without a ReplicaSet scaled, what the status reads is what was just read, and the ReplicaSet
  // just created (the owner index lists it last; it is the one whose template is current). A scaled
  // one moved in the owner index, which decides which of equal templates is current: read again.
  syncDeploymentStatus(ctx, key, scaled ? undefined : { d, owned: created ? owned.concat(created) : owned, hash });
}

/** The pod-template-hash of the Deployment's current template: its adopted ReplicaSet's, else computed. */
function currentHash(
  ctx: Ctx,
  d: Deployment,
  owned: ReplicaSet[],
  adopted = owned.find((rs) => sameTemplateIgnoringHash(ctx, rs.spec.template, d.spec.template)),
): string {
  return adopted?.metadata.labels?.['pod-template-hash'] ?? podTemplateHash(d.spec.template);
}

function scalingEvent(ctx: Ctx, d: Deployment, message: string): void {
  ctx.events.push({
    type: 'Normal',
    reason: 'ScalingReplicaSet',
    object: { kind: 'Deployment', namespace: d.metadata.namespace ?? 'default', name: d.metadata.name },
    message,
    source: 'deployment-controller',
  });
}

/**
 * The ReplicaSet of the Deployment's current template, <deployment>-<hash>, with the desired
 * replicas. `key`: its key, "namespace/name".
 */
function createReplicaSet(ctx: Ctx, d: Deployment, name: string, key: string, hash: string): ReplicaSet {
  const ns = d.metadata.namespace ?? 'default';
  const replicas = d.spec.replicas ?? 1;
  const labels = copyWith(d.spec.template.metadata?.labels, { 'pod-template-hash': hash });
  const rs: ReplicaSet = {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name,
      namespace: ns,
      labels,
      annotations: {
        'deployment.kubernetes.io/desired-replicas': String(replicas),
        'deployment.kubernetes.io/revision': '1',
      },
      uid: stableUid(ctx.settings.seed, 'ReplicaSet', key),
      ownerReferences: [{
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        name: d.metadata.name,
        uid: d.metadata.uid,
        controller: true,
      }],
    },
    spec: {
      replicas,
      selector: {
        ...d.spec.selector,
        matchLabels: copyWith(d.spec.selector.matchLabels, { 'pod-template-hash': hash }),
      },
      template: { ...d.spec.template, metadata: { ...d.spec.template.metadata, labels } },
    },
  };
  ctx.store.put(rs, key);
  scalingEvent(ctx, d, `Scaled up replica set ${name} from 0 to ${replicas}`);
  return rs;
}

/** Whether it wrote the ReplicaSet (it had other replicas). */
function scaleReplicaSet(ctx: Ctx, d: Deployment, rs: ReplicaSet, replicas: number): boolean {
  const from = rs.spec.replicas ?? 1;
  if (from === replicas) return false;
  ctx.store.put({ ...rs, spec: { ...rs.spec, replicas } });
  const direction = replicas > from ? 'up' : 'down';
  scalingEvent(ctx, d, `Scaled ${direction} replica set ${rs.metadata.name} from ${from} to ${replicas}`);
  return true;
}

function podsOfMissingReplicaSet(ctx: Ctx, d: Deployment): boolean {
  const ns = d.metadata.namespace ?? 'default';
  const [k, v] = Object.entries(d.spec.selector.matchLabels ?? {})[0] ?? [];
  if (k === undefined) return false;
  for (const podKey of ctx.index.podsByLabel.get(labelKey(ns, k, v!)) ?? []) {
    const pod = ctx.store.get<Pod>('Pod', podKey);
    const owner = pod?.metadata.ownerReferences?.find((r) => r.controller && r.kind === 'ReplicaSet');
    if (owner && owner.name.startsWith(`${d.metadata.name}-`) && !ctx.store.get(
      'ReplicaSet',
      `${ns}/${owner.name}`,
    )) return true;
  }
  return false;
}

// Templates are never mutated once written (every write makes a new object), so each one's
// canonical form is computed once a run, when its parts are not those of the template compared with it.
function templateFacts(ctx: Ctx, t: PodTemplateSpec): TemplateFacts {
  let f = ctx.derived.templates.get(t);
  if (!f) {
    f = {};
    ctx.derived.templates.set(t, f);
  }
  return f;
}

function canonicalTemplate(ctx: Ctx, t: PodTemplateSpec): string {
  const f = templateFacts(ctx, t);
  return (f.canonical ??= canonical(t));
}

function stripHash(ctx: Ctx, t: PodTemplateSpec): string {
  const f = templateFacts(ctx, t);
  if (f.stripped === undefined) {
    const given = t.metadata?.labels;
    if (given && given['pod-template-hash'] === undefined) {
      // Nothing to strip: the same text as the template's own canonical form (the pod-template-hash input).
      f.stripped = canonicalTemplate(ctx, t);
    } else {
      const labels = { ...given };
      delete labels['pod-template-hash'];
      f.stripped = canonical({ ...t, metadata: { ...t.metadata, labels } });
    }
  }
  return f.stripped;
}

/** EqualIgnoreHash: the texts compared only when the templates' parts are not the same objects. */
function sameTemplateIgnoringHash(ctx: Ctx, a: PodTemplateSpec, b: PodTemplateSpec): boolean {
  return a === b || sameButHashLabel(a, b) || stripHash(ctx, a) === stripHash(ctx, b);
}

/**
 * Whether `a` and `b` are the same but for the pod-template-hash label, told by identity: a
 * ReplicaSet this controller made from a template shares all of it but its labels object, so
 * FindNewReplicaSet needs neither text (nor a per-run record of where the template came from).
 * False means only "not known equal": the texts decide.
 */
function sameButHashLabel(a: PodTemplateSpec, b: PodTemplateSpec): boolean {
  if (!isRecord(a) || !isRecord(b) || !sameFieldsExcept(a, b, 'metadata')) return false;
  const am: unknown = a.metadata;
  const bm: unknown = b.metadata;
  if (am === bm) return true;
  if (!isRecord(am) || !isRecord(bm) || !sameFieldsExcept(am, bm, 'labels')) return false;
  const al = am['labels'];
  const bl = bm['labels'];
  return al === bl || (isRecord(al) && isRecord(bl) && sameFieldsExcept(al, bl, 'pod-template-hash'));
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Every field of either object but `except` holds the same value in the other (a missing one reads undefined). */
function sameFieldsExcept(a: Record<string, unknown>, b: Record<string, unknown>, except: string): boolean {
  for (const k of Object.keys(a)) if (k !== except && a[k] !== b[k]) return false;
  for (const k of Object.keys(b)) if (k !== except && a[k] !== b[k]) return false;
  return true;
}

function ownedByIndex(ctx: Ctx, key: string): ReplicaSet[] {
  const out: ReplicaSet[] = [];
  for (const rsKey of ctx.index.podsByOwner.get(`Deployment/${key}`) ?? []) {
    const rs = ctx.store.get<ReplicaSet>('ReplicaSet', rsKey);
    if (rs) out.push(rs);
  }
  return out;
}

/** status.replicas / readyReplicas / updatedReplicas / availableReplicas, from the pods. */
export function syncDeploymentStatus(
  ctx: Ctx,
  key: string,
  read?: { d: Deployment; owned: ReplicaSet[]; hash: string },
): void {
  const d = read?.d ?? ctx.store.get<Deployment>('Deployment', key);
  if (!d) return;
  const ns = splitMetaNamespaceKey(key).namespace;
  const owned = read?.owned ?? ownedByIndex(ctx, key);
  const hash = read?.hash ?? currentHash(ctx, d, owned);
  let replicas = 0;
  let ready = 0;
  let updated = 0;
  for (const rs of owned) {
    for (const podKey of ctx.index.podsByOwner.get(`ReplicaSet/${ns}/${rs.metadata.name}`) ?? []) {
      const pod = ctx.store.get<Pod>('Pod', podKey);
      if (!pod || isTerminating(pod)) continue;
      replicas++;
      if (isPodReady(pod)) ready++;
      if (pod.metadata.labels?.['pod-template-hash'] === hash) updated++;
    }
  }
  const status = {
    observedGeneration: 1,
    replicas,
    updatedReplicas: updated,
    readyReplicas: ready,
    availableReplicas: ready,
  };
  const prev = d['status'] as Record<string, number> | undefined;
  if (!prev || !sameCounts(prev, status)) ctx.store.put(copyWith(d, { status }));
}
