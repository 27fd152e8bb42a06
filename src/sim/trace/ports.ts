// What the tracer needs from the data plane, as narrow interfaces. buildLab binds them to the
// real components (kube-proxy per node, cluster DNS, ingress controllers); the tracer itself
// decides nothing about where a packet goes: every decision comes from one of these.

import type { Note } from '../notes';
import type { ArtifactRef, RenderedArtifact } from '../artifact';
import type { Pod } from '../api/types';
import type { Cluster, ExternalClient } from '../cluster';
import type { SeededRandom } from '../net/rand';
import type { NodeProxy } from '../proxy/types';
import type { LabNetwork } from '../node/routes';
import type { CompiledLoadBalancer } from '../lb';
import type { GatewayDecision, GatewayRequest } from '../gateway/evaluate';
import type { EvalStep } from '../step';

export interface DnsLookup {
  rcode: 'NOERROR' | 'NXDOMAIN' | 'SERVFAIL' | 'TIMEOUT';
  /** Addresses of the final A records (after following CNAMEs). */
  addresses: string[];
  /** CNAME chain followed, for explanations. */
  cnames: string[];
  /** Every name the resolver tried, in order, with its answer code. */
  queries: { name: string; type: string; rcode: string }[];
  /** Lines that decided: resolv.conf search line, hosts entry, zone record. */
  refs: ArtifactRef[];
  /** The same lines as typed steps: each record the answer was built from (`dns-answer`). */
  steps: EvalStep[];
  /** Which server answered: its address ("10.96.0.10" for cluster DNS), or "hosts" for /etc/hosts. */
  server: string;
  /**
   * Who answered: the sender's /etc/hosts (no packet left it), cluster DNS (kube-dns), an outside
   * client's own resolver (the DNS resolver outside the lab), or another nameserver the sender's
   * resolv.conf names (a node's resolver, which dnsPolicy Default pods inherit): that one answers
   * from the public names outside the lab, never from the cluster's zone.
   */
  answeredBy: 'hosts' | 'cluster' | 'outside' | 'nameserver';
}

export interface DnsPort {
  fromPod(pod: Pod, name: string): DnsLookup;
  fromNode(node: string, name: string): DnsLookup;
  fromClient(client: ExternalClient, name: string): DnsLookup;
}

export interface HttpRequestView {
  scheme: 'http' | 'https';
  method: string;
  host: string;
  path: string;
  headers: Record<string, string>;
  cookies: Record<string, string>;
  clientIP: string;
}

export type IngressDecision =
  /** The controller answers itself: redirects, 404 from its default server, 503 when the Service has no endpoints. */
  | {
      kind: 'respond';
      status: number;
      headers: Record<string, string>;
      refs: ArtifactRef[];
      reason: string;
      notes?: Note[];
      steps?: EvalStep[];
      service?: string;
      /** ingress-nginx's own default server answered (no `--default-backend-service`). */
      ownServer?: boolean;
    }
  /** The controller proxies to an upstream: a pod endpoint, or the Service's ClusterIP with service-upstream. */
  | {
      kind: 'proxy';
      upstream: string;
      service: string;
      target: { ip: string; port: number };
      /** Path as sent upstream (after rewrite-target). */
      path: string;
      /** Headers added to the response (Set-Cookie for affinity). */
      responseHeaders: Record<string, string>;
      /** Headers added to the upstream request (X-Forwarded-For, X-Real-IP, ...). */
      upstreamHeaders: Record<string, string>;
      refs: ArtifactRef[];
      /** What the controller evaluated, in order: server, locations considered, location, upstream. */
      steps?: EvalStep[];
      reason: string;
      /** The steps behind `reason`, typed, for the reader's language. */
      notes?: Note[];
      /** The status the upstream answers with when the controller knows it (the default backend's 404). */
      upstreamStatus?: number;
    };

/** Where clients outside reach an ingress controller for one scheme. */
export interface IngressEntry {
  ip: string;
  port: number;
  /** The lines this address was read from (the EndpointSlice endpoints listing the controller pods
   *  under the Service that has it; the `endpoints:` lines of the controller's own Service's slices
   *  when they list no controller pod), rendered when called; absent for a pod's hostPort. */
  refs?: () => ArtifactRef[];
}

export interface IngressControllerPort {
  className: string;
  controller: 'nginx' | 'traefik';
  /** "ns/name" of every controller pod: those its Service's EndpointSlices list (targetRef). */
  pods: string[];
  /** The container ports the controller listens on for http and https. */
  ports: { http: number; https: number };
  /**
   * Where clients outside the cluster reach it, per scheme (src/sim/assembly/ingress-entry.ts):
   * the load-balancer address or a NodePort of the Service in front of its pods, or a pod's
   * hostPort; null when nothing outside reaches it.
   */
  entry: Record<'http' | 'https', IngressEntry | null>;
  /** Its listeners expect a PROXY protocol header first (ingress-nginx `use-proxy-protocol`). */
  proxyProtocol?: boolean;
  /** Decide one request. `state` is the controller's runtime state (round-robin cursors, canary draws). */
  decide(req: HttpRequestView, state: IngressRuntime): IngressDecision;
}

export interface IngressRuntime {
  perController: Record<string, unknown>;
  /** The session's generator for the controllers' random choices (canary weights). */
  rand: SeededRandom;
}

/** One Gateway's data plane (NGINX Gateway Fabric): its pods, listener ports and the evaluator of its nginx.conf. */
export interface GatewayDataPlanePort {
  /** "ns/name" of the Gateway. */
  gateway: string;
  /** "ns/name" of the data plane pods. */
  pods: string[];
  /** Listener ports (the pod listens on each). */
  ports: number[];
  /** "ns/name" of the data plane Service. */
  service: string | null;
  decide(req: GatewayRequest, rand: SeededRandom): GatewayDecision;
  /** "ns/name" of the Service behind an upstream of the rendered config. */
  serviceOf?(upstream: string): string | null;
  /**
   * The shares a `split_clients` block (block id `split:<variable>`) gives each upstream, with that
   * upstream's peers; null when a share goes somewhere else than an upstream (an internal location).
   */
  splitShares?(blockId: string): { upstream: string; percent: number; peers: string[] }[] | null;
}

export interface LabPorts {
  cluster: Cluster;
  clients: ExternalClient[];
  proxies: Record<string, NodeProxy>;
  dns: DnsPort;
  ingress: IngressControllerPort[];
  /** Public names a client's resolver finds outside the cluster (ingress hosts to the controller's address). */
  externalRecords: Record<string, string[]>;
  /** Gateway data planes (absent in labs built before Gateway API support). */
  gateways?: GatewayDataPlanePort[];
  /** The lab's pod network (routes, who holds which address), built when first read; a lab put
   *  together without one gets a fresh network per walk index. */
  network?: LabNetwork;
  /** The external load balancers of LoadBalancer Services (src/sim/lb), compiled once per lab; a lab
   *  put together without them compiles them when a request goes through one. */
  loadBalancers?: readonly CompiledLoadBalancer[];
  /** Every artifact the lab shows, by id, rendered when read: a fault cites the lab's own copy (the
   *  viewer then opens what the trace already rendered). A lab put together without them, or with
   *  another cluster than its network's, gets the cited artifact rendered by the tracer. */
  artifacts?: Readonly<Record<string, RenderedArtifact>>;
}
