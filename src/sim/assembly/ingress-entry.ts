// Where clients outside the cluster reach an ingress controller, as the seeds' topologies expose
// it: the load-balancer address of a Service in front of the controller pods (the cloud controller
// wrote it into the Service's status), else that Service's NodePort on a node, else a controller
// pod's hostPort on the node it runs on (a DaemonSet with hostPort 80/443). This is addon data,
// bound into the tracer's port when the lab is assembled; the tracer only reads it.
//
// The controller's own Service comes from the controller's records (`controllerServices`: the one
// its install created, which ingress-nginx's --publish-service names; an adopted controller's by its
// pod selector), and its pods are the ones that Service's EndpointSlices list (targetRef), as the
// EndpointSlice controller wrote them. Any other Service whose slices list a controller pod is in
// front of it too. Nothing here matches a selector against pods again (except a controller with no
// Service at all, a hostPort DaemonSet: its pods are the ones its workload selects); the entry
// carries the lines of the `endpointslices/<ns>/<service>` artifact it was read from, rendered
// only when a trace asks for them.
//
// A controller pod with no address yet (Pending: unschedulable, or not started) is in no slice, and
// one that is not ready is listed as not ready: the Service still has its address, clients still
// connect to it, and kube-proxy rejects them there (iptables: filter KUBE-EXTERNAL-SERVICES /
// KUBE-SERVICES "<svc> has no endpoints" -j REJECT; SEMANTICS.md 2.6). So the controller's own
// Service is an entry whether or not its slices hold a ready controller pod; the trace walks
// kube-proxy as for any Service and ends in its "no endpoints" fault.

import { findLine, type ArtifactRef } from '../artifact';
import type { EndpointSlice, Pod, Service } from '../api/types';
import type { Cluster } from '../cluster';
import { inListOrder, sliceArtifact, sliceEndpointRef, sliceEndpointsRef } from '../controllers/sliceview';
import { controllerPodLabels, controllerServices } from '../ingress/addon';
import type { IngressAddon } from '../lab';
import { slicesByService } from '../proxy/servicemap';
import { buildNetworkIndex } from '../trace/network';
import type { IngressControllerPort, IngressEntry } from '../trace/ports';

type Entry = IngressEntry | null;
type SlicesByService = ReadonlyMap<string, readonly EndpointSlice[]>;

const keyOf = (m: { name: string; namespace?: string }) => `${m.namespace ?? 'default'}/${m.name}`;

/** Where one controller is: its pods ("ns/name") and both schemes' entry points. */
export type ControllerPlace = Pick<IngressControllerPort, 'pods' | 'entry'>;

/** The pods and entry points of the controller `addon`, whose pods listen on `ports`. */
export function controllerPlace(
  cluster: Cluster,
  addon: IngressAddon,
  ports: IngressControllerPort['ports'],
): ControllerPlace {
  const bySvc = slicesByService(cluster.endpointSlices);
  const own = controllerServices(cluster, addon);
  const pods = own.length > 0 ? listedPods(cluster, own, bySvc) : workloadPods(cluster, addon);
  const found: Found = { cluster, own, pods, fronting: frontingServices(bySvc, pods), bySvc };
  return { pods: pods.map((p) => keyOf(p.metadata)), entry: controllerEntries(found, ports) };
}

/** The pods the slices of the controller's Services list (targetRef), in the cluster's pod order. */
function listedPods(cluster: Cluster, own: readonly Service[], bySvc: SlicesByService): Pod[] {
  const listed = new Set<string>();
  for (const svc of own) {
    for (const s of bySvc.get(keyOf(svc.metadata)) ?? []) {
      for (const e of s.endpoints) {
        const ref = e.targetRef;
        const namespace = ref?.namespace ?? s.metadata.namespace;
        if (ref?.kind === 'Pod') listed.add(keyOf({ name: ref.name, namespace }));
      }
    }
  }
  return cluster.pods.filter((p) => listed.has(keyOf(p.metadata)));
}

/** A controller no Service fronts (a DaemonSet on host ports): the pods its workload's selector picks. */
function workloadPods(cluster: Cluster, addon: IngressAddon): Pod[] {
  const labels = Object.entries(controllerPodLabels(addon));
  return cluster.pods
    .filter((p) => (p.metadata.namespace ?? 'default') === addon.namespace)
    .filter((p) => labels.every(([k, v]) => p.metadata.labels?.[k] === v));
}

/** What the entry is chosen from. */
interface Found {
  cluster: Cluster;
  /** The controller's own Services (its records), whatever their slices hold. */
  own: readonly Service[];
  pods: readonly Pod[];
  /** Services ("ns/name") whose slices list a controller pod. */
  fronting: ReadonlyMap<string, Fronting>;
  bySvc: SlicesByService;
}

function controllerEntries(found: Found, ports: IngressControllerPort['ports']): IngressControllerPort['entry'] {
  return { http: controllerEntry(found, ports.http, 'http'), https: controllerEntry(found, ports.https, 'https') };
}

/** A Service whose EndpointSlices list controller pods: its slices (artifact order) and those endpoints. */
interface Fronting {
  slices: EndpointSlice[];
  /** Where in `slices` a controller pod is listed: slice name and endpoint index. */
  endpoints: { slice: string; index: number }[];
}

/** The Services ("ns/name") whose slices list one of the controller pods, as the slice controllers wrote them. */
function frontingServices(bySvc: SlicesByService, pods: readonly Pod[]): Map<string, Fronting> {
  const wanted = new Set(pods.map((p) => keyOf(p.metadata)));
  const out = new Map<string, Fronting>();
  if (wanted.size === 0) return out;
  for (const [key, list] of bySvc) {
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

/**
 * The controller's own Service lists no controller pod: the `endpoints:` line of each of its slices
 * (`endpoints: null` when a slice holds none), what the client's address was read beside.
 */
function ownServiceRefs(svc: Service, bySvc: SlicesByService): () => ArtifactRef[] {
  return () => {
    const slices = inListOrder(bySvc.get(keyOf(svc.metadata)) ?? []);
    const artifact = sliceArtifact(svc.metadata.namespace ?? 'default', svc.metadata.name, () => slices);
    return slices.flatMap((s) => findLine(artifact, sliceEndpointsRef(s.metadata.name)) ?? []);
  };
}

function controllerEntry(found: Found, containerPort: number, scheme: 'http' | 'https'): Entry {
  const { cluster, fronting } = found;
  // A Service in front of the controller pods (NodePort or LoadBalancer topology).
  for (const svc of cluster.services) {
    const f = fronting.get(keyOf(svc.metadata));
    const entry = f ? serviceEntry(cluster, svc, containerPort, scheme, frontingRefs(svc, f)) : null;
    if (entry) return entry;
  }
  // The controller's own Service while no controller pod is among its endpoints.
  for (const svc of found.own) {
    if (fronting.has(keyOf(svc.metadata))) continue;
    const entry = serviceEntry(cluster, svc, containerPort, scheme, ownServiceRefs(svc, found.bySvc));
    if (entry) return entry;
  }
  // A DaemonSet with hostPort: any node running a controller pod.
  for (const p of found.pods) {
    const declared = p.spec.containers.flatMap((c) => c.ports ?? []);
    const hp = declared.find((cp) => cp.containerPort === containerPort && cp.hostPort);
    if (hp && p.status?.hostIP) return { ip: p.status.hostIP, port: hp.hostPort! };
  }
  return null;
}

/** The Service's address for `scheme` from outside: its load-balancer IP, else a node's NodePort. */
function serviceEntry(
  cluster: Cluster,
  svc: Service,
  containerPort: number,
  scheme: 'http' | 'https',
  refs: () => ArtifactRef[],
): Entry {
  const port = (svc.spec.ports ?? []).find(
    (p) => p.targetPort === containerPort || p.port === (scheme === 'https' ? 443 : 80) || p.name === scheme,
  );
  if (!port) return null;
  const lbIP = svc.status?.loadBalancer?.ingress?.find((i) => i.ip)?.ip;
  if (svc.spec.type === 'LoadBalancer' && lbIP) return { ip: lbIP, port: port.port, refs };
  if ((svc.spec.type === 'NodePort' || svc.spec.type === 'LoadBalancer') && port.nodePort) {
    const node = cluster.nodes[0];
    const ip = node ? buildNetworkIndex(cluster).nodeIP(node.metadata.name) : null;
    if (ip) return { ip, port: port.nodePort, refs };
  }
  return null;
}
