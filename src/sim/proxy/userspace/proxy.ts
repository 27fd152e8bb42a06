// kube-proxy's userspace mode (removed in 1.26) for one node: every service port gets a listening
// socket on a random local port (the "proxy port"); iptables portal rules send ClusterIP and
// NodePort traffic there (REDIRECT from pods, DNAT to nodeIP:proxyPort from the node itself), and
// kube-proxy opens a new connection to an endpoint chosen by LoadBalancerRR, retrying dead ones.
// SEMANTICS.md section 4.

import { findLine, type ArtifactRef, type RenderedArtifact } from '../../artifact';
import type { Cluster } from '../../cluster';
import { SeededRandom } from '../../net/rand';
import { cidrAddress, parseCidr } from '../../net/ip';
import type { LabSettings } from '../../lab';
import { renderRuleset } from '../../node/netfilter/render';
import type { Chain, Match, Rule, Ruleset, Target } from '../../node/netfilter/types';
import { RulesetIndex, walkPacket } from '../../node/netfilter/walk';
import { buildServiceMap, type EndpointInfo, type ProxyNode, type ProxyServicePort } from '../servicemap';
import type { EvaluateInput, NodeProxy, ProxyEvaluation, ProxyRuntimeState, RuleStep } from '../types';
import { kubeProxyEvent, proxyNodeOf } from '../ipvs/proxy';
import { tryConnectEndpoints, updateService, type BalancerStates } from './roundrobin';
import { titled } from '../../notes';

/** The ephemeral range the kernel picks a port 0 listener from (net.ipv4.ip_local_port_range). */
export const EPHEMERAL_PORTS = { min: 32768, max: 60999 };

/** A portal rule is a netfilter rule: the shared walker evaluates it (REDIRECT included). */
export type PortalRule = Rule;
export type PortalChain = Chain;

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
  /** The nat table's chains kube-proxy writes (its portal and NodePort chains, and the hooks' jumps). */
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
  return (
    `KubeProxyConfiguration.ProxyMode: Invalid value: "userspace": must be ${modes} or blank ` +
    '(blank means the best-available proxy [currently iptables])'
  );
}

export function userspaceState(state: ProxyRuntimeState, nodeName: string): BalancerStates {
  const slot = (state.perNode[nodeName] ??= {}) as { userspace?: BalancerStates };
  return (slot.userspace ??= {});
}

export function userspaceArtifactIds(nodeName: string) {
  return { iptables: `node/${nodeName}/iptables-save`, table: `node/${nodeName}/userspace` };
}

export function compileUserspace(input: CompileUserspaceInput): UserspaceNodeProxy {
  const { cluster, nodeName, settings } = input;
  const node = input.node ?? proxyNodeOf(cluster, nodeName);
  const ids = userspaceArtifactIds(nodeName);
  if (minorVersion(settings.kubernetesVersion) >= 26) return removedProxier(nodeName, node, settings);

  const nodeIP = node.ips[0] ?? '127.0.0.1';
  // Userspace mode balances over the ready endpoints; it predates traffic policies.
  const serviceMap = buildServiceMap(cluster, nodeName).filter((sp) => sp.info.protocol !== 'SCTP');
  const proxyPorts = openProxyPorts(serviceMap, nodeName, settings.seed);
  const { chains, serviceOfRule } = portalChains(proxyPorts, nodeIP);
  const ruleset: Ruleset = { tables: { nat: { name: 'nat', chains } }, order: ['nat'] };
  const iptables = renderRuleset(ruleset, { id: ids.iptables, title: 'iptables-save -t nat' });
  const renderBalancers = (state?: ProxyRuntimeState) => renderProxyPorts(ids.table, nodeName, proxyPorts, state);
  const artifacts = [iptables, renderBalancers()];
  const evaluate = userspaceEvaluator({
    nodeName,
    node,
    nodeIP,
    ruleset,
    iptables,
    serviceOfRule,
    proxyPorts,
    renderBalancers,
  });

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

/** Kubernetes 1.26 and later: kube-proxy refuses the mode and programs nothing. */
function removedProxier(nodeName: string, node: ProxyNode, settings: LabSettings): UserspaceNodeProxy {
  const ids = userspaceArtifactIds(nodeName);
  const message = `Error running ProxyServer: ${userspaceRemovedMessage(settings.kubernetesVersion)}`;
  return {
    mode: 'userspace',
    available: false,
    node,
    proxyPorts: [],
    chains: [],
    artifacts: [],
    events: [kubeProxyEvent(nodeName, 'Warning', 'FailedToStart', message)],
    evaluate: (ev) => ({ verdict: { kind: 'pass' }, after: ev.packet, steps: [] }),
    renderBalancers: () => ({ id: ids.table, kind: 'userspace', title: 'userspace proxy ports', lines: [] }),
  };
}

/** One listening socket per service port on a port the kernel picks from the ephemeral range
 *  (seeded per node and service port, so a lab is reproducible). */
function openProxyPorts(serviceMap: readonly ProxyServicePort[], nodeName: string, seed: LabSettings['seed']) {
  const used = new Set<number>();
  return serviceMap.map((sp): ProxyPortEntry => {
    const rng = SeededRandom.fromSeed(seed, `userspace-proxy-port/${nodeName}/${sp.info.name}/${sp.info.protocol}`);
    let port = 0;
    do port = EPHEMERAL_PORTS.min + rng.int(EPHEMERAL_PORTS.max - EPHEMERAL_PORTS.min + 1);
    while (used.has(port));
    used.add(port);
    return { service: sp, proxyPort: port };
  });
}

const PORTAL_COMMENT = 'handle ClusterIPs; NOTE: this must be before the NodePort rules';
const NODEPORT_COMMENT = 'handle service NodePorts; NOTE: this must be the last rule in the chain';

/** The nat table the userspace proxier writes: the hooks' jumps, then per service port a portal rule
 *  per address and a NodePort rule, for pods (REDIRECT) and for the node itself (DNAT). */
function portalChains(
  proxyPorts: readonly ProxyPortEntry[],
  nodeIP: string,
): { chains: PortalChain[]; serviceOfRule: Map<string, string> } {
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
  /** The service port each capturing portal rule stands for, by rule id. */
  const serviceOfRule = new Map<string, string>();
  const add = (chain: string, r: PortalRule, service?: string) => {
    byName.get(chain)!.rules.push(r);
    if (service) serviceOfRule.set(r.id, service);
  };
  const portalComment: Match = { kind: 'comment', text: PORTAL_COMMENT };
  const nodePorts: Match[] = [
    { kind: 'addrtype', dir: 'dst', type: 'LOCAL' },
    { kind: 'comment', text: NODEPORT_COMMENT },
  ];
  const jump = (chain: string): Target => ({ kind: 'jump', chain });
  add('PREROUTING', { id: 'nat/PREROUTING/portals', matches: [portalComment], target: jump('KUBE-PORTALS-CONTAINER') });
  add('PREROUTING', { id: 'nat/PREROUTING/nodeports', matches: nodePorts, target: jump('KUBE-NODEPORT-CONTAINER') });
  add('OUTPUT', { id: 'nat/OUTPUT/portals', matches: [portalComment], target: jump('KUBE-PORTALS-HOST') });
  add('OUTPUT', { id: 'nat/OUTPUT/nodeports', matches: nodePorts, target: jump('KUBE-NODEPORT-HOST') });

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
    // Pods' traffic is REDIRECTed to the proxy socket; the node's own is DNATed to nodeIP:proxyPort.
    const redirect: Target = { kind: 'REDIRECT', toPorts: proxyPort };
    const dnat: Target = { kind: 'DNAT', ip: nodeIP, port: proxyPort };
    portals.forEach((ip, i) => {
      const m = portal(ip, info.port);
      const id = (chain: string) => `nat/${chain}/${info.name}/${proto}/${i}`;
      add('KUBE-PORTALS-CONTAINER', { id: id('KUBE-PORTALS-CONTAINER'), matches: m, target: redirect }, info.name);
      add('KUBE-PORTALS-HOST', { id: id('KUBE-PORTALS-HOST'), matches: m, target: dnat }, info.name);
    });
    if (info.nodePort) {
      const m = portal(null, info.nodePort);
      const id = (chain: string) => `nat/${chain}/${info.name}/${proto}`;
      add('KUBE-NODEPORT-CONTAINER', { id: id('KUBE-NODEPORT-CONTAINER'), matches: m, target: redirect }, info.name);
      add('KUBE-NODEPORT-HOST', { id: id('KUBE-NODEPORT-HOST'), matches: m, target: dnat }, info.name);
    }
  }
  return { chains, serviceOfRule };
}

const readyEndpoints = (sp: ProxyServicePort): EndpointInfo[] => sp.endpoints.filter((e) => e.ready);

/** The proxy-port table with each balancer's shuffled order and cursor from `state`. */
function renderProxyPorts(
  id: string,
  nodeName: string,
  proxyPorts: readonly ProxyPortEntry[],
  state?: ProxyRuntimeState,
): RenderedArtifact {
  const st = state ? ((state.perNode[nodeName] as { userspace?: BalancerStates } | undefined)?.userspace ?? {}) : {};
  const rows = proxyPorts.map(({ service: sp, proxyPort }) => {
    const b = st[sp.info.name];
    const order = b
      ? b.endpoints.map((e, i) => (i === b.index ? `>${e}` : e)).join(',')
      : readyEndpoints(sp).map((e) => e.endpoint).join(',');
    const portal = `${sp.info.clusterIP}:${sp.info.port}`;
    return {
      ref: `proxyport:${sp.info.name}`,
      cols: [sp.info.name, sp.info.protocol, portal, String(proxyPort), order || '<none>'],
    };
  });
  const header = ['SERVICE PORT', 'PROTOCOL', 'PORTAL', 'PROXY PORT', 'ENDPOINTS (round-robin order, > next)'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r.cols[i]!.length)));
  const fmt = (cols: string[]) => cols.map((c, i) => (i === cols.length - 1 ? c : c.padEnd(widths[i]! + 3))).join('');
  return {
    id,
    kind: 'userspace',
    ...titled('note.title.userspacePorts'),
    lines: [{ text: fmt(header) }, ...rows.map((r) => ({ text: fmt(r.cols), ref: r.ref }))],
  };
}

interface UserspaceEvaluatorInput {
  nodeName: string;
  node: ProxyNode;
  nodeIP: string;
  ruleset: Ruleset;
  iptables: RenderedArtifact;
  serviceOfRule: ReadonlyMap<string, string>;
  proxyPorts: readonly ProxyPortEntry[];
  renderBalancers: (state?: ProxyRuntimeState) => RenderedArtifact;
}

const refIn = (artifact: RenderedArtifact, r: string): ArtifactRef =>
  findLine(artifact, r) ?? { artifact: artifact.id, ref: r, line: '', lineIndex: -1 };

/** A packet through the node: the portal chains (netfilter walker, REDIRECT or DNAT to the proxy
 *  socket), then kube-proxy's own socket, which dials endpoints in LoadBalancerRR's order. */
function userspaceEvaluator(input: UserspaceEvaluatorInput): (ev: EvaluateInput) => ProxyEvaluation {
  const { node, nodeIP, nodeName, iptables } = input;
  // REDIRECT sends a packet to the primary address of the interface it came in on: the pod
  // bridge for pods (the first address of the node's pod CIDR), the node address otherwise.
  const podCidr = node.podCIDR ? parseCidr(node.podCIDR, true) : null;
  const bridgeIP = podCidr ? cidrAddress(podCidr, 1) : nodeIP;
  const localAddresses = [...node.ips, bridgeIP];
  const index = new RulesetIndex(input.ruleset);
  const refOf = (_t: string, _c: string, rule: Rule): ArtifactRef => refIn(iptables, rule.id);

  return (ev) => {
    const p = ev.packet;
    const rec = ev.recordSteps ?? true;
    // The portal chains, walked by the node's netfilter walker like every other mode's rules.
    const walked = walkPacket({
      index,
      packet: p,
      origin: ev.origin,
      localAddresses,
      masqueradeAddress: nodeIP,
      redirectAddress: ev.origin === 'pod' ? bridgeIP : nodeIP,
      state: ev.state,
      nodeKey: `${nodeName}/userspace-netfilter`,
      refOf,
      recordSteps: rec,
    });
    const steps: RuleStep[] = walked.steps;
    const service = walked.dnat ? input.serviceOfRule.get(walked.dnat.rule.id) : undefined;
    if (!service) return { verdict: { kind: 'pass' }, after: p, steps };
    const entry = input.proxyPorts.find(
      (x) => x.service.info.name === service && x.service.info.protocol === p.protocol,
    )!;
    return { verdict: proxySocket(input, ev, entry, steps), after: walked.after, steps };
  };
}

/** kube-proxy's proxy socket for one service port: LoadBalancerRR (with client-IP affinity) names
 *  the endpoints to dial, dead ones time out and the next is tried. */
function proxySocket(
  input: UserspaceEvaluatorInput,
  ev: EvaluateInput,
  entry: ProxyPortEntry,
  steps: RuleStep[],
): Extract<ProxyEvaluation['verdict'], { kind: 'proxy' }> {
  const p = ev.packet;
  const sp = entry.service;
  const name = sp.info.name;
  const states = userspaceState(ev.state, input.nodeName);
  const rng = new SeededRandom(ev.state.rand);
  const endpoints = readyEndpoints(sp).map((e) => e.endpoint);
  updateService({ states, service: name, endpoints, affinitySeconds: sp.info.stickyMaxAgeSeconds, rng });
  ev.state.rand = rng.state();
  const alive = ev.endpointAlive ?? (() => true);
  const find = (key: string) => sp.endpoints.find((e) => e.endpoint === key)!;
  // UDP has no handshake: the "dial" always succeeds, so there is nothing to retry.
  const res = tryConnectEndpoints({
    states,
    service: name,
    clientIP: p.src,
    now: ev.state.now,
    dial: (key) => p.protocol === 'UDP' || alive(find(key)),
  });
  // The balancer listing is rendered only for a recorded step (it is the costly part).
  const proxyRef = (ev.recordSteps ?? true) ? refIn(input.renderBalancers(ev.state), `proxyport:${name}`) : null;
  const socket = `${input.nodeIP}:${entry.proxyPort}`;
  const where = `kube-proxy ${socket}`;
  if (proxyRef) {
    for (const a of res.attempts) {
      const failed = `dial ${a.endpoint} failed (timeout ${a.timeoutMs}ms), try the next endpoint`;
      steps.push({
        outcome: a.ok ? 'matched' : 'skipped',
        table: 'kube-proxy',
        chain: socket,
        effect: { kind: 'proxy-dial', endpoint: a.endpoint, ok: a.ok, ...(a.ok ? {} : { timeoutMs: a.timeoutMs }) },
        where,
        action: a.ok ? `connect ${a.endpoint}` : failed,
        ref: proxyRef,
        detail: a.viaAffinity
          ? { kind: 'affinity', clientIP: p.src, endpoint: a.endpoint }
          : { kind: 'scheduler', scheduler: 'round-robin', chosen: a.endpoint },
      });
    }
  }
  if (!res.ok && proxyRef) {
    const action = `Couldn't find an endpoint for ${name}: ${res.error}`;
    const effect = { kind: 'proxy-fail' as const, service: name };
    steps.push({ outcome: 'matched', table: 'kube-proxy', chain: socket, effect, where, action, ref: proxyRef });
  }
  return {
    kind: 'proxy',
    servicePort: name,
    proxyPort: entry.proxyPort,
    endpoint: res.ok ? find(res.endpoint) : null,
    attempts: res.attempts.map((a) => ({
      endpoint: a.endpoint,
      ok: a.ok,
      ...(a.ok ? {} : { timeoutMs: a.timeoutMs }),
    })),
  };
}
