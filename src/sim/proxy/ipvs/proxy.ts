// kube-proxy in IPVS mode for one node: compile the virtual servers, ipsets and the few iptables
// rules, render them as ipvsadm / ipset / ip addr / iptables-save, and walk a packet the way the
// kernel does: nat PREROUTING or OUTPUT (marks), filter INPUT (KUBE-IPVS-FILTER), IPVS at
// LOCAL_IN (scheduler, persistence, DNAT), nat POSTROUTING (masquerade).

import { note } from '../../notes';
import { findLine, type ArtifactRef, type RenderedArtifact } from '../../artifact';
import type { Cluster } from '../../cluster';
import type { ClusterEvent } from '../../events';
import { installPortmap, type NodePortmap } from '../../cni/portmap';
import { portmapVerdict } from '../hostport';
import { IPVS_SCHEDULERS, type IpvsScheduler, type LabSettings } from '../../lab';
import { renderRuleset } from '../../node/netfilter/render';
import type { Rule, Ruleset, TableName } from '../../node/netfilter/types';
import { RulesetIndex, walkPacket } from '../../node/netfilter/walk';
import { buildServiceMap, proxyNode, type ProxyNode } from '../servicemap';
import type { EvaluateInput, NodeProxy, Packet, ProxyEvaluation, ProxyRuntimeState, RuleStep } from '../types';
import { buildIpvsModel, findVirtualServer, type IpvsModel, type IpvsVirtualServer } from './model';
import { renderIpsetList, renderIpvsadm, renderKubeIpvs0, rsRef, vsRef, type ConnCounts } from './render';
import { buildIpvsRuleset } from './iptables';
import { newSchedulerMemory, schedule, type SchedulerMemory } from './schedulers';
import { ipsetContains } from './ipset';

/** IPVS connection timeouts (ipvsadm --set defaults): ESTABLISHED TCP 15 minutes, TIME_WAIT 2 minutes, UDP 5 minutes. */
export const IPVS_TCP_ESTABLISHED_SECONDS = 900;
export const IPVS_TCP_TIME_WAIT_SECONDS = 120;
export const IPVS_UDP_TIMEOUT_SECONDS = 300;

export interface IpvsConnection {
  id: number;
  /** The virtual server's key ("TCP 10.96.0.10:53"). */
  vs: string;
  /** The real server ("10.244.1.5:8080"). */
  rs: string;
  client: string;
  clientPort: number;
  /** Active connections are ESTABLISHED TCP; closed TCP (TIME_WAIT) and all UDP count as inactive. */
  state: 'active' | 'inactive';
  /** Simulated time at which the entry disappears (an idle established connection times out too). */
  expiresAt: number;
}

/** A persistence template: client -> real server for `persistent <timeout>` virtual servers. */
export interface IpvsTemplate {
  vs: string;
  client: string;
  rs: string;
  expiresAt: number;
}

export interface IpvsRuntime {
  sched: Record<string, SchedulerMemory>;
  conns: IpvsConnection[];
  templates: IpvsTemplate[];
  nextId: number;
}

/** This node's IPVS state inside ProxyRuntimeState.perNode[node] (other modes use other keys). */
export function ipvsRuntime(state: ProxyRuntimeState, nodeName: string): IpvsRuntime {
  const slot = (state.perNode[nodeName] ??= {}) as { ipvs?: IpvsRuntime };
  return (slot.ipvs ??= { sched: {}, conns: [], templates: [], nextId: 1 });
}

function expire(rt: IpvsRuntime, now: number): void {
  rt.conns = rt.conns.filter((c) => c.expiresAt > now);
  rt.templates = rt.templates.filter((t) => t.expiresAt > now);
}

/** Closes active connections (all of them, or one client's): they move to InActConn, then expire. */
export function closeIpvsConnections(args: { state: ProxyRuntimeState; nodeName: string; client?: string }): number {
  const rt = ipvsRuntime(args.state, args.nodeName);
  let n = 0;
  for (const c of rt.conns) {
    if (c.state !== 'active' || (args.client && c.client !== args.client)) continue;
    c.state = 'inactive';
    c.expiresAt = args.state.now + IPVS_TCP_TIME_WAIT_SECONDS;
    n++;
  }
  return n;
}

export function connectionCounts(rt: IpvsRuntime | undefined, vs: Pick<IpvsVirtualServer, 'key'>, rs: string): ConnCounts {
  const c = { active: 0, inactive: 0 };
  for (const conn of rt?.conns ?? []) {
    if (conn.vs !== vs.key || conn.rs !== rs) continue;
    if (conn.state === 'active') c.active++;
    else c.inactive++;
  }
  return c;
}

export interface CompileIpvsInput {
  cluster: Pick<Cluster, 'services' | 'endpointSlices' | 'nodes'>;
  nodeName: string;
  settings: LabSettings;
  /** When given, ipvsadm's ActiveConn/InActConn columns show this state. */
  state?: ProxyRuntimeState;
  /** Defaults to the cluster's Node object of that name. */
  node?: ProxyNode;
  /** The CNI portmap plugin's hostPort state on the node: its chains join the node's iptables rules. */
  portmap?: NodePortmap;
}

export interface IpvsNodeProxy extends NodeProxy {
  mode: 'ipvs';
  model: IpvsModel;
  ruleset: Ruleset;
  /** `ipvsadm -Ln` with the connection counters of `state`. */
  renderIpvsadm(state?: ProxyRuntimeState): RenderedArtifact;
}

/** How many iptables rules match a set (`ipset list`'s References). */
function setReferences(rs: Ruleset, name: string): number {
  let n = 0;
  for (const t of rs.order) for (const c of rs.tables[t]?.chains ?? []) for (const r of c.rules) if (r.matches.some((m) => m.kind === 'set' && m.name === name)) n++;
  return n;
}

export function ipvsArtifactIds(nodeName: string) {
  return {
    ipvsadm: `node/${nodeName}/ipvsadm`,
    ipset: `node/${nodeName}/ipset`,
    ipAddr: `node/${nodeName}/ip-addr-kube-ipvs0`,
    iptables: `node/${nodeName}/iptables-save`,
  };
}

function kubeProxyEvent(nodeName: string, type: ClusterEvent['type'], reason: string, message: string): Omit<ClusterEvent, 'seq'> {
  return { type, reason, object: { kind: 'Node', name: nodeName }, message, source: 'kube-proxy', node: nodeName };
}

export function proxyNodeOf(cluster: Pick<Cluster, 'nodes'>, nodeName: string): ProxyNode {
  const n = cluster.nodes.find((x) => x.metadata.name === nodeName);
  return n ? proxyNode(n) : { name: nodeName, ips: [] };
}

/** Whether kube-proxy accepts the scheduler: it probes by creating a dummy virtual server with it. */
export function isKnownScheduler(s: string): s is IpvsScheduler {
  return (IPVS_SCHEDULERS as readonly string[]).includes(s);
}

export function compileIpvs(input: CompileIpvsInput): IpvsNodeProxy {
  const { cluster, nodeName, settings } = input;
  const node = input.node ?? proxyNodeOf(cluster, nodeName);
  const kp = settings.kubeProxy;
  const model = buildIpvsModel({ serviceMap: buildServiceMap(cluster, nodeName), node, settings: kp });
  const kubeProxyRules = buildIpvsRuleset({ model, settings: kp, clusterCIDR: kp.clusterCIDR ?? settings.podCIDR });
  const ruleset = input.portmap ? installPortmap(kubeProxyRules, input.portmap) : kubeProxyRules;
  const ids = ipvsArtifactIds(nodeName);

  const renderCounts = (state?: ProxyRuntimeState) => {
    const rt = state ? (state.perNode[nodeName] as { ipvs?: IpvsRuntime } | undefined)?.ipvs : undefined;
    return renderIpvsadm({ id: ids.ipvsadm, model, counts: (vs, rs) => connectionCounts(rt, vs, rs) });
  };
  const artifacts: RenderedArtifact[] = [
    renderCounts(input.state),
    renderIpsetList({ id: ids.ipset, nodeName, sets: model.ipsets, references: (name) => setReferences(ruleset, name) }),
    renderKubeIpvs0({ id: ids.ipAddr, nodeName, addresses: model.dummyAddresses }),
    renderRuleset(ruleset, { id: ids.iptables, title: 'iptables-save' }),
  ];
  const byId = new Map(artifacts.map((a) => [a.id, a]));
  const ref = (artifact: string, r: string): ArtifactRef =>
    findLine(byId.get(artifact)!, r) ?? { artifact, ref: r, line: '', lineIndex: -1 };

  const ipsets = new Map(model.ipsets.map((s) => [s.name, s]));
  const localAddresses = [...node.ips, ...model.dummyAddresses];
  const index = new RulesetIndex(ruleset);
  // After IPVS has rewritten the destination the packet leaves through nat POSTROUTING only.
  const nat = ruleset.tables.nat!;
  const postIndex = new RulesetIndex({ tables: { nat: { ...nat, chains: nat.chains.filter((c) => c.name !== 'PREROUTING' && c.name !== 'OUTPUT') } }, order: ['nat'] });
  const refOf = (_t: TableName, _c: string, rule: Rule): ArtifactRef => ref(ids.iptables, rule.id);
  const walk = (ev: EvaluateInput, packet: Packet, origin: EvaluateInput['origin'], idx: RulesetIndex) =>
    walkPacket({
      index: idx,
      packet,
      origin,
      localAddresses,
      masqueradeAddress: node.ips[0] ?? packet.src,
      state: ev.state,
      // Separate from this node's IPVS state in perNode[nodeName].
      nodeKey: `${nodeName}/ipvs-netfilter`,
      refOf,
      recordSteps: ev.recordSteps,
      ipsetContains: (name, pk, flags) => {
        const set = ipsets.get(name);
        return !!set && ipsetContains(set, flags, pk);
      },
    });

  const evaluate = (ev: EvaluateInput): ProxyEvaluation => {
    const p = ev.packet;
    const rt = ipvsRuntime(ev.state, nodeName);
    expire(rt, ev.state.now);
    const steps: RuleStep[] = [];
    const rec = ev.recordSteps ?? true;

    // nat PREROUTING/OUTPUT mark for masquerade; filter INPUT (KUBE-IPVS-FILTER, source ranges).
    const first = walk(ev, p, ev.origin, index);
    steps.push(...first.steps);
    const vs = findVirtualServer(model, p.protocol, p.dst, p.dstPort);
    if (first.verdict === 'REJECT') return { verdict: { kind: 'reject', servicePort: vs?.service.name, reason: 'KUBE-IPVS-FILTER: not a service port of this address', note: note('note.proxy.ipvsFilter', {}) }, after: first.after, steps };
    if (first.verdict === 'DROP') return { verdict: { kind: 'drop', servicePort: vs?.service.name, reason: 'dropped by loadBalancerSourceRanges', note: note('note.proxy.ipvsSourceRange', {}) }, after: first.after, steps };
    // A hostPort: portmap's DNAT in PREROUTING sent the packet on to a pod, past IPVS.
    const hostport = portmapVerdict(input.portmap, first);
    if (hostport) return { verdict: hostport, after: first.after, steps };
    // IPVS only sees packets the routing decision delivers locally (kube-ipvs0 or node addresses).
    if (first.path !== 'input' || !vs) return { verdict: { kind: 'pass' }, after: first.after, steps };
    const marked = first.after;

    // IPVS runs at LOCAL_IN: the input hook, after filter INPUT.
    const vsName = `${vs.address}:${vs.port}`;
    const vsStep = (effect: RuleStep['effect'], action: string, detail?: RuleStep['detail']): RuleStep => ({
      outcome: 'matched',
      table: 'ipvs',
      chain: vsName,
      hook: 'input',
      effect,
      where: `ipvs ${vsName}`,
      action,
      ref: ref(ids.ipvsadm, vsRef(vs)),
      ...(detail ? { detail } : {}),
    });
    const noDestination = () =>
      vsStep({ kind: 'ipvs-no-destination' }, 'no destination available: ICMP port unreachable');
    if (vs.realServers.length === 0) {
      // ip_vs_leave: no destination, so the kernel answers ICMP port unreachable.
      if (rec) steps.push(noDestination());
      return { verdict: { kind: 'reject', servicePort: vs.service.name, reason: 'IPVS virtual server has no real servers', note: note('note.proxy.ipvsNoReal', {}) }, after: marked, steps };
    }

    let chosen: number | null = null;
    const now = ev.state.now;
    if (vs.persistentTimeout > 0) {
      const t = rt.templates.find((x) => x.vs === vs.key && x.client === p.src);
      const i = t ? vs.realServers.findIndex((r) => `${r.address}:${r.port}` === t.rs) : -1;
      if (t && i >= 0) {
        chosen = i;
        t.expiresAt = now + vs.persistentTimeout;
        const effect = { kind: 'ipvs-schedule' as const, scheduler: vs.scheduler, chosen: t.rs, persistent: true };
        const detail = { kind: 'affinity' as const, clientIP: p.src, endpoint: t.rs };
        if (rec) steps.push(vsStep(effect, `persistent ${vs.persistentTimeout}: reuse ${t.rs}`, detail));
      }
    }
    if (chosen === null) {
      const memory = (rt.sched[vs.key] ??= newSchedulerMemory());
      const dests = vs.realServers.map((r) => {
        const key = `${r.address}:${r.port}`;
        const c = connectionCounts(rt, vs, key);
        return { key, weight: r.weight, activeConns: c.active, inactConns: c.inactive };
      });
      const res = schedule({ scheduler: vs.scheduler, dests, memory, clientIP: p.src, vip: vs.address });
      if (res.index === null) {
        if (rec) steps.push(noDestination());
        return { verdict: { kind: 'reject', servicePort: vs.service.name, reason: 'IPVS scheduler found no destination', note: note('note.proxy.ipvsNoDest', {}) }, after: marked, steps };
      }
      chosen = res.index;
      const pick = dests[chosen]!.key;
      const effect = { kind: 'ipvs-schedule' as const, scheduler: vs.scheduler, chosen: pick };
      const detail = { kind: 'scheduler' as const, scheduler: vs.scheduler, chosen: pick };
      if (rec) steps.push(vsStep(effect, `${vs.scheduler}: ${res.why}`, detail));
      if (vs.persistentTimeout > 0) {
        rt.templates.push({ vs: vs.key, client: p.src, rs: dests[chosen]!.key, expiresAt: now + vs.persistentTimeout });
      }
    }
    const rs = vs.realServers[chosen]!;
    const rsKey = `${rs.address}:${rs.port}`;
    const udp = vs.protocol === 'UDP';
    rt.conns.push({
      id: rt.nextId++,
      vs: vs.key,
      rs: rsKey,
      client: p.src,
      clientPort: p.srcPort,
      state: udp ? 'inactive' : 'active',
      expiresAt: now + (udp ? IPVS_UDP_TIMEOUT_SECONDS : IPVS_TCP_ESTABLISHED_SECONDS),
    });
    if (rec) {
      const forward = vsStep({ kind: 'ipvs-forward', method: 'masq', to: rsKey }, `Masq ${rsKey}`);
      steps.push({ ...forward, ref: ref(ids.ipvsadm, rsRef(vs, rs)) });
    }

    const dnat: Packet = { ...marked, dst: rs.address, dstPort: rs.port };
    // A node-originated packet already met nat POSTROUTING on its way to the virtual IP.
    const post = first.snat ? null : walk(ev, dnat, 'pod', postIndex);
    if (post) steps.push(...post.steps.filter((s) => s.outcome === 'matched'));
    const masquerade = !!first.snat || !!post?.snat;
    const after: Packet = post ? post.after : dnat;
    return { verdict: { kind: 'dnat', servicePort: vs.service.name, endpoint: rs.endpoint, masquerade }, after, steps };
  };

  return {
    mode: 'ipvs',
    node,
    model,
    ruleset,
    artifacts,
    events: [kubeProxyEvent(nodeName, 'Normal', 'ProxierStarted', 'Using ipvs Proxier')],
    evaluate,
    renderIpvsadm: renderCounts,
  };
}

export { kubeProxyEvent };

/** What kube-proxy does when asked for IPVS mode (server_others.go): run it, fall back, or exit. */
export type IpvsStartup =
  | { kind: 'ipvs'; proxy: IpvsNodeProxy }
  /** The IPVS kernel modules (or ipset) are missing: kube-proxy logs this and runs the iptables proxier. */
  | { kind: 'fallback-iptables'; events: Omit<ClusterEvent, 'seq'>[] }
  /** kube-proxy refused to start (invalid scheduler): no rules are programmed on this node. */
  | { kind: 'failed'; proxy: NodeProxy };

export function startIpvs(input: CompileIpvsInput): IpvsStartup {
  const { nodeName, settings } = input;
  const scheduler: string = settings.kubeProxy.ipvs.scheduler;
  if (!isKnownScheduler(scheduler)) {
    // CanUseIPVSProxier probes the scheduler by adding a dummy virtual server; the kernel refuses
    // an unknown one and kube-proxy exits with the error.
    const node = input.node ?? proxyNodeOf(input.cluster, nodeName);
    return {
      kind: 'failed',
      proxy: {
        mode: 'ipvs',
        node,
        artifacts: [],
        events: [
          kubeProxyEvent(nodeName, 'Warning', 'IPVSSchedulerInvalid', `Could not create dummy VS" err="no such file or directory" scheduler="${scheduler}"`),
          kubeProxyEvent(nodeName, 'Warning', 'FailedToStart', `Error running ProxyServer: can't use the IPVS proxier: no such file or directory`),
        ],
        evaluate: (ev) => ({ verdict: { kind: 'pass' }, after: ev.packet, steps: [] }),
      },
    };
  }
  if (!settings.kubeProxy.ipvs.modulesLoaded) {
    return {
      kind: 'fallback-iptables',
      events: [
        kubeProxyEvent(nodeName, 'Warning', 'IPVSUnavailable', `Can't use ipvs proxier, trying iptables proxier`),
        kubeProxyEvent(nodeName, 'Normal', 'ProxierStarted', 'Using iptables Proxier.'),
      ],
    };
  }
  return { kind: 'ipvs', proxy: compileIpvs(input) };
}
