// Snapshots of real clusters (`kubectl get ... -A -o yaml`): recognised by what they carry, and
// the lab settings a real cluster configures outside its API objects inferred from what the
// snapshot shows of them. Every inference says what it was read from, for `validate` and the UI's
// load report. Settings a scenario file gives itself are never overridden.

import { parse as parseYaml } from 'yaml';
import type { ConfigMap, Deployment, Node, Pod, Service } from '../sim/api/types';
import type { IpvsScheduler, LabSettings, ProxyMode } from '../sim/lab';
import { IPVS_SCHEDULERS, PROXY_MODES } from '../sim/lab';
import { inferIngress } from './ingress-inference';
import { cidrContains, intToIp, ipToInt, isIPv4, parseCidr } from '../sim/net/ip';
import type { Problem } from './problem';
import { placeOf, type Place } from './place';
import { noted } from './problem-text';
import type { Inference, InferenceBasis, Setter } from './inference';
import type { ObjectSource, ScenarioObject } from './types';

export type { Inference, InferenceBasis } from './inference';

export interface SnapshotResult {
  settings: LabSettings;
  inferred: Inference[];
  problems: Problem[];
}

/**
 * A snapshot carries what only a running cluster writes: resourceVersions and uids, `status`
 * blocks (a Pod's podIP, a Node's addresses), items of a `kind: List`. Hand-written manifests
 * carry none of these. `fromList` tells whether an object came out of a List document.
 */
export function looksLikeSnapshot(objects: readonly ScenarioObject[], sources: readonly ObjectSource[]): boolean {
  return objects.some((o, i) => {
    const m = o.metadata as { resourceVersion?: unknown; uid?: unknown; creationTimestamp?: unknown };
    if (m.resourceVersion !== undefined || m.uid !== undefined || m.creationTimestamp !== undefined) return true;
    const status = (o as { status?: Record<string, unknown> }).status;
    const fromList = sources[i]?.path.startsWith('/items/') ?? false;
    return fromList && !!status && Object.keys(status).length > 0;
  });
}

const key = (o: { metadata: { namespace?: string; name: string } }) =>
  `${o.metadata.namespace ?? 'default'}/${o.metadata.name}`;

/** The kubeProxy settings a snapshot may infer, each freed when the files gave no kubeProxy at all. */
const KUBE_PROXY_FIELDS = [
  ...['mode', 'clusterCIDR', 'ipvs', 'nodePortAddresses'],
  ...['masqueradeAll', 'masqueradeBit', 'localhostNodePorts'],
];

/** The settings a snapshot implies, for every setting the files did not give (`defaulted`). */
export function inferFromSnapshot(p: {
  objects: readonly ScenarioObject[];
  sources: readonly ObjectSource[];
  settings: LabSettings;
  defaulted: readonly string[];
  file: string;
}): SnapshotResult {
  const free = new Set(p.defaulted);
  if (free.has('kubeProxy')) for (const k of KUBE_PROXY_FIELDS) free.add(`kubeProxy.${k}`);
  const settings: LabSettings = structuredClone({ ...p.settings, snapshot: true });
  const inferred: Inference[] = [];
  const problems: Problem[] = [];
  const set = (setting: string, value: string, basis: InferenceBasis, apply: () => void) => {
    if (!free.has(setting)) return;
    apply();
    inferred.push({ setting, value, basis });
  };
  const of = <T>(kind: string) => p.objects.filter((o) => o.kind === kind) as unknown as T[];
  const services = of<Service>('Service');
  const nodes = of<Node>('Node');
  const pods = of<Pod>('Pod');

  inferServiceCIDR(services, set, settings);
  inferNodePortRange(services, set, settings);
  const proxyConfig = of<ConfigMap>('ConfigMap').find((c) => key(c) === 'kube-system/kube-proxy');
  inferKubeProxy(proxyConfig, set, settings, problems, placeOf(p, proxyConfig, 'data'));
  inferPodCIDR(nodes, pods, set, settings);
  inferClusterDomain(p.objects, set, settings);
  inferVersion(nodes, set, settings);
  inferIngress(p.objects, set, settings, true);

  // Namespaces the objects live in but the snapshot did not list existed in the cluster.
  const listed = new Set(of<{ metadata: { name: string } }>('Namespace').map((n) => n.metadata.name));
  const builtin = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];
  const unlisted = (n: string | undefined): n is string => !!n && !listed.has(n) && !builtin.includes(n);
  const named = new Set(p.objects.map((o) => o.metadata.namespace).filter(unlisted));
  for (const ns of [...named].sort()) {
    // Said where the first object in that namespace is: with several files, not the first file's.
    const first = p.objects.find((o) => o.metadata.namespace === ns);
    problems.push({
      kind: 'reference',
      severity: 'warning',
      ...placeOf(p, first, 'metadata.namespace'),
      ...noted('problem.snapshotNamespace', { namespace: JSON.stringify(ns) }),
    });
  }
  return { settings, inferred, problems };
}

/** The ConfigMap kubeadm writes kube-proxy's configuration to, as problems name it. */
const PROXY_CONFIG = 'ConfigMap kube-system/kube-proxy';

// ------------------------------------------------------------------ service CIDR

/** The range's usual sizes by distribution: kubeadm /12, k3s and most managed clusters /16. */
const KNOWN_SERVICE_RANGES: Record<string, string> = {
  '10.96.0.1': '10.96.0.0/12',
  '10.43.0.1': '10.43.0.0/16',
  '10.152.183.1': '10.152.183.0/24',
};

function inferServiceCIDR(services: readonly Service[], set: Setter, settings: LabSettings): void {
  const ips = services
    .flatMap((s) => [s.spec.clusterIP, ...(s.spec.clusterIPs ?? [])])
    .filter((ip): ip is string => !!ip && isIPv4(ip));
  const unique = [...new Set(ips)];
  if (unique.length === 0) return;
  const kubernetes = services.find((s) => key(s) === 'default/kubernetes')?.spec.clusterIP;
  const covers = (cidr: string) => unique.every((ip) => cidrContains(parseCidr(cidr)!, ip));
  if (kubernetes && isIPv4(kubernetes)) {
    const n = ipToInt(kubernetes)!;
    // The first address of the range: network + 1, for some prefix that holds every ClusterIP.
    const valid = (prefix: number) => {
      const cidr = `${intToIp(n - 1)}/${prefix}`;
      return parseCidr(cidr) !== null && covers(cidr) ? cidr : null;
    };
    const known = KNOWN_SERVICE_RANGES[kubernetes];
    const pick = (known && covers(known) ? known : null) ?? valid(16) ?? valid(12) ?? firstValid(valid);
    const basis: InferenceBasis = { kind: 'kubernetes-service', clusterIP: kubernetes, covered: unique.length };
    if (pick) set('serviceCIDR', pick, basis, () => (settings.serviceCIDR = pick));
    return;
  }
  const pick = covering(unique, 16);
  const basis: InferenceBasis = { kind: 'cluster-ips', covered: unique.length };
  if (pick) set('serviceCIDR', pick, basis, () => (settings.serviceCIDR = pick));
}

function firstValid(valid: (prefix: number) => string | null): string | null {
  for (let prefix = 24; prefix >= 8; prefix--) {
    const v = valid(prefix);
    if (v) return v;
  }
  return null;
}

/** The smallest CIDR holding every address, widened to at most `/maxPrefix` (the usual range sizes). */
function covering(ips: readonly string[], maxPrefix: number): string | null {
  const ns = ips.map((ip) => ipToInt(ip)).filter((n): n is number => n !== null);
  if (ns.length === 0) return null;
  for (let prefix = maxPrefix; prefix >= 1; prefix--) {
    const mask = prefix === 0 ? 0 : (~0 << (32 - prefix)) >>> 0;
    const base = (ns[0]! & mask) >>> 0;
    if (ns.every((n) => ((n & mask) >>> 0) === base)) return `${intToIp(base)}/${prefix}`;
  }
  return null;
}

// ------------------------------------------------------------------ node port range

/** A cluster started with another --service-node-port-range: the declared ports show it. */
function inferNodePortRange(services: readonly Service[], set: Setter, settings: LabSettings): void {
  const ports = services
    .flatMap((s) => [...(s.spec.ports ?? []).map((p) => p.nodePort), s.spec.healthCheckNodePort])
    .filter((p): p is number => typeof p === 'number' && p > 0);
  if (ports.length === 0) return;
  const r = settings.nodePortRange;
  const min = Math.min(r.min, ...ports);
  const max = Math.max(r.max, ...ports);
  if (min === r.min && max === r.max) return;
  const basis: InferenceBasis = { kind: 'node-ports', ports: ports.length };
  set('nodePortRange', `${min}-${max}`, basis, () => (settings.nodePortRange = { min, max }));
}

// ------------------------------------------------------------------ kube-proxy

function inferKubeProxy(
  cm: ConfigMap | undefined,
  set: Setter,
  settings: LabSettings,
  problems: Problem[],
  place: Place,
): void {
  const text = cm?.data?.['config.conf'];
  if (!cm || typeof text !== 'string') {
    set('kubeProxy.mode', settings.kubeProxy.mode, { kind: 'kube-proxy-default' }, () => undefined);
    return;
  }
  let conf: Record<string, unknown>;
  try {
    const v: unknown = parseYaml(text);
    conf = v && typeof v === 'object' ? (v as Record<string, unknown>) : {};
  } catch (e) {
    const detail = e instanceof Error ? e.message : String(e);
    const text = noted('problem.proxyConfigNotYaml', { object: PROXY_CONFIG, file: 'config.conf', detail });
    problems.push({ kind: 'invalid', severity: 'warning', ...place, ...text });
    return;
  }
  const basis = (field: string, raw: unknown): InferenceBasis => ({
    kind: 'kube-proxy-config',
    field,
    raw: JSON.stringify(raw ?? null),
  });
  const kp = settings.kubeProxy;
  const mode = typeof conf.mode === 'string' ? conf.mode : '';
  // A blank mode is kube-proxy's default: iptables on Linux.
  const m = (mode === '' ? 'iptables' : mode) as ProxyMode;
  if (PROXY_MODES.includes(m)) set('kubeProxy.mode', m, basis('mode', conf.mode), () => (kp.mode = m));
  else {
    const params = { object: PROXY_CONFIG, mode: JSON.stringify(mode), setting: 'kubeProxy.mode', current: kp.mode };
    const text = noted('problem.proxyModeUnknown', params);
    problems.push({ kind: 'invalid', severity: 'warning', ...place, ...text });
  }
  if (typeof conf.clusterCIDR === 'string' && parseCidr(conf.clusterCIDR.split(',')[0]!, true)) {
    const c = conf.clusterCIDR.split(',')[0]!;
    set('kubeProxy.clusterCIDR', c, basis('clusterCIDR', conf.clusterCIDR), () => (kp.clusterCIDR = c));
  }
  const ipvs = (conf.ipvs ?? {}) as Record<string, unknown>;
  const given = typeof ipvs.scheduler === 'string' && ipvs.scheduler !== '';
  const scheduler = (given ? ipvs.scheduler : 'rr') as IpvsScheduler;
  if (m === 'ipvs' && IPVS_SCHEDULERS.includes(scheduler)) {
    const from = basis('ipvs.scheduler', ipvs.scheduler);
    set('kubeProxy.ipvs', `scheduler ${scheduler}`, from, () => (kp.ipvs = { ...kp.ipvs, scheduler }));
  }
  if (Array.isArray(conf.nodePortAddresses)) {
    const list = conf.nodePortAddresses.filter((x): x is string => typeof x === 'string');
    const from = basis('nodePortAddresses', conf.nodePortAddresses);
    const shown = list.join(',') || '(every local address)';
    set('kubeProxy.nodePortAddresses', shown, from, () => (kp.nodePortAddresses = list));
  }
  // v1alpha1 keeps the masquerade options under iptables: (and nftables: since 1.29).
  const ipt = (conf.iptables ?? {}) as Record<string, unknown>;
  const nft = (conf.nftables ?? {}) as Record<string, unknown>;
  const section = m === 'nftables' ? nft : ipt;
  const where = m === 'nftables' ? 'nftables' : 'iptables';
  const masqAll = section.masqueradeAll ?? conf.masqueradeAll;
  if (typeof masqAll === 'boolean') {
    const from = basis(`${where}.masqueradeAll`, masqAll);
    set('kubeProxy.masqueradeAll', String(masqAll), from, () => (kp.masqueradeAll = masqAll));
  }
  const bit = section.masqueradeBit ?? conf.masqueradeBit;
  if (typeof bit === 'number' && Number.isInteger(bit) && bit >= 0 && bit <= 31) {
    set('kubeProxy.masqueradeBit', String(bit), basis(`${where}.masqueradeBit`, bit), () => (kp.masqueradeBit = bit));
  }
  if (typeof ipt.localhostNodePorts === 'boolean') {
    const v = ipt.localhostNodePorts;
    const from = basis('iptables.localhostNodePorts', v);
    set('kubeProxy.localhostNodePorts', String(v), from, () => (kp.localhostNodePorts = v));
  }
}

// ------------------------------------------------------------------ pod CIDR

function inferPodCIDR(nodes: readonly Node[], pods: readonly Pod[], set: Setter, settings: LabSettings): void {
  const nodeCidrs = nodes.map((n) => n.spec?.podCIDR).filter((c): c is string => !!c && !!parseCidr(c, true));
  if (nodeCidrs.length > 0) {
    const pick = covering(nodeCidrs.map((c) => c.split('/')[0]!), 16);
    const mask = Number(nodeCidrs[0]!.split('/')[1]);
    const from = (widened: boolean): InferenceBasis => ({ kind: 'node-pod-cidrs', nodes: nodeCidrs.length, widened });
    if (pick) set('podCIDR', pick, from(true), () => (settings.podCIDR = pick));
    if (Number.isInteger(mask)) {
      set('nodeCIDRMaskSize', String(mask), from(false), () => (settings.nodeCIDRMaskSize = mask));
    }
    return;
  }
  // Calico and other CNIs with their own IPAM: nodes have no podCIDR; the pods' addresses tell.
  const ips = pods
    .filter((p) => !p.spec.hostNetwork)
    .map((p) => p.status?.podIP)
    .filter((ip): ip is string => !!ip && isIPv4(ip));
  const pick = covering(ips, 16);
  if (pick) set('podCIDR', pick, { kind: 'pod-ips', pods: ips.length }, () => (settings.podCIDR = pick));
}

// ------------------------------------------------------------------ cluster domain

function inferClusterDomain(objects: readonly ScenarioObject[], set: Setter, settings: LabSettings): void {
  const isCoreDns = (o: ScenarioObject) => o.kind === 'ConfigMap' && key(o) === 'kube-system/coredns';
  const coredns = objects.find(isCoreDns) as ConfigMap | undefined;
  const corefile = coredns?.data?.Corefile;
  if (typeof corefile === 'string') {
    // `kubernetes cluster.local in-addr.arpa ip6.arpa {`: the first zone that is not a reverse zone.
    const m = /^\s*kubernetes\s+([^{\n]*)/m.exec(corefile);
    const zone = m?.[1]?.trim().split(/\s+/).find((z) => z && !z.endsWith('arpa') && !z.endsWith('arpa.'));
    if (zone) {
      const d = zone.replace(/\.$/, '');
      set('clusterDomain', d, { kind: 'corefile' }, () => (settings.clusterDomain = d));
    }
    return;
  }
  // kube-dns (before CoreDNS): the kubedns container's --domain flag.
  for (const o of objects) {
    if (o.kind !== 'Deployment' || key(o) !== 'kube-system/kube-dns') continue;
    const strings = (v: unknown): string[] =>
      Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
    const containers = (o as Deployment).spec.template.spec.containers;
    const args = containers.flatMap((c) => [...strings(c.args), ...strings(c.command)]);
    const flag = args.find((a) => a.startsWith('--domain='));
    if (flag) {
      const d = flag.slice('--domain='.length).replace(/\.$/, '');
      set('clusterDomain', d, { kind: 'kube-dns-args' }, () => (settings.clusterDomain = d));
    }
  }
}

// ------------------------------------------------------------------ version

function inferVersion(nodes: readonly Node[], set: Setter, settings: LabSettings): void {
  const controlPlane = (n: Node) => {
    const labels = n.metadata.labels;
    const roles = ['node-role.kubernetes.io/control-plane', 'node-role.kubernetes.io/master'];
    return !!labels && roles.some((r) => r in labels);
  };
  const cp = nodes.find(controlPlane) ?? nodes[0];
  type NodeInfo = { kubeletVersion?: string; kubeProxyVersion?: string };
  const info = (cp?.status as { nodeInfo?: NodeInfo } | undefined)?.nodeInfo;
  // kubeProxyVersion is deprecated (blank or equal to the kubelet's in newer releases).
  const raw = info?.kubeProxyVersion || info?.kubeletVersion;
  const m = raw ? /^v?(\d+)\.(\d+)/.exec(raw) : null;
  if (!cp || !raw || !m) return;
  const v = `${m[1]}.${m[2]}`;
  const basis: InferenceBasis = { kind: 'node-version', node: cp.metadata.name, version: raw };
  set('kubernetesVersion', v, basis, () => (settings.kubernetesVersion = v));
}

// ------------------------------------------------------------------ text

/** One line of the load report, in English (the UI renders the same facts through its i18n keys). */
/** What a blank `mode:` in kube-proxy's config means (kube-proxy's default, iptables); '' for anything else. */
const blankMode = (b: { field: string; raw: string }) =>
  b.field === 'mode' && (b.raw === '""' || b.raw === 'null') ? ' (blank: the default, iptables)' : '';

export function describeInference(i: Inference): string {
  const b = i.basis;
  const why = ((): string => {
    switch (b.kind) {
      case 'kubernetes-service':
        return (
          `Service default/kubernetes: its ClusterIP ${b.clusterIP} is the first address of the range, ` +
          `which holds all ${b.covered} ClusterIPs`
        );
      case 'cluster-ips':
        return `no Service default/kubernetes: the smallest usual range that holds all ${b.covered} ClusterIPs`;
      case 'kube-proxy-config':
        return `ConfigMap kube-system/kube-proxy, config.conf ${b.field}: ${b.raw}${blankMode(b)}`;
      case 'kube-proxy-default':
        return 'no ConfigMap kube-system/kube-proxy in the snapshot: kube-proxy\'s default';
      case 'node-pod-cidrs': {
        const widened = b.widened ? ', widened to the usual /16' : '';
        return `spec.podCIDR of ${b.nodes} Node${b.nodes === 1 ? '' : 's'}${widened}`;
      }
      case 'pod-ips':
        return (
          'no Node has spec.podCIDR (the CNI assigns addresses itself, as Calico does): ' +
          `status.podIP of ${b.pods} pods`
        );
      case 'node-ports':
        return (
          `the ${b.ports} declared node ports ` +
          "(the apiserver's --service-node-port-range was wider than the default)"
        );
      case 'corefile':
        return 'the kubernetes plugin of the Corefile in ConfigMap kube-system/coredns';
      case 'kube-dns-args':
        return "kube-dns's --domain flag (Deployment kube-system/kube-dns)";
      case 'node-version':
        return `Node ${b.node}: status.nodeInfo says ${b.version}`;
      case 'userspace-version':
        return (
          'kube-proxy mode userspace and no kubernetesVersion: ' +
          'the last release with the userspace proxier (removed in 1.26)'
        );
      case 'ingress-class': {
        const run = b.workload ? `, run by ${b.workload}` : '; its controller is not in the snapshot';
        return `IngressClass ${b.className} (controller ${b.controllerName})${run}`;
      }
      case 'ingress-named-class':
        return (
          `Ingress ${b.ingress} names class ${b.className}, which no IngressClass in the files declares: ` +
          `the class ${b.controller}'s own manifests create`
        );
    }
  })();
  return `inferred ${i.setting} = ${i.value} (${why})`;
}

// ------------------------------------------------------------------ objects as older clusters served them

/** What only a running cluster writes on an object: it came out of `kubectl get -o yaml`. */
export function servedByACluster(v: Record<string, unknown>): boolean {
  const m = (v.metadata ?? {}) as Record<string, unknown>;
  return m.resourceVersion !== undefined || m.uid !== undefined || m.creationTimestamp !== undefined;
}

const WORKLOAD_VERSIONS = ['extensions/v1beta1', 'apps/v1beta1', 'apps/v1beta2'];

/**
 * An object a cluster of an older release served at an API version removed since (Ingress in
 * extensions/v1beta1 until 1.22, Deployments in extensions/v1beta1 until 1.16, StatefulSets in
 * apps/v1beta1 and v1beta2 until 1.16, EndpointSlices in discovery.k8s.io/v1beta1 until 1.25), read
 * at today's version as the apiserver's conversion would. Returns undefined for anything else.
 */
export function upgradeServedObject(
  v: Record<string, unknown>,
): { value: Record<string, unknown>; to: string } | undefined {
  const kind = v.kind;
  const apiVersion = v.apiVersion as string;
  const spec = (v.spec ?? {}) as Record<string, unknown>;
  // StatefulSets were served at apps/v1beta1 and v1beta2 too (never at extensions/v1beta1).
  const workload = kind === 'Deployment' || kind === 'DaemonSet' || kind === 'ReplicaSet'
    || (kind === 'StatefulSet' && apiVersion !== 'extensions/v1beta1');
  if (workload && WORKLOAD_VERSIONS.includes(apiVersion)) {
    // extensions/v1beta1 defaulted a missing selector from the template's labels.
    const template = (spec.template ?? {}) as { metadata?: { labels?: Record<string, string> } };
    const selector = spec.selector ?? { matchLabels: { ...template.metadata?.labels } };
    return { value: { ...v, apiVersion: 'apps/v1', spec: { ...spec, selector } }, to: 'apps/v1' };
  }
  if (kind === 'IngressClass' && apiVersion === 'networking.k8s.io/v1beta1') {
    return { value: { ...v, apiVersion: 'networking.k8s.io/v1' }, to: 'networking.k8s.io/v1' };
  }
  if (kind === 'Ingress' && (apiVersion === 'extensions/v1beta1' || apiVersion === 'networking.k8s.io/v1beta1')) {
    const backend = (b: unknown) => {
      const o = (b ?? {}) as { serviceName?: string; servicePort?: number | string; resource?: unknown };
      if (o.resource) return { resource: o.resource };
      const numeric = typeof o.servicePort === 'number' || /^\d+$/.test(String(o.servicePort));
      const port = numeric ? { number: Number(o.servicePort) } : { name: String(o.servicePort) };
      return { service: { name: o.serviceName, port } };
    };
    const rules = ((spec.rules ?? []) as Record<string, unknown>[]).map((r) => {
      const http = r.http as { paths?: Record<string, unknown>[] } | undefined;
      if (!http) return r;
      const paths = (http.paths ?? []).map((p) => ({
        ...p,
        path: p.path ?? '/',
        pathType: p.pathType ?? 'ImplementationSpecific',
        backend: backend(p.backend),
      }));
      return { ...r, http: { paths } };
    });
    const { backend: def, ...rest } = spec;
    const upgraded = { ...rest, rules, ...(def ? { defaultBackend: backend(def) } : {}) };
    return { value: { ...v, apiVersion: 'networking.k8s.io/v1', spec: upgraded }, to: 'networking.k8s.io/v1' };
  }
  if (kind === 'EndpointSlice' && apiVersion === 'discovery.k8s.io/v1beta1') {
    const endpoints = ((v.endpoints ?? []) as Record<string, unknown>[]).map((e) => {
      const { topology, ...rest } = e as { topology?: Record<string, string>; nodeName?: string };
      const nodeName = topology?.['kubernetes.io/hostname'];
      return { ...rest, ...(nodeName && !rest.nodeName ? { nodeName } : {}) };
    });
    return { value: { ...v, apiVersion: 'discovery.k8s.io/v1', endpoints }, to: 'discovery.k8s.io/v1' };
  }
  return undefined;
}
