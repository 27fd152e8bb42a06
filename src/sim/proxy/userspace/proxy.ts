// kube-proxy's userspace mode (removed in 1.26) for one node: every service port gets a listening
// socket on a random local port (the "proxy port"); iptables portal rules send ClusterIP and
// NodePort traffic there (REDIRECT from pods, DNAT to nodeIP:proxyPort from the node itself), and
// kube-proxy opens a new connection to an endpoint chosen by LoadBalancerRR, retrying dead ones.
// SEMANTICS.md section 4.

import { findLine, type ArtifactRef, type RenderedArtifact, type RenderedLine } from '../../artifact';
import type { Cluster } from '../../cluster';
import { SeededRandom } from '../../net/rand';
import { cidrAddress, parseCidr } from '../../net/ip';
import type { LabSettings } from '../../lab';
import { assertNever } from '../../util/assert';
import { renderMatch } from '../netfilter/render';
import type { Match } from '../netfilter/types';
import { buildServiceMap, type EndpointInfo, type ProxyNode, type ProxyServicePort } from '../servicemap';
import type { EvaluateInput, NodeProxy, Packet, ProxyEvaluation, ProxyRuntimeState, RuleStep } from '../types';
import { kubeProxyEvent, proxyNodeOf } from '../ipvs/proxy';
import { matchHolds } from '../ipvs/walk';
import { tryConnectEndpoints, updateService, type BalancerStates } from './roundrobin';

/** The ephemeral range the kernel picks a port 0 listener from (net.ipv4.ip_local_port_range). */
export const EPHEMERAL_PORTS = { min: 32768, max: 60999 };

export type PortalTarget =
  | { kind: 'jump'; chain: string }
  /** `-j REDIRECT --to-ports p`: to the primary address of the interface the packet came in on. */
  | { kind: 'REDIRECT'; toPort: number }
  | { kind: 'DNAT'; ip: string; port: number };

export interface PortalRule {
  id: string;
  matches: Match[];
  target: PortalTarget;
  /** The service port a portal rule captures for. */
  service?: string;
}

export interface PortalChain {
  name: string;
  policy?: 'ACCEPT';
  rules: PortalRule[];
}

export interface ProxyPortEntry {
  service: ProxyServicePort;
  proxyPort: number;
}

export interface CompileUserspaceInput {
  cluster: Pick<Cluster, 'services' | 'endpointSlices' | 'nodes'>;
  nodeName: string;
  settings: LabSettings;
  /** Defaults to the cluster's Node object of that name. */
  node?: ProxyNode;
}

export interface UserspaceNodeProxy extends NodeProxy {
  mode: 'userspace';
  /** False when the Kubernetes version no longer has the userspace proxier. */
  available: boolean;
  proxyPorts: ProxyPortEntry[];
  chains: PortalChain[];
  /** The proxy-port table with each balancer's shuffled order and cursor from `state`. */
  renderBalancers(state?: ProxyRuntimeState): RenderedArtifact;
}

function minorVersion(v: string): number {
  const m = /^v?1\.(\d+)/.exec(v.trim());
  return m ? Number(m[1]) : 99;
}

/** kube-proxy's validation message when the mode is not one it knows (1.26 removed userspace). */
export function userspaceRemovedMessage(kubernetesVersion: string): string {
  const modes = minorVersion(kubernetesVersion) >= 29 ? 'iptables, ipvs, nftables' : 'iptables, ipvs';
  return `KubeProxyConfiguration.ProxyMode: Invalid value: "userspace": must be ${modes} or blank (blank means the best-available proxy [currently iptables])`;
}

export function userspaceState(state: ProxyRuntimeState, nodeName: string): BalancerStates {
  const slot = (state.perNode[nodeName] ??= {}) as { userspace?: BalancerStates };
  return (slot.userspace ??= {});
}

function renderTarget(t: PortalTarget): string {
  switch (t.kind) {
    case 'jump':
      return `-j ${t.chain}`;
    case 'REDIRECT':
      return `-j REDIRECT --to-ports ${t.toPort}`;
    case 'DNAT':
      return `-j DNAT --to-destination ${t.ip}:${t.port}`;
    default:
      return assertNever(t, 'portal target');
  }
}

function renderPortalRule(chain: string, r: PortalRule): string {
  return [`-A ${chain}`, ...r.matches.map(renderMatch), renderTarget(r.target)].join(' ');
}

export function userspaceArtifactIds(nodeName: string) {
  return { iptables: `node/${nodeName}/iptables-save`, table: `node/${nodeName}/userspace` };
}

export function compileUserspace(input: CompileUserspaceInput): UserspaceNodeProxy {
  const { cluster, nodeName, settings } = input;
  const node = input.node ?? proxyNodeOf(cluster, nodeName);
  const ids = userspaceArtifactIds(nodeName);
  if (minorVersion(settings.kubernetesVersion) >= 26) {
    return {
      mode: 'userspace',
      available: false,
      node,
      proxyPorts: [],
      chains: [],
      artifacts: [],
      events: [
        kubeProxyEvent(nodeName, 'Warning', 'FailedToStart', `Error running ProxyServer: ${userspaceRemovedMessage(settings.kubernetesVersion)}`),
      ],
      evaluate: (ev) => ({ verdict: { kind: 'pass' }, after: ev.packet, steps: [] }),
      renderBalancers: () => ({ id: ids.table, kind: 'userspace', title: 'userspace proxy ports', lines: [] }),
    };
  }

  const nodeIP = node.ips[0] ?? '127.0.0.1';
  // Userspace mode balances over the ready endpoints; it predates traffic policies.
  const serviceMap = buildServiceMap(cluster, nodeName).filter((sp) => sp.info.protocol !== 'SCTP');
  const used = new Set<number>();
  const proxyPorts: ProxyPortEntry[] = serviceMap.map((sp) => {
    const rng = SeededRandom.fromSeed(settings.seed, `userspace-proxy-port/${nodeName}/${sp.info.name}/${sp.info.protocol}`);
    let port = 0;
    do port = EPHEMERAL_PORTS.min + rng.int(EPHEMERAL_PORTS.max - EPHEMERAL_PORTS.min + 1);
    while (used.has(port));
    used.add(port);
    return { service: sp, proxyPort: port };
  });

  const chains: PortalChain[] = [
    { name: 'PREROUTING', policy: 'ACCEPT', rules: [] },
    { name: 'INPUT', policy: 'ACCEPT', rules: [] },
    { name: 'OUTPUT', policy: 'ACCEPT', rules: [] },
    { name: 'POSTROUTING', policy: 'ACCEPT', rules: [] },
    { name: 'KUBE-NODEPORT-CONTAINER', rules: [] },
    { name: 'KUBE-NODEPORT-HOST', rules: [] },
    { name: 'KUBE-PORTALS-CONTAINER', rules: [] },
    { name: 'KUBE-PORTALS-HOST', rules: [] },
  ];
  const byName = new Map(chains.map((c) => [c.name, c]));
  const add = (chain: string, r: PortalRule) => byName.get(chain)!.rules.push(r);
  const portalComment = 'handle ClusterIPs; NOTE: this must be before the NodePort rules';
  const nodePortComment = 'handle service NodePorts; NOTE: this must be the last rule in the chain';
  add('PREROUTING', { id: 'nat/PREROUTING/portals', matches: [{ kind: 'comment', text: portalComment }], target: { kind: 'jump', chain: 'KUBE-PORTALS-CONTAINER' } });
  add('PREROUTING', { id: 'nat/PREROUTING/nodeports', matches: [{ kind: 'addrtype', dir: 'dst', type: 'LOCAL' }, { kind: 'comment', text: nodePortComment }], target: { kind: 'jump', chain: 'KUBE-NODEPORT-CONTAINER' } });
  add('OUTPUT', { id: 'nat/OUTPUT/portals', matches: [{ kind: 'comment', text: portalComment }], target: { kind: 'jump', chain: 'KUBE-PORTALS-HOST' } });
  add('OUTPUT', { id: 'nat/OUTPUT/nodeports', matches: [{ kind: 'addrtype', dir: 'dst', type: 'LOCAL' }, { kind: 'comment', text: nodePortComment }], target: { kind: 'jump', chain: 'KUBE-NODEPORT-HOST' } });

  for (const { service: sp, proxyPort } of proxyPorts) {
    const info = sp.info;
    const proto = info.protocol.toLowerCase() as 'tcp' | 'udp';
    // iptables-save prints the matches in this canonical order: -d, -p, comment, -m proto, --dport.
    const portal = (ip: string | null, port: number): Match[] => [
      ...(ip ? [{ kind: 'destination', cidr: `${ip}/32` } as Match] : []),
      { kind: 'protocol', protocol: proto },
      { kind: 'comment', text: info.name },
      { kind: 'module', name: proto },
      { kind: 'dport', port },
    ];
    const portals = [info.clusterIP, ...info.externalIPs, ...info.loadBalancerIPs];
    portals.forEach((ip, i) => {
      add('KUBE-PORTALS-CONTAINER', { id: `nat/KUBE-PORTALS-CONTAINER/${info.name}/${proto}/${i}`, matches: portal(ip, info.port), target: { kind: 'REDIRECT', toPort: proxyPort }, service: info.name });
      add('KUBE-PORTALS-HOST', { id: `nat/KUBE-PORTALS-HOST/${info.name}/${proto}/${i}`, matches: portal(ip, info.port), target: { kind: 'DNAT', ip: nodeIP, port: proxyPort }, service: info.name });
    });
    if (info.nodePort) {
      add('KUBE-NODEPORT-CONTAINER', { id: `nat/KUBE-NODEPORT-CONTAINER/${info.name}/${proto}`, matches: portal(null, info.nodePort), target: { kind: 'REDIRECT', toPort: proxyPort }, service: info.name });
      add('KUBE-NODEPORT-HOST', { id: `nat/KUBE-NODEPORT-HOST/${info.name}/${proto}`, matches: portal(null, info.nodePort), target: { kind: 'DNAT', ip: nodeIP, port: proxyPort }, service: info.name });
    }
  }

  const iptLines: RenderedLine[] = [{ text: '*nat' }];
  for (const c of chains) iptLines.push({ text: `:${c.name} ${c.policy ?? '-'} [0:0]`, ref: `nat:chain:${c.name}` });
  for (const c of chains) for (const r of c.rules) iptLines.push({ text: renderPortalRule(c.name, r), ref: r.id });
  iptLines.push({ text: 'COMMIT' });
  const iptables: RenderedArtifact = { id: ids.iptables, kind: 'iptables-save', title: 'iptables-save -t nat', lines: iptLines };

  const endpointsOf = (sp: ProxyServicePort): EndpointInfo[] => sp.endpoints.filter((e) => e.ready);
  const renderBalancers = (state?: ProxyRuntimeState): RenderedArtifact => {
    const st = state ? ((state.perNode[nodeName] as { userspace?: BalancerStates } | undefined)?.userspace ?? {}) : {};
    const rows = proxyPorts.map(({ service: sp, proxyPort }) => {
      const b = st[sp.info.name];
      const order = b ? b.endpoints.map((e, i) => (i === b.index ? `>${e}` : e)).join(',') : endpointsOf(sp).map((e) => e.endpoint).join(',');
      return { ref: `proxyport:${sp.info.name}`, cols: [sp.info.name, sp.info.protocol, `${sp.info.clusterIP}:${sp.info.port}`, String(proxyPort), order || '<none>'] };
    });
    const header = ['SERVICE PORT', 'PROTOCOL', 'PORTAL', 'PROXY PORT', 'ENDPOINTS (round-robin order, > next)'];
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r.cols[i]!.length)));
    const fmt = (cols: string[]) => cols.map((c, i) => (i === cols.length - 1 ? c : c.padEnd(widths[i]! + 3))).join('');
    return {
      id: ids.table,
      kind: 'userspace',
      title: 'kube-proxy userspace proxy ports',
      lines: [{ text: fmt(header) }, ...rows.map((r) => ({ text: fmt(r.cols), ref: r.ref }))],
    };
  };
  const artifacts = [iptables, renderBalancers()];
  const ref = (artifact: RenderedArtifact, r: string): ArtifactRef =>
    findLine(artifact, r) ?? { artifact: artifact.id, ref: r, line: '', lineIndex: -1 };
  // REDIRECT sends a packet to the primary address of the interface it came in on: the pod
  // bridge for pods (the first address of the node's pod CIDR), the node address otherwise.
  const podCidr = node.podCIDR ? parseCidr(node.podCIDR, true) : null;
  const bridgeIP = podCidr ? cidrAddress(podCidr, 1) : nodeIP;
  const localAddresses = new Set([...node.ips, bridgeIP]);

  const evaluate = (ev: EvaluateInput): ProxyEvaluation => {
    const p = ev.packet;
    const steps: RuleStep[] = [];
    const rec = ev.recordSteps ?? true;
    const ctx = { packet: p, localAddresses, ipsets: new Map(), ctState: 'NEW' as const };
    const walk = (chainName: string, depth: number): PortalRule | null => {
      const chain = byName.get(chainName);
      if (!chain || depth > 8) return null;
      for (const r of chain.rules) {
        if (!r.matches.every((m) => matchHolds(m, ctx, p.mark ?? 0))) continue;
        if (rec) steps.push({ outcome: 'matched', where: `nat/${chainName}`, action: renderTarget(r.target), ref: ref(iptables, r.id) });
        if (r.target.kind === 'jump') {
          const hit = walk(r.target.chain, depth + 1);
          if (hit) return hit;
          continue;
        }
        return r;
      }
      return null;
    };
    const hit = walk(ev.origin === 'local' ? 'OUTPUT' : 'PREROUTING', 0);
    if (!hit || hit.target.kind === 'jump') return { verdict: { kind: 'pass' }, after: p, steps };
    const entry = proxyPorts.find((x) => x.service.info.name === hit.service && x.service.info.protocol === p.protocol)!;
    const redirected: Packet = hit.target.kind === 'REDIRECT'
      ? { ...p, dst: ev.origin === 'pod' ? bridgeIP : nodeIP, dstPort: hit.target.toPort }
      : { ...p, dst: hit.target.ip, dstPort: hit.target.port };

    const states = userspaceState(ev.state, nodeName);
    const sp = entry.service;
    const rng = new SeededRandom(ev.state.rand);
    updateService({ states, service: sp.info.name, endpoints: endpointsOf(sp).map((e) => e.endpoint), affinitySeconds: sp.info.stickyMaxAgeSeconds, rng });
    ev.state.rand = rng.state();
    const alive = ev.endpointAlive ?? (() => true);
    const find = (key: string) => sp.endpoints.find((e) => e.endpoint === key)!;
    // UDP has no handshake: the "dial" always succeeds, so there is nothing to retry.
    const res = tryConnectEndpoints({
      states,
      service: sp.info.name,
      clientIP: p.src,
      now: ev.state.now,
      dial: (key) => p.protocol === 'UDP' || alive(find(key)),
    });
    // The balancer listing is rendered only for a recorded step (it is the costly part).
    const proxyRef = rec ? ref(renderBalancers(ev.state), `proxyport:${sp.info.name}`) : null;
    if (proxyRef) for (const a of res.attempts) {
      steps.push({
        outcome: a.ok ? 'matched' : 'skipped',
        where: `kube-proxy ${nodeIP}:${entry.proxyPort}`,
        action: a.ok ? `connect ${a.endpoint}` : `dial ${a.endpoint} failed (timeout ${a.timeoutMs}ms), try the next endpoint`,
        ref: proxyRef,
        detail: a.viaAffinity ? { kind: 'affinity', clientIP: p.src, endpoint: a.endpoint } : { kind: 'scheduler', scheduler: 'round-robin', chosen: a.endpoint },
      });
    }
    if (!res.ok && proxyRef) {
      steps.push({ outcome: 'matched', where: `kube-proxy ${nodeIP}:${entry.proxyPort}`, action: `Couldn't find an endpoint for ${sp.info.name}: ${res.error}`, ref: proxyRef });
    }
    return {
      verdict: {
        kind: 'proxy',
        servicePort: sp.info.name,
        proxyPort: entry.proxyPort,
        endpoint: res.ok ? find(res.endpoint) : null,
        attempts: res.attempts.map((a) => ({ endpoint: a.endpoint, ok: a.ok, ...(a.ok ? {} : { timeoutMs: a.timeoutMs }) })),
      },
      after: redirected,
      steps,
    };
  };

  return {
    mode: 'userspace',
    available: true,
    node,
    proxyPorts,
    chains,
    artifacts,
    events: [kubeProxyEvent(nodeName, 'Normal', 'ProxierStarted', 'Using userspace Proxier.')],
    evaluate,
    renderBalancers,
  };
}
