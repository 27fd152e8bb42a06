// One scenario edit applied to a built lab, the way the real components react to a watch event:
// the control plane runs only the controllers the edit wakes (applyChange); kube-proxy on each node
// re-syncs only when Services or EndpointSlices or its own Node changed (iptables: a partial sync of
// the changed Services, KEP-3453); CoreDNS and the ingress controllers rebuild only when what they
// read changed.
// What the tracer and the viewers see equals a from-scratch compile of the same cluster state.

import type { Cluster } from '../cluster';
import type { Node } from '../api/types';
import { deepEqual } from '../util/equal';
import { GATEWAY_API_KINDS } from '../api/gateway-validation';
import { objectKey } from '../api/types';
import type { AnyObject } from '../api/store';
import { ADDON_LABEL, addonObjects } from '../ingress/addon';
import { applyChange, inputKey, type Change, type ReconcileState } from '../controllers/reconcile';
import type { LabSettings } from '../lab';
import type { ClusterEvent } from '../events';
import { compileIngressControllers, syncIngressControllers } from '../ingress/controllers';
import { refreshPortmap, startKubeProxy, syncKubeProxy, type KubeProxyNode } from '../proxy/compile';
import { proxyChangesOf } from '../proxy/changes';
import { portmapNodesTouched } from '../cni/portmap';
import { buildLabDns, type LabDns } from './dns-port';
import { compileGateways, syncGateways, type CompiledGateways } from '../gateway/controller';
import { gatewayAddonObjects } from '../gateway/addon';
import { buildIngressPorts } from './ingress-port';
import { buildLab, labOf, lastSeq, publicIngressRecords, type Lab } from './lab';

/** What one update recompiled, per component (for the event log's reader and for tests). */
export interface LabUpdateInfo {
  /** Per node: kept as it was, a partial (iptables) sync, or a full compile. */
  proxies: Record<string, 'unchanged' | 'partial' | 'full'>;
  dns: 'unchanged' | 'rebuilt';
  ingress: 'unchanged' | 'rebuilt';
  /** The whole lab was rebuilt from the new inputs (an edit that changes the installed addons). */
  rebuilt: boolean;
}

export interface UpdatedLab extends Lab {
  lastUpdate: LabUpdateInfo;
}

type Lists = (keyof Cluster)[];
// What each consumer reads from the cluster (lists are reused by identity when their kind did not change).
const PROXY_INPUTS: Lists = ['services', 'endpointSlices'];
const DNS_INPUTS: Lists = ['services', 'endpointSlices', 'pods', 'namespaces', 'nodes', 'settings'];
const GATEWAY_INPUTS: Lists = [
  'gatewayClasses', 'gateways', 'httpRoutes', 'referenceGrants', 'services', 'endpointSlices', 'endpoints',
  'pods', 'secrets', 'namespaces', 'settings',
];
const INGRESS_INPUTS: Lists = [
  'ingresses', 'ingressClasses', 'services', 'endpointSlices', 'endpoints', 'pods', 'secrets', 'configMaps',
  'nodes', 'settings', 'others',
];

/** Unchanged when every listed field is the same object, or a list of the same objects (objects are
 *  never mutated: a write makes a new one). */
function same(a: Cluster, b: Cluster, keys: Lists): boolean {
  return keys.every((k) => {
    const x = a[k];
    const y = b[k];
    if (x === y) return true;
    if (!Array.isArray(x) || !Array.isArray(y) || x.length !== y.length) return false;
    for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
    return true;
  });
}

/** An object change, or lab settings replaced (kube-proxy's configuration, CIDRs, the seed). */
export type LabChange = Change | { kind: 'settings'; settings: LabSettings };

function changeKind(change: Change): string {
  return change.kind === 'apply' ? change.object?.kind : change.ref.kind;
}

type Inputs = Iterable<AnyObject>;

/** The user's own objects (without the controller installs the last build added) built again as a new cluster. */
function rebuilt(prev: Lab, objects: Inputs, settings: LabSettings): UpdatedLab {
  const own = [...objects].filter((o) => !o.metadata.labels?.[ADDON_LABEL]);
  const before = [...prev.reconcile.state.inputs.values()].filter((o) => !o.metadata.labels?.[ADDON_LABEL]);
  // Controllers the last build installed because an IngressClass asked for them are decided again.
  const implied = new Set(addonObjects({ ...prev.settings, ingress: [] }, before).implied.map((a) => a.className));
  const declared = settings.ingress.filter((a) => !implied.has(a.className));
  const input = { settings: { ...settings, ingress: declared }, objects: own, clients: prev.clients };
  // A rebuilt lab still reuses the route tables of nodes whose inputs did not change.
  const lab = buildLab({ ...input, previousNetwork: prev.network });
  const proxies = Object.fromEntries(Object.keys(lab.kubeProxy).map((n) => [n, 'full' as const]));
  return { ...lab, lastUpdate: { proxies, dns: 'rebuilt', ingress: 'rebuilt', rebuilt: true } };
}

/**
 * The inputs, each carrying the metadata.generation the apiserver gave it (Gateway API kinds): a rebuilt
 * cluster re-creates objects that already exist, so their generation and the observedGeneration their
 * controllers report go on from there instead of starting again at 1.
 */
function withGenerations(state: ReconcileState): AnyObject[] {
  return [...state.inputs.values()].map((o) => {
    const stored = GATEWAY_API_KINDS.has(o.kind) ? state.store.get(o.kind, objectKey(o)) : undefined;
    const generation = stored?.metadata.generation;
    return typeof generation === 'number' ? { ...o, metadata: { ...o.metadata, generation } } as typeof o : o;
  });
}

/** Only kube-proxy's configuration differs: the control plane is untouched, kube-proxy restarts. */
function onlyKubeProxy(a: LabSettings, b: LabSettings): boolean {
  return JSON.stringify({ ...a, kubeProxy: null }) === JSON.stringify({ ...b, kubeProxy: null });
}

export function updateLab(prev: Lab, change: LabChange): UpdatedLab {
  const was = prev.reconcile.state;
  if (change.kind === 'settings') {
    // A new CIDR, seed or controller install is a different cluster; a kube-proxy configuration
    // change is kube-proxy restarting on every node (flush, then its initial full sync).
    if (!onlyKubeProxy(prev.settings, change.settings)) return rebuilt(prev, withGenerations(was), change.settings);
    const cluster = { ...was.cluster, settings: change.settings };
    const state: ReconcileState = { ...was, settings: change.settings, cluster, changes: [] };
    return continueUpdate({ ...prev, settings: change.settings }, state);
  }
  // IngressClasses decide which controllers are installed (addonObjects): start over from the inputs.
  // A GatewayClass or Gateway that provisions only new objects is applied as on a live cluster (below);
  // one that changes or removes what NGINX Gateway Fabric installed starts over too.
  const kind = changeKind(change);
  if (kind === 'GatewayClass' || kind === 'Gateway') {
    const state = applyChange(was, change);
    const provisioned = provisionNewGateways(state, prev.settings);
    if (provisioned) return continueUpdate(prev, provisioned);
    return rebuilt(prev, withGenerations(state), prev.settings);
  }
  if (kind === 'IngressClass') return rebuilt(prev, withGenerations(applyChange(was, change)), prev.settings);
  return continueUpdate(prev, applyChange(was, change));
}

/**
 * What NGF's provisioner does on a live cluster when a Gateway (or its class) is applied and all it
 * has to do is create: the control plane and the Gateway's data plane are created, and the pods
 * already running stay where they are. A rebuild from the inputs would schedule the new data-plane
 * pods among them (pods are created in namespace/name order) and move or renumber them. Each
 * creation's watch events are kept for kube-proxy. Null when an installed object would change or go
 * (a listener added or removed, a Gateway deleted): the caller starts over from the inputs.
 */
function provisionNewGateways(state: ReconcileState, settings: LabSettings): ReconcileState | null {
  const inputs = [...state.inputs.values()];
  const isNgf = (o: AnyObject | undefined) => o?.metadata.labels?.[ADDON_LABEL] === 'gateway';
  const wanted = gatewayAddonObjects(settings, inputs.filter((o) => !isNgf(o)));
  const wantedKeys = new Set(wanted.map(inputKey));
  if (inputs.some((o) => isNgf(o) && !wantedKeys.has(inputKey(o)))) return null;
  const created: AnyObject[] = [];
  for (const o of wanted) {
    const installed = state.inputs.get(inputKey(o));
    if (!isNgf(installed)) created.push(o);
    else if (!deepEqual(installed, o)) return null;
  }
  let s = state;
  for (const object of created) {
    const next = applyChange(s, { kind: 'apply', object });
    s = { ...next, changes: [...s.changes, ...next.changes] };
  }
  return s;
}

/** The lab's one timeline: events appended with the next seq. */
class Timeline {
  readonly events: ClusterEvent[];
  private seq: number;
  constructor(prev: readonly ClusterEvent[]) {
    this.events = [...prev];
    this.seq = lastSeq(prev);
  }
  add(list: readonly Omit<ClusterEvent, 'seq'>[]): void {
    for (const e of list) this.events.push({ ...e, seq: ++this.seq });
  }
}

/** What every component's sync below reads: the cluster before and after, and what the edit wrote. */
interface Step {
  prev: Lab;
  state: ReconcileState;
  cluster: Cluster;
  was: Cluster;
  log: Timeline;
  info: LabUpdateInfo;
}

/** The data plane brought up to date with the control plane's new state. */
function continueUpdate(prev: Lab, state: ReconcileState): UpdatedLab {
  const log = new Timeline(prev.events);
  const prevState = prev.reconcile.state;
  const continued = state.events.length >= prevState.events.length && state.events[0] === prevState.events[0];
  log.add(continued ? state.events.slice(prevState.events.length) : state.events);

  const info: LabUpdateInfo = { proxies: {}, dns: 'unchanged', ingress: 'unchanged', rebuilt: false };
  const step: Step = { prev, state, cluster: state.cluster, was: prev.cluster, log, info };
  const kubeProxy = syncNodeProxies(step);
  const ing = syncIngress(step);
  const labDns = syncDns(step, ing.externalRecords);
  const gateways = syncGatewayController(step);

  const rec = { cluster: state.cluster, problems: [...state.problems], state };
  const parts = { kubeProxy, ...ing, labDns, events: log.events, gateways };
  const lab = labOf({ settings: prev.settings, rec, clients: prev.clients, previousNetwork: prev.network, ...parts });
  return { ...lab, lastUpdate: info };
}

/**
 * kube-proxy on every node: the informers deliver the edit's Service and EndpointSlice events to its
 * change trackers, and a node's kube-proxy syncs when its informers fired. Of Node events it watches
 * only its own node's: new labels make the next sync a full one (OnNodeUpdate's needFullSync), new
 * addresses or a new pod CIDR restart it (kube-proxy exits when its node's IPs or podCIDR change), as
 * does a new configuration everywhere. A new node starts its own kube-proxy.
 */
function syncNodeProxies({ prev, state, cluster, was, log, info }: Step): Record<string, KubeProxyNode> {
  const kubeProxy: Record<string, KubeProxyNode> = {};
  const restartAll = !same(cluster, was, ['settings']);
  const proxyInputsSame = same(cluster, was, PROXY_INPUTS);
  const changes = proxyChangesOf(state.changes);
  // The container runtime runs the CNI portmap plugin only for sandboxes of pods with hostPorts.
  const portmapNodes = portmapNodesTouched(state.changes);
  const before = new Map(was.nodes.map((n) => [n.metadata.name, n]));
  for (const n of cluster.nodes) {
    const name = n.metadata.name;
    const old = prev.kubeProxy[name];
    const input = { cluster, nodeName: name };
    const node = nodeChange(before.get(name), n);
    if (old && !restartAll && node === 'same' && proxyInputsSame) {
      // Pods may still have changed the CNI portmap plugin's hostPort rules on the node.
      kubeProxy[name] = refreshPortmap(old, input, portmapNodes.has(name));
      info.proxies[name] = 'unchanged';
      continue;
    }
    const fullSync = node === 'labels' ? 'node labels changed' : undefined;
    const k = old && !restartAll && node !== 'restart'
      ? syncKubeProxy(old, input, changes, portmapNodes.has(name), fullSync)
      : startKubeProxy(input);
    const partial = k.proxier.kind === 'iptables' && k.proxier.artifact.lastSync.kind === 'partial';
    info.proxies[name] = old && !restartAll && node !== 'restart' && partial ? 'partial' : 'full';
    log.add(k.proxy.events);
    kubeProxy[name] = k;
  }
  return kubeProxy;
}

/** How a node's kube-proxy takes what happened to its Node object (see syncNodeProxies). */
function nodeChange(before: Node | undefined, now: Node): 'same' | 'labels' | 'restart' {
  if (before === now) return 'same';
  if (!before) return 'restart';
  const addressed = (n: Node) => [n.status?.addresses, n.spec?.podCIDR, n.spec?.podCIDRs];
  if (!deepEqual(addressed(before), addressed(now))) return 'restart';
  return deepEqual(before.metadata.labels, now.metadata.labels) ? 'same' : 'labels';
}

/** Public DNS names as one address each (the lab keeps them as lists for the tracer). */
function firstRecords(records: Lab['externalRecords']): Record<string, string> {
  return Object.fromEntries(Object.entries(records).map(([k, v]) => [k, v[0]!]));
}

/** The ingress controllers: an informer event reaches them only when what they watch changed. */
function syncIngress({ prev, cluster, was, log, info }: Step) {
  const kept = {
    ingressControllers: prev.ingressControllers,
    ingress: prev.ingress,
    externalRecords: firstRecords(prev.externalRecords),
  };
  // No controller installed: nobody watches.
  if (cluster.settings.ingress.length === 0 || same(cluster, was, INGRESS_INPUTS)) return kept;
  info.ingress = 'rebuilt';
  const ingressControllers = compileIngressControllers(cluster);
  const ingress = buildIngressPorts(cluster, ingressControllers);
  const ports = { cluster, ingress, clients: prev.clients };
  const externalRecords = publicIngressRecords(cluster, ports, ingressControllers);
  // Reload vs dynamic (Lua) update: the controllers' own decision for this change.
  for (const d of syncIngressControllers({ previous: was, next: cluster })) log.add(d.decision.events);
  return { ingressControllers, ingress, externalRecords };
}

/** The same public names in the same order, each with the same (first) address. */
function sameRecords(now: Record<string, string>, before: Lab['externalRecords']): boolean {
  const a = Object.keys(now);
  const b = Object.keys(before);
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i] || now[a[i]!] !== before[b[i]!]![0]) return false;
  return true;
}

/** CoreDNS (kubernetes plugin): the zone again when what it serves changed. */
function syncDns({ prev, cluster, was, info }: Step, externalRecords: Record<string, string>): LabDns {
  if (same(cluster, was, DNS_INPUTS) && sameRecords(externalRecords, prev.externalRecords)) return prev.labDns;
  info.dns = 'rebuilt';
  return buildLabDns(cluster, externalRecords, prev.labDns);
}

/** The Gateway controller: a new configuration for each Gateway whose inputs changed (reload). */
function syncGatewayController({ prev, cluster, log }: Step): CompiledGateways {
  const gateways = prev.gatewayControllers;
  if (same(cluster, prev.reconcile.state.cluster, GATEWAY_INPUTS)) {
    // Nothing the controller reads changed: the status it wrote stands, on the edited cluster.
    const g = gateways.cluster;
    const written = { gatewayClasses: g.gatewayClasses, gateways: g.gateways, httpRoutes: g.httpRoutes };
    return { ...gateways, cluster: { ...cluster, ...written } };
  }
  const next = compileGateways(cluster);
  for (const d of syncGateways(gateways, next)) log.add(d.events);
  return next;
}
