// `kubectl describe` in kubectl's layout (pkg/describe/describe.go): "Key:\tvalue" lines through a
// tabwriter (padding 2), multi-line labels continued under the value column, and the Events table at
// the end. Services, pods, ingresses, nodes and the Gateway API kinds here; the kinds the lab keeps in
// describers.ts and generic.ts.

import type { Cluster } from '../cluster';
import type { ClusterEvent } from '../events';
import type { Ingress, IngressBackend, Node, Pod, Service } from '../api/types';
import { DESCRIBE_TABWRITER, tabwrite } from './tabwriter';
import { eventAge, labClock } from './age';
import {
  inScope,
  NAME_WITH_SELECTOR,
  nodeRoles,
  noResources,
  selected,
  sortedItems,
  type KubectlResult,
} from './get';
import { formatLabels } from './selectors';
import { qualifiedPlural, resolveResource } from './resources';
import type { Obj } from './printers';
import {
  describeBinding,
  describeConfigMap,
  describeNetworkPolicy,
  describePodDisruptionBudget,
  describeSecret,
  describeServiceAccount,
  type EventLines,
} from './describers';
import { describeEndpointSlice, describeGeneric, describeNamespace } from './generic';
import { nodeInternalIP } from '../controllers/nodes';

export interface KubectlDescribeOptions {
  kind: string;
  /** Without a name, every object of the kind (in the namespace) is described. */
  name?: string;
  namespace?: string;
  allNamespaces?: boolean;
  /** -l / --selector (see KubectlGetOptions). */
  selector?: string;
}

function mapLines(key: string, m: Record<string, string> | undefined): string[] {
  const entries = Object.entries(m ?? {}).sort(([a], [b]) => (a < b ? -1 : 1));
  if (entries.length === 0) return [`${key}:\t<none>`];
  return entries.map(([k, v], i) => `${i === 0 ? `${key}:` : ''}\t${k}=${v}`);
}

function eventLines(c: Cluster, events: ClusterEvent[]): string[] {
  if (events.length === 0) return ['Events:\t<none>'];
  const clock = labClock(c);
  return [
    'Events:',
    '  Type\tReason\tAge\tFrom\tMessage',
    '  ----\t------\t----\t----\t-------',
    ...events.map((e) => `  ${e.type}\t${e.reason}\t${eventAge(clock, e)}\t${e.source}\t${e.message}`),
  ];
}

function eventsFor(c: Cluster, kind: string, ns: string | undefined, name: string): ClusterEvent[] {
  return c.events.filter(
    (e) => e.object.kind === kind && e.object.name === name && (
      ns === undefined || (e.object.namespace ?? 'default') === ns
    )
  );
}

function describeService(c: Cluster, s: Service): string[] {
  const ns = s.metadata.namespace ?? 'default';
  const lines = [
    `Name:\t${s.metadata.name}`,
    `Namespace:\t${ns}`,
    ...mapLines('Labels', s.metadata.labels),
    ...mapLines('Annotations', s.metadata.annotations),
  ];
  lines.push(`Selector:\t${formatLabels(s.spec.selector)}`, `Type:\t${s.spec.type ?? 'ClusterIP'}`);
  if (s.spec.type !== 'ExternalName') {
    lines.push(
      `IP Family Policy:\t${s.spec.ipFamilyPolicy ?? 'SingleStack'}`,
      `IP Families:\t${(s.spec.ipFamilies ?? ['IPv4']).join(',')}`,
    );
    lines.push(`IP:\t${s.spec.clusterIP ?? ''}`, `IPs:\t${(s.spec.clusterIPs ?? []).join(',')}`);
  } else {
    lines.push(`External Name:\t${s.spec.externalName ?? ''}`);
  }
  if (s.spec.externalIPs?.length) lines.push(`External IPs:\t${s.spec.externalIPs.join(',')}`);
  if (s.spec.loadBalancerIP) lines.push(`IP:\t${s.spec.loadBalancerIP}`);
  const lb = s.status?.loadBalancer?.ingress ?? [];
  if (lb.length) {
    const addresses = lb.map((i) => `${i.ip ?? i.hostname ?? ''}${i.ipMode ? ` (${i.ipMode})` : ''}`);
    lines.push(`LoadBalancer Ingress:\t${addresses.join(', ')}`);
  }
  const slices = c.endpointSlices.filter(
    (es) => es.metadata.namespace === ns && es.metadata.labels?.['kubernetes.io/service-name'] === s.metadata.name
  );
  for (const p of s.spec.ports ?? []) {
    const name = p.name || '<unset>';
    lines.push(`Port:\t${name}\t${p.port}/${p.protocol ?? 'TCP'}`);
    const tp = p.targetPort ?? p.port;
    lines.push(`TargetPort:\t${tp}/${p.protocol ?? 'TCP'}`);
    if (p.nodePort) lines.push(`NodePort:\t${name}\t${p.nodePort}/${p.protocol ?? 'TCP'}`);
    const eps: string[] = [];
    for (const es of slices) {
      const port = es.ports?.find(
        (q) => (q.name ?? '') === (p.name ?? '') && (q.protocol ?? 'TCP') === (p.protocol ?? 'TCP')
      );
      if (!port) continue;
      for (const e of es.endpoints) {
        if (e.conditions?.ready !== false) for (const a of e.addresses) eps.push(`${a}:${port.port}`);
      }
    }
    lines.push(`Endpoints:\t${eps.length ? eps.join(',') : '<none>'}`);
  }
  lines.push(`Session Affinity:\t${s.spec.sessionAffinity ?? 'None'}`);
  if (s.spec.externalTrafficPolicy) lines.push(`External Traffic Policy:\t${s.spec.externalTrafficPolicy}`);
  if (s.spec.internalTrafficPolicy) lines.push(`Internal Traffic Policy:\t${s.spec.internalTrafficPolicy}`);
  if (s.spec.healthCheckNodePort) lines.push(`HealthCheck NodePort:\t${s.spec.healthCheckNodePort}`);
  if (s.spec.loadBalancerSourceRanges?.length) lines.push(
    `LoadBalancer Source Ranges:\t${s.spec.loadBalancerSourceRanges.join(',')}`
  );
  lines.push(...eventLines(c, eventsFor(c, 'Service', ns, s.metadata.name)));
  return lines;
}

function describePod(c: Cluster, p: Pod): string[] {
  const ns = p.metadata.namespace ?? 'default';
  const node = c.nodes.find((n) => n.metadata.name === p.spec.nodeName);
  const lines = [
    `Name:\t${p.metadata.name}`,
    `Namespace:\t${ns}`,
    `Priority:\t0`,
    `Service Account:\t${p.spec.serviceAccountName ?? 'default'}`,
  ];
  lines.push(`Node:\t${p.spec.nodeName ? `${p.spec.nodeName}/${node ? (nodeInternalIP(node) ?? '') : ''}` : '<none>'}`);
  lines.push(...mapLines('Labels', p.metadata.labels), ...mapLines('Annotations', p.metadata.annotations));
  lines.push(`Status:\t${p.metadata.deletionTimestamp ? 'Terminating' : (p.status?.phase ?? 'Pending')}`);
  if (p.metadata.deletionTimestamp) lines.push(`Termination Grace Period:\t30s`);
  lines.push(`IP:\t${p.status?.podIP ?? ''}`, 'IPs:');
  if (p.status?.podIP) lines.push(`  IP:\t${p.status.podIP}`);
  const owner = p.metadata.ownerReferences?.find((o) => o.controller);
  if (owner) lines.push(`Controlled By:\t${owner.kind}/${owner.name}`);
  lines.push('Containers:');
  const ready = p.status?.conditions?.some((x) => x.type === 'ContainersReady' && x.status === 'True') ?? false;
  for (const ct of p.spec.containers) {
    lines.push(`  ${ct.name}:`, `    Image:\t${ct.image ?? ''}`);
    const ports = ct.ports ?? [];
    if (ports.length === 0) lines.push('    Port:\t<none>', '    Host Port:\t<none>');
    else {
      const plural = ports.length > 1 ? 's' : '';
      const named = (q: { name?: string }) => (q.name ? ` (${q.name})` : '');
      const container = ports.map((q) => `${q.containerPort}/${q.protocol ?? 'TCP'}${named(q)}`);
      const host = ports.map((q) => `${q.hostPort ?? 0}/${q.protocol ?? 'TCP'}${named(q)}`);
      lines.push(`    Port${plural}:\t${container.join(', ')}`);
      lines.push(`    Host Port${plural}:\t${host.join(', ')}`);
    }
    lines.push(
      `    State:\t${p.status?.phase === 'Running' ? 'Running' : 'Waiting'}`,
      `    Ready:\t${ready ? 'True' : 'False'}`,
      '    Restart Count:\t0',
    );
  }
  lines.push('Conditions:', '  Type\tStatus');
  for (const cond of p.status?.conditions ?? []) lines.push(`  ${cond.type} \t${cond.status} `);
  if (p.spec.nodeSelector && Object.keys(p.spec.nodeSelector).length) lines.push(...mapLines(
    'Node-Selectors',
    p.spec.nodeSelector,
  ));
  else lines.push('Node-Selectors:\t<none>');
  lines.push(...eventLines(c, eventsFor(c, 'Pod', ns, p.metadata.name)));
  return lines;
}

function backendText(c: Cluster, ns: string, b: IngressBackend | undefined): string {
  if (!b) return '<default>';
  if (b.resource) return `APIGroup: ${b.resource.apiGroup ?? ''}, Kind: ${b.resource.kind}, Name: ${b.resource.name}`;
  const svc = b.service!;
  const port = svc.port.number !== undefined ? String(svc.port.number) : (svc.port.name ?? '');
  const s = c.services.find((x) => x.metadata.namespace === ns && x.metadata.name === svc.name);
  if (!s) return `${svc.name}:${port} (<error: services "${svc.name}" not found>)`;
  const sp = s.spec.ports?.find(
    (p) => (svc.port.number !== undefined ? p.port === svc.port.number : p.name === svc.port.name)
  );
  const eps: string[] = [];
  for (const es of c.endpointSlices) {
    if (es.metadata.namespace !== ns || es.metadata.labels?.['kubernetes.io/service-name'] !== svc.name) continue;
    const ep = es.ports?.find((q) => (q.name ?? '') === (sp?.name ?? ''));
    if (!ep) continue;
    for (const e of es.endpoints) {
      if (e.conditions?.ready !== false) for (const a of e.addresses) eps.push(`${a}:${ep.port}`);
    }
  }
  return `${svc.name}:${port} (${eps.length ? eps.join(',') : '<none>'})`;
}

function describeIngress(c: Cluster, i: Ingress): string[] {
  const ns = i.metadata.namespace ?? 'default';
  const addr = (i.status?.loadBalancer?.ingress ?? []).map((x) => x.ip ?? x.hostname ?? '').join(',');
  const lines = [
    `Name:\t${i.metadata.name}`,
    ...mapLines('Labels', i.metadata.labels),
    `Namespace:\t${ns}`,
    `Address:\t${addr}`,
    `Ingress Class:\t${i.spec.ingressClassName ?? '<none>'}`,
  ];
  lines.push(`Default backend:\t${i.spec.defaultBackend ? backendText(c, ns, i.spec.defaultBackend) : '<default>'}`);
  for (const t of i.spec.tls ?? []) lines.push(
    'TLS:',
    `  ${t.secretName ?? ''} terminates ${(t.hosts ?? []).join(',')}`,
  );
  lines.push('Rules:', '  Host\tPath\tBackends', '  ----\t----\t--------');
  if (!i.spec.rules?.length) lines.push(`  *\t*\t${backendText(c, ns, i.spec.defaultBackend)}`);
  for (const r of i.spec.rules ?? []) {
    lines.push(`  ${r.host ?? '*'}\t`);
    for (const p of r.http?.paths ?? []) lines.push(`  \t${p.path ?? ''} \t${backendText(c, ns, p.backend)}`);
  }
  lines.push(...mapLines('Annotations', i.metadata.annotations));
  lines.push(...eventLines(c, eventsFor(c, 'Ingress', ns, i.metadata.name)));
  return lines;
}

function describeNode(c: Cluster, n: Node): string[] {
  const lines = [
    `Name:\t${n.metadata.name}`,
    `Roles:\t${nodeRoles(n)}`,
    ...mapLines('Labels', n.metadata.labels),
    ...mapLines('Annotations', n.metadata.annotations),
  ];
  lines.push(
    `Unschedulable:\t${n.spec?.unschedulable ? 'true' : 'false'}`,
    'Conditions:',
    '  Type\tStatus\tReason\tMessage',
    '  ----\t------\t------\t-------',
  );
  for (const cond of n.status?.conditions ?? []) lines.push(
    `  ${cond.type}\t${cond.status}\t${cond.reason ?? ''}\t${cond.message ?? ''}`
  );
  lines.push('Addresses:');
  for (const a of n.status?.addresses ?? []) lines.push(`  ${a.type}:\t${a.address}`);
  lines.push(`PodCIDR:\t${n.spec?.podCIDR ?? ''}`, `PodCIDRs:\t${(n.spec?.podCIDRs ?? []).join(',')}`);
  const pods = c.pods.filter((p) => p.spec.nodeName === n.metadata.name);
  lines.push(`Non-terminated Pods:\t(${pods.length} in total)`, '  Namespace\tName', '  ---------\t----');
  for (const p of pods) lines.push(`  ${p.metadata.namespace ?? 'default'}\t${p.metadata.name}`);
  lines.push(...eventLines(c, eventsFor(c, 'Node', undefined, n.metadata.name)));
  return lines;
}

/** "gatewayClassName" -> "Gateway Class Name", as kubectl's generic describer titles fields. */
function fieldTitle(k: string): string {
  return k.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/^./, (x) => x.toUpperCase());
}

/** Nested content the way kubectl's generic describer prints a custom resource (printUnstructuredContent). */
function unstructuredLines(v: unknown, indent: number, out: string[]): void {
  const pad = '  '.repeat(indent);
  if (Array.isArray(v)) {
    for (const item of v) {
      if (item && typeof item === 'object') unstructuredLines(item, indent, out);
      else out.push(`${pad}${String(item)}`);
    }
    return;
  }
  if (!v || typeof v !== 'object') return;
  for (const [k, x] of Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (x && typeof x === 'object') {
      out.push(`${pad}${fieldTitle(k)}:`);
      unstructuredLines(x, indent + 1, out);
    } else out.push(`${pad}${fieldTitle(k)}:\t${String(x)}`);
  }
}


/** kubectl describe of a Gateway API object (a custom resource): metadata, then spec and status as written. */
function describeCustom(c: Cluster, o: {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: unknown;
  status?: unknown;
}): string[] {

  const lines = [
    `Name:\t${o.metadata.name}`,
    ...(o.metadata.namespace ? [`Namespace:\t${o.metadata.namespace}`] : []),
    ...mapLines('Labels', o.metadata.labels),
    ...mapLines('Annotations', o.metadata.annotations),
    `API Version:\t${o.apiVersion}`,
    `Kind:\t${o.kind}`,
  ];
  if (o.spec) {
    lines.push('Spec:');
    unstructuredLines(o.spec, 1, lines);
  }
  if (o.status) {
    lines.push('Status:');
    unstructuredLines(o.status, 1, lines);
  }
  lines.push(...eventLines(c, eventsFor(c, o.kind, o.metadata.namespace, o.metadata.name)));
  return lines;
}

/**
 * `kubectl describe KIND [NAME] [-l SELECTOR]`: the objects described one after another (a blank line
 * between). A name that is no object's is read as a prefix, as kubectl's DescribeMatchingResources does
 * (`kubectl describe pod web` describes the web Deployment's pods); no name describes them all.
 */
export function kubectlDescribe(cluster: Cluster, opts: KubectlDescribeOptions): KubectlResult {
  const res = resolveResource(opts.kind, cluster);
  if (!res) return { ok: false, error: `error: the server doesn't have a resource type "${opts.kind}"` };
  if (opts.selector?.trim() && opts.name !== undefined) {
    return { ok: false, error: NAME_WITH_SELECTOR };
  }
  const sel = selected(res, opts);
  if ('error' in sel) return { ok: false, error: sel.error };
  const ns = opts.allNamespaces || !res.namespaced ? undefined : (opts.namespace ?? 'default');
  let found = sortedItems(res.list(cluster).filter((x) => inScope(x, ns, res.kind, sel)));
  if (opts.name !== undefined) {
    const exact = found.filter((x) => x.metadata.name === opts.name);
    found = exact.length > 0 ? exact : found.filter((x) => x.metadata.name.startsWith(opts.name!));
    if (found.length === 0) {
      return { ok: false, error: `Error from server (NotFound): ${qualifiedPlural(res)} "${opts.name}" not found` };
    }
  }
  if (found.length === 0) return { ok: true, text: noResources(ns) };
  const texts = found.map((o) => {
    // A namespaced custom resource written without a namespace is in "default", as kubectl apply puts it.
    const shown = res.namespaced && o.metadata.namespace === undefined
      ? { ...o, metadata: { ...o.metadata, namespace: 'default' } }
      : o;
    return tabwrite(`${describeLines(cluster, res.kind, shown as Obj).join('\n')}\n`, DESCRIBE_TABWRITER);
  });
  return { ok: true, text: texts.join('\n\n') };
}

/** The lines of one object's description: the simulated kinds' describers, kept kinds', else the generic one. */
function describeLines(c: Cluster, kind: string, o: Obj): string[] {
  const events: EventLines = (k, ns, name) => eventLines(c, eventsFor(c, k, ns, name));
  switch (kind) {
    case 'Service':
      return describeService(c, o as unknown as Service);
    case 'Pod':
      return describePod(c, o as unknown as Pod);
    case 'Ingress':
      return describeIngress(c, o as unknown as Ingress);
    case 'Node':
      return describeNode(c, o as unknown as Node);
    case 'GatewayClass':
    case 'Gateway':
    case 'HTTPRoute':
    case 'ReferenceGrant':
      return describeCustom(c, o as unknown as Parameters<typeof describeCustom>[1]);
    case 'ConfigMap':
      return describeConfigMap(o, events);
    case 'Secret':
      return describeSecret(o);
    case 'ServiceAccount':
      return describeServiceAccount(c, o, events);
    case 'NetworkPolicy':
      return describeNetworkPolicy(c, o);
    case 'PodDisruptionBudget':
      return describePodDisruptionBudget(o, events);
    case 'RoleBinding':
    case 'ClusterRoleBinding':
      return describeBinding(o);
    case 'Namespace':
      return describeNamespace(c, o);
    case 'EndpointSlice':
      return describeEndpointSlice(o, events);
    default:
      return describeGeneric(o, events);
  }
}
