// The IPVS data path of one node for one packet, in the kernel's order: nat PREROUTING or OUTPUT
// (KUBE-MARK-MASQ), filter INPUT (KUBE-IPVS-FILTER, source ranges), then IPVS at LOCAL_IN
// (ip_vs_in: the virtual server, a persistence template or the scheduler, a new connection entry,
// the masquerading forwarder's DNAT), then nat POSTROUTING (KUBE-POSTROUTING masquerade).

import { note } from '../../notes';
import type { ArtifactRef } from '../../artifact';
import type { NodePortmap } from '../../cni/portmap';
import { portmapVerdict } from '../hostport';
import type { Rule, Ruleset, TableName } from '../../node/netfilter/types';
import { RulesetIndex, walkInvalidForward, walkPacket, type WalkResult } from '../../node/netfilter/walk';
import type { ProxyNode } from '../servicemap';
import type { EvaluateInput, InvalidForwardInput, Packet, ProxyEvaluation, RuleStep } from '../types';
import { findVirtualServer, type IpvsModel, type IpvsVirtualServer } from './model';
import { rsRef, vsRef } from './render';
import { newSchedulerMemory, schedule } from './schedulers';
import { ipsetContains } from './ipset';
import {
  connectionCounts,
  expire,
  ipvsRuntime,
  IPVS_TCP_ESTABLISHED_SECONDS,
  IPVS_UDP_TIMEOUT_SECONDS,
  type IpvsRuntime,
} from './connections';

export interface IpvsEvaluatorInput {
  nodeName: string;
  node: ProxyNode;
  model: IpvsModel;
  /** kube-proxy's iptables rules with the CNI portmap chains installed. */
  ruleset: Ruleset;
  portmap?: NodePortmap;
  /** Artifact ids of `ipvsadm -Ln` and `iptables-save` on this node. */
  ids: { ipvsadm: string; iptables: string };
  /** The rendered line of an artifact by ref. */
  ref: (artifact: string, ref: string) => ArtifactRef;
}

type Walk = (
  ev: EvaluateInput,
  packet: Packet,
  origin: EvaluateInput['origin'],
  idx: RulesetIndex,
) => WalkResult;

/** What one packet's IPVS step needs: the node's state, the virtual server, how to record a step. */
interface VsContext {
  ev: EvaluateInput;
  rt: IpvsRuntime;
  vs: IpvsVirtualServer;
  /** Whether steps are recorded (the batch distribution runs without). */
  rec: boolean;
  steps: RuleStep[];
  step: (effect: RuleStep['effect'], action: string, detail?: RuleStep['detail']) => RuleStep;
}

/** The node's evaluator: netfilter indexes are built once per compile, the walk once per packet. */
export function ipvsEvaluator(input: IpvsEvaluatorInput): (ev: EvaluateInput) => ProxyEvaluation {
  const { model, ruleset, node, nodeName, ids } = input;
  const ipsets = new Map(model.ipsets.map((s) => [s.name, s]));
  const localAddresses = [...node.ips, ...model.dummyAddresses];
  const index = new RulesetIndex(ruleset);
  // After IPVS has rewritten the destination the packet leaves through nat POSTROUTING only.
  const nat = ruleset.tables.nat!;
  const postChains = nat.chains.filter((c) => c.name !== 'PREROUTING' && c.name !== 'OUTPUT');
  const postIndex = new RulesetIndex({ tables: { nat: { ...nat, chains: postChains } }, order: ['nat'] });
  const refOf = (_t: TableName, _c: string, rule: Rule): ArtifactRef => input.ref(ids.iptables, rule.id);
  const walk: Walk = (ev, packet, origin, idx) =>
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
  return (ev) => evaluateIpvs(input, walk, index, postIndex, ev);
}

/**
 * A forwarded packet this node's conntrack never saw (state INVALID): IPVS and NAT do not touch it,
 * the node's filter FORWARD chain (kube-proxy's KUBE-FORWARD) decides alone.
 */
export function ipvsInvalidForward(input: IpvsEvaluatorInput): (i: InvalidForwardInput) => ProxyEvaluation {
  const { node, nodeName, ids } = input;
  let index: RulesetIndex | undefined;
  const refOf = (_t: TableName, _c: string, rule: Rule): ArtifactRef => input.ref(ids.iptables, rule.id);
  return (i) => {
    const r = walkInvalidForward({
      index: (index ??= new RulesetIndex(input.ruleset)),
      packet: i.packet,
      origin: 'external',
      localAddresses: node.ips,
      masqueradeAddress: node.ips[0] ?? i.packet.src,
      state: i.state,
      nodeKey: `${nodeName}/ipvs-netfilter`,
      refOf,
      recordSteps: i.recordSteps,
    });
    if (r.verdict === 'ACCEPT') return { verdict: { kind: 'pass' }, after: r.after, steps: r.steps };
    const where = r.decidedBy;
    const reason = where ? `${where.table}/${where.chain}${where.rule ? '' : ' policy'}` : 'filter/FORWARD';
    const kind = r.verdict === 'REJECT' ? 'reject' : 'drop';
    return { verdict: { kind, reason }, after: r.after, steps: r.steps };
  };
}

function evaluateIpvs(
  input: IpvsEvaluatorInput,
  walk: Walk,
  index: RulesetIndex,
  postIndex: RulesetIndex,
  ev: EvaluateInput,
): ProxyEvaluation {
  const p = ev.packet;
  const rt = ipvsRuntime(ev.state, input.nodeName);
  expire(rt, ev.state.now);
  const steps: RuleStep[] = [];

  // nat PREROUTING/OUTPUT mark for masquerade; filter INPUT (KUBE-IPVS-FILTER, source ranges).
  const first = walk(ev, p, ev.origin, index);
  steps.push(...first.steps);
  const vs = findVirtualServer(input.model, p.protocol, p.dst, p.dstPort);
  if (first.verdict === 'REJECT') {
    const reason = 'KUBE-IPVS-FILTER: not a service port of this address';
    const n = note('note.proxy.ipvsFilter', {});
    return { verdict: { kind: 'reject', servicePort: vs?.service.name, reason, note: n }, after: first.after, steps };
  }
  if (first.verdict === 'DROP') {
    const reason = 'dropped by loadBalancerSourceRanges';
    const n = note('note.proxy.ipvsSourceRange', {});
    return { verdict: { kind: 'drop', servicePort: vs?.service.name, reason, note: n }, after: first.after, steps };
  }
  // A hostPort: portmap's DNAT in PREROUTING sent the packet on to a pod, past IPVS.
  const hostport = portmapVerdict(input.portmap, first);
  if (hostport) return { verdict: hostport, after: first.after, steps };
  // IPVS only sees packets the routing decision delivers locally (kube-ipvs0 or node addresses).
  if (first.path !== 'input' || !vs) return { verdict: { kind: 'pass' }, after: first.after, steps };
  const marked = first.after;

  // IPVS runs at LOCAL_IN: the input hook, after filter INPUT.
  const vsName = `${vs.address}:${vs.port}`;
  const ctx: VsContext = {
    ev,
    rt,
    vs,
    rec: ev.recordSteps ?? true,
    steps,
    step: (effect, action, detail) => ({
      outcome: 'matched',
      table: 'ipvs',
      chain: vsName,
      hook: 'input',
      effect,
      where: `ipvs ${vsName}`,
      action,
      ref: input.ref(input.ids.ipvsadm, vsRef(vs)),
      ...(detail ? { detail } : {}),
    }),
  };
  const chosen = realServer(ctx);
  if (typeof chosen !== 'number') return { verdict: chosen, after: marked, steps };
  const rs = vs.realServers[chosen]!;
  const rsKey = `${rs.address}:${rs.port}`;
  recordConnection(ctx, rsKey);
  if (ctx.rec) {
    const forward = ctx.step({ kind: 'ipvs-forward', method: 'masq', to: rsKey }, `Masq ${rsKey}`);
    steps.push({ ...forward, ref: input.ref(input.ids.ipvsadm, rsRef(vs, rs)) });
  }

  const dnat: Packet = { ...marked, dst: rs.address, dstPort: rs.port };
  // A node-originated packet already met nat POSTROUTING on its way to the virtual IP.
  const post = first.snat ? null : walk(ev, dnat, 'pod', postIndex);
  if (post) steps.push(...post.steps.filter((s) => s.outcome === 'matched'));
  const masquerade = !!first.snat || !!post?.snat;
  const after: Packet = post ? post.after : dnat;
  return { verdict: { kind: 'dnat', servicePort: vs.service.name, endpoint: rs.endpoint, masquerade }, after, steps };
}

type Reject = Extract<ProxyEvaluation['verdict'], { kind: 'reject' }>;

/** The real server for a new connection: the client's persistence template while it holds, else the
 *  scheduler's pick (which starts a template on a `persistent` virtual server). No real server, or
 *  none the scheduler can use: ip_vs_leave answers ICMP port unreachable. */
function realServer(ctx: VsContext): number | Reject {
  const { vs, rt, ev, steps, rec } = ctx;
  const p = ev.packet;
  const now = ev.state.now;
  const noDestination = () =>
    ctx.step({ kind: 'ipvs-no-destination' }, 'no destination available: ICMP port unreachable');
  if (vs.realServers.length === 0) {
    if (rec) steps.push(noDestination());
    const reason = 'IPVS virtual server has no real servers';
    return { kind: 'reject', servicePort: vs.service.name, reason, note: note('note.proxy.ipvsNoReal', {}) };
  }
  if (vs.persistentTimeout > 0) {
    const t = rt.templates.find((x) => x.vs === vs.key && x.client === p.src);
    const i = t ? vs.realServers.findIndex((r) => `${r.address}:${r.port}` === t.rs) : -1;
    if (t && i >= 0) {
      t.expiresAt = now + vs.persistentTimeout;
      const effect = { kind: 'ipvs-schedule' as const, scheduler: vs.scheduler, chosen: t.rs, persistent: true };
      const detail = { kind: 'affinity' as const, clientIP: p.src, endpoint: t.rs };
      if (rec) steps.push(ctx.step(effect, `persistent ${vs.persistentTimeout}: reuse ${t.rs}`, detail));
      return i;
    }
  }
  const memory = (rt.sched[vs.key] ??= newSchedulerMemory());
  const dests = vs.realServers.map((r) => {
    const key = `${r.address}:${r.port}`;
    const c = connectionCounts(rt, vs, key);
    return { key, weight: r.weight, activeConns: c.active, inactConns: c.inactive };
  });
  const res = schedule({ scheduler: vs.scheduler, dests, memory, clientIP: p.src, vip: vs.address });
  if (res.index === null) {
    if (rec) steps.push(noDestination());
    const reason = 'IPVS scheduler found no destination';
    return { kind: 'reject', servicePort: vs.service.name, reason, note: note('note.proxy.ipvsNoDest', {}) };
  }
  const pick = dests[res.index]!.key;
  const effect = { kind: 'ipvs-schedule' as const, scheduler: vs.scheduler, chosen: pick };
  const detail = { kind: 'scheduler' as const, scheduler: vs.scheduler, chosen: pick };
  if (rec) steps.push(ctx.step(effect, `${vs.scheduler}: ${res.why}`, detail));
  if (vs.persistentTimeout > 0) {
    rt.templates.push({ vs: vs.key, client: p.src, rs: pick, expiresAt: now + vs.persistentTimeout });
  }
  return res.index;
}

/** The connection entry ipvsadm -Lnc lists: TCP starts ESTABLISHED (active), UDP is inactive. */
function recordConnection(ctx: VsContext, rsKey: string): void {
  const { rt, vs, ev } = ctx;
  const udp = vs.protocol === 'UDP';
  rt.conns.push({
    id: rt.nextId++,
    vs: vs.key,
    rs: rsKey,
    client: ev.packet.src,
    clientPort: ev.packet.srcPort,
    state: udp ? 'inactive' : 'active',
    expiresAt: ev.state.now + (udp ? IPVS_UDP_TIMEOUT_SECONDS : IPVS_TCP_ESTABLISHED_SECONDS),
  });
}
