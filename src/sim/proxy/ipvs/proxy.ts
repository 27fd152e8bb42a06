// kube-proxy in IPVS mode for one node: compile the virtual servers, ipsets and the few iptables
// rules and render them as ipvsadm / ipset / ip addr / iptables-save. The packet walk (nat
// PREROUTING or OUTPUT, filter INPUT, IPVS at LOCAL_IN, nat POSTROUTING) is evaluate.ts; the
// connection table and persistence templates are connections.ts.

import { findLine, type ArtifactRef, type RenderedArtifact } from '../../artifact';
import type { Cluster } from '../../cluster';
import type { ClusterEvent } from '../../events';
import { installPortmap, type NodePortmap } from '../../cni/portmap';
import { IPVS_SCHEDULERS, type IpvsScheduler, type LabSettings } from '../../lab';
import { renderRuleset } from '../../node/netfilter/render';
import type { Ruleset } from '../../node/netfilter/types';
import { buildServiceMap, proxyNode, type ProxyNode } from '../servicemap';
import { lastMatched } from '../../step';
import type { BalanceShares, NodeProxy, ProxyRuntimeState, RuleStep } from '../types';
import { buildIpvsModel, type IpvsModel, type IpvsVirtualServer } from './model';
import { renderIpsetList, renderIpvsadm, renderKubeIpvs0, vsRef } from './render';
import { buildIpvsRuleset } from './iptables';
import { connectionCounts, type IpvsRuntime } from './connections';
import { ipvsEvaluator, ipvsInvalidForward } from './evaluate';

export {
  closeIpvsConnections,
  connectionCounts,
  ipvsRuntime,
  IPVS_TCP_ESTABLISHED_SECONDS,
  IPVS_TCP_TIME_WAIT_SECONDS,
  IPVS_UDP_TIMEOUT_SECONDS,
  type IpvsConnection,
  type IpvsRuntime,
  type IpvsTemplate,
} from './connections';

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
  for (const t of rs.order) {
    for (const c of rs.tables[t]?.chains ?? []) {
      for (const r of c.rules) if (r.matches.some((m) => m.kind === 'set' && m.name === name)) n++;
    }
  }
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

function kubeProxyEvent(
  nodeName: string,
  type: ClusterEvent['type'],
  reason: string,
  message: string,
): Omit<ClusterEvent, 'seq'> {
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

/**
 * What a virtual server's scheduler makes of its real servers: rr and wrr send each weight / sum
 * of the weights (ip_vs_rr skips weight 0; ip_vs_wrr picks in proportion); the others (lc, wlc,
 * sed, nq by the servers' connections, sh and dh by the addresses) fix no shares.
 */
export function ipvsShares(vs: IpvsVirtualServer): BalanceShares {
  const scheduler = vs.scheduler;
  if (scheduler !== 'rr' && scheduler !== 'wrr') return { kind: 'ipvs-dynamic', scheduler };
  const total = vs.realServers.reduce((s, rs) => s + rs.weight, 0);
  if (total === 0) return { kind: 'ipvs-zero', scheduler };
  const shares = vs.realServers.map((rs) => ({ endpoint: `${rs.address}:${rs.port}`, share: rs.weight / total }));
  return { kind: 'ipvs-weights', scheduler, shares };
}

/** The virtual server whose scheduler (or persistence template) chose the real server: the step
 *  names it by its element id, as the ipvsadm line it points at is rendered from it. */
function balancingServer(model: IpvsModel, steps: readonly RuleStep[]): IpvsVirtualServer | undefined {
  const chose = lastMatched(steps, (s) => s.effect.kind === 'ipvs-schedule');
  return chose && model.virtualServers.find((vs) => vsRef(vs) === chose.ref.ref);
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
    renderIpsetList({
      id: ids.ipset,
      nodeName,
      sets: model.ipsets,
      references: (name) => setReferences(ruleset, name),
    }),
    renderKubeIpvs0({ id: ids.ipAddr, nodeName, addresses: model.dummyAddresses }),
    renderRuleset(ruleset, { id: ids.iptables, title: 'iptables-save' }),
  ];
  const byId = new Map(artifacts.map((a) => [a.id, a]));
  const ref = (artifact: string, r: string): ArtifactRef =>
    findLine(byId.get(artifact)!, r) ?? { artifact, ref: r, line: '', lineIndex: -1 };

  const evalInput = { nodeName, node, model, ruleset, portmap: input.portmap, ids, ref };
  const evaluate = ipvsEvaluator(evalInput);

  return {
    mode: 'ipvs',
    node,
    model,
    ruleset,
    artifacts,
    events: [kubeProxyEvent(nodeName, 'Normal', 'ProxierStarted', 'Using ipvs Proxier')],
    evaluate,
    forwardInvalid: ipvsInvalidForward(evalInput),
    balance(steps) {
      const vs = balancingServer(model, steps);
      return vs && ipvsShares(vs);
    },
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
          kubeProxyEvent(
            nodeName,
            'Warning',
            'IPVSSchedulerInvalid',
            `Could not create dummy VS" err="no such file or directory" scheduler="${scheduler}"`,
          ),
          kubeProxyEvent(
            nodeName,
            'Warning',
            'FailedToStart',
            `Error running ProxyServer: can't use the IPVS proxier: no such file or directory`,
          ),
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
