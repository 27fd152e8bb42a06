// `--admission none`: the objects go straight to kube-proxy, as its unit tests feed the proxier
// (proxier_test.go's NewFakeProxier + makeTestService / makeTestEndpointSlice): no apiserver
// (no defaulting, validation or allocation), no controllers, no namespaces. Services and
// EndpointSlices reach the change trackers exactly as written; the node is `--node` with the
// addresses of `--set nodeIPs=...` (or of a Node object of that name, if the files give one).

import type { EndpointSlice, Node, Service } from '../sim/api/types';
import { emptyCluster, type Cluster } from '../sim/cluster';
import { compileNodeProxy } from '../sim/proxy/compile';
import type { NodeProxy } from '../sim/proxy/types';
import type { Scenario } from '../scenario';

export function proxyWithoutAdmission(s: Scenario, nodeName: string): NodeProxy {
  const cluster: Cluster = emptyCluster(s.settings);
  cluster.services = s.objects.filter((o): o is Service => o.kind === 'Service');
  cluster.endpointSlices = s.objects.filter((o): o is EndpointSlice => o.kind === 'EndpointSlice');
  cluster.nodes = s.objects.filter((o): o is Node => o.kind === 'Node');
  const declared = cluster.nodes.find((n) => n.metadata.name === nodeName);
  const internal = (declared?.status?.addresses ?? []).filter((a) => a.type === 'InternalIP');
  const ips = s.settings.nodeIPs ?? internal.map((a) => a.address);
  return compileNodeProxy({ cluster, nodeName, node: { name: nodeName, ips } });
}
