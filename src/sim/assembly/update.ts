// One scenario edit applied to a built lab, the way the real components react to a watch event:
// the control plane runs only the controllers the edit wakes (applyChange); kube-proxy on each node
// re-syncs only when Services or EndpointSlices changed (iptables: a partial sync of the changed
// Services, KEP-3453); CoreDNS and the ingress controllers rebuild only when what they read changed.
// What the tracer and the viewers see equals a from-scratch compile of the same cluster state.

import type { Cluster } from '../cluster';
import { ADDON_LABEL, addonObjects } from '../ingress/addon';
import { applyChange, type Change, type ReconcileState } from '../controllers/reconcile';
import type { LabSettings } from '../lab';
import type { ClusterEvent } from '../events';
import { compileIngressControllers, syncIngressControllers } from '../ingress/controllers';
import { refreshPortmap, startKubeProxy, syncKubeProxy, type KubeProxyNode } from '../proxy/compile';
import { proxyChangesOf } from '../proxy/changes';
import { portmapNodesTouched } from '../cni/portmap';
import { buildLabDns } from './dns-port';
import { compileGateways, syncGateways } from '../gateway/controller';
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
const GATEWAY_INPUTS: Lists = ['gatewayClasses', 'gateways', 'httpRoutes', 'referenceGrants', 'services', 'endpointSlices', 'endpoints', 'pods', 'secrets', 'namespaces', 'settings'];
const INGRESS_INPUTS: Lists = ['ingresses', 'ingressClasses', 'services', 'endpointSlices', 'endpoints', 'pods', 'secrets', 'configMaps', 'nodes', 'settings', 'others'];

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

/** The user's own objects (without the controller installs the last build added) built again as a new cluster. */
function rebuilt(prev: Lab, objects: ReturnType<ReconcileState['inputs']['values']>, settings: LabSettings): UpdatedLab {
  const own = [...objects].filter((o) => !o.metadata.labels?.[ADDON_LABEL]);
  const before = [...prev.reconcile.state.inputs.values()].filter((o) => !o.metadata.labels?.[ADDON_LABEL]);
  // Controllers the last build installed because an IngressClass asked for them are decided again.
  const implied = new Set(addonObjects({ ...prev.settings, ingress: [] }, before).implied.map((a) => a.className));
  const declared = settings.ingress.filter((a) => !implied.has(a.className));
  const lab = buildLab({ settings: { ...settings, ingress: declared }, objects: own, clients: prev.clients });
  return { ...lab, lastUpdate: { proxies: Object.fromEntries(Object.keys(lab.kubeProxy).map((n) => [n, 'full'])), dns: 'rebuilt', ingress: 'rebuilt', rebuilt: true } };
}

/** Only kube-proxy's configuration differs: the control plane is untouched, kube-proxy restarts. */
function onlyKubeProxy(a: LabSettings, b: LabSettings): boolean {
  return JSON.stringify({ ...a, kubeProxy: null }) === JSON.stringify({ ...b, kubeProxy: null });
}

export function updateLab(prev: Lab, change: LabChange): UpdatedLab {
  if (change.kind === 'settings') {
    // A new CIDR, seed or controller install is a different cluster; a kube-proxy configuration
    // change is kube-proxy restarting on every node (flush, then its initial full sync).
    if (!onlyKubeProxy(prev.settings, change.settings)) return rebuilt(prev, prev.reconcile.state.inputs.values(), change.settings);
    const was = prev.reconcile.state;
    const state: ReconcileState = { ...was, settings: change.settings, cluster: { ...was.cluster, settings: change.settings }, changes: [] };
    return continueUpdate({ ...prev, settings: change.settings }, state);
  }
  // IngressClasses decide which controllers are installed (addonObjects): start over from the inputs.
  // GatewayClasses and Gateways decide which data planes NGINX Gateway Fabric provisions: start over too.
  if (['GatewayClass', 'Gateway'].includes(changeKind(change))) return rebuilt(prev, applyChange(prev.reconcile.state, change).inputs.values(), prev.settings);
  if (changeKind(change) === 'IngressClass') return rebuilt(prev, applyChange(prev.reconcile.state, change).inputs.values(), prev.settings);
  return continueUpdate(prev, applyChange(prev.reconcile.state, change));
}

/** The data plane brought up to date with the control plane's new state. */
function continueUpdate(prev: Lab, state: ReconcileState): UpdatedLab {
  const settings = prev.settings;
  const cluster = state.cluster;
  const was = prev.cluster;
  const events: ClusterEvent[] = [...prev.events];
  let seq = lastSeq(events);
  const prevState = prev.reconcile.state;
  const continued = state.events.length >= prevState.events.length && state.events[0] === prevState.events[0];
  for (const e of continued ? state.events.slice(prevState.events.length) : state.events) events.push({ ...e, seq: ++seq });

  // ---- kube-proxy on every node
  const info: LabUpdateInfo = { proxies: {}, dns: 'unchanged', ingress: 'unchanged', rebuilt: false };
  const kubeProxy: Record<string, KubeProxyNode> = {};
  const restart = !same(cluster, was, ['nodes', 'settings']);
  // The informers deliver the edit's Service and EndpointSlice events to kube-proxy's change
  // trackers on every node; a node's kube-proxy syncs when its informers fired.
  const proxyInputsSame = same(cluster, was, PROXY_INPUTS);
  const changes = proxyChangesOf(state.changes);
  // The container runtime runs the CNI portmap plugin only for sandboxes of pods with hostPorts.
  const portmapNodes = portmapNodesTouched(state.changes);
  for (const n of cluster.nodes) {
    const name = n.metadata.name;
    const old = prev.kubeProxy[name];
    let k: KubeProxyNode;
    if (old && !restart && proxyInputsSame) {
      // Pods may still have changed the CNI portmap plugin's hostPort rules on the node.
      k = refreshPortmap(old, { cluster, nodeName: name }, portmapNodes.has(name));
      info.proxies[name] = 'unchanged';
    } else {
      const input = { cluster, nodeName: name };
      k = old && !restart ? syncKubeProxy(old, input, changes, portmapNodes.has(name)) : startKubeProxy(input);
      const partial = old && !restart && k.proxier.kind === 'iptables' && old.proxier.kind === 'iptables';
      info.proxies[name] = partial ? 'partial' : 'full';
      for (const e of k.proxy.events) events.push({ ...e, seq: ++seq });
    }
    kubeProxy[name] = k;
  }

  // ---- ingress controllers: an informer event reaches them only when what they watch changed
  let ingressControllers = prev.ingressControllers;
  let ingress = prev.ingress;
  let externalRecords: Record<string, string> = Object.fromEntries(Object.entries(prev.externalRecords).map(([k, v]) => [k, v[0]!]));
  // No controller installed: nobody watches.
  if (cluster.settings.ingress.length > 0 && !same(cluster, was, INGRESS_INPUTS)) {
    info.ingress = 'rebuilt';
    ingressControllers = compileIngressControllers(cluster);
    ingress = buildIngressPorts(cluster, ingressControllers);
    externalRecords = publicIngressRecords(cluster, { cluster, ingress, clients: prev.clients }, ingressControllers);
    // Reload vs dynamic (Lua) update: the controllers' own decision for this change.
    for (const d of syncIngressControllers({ previous: was, next: cluster })) for (const e of d.decision.events) events.push({ ...e, seq: ++seq });
  }

  // ---- CoreDNS (kubernetes plugin) zone
  let labDns = prev.labDns;
  const externalSame = JSON.stringify(externalRecords) === JSON.stringify(Object.fromEntries(Object.entries(prev.externalRecords).map(([k, v]) => [k, v[0]!])));
  if (!same(cluster, was, DNS_INPUTS) || !externalSame) {
    info.dns = 'rebuilt';
    labDns = buildLabDns(cluster, externalRecords);
  }

  // ---- the Gateway controller: a new configuration for each Gateway whose inputs changed (reload)
  let gateways = prev.gatewayControllers;
  if (!same(cluster, prev.reconcile.state.cluster, GATEWAY_INPUTS)) {
    gateways = compileGateways(cluster);
    for (const d of syncGateways(prev.gatewayControllers, gateways)) for (const e of d.events) events.push({ ...e, seq: ++seq });
  } else {
    // Nothing the controller reads changed: the status it wrote stands, on the edited cluster.
    const g = gateways.cluster;
    const written = { gatewayClasses: g.gatewayClasses, gateways: g.gateways, httpRoutes: g.httpRoutes };
    gateways = { ...gateways, cluster: { ...cluster, ...written } };
  }

  const rec = { cluster, problems: [...state.problems], state };
  return { ...labOf({ settings, rec, clients: prev.clients, kubeProxy, ingress, ingressControllers, labDns, externalRecords, events, gateways }), lastUpdate: info };
}
