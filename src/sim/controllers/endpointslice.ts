// The EndpointSlice controller and the legacy Endpoints controller for Services with a selector
// (pkg/controller/endpointslice, pkg/controller/endpoint). Per pod: ready = publishNotReadyAddresses
// || (Ready && !terminating), serving = Ready, terminating = deletionTimestamp set; named targetPorts
// resolved against that pod's containerPorts (so pods may differ, and land in different slices);
// hostname when the pod's hostname+subdomain name this Service. Slices hold at most 100 endpoints
// and are named <service>-<5 chars>. Legacy Endpoints list ready pods in addresses and the rest in
// notReadyAddresses, leaving terminating pods out unless publishNotReadyAddresses.

import { ipToInt } from '../net/ip';
import type {
  EndpointAddress,
  EndpointConditions,
  EndpointPort,
  EndpointSlice,
  Endpoints,
  Pod,
  Protocol,
  Service,
  ServicePort,
  SliceEndpoint,
} from '../api/types';
import type { Ctx } from './context';
import { labelKey, withNameStream, type ReadonlyMembers } from './context';
import { isPodReady, isTerminating } from './podstate';
import { splitMetaNamespaceKey } from '../api/keys';
import { hasSelector } from './selection';

export const MANAGED_BY = 'endpointslice.kubernetes.io/managed-by';
export const SLICE_CONTROLLER = 'endpointslice-controller.k8s.io';
export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
export const MAX_ENDPOINTS_PER_SLICE = 100;
export const SKIP_MIRROR = 'endpointslice.kubernetes.io/skip-mirror';

/**
 * podutil.FindPort: a number is used as is; a name is looked up among the pod's containerPorts
 * with the same protocol.
 */
export function findPort(pod: Pod, sp: ServicePort): number | undefined {
  const tp = sp.targetPort ?? sp.port;
  if (typeof tp === 'number') return tp;
  if (/^\d+$/.test(tp)) return Number(tp);
  for (const c of pod.spec.containers ?? []) {
    for (const p of c.ports ?? []) if (p.name === tp && (p.protocol ?? 'TCP') === (
      sp.protocol ?? 'TCP'
    )) return p.containerPort;
  }
  return undefined;
}

/** The keys of the pods that may match: the smallest index bucket of the selector's pairs. */
function candidatePods(ctx: Ctx, ns: string, sel: Record<string, string>): ReadonlyMembers | undefined {
  let smallest: ReadonlyMembers | undefined;
  for (const k in sel) {
    const b = ctx.index.podsByLabel.get(labelKey(ns, k, sel[k]!));
    if (!b) return undefined;
    if (!smallest || b.size < smallest.size) smallest = b;
  }
  return smallest;
}

/** The selector is one key=value without another '=' (so its index key names that pair only). */
function singlePair(sel: Record<string, string>): boolean {
  let n = 0;
  for (const k in sel) if (++n > 1 || k.includes('=') || sel[k]!.includes('=')) return false;
  return n === 1;
}

/** Every key=value of the selector is among the labels. */
function labelsMatch(sel: Record<string, string>, labels: Record<string, string> | undefined): boolean {
  for (const k in sel) if (labels?.[k] !== sel[k]) return false;
  return true;
}

type EndpointPorts = { name: string; port: number; protocol: Protocol; appProtocol?: string }[];

/**
 * The Service's ports as the pods of one containers list serve them. Endpoints whose mappings are
 * equal share one object (so slices and subsets group by identity); the text compared only when
 * a Service's pods have more than one containers list.
 */
interface PortMapping {
  ports: EndpointPorts;
  sig?: string;
}

interface PodEndpoint {
  pod: Pod;
  endpoint: SliceEndpoint;
  /** The address as a number, for the sort. */
  ip: number;
  ports: PortMapping;
}

/** What the slices are made of: each slice's own fields but metadata, in the API's order. */
export interface SliceBody {
  apiVersion: 'discovery.k8s.io/v1';
  kind: 'EndpointSlice';
  addressType: 'IPv4';
  endpoints: SliceEndpoint[];
  ports: NonNullable<EndpointSlice['ports']>;
}

function existingSlices(ctx: Ctx, key: string, managedBy: string): EndpointSlice[] {
  const out: EndpointSlice[] = [];
  for (const k of ctx.index.slicesByService.get(key) ?? []) {
    const s = ctx.store.get<EndpointSlice>('EndpointSlice', k);
    if (s && s.metadata.labels?.[MANAGED_BY] === managedBy) out.push(s);
  }
  return out.sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : 1));
}

/** Whether a slice of the Service is managed by `managedBy` (existingSlices' test, without the list). */
export function hasManagedSlice(ctx: Ctx, key: string, managedBy: string): boolean {
  for (const k of ctx.index.slicesByService.get(key) ?? []) {
    if (ctx.store.get<EndpointSlice>('EndpointSlice', k)?.metadata.labels?.[MANAGED_BY] === managedBy) return true;
  }
  return false;
}

/** Writes `wanted` slices over the existing ones of one manager: names reused in order, extras deleted. */
export interface SlicesToWrite {
  serviceKey: string;
  managedBy: string;
  wanted: SliceBody[];
  meta: (name: string) => EndpointSlice['metadata'];
  nameOwner: string;
  generateName: string;
}

export function writeSlices(ctx: Ctx, params: SlicesToWrite): void {
  const existing = existingSlices(ctx, params.serviceKey, params.managedBy);
  const ns = splitMetaNamespaceKey(params.serviceKey).namespace;
  params.wanted.forEach((w, i) => {
    const prev = existing[i];
    if (!prev) return createSlice(ctx, params, w, ns);
    const slice = {
      ...w,
      metadata: { ...params.meta(prev.metadata.name), ...(prev.metadata.uid ? { uid: prev.metadata.uid } : {}) },
    } as EndpointSlice;
    const next = { ...slice, metadata: { ...slice.metadata, uid: prev.metadata.uid } };
    if (JSON.stringify(prev) !== JSON.stringify(next)) ctx.store.put(next);
  });
  for (const extra of existing.slice(params.wanted.length)) ctx.store.delete({
    kind: 'EndpointSlice',
    namespace: ns,
    name: extra.metadata.name,
  });
}

/** A new slice under a generated name; one literal (the store copies what it keeps). */
function createSlice(ctx: Ctx, params: SlicesToWrite, w: SliceBody, ns: string): void {
  const name = withNameStream(ctx, params.nameOwner, (r) => {
    let n = '';
    do {
      n = params.generateName;
      for (let j = 0; j < 5; j++) n += 'bcdfghjklmnpqrstvwxz2456789'[r.int(27)];
    } while (ctx.store.get('EndpointSlice', `${ns}/${n}`));
    return n;
  });
  const slice: EndpointSlice = {
    apiVersion: w.apiVersion,
    kind: w.kind,
    addressType: w.addressType,
    endpoints: w.endpoints,
    ports: w.ports,
    metadata: params.meta(name),
  };
  const res = ctx.store.create(slice);
  if (!res.ok) ctx.store.put(slice);
}

/** Endpoints subsets as EndpointSlices (addresses ready, notReadyAddresses not), as the mirroring controller writes
 *  them. */
export function slicesFromEndpoints(ep: Endpoints): SliceBody[] {
  return (ep.subsets ?? []).map((s) => {
    const endpoints: SliceEndpoint[] = [];
    for (const [list, ready] of [[s.addresses, true], [s.notReadyAddresses, false]] as const) {
      for (const a of list ?? []) {
        endpoints.push({
          addresses: [a.ip],
          conditions: { ready },
          ...(a.hostname ? { hostname: a.hostname } : {}),
          ...(a.nodeName ? { nodeName: a.nodeName } : {}),
          ...(a.targetRef ? { targetRef: a.targetRef } : {}),
        });
      }
    }
    const ports = (s.ports ?? []).map((p) => ({ name: p.name ?? '', port: p.port, protocol: p.protocol ?? 'TCP' }));
    return { apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', addressType: 'IPv4', endpoints, ports };
  });
}

/** "10.42.0.8:80/TCP, 10.42.1.4:80/TCP (not ready)": what kube-proxy would read from these slices. */
function endpointsSummary(slices: readonly { endpoints?: SliceEndpoint[]; ports?: EndpointSlice['ports'] }[]): string {
  const out = new Set<string>();
  for (const s of slices) {
    for (const e of s.endpoints ?? []) {
      const ready = e.conditions?.ready ?? true;
      for (const a of e.addresses) {
        for (const p of s.ports?.length ? s.ports : [{ port: undefined, protocol: undefined }]) {
          out.add(`${a}${p.port ? `:${p.port}/${p.protocol ?? 'TCP'}` : ''}${ready ? '' : ' (not ready)'}`);
        }
      }
    }
  }
  return [...out].sort().join(', ') || 'no endpoints';
}

/**
 * A snapshot's first reconcile: the EndpointSlices the cluster published (or, in a cluster from
 * before discovery.k8s.io, its Endpoints, mirrored to slices as the mirroring controller writes
 * them) are kept; where the pods in the snapshot would make this controller publish something
 * else, a Warning says so. Returns false when the snapshot gave neither.
 */
function keepSnapshotEndpoints(
  ctx: Ctx,
  svc: Service,
  key: string,
  wanted: SliceBody[],
): boolean {
  const { namespace: ns, name } = splitMetaNamespaceKey(key);
  const given = [...(ctx.index.slicesByService.get(key) ?? [])].map((k) => ctx.store.get<EndpointSlice>(
    'EndpointSlice',
    k,
  )).filter((s): s is EndpointSlice => !!s);
  let kept = endpointsSummary(given);
  let source = 'EndpointSlices';
  if (given.length === 0) {
    const ep = ctx.store.get<Endpoints>('Endpoints', key);
    if (!ep) return false;
    const mirrored = slicesFromEndpoints(ep);
    writeSlices(ctx, {
      serviceKey: key,
      managedBy: SLICE_CONTROLLER,
      wanted: mirrored,
      nameOwner: `EndpointSlice/${key}`,
      generateName: `${name}-`,
      meta: (sliceName) => ({
        name: sliceName,
        namespace: ns,
        generateName: `${name}-`,
        labels: { [MANAGED_BY]: SLICE_CONTROLLER, [SERVICE_NAME_LABEL]: name },
        ownerReferences: [{ apiVersion: 'v1', kind: 'Service', name, uid: svc.metadata.uid, controller: true }],
      }),
    });
    kept = endpointsSummary(mirrored);
    source = 'Endpoints (no EndpointSlices in the snapshot; they are mirrored to slices for kube-proxy)';
  }
  const would = endpointsSummary(wanted);
  if (would !== kept) {
    ctx.events.push({
      type: 'Warning',
      reason: 'SnapshotDiffers',
      object: { kind: 'Service', namespace: ns, name },
      message: `kept the snapshot's ${source}: ${kept}; ` +
        `from the pods in the snapshot this controller would publish: ${would}`,
      source: 'endpointslice-controller',
    });
  }
  return true;
}

export function syncServiceEndpoints(ctx: Ctx, key: string): void {
  const svc = ctx.store.get<Service>('Service', key);
  if (!svc || svc.spec.type === 'ExternalName' || !hasSelector(svc)) return releaseEndpoints(ctx, key, svc);
  const eps = podEndpoints(ctx, svc);
  const wanted = slicesWanted(eps);
  if (ctx.preserve && keepSnapshotEndpoints(ctx, svc, key, wanted)) return;
  // The Service's own strings (its key's parts as new strings would be kept in every slice).
  const ns = svc.metadata.namespace ?? 'default';
  const name = svc.metadata.name;
  const headless = svc.spec.clusterIP === 'None';
  const generateName = `${name}-`;
  writeSlices(ctx, {
    serviceKey: key,
    managedBy: SLICE_CONTROLLER,
    wanted,
    nameOwner: `EndpointSlice/${key}`,
    generateName,
    meta: (sliceName) => {
      const labels: Record<string, string> = {
        ...svc.metadata.labels,
        [MANAGED_BY]: SLICE_CONTROLLER,
        [SERVICE_NAME_LABEL]: name,
      };
      if (headless) labels['service.kubernetes.io/headless'] = '';
      const ownerReferences = [{ apiVersion: 'v1', kind: 'Service', name, uid: svc.metadata.uid, controller: true }];
      return { name: sliceName, namespace: ns, generateName, labels, ownerReferences };
    },
  });
  writeLegacyEndpoints(ctx, svc, key, eps);
}

/** Not ours (selectorless or gone): remove what this controller wrote earlier. */
function releaseEndpoints(ctx: Ctx, key: string, svc: Service | undefined): void {
  const { namespace: ns, name } = splitMetaNamespaceKey(key);
  for (const s of existingSlices(ctx, key, SLICE_CONTROLLER)) ctx.store.delete({
    kind: 'EndpointSlice',
    namespace: ns,
    name: s.metadata.name,
  });
  // The endpoints controller deletes Endpoints whose Service is gone, and leaves a selectorless
  // Service's Endpoints to whoever wrote them.
  if (!svc && ctx.store.get<Endpoints>('Endpoints', key)) ctx.store.delete({ kind: 'Endpoints', namespace: ns, name });
}

/**
 * One endpoint per selected pod with an address that has not finished, in address order: the
 * pods read once, in the index bucket's order (selectedPods and the endpoint loop were two passes).
 */
function podEndpoints(ctx: Ctx, svc: Service): PodEndpoint[] {
  const ns = svc.metadata.namespace ?? 'default';
  const name = svc.metadata.name;
  const sel = svc.spec.selector ?? {};
  const publishNotReady = svc.spec.publishNotReadyAddresses === true;
  const eps: PodEndpoint[] = [];
  // The ports depend only on the pod's containers, which the pods of one template share.
  const mappings = new PortMappings(svc);
  // One pair: its bucket holds exactly the pods with it (with no '=' in it, no other pair reads the
  // same), and their labels need no second look (a read of another object per pod).
  const onePair = singlePair(sel);
  for (const key of candidatePods(ctx, ns, sel) ?? []) {
    const pod = ctx.store.get<Pod>('Pod', key);
    if (!pod || (!onePair && !labelsMatch(sel, pod.metadata.labels))) continue;
    const ip = pod.status?.podIP;
    if (!ip) continue;
    if (pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') continue;
    const terminating = isTerminating(pod);
    const serving = isPodReady(pod);
    const ready = publishNotReady || (serving && !terminating);
    const endpoint = sliceEndpoint(
      [ip],
      endpointConditions(ctx, ready, serving, terminating),
      pod.spec.hostname && pod.spec.subdomain === name ? pod.spec.hostname : undefined,
      pod.spec.nodeName,
      { kind: 'Pod', namespace: ns, name: pod.metadata.name, uid: pod.metadata.uid },
    );
    eps.push({ pod, endpoint, ip: ipToInt(ip) ?? 0, ports: mappings.of(pod) });
  }
  mappings.unify(eps);
  return sortEndpoints(eps);
}

/** The port mappings of one Service's pods, by containers list. */
class PortMappings {
  private lastContainers: unknown;
  private last: PortMapping | undefined;
  private byContainers: Map<unknown, PortMapping> | undefined;

  constructor(private readonly svc: Service) {}

  of(pod: Pod): PortMapping {
    const containers = pod.spec.containers;
    if (this.last && containers === this.lastContainers) return this.last;
    // A second containers list: the map from then on (the first one is put in it too).
    if (this.last && !this.byContainers) this.byContainers = new Map([[this.lastContainers, this.last]]);
    let m = this.byContainers?.get(containers);
    if (!m) {
      m = { ports: endpointPorts(this.svc, pod) };
      this.byContainers?.set(containers, m);
    }
    this.lastContainers = containers;
    this.last = m;
    return m;
  }

  /** Mappings with equal ports made one object (slices and subsets group by port mapping). */
  unify(eps: PodEndpoint[]): void {
    if (!this.byContainers) return;
    const bySig = new Map<string, PortMapping>();
    for (const m of this.byContainers.values()) {
      m.sig = JSON.stringify(m.ports);
      if (!bySig.has(m.sig)) bySig.set(m.sig, m);
    }
    for (const e of eps) e.ports = bySig.get(e.ports.sig!)!;
  }
}

/**
 * An endpoint's conditions: one object per combination in a run, shared by every endpoint that has
 * it (written objects are never changed, so sharing shows nowhere but in the heap).
 */
function endpointConditions(ctx: Ctx, ready: boolean, serving: boolean, terminating: boolean): EndpointConditions {
  const all = (ctx.derived.endpointConditions ??= []);
  const i = (ready ? 4 : 0) + (serving ? 2 : 0) + (terminating ? 1 : 0);
  return (all[i] ??= { ready, serving, terminating });
}

/**
 * By address, then pod name; equal ones keep their order (as Array.prototype.sort, which is stable).
 * Insertion sort: a Service has a handful of pods, and the built-in sort copies into a work area first.
 */
function sortEndpoints(eps: PodEndpoint[]): PodEndpoint[] {
  if (eps.length > 32) return eps.sort(endpointOrder);
  for (let i = 1; i < eps.length; i++) {
    const e = eps[i]!;
    let j = i - 1;
    for (; j >= 0 && endpointOrder(eps[j]!, e) > 0; j--) eps[j + 1] = eps[j]!;
    eps[j + 1] = e;
  }
  return eps;
}

function endpointOrder(a: PodEndpoint, b: PodEndpoint): number {
  return a.ip - b.ip || (a.pod.metadata.name < b.pod.metadata.name ? -1 : 1);
}

type TargetRef = NonNullable<SliceEndpoint['targetRef']>;

// One literal per case, fields in the API's order (hostname and nodeName only when set): the result
// holds its fields itself, where a spread of `{}` or `{hostname}` made a throwaway object per
// endpoint and fields added afterwards would live in a separate property store.

function sliceEndpoint(
  addresses: string[],
  conditions: NonNullable<SliceEndpoint['conditions']>,
  hostname: string | undefined,
  nodeName: string | undefined,
  targetRef: TargetRef,
): SliceEndpoint {
  if (hostname) {
    return nodeName
      ? { addresses, conditions, hostname, nodeName, targetRef }
      : { addresses, conditions, hostname, targetRef };
  }
  return nodeName ? { addresses, conditions, nodeName, targetRef } : { addresses, conditions, targetRef };
}

function endpointAddress(ip: string, hostname: string | undefined, nodeName: string | undefined,
  targetRef: TargetRef): EndpointAddress {
  if (hostname) return nodeName ? { ip, hostname, nodeName, targetRef } : { ip, hostname, targetRef };
  return nodeName ? { ip, nodeName, targetRef } : { ip, targetRef };
}

/** The Service's ports as this pod serves them (named targetPorts resolved against its containers). */
function endpointPorts(svc: Service, pod: Pod): EndpointPorts {
  const ports: EndpointPorts = [];
  for (const sp of svc.spec.ports ?? []) {
    const port = findPort(pod, sp);
    if (port === undefined) continue;
    const name = sp.name ?? '';
    const protocol = sp.protocol ?? 'TCP';
    // One literal per case: a spread of `{}` made a throwaway object and a hidden class per port.
    ports.push(sp.appProtocol ? { name, port, protocol, appProtocol: sp.appProtocol } : { name, port, protocol });
  }
  return ports;
}

/** The endpoints by port mapping, each group in address order, groups by their first endpoint. */
function byPortMapping(eps: PodEndpoint[]): PodEndpoint[][] {
  const first = eps[0]?.ports;
  if (eps.every((e) => e.ports === first)) return eps.length ? [eps] : [];
  const groups = new Map<PortMapping, PodEndpoint[]>();
  for (const e of eps) {
    const g = groups.get(e.ports);
    if (g) g.push(e);
    else groups.set(e.ports, [e]);
  }
  return [...groups.values()];
}

/** One group of slices per distinct port mapping, each chunked to MAX_ENDPOINTS_PER_SLICE. */
function slicesWanted(eps: PodEndpoint[]): SliceBody[] {
  const wanted: SliceBody[] = [];
  for (const g of byPortMapping(eps)) {
    for (let i = 0; i < g.length; i += MAX_ENDPOINTS_PER_SLICE) {
      const chunk = g.length <= MAX_ENDPOINTS_PER_SLICE ? g : g.slice(i, i + MAX_ENDPOINTS_PER_SLICE);
      wanted.push({
        apiVersion: 'discovery.k8s.io/v1',
        kind: 'EndpointSlice',
        addressType: 'IPv4',
        endpoints: chunk.map((e) => e.endpoint),
        ports: chunk[0]!.ports.ports,
      });
    }
  }
  if (wanted.length === 0) {
    // The controller keeps one empty placeholder slice (no endpoints, no ports) for a Service with none.
    wanted.push({
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      addressType: 'IPv4',
      endpoints: [],
      ports: [],
    });
  }
  return wanted;
}

/** A slice's port as the legacy Endpoints write it: no name when it has none. */
function endpointPort(p: EndpointPorts[number]): EndpointPort {
  return p.name ? { name: p.name, port: p.port, protocol: p.protocol } : { port: p.port, protocol: p.protocol };
}

/** One subset's endpoints while they are sorted in: ready ones in addresses, the rest not. */
interface Subset {
  mapping: PortMapping;
  addresses: EndpointAddress[];
  notReadyAddresses: EndpointAddress[];
}

/** The endpoints controller's legacy Endpoints: subsets by port mapping, terminating pods left out. */
function writeLegacyEndpoints(ctx: Ctx, svc: Service, key: string, eps: PodEndpoint[]): void {
  const namespace = svc.metadata.namespace ?? 'default';
  const ep: Endpoints = {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name: svc.metadata.name, namespace, labels: legacyLabels(ctx, svc) },
    subsets: legacySubsets(eps, svc.spec.publishNotReadyAddresses === true),
  };
  const prev = ctx.store.get<Endpoints>('Endpoints', key);
  const withUid = prev?.metadata.uid ? { ...ep, metadata: { ...ep.metadata, uid: prev.metadata.uid } } : ep;
  if (!prev) {
    const res = ctx.store.create(ep);
    if (!res.ok) ctx.store.put(ep);
  } else if (JSON.stringify(prev) !== JSON.stringify(withUid)) ctx.store.put(withUid);
}

/**
 * The endpoints controller marks its own Endpoints so the mirroring controller leaves them alone.
 * A Service without labels gives every Endpoints the same ones: one object per run, shared (written
 * objects are never changed), instead of one per Service kept with every state.
 */
function legacyLabels(ctx: Ctx, svc: Service): Record<string, string> {
  const headless = svc.spec.clusterIP === 'None';
  if (!svc.metadata.labels && !headless) return (ctx.derived.endpointsLabels ??= { [SKIP_MIRROR]: 'true' });
  const labels: Record<string, string> = { ...svc.metadata.labels, [SKIP_MIRROR]: 'true' };
  if (headless) labels['service.kubernetes.io/headless'] = '';
  return labels;
}

/**
 * Subsets by port mapping in the order their first endpoint comes, each list only when it has
 * entries. A Service's pods mostly share one mapping: the last subset is tried first.
 */
function legacySubsets(eps: PodEndpoint[], publishNotReady: boolean): NonNullable<Endpoints['subsets']> {
  const subsets: Subset[] = [];
  let last: Subset | undefined;
  for (const e of eps) {
    const { addresses, conditions, hostname, nodeName, targetRef } = e.endpoint;
    if (conditions?.terminating && !publishNotReady) continue;
    if (last?.mapping !== e.ports) {
      last = subsets.find((s) => s.mapping === e.ports);
      if (!last) subsets.push((last = { mapping: e.ports, addresses: [], notReadyAddresses: [] }));
    }
    (conditions?.ready ? last.addresses : last.notReadyAddresses).push(
      endpointAddress(addresses[0]!, hostname, nodeName, targetRef!),
    );
  }
  // The lists are kept as exact-size copies: an array grown by push holds 17 slots for a Service's 5 pods.
  return subsets.map((s) => {
    const subset: NonNullable<Endpoints['subsets']>[number] = {};
    if (s.addresses.length) subset.addresses = s.addresses.slice();
    if (s.notReadyAddresses.length) subset.notReadyAddresses = s.notReadyAddresses.slice();
    if (s.mapping.ports.length) subset.ports = s.mapping.ports.map(endpointPort);
    return subset;
  });
}
