// The per-node, per-mode entry point: what kube-proxy on `nodeName` would program, as a NodeProxy
// the tracer can evaluate packets against. One case per proxy mode (SEMANTICS.md sections 2-5).

import type { Cluster } from '../cluster';
import { nodePortmap, type NodePortmap } from '../cni/portmap';
import { withPortmap } from './hostport';
import type { KubeProxySettings, LabSettings } from '../lab';
import { proxyModeStartupError, proxyModeStartupWarning } from './versions';
import { assertNever } from '../util/assert';
import { compileIptables, recompileIptables, type IptablesArtifact } from './iptables/compile';
import type { ProxyChanges } from './changes';
import { deepEqual } from '../util/equal';
import { iptablesNodeProxy } from './iptables/proxy';
import { RuleLines } from '../node/netfilter/render';
import { proxyNodeOf, startIpvs } from './ipvs/proxy';
import { compileNftables } from './nftables/proxy';
import { compileUserspace } from './userspace/proxy';
import type { ProxyNode } from './servicemap';
import type { NodeProxy } from './types';

export interface CompileNodeProxyInput {
  cluster: Cluster;
  nodeName: string;
  /** Defaults to the lab's kube-proxy settings. */
  settings?: KubeProxySettings;
  /** Defaults to the cluster's Node object of that name. */
  node?: ProxyNode;
}

/**
 * kube-proxy on one node as the lab keeps it between syncs: upstream's Proxier of the running mode
 * (its service and endpoints maps, the last restore it wrote), plus the CNI portmap plugin's state
 * the node's tables were built with. An explicit record, so nothing about it hides in the NodeProxy
 * object the tracer walks (a copy of that object keeps no state and loses none).
 */
export interface KubeProxyNode {
  nodeName: string;
  /** The CNI portmap plugin's hostPort chains on the node (not kube-proxy's, but in the same tables). */
  portmap: NodePortmap;
  proxier: Proxier;
  /** What the tracer walks and the viewers open: kube-proxy's rules with portmap's, and the last sync's log lines. */
  proxy: NodeProxy;
}

/** The running proxier's own state: what its next sync starts from. */
export type Proxier =
  /** The iptables proxier (also what an ipvs kube-proxy without its kernel modules runs): the last sync's
   *  rules per Service, so the next sync is a partial one (KEP-3453); `lines`: the node's
   *  iptables-save lines of the rules rendered so far (what the viewer printed stays printed). */
  | { kind: 'iptables'; artifact: IptablesArtifact; lines: RuleLines }
  /** ipvs: portmap's chains are compiled into its own iptables rules; the lab compiles every sync afresh. */
  | { kind: 'ipvs' }
  /** nftables, userspace, or a kube-proxy that failed to start: its own NodeProxy, portmap's rules
   *  walked after it (`title`: the separate iptables-save's title in nftables mode). */
  | { kind: 'beside-portmap'; kubeProxy: NodeProxy; title?: string };

type ProxyEvent = NodeProxy['events'][number];

function iptablesNode(
  input: CompileNodeProxyInput,
  a: IptablesArtifact,
  portmap: NodePortmap,
  startup: ProxyEvent[] = [],
  lines: RuleLines = new RuleLines(),
): KubeProxyNode {
  const proxy = iptablesNodeProxy(a, portmap, lines);
  if (startup.length) proxy.events = [...startup, ...proxy.events];
  return { nodeName: input.nodeName, portmap, proxier: { kind: 'iptables', artifact: a, lines }, proxy };
}

function besidePortmap(
  input: CompileNodeProxyInput,
  kubeProxy: NodeProxy,
  portmap: NodePortmap,
  title?: string,
): KubeProxyNode {
  const proxy = withPortmap({ kubeProxy, portmap, ...(title ? { title } : {}) });
  const proxier: Proxier = { kind: 'beside-portmap', kubeProxy, ...(title ? { title } : {}) };
  return { nodeName: input.nodeName, portmap, proxier, proxy };
}

function nftTitle(node: string): string {
  return `iptables-save (${node}; iptables-nft: CNI portmap's chains; kube-proxy's rules are in nft)`;
}

/** What kube-proxy on the node programs at start (its initial full sync), as a NodeProxy. */
export function compileNodeProxy(input: CompileNodeProxyInput): NodeProxy {
  return startKubeProxy(input).proxy;
}

// Every mode gets the CNI portmap plugin's hostPort rules of the node's pods: they are written by
// the pod network's plugin, whichever kube-proxy mode runs (src/sim/cni/portmap.ts).
/** kube-proxy starting on the node: configuration validated, the proxier of the mode created, its first (full) sync. */
export function startKubeProxy(input: CompileNodeProxyInput): KubeProxyNode {
  const settings = input.settings ?? input.cluster.settings.kubeProxy;
  const lab = { ...input.cluster.settings, kubeProxy: settings };
  const portmap = nodePortmap({ cluster: input.cluster, nodeName: input.nodeName });
  const version = input.cluster.settings.kubernetesVersion;
  const startupError = proxyModeStartupError(settings, version);
  if (startupError) return notRunning(input, startupError, portmap);
  const k = compileRunning(input, settings, lab, portmap);
  const warning = proxyModeStartupWarning(settings.mode, version, input.nodeName);
  if (warning) k.proxy.events = [warning, ...k.proxy.events];
  return k;
}

/** kube-proxy exited validating its configuration: no rules of its own; the CNI's hostPort chains remain. */
function notRunning(input: CompileNodeProxyInput, error: string, portmap: NodePortmap): KubeProxyNode {
  const node = input.node ?? proxyNodeOf(input.cluster, input.nodeName);
  const message = `Error running ProxyServer: ${error}`;
  const failed: NodeProxy = {
    mode: (input.settings ?? input.cluster.settings.kubeProxy).mode,
    node,
    artifacts: [],
    events: [
      {
        type: 'Warning',
        reason: 'FailedToStart',
        object: { kind: 'Node', name: input.nodeName },
        message,
        source: 'kube-proxy',
        node: input.nodeName,
      },
    ],
    notRunning: error,
    evaluate: (ev) => ({ verdict: { kind: 'pass' }, after: ev.packet, steps: [] }),
  };
  return besidePortmap(input, failed, portmap);
}

function compileRunning(
  input: CompileNodeProxyInput,
  settings: KubeProxySettings,
  lab: LabSettings,
  portmap: NodePortmap,
): KubeProxyNode {
  const { cluster, nodeName, node } = input;
  switch (settings.mode) {
    case 'iptables':
      return iptablesNode(input, compileIptables({ cluster, nodeName, settings, node }), portmap);
    case 'ipvs': {
      const started = startIpvs({ cluster, nodeName, settings: lab, node, portmap });
      if (started.kind === 'failed') return besidePortmap(input, started.proxy, portmap);
      if (started.kind !== 'fallback-iptables') {
        return { nodeName, portmap, proxier: { kind: 'ipvs' }, proxy: started.proxy };
      }
      // kube-proxy logged the fallback and runs the iptables proxier instead.
      return iptablesNode(input, compileIptables({ cluster, nodeName, settings, node }), portmap, started.events);
    }
    case 'nftables': {
      // iptables-nft: portmap's chains live in nftables' `ip nat` table, next to kube-proxy's `ip kube-proxy`.
      const kubeProxy = compileNftables({ cluster, nodeName, settings: lab, node });
      return besidePortmap(input, kubeProxy, portmap, nftTitle(nodeName));
    }
    case 'userspace':
      return besidePortmap(input, compileUserspace({ cluster, nodeName, settings: lab, node }), portmap);
    default:
      return assertNever(settings.mode, 'proxy mode');
  }
}

/**
 * kube-proxy's next sync after its change trackers received Service or EndpointSlice events. The
 * iptables proxier makes a partial sync (only the changed Services' chains rewritten,
 * recompileIptables); the other modes have no partial sync in the lab and compile again. Same
 * settings and node as `prev`. `portmapTouched` false: no pod with hostPorts on the node changed
 * (cni/portmap.ts `portmapNodesTouched`), so the CNI portmap state is the one `prev` holds.
 * `fullSync`: why this sync must be a full one (kube-proxy's needFullSync), if it must.
 */
export function syncKubeProxy(
  prev: KubeProxyNode,
  input: CompileNodeProxyInput,
  changes: ProxyChanges,
  portmapTouched = true,
  fullSync?: string,
): KubeProxyNode {
  const settings = input.settings ?? input.cluster.settings.kubeProxy;
  const iptablesProxier = settings.mode === 'iptables' || settings.mode === 'ipvs';
  if (prev.proxier.kind !== 'iptables' || !iptablesProxier) return startKubeProxy(input);
  const portmap = portmapTouched ? nodePortmap({ cluster: input.cluster, nodeName: input.nodeName }) : prev.portmap;
  const change = {
    cluster: input.cluster,
    changes,
    settings,
    ...(input.node ? { node: input.node } : {}),
    ...(fullSync ? { fullSync } : {}),
  };
  return iptablesNode(input, recompileIptables(prev.proxier.artifact, change), portmap, [], prev.proxier.lines);
}

/**
 * The node's data plane after a change kube-proxy does not watch (pods came or went): kube-proxy
 * keeps its rules and logs nothing, but the container runtime ran the CNI portmap plugin for pod
 * sandboxes with hostPorts. Returns `prev` itself when the node's portmap state is unchanged
 * (at once when no pod with hostPorts on the node changed: `portmapTouched` false).
 */
export function refreshPortmap(
  prev: KubeProxyNode,
  input: CompileNodeProxyInput,
  portmapTouched = true,
): KubeProxyNode {
  if (!portmapTouched) return prev;
  const portmap = nodePortmap({ cluster: input.cluster, nodeName: input.nodeName });
  if (deepEqual(prev.portmap, portmap)) return prev;
  const p = prev.proxier;
  if (p.kind === 'iptables') {
    // The same rules, walked with portmap's chains installed; kube-proxy wrote nothing new.
    return { ...prev, portmap, proxy: iptablesNodeProxy(p.artifact, portmap, p.lines) };
  }
  if (p.kind === 'beside-portmap') return besidePortmap(input, p.kubeProxy, portmap, p.title);
  // ipvs (portmap's chains are compiled into its iptables rules): the same inputs give the same
  // kube-proxy state; its startup log lines were already written.
  const k = startKubeProxy(input);
  k.proxy.events = [];
  return k;
}
