// The per-node, per-mode entry point: what kube-proxy on `nodeName` would program, as a NodeProxy
// the tracer can evaluate packets against. One case per proxy mode (SEMANTICS.md sections 2-5).

import type { Cluster } from '../cluster';
import { nodePortmap, type NodePortmap } from '../cni/portmap';
import { withPortmap, type WithPortmapInput } from './hostport';
import type { KubeProxySettings, LabSettings } from '../lab';
import { proxyModeStartupError, proxyModeStartupWarning } from './versions';
import { assertNever } from '../util/assert';
import { compileIptables, recompileIptables, type IptablesArtifact } from './iptables/compile';
import { iptablesNodeProxy } from './iptables/proxy';
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

// The iptables artifact behind each iptables-mode NodeProxy, so the next sync can be a partial one.
const iptablesArtifacts = new WeakMap<NodeProxy, IptablesArtifact>();
// The CNI portmap state each NodeProxy was built with, and (nftables, userspace) kube-proxy's own
// proxy under the portmap wrapper, so a pod change can swap portmap's rules without a kube-proxy sync.
const portmaps = new WeakMap<NodeProxy, { portmap: NodePortmap; kubeProxy?: NodeProxy }>();

function iptablesProxy(a: IptablesArtifact, portmap: NodePortmap): NodeProxy {
  const p = iptablesNodeProxy(a, portmap);
  iptablesArtifacts.set(p, a);
  portmaps.set(p, { portmap });
  return p;
}

function wrapped(input: WithPortmapInput): NodeProxy {
  const p = withPortmap(input);
  portmaps.set(p, { portmap: input.portmap, kubeProxy: input.kubeProxy });
  return p;
}

function nftTitle(node: string): string {
  return `iptables-save (${node}; iptables-nft: CNI portmap's chains; kube-proxy's rules are in nft)`;
}

// Every mode gets the CNI portmap plugin's hostPort rules of the node's pods: they are written by
// the pod network's plugin, whichever kube-proxy mode runs (src/sim/cni/portmap.ts).
export function compileNodeProxy(input: CompileNodeProxyInput): NodeProxy {
  const settings = input.settings ?? input.cluster.settings.kubeProxy;
  const lab = { ...input.cluster.settings, kubeProxy: settings };
  const portmap = nodePortmap({ cluster: input.cluster, nodeName: input.nodeName });
  const version = input.cluster.settings.kubernetesVersion;
  const startupError = proxyModeStartupError(settings, version);
  if (startupError) return notRunning(input, startupError, portmap);
  const warning = proxyModeStartupWarning(settings.mode, version, input.nodeName);
  if (warning) {
    const p = compileRunning(input, settings, lab, portmap);
    p.events = [warning, ...p.events];
    return p;
  }
  return compileRunning(input, settings, lab, portmap);
}

/** kube-proxy exited validating its configuration: no rules of its own; the CNI's hostPort chains remain. */
function notRunning(input: CompileNodeProxyInput, error: string, portmap: NodePortmap): NodeProxy {
  const node = input.node ?? proxyNodeOf(input.cluster, input.nodeName);
  const message = `Error running ProxyServer: ${error}`;
  const failed: NodeProxy = {
    mode: (input.settings ?? input.cluster.settings.kubeProxy).mode,
    node,
    artifacts: [],
    events: [{ type: 'Warning', reason: 'FailedToStart', object: { kind: 'Node', name: input.nodeName }, message, source: 'kube-proxy', node: input.nodeName }],
    notRunning: error,
    evaluate: (ev) => ({ verdict: { kind: 'pass' }, after: ev.packet, steps: [] }),
  };
  return wrapped({ kubeProxy: failed, portmap });
}

function compileRunning(input: CompileNodeProxyInput, settings: KubeProxySettings, lab: LabSettings, portmap: NodePortmap): NodeProxy {
  switch (settings.mode) {
    case 'iptables':
      return iptablesProxy(compileIptables({ cluster: input.cluster, nodeName: input.nodeName, settings, node: input.node }), portmap);
    case 'ipvs': {
      const started = startIpvs({ cluster: input.cluster, nodeName: input.nodeName, settings: lab, node: input.node, portmap });
      if (started.kind === 'failed') return wrapped({ kubeProxy: started.proxy, portmap });
      if (started.kind !== 'fallback-iptables') {
        portmaps.set(started.proxy, { portmap });
        return started.proxy;
      }
      // kube-proxy logged the fallback and runs the iptables proxier instead.
      const p = iptablesNodeProxy(compileIptables({ cluster: input.cluster, nodeName: input.nodeName, settings, node: input.node }), portmap);
      const fallback = { ...p, events: [...started.events, ...p.events] };
      portmaps.set(fallback, { portmap });
      return fallback;
    }
    case 'nftables':
      // iptables-nft: portmap's chains live in nftables' `ip nat` table, next to kube-proxy's `ip kube-proxy`.
      return wrapped({ kubeProxy: compileNftables({ cluster: input.cluster, nodeName: input.nodeName, settings: lab, node: input.node }), portmap, title: nftTitle(input.nodeName) });
    case 'userspace':
      return wrapped({ kubeProxy: compileUserspace({ cluster: input.cluster, nodeName: input.nodeName, settings: lab, node: input.node }), portmap });
    default:
      return assertNever(settings.mode, 'proxy mode');
  }
}

/**
 * kube-proxy's next sync after a change to Services or EndpointSlices. In iptables mode it is a
 * partial sync (only changed Services' chains rewritten, recompileIptables); the other modes have
 * no partial sync in the lab and compile again. Same settings and node as `prev`.
 */
export function recompileNodeProxy(prev: NodeProxy, input: CompileNodeProxyInput): NodeProxy {
  const a = iptablesArtifacts.get(prev);
  const settings = input.settings ?? input.cluster.settings.kubeProxy;
  if (a && settings.mode === 'iptables') {
    const portmap = nodePortmap({ cluster: input.cluster, nodeName: input.nodeName });
    return iptablesProxy(recompileIptables(a, { cluster: input.cluster, settings, ...(input.node ? { node: input.node } : {}) }), portmap);
  }
  return compileNodeProxy(input);
}

/**
 * The node's data plane after a change kube-proxy does not watch (pods came or went): kube-proxy
 * keeps its rules and logs nothing, but the container runtime ran the CNI portmap plugin for pod
 * sandboxes with hostPorts. Returns `prev` itself when the node's portmap state is unchanged.
 */
export function refreshPortmap(prev: NodeProxy, input: CompileNodeProxyInput): NodeProxy {
  const portmap = nodePortmap({ cluster: input.cluster, nodeName: input.nodeName });
  const had = portmaps.get(prev);
  if (had && JSON.stringify(had.portmap) === JSON.stringify(portmap)) return prev;
  const a = iptablesArtifacts.get(prev);
  if (a) return iptablesProxy(a, portmap);
  if (had?.kubeProxy) return wrapped({ kubeProxy: had.kubeProxy, portmap, ...(prev.mode === 'nftables' ? { title: nftTitle(input.nodeName) } : {}) });
  // ipvs (portmap's chains are compiled into its iptables rules): the same inputs give the same
  // kube-proxy state; its startup log lines were already written.
  const p = { ...compileNodeProxy(input), events: [] };
  portmaps.set(p, { portmap });
  return p;
}
