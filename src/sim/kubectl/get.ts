// `kubectl get` over a reconciled cluster: the same columns, cell formats and tab layout as
// kubectl's table printers (pkg/printers/internalversion/printers.go), plus -o yaml|json.

import { stringify } from 'yaml';
import type { Cluster } from '../cluster';
import type { ClusterEvent } from '../events';
import type {
  Deployment,
  EndpointSlice,
  Endpoints,
  Gateway,
  GatewayClass,
  HTTPRoute,
  Ingress,
  Node,
  Pod,
  ReplicaSet,
  Service,
} from '../api/types';
import { GET_TABWRITER, tabwrite } from './tabwriter';
import { creationSeconds, eventAge, labClock, objectAge, rfc3339, type LabClock } from './age';
import { sortedBy } from './sortby';
import { columnCell, parseColumns, parseTemplate, runTemplate } from './jsontemplate';
import { firstResult } from './jsonpath';
import { qualifiedPlural, resolveResource, type Listed, type Resource } from './resources';
import { customPrinter, keptPrinter, type Obj, type Printer } from './printers';
import { formatLabels } from './selectors';
import { labelsMatch, parseLabelSelector, type Requirement } from '../api/labelselector';
import { eventFieldsMatch, fieldsMatch, parseFieldSelector, unsupportedField, type FieldTerm } from './fieldselector';

export type KubectlOutput = 'table' | 'wide' | 'yaml' | 'json' | 'name' | 'jsonpath' | 'custom-columns';

export interface KubectlGetOptions {
  /** Resource as typed: "pods", "po", "svc", "configmaps", "cm", "deployments.apps", "NetworkPolicy", a custom
   *  resource's plural, ... (resources.ts) */
  kind: string;
  name?: string;
  namespace?: string;
  allNamespaces?: boolean;
  output?: KubectlOutput;
  /** -l / --selector, as typed: the apiserver parses it (labelselector.ts); blank is no selector. */
  selector?: string;
  /** --field-selector, as typed (fieldselector.ts). */
  fieldSelector?: string;
  /** --show-labels: a LABELS column last. */
  showLabels?: boolean;
  /** -L / --label-columns: a column per label key, headed by the key's last path segment in capitals. */
  labelColumns?: string[];
  /** --no-headers: the table's rows without its header line. */
  noHeaders?: boolean;
  /** --sort-by: a JSONPath (sortby.ts). */
  sortBy?: string;
  /** The template of -o jsonpath=..., the spec of -o custom-columns=... (jsontemplate.ts). */
  template?: string;
}

/**
 * kubectl's -o value: a format, or `jsonpath=TEMPLATE` / `custom-columns=SPEC`; kubectl's refusal of
 * anything else (the formats listed are the ones the lab prints).
 */
export function parseOutput(
  given: string | undefined,
): { output: KubectlOutput; template?: string } | { error: string } {
  if (given === undefined) return { output: 'table' };
  const eq = given.indexOf('=');
  const [format, template] = eq > 0 ? [given.slice(0, eq), given.slice(eq + 1)] : [given, undefined];
  if (format === 'jsonpath' && template === undefined) {
    return { error: 'error: template format specified but no template given' };
  }
  if (format === 'custom-columns' && template === undefined) {
    return { error: 'error: custom-columns format specified but no custom columns given' };
  }
  const templated = format === 'jsonpath' || format === 'custom-columns';
  if (!OUTPUTS.includes(format) || (template !== undefined) !== templated) {
    return {
      error: `error: unable to match a printer suitable for the output format "${given}", `
        + 'allowed formats are: custom-columns,json,jsonpath,name,wide,yaml',
    };
  }
  return { output: format as KubectlOutput, ...(template !== undefined ? { template } : {}) };
}

const OUTPUTS = ['wide', 'yaml', 'json', 'name', 'jsonpath', 'custom-columns'];

export type KubectlResult =
  /** `events`: the events a table lists (kubectl get events), for the page's gloss of each reason. */
  | { ok: true; text: string; events?: readonly ClusterEvent[] }
  /** `text`: what was found before the errors (a name asked of several kinds: kubectl prints both). */
  | { ok: false; error: string; text?: string };

const NONE = '<none>';

function joinMax(list: string[], total: number, max = 3): string {
  const ret = list.join(',');
  return total > max ? `${ret} + ${total - max} more...` : ret;
}

export function servicePorts(svc: Service): string {
  const ports = svc.spec.ports ?? [];
  if (ports.length === 0) return NONE;
  return ports.map((p) => `${p.port}${p.nodePort ? `:${p.nodePort}` : ''}/${p.protocol ?? 'TCP'}`).join(',');
}

export function serviceExternalIP(svc: Service): string {
  const ext = svc.spec.externalIPs ?? [];
  switch (svc.spec.type ?? 'ClusterIP') {
    case 'ClusterIP':
    case 'NodePort':
      return ext.length ? ext.join(',') : NONE;
    case 'LoadBalancer': {
      const lb = (svc.status?.loadBalancer?.ingress ?? []).map((i) => i.ip ?? i.hostname ?? '').filter(Boolean);
      const all = [...ext, ...lb];
      return all.length ? all.join(',') : '<pending>';
    }
    case 'ExternalName':
      return svc.spec.externalName ?? NONE;
    default:
      return 'unknown';
  }
}

function podRow(p: Pod, wide: boolean, age: string): string[] {
  const total = p.spec.containers.length;
  const ready = p.status?.conditions?.some((c) => c.type === 'ContainersReady' && c.status === 'True') ? total : 0;
  const status = p.metadata.deletionTimestamp ? 'Terminating' : (p.status?.phase ?? 'Pending');
  const row = [p.metadata.name, `${ready}/${total}`, status, '0', age];
  if (wide) row.push(p.status?.podIP ?? NONE, p.spec.nodeName ?? NONE, NONE, NONE);
  return row;
}

function serviceRow(s: Service, wide: boolean, age: string): string[] {
  const clusterIP = s.spec.type === 'ExternalName' || !s.spec.clusterIP ? NONE : s.spec.clusterIP;
  const row = [s.metadata.name, s.spec.type ?? 'ClusterIP', clusterIP, serviceExternalIP(s), servicePorts(s), age];
  if (wide) row.push(formatLabels(s.spec.selector));
  return row;
}

export function formatEndpoints(ep: Endpoints): string {
  const subsets = ep.subsets ?? [];
  if (subsets.length === 0) return NONE;
  const list: string[] = [];
  let count = 0;
  for (const ss of subsets) {
    const addrs = ss.addresses ?? [];
    if (!ss.ports || ss.ports.length === 0) {
      count += addrs.length;
      for (const a of addrs) if (list.length < 3) list.push(a.ip);
      continue;
    }
    for (const port of ss.ports) {
      count += addrs.length;
      for (const a of addrs) if (list.length < 3) list.push(`${a.ip}:${port.port}`);
    }
  }
  return joinMax(list, count);
}

function listWithMore(list: string[], count: number): string {
  const ret = joinMax(list, count);
  return ret === '' ? '<unset>' : ret;
}

function sliceRow(s: EndpointSlice, age: string): string[] {
  const ports = s.ports ?? [];
  const portList = ports.slice(0, 3).map((p) => (p.port !== undefined ? String(p.port) : p.name ? p.name : '*'));
  const addrs: string[] = [];
  let count = 0;
  for (const e of s.endpoints ?? []) for (const a of e.addresses) {
    if (addrs.length < 3) addrs.push(a);
    count++;
  }
  return [s.metadata.name, s.addressType, listWithMore(portList, ports.length), listWithMore(addrs, count), age];
}

function ingressRow(i: Ingress, age: string): string[] {
  const hosts = (i.spec.rules ?? []).map((r) => r.host).filter((h): h is string => !!h);
  const hostText = hosts.length === 0 ? '*' : joinMax(hosts.slice(0, 3), hosts.length);
  const addr = (i.status?.loadBalancer?.ingress ?? []).map((x) => x.ip ?? x.hostname ?? '').filter(Boolean).join(',');
  const ports = (i.spec.tls?.length ?? 0) > 0 ? '80, 443' : '80';
  return [i.metadata.name, i.spec.ingressClassName ?? NONE, hostText, addr, ports, age];
}

export function nodeRoles(n: Node): string {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(n.metadata.labels ?? {})) {
    if (k.startsWith('node-role.kubernetes.io/')) roles.add(k.slice('node-role.kubernetes.io/'.length));
    else if (k === 'kubernetes.io/role' && v) roles.add(v);
  }
  return roles.size ? [...roles].sort().join(',') : NONE;
}

function nodeRow(n: Node, wide: boolean, age: string): string[] {
  const ready = n.status?.conditions?.find((c) => c.type === 'Ready');
  let status = ready?.status === 'True' ? 'Ready' : ready ? 'NotReady' : 'Unknown';
  if (n.spec?.unschedulable) status += ',SchedulingDisabled';
  const info = (n.status?.['nodeInfo'] ?? {}) as Record<string, string>;
  const row = [n.metadata.name, status, nodeRoles(n), age, info['kubeletVersion'] ?? ''];
  if (wide) {
    const addr = (t: string) => n.status?.addresses?.find((a) => a.type === t)?.address ?? NONE;
    row.push(
      addr('InternalIP'),
      addr('ExternalIP'),
      info['osImage'] ?? '<unknown>',
      info['kernelVersion'] ?? '<unknown>',
      info['containerRuntimeVersion'] ?? '<unknown>',
    );
  }
  return row;
}

function deploymentRow(d: Deployment, wide: boolean, age: string): string[] {
  const st = (d['status'] ?? {}) as Record<string, number>;
  const row = [
    d.metadata.name,
    `${st['readyReplicas'] ?? 0}/${d.spec.replicas ?? 1}`,
    String(st['updatedReplicas'] ?? 0),
    String(st['availableReplicas'] ?? 0),
    age,
  ];
  if (wide) {
    const cs = d.spec.template.spec.containers;
    row.push(
      cs.map((c) => c.name).join(','),
      cs.map((c) => c.image ?? '').join(','),
      formatLabels(d.spec.selector.matchLabels),
    );
  }
  return row;
}

function replicaSetRow(r: ReplicaSet, age: string): string[] {
  const st = (r['status'] ?? {}) as Record<string, number>;
  return [
    r.metadata.name,
    String(r.spec.replicas ?? 1),
    String(st['replicas'] ?? 0),
    String(st['readyReplicas'] ?? 0),
    age,
  ];
}

function eventRow(e: ClusterEvent, clock: LabClock): string[] {
  return [eventAge(clock, e), e.type, e.reason, `${e.object.kind.toLowerCase()}/${e.object.name}`, e.message];
}

const HEADERS: Record<string, { table: string[]; wide?: string[] }> = {
  Pod: {
    table: ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE'],
    wide: ['IP', 'NODE', 'NOMINATED NODE', 'READINESS GATES'],
  },
  Service: { table: ['NAME', 'TYPE', 'CLUSTER-IP', 'EXTERNAL-IP', 'PORT(S)', 'AGE'], wide: ['SELECTOR'] },
  Endpoints: { table: ['NAME', 'ENDPOINTS', 'AGE'] },
  EndpointSlice: { table: ['NAME', 'ADDRESSTYPE', 'PORTS', 'ENDPOINTS', 'AGE'] },
  Ingress: { table: ['NAME', 'CLASS', 'HOSTS', 'ADDRESS', 'PORTS', 'AGE'] },
  Node: {
    table: ['NAME', 'STATUS', 'ROLES', 'AGE', 'VERSION'],
    wide: ['INTERNAL-IP', 'EXTERNAL-IP', 'OS-IMAGE', 'KERNEL-VERSION', 'CONTAINER-RUNTIME'],
  },
  Deployment: {
    table: ['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE'],
    wide: ['CONTAINERS', 'IMAGES', 'SELECTOR'],
  },
  ReplicaSet: { table: ['NAME', 'DESIRED', 'CURRENT', 'READY', 'AGE'] },
  Namespace: { table: ['NAME', 'STATUS', 'AGE'] },
  Event: { table: ['LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'MESSAGE'] },
  // The CRDs' additionalPrinterColumns.
  GatewayClass: { table: ['NAME', 'CONTROLLER', 'ACCEPTED', 'AGE'], wide: ['DESCRIPTION'] },
  Gateway: { table: ['NAME', 'CLASS', 'ADDRESS', 'PROGRAMMED', 'AGE'] },
  HTTPRoute: { table: ['NAME', 'HOSTNAMES', 'AGE'] },
  ReferenceGrant: { table: ['NAME', 'AGE'] },
};

function conditionStatus(o: { status?: { conditions?: { type: string; status: string }[] } }, type: string): string {
  return o.status?.conditions?.find((c) => c.type === type)?.status ?? 'Unknown';
}

function row(kind: string, o: unknown, wide: boolean, clock: LabClock): string[] {
  const age = kind === 'Event' ? '' : objectAge(
    clock,
    kind,
    o as { metadata: { name: string; namespace?: string; creationTimestamp?: string } },
  );
  switch (kind) {
    case 'Pod':
      return podRow(o as Pod, wide, age);
    case 'Service':
      return serviceRow(o as Service, wide, age);
    case 'Endpoints':
      return [(o as Endpoints).metadata.name, formatEndpoints(o as Endpoints), age];
    case 'EndpointSlice':
      return sliceRow(o as EndpointSlice, age);
    case 'Ingress':
      return ingressRow(o as Ingress, age);
    case 'Node':
      return nodeRow(o as Node, wide, age);
    case 'Deployment':
      return deploymentRow(o as Deployment, wide, age);
    case 'ReplicaSet':
      return replicaSetRow(o as ReplicaSet, age);
    case 'Namespace':
      return [(o as { metadata: { name: string } }).metadata.name, 'Active', age];
    case 'Event':
      return eventRow(o as ClusterEvent, clock);
    case 'GatewayClass': {
      const g = o as GatewayClass;
      return [
        g.metadata.name,
        g.spec.controllerName,
        conditionStatus(g, 'Accepted'),
        age,
        ...(wide ? [g.spec.description ?? ''] : []),
      ];
    }
    case 'Gateway': {
      const g = o as Gateway;
      return [
        g.metadata.name,
        g.spec.gatewayClassName,
        g.status?.addresses?.[0]?.value ?? '',
        conditionStatus(g, 'Programmed'),
        age,
      ];
    }
    case 'HTTPRoute': {
      const r = o as HTTPRoute;
      return [r.metadata.name, JSON.stringify(r.spec.hostnames ?? []).replace(/^\[\]$/, ''), age];
    }
    case 'ReferenceGrant':
      return [(o as { metadata: { name: string } }).metadata.name, age];
    default:
      return [];
  }
}

/** Keys sorted at every level, as kubectl's printers emit them (they marshal through maps). */
export function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return Object.fromEntries(
      Object.keys(o)
        .filter((k) => o[k] !== undefined)
        .sort()
        .map((k) => [k, sortKeys(o[k])]),
    );
  }
  return v;
}

export function printObject(o: unknown, output: 'yaml' | 'json'): string {
  const sorted = sortKeys(o);
  return output === 'json' ? `${JSON.stringify(sorted, null, 4)}\n` : stringify(
    sorted,
    { indentSeq: false, lineWidth: 0 },
  );
}

/** The events of a namespace (cluster-scoped objects' events live in "default", as in a real cluster). */
export function eventsIn(c: Cluster, namespace: string | undefined): ClusterEvent[] {
  return c.events.filter((e) => namespace === undefined || (e.object.namespace ?? 'default') === namespace);
}

/**
 * kubectl's argument forms: `kind`, `kind name`, `kind/name` and `kind1,kind2`. Several kinds print
 * one table each, names prefixed with the resource (`service/web`, `deployment.apps/web`), separated
 * by a blank line; with -o json|yaml, one List of every item.
 */
export function kubectlGet(cluster: Cluster, opts: KubectlGetOptions): KubectlResult {
  const slash = opts.kind.indexOf('/');
  const selector = Boolean(opts.selector?.trim() || opts.fieldSelector?.trim());
  if (selector && (slash >= 0 || opts.name !== undefined)) {
    return { ok: false, error: NAME_WITH_SELECTOR };
  }
  if (slash >= 0) {
    if (opts.name !== undefined) {
      return {
        ok: false,
        error: 'error: there is no need to specify a resource type as a separate argument when passing arguments in '
          + 'resource/name form (e.g. \'kubectl get resource/<resource_name>\' instead of \'kubectl get resource '
          + 'resource/<resource_name>\'',
      };
    }
    return rendered(getOne(cluster, { ...opts, kind: opts.kind.slice(0, slash), name: opts.kind.slice(slash + 1) }));
  }
  const kinds = opts.kind.split(',').filter((k) => k !== '').flatMap((k) => (k === 'all' ? CATEGORY_ALL : [k]));
  if (kinds.length <= 1) return rendered(getOne(cluster, { ...opts, kind: kinds[0] ?? opts.kind }));
  for (const k of kinds) {
    const res = resolveResource(k, cluster);
    if (!res) return { ok: false, error: noSuchType(k) };
    const sel = selected(res, opts);
    if ('error' in sel) return { ok: false, error: sel.error };
  }
  const output = opts.output ?? 'table';
  if (output === 'json' || output === 'yaml' || output === 'jsonpath' || output === 'custom-columns') {
    const items = kinds.flatMap((k) => listed(cluster, resolveResource(k, cluster)!, opts));
    if (output === 'json' || output === 'yaml') return { ok: true, text: printList(items, output) };
    return rendered(templated(items, { ...opts, name: undefined }, undefined)!);
  }
  const parts: string[] = [];
  const events: ClusterEvent[] = [];
  // A name is looked up in each kind: what is found is printed, what is not is an error beside it.
  const missing: string[] = [];
  for (const k of kinds) {
    const r = getOne(cluster, { ...opts, kind: k });
    if (r.kind === 'error' && opts.name !== undefined && r.error.startsWith('Error from server (NotFound)')) {
      missing.push(r.error);
      continue;
    }
    if (r.kind === 'error') return { ok: false, error: r.error };
    if (r.kind === 'names') parts.push(r.text);
    if (r.kind !== 'table') continue;
    parts.push(renderTable(withKindPrefix(r.table, resolveResource(k, cluster)!)));
    events.push(...(r.events ?? []));
  }
  // -o name's lines run on; tables are a blank line apart.
  const text = parts.join(output === 'name' ? '' : '\n');
  if (missing.length > 0) return { ok: false, error: missing.join('\n'), text };
  if (parts.length === 0) return rendered(getOne(cluster, { ...opts, kind: kinds[0]! }));
  return { ok: true, text, ...(events.length > 0 ? { events } : {}) };
}

/** kubectl's builder refusing a name beside -l or --field-selector. */
export const NAME_WITH_SELECTOR = 'error: name cannot be provided when a selector is specified';

const noSuchType = (k: string) => `error: the server doesn't have a resource type "${k}"`;

/**
 * `kubectl get all`: the resources in the `all` category, in the order discovery lists them (core v1,
 * then apps, autoscaling, batch; each group's resources alphabetically).
 */
const CATEGORY_ALL = [
  'pods', 'replicationcontrollers', 'services', 'daemonsets.apps', 'deployments.apps', 'replicasets.apps',
  'statefulsets.apps', 'horizontalpodautoscalers.autoscaling', 'cronjobs.batch', 'jobs.batch',
];

/** A table before the tab writer lays it out: `nameCol` is where NAME is (after NAMESPACE with -A). */
interface Table {
  header: string[];
  rows: string[][];
  nameCol: number;
  /** Events are listed without a `kind/` prefix. */
  events?: boolean;
  /** --no-headers. */
  noHeaders?: boolean;
}

type Got =
  | { kind: 'error'; error: string }
  | { kind: 'text'; text: string }
  /** -o name's lines. */
  | { kind: 'names'; text: string }
  | { kind: 'table'; table: Table; events?: readonly ClusterEvent[] };

function rendered(g: Got): KubectlResult {
  if (g.kind === 'error') return { ok: false, error: g.error };
  if (g.kind === 'text' || g.kind === 'names') return { ok: true, text: g.text };
  return { ok: true, text: renderTable(g.table), ...(g.events ? { events: g.events } : {}) };
}

/** A cell as kubectl writes it: cut at the first line break, marked with `...`. */
function cell(c: string): string {
  const cut = c.search(/[\f\n\r]/);
  return cut < 0 ? c : `${c.slice(0, cut)}...`;
}

function renderTable(t: Table): string {
  const lines = [...(t.noHeaders ? [] : [t.header]), ...t.rows].map((r) => r.map(cell).join('\t'));
  return tabwrite(`${lines.join('\n')}\n`, GET_TABWRITER);
}

/** `service/web`, `deployment.apps/web`: the NAME column as kubectl prints it when several kinds are asked for. */
function withKindPrefix(t: Table, res: Resource): Table {
  if (t.events) return t;
  const prefix = `${res.kind.toLowerCase()}${res.group ? `.${res.group}` : ''}/`;
  return { ...t, rows: t.rows.map((r) => r.map((x, j) => (j === t.nameCol ? prefix + x : x))) };
}

function printList(items: readonly unknown[], output: 'yaml' | 'json'): string {
  return printObject(listOf(items), output);
}

/** The List kubectl prints several objects in. */
function listOf(items: readonly unknown[]): object {
  return { apiVersion: 'v1', items, kind: 'List', metadata: { resourceVersion: '' } };
}

/** The items one resource lists for these options, in the lab's order (several kinds' List, -o json|yaml). */
function listed(cluster: Cluster, res: Resource, opts: KubectlGetOptions): unknown[] {
  const ns = opts.allNamespaces || !res.namespaced ? undefined : (opts.namespace ?? 'default');
  const sel = selected(res, opts);
  if ('error' in sel) return [];
  if (res.kind === 'Event') return selectedEvents(cluster, ns, sel);
  return res.list(cluster).filter((o) => inScope(o, ns, res.kind, sel));
}

/** What -l and --field-selector ask for: the label requirements and the field terms. */
export interface Selection {
  requirements: readonly Requirement[];
  fields: readonly FieldTerm[];
}

/** In the namespace asked for (any, when undefined) and picked by both selectors. */
export function inScope(o: Listed, ns: string | undefined, kind: string, sel: Selection): boolean {
  const inNamespace = ns === undefined || (o.metadata.namespace ?? 'default') === ns;
  return inNamespace && labelsMatch(sel.requirements, o.metadata.labels) && fieldsMatch(kind, sel.fields, o);
}

/** An Event's name is its object's and a hex time stamp; the lab's stamp is its logical clock. */
const eventName = (e: ClusterEvent) => `${e.object.name}.${e.seq.toString(16).padStart(16, '0')}`;

/** The lab's events carry no labels: a label selector keeps them only when it asks for labels to be absent. */
function selectedEvents(cluster: Cluster, ns: string | undefined, sel: Selection): ClusterEvent[] {
  if (!labelsMatch(sel.requirements, undefined)) return [];
  return eventsIn(cluster, ns).filter((e) => eventFieldsMatch(sel.fields, e, eventName(e)));
}

/**
 * The selectors of `opts` (blank ones select everything), or the apiserver's answer to one it cannot
 * parse or a field the kind does not serve, as kubectl prints it (EnhanceListError names the resource).
 */
export function selected(
  res: Resource,
  opts: { selector?: string; fieldSelector?: string },
): Selection | { error: string } {
  const labelText = opts.selector?.trim() ?? '';
  const fieldText = opts.fieldSelector?.trim() ?? '';
  const labels = labelText === '' ? { ok: true as const, requirements: [] } : parseLabelSelector(labelText);
  const fields = parseFieldSelector(fieldText);
  const refused = !labels.ok ? labels.error
    : 'error' in fields ? fields.error
    : fields.terms.map((t) => unsupportedField(res.kind, t.field)).find((e) => e !== undefined);
  if (refused === undefined && labels.ok && !('error' in fields)) {
    return { requirements: labels.requirements, fields: fields.terms };
  }
  const gvr = `${res.group}/${res.versions[0] ?? 'v1'}, Resource=${res.plural}`;
  return {
    error: `Error from server (BadRequest): Unable to find ${JSON.stringify(gvr)} that match label selector `
      + `${JSON.stringify(labelText)}, field selector ${JSON.stringify(fieldText)}: ${refused}`,
  };
}

/** By namespace, then name, as the apiserver lists them. */
export function sortedItems<T extends Listed>(items: readonly T[]): T[] {
  return [...items].sort((a, b) => {
    const an = a.metadata.namespace ?? '';
    const bn = b.metadata.namespace ?? '';
    if (an !== bn) return an < bn ? -1 : 1;
    return a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0;
  });
}

/** The printer of a resource: the simulated kinds' own, a kept kind's, or a custom resource's columns. */
function printerFor(res: Resource): Printer {
  if (res.columns) return customPrinter(res.columns);
  const h = Object.hasOwn(HEADERS, res.kind) ? HEADERS[res.kind] : undefined;
  if (h) return { columns: h.table, wide: h.wide, row: (o, x) => row(res.kind, o, x.wide, x.clock) };
  const age: Printer = { columns: ['NAME', 'AGE'], row: (o, x) => [o.metadata.name, objectAge(x.clock, o.kind, o)] };
  return keptPrinter(res.kind) ?? age;
}

/** The paths of an Event's times: one time per event in the lab's log, its place on the lab's clock. */
const EVENT_TIMES = new Set(['{.metadata.creationTimestamp}', '{.firstTimestamp}', '{.lastTimestamp}', '{.eventTime}']);

/** What a JSON path reads of one of the lab's events, as it would of the Event object kubectl gets. */
function eventValue(clock: LabClock, e: ClusterEvent, path: string): unknown {
  if (EVENT_TIMES.has(path)) return rfc3339(clock.start + e.seq);
  return firstResult(eventObject(e), path);
}

/** One of the lab's events as the fields of the Event object kubectl reads (jsonpath, custom columns). */
function eventObject(e: ClusterEvent): object {
  return {
    metadata: { name: eventName(e), namespace: e.object.namespace ?? 'default' },
    involvedObject: e.object,
    reason: e.reason,
    message: e.message,
    type: e.type,
    source: { component: e.source, ...(e.node ? { host: e.node } : {}) },
    reportingComponent: e.source,
    count: 1,
  };
}

/**
 * -o jsonpath and -o custom-columns over `items` (one object when a name was asked for, else their
 * List), or kubectl's refusal of the template; undefined for the other outputs.
 */
function templated(items: readonly unknown[], opts: KubectlGetOptions, ns: string | undefined): Got | undefined {
  const t = opts.template ?? '';
  if (opts.output === 'jsonpath') {
    const parts = parseTemplate(t);
    if (!Array.isArray(parts)) return { kind: 'error', error: `error: error parsing jsonpath ${t}, ${parts.error}` };
    const root = opts.name !== undefined ? items[0] : listOf(items);
    return { kind: 'names', text: runTemplate(parts, root) };
  }
  if (opts.output !== 'custom-columns') return undefined;
  const columns = parseColumns(t);
  if (!Array.isArray(columns)) return { kind: 'error', error: `error: ${columns.error}` };
  if (items.length === 0) return { kind: 'text', text: noResources(ns) };
  const rows = items.map((o) => columns.map((c) => columnCell(o, c.path)));
  const table = { header: columns.map((c) => c.header), rows, nameCol: -1, noHeaders: opts.noHeaders };
  return { kind: 'names', text: renderTable(table) };
}

function getEvents(cluster: Cluster, opts: KubectlGetOptions, ns: string | undefined, sel: Selection): Got {
  const output = opts.output ?? 'table';
  let evs = selectedEvents(cluster, ns, sel);
  if (opts.sortBy !== undefined) {
    const clock = labClock(cluster);
    const sorted = sortedBy(evs, opts.sortBy, (e, path) => eventValue(clock, e, path));
    if (!Array.isArray(sorted)) return { kind: 'error', error: `error: ${sorted.error}` };
    evs = sorted;
  }
  if (output === 'yaml' || output === 'json') return { kind: 'text', text: printList(evs, output) };
  const shaped = templated(evs.map(eventObject), opts, ns);
  if (shaped) return shaped;
  if (evs.length === 0) return { kind: 'text', text: noResources(ns) };
  if (output === 'name') return { kind: 'names', text: evs.map((e) => `event/${eventName(e)}\n`).join('') };
  const clock = labClock(cluster);
  const header = opts.allNamespaces ? ['NAMESPACE', ...HEADERS['Event']!.table] : HEADERS['Event']!.table;
  const rows = evs.map((e) => (opts.allNamespaces
    ? [e.object.namespace ?? 'default', ...eventRow(e, clock)]
    : eventRow(e, clock)));
  const table = decorated({ header, rows, nameCol: 0, events: true }, evs.map(() => undefined), opts);
  return { kind: 'table', table, events: evs };
}

/**
 * kubectl's table decoration (decorateTable): a column per -L key (its value, or empty), then LABELS
 * for --show-labels; and no header line for --no-headers.
 */
function decorated(
  t: Table,
  labels: readonly (Record<string, string> | undefined)[],
  opts: KubectlGetOptions,
): Table {
  const keys = opts.labelColumns ?? [];
  if (opts.noHeaders) t = { ...t, noHeaders: true };
  if (keys.length === 0 && !opts.showLabels) return t;
  const heads = keys.map((k) => k.slice(k.lastIndexOf('/') + 1).toUpperCase());
  const header = [...t.header, ...heads, ...(opts.showLabels ? ['LABELS'] : [])];
  const rows = t.rows.map((r, i) => {
    const l = labels[i] ?? {};
    return [...r, ...keys.map((k) => l[k] ?? ''), ...(opts.showLabels ? [formatLabels(l)] : [])];
  });
  return { ...t, header, rows };
}

function getOne(cluster: Cluster, opts: KubectlGetOptions): Got {
  const res = resolveResource(opts.kind, cluster);
  if (!res) return { kind: 'error', error: noSuchType(opts.kind) };
  const ns = opts.allNamespaces || !res.namespaced ? undefined : (opts.namespace ?? 'default');
  const output = opts.output ?? 'table';
  const sel = selected(res, opts);
  if ('error' in sel) return { kind: 'error', error: sel.error };
  if (res.kind === 'Event') return getEvents(cluster, opts, ns, sel);

  let items = res.list(cluster).filter((o) => inScope(o, ns, res.kind, sel));
  if (opts.name !== undefined) {
    items = items.filter((o) => o.metadata.name === opts.name);
    if (items.length === 0) {
      return { kind: 'error', error: `Error from server (NotFound): ${qualifiedPlural(res)} "${opts.name}" not found` };
    }
  } else items = sortedItems(items);
  if (opts.sortBy !== undefined) {
    const clock = labClock(cluster);
    // The lab keeps creation times beside the objects: the path reads them as metadata.creationTimestamp.
    const sorted = sortedBy(items, opts.sortBy, (o, path) => (path === '{.metadata.creationTimestamp}'
      ? rfc3339(creationSeconds(clock, res.kind, o))
      : firstResult(o, path)));
    if (!Array.isArray(sorted)) return { kind: 'error', error: `error: ${sorted.error}` };
    items = sorted;
  }
  if (output === 'yaml' || output === 'json') {
    return { kind: 'text', text: opts.name !== undefined ? printObject(items[0], output) : printList(items, output) };
  }
  const shaped = templated(items, opts, ns);
  if (shaped) return shaped;
  if (items.length === 0) return { kind: 'text', text: noResources(ns) };
  if (output === 'name') {
    const prefix = `${res.kind.toLowerCase()}${res.group ? `.${res.group}` : ''}/`;
    return { kind: 'names', text: items.map((o) => `${prefix}${o.metadata.name}\n`).join('') };
  }
  const wide = output === 'wide';
  const p = printerFor(res);
  const header = [...p.columns, ...(wide && p.wide ? p.wide : [])];
  const showNs = opts.allNamespaces === true && res.namespaced;
  const x = { cluster, clock: labClock(cluster), wide };
  const rows = items.map((o) => {
    const cells = p.row(o as Obj, x);
    return showNs ? [o.metadata.namespace ?? 'default', ...cells] : cells;
  });
  const table = { header: showNs ? ['NAMESPACE', ...header] : header, rows, nameCol: showNs ? 1 : 0 };
  return { kind: 'table', table: decorated(table, items.map((o) => o.metadata.labels), opts) };
}

export function noResources(ns: string | undefined): string {
  return ns === undefined ? 'No resources found\n' : `No resources found in ${ns} namespace.\n`;
}
