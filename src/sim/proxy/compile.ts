// The per-node, per-mode entry point: what kube-proxy on `nodeName` would program, as a NodeProxy
// the tracer can evaluate packets against. One case per proxy mode (SEMANTICS.md sections 2-5).

import type { Cluster } from '../cluster';
import type { KubeProxySettings } from '../lab';
import { assertNever } from '../util/assert';
import { compileIptables } from './iptables/compile';
import { iptablesNodeProxy } from './iptables/proxy';
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

export function compileNodeProxy(input: CompileNodeProxyInput): NodeProxy {
  const settings = input.settings ?? input.cluster.settings.kubeProxy;
  switch (settings.mode) {
    case 'iptables':
      return iptablesNodeProxy(compileIptables({ cluster: input.cluster, nodeName: input.nodeName, settings, node: input.node }));
    case 'ipvs':
    case 'nftables':
    case 'userspace':
      throw new Error(`kube-proxy mode "${settings.mode}" is not compiled yet`);
    default:
      return assertNever(settings.mode, 'proxy mode');
  }
}
