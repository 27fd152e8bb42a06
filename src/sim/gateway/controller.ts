// The Gateway controller's sync (NGF's handler.go): build the graph from the cluster, write the
// status the spec asks for onto GatewayClasses, Gateways and HTTPRoutes, render each Gateway's
// nginx.conf and, when it differs from the running one, "send it to the agent", which tests and
// reloads nginx in the data-plane pod (an event with the diff on the timeline). With NGINX OSS an
// endpoint change is a config change too (the upstreams list the endpoints), so it reloads.

import type { RenderedArtifact } from '../artifact';
import type { Gateway, GatewayClass, HTTPRoute, Pod, Service } from '../api/types';
import type { Cluster } from '../cluster';
import { isPodReady } from '../controllers/podstate';
import type { ClusterEvent } from '../events';
import { unifiedDiff } from '../ingress/diff';
import { dataPlaneName, dataPlanePodLabels } from './addon';
import {
  buildGatewayGraph,
  gatewayClassStatus,
  gatewayStatus,
  routeStatus,
  type GatewayAPIGraph,
  type GatewayGraph,
} from './model';
import { renderGatewayConf, type GatewayRenderOptions, type RenderedGateway } from './render';
import { splitMetaNamespaceKey } from '../api/keys';

const ns = (o: { metadata: { namespace?: string } }) => o.metadata.namespace ?? 'default';

export interface GatewayDataPlane {
  gateway: string;
  graph: GatewayGraph;
  rendered: RenderedGateway;
  /** "ns/name" of the data plane pods. */
  pods: string[];
  service: Service | null;
  /** Listener ports the data plane listens on. */
  ports: number[];
}

export interface CompiledGateways {
  graph: GatewayAPIGraph;
  dataPlanes: GatewayDataPlane[];
  /** The cluster with the controller's status written onto the Gateway API objects. */
  cluster: Cluster;
}

function dataPlaneOf(cluster: Cluster, gw: Gateway): { pods: Pod[]; service: Service | null } {
  const labels = dataPlanePodLabels(gw);
  const pods = cluster.pods.filter((p) => ns(p) === ns(gw) && !p.metadata.deletionTimestamp
    && Object.entries(labels).every(([k, v]) => p.metadata.labels?.[k] === v));
  const service = cluster.services.find((s) => ns(s) === ns(gw) && s.metadata.name === dataPlaneName(gw)) ?? null;
  return { pods, service };
}

function addressOf(service: Service | null): { type: string; value: string } | null {
  if (!service) return null;
  const lb = service.status?.loadBalancer?.ingress?.find((i) => i.ip || i.hostname);
  if (lb?.ip) return { type: 'IPAddress', value: lb.ip };
  if (lb?.hostname) return { type: 'Hostname', value: lb.hostname };
  const ip = service.spec.clusterIP;
  return ip && ip !== 'None' ? { type: 'IPAddress', value: ip } : null;
}

export function compileGateways(cluster: Cluster, render: GatewayRenderOptions = {}): CompiledGateways {
  const graph = buildGatewayGraph(cluster, cluster.settings.gatewayAPI);
  const dataPlanes: GatewayDataPlane[] = graph.gateways.map((g) => {
    const dp = dataPlaneOf(cluster, g.gateway);
    return {
      gateway: g.key,
      graph: g,
      rendered: renderGatewayConf(cluster, graph, g, render),
      pods: dp.pods.map((p) => `${ns(p)}/${p.metadata.name}`),
      service: dp.service,
      ports: [...new Set(g.listeners.filter((l) => l.valid).map((l) => l.listener.port))],
    };
  });
  return { graph, dataPlanes, cluster: withStatus(cluster, graph) };
}

/** The objects as `kubectl get -o yaml` shows them after the controller wrote their status. */
function withStatus(cluster: Cluster, graph: GatewayAPIGraph): Cluster {
  if (graph.classes.length === 0 && graph.routes.length === 0) return cluster;
  const gatewayClasses = cluster.gatewayClasses.map((cls): GatewayClass => {
    const c = graph.classes.find((x) => x.cls === cls);
    const status = c ? gatewayClassStatus(c) : cls.status;
    return status ? { ...cls, status } : cls;
  });
  const gateways = cluster.gateways.map((gw): Gateway => {
    const g = graph.gateways.find((x) => x.gateway === gw);
    if (!g) return gw;
    const dp = dataPlaneOf(cluster, gw);
    return { ...gw, status: gatewayStatus(g, addressOf(dp.service), dp.pods.some(isPodReady)) };
  });
  const httpRoutes = cluster.httpRoutes.map((r): HTTPRoute => {
    const rg = graph.routes.find((x) => x.route === r);
    return rg ? { ...r, status: routeStatus(rg, graph.controllerName, r.status) } : r;
  });
  return { ...cluster, gatewayClasses, gateways, httpRoutes };
}

export interface GatewaySyncDecision {
  gateway: string;
  action: 'none' | 'reload';
  diff: string[];
  events: Omit<ClusterEvent, 'seq'>[];
}

function text(a: RenderedArtifact | undefined): string[] {
  return a ? a.lines.map((l) => l.text) : [];
}

/** What the controller does for each Gateway between two compiles (null previous: first sync). */
export function syncGateways(previous: CompiledGateways | null, next: CompiledGateways): GatewaySyncDecision[] {
  return next.dataPlanes.map((dp): GatewaySyncDecision => {
    const before = previous?.dataPlanes.find((x) => x.gateway === dp.gateway);
    const a = text(before?.rendered.artifact);
    const b = text(dp.rendered.artifact);
    const same = before && a.length === b.length && a.every((l, i) => l === b[i]);
    if (same) return { gateway: dp.gateway, action: 'none', diff: [], events: [] };
    const diff = before ? unifiedDiff(a, b) : [];
    const { namespace: gwNs, name: gwName } = splitMetaNamespaceKey(dp.gateway);
    const pod = dp.pods[0] === undefined ? undefined : splitMetaNamespaceKey(dp.pods[0]).name;
    const events: Omit<ClusterEvent, 'seq'>[] = [
      {
        type: 'Normal',
        reason: 'Reload',
        object: pod ? { kind: 'Pod', namespace: gwNs, name: pod } : { kind: 'Gateway', namespace: gwNs, name: gwName },
        message: before
          ? `NGINX Gateway Fabric sent a new configuration for Gateway ${dp.gateway}; `
            + 'the agent tested it and reloaded nginx'

          : `NGINX Gateway Fabric wrote the first configuration for Gateway ${dp.gateway}; nginx reloaded`,
        source: 'nginx-gateway-fabric',
        ...(diff.length > 0 ? { detail: diff } : {}),
      },
    ];
    return { gateway: dp.gateway, action: 'reload', diff, events };
  });
}
