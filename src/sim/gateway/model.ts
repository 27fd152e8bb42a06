// The Gateway API graph, as NGINX Gateway Fabric builds it (internal/controller/state/graph):
// which GatewayClasses this controller owns, each Gateway's listeners (valid, conflicting,
// supported kinds), which routes attach to which listener (sectionName, port, allowedRoutes,
// hostname intersection), every backendRef resolved (kind, ReferenceGrant, Service, port,
// endpoints), and the status the spec asks for (gatewayclass_types.go, gateway_types.go,
// shared_types.go). Reasons and condition types are the API's constants.

import type {
  BackendObjectReference,
  Gateway,
  GatewayClass,
  GatewayCondition,
  GatewayListener,
  HTTPBackendRef,
  HTTPRoute,
  HTTPRouteFilter,
  HTTPRouteRule,
  ListenerStatus,
  ParentReference,
  ReferenceGrant,
  RouteGroupKind,
  Service,
  ServicePort,
} from '../api/types';
import { GATEWAY_GROUP } from '../api/types';
import { selectorMatches } from '../api/validation';
import type { Cluster } from '../cluster';
import { serviceEndpoints, tlsFromSecret, type UpstreamEndpoint } from '../ingress/model';

/** NGINX Gateway Fabric's controller name (its Helm chart's default `nginxGateway.gatewayControllerName`). */
export const NGF_CONTROLLER_NAME = 'gateway.nginx.org/nginx-gateway-controller';

export interface GatewayAPISettings {
  /** GatewayClasses whose spec.controllerName equals this are served. */
  controllerName: string;
}

export function defaultGatewayAPISettings(): GatewayAPISettings {
  return { controllerName: NGF_CONTROLLER_NAME };
}

const ns = (o: { metadata: { namespace?: string } }): string => o.metadata.namespace ?? 'default';
const generation = (o: {
  metadata: Record<string,
  unknown>,
}): number => (typeof o.metadata.generation === 'number' ? o.metadata.generation : 1);

function cond(
  type: string,
  status: 'True' | 'False' | 'Unknown',
  reason: string,
  message: string,
  observedGeneration: number,
): GatewayCondition {
  return { type, status, reason, message, observedGeneration };
}

// ---------------------------------------------------------------- hostnames (§14.3)

/** Whether `host` (precise) matches `pattern` (precise or `*.`-wildcard matching one or more labels). */
export function hostnameMatches(pattern: string, host: string): boolean {
  if (pattern.startsWith('*.')) return host.endsWith(pattern.slice(1)) && host.length > pattern.length - 1;
  return pattern === host;
}

/** The intersection of a listener hostname and a route hostname (undefined = any), or null if none. */
export function intersectHostnames(listener: string | undefined, route: string | undefined): string | null {
  if (!listener) return route ?? '';
  if (!route) return listener;
  const lw = listener.startsWith('*.');
  const rw = route.startsWith('*.');
  if (!lw && !rw) return listener === route ? route : null;
  if (lw && !rw) return hostnameMatches(listener, route) ? route : null;
  if (!lw && rw) return hostnameMatches(route, listener) ? listener : null;
  // Two wildcards: the narrower one, if one contains the other.
  if (route.endsWith(listener.slice(1))) return route;
  if (listener.endsWith(route.slice(1))) return listener;
  return null;
}

// ---------------------------------------------------------------- the graph

export interface ListenerGraph {
  listener: GatewayListener;
  index: number;
  /** Accepted and not conflicted: gets a server block. */
  valid: boolean;
  supportedKinds: RouteGroupKind[];
  conditions: GatewayCondition[];
  attachedRoutes: number;
}

export interface GatewayGraph {
  gateway: Gateway;
  key: string;
  className: string;
  listeners: ListenerGraph[];
}

export type BackendProblem =
  | 'RefNotPermitted'
  | 'BackendNotFound'
  | 'InvalidKind'
  | 'UnsupportedProtocol'
  | 'UnsupportedValue';

export interface ResolvedBackend {
  ref: HTTPBackendRef;
  weight: number;
  /** "ns/name" of the Service, when the reference names one. */
  service: string;
  namespace: string;
  name: string;
  port: number | null;
  problem: { reason: BackendProblem; message: string } | null;
  /** NGF's upstream name: `<ns>_<svc>_<port>`. */
  upstream: string;
  endpoints: UpstreamEndpoint[];
  /** Per-backend filters (ResponseHeaderModifier, RequestHeaderModifier). */
  filters: HTTPRouteFilter[];
}

export interface RuleGraph {
  rule: HTTPRouteRule;
  index: number;
  /** A rule whose filters this implementation cannot apply (ExtensionRef): its requests get 500. */
  invalidFilter: string | null;
  backends: ResolvedBackend[];
  /** Where its RequestMirror filters send a copy of each request, one entry per mirror backend. */
  mirrors: ResolvedMirror[];
}

/**
 * A RequestMirror target as NGF builds it (graph httproute.go buildHTTPMirrorRoutes, state/mirror): an
 * internal route whose one rule matches the Exact path `path` and proxies to the mirror backend with
 * the rule's other filters; the rule's own locations get `mirror <path>;`.
 */
export interface ResolvedMirror {
  /** Index of the (first) RequestMirror filter naming this backend in the rule's filters. */
  filterIndex: number;
  /** NGF's internal location, `/_ngf-internal-mirror-[<ns>/]<svc>-<routeNs>/<route>-<rule>`. */
  path: string;
  /** Share of requests copied: `percent`, or `fraction` as a percentage (default 100); the highest
   *  when several filters name the same backend (config/servers.go extractMirrorTargetsWithPercentages). */
  percent: number;
  backend: ResolvedBackend;
  /** The generated internal route's rule: Exact `path`, the rule's filters but RequestMirror, the mirror backend. */
  rule: RuleGraph;
}

export interface RouteAttachment {
  gateway: string;
  listener: string;
  /** The route's hostnames intersected with the listener's ('' = any host). */
  hostnames: string[];
}

export interface RouteGraph {
  route: HTTPRoute;
  key: string;
  rules: RuleGraph[];
  attachments: RouteAttachment[];
  parents: { parentRef: ParentReference; conditions: GatewayCondition[] }[];
}

export interface GatewayAPIGraph {
  controllerName: string;
  classes: { cls: GatewayClass; accepted: boolean }[];
  gateways: GatewayGraph[];
  routes: RouteGraph[];
}

const SUPPORTED_ROUTE_KINDS: readonly RouteGroupKind[] = [{ group: GATEWAY_GROUP, kind: 'HTTPRoute' }];

function listenerKinds(l: GatewayListener): { supported: RouteGroupKind[]; invalid: boolean } {
  const protocol = l.protocol;
  const given = l.allowedRoutes?.kinds;
  if (!given || given.length === 0) {
    return { supported: protocol === 'HTTP' || protocol === 'HTTPS' ? [...SUPPORTED_ROUTE_KINDS] : [], invalid: false };
  }
  const supported = given
    .filter((k) => (k.group ?? GATEWAY_GROUP) === GATEWAY_GROUP && k.kind === 'HTTPRoute')
    .map((k) => ({ group: k.group ?? GATEWAY_GROUP, kind: k.kind }));
  return { supported, invalid: supported.length !== given.length };
}

interface CertRefError {
  message: string;
  /** Only a ReferenceGrant is missing (RefNotPermitted), not the reference itself wrong (InvalidCertificateRef). */
  notPermitted: boolean;
  /** A group/kind this implementation cannot take: the listener is invalid whatever its other refs say. */
  fatal: boolean;
}

/** One certificateRef checked as NGF does: group and kind (validateTLSTerminateConfig), the ReferenceGrant, then
 *  the Secret itself: type kubernetes.io/tls with a PEM certificate and key (resolveTLSCertRef, resolver/secrets.go;
 *  NGF also checks that the pair parses as X.509, which the lab does not). */
type CertificateRef = NonNullable<NonNullable<GatewayListener['tls']>['certificateRefs']>[number];

function certRefError(cluster: Cluster, gw: Gateway, ref: CertificateRef, i: number): CertRefError | null {
  const path = `tls.certificateRefs[${i}]`;
  const bad = (message: string, fatal = false) => ({ message, notPermitted: false, fatal });
  if ((ref.kind ?? 'Secret') !== 'Secret') {
    return bad(`${path}.kind: Unsupported value: "${ref.kind}": supported values: "Secret"`, true);
  }
  if ((ref.group ?? '') !== '') {
    return bad(`${path}.group: Unsupported value: "${ref.group}": supported values: ""`, true);
  }
  const refNs = ref.namespace ?? ns(gw);
  const from = { group: GATEWAY_GROUP, kind: 'Gateway', namespace: ns(gw) };
  if (refNs !== ns(gw)
    && !granted(cluster.referenceGrants, from, { group: '', kind: 'Secret', namespace: refNs, name: ref.name })) {
    const message = `Certificate ref to secret ${refNs}/${ref.name} not permitted by any ReferenceGrant`;
    return { message, notPermitted: true, fatal: false };
  }
  const secret = cluster.secrets.find((s) => ns(s) === refNs && s.metadata.name === ref.name);
  const invalid = (why: string) => bad(`${path}: Invalid value: "${refNs}/${ref.name}": ${why}`);
  if (!secret) return invalid(`secret ${refNs}/${ref.name} does not exist`);
  const type = secret.type ?? 'Opaque';
  if (type !== 'kubernetes.io/tls') return invalid(`unsupported secret type "${type}"`);
  const tls = tlsFromSecret(secret);
  if (!tls.certPem) return invalid('tls: failed to find any PEM data in certificate input');
  if (!tls.keyPem) return invalid('tls: failed to find any PEM data in key input');
  return null;
}

interface CertProblem {
  reason: 'InvalidCertificateRef' | 'RefNotPermitted';
  message: string;
  /** No certificate left: the listener is not Accepted (else only ResolvedRefs is False). */
  listenerInvalid: boolean;
}

/** The listener's certificateRefs together (NGF applyCertRefErrors): InvalidCertificateRef when any ref is
 *  wrong, RefNotPermitted when only grants are missing; the listener stays valid while one ref resolves. */
function certificateProblem(cluster: Cluster, gw: Gateway, l: GatewayListener): CertProblem | null {
  const refs = l.tls?.certificateRefs ?? [];
  if (refs.length === 0) {
    const message = 'tls.certificateRefs: Required value: certificateRefs must be defined for TLS mode terminate';
    return { reason: 'InvalidCertificateRef', message, listenerInvalid: true };
  }
  const errors = refs.map((ref, i) => certRefError(cluster, gw, ref, i)).filter((e): e is CertRefError => !!e);
  if (errors.length === 0) return null;
  return {
    reason: errors.some((e) => !e.notPermitted) ? 'InvalidCertificateRef' : 'RefNotPermitted',
    message: errors.map((e) => e.message).join('; '),
    listenerInvalid: errors.length === refs.length || errors.some((e) => e.fatal),
  };
}

function buildListeners(cluster: Cluster, gw: Gateway): ListenerGraph[] {
  const g = generation(gw);
  const listeners = gw.spec.listeners ?? [];
  return listeners.map((l, index): ListenerGraph => {
    const conditions: GatewayCondition[] = [];
    const kinds = listenerKinds(l);
    let valid = true;
    if (l.protocol !== 'HTTP' && l.protocol !== 'HTTPS') {
      valid = false;
      conditions.push(cond(
        'Accepted',
        'False',
        'UnsupportedProtocol',
        `Protocol "${l.protocol}" is not supported, use one of HTTP, HTTPS`,
        g,
      ));
    }
    // Listeners on one port must agree on the protocol, and on their hostnames (ProtocolConflict, HostnameConflict).
    const samePort = listeners.filter((o, i) => i !== index && o.port === l.port);
    const protoConflict = samePort.some((o) => o.protocol !== l.protocol);
    const hostConflict = samePort.some((o) => o.protocol === l.protocol && (o.hostname ?? '') === (l.hostname ?? ''));
    const tls = l.protocol === 'HTTPS' ? certificateProblem(cluster, gw, l) : null;
    if (valid && !protoConflict && !hostConflict) {
      conditions.push(tls?.listenerInvalid
        ? cond('Accepted', 'False', tls.reason, tls.message, g)
        : cond('Accepted', 'True', 'Accepted', 'Listener is accepted', g));
    }
    if (protoConflict || hostConflict) {
      valid = false;
      const reason = protoConflict ? 'ProtocolConflict' : 'HostnameConflict';
      const message = protoConflict
        ? 'Multiple listeners for the same port use different protocols'
        : 'Multiple listeners for the same port use the same hostname';
      conditions.push(cond('Accepted', 'False', reason, message, g));
      conditions.push(cond('Conflicted', 'True', reason, message, g));
    } else conditions.push(cond('Conflicted', 'False', 'NoConflicts', 'No conflicts', g));
    if (kinds.invalid) {
      conditions.push(cond(
        'ResolvedRefs',
        'False',
        'InvalidRouteKinds',
        'Route kinds are invalid: only HTTPRoute is supported',
        g,
      ));
    } else if (tls) {
      if (tls.listenerInvalid) valid = false;
      conditions.push(cond('ResolvedRefs', 'False', tls.reason, tls.message, g));
    } else conditions.push(cond('ResolvedRefs', 'True', 'ResolvedRefs', 'All references are resolved', g));
    const programmed = valid && !kinds.invalid;
    conditions.push(programmed ? cond(
      'Programmed',
      'True',
      'Programmed',
      'Listener is programmed',
      g,
    ) : cond('Programmed', 'False', 'Invalid', 'Listener is invalid', g));
    return {
      listener: l,
      index,
      valid: valid && kinds.supported.length > 0,
      supportedKinds: kinds.supported,
      conditions,
      attachedRoutes: 0,
    };
  });
}

// ---------------------------------------------------------------- ReferenceGrant (§14.1)

export function granted(
  grants: readonly ReferenceGrant[],
  from: { group: string; kind: string; namespace: string },
  to: { group: string; kind: string; namespace: string; name: string },
): boolean {
  return grants.some(
    (g) =>
      ns(g) === to.namespace &&
      (g.spec.from ?? []).some(
        (f) => f.group === from.group && f.kind === from.kind && f.namespace === from.namespace
      ) &&
      (g.spec.to ?? []).some((t) => t.group === to.group && t.kind === to.kind && (!t.name || t.name === to.name)),
  );
}

// ---------------------------------------------------------------- backends (§14.6)

export function ngfUpstreamName(namespace: string, name: string, port: number): string {
  return `${namespace}_${name}_${port}`;
}

export const INVALID_BACKEND_UPSTREAM = 'invalid-backend-ref';

/**
 * The words of a backendRef problem. A mirror's backendRef gets NGF's own field errors, which name the
 * filter (graph backend_refs.go backendRefPath, validateBackendRefHTTPRoute, getPortFromRef), so a
 * reader can tell it from the rule's backendRefs.
 */
function backendProblem(
  reason: BackendProblem,
  lab: string,
  ngf: { path: string; field: string; body: string } | null,
): { reason: BackendProblem; message: string } {
  return { reason, message: ngf ? `${ngf.path}${ngf.field ? `.${ngf.field}` : ''}${ngf.body}` : lab };
}

function resolveBackend(cluster: Cluster, route: HTTPRoute, b: HTTPBackendRef, ngfPath?: string): ResolvedBackend {
  const namespace = b.namespace ?? ns(route);
  const group = b.group ?? '';
  const kind = b.kind ?? 'Service';
  const port = b.port ?? null;
  const base = {
    ref: b,
    weight: b.weight ?? 1,
    service: `${namespace}/${b.name}`,
    namespace,
    name: b.name,
    port,
    upstream: port !== null ? ngfUpstreamName(namespace, b.name, port) : INVALID_BACKEND_UPSTREAM,
    endpoints: [] as UpstreamEndpoint[],
    filters: b.filters ?? [],
  };
  const at = (field: string, body: string) => (ngfPath !== undefined ? { path: ngfPath, field, body } : null);
  const bad = (reason: BackendProblem, lab: string, ngf: ReturnType<typeof at> = null): ResolvedBackend => (
    { ...base, problem: backendProblem(reason, lab, ngf) });
  if (group !== '' || kind !== 'Service') {
    const groupKind = `${group ? `${group}/` : ''}${kind}`;
    const ngf = group !== '' && group !== 'core'
      ? at('group', `: Unsupported value: "${group}": supported values: "core", "", "inference.networking.k8s.io"`)
      : at('kind', `: Unsupported value: "${kind}": supported values: "Service", "InferencePool"`);
    return bad('InvalidKind', `The kind ${groupKind} is not supported`, ngf);
  }
  const from = { group: GATEWAY_GROUP, kind: 'HTTPRoute', namespace: ns(route) };
  if (namespace !== ns(route)
    && !granted(cluster.referenceGrants, from, { group: '', kind: 'Service', namespace, name: b.name })) {
    const why = `Backend ref to Service ${namespace}/${b.name} not permitted by any ReferenceGrant`;
    return bad('RefNotPermitted', why, at('namespace', `: Forbidden: ${why}`));
  }
  const svc: Service | undefined = cluster.services.find((s) => ns(s) === namespace && s.metadata.name === b.name);
  if (!svc) return bad('BackendNotFound', `Service "${b.name}" not found`, at('name', `: Not found: "${b.name}"`));
  if (svc.spec.type === 'ExternalName') return bad('UnsupportedValue', 'ExternalName Services are not supported');
  const sp: ServicePort | undefined = (svc.spec.ports ?? []).find((p) => p.port === port);
  if (!sp) {
    const lab = `port ${port ?? '<none>'} not found in Service ${namespace}/${b.name}`;
    const ngf = port === null ? at('port', ': Required value: port cannot be nil')
      : { path: '', field: '', body: `No matching port for Service ${b.name} and port ${port}` };
    return bad(port === null ? 'UnsupportedValue' : 'BackendNotFound', lab, ngfPath !== undefined ? ngf : null);
  }
  const ap = sp.appProtocol;
  if (ap && !['http', 'kubernetes.io/h2c', 'kubernetes.io/ws'].includes(ap)) {
    return bad('UnsupportedProtocol', `The Service port appProtocol "${ap}" is not supported`);
  }
  return { ...base, problem: null, endpoints: serviceEndpoints(cluster, namespace, svc, sp) };
}

type MirrorFilter = NonNullable<HTTPRouteFilter['requestMirror']>;

/** NGF's share for a mirror filter (dataplane convert.go convertHTTPRequestMirrorFilter). */
export function mirrorPercent(m: MirrorFilter): number {
  if (m.percent !== undefined) return m.percent;
  if (m.fraction) return (m.fraction.numerator * 100) / (m.fraction.denominator ?? 100);
  return 100;
}

/** The internal location a mirror copies to (state/mirror BackendPath): the backendRef's namespace only
 *  when the filter names one. */
export function mirrorPath(ref: BackendObjectReference, route: HTTPRoute, ruleIndex: number): string {
  const prefix = '/_ngf-internal-mirror';
  const tail = `${ns(route)}/${route.metadata.name}-${ruleIndex}`;
  return ref.namespace !== undefined
    ? `${prefix}-${ref.namespace}/${ref.name}-${tail}`
    : `${prefix}-${ref.name}-${tail}`;
}

function buildMirrors(cluster: Cluster, route: HTTPRoute, rule: HTTPRouteRule, index: number): ResolvedMirror[] {
  const filters = rule.filters ?? [];
  const out: ResolvedMirror[] = [];
  filters.forEach((f, filterIndex) => {
    if (f.type !== 'RequestMirror' || !f.requestMirror) return;
    const path = mirrorPath(f.requestMirror.backendRef, route, index);
    const percent = mirrorPercent(f.requestMirror);
    const seen = out.find((m) => m.path === path);
    if (seen) {
      seen.percent = Math.max(seen.percent, percent);
      return;
    }
    const ref: HTTPBackendRef = { ...f.requestMirror.backendRef };
    const backend = resolveBackend(cluster, route, ref, `spec.rules[${index}].filters[${filterIndex}].backendRef`);
    const internal: HTTPRouteRule = {
      matches: [{ path: { type: 'Exact', value: path } }],
      filters: filters.filter((x) => x.type !== 'RequestMirror'),
      backendRefs: [ref],
    };
    const generated = { rule: internal, index, invalidFilter: null, backends: [backend], mirrors: [] };
    out.push({ filterIndex, path, percent, backend, rule: generated });
  });
  return out;
}

function buildRule(cluster: Cluster, route: HTTPRoute, rule: HTTPRouteRule, index: number): RuleGraph {
  const filters = rule.filters ?? [];
  const extension = filters.find((f) => f.type === 'ExtensionRef');
  return {
    rule,
    index,
    invalidFilter: extension
      ? `ExtensionRef ${extension.extensionRef?.kind ?? ''}/${extension.extensionRef?.name ?? ''}`
      : null,
    backends: (rule.backendRefs ?? []).map((b) => resolveBackend(cluster, route, b)),
    // A rule whose filters are invalid gets no mirror routes (NGF builds them only for valid filters).
    mirrors: extension ? [] : buildMirrors(cluster, route, rule, index),
  };
}

// ---------------------------------------------------------------- attachment (§14.2)

function namespaceAllowed(cluster: Cluster, gw: Gateway, l: GatewayListener, routeNs: string): boolean {
  const from = l.allowedRoutes?.namespaces?.from ?? 'Same';
  if (from === 'All') return true;
  if (from === 'Same') return routeNs === ns(gw);
  const sel = l.allowedRoutes?.namespaces?.selector;
  if (!sel) return false;
  const nsObj = cluster.namespaces.find((n) => n.metadata.name === routeNs);
  const labels = { ...(nsObj?.metadata.labels ?? {}), 'kubernetes.io/metadata.name': routeNs };
  return selectorMatches(sel, labels);
}

/**
 * Listener isolation (Extended feature `GatewayHTTPListenerIsolation`, which NGF claims): a request should
 * match the routes of one listener only, the most specific one for its host. nginx's server selection
 * already sends `foo.example.com` to that listener's server; what it cannot stop is a route that names
 * another listener's hostname itself. NGF drops such hostnames from a route attached by `sectionName` to a
 * listener when another listener of the same Gateway and port has exactly that hostname (graph
 * `isolateHostnamesForParentRefs`); a route attached without `sectionName` keeps them. The route stays
 * Accepted and attached even when nothing is left.
 */
function isolateHostnames(hosts: readonly string[], own: GatewayListener, gw: GatewayGraph): string[] {
  const taken = new Set<string>();
  for (const { listener: l } of gw.listeners) {
    if (l.name !== own.name && l.port === own.port && l.hostname) taken.add(l.hostname);
  }
  return hosts.filter((h) => !taken.has(h));
}

function attach(
  cluster: Cluster,
  route: HTTPRoute,
  ref: ParentReference,
  gw: GatewayGraph,
  g: number,
): { conditions: GatewayCondition[]; attachments: RouteAttachment[] } {
  const candidates = gw.listeners.filter(
    (lg) => (
      ref.sectionName === undefined || lg.listener.name === ref.sectionName
    ) && (ref.port === undefined || lg.listener.port === ref.port)
  );
  if (candidates.length === 0) {
    const what = ref.sectionName !== undefined ? `sectionName ${ref.sectionName}` : `port ${ref.port}`;
    return {
      conditions: [cond('Accepted', 'False', 'NoMatchingParent', `No listener matches the parentRef's ${what}`, g)],
      attachments: [],
    };
  }
  const allowed = candidates.filter(
    (lg) => namespaceAllowed(
      cluster,
      gw.gateway,
      lg.listener,
      ns(route),
    ) && lg.supportedKinds.some((k) => k.kind === 'HTTPRoute'),
  );
  if (allowed.length === 0) {
    return {
      conditions: [cond('Accepted', 'False', 'NotAllowedByListeners', 'Route is not allowed by any listener', g)],
      attachments: [],
    };
  }
  const attachments: RouteAttachment[] = [];
  for (const lg of allowed) {
    const routeHosts = route.spec.hostnames ?? [];
    const hosts = routeHosts.length === 0 ? [lg.listener.hostname ?? ''] : routeHosts.map((h) => intersectHostnames(
      lg.listener.hostname,
      h,
    )).filter((h): h is string => h !== null);
    if (hosts.length === 0) continue;
    const isolated = ref.sectionName === undefined ? hosts : isolateHostnames(hosts, lg.listener, gw);
    attachments.push({ gateway: gw.key, listener: lg.listener.name, hostnames: [...new Set(isolated)] });
  }
  if (attachments.length === 0) {
    return {
      conditions: [cond(
        'Accepted',
        'False',
        'NoMatchingListenerHostname',
        'Listener hostname does not match the HTTPRoute hostnames',
        g,
      )],
      attachments: [],
    };
  }
  return { conditions: [], attachments };
}

function resolvedRefsCondition(rules: readonly RuleGraph[], g: number): GatewayCondition {
  // A rule's mirror backendRefs are checked after its backendRefs (NGF appends them to the rule's refs).
  for (const r of rules) {
    for (const b of [...r.backends, ...r.mirrors.map((m) => m.backend)]) if (b.problem) return cond(
      'ResolvedRefs',
      'False',
      b.problem.reason,
      b.problem.message,
      g,
    );
  }
  return cond('ResolvedRefs', 'True', 'ResolvedRefs', 'All references are resolved', g);
}

function buildRoute(cluster: Cluster, route: HTTPRoute, gateways: readonly GatewayGraph[]): RouteGraph | null {
  const g = generation(route);
  const key = `${ns(route)}/${route.metadata.name}`;
  const parents: RouteGraph['parents'] = [];
  const attachments: RouteAttachment[] = [];
  const rules = (route.spec.rules ?? [{}]).map((r, i) => buildRule(cluster, route, r, i));
  for (const ref of route.spec.parentRefs ?? []) {
    if ((ref.group ?? GATEWAY_GROUP) !== GATEWAY_GROUP || (ref.kind ?? 'Gateway') !== 'Gateway') continue;
    const gw = gateways.find((x) => x.key === `${ref.namespace ?? ns(route)}/${ref.name}`);
    if (!gw) continue; // not a Gateway of a class this controller owns: another controller's status to write
    const a = attach(cluster, route, ref, gw, g);
    const conditions = [...a.conditions];
    if (a.attachments.length > 0) {
      conditions.push(cond('Accepted', 'True', 'Accepted', 'The route is accepted', g));
      attachments.push(...a.attachments);
    }
    conditions.push(resolvedRefsCondition(rules, g));
    parents.push({ parentRef: ref, conditions });
  }
  if (parents.length === 0) return null;
  return { route, key, rules, attachments, parents };
}

/** Creation order, then "namespace/name": the spec's tie-breakers between routes (and NGF's sort). */
export function compareRouteAge(a: HTTPRoute, b: HTTPRoute): number {
  const ta = a.metadata.creationTimestamp ?? '';
  const tb = b.metadata.creationTimestamp ?? '';
  if (ta !== tb) return ta < tb ? -1 : 1;
  const ka = `${ns(a)}/${a.metadata.name}`;
  const kb = `${ns(b)}/${b.metadata.name}`;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

export function buildGatewayGraph(cluster: Cluster, settings: GatewayAPISettings): GatewayAPIGraph {
  const classes = cluster.gatewayClasses.map((cls) => ({
    cls,
    accepted: cls.spec.controllerName === settings.controllerName,
  }));
  const ours = new Set(classes.filter((c) => c.accepted).map((c) => c.cls.metadata.name));
  const gateways: GatewayGraph[] = cluster.gateways
    .filter((gw) => ours.has(gw.spec.gatewayClassName))
    .map((gw) => ({
      gateway: gw,
      key: `${ns(gw)}/${gw.metadata.name}`,
      className: gw.spec.gatewayClassName,
      listeners: buildListeners(cluster, gw),
    }))
    .sort((a, b) => (a.key < b.key ? -1 : 1));
  const routes = [...cluster.httpRoutes]
    .sort(compareRouteAge)
    .map((r) => buildRoute(cluster, r, gateways))
    .filter((r): r is RouteGraph => r !== null);
  for (const r of routes) {
    for (const a of r.attachments) {
      const lg = gateways.find((g) => g.key === a.gateway)?.listeners.find((l) => l.listener.name === a.listener);
      if (lg) lg.attachedRoutes++;
    }
  }
  return { controllerName: settings.controllerName, classes, gateways, routes };
}

// ---------------------------------------------------------------- status written onto the objects

export function gatewayClassStatus(c: { cls: GatewayClass; accepted: boolean }): GatewayClass['status'] | undefined {
  if (!c.accepted) return c.cls.status;
  const g = generation(c.cls);
  return {
    conditions: [
      cond('Accepted', 'True', 'Accepted', 'GatewayClass is accepted', g),
      cond('SupportedVersion', 'True', 'SupportedVersion', 'The Gateway API CRD versions are supported', g),
    ],
  };
}

/**
 * NGF takes only its own NginxProxy as a Gateway's spec.infrastructure.parametersRef (graph gateway.go
 * validateParametersRef, supportedParamKinds); another kind makes the Gateway Accepted=False/InvalidParameters
 * while its data plane stays as it was. NginxProxy itself is not modelled: such a reference is taken as resolved.
 */
function parametersRefOf(gw: Gateway): { kind?: unknown } | undefined {
  const infra = gw.spec.infrastructure as { parametersRef?: { kind?: unknown } } | undefined;
  return infra?.parametersRef;
}

function parametersRefProblem(gw: Gateway): string | null {
  const ref = parametersRefOf(gw);
  if (!ref || ref.kind === 'NginxProxy') return null;
  return `Spec.infrastructure.parametersRef.kind: Unsupported value: "${String(ref.kind)}": ` +
    'supported values: "NginxProxy"';
}

export function gatewayStatus(
  gw: GatewayGraph,
  address: { type: string; value: string } | null,
  dataPlaneReady: boolean,
): NonNullable<Gateway['status']> {
  const g = generation(gw.gateway);
  const invalid = gw.listeners.filter((l) => !l.valid);
  const allInvalid = invalid.length === gw.listeners.length;
  const params = parametersRefProblem(gw.gateway);
  const accepted = allInvalid
    ? cond('Accepted', 'False', 'ListenersNotValid', 'All listeners are invalid', g)
    : params
      ? cond('Accepted', 'False', 'InvalidParameters', `The Gateway is not accepted due to an invalid ParametersRef: ${
        params}`, g)
      : invalid.length > 0
        ? cond('Accepted', 'True', 'ListenersNotValid', 'Some listeners are invalid', g)
        : cond('Accepted', 'True', 'Accepted', 'Gateway is accepted', g);
  const programmed = !address
    ? cond('Programmed', 'False', 'AddressNotAssigned', 'The data plane Service has no address yet', g)
    : !dataPlaneReady
      ? cond('Programmed', 'False', 'Pending', 'The data plane pod is not ready', g)
      : allInvalid
        ? cond('Programmed', 'False', 'Invalid', 'All listeners are invalid', g)
        : cond('Programmed', 'True', 'Programmed', 'Gateway is programmed', g);
  const listeners: ListenerStatus[] = gw.listeners.map((l) => ({
    name: l.listener.name,
    supportedKinds: l.supportedKinds,
    attachedRoutes: l.attachedRoutes,
    conditions: l.conditions,
  }));
  // With a parametersRef NGF also reports whether it resolved (graph validateGatewayRefs).
  const resolved = !parametersRefOf(gw.gateway) ? []
    : [params ? cond('ResolvedRefs', 'False', 'ParametersRefInvalid', params, g)
      : cond('ResolvedRefs', 'True', 'ResolvedRefs', 'All references are resolved', g)];
  return { ...(address ? { addresses: [address] } : {}), conditions: [accepted, programmed, ...resolved], listeners };
}

export function routeStatus(
  r: RouteGraph,
  controllerName: string,
  previous: HTTPRoute['status'],
): NonNullable<HTTPRoute['status']> {

  // Parents other controllers wrote stay; ours are replaced (as each controller owns its entries).
  const others = (previous?.parents ?? []).filter((p) => p.controllerName !== controllerName);
  const ours = r.parents.map((p) => ({
    parentRef: {
      group: p.parentRef.group ?? GATEWAY_GROUP,
      kind: p.parentRef.kind ?? 'Gateway',
      namespace: p.parentRef.namespace ?? ns(r.route),
      name: p.parentRef.name,
      ...(p.parentRef.sectionName !== undefined ? { sectionName: p.parentRef.sectionName } : {}),
      ...(p.parentRef.port !== undefined ? { port: p.parentRef.port } : {}),
    },
    controllerName,
    conditions: p.conditions,
  }));
  return { parents: [...others, ...ours] };
}
