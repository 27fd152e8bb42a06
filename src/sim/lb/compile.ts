// The external load balancer's own configuration, as its controller would program it for one
// LoadBalancer Service: listeners (the Service's ports), targets (every node, at the NodePort or
// at the LB address kept), one health check and what each node answers to it right now. Rendered
// as a text artifact whose lines carry refs, so a hop can point at the target or check that decided.

import type { Node, Service } from '../api/types';
import type { RenderedArtifact, RenderedLine } from '../artifact';
import type { Cluster } from '../cluster';
import { serviceHealthAnswer, type HealthCheckAnswer } from '../proxy/healthcheck';
import { proxyModeStartupError } from '../proxy/versions';
import { categorizeEndpoints, endpointsFor, servicePortInfos } from '../proxy/servicemap';
import { loadBalancerBehaviour, type LbBehaviour } from './behaviour';
import { titled } from '../notes';

/** kube-proxy's own /healthz port (--healthz-bind-address); GCE's LB probes it for Cluster policy. */
export const KUBE_PROXY_HEALTHZ_PORT = 10256;
/** The well-known label that keeps a node out of every external load balancer's targets. */
export const EXCLUDE_LABEL = 'node.kubernetes.io/exclude-from-external-load-balancers';

export type HealthCheck =
  /** HTTP GET; 200 is healthy. `kind` tells whose server answers on that port. */
  | { protocol: 'HTTP'; port: number; path: string; server: 'service-health' | 'kube-proxy-healthz' }
  /** A TCP connect to the traffic NodePort: healthy when the node's data plane accepts it. */
  | { protocol: 'TCP'; port: number };

export interface NodeHealth {
  node: string;
  address: string;
  healthy: boolean;
  /** What the probe got: "HTTP 200 {...}", "TCP connected", "TCP connection refused". */
  result: string;
  /** Why a node is out of service, for the canvas and the hop: "healthCheckNodePort 31234: no local endpoints". */
  reason?: string;
  /** The same as data, for a view in another language: what failed, on which port. */
  why?: { kind: 'no-local-endpoints' | 'nothing-listens' | 'refused' | 'proxy-down'; port: number };
  /** The kube-proxy health-check server's answer, when that is what was probed. */
  answer?: HealthCheckAnswer;
  ref: string;
}

export interface LbTarget {
  node: string;
  address: string;
  /** The port the LB sends to: the NodePort (nodeport model) or the listener's port (direct). */
  port: number;
  healthy: boolean;
  ref: string;
}

export interface LbListener {
  protocol: string;
  port: number;
  /** The Service port's name ("" when unnamed). */
  portName: string;
  nodePort: number;
  targets: LbTarget[];
  /** Set when the listener cannot send anywhere (no nodePort for a nodeport LB). */
  problem?: string;
  ref: string;
}

export interface CompiledLoadBalancer {
  /** The canvas id and hop place id: "lb:<ns>/<name>". */
  id: string;
  service: string;
  address: string;
  behaviour: LbBehaviour;
  externalTrafficPolicy: 'Cluster' | 'Local';
  healthCheck: HealthCheck;
  nodes: NodeHealth[];
  listeners: LbListener[];
  artifact: RenderedArtifact;
}

function svcKey(s: Service): string {
  return `${s.metadata.namespace ?? 'default'}/${s.metadata.name}`;
}

function internalIP(n: Node): string | null {
  return n.status?.addresses?.find((a) => a.type === 'InternalIP')?.address ?? null;
}

function healthCheckOf(svc: Service, b: LbBehaviour, local: boolean): HealthCheck {
  const hc = svc.spec.healthCheckNodePort;
  if (local && hc) return { protocol: 'HTTP', port: hc, path: '/healthz', server: 'service-health' };
  if (b.model === 'nodeport') {
    // The AWS provider's check for Cluster policy: a TCP connect to the first traffic NodePort.
    const np = (svc.spec.ports ?? []).find((p) => p.nodePort)?.nodePort ?? 0;
    return { protocol: 'TCP', port: np };
  }
  return { protocol: 'HTTP', port: KUBE_PROXY_HEALTHZ_PORT, path: '/healthz', server: 'kube-proxy-healthz' };
}

/** kube-proxy on the node accepts a connection to the NodePort only when the port has endpoints
 *  somewhere; otherwise its filter KUBE-EXTERNAL-SERVICES rule REJECTs it (SEMANTICS.md 2.6). */
function nodePortAccepts(cluster: Cluster, svc: Service, nodePort: number, node: string): boolean {
  const info = servicePortInfos(svc).find((i) => i.nodePort === nodePort);
  if (!info) return false;
  const ns = svc.metadata.namespace ?? 'default';
  const slices = cluster.endpointSlices.filter(
    (s) => (
      s.metadata.namespace ?? 'default'
    ) === ns && s.metadata.labels?.['kubernetes.io/service-name'] === svc.metadata.name,
  );
  const cat = categorizeEndpoints(info, endpointsFor(info, slices, node));
  // With Local policy an outside packet with no local endpoint is DROPped, not accepted.
  return info.externalPolicyLocal ? cat.localEndpoints.length > 0 : cat.hasAnyEndpoints;
}

/**
 * The check on a node whose kube-proxy exited at start-up: its health servers never started and it
 * programmed no NodePort, so whatever the check asks is refused.
 */
function down(hc: HealthCheck, node: string, address: string): NodeHealth {
  const result = `${hc.protocol}: connection refused`;
  const reason = `kube-proxy is not running: port ${hc.port} refused`;
  const why = { kind: 'proxy-down' as const, port: hc.port };
  return { node, address, healthy: false, result, reason, why, ref: `hc:${node}` };
}

function probe(cluster: Cluster, svc: Service, hc: HealthCheck, node: string, address: string): NodeHealth {
  const ref = `hc:${node}`;
  if (hc.protocol === 'HTTP' && hc.server === 'service-health') {
    const answer = serviceHealthAnswer(cluster, svc, node);
    if (!answer) {
      const reason = `healthCheckNodePort ${hc.port}: nothing listens`;
      return {
        node,
        address,
        healthy: false,
        result: 'HTTP: connection refused',
        reason,
        why: { kind: 'nothing-listens', port: hc.port },
        ref,
      };
    }
    const healthy = answer.status === 200;
    const reason = healthy ? undefined : `healthCheckNodePort ${hc.port}: no local endpoints`;
    const why = healthy ? undefined : { kind: 'no-local-endpoints' as const, port: hc.port };
    return { node, address, healthy, result: `HTTP ${answer.status} ${answer.body}`, reason, why, answer, ref };
  }
  if (hc.protocol === 'HTTP') return { node, address, healthy: true, result: 'HTTP 200 (kube-proxy is healthy)', ref };
  if (nodePortAccepts(cluster, svc, hc.port, node)) return {
    node,
    address,
    healthy: true,
    result: 'TCP connected',
    ref,
  };
  const reason = `NodePort ${hc.port}: connection refused (no endpoints)`;
  return {
    node,
    address,
    healthy: false,
    result: 'TCP connection refused',
    reason,
    why: { kind: 'refused', port: hc.port },
    ref,
  };
}

function behaviourText(b: LbBehaviour, address: string): [string, string?][] {
  const product: Record<LbBehaviour['product'], string> = {
    'generic-direct': 'a network load balancer that delivers packets to a node with its own address kept '
      + '(GCE network LB, MetalLB)',
    'generic-proxy': 'a proxying load balancer that connects to a node\'s NodePort '
      + '(on-prem LBs, AWS Classic ELB style)',
    'aws-classic-elb': 'AWS Classic ELB: a TCP proxy to every node\'s NodePort',
    'aws-nlb-instance': 'AWS NLB with instance targets: packets forwarded to every node\'s NodePort',
    'aws-nlb-ip': 'AWS NLB with IP targets (the lab delivers to a node with the LB address kept; '
      + 'a real NLB sends to the pod addresses)',
  };
  const delivery = b.delivery === 'keep'
    ? `keep-destination ${address}`
    : b.delivery === 'forward'
      ? 'forward to target (destination rewritten)'
      : 'proxy (new TCP connection to the target)';
  const source = b.source === 'client' ? 'client (preserved)' : `load balancer ${address}`;
  const over = b.failOpen ? 'over healthy targets (all of them when none is: fails open)' : 'over healthy targets';
  return [
    [`# ${product[b.product]}`],
    [`# chosen by: ${b.decidedBy.join('; ')}`],
    ...b.problems.map((p) => [`# ignored: ${p}`]),
    [`  model ${b.model}`, 'behaviour:model'],
    [`  delivery ${delivery}`, 'behaviour:delivery'],
    [`  source-address ${source}`, 'behaviour:source'],
    [`  algorithm ${b.algorithm}${b.algorithm === 'round-robin' ? '' : ' (5-tuple)'} ${over}`, 'behaviour:algorithm'],
    [`  proxy-protocol ${b.proxyProtocol ? `v${b.proxyProtocol}` : 'off'}`, 'behaviour:proxy-protocol'],
  ] as [string, string?][];
}

function hcText(hc: HealthCheck): string {
  if (hc.protocol === 'TCP') return `  health-check TCP:${hc.port} (the traffic NodePort)`;
  const who = hc.server === 'service-health'
    ? "kube-proxy's service health server (healthCheckNodePort)"
    : "kube-proxy's /healthz";
  return `  health-check HTTP:${hc.port}${hc.path} (${who})`;
}

function render(lb: Omit<CompiledLoadBalancer, 'artifact'>): RenderedArtifact {
  const lines: RenderedLine[] = [];
  const push = (text: string, ref?: string) => lines.push(ref ? { text, ref } : { text });
  push(`# external load balancer for Service ${lb.service} (externalTrafficPolicy: ${lb.externalTrafficPolicy})`);
  const [first, ...rest] = behaviourText(lb.behaviour, lb.address);
  push(first![0]);
  push(`load-balancer ${lb.address}`, 'lb');
  for (const [t, ref] of rest) push(t, ref);
  push(hcText(lb.healthCheck), 'hc');
  for (const n of lb.nodes) push(
    `    ${n.node} ${n.address}:${lb.healthCheck.port} -> ${n.result} ${n.healthy ? 'healthy' : 'unhealthy'}`,
    n.ref,
  );
  if (lb.nodes.length === 0) push('    (no nodes: every node is excluded or the cluster has none)');
  for (const l of lb.listeners) {
    const to = lb.behaviour.model === 'nodeport'
      ? `NodePort ${l.nodePort || '(none)'}`
      : `nodes, destination kept ${lb.address}:${l.port}`;
    const portName = l.portName ? ` (port ${l.portName})` : '';
    push(`  listener ${l.protocol} ${lb.address}:${l.port} -> ${to}${portName}`, l.ref);
    if (l.problem) push(`    # ${l.problem}`);
    for (const t of l.targets) {
      const why = lb.nodes.find((n) => n.node === t.node)?.reason;
      const state = t.healthy ? 'in service' : `out of service (${why ?? 'unhealthy'})`;
      push(`    target ${t.node} ${t.address}:${t.port} ${state}`, t.ref);

    }
  }
  const title = titled('note.title.loadBalancer', { address: lb.address, service: lb.service });
  return { id: `lb/${lb.service}`, kind: 'load-balancer', ...title, lines };
}

/** The load balancer of one LoadBalancer Service with an address; null while it is <pending>. */
export function compileLoadBalancer(cluster: Cluster, svc: Service): CompiledLoadBalancer | null {
  if (svc.spec.type !== 'LoadBalancer') return null;
  const address = svc.status?.loadBalancer?.ingress?.find((i) => i.ip)?.ip;
  if (!address) return null;
  const behaviour = loadBalancerBehaviour(svc, cluster.settings);
  const local = svc.spec.externalTrafficPolicy === 'Local';
  const healthCheck = healthCheckOf(svc, behaviour, local);
  // kube-proxy refuses the lab's mode on this release (src/sim/proxy/versions.ts): it runs nowhere.
  const proxyDown = proxyModeStartupError(cluster.settings.kubeProxy, cluster.settings.kubernetesVersion) !== null;
  const nodes = [...cluster.nodes]
    .filter((n) => n.metadata.labels?.[EXCLUDE_LABEL] === undefined)
    .sort((a, b) => a.metadata.name.localeCompare(b.metadata.name))
    .flatMap((n) => {
      const ip = internalIP(n);
      if (!ip) return [];
      const name = n.metadata.name;
      return [proxyDown ? down(healthCheck, name, ip) : probe(cluster, svc, healthCheck, name, ip)];
    });
  const listeners: LbListener[] = (svc.spec.ports ?? []).map((p) => {
    const nodePort = p.nodePort ?? 0;
    const port = behaviour.model === 'nodeport' ? nodePort : p.port;
    const problem =
      behaviour.model === 'nodeport' && !nodePort
        ? 'no nodePort (spec.allocateLoadBalancerNodePorts: false): a nodeport load balancer has nowhere to send'
        : undefined;
    const targets = problem ? [] : nodes.map((n) => ({
      node: n.node,
      address: n.address,
      port,
      healthy: n.healthy,
      ref: `target:${p.port}:${n.node}`,
    }));
    return {
      protocol: p.protocol ?? 'TCP',
      port: p.port,
      portName: p.name ?? '',
      nodePort,
      targets,
      problem,
      ref: `listener:${p.port}`,
    };
  });
  const lb = {
    id: `lb:${svcKey(svc)}`,
    service: svcKey(svc),
    address,
    behaviour,
    externalTrafficPolicy: local ? 'Local' as const : 'Cluster' as const,
    healthCheck,
    nodes,
    listeners,
  };
  return { ...lb, artifact: render(lb) };
}

/** Every external load balancer of the cluster, sorted by Service (a lab compiles them once: `Lab.loadBalancers`). */
export function compileLoadBalancers(cluster: Cluster): CompiledLoadBalancer[] {
  return cluster.services
    .map((s) => compileLoadBalancer(cluster, s))
    .filter((x): x is CompiledLoadBalancer => x !== null)
    .sort((a, b) => a.service.localeCompare(b.service));
}
