// Where clients outside the cluster reach an ingress controller, as the seeds' topologies expose
// it: the load-balancer address of a Service in front of the controller pods (the cloud controller
// wrote it into the Service's status), else that Service's NodePort on a node, else a controller
// pod's hostPort on the node it runs on (a DaemonSet with hostPort 80/443). This is addon data,
// bound into the tracer's port when the lab is assembled; the tracer only reads it.
//
// Which Service is "in front of" the controller pods is what the EndpointSlice controller wrote:
// a Service whose slices list a controller pod (targetRef) as an endpoint. Nothing here matches a
// selector against pods again; the entry carries the lines of the `endpointslices/<ns>/<service>`
// artifact it was read from, rendered only when a trace asks for them.

import { findLine, type ArtifactRef } from '../artifact';
import type { EndpointSlice, Pod, Service } from '../api/types';
import type { Cluster } from '../cluster';
import { inListOrder, sliceArtifact, sliceEndpointRef } from '../controllers/sliceview';
import { slicesByService } from '../proxy/servicemap';
import { buildNetworkIndex } from '../trace/network';
import type { IngressControllerPort, IngressEntry } from '../trace/ports';

type Entry = IngressEntry | null;

const keyOf = (m: { name: string; namespace?: string }) => `${m.namespace ?? 'default'}/${m.name}`;

/** Both schemes' entry points of a controller whose pods ("ns/name") listen on `ports`. */
export function controllerEntries(
  cluster: Cluster,
  podKeys: readonly string[],
  ports: IngressControllerPort['ports'],
): IngressControllerPort['entry'] {
  const pods = podKeys.map((k) => cluster.pods.find((p) => keyOf(p.metadata) === k)).filter((p): p is Pod => !!p);
  const fronting = frontingServices(cluster, podKeys);
  return {
    http: controllerEntry(cluster, fronting, pods, ports.http, 'http'),
    https: controllerEntry(cluster, fronting, pods, ports.https, 'https'),
  };
}

/** A Service whose EndpointSlices list controller pods: its slices (artifact order) and those endpoints. */
interface Fronting {
  slices: EndpointSlice[];
  /** Where in `slices` a controller pod is listed: slice name and endpoint index. */
  endpoints: { slice: string; index: number }[];
}

/** The Services ("ns/name") whose slices list one of the controller pods, as the slice controllers wrote them. */
function frontingServices(cluster: Cluster, podKeys: readonly string[]): Map<string, Fronting> {
  const wanted = new Set(podKeys);
  const out = new Map<string, Fronting>();
  for (const [key, list] of slicesByService(cluster.endpointSlices)) {
    const slices = inListOrder(list);
    const endpoints: Fronting['endpoints'] = [];
    for (const s of slices) {
      s.endpoints.forEach((e, index) => {
        const ref = e.targetRef;
        const namespace = ref?.namespace ?? s.metadata.namespace;
        const pod = ref?.kind === 'Pod' ? keyOf({ name: ref.name, namespace }) : '';
        if (wanted.has(pod)) endpoints.push({ slice: s.metadata.name, index });
      });
    }
    if (endpoints.length > 0) out.set(key, { slices, endpoints });
  }
  return out;
}

/** The artifact lines listing the controller pods among the Service's endpoints, rendered when read. */
function frontingRefs(svc: Service, f: Fronting): () => ArtifactRef[] {
  return () => {
    const artifact = sliceArtifact(svc.metadata.namespace ?? 'default', svc.metadata.name, () => f.slices);
    return f.endpoints.flatMap((e) => findLine(artifact, sliceEndpointRef(e.slice, e.index)) ?? []);
  };
}

function controllerEntry(
  cluster: Cluster,
  fronting: ReadonlyMap<string, Fronting>,
  pods: readonly Pod[],
  containerPort: number,
  scheme: 'http' | 'https',
): Entry {
  // A Service in front of the controller pods (NodePort or LoadBalancer topology).
  for (const svc of cluster.services) {
    const f = fronting.get(keyOf(svc.metadata));
    if (!f) continue;
    const port = (svc.spec.ports ?? []).find(
      (p) => p.targetPort === containerPort || p.port === (scheme === 'https' ? 443 : 80) || p.name === scheme,
    );
    if (!port) continue;
    const lbIP = svc.status?.loadBalancer?.ingress?.find((i) => i.ip)?.ip;
    if (svc.spec.type === 'LoadBalancer' && lbIP) return { ip: lbIP, port: port.port, refs: frontingRefs(svc, f) };
    if ((svc.spec.type === 'NodePort' || svc.spec.type === 'LoadBalancer') && port.nodePort) {
      const node = cluster.nodes[0];
      const ip = node ? buildNetworkIndex(cluster).nodeIP(node.metadata.name) : null;
      if (ip) return { ip, port: port.nodePort, refs: frontingRefs(svc, f) };
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
