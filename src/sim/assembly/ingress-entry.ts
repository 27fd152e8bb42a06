// Where clients outside the cluster reach an ingress controller, as the seeds' topologies expose
// it: the load-balancer address of a Service in front of the controller pods (the cloud controller
// wrote it into the Service's status), else that Service's NodePort on a node, else a controller
// pod's hostPort on the node it runs on (a DaemonSet with hostPort 80/443). This is addon data,
// bound into the tracer's port when the lab is assembled; the tracer only reads it.

import type { Pod } from '../api/types';
import type { Cluster } from '../cluster';
import { serviceSelects } from '../controllers/selection';
import { buildNetworkIndex } from '../trace/network';
import type { IngressControllerPort } from '../trace/ports';

type Entry = { ip: string; port: number } | null;

/** Both schemes' entry points of a controller whose pods ("ns/name") listen on `ports`. */
export function controllerEntries(
  cluster: Cluster,
  podKeys: readonly string[],
  ports: IngressControllerPort['ports'],
): IngressControllerPort['entry'] {
  const key = (p: Pod) => `${p.metadata.namespace ?? 'default'}/${p.metadata.name}`;
  const pods = podKeys.map((k) => cluster.pods.find((p) => key(p) === k)).filter((p): p is Pod => !!p);
  return {
    http: controllerEntry(cluster, pods, ports.http, 'http'),
    https: controllerEntry(cluster, pods, ports.https, 'https'),
  };
}

function controllerEntry(
  cluster: Cluster,
  pods: readonly Pod[],
  containerPort: number,
  scheme: 'http' | 'https',
): Entry {
  // A Service in front of the controller pods (NodePort or LoadBalancer topology).
  for (const svc of cluster.services) {
    if (!svc.spec.selector || !pods.some((p) => serviceSelects(svc, p))) continue;
    const port = (svc.spec.ports ?? []).find(
      (p) => p.targetPort === containerPort || p.port === (scheme === 'https' ? 443 : 80) || p.name === scheme,
    );
    if (!port) continue;
    const lbIP = svc.status?.loadBalancer?.ingress?.find((i) => i.ip)?.ip;
    if (svc.spec.type === 'LoadBalancer' && lbIP) return { ip: lbIP, port: port.port };
    if ((svc.spec.type === 'NodePort' || svc.spec.type === 'LoadBalancer') && port.nodePort) {
      const node = cluster.nodes[0];
      const ip = node ? buildNetworkIndex(cluster).nodeIP(node.metadata.name) : null;
      if (ip) return { ip, port: port.nodePort };
    }
  }
  // A DaemonSet with hostPort: any node running a controller pod.
  for (const p of pods) {
    const declared = p.spec.containers.flatMap((c) => c.ports ?? []);
    const hp = declared.find((cp) => cp.containerPort === containerPort && cp.hostPort);
    if (hp && p.status?.hostIP) return { ip: p.status.hostIP, port: hp.hostPort! };
  }
  return null;
}
