// The controller-independent Ingress model: which Ingresses a controller serves (IngressClass
// resolution), their rules merged per host (oldest Ingress wins a conflict), the backends with the
// pod endpoints they resolve to, TLS from Secrets and the annotations that shape each location.
// Mirrors ingress-nginx's model layer between API objects and text (pkg/apis/ingress/types.go,
// controller.go createServers/createUpstreams) [SEMANTICS §9, §10].

import type {
  HTTPIngressPath,
  Ingress,
  IngressBackend,
  IngressClass,
  PathType,
  Secret,
  Service,
  ServicePort,
} from '../api/types';
import type { Cluster } from '../cluster';
import type { IngressAddon, IngressControllerKind } from '../lab';
import { parseCidr } from '../net/ip';
import { annotationBool, annotationInt, annotationValue, NGINX_PREFIX } from './annotations';

// ---------------------------------------------------------------- IngressClass resolution

export const DEFAULT_CLASS_ANNOTATION = 'ingressclass.kubernetes.io/is-default-class';
export const LEGACY_CLASS_ANNOTATION = 'kubernetes.io/ingress.class';

/** The `spec.controller` value of each controller's IngressClass. */
export const CONTROLLER_NAMES: Readonly<Record<IngressControllerKind, string>> = {
  nginx: 'k8s.io/ingress-nginx',
  traefik: 'traefik.io/ingress-controller',
};

export function controllerKindOf(controllerName: string): IngressControllerKind | null {
  if (controllerName === CONTROLLER_NAMES.nginx) return 'nginx';
  // Older Traefik charts wrote "traefik.io/ingress-controller"; some docs show "traefik.io/ingress".
  if (controllerName === CONTROLLER_NAMES.traefik || controllerName === 'traefik.io/ingress') return 'traefik';
  return null;
}

export type IngressClassVia = 'spec' | 'annotation' | 'default' | 'none';

export interface IngressClassResolution {
  /** The class name the Ingress ends up with, or null when it has none. */
  className: string | null;
  via: IngressClassVia;
  /** The IngressClass object, when one exists with that name. */
  ingressClass: IngressClass | null;
}

/** The default IngressClass: exactly one annotated is-default-class "true" (more than one blocks
 *  class-less Ingresses). */
export function defaultIngressClass(classes: readonly IngressClass[]): IngressClass | null {
  const defaults = classes.filter((c) => c.metadata.annotations?.[DEFAULT_CLASS_ANNOTATION] === 'true');
  return defaults.length === 1 ? defaults[0]! : null;
}

/** spec.ingressClassName, else the deprecated kubernetes.io/ingress.class annotation, else the default class. */
export function resolveIngressClass(ing: Ingress, classes: readonly IngressClass[]): IngressClassResolution {
  const byName = (n: string) => classes.find((c) => c.metadata.name === n) ?? null;
  if (ing.spec.ingressClassName) {
    return { className: ing.spec.ingressClassName, via: 'spec', ingressClass: byName(ing.spec.ingressClassName) };
  }
  const legacy = ing.metadata.annotations?.[LEGACY_CLASS_ANNOTATION];
  if (legacy) return { className: legacy, via: 'annotation', ingressClass: byName(legacy) };
  const def = defaultIngressClass(classes);
  if (def) return { className: def.metadata.name, via: 'default', ingressClass: def };
  return { className: null, via: 'none', ingressClass: null };
}

export interface IngressServing {
  namespace: string;
  name: string;
  served: boolean;
  className: string | null;
  via: IngressClassVia;
  /** Why it is not served (in words a learner understands). */
  reason?: string;
}

/** Whether the controller of `addon` serves this Ingress. */
export function servesIngress(addon: IngressAddon, ing: Ingress, classes: readonly IngressClass[]): IngressServing {
  const r = resolveIngressClass(ing, classes);
  const base = { namespace: ns(ing), name: ing.metadata.name, className: r.className, via: r.via };
  if (r.className === null) return { ...base, served: false, reason: 'no IngressClass and no default IngressClass' };
  if (r.className !== addon.className) return {
    ...base,
    served: false,
    reason: `class "${r.className}" belongs to another controller`,
  };
  // ingress-nginx still honours the legacy annotation when no IngressClass object exists.
  if (r.via !== 'annotation' && r.ingressClass === null) {
    return { ...base, served: false, reason: `IngressClass "${r.className}" does not exist` };
  }
  if (r.ingressClass && controllerKindOf(r.ingressClass.spec.controller) !== addon.controller) {
    return {
      ...base,
      served: false,
      reason: `IngressClass "${r.className}" names controller ${r.ingressClass.spec.controller}`,
    };
  }
  return { ...base, served: true };
}

/** Oldest first (creationTimestamp, then namespace/name): the order in which conflicts are won. */
export function compareIngressAge(a: Ingress, b: Ingress): number {
  const ta = a.metadata.creationTimestamp ?? '';
  const tb = b.metadata.creationTimestamp ?? '';
  if (ta !== tb) return ta < tb ? -1 : 1;
  const ka = `${ns(a)}/${a.metadata.name}`;
  const kb = `${ns(b)}/${b.metadata.name}`;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

// ---------------------------------------------------------------- matching per the Ingress spec

/**
 * Whether a request path matches one Ingress path per the spec [ING-DOC]: Exact is string equality;
 * Prefix compares `/`-separated elements, ignoring trailing slashes (`/aaa/bb` does not match `/aaa/bbb`).
 * ImplementationSpecific is not defined by the spec: callers use their controller's rule.
 */
export function specPathMatches(pathType: 'Exact' | 'Prefix', rulePath: string, requestPath: string): boolean {
  if (pathType === 'Exact') return rulePath === requestPath;
  const ruleEls = rulePath.split('/').filter((e) => e !== '');
  const reqEls = requestPath.split('/').filter((e) => e !== '');
  if (ruleEls.length > reqEls.length) return false;
  return ruleEls.every((e, i) => reqEls[i] === e);
}

export interface SpecPath {
  path: string;
  pathType: PathType;
}

/**
 * The path that serves a request among a host's paths, per the spec: the longest match wins, and
 * Exact beats Prefix on a tie. ImplementationSpecific paths are matched as a plain string prefix
 * (Traefik's PathPrefix; ingress-nginx makes them Prefix first, see withNginxPathTypes). Returns
 * the index, or -1.
 */
export function selectSpecPath(paths: readonly SpecPath[], requestPath: string): number {
  let best = -1;
  let bestLen = -1;
  let bestExact = false;
  paths.forEach((p, i) => {
    const rulePath = p.path || '/';
    const ok =
      p.pathType === 'ImplementationSpecific'
        ? requestPath.startsWith(rulePath)
        : specPathMatches(p.pathType, rulePath, requestPath);
    if (!ok) return;
    // Length of the matched path, trailing slash ignored for Prefix (`/foo/` and `/foo` tie).
    const len = p.pathType === 'Prefix' ? rulePath.replace(/\/+$/, '').length : rulePath.length;
    const exact = p.pathType === 'Exact';
    if (len > bestLen || (len === bestLen && exact && !bestExact)) {
      best = i;
      bestLen = len;
      bestExact = exact;
    }
  });
  return best;
}

/** Host matching [ING-DOC, CONF host_rules]: exact (case-insensitive, as DNS), and `*.` covering exactly one label. */
export function hostMatches(ruleHost: string | undefined, requestHost: string): boolean {
  if (!ruleHost) return true;
  const host = requestHost.toLowerCase().replace(/:\d+$/, '');
  const rule = ruleHost.toLowerCase();
  if (!rule.startsWith('*.')) return rule === host;
  const suffix = rule.slice(1); // ".foo.com"
  if (!host.endsWith(suffix)) return false;
  const label = host.slice(0, host.length - suffix.length);
  return label.length > 0 && !label.includes('.');
}

// ---------------------------------------------------------------- backends and endpoints

export interface UpstreamEndpoint {
  address: string;
  port: number;
  /** The pod behind the address, when the EndpointSlice names one. */
  pod?: string;
  node?: string;
}

export interface BackendModel {
  /** `<namespace>-<service>-<port>` [NGX-CTRL upstreamName]; `upstream-default-backend` for the controller's own. */
  upstreamName: string;
  namespace: string;
  service: string;
  /** The port as the Ingress names it (number or name). */
  port: number | string;
  serviceFound: boolean;
  servicePort: ServicePort | null;
  clusterIP: string | null;
  /** Ready pod endpoints, sorted by address then port. */
  endpoints: UpstreamEndpoint[];
  /** nginx.ingress.kubernetes.io/service-upstream: proxy to ClusterIP:port instead of the endpoints. */
  serviceUpstream: boolean;
  /** The controller's own default backend (404), not a user Service. */
  isControllerDefault: boolean;
}

export const DEFAULT_BACKEND_UPSTREAM = 'upstream-default-backend';
/** `--default-backend-service=<namespace>/<name>` split, or null when the controller answers 404 itself. */
export function defaultBackendRef(addon: IngressAddon): { namespace: string; name: string } | null {
  const [namespace, name] = addon.defaultBackendService?.split('/') ?? [];
  return namespace && name ? { namespace, name } : null;
}

/** Where ingress-nginx serves its own 404 when no default backend Service is configured. */
export const INTERNAL_DEFAULT_SERVER = { address: '127.0.0.1', port: 8181 } as const;

export function upstreamName(namespace: string, service: string, port: number | string): string {
  return `${namespace}-${service}-${port}`;
}

/** Ready endpoints of a Service port, read from its EndpointSlices (label kubernetes.io/service-name). */
export function serviceEndpoints(
  cluster: Cluster,
  namespace: string,
  service: Service,
  sp: ServicePort,
): UpstreamEndpoint[] {
  const out: UpstreamEndpoint[] = [];
  const seen = new Set<string>();
  for (const slice of cluster.endpointSlices) {
    if ((slice.metadata.namespace ?? 'default') !== namespace) continue;
    if (slice.metadata.labels?.['kubernetes.io/service-name'] !== service.metadata.name) continue;
    if (slice.addressType !== 'IPv4') continue;
    const port = (slice.ports ?? []).find((p) => (p.name ?? '') === (sp.name ?? ''));
    if (!port || port.port === undefined) continue;
    for (const ep of slice.endpoints) {
      // ready unset means ready (discovery.k8s.io/v1); ingress-nginx only balances to ready endpoints.
      if (ep.conditions?.ready === false) continue;
      const address = ep.addresses[0];
      if (!address) continue;
      const key = `${address}:${port.port}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({
        address,
        port: port.port,
        ...(ep.targetRef?.kind === 'Pod' ? { pod: ep.targetRef.name } : {}),
        ...(ep.nodeName ? { node: ep.nodeName } : {}),
      });
    }
  }
  const hasSlice = () => cluster.endpointSlices.some((sl) => (sl.metadata.namespace ?? 'default') === namespace
    && sl.metadata.labels?.['kubernetes.io/service-name'] === service.metadata.name);
  if (out.length === 0 && !hasSlice()) {
    // No EndpointSlice at all (e.g. a hand-written Endpoints object for a selectorless Service
    // that nothing mirrored): read the legacy Endpoints, as controllers before EndpointSlices did.
    const eps = cluster.endpoints.find(
      (e) => (e.metadata.namespace ?? 'default') === namespace && e.metadata.name === service.metadata.name
    );
    for (const subset of eps?.subsets ?? []) {
      const port = (subset.ports ?? []).find((p) => (p.name ?? '') === (sp.name ?? '')) ?? (
        subset.ports?.length === 1 ? subset.ports[0] : undefined
      );
      if (!port) continue;
      for (const a of subset.addresses ?? []) {
        if (seen.has(`${a.ip}:${port.port}`)) continue;
        seen.add(`${a.ip}:${port.port}`);
        out.push({
          address: a.ip,
          port: port.port,
          ...(a.targetRef?.kind === 'Pod' ? { pod: a.targetRef.name } : {}),
          ...(a.nodeName ? { node: a.nodeName } : {}),
        });
      }
    }
  }
  return out.sort((a, b) => compareAddr(a.address, b.address) || a.port - b.port);
}

function compareAddr(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 4; i++) if ((pa[i] ?? 0) !== (pb[i] ?? 0)) return (pa[i] ?? 0) - (pb[i] ?? 0);
  return a < b ? -1 : a > b ? 1 : 0;
}

export function resolveBackend(
  cluster: Cluster,
  namespace: string,
  backend: IngressBackend,
  serviceUpstream: boolean,
): BackendModel | null {
  const svcRef = backend.service;
  if (!svcRef) return null; // resource backends are not modelled
  const port: number | string = svcRef.port.number ?? svcRef.port.name ?? 0;
  const service = cluster.services.find(
    (s) => (s.metadata.namespace ?? 'default') === namespace && s.metadata.name === svcRef.name
  );
  const sp =
    service?.spec.ports?.find((p) => (typeof port === 'number' ? p.port === port : p.name === port)) ?? null;
  const endpoints = service && sp ? serviceEndpoints(cluster, namespace, service, sp) : [];
  const clusterIP = service?.spec.clusterIP && service.spec.clusterIP !== 'None' ? service.spec.clusterIP : null;
  return {
    upstreamName: upstreamName(namespace, svcRef.name, port),
    namespace,
    service: svcRef.name,
    port,
    serviceFound: service !== undefined,
    servicePort: sp,
    clusterIP,
    endpoints,
    serviceUpstream: serviceUpstream && clusterIP !== null && sp !== null,
    isControllerDefault: false,
  };
}

/** The controller's default backend: its `--default-backend-service`, else ingress-nginx's internal 404 server. */
export function controllerDefaultBackend(cluster: Cluster, addon: IngressAddon): BackendModel {
  const ref = defaultBackendRef(addon);
  const svc = ref
    ? cluster.services.find(
      (s) => (s.metadata.namespace ?? 'default') === ref.namespace && s.metadata.name === ref.name
    )
    : undefined;
  const sp = svc?.spec.ports?.[0] ?? null;
  const endpoints = ref && svc && sp ? serviceEndpoints(cluster, ref.namespace, svc, sp) : [];
  return {
    upstreamName: DEFAULT_BACKEND_UPSTREAM,
    namespace: ref?.namespace ?? addon.namespace,
    service: svc ? svc.metadata.name : '',
    port: sp?.port ?? INTERNAL_DEFAULT_SERVER.port,
    serviceFound: svc !== undefined,
    servicePort: sp,
    clusterIP: null,
    endpoints: endpoints.length > 0 ? endpoints : [{ ...INTERNAL_DEFAULT_SERVER }],
    serviceUpstream: false,
    isControllerDefault: true,
  };
}

// ---------------------------------------------------------------- annotations per location

export interface AffinityModel {
  cookieName: string;
  mode: 'balanced' | 'persistent';
  cookiePath: string;
}

export interface CanaryModel {
  ingress: IngressRef;
  backend: BackendModel;
  byHeader: string;
  byHeaderValue: string;
  byCookie: string;
  weight: number;
  weightTotal: number;
}

export interface LocationAnnotations {
  sslRedirect: boolean;
  forceSslRedirect: boolean;
  rewriteTarget: string;
  useRegex: boolean;
  affinity: AffinityModel | null;
  /** Allowed client CIDRs; empty means everyone. */
  whitelistSourceRange: string[];
  loadBalance: 'round_robin' | 'ewma';
}

export function parseLocationAnnotations(
  annotations: Readonly<Record<string, string>> | undefined,
): LocationAnnotations {
  const a = annotations;
  const affinityOn = annotationValue(a, NGINX_PREFIX + 'affinity') === 'cookie';
  const mode = annotationValue(a, NGINX_PREFIX + 'affinity-mode') === 'persistent' ? 'persistent' : 'balanced';
  const whitelist = annotationValue(a, NGINX_PREFIX + 'whitelist-source-range')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '' && parseCidr(s, true) !== null);
  return {
    sslRedirect: annotationBool(a, NGINX_PREFIX + 'ssl-redirect'),
    forceSslRedirect: annotationBool(a, NGINX_PREFIX + 'force-ssl-redirect'),
    rewriteTarget: annotationValue(a, NGINX_PREFIX + 'rewrite-target'),
    useRegex: annotationBool(a, NGINX_PREFIX + 'use-regex'),
    affinity: affinityOn
      ? {
          cookieName: annotationValue(a, NGINX_PREFIX + 'session-cookie-name') || 'INGRESSCOOKIE',
          mode,
          cookiePath: annotationValue(a, NGINX_PREFIX + 'session-cookie-path'),
        }
      : null,
    whitelistSourceRange: whitelist,
    loadBalance: annotationValue(a, NGINX_PREFIX + 'load-balance') === 'ewma' ? 'ewma' : 'round_robin',
  };
}

// ---------------------------------------------------------------- the merged model

export interface IngressRef {
  namespace: string;
  name: string;
}

export interface LocationModel {
  path: string;
  pathType: PathType;
  backend: BackendModel;
  ingress: IngressRef | null;
  annotations: LocationAnnotations;
  canary: CanaryModel | null;
  /** The server's fallback `location /` (an Ingress's spec.defaultBackend or the controller's). */
  isDefaultBackend: boolean;
}

export interface TlsModel {
  secretNamespace: string;
  secretName: string;
  /** The Secret exists with type kubernetes.io/tls (or tls.crt and tls.key). */
  found: boolean;
  certPem: string | null;
  keyPem: string | null;
  ingress: IngressRef;
}

export interface ServerModel {
  /** The host name, or `_` for the catch-all default server. */
  host: string;
  locations: LocationModel[];
  tls: TlsModel | null;
  appRoot: string;
  /** Ingresses contributing to this server, oldest first. */
  ingresses: IngressRef[];
}

export interface IngressModel {
  className: string;
  controller: IngressControllerKind;
  /** `_` first, then hosts in alphabetical order (as ingress-nginx sorts servers). */
  servers: ServerModel[];
  defaultBackend: BackendModel;
  serving: IngressServing[];
  /** Merge conflicts and dangling references, as the controller would log them. */
  warnings: string[];
}

export const CATCH_ALL_HOST = '_';

/** Every backend the model's locations use, by upstream name, the first definition winning, and the
 *  controller's default backend as `upstream-default-backend` (ingress-nginx's createUpstreams map):
 *  what the renderer writes as upstream blocks and what the tracer reads an upstream's Service from. */
export function upstreamBackends(model: Pick<IngressModel, 'servers' | 'defaultBackend'>): Map<string, BackendModel> {
  const backends = new Map<string, BackendModel>();
  for (const s of model.servers) {
    for (const l of s.locations) {
      if (!backends.has(l.backend.upstreamName)) backends.set(l.backend.upstreamName, l.backend);
      if (l.canary && !backends.has(l.canary.backend.upstreamName)) {
        backends.set(l.canary.backend.upstreamName, l.canary.backend);
      }
    }
  }
  backends.set(DEFAULT_BACKEND_UPSTREAM, model.defaultBackend);
  return backends;
}

function ns(o: { metadata: { namespace?: string } }): string {
  return o.metadata.namespace ?? 'default';
}

function decodeBase64(s: string): string | null {
  try {
    return atob(s.replace(/\s+/g, ''));
  } catch {
    return null;
  }
}

/** A TLS Secret's certificate and key, when they hold PEM text (else null: the caller substitutes its fake
 *  certificate). */
export function tlsFromSecret(secret: Secret | undefined): { certPem: string | null; keyPem: string | null } {
  const get = (k: string) => secret?.stringData?.[k] ?? (
    secret?.data?.[k] !== undefined ? decodeBase64(secret.data[k]!) : null
  );
  const cert = get('tls.crt');
  const key = get('tls.key');
  const pem = (s: string | null, what: string) => (s && s.includes(`-----BEGIN ${what}`) ? s : null);
  return {
    certPem: pem(cert, 'CERTIFICATE'),
    keyPem: key && /-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(key) ? key : null,
  };
}

/** What the model builder carries from one phase to the next, as ingress-nginx's getBackendServers does. */
interface ModelBuild {
  cluster: Cluster;
  /** Servers by host, the catch-all `_` first. */
  servers: Map<string, ServerModel>;
  warnings: string[];
  /** The controller's own default backend (its --default-backend-service, or the 404 server). */
  controllerDefault: BackendModel;
}

function refOf(i: Ingress): IngressRef {
  return { namespace: ns(i), name: i.metadata.name };
}

/** The `location /` every server starts with, to a default backend. */
function defaultLocation(
  backend: BackendModel,
  ingress: IngressRef | null,
  annotations: LocationAnnotations,
): LocationModel {
  return {
    path: '/',
    pathType: 'Prefix',
    backend,
    ingress,
    annotations,
    canary: null,
    isDefaultBackend: true,
  };
}

function isCanary(i: Ingress): boolean {
  return annotationBool(i.metadata.annotations, NGINX_PREFIX + 'canary');
}

/**
 * The Ingress as ingress-nginx's store keeps it (syncIngress, k8s.SetDefaultNGINXPathType): an empty
 * path is `/`, and a path of type ImplementationSpecific (or none) is a Prefix path, "to not break
 * existing definitions". So ImplementationSpecific `/` replaces a server's default `location /`, and
 * ImplementationSpecific `/foo` matches whole segments as Prefix does. The object itself is unchanged.
 */
function withNginxPathTypes(ing: Ingress): Ingress {
  const needs = (p: HTTPIngressPath) => !p.path || p.pathType !== 'Prefix' && p.pathType !== 'Exact';
  if (!(ing.spec.rules ?? []).some((r) => (r.http?.paths ?? []).some(needs))) return ing;
  const rules = ing.spec.rules!.map((r) => !r.http ? r : {
    ...r,
    http: {
      ...r.http,
      paths: r.http.paths.map((p) => needs(p) ? { ...p, path: p.path || '/', pathType: prefixUnlessExact(p) } : p),
    },
  });
  return { ...ing, spec: { ...ing.spec, rules } };
}

function prefixUnlessExact(p: HTTPIngressPath): PathType {
  return p.pathType === 'Exact' ? 'Exact' : 'Prefix';
}

/**
 * Builds the model one controller serves from the reconciled cluster, in ingress-nginx's order
 * (getBackendServers): the Ingresses this controller serves, oldest first; the catch-all server;
 * each main Ingress's rules and TLS; then the canaries merged into the locations they shadow.
 */
export function buildIngressModel(cluster: Cluster, addon: IngressAddon): IngressModel {
  const serving = cluster.ingresses.map((ing) => servesIngress(addon, ing, cluster.ingressClasses));
  const served = cluster.ingresses
    .filter((_, i) => serving[i]!.served)
    .map(withNginxPathTypes)
    .sort(compareIngressAge);
  const mains = served.filter((i) => !isCanary(i));
  const canaries = served.filter((i) => isCanary(i));
  const build: ModelBuild = {
    cluster,
    servers: new Map(),
    warnings: [],
    controllerDefault: controllerDefaultBackend(cluster, addon),
  };

  build.servers.set(CATCH_ALL_HOST, catchAllServer(build, mains));
  for (const ing of mains) {
    addIngressRules(build, ing);
    addIngressTls(build, ing);
  }
  for (const ing of canaries) mergeCanary(build, ing);

  const sorted = [...build.servers.values()].sort((a, b) =>
    a.host === CATCH_ALL_HOST ? -1 : b.host === CATCH_ALL_HOST ? 1 : a.host < b.host ? -1 : a.host > b.host ? 1 : 0,
  );
  return {
    className: addon.className,
    controller: addon.controller,
    servers: sorted,
    defaultBackend: build.controllerDefault,
    serving,
    warnings: build.warnings,
  };
}

/**
 * The catch-all server `_`. ingress-nginx's createServers points its root location at the
 * spec.defaultBackend of every Ingress that has one, in age order, so the newest such Ingress
 * ends up serving unmatched hosts (an Ingress with only a defaultBackend is the documented case).
 */
function catchAllServer({ cluster, controllerDefault }: ModelBuild, mains: Ingress[]): ServerModel {
  const withDefault = mains.filter((i) => i.spec.defaultBackend?.service);
  const catchAll = withDefault.at(-1);
  const catchAllBackend = catchAll?.spec.defaultBackend
    ? resolveBackend(
      cluster,
      ns(catchAll),
      catchAll.spec.defaultBackend,
      annotationBool(catchAll.metadata.annotations, NGINX_PREFIX + 'service-upstream'),
    )
    : null;
  return {
    host: CATCH_ALL_HOST,
    locations: [defaultLocation(
      catchAllBackend ?? controllerDefault,
      catchAll && catchAllBackend ? refOf(catchAll) : null,
      parseLocationAnnotations(undefined),
    )],
    tls: null,
    appRoot: '',
    ingresses: catchAll ? [refOf(catchAll)] : [],
  };
}

/** One main Ingress's rules: a server per host (created on first sight), a location per path. */
function addIngressRules(build: ModelBuild, ing: Ingress): void {
  const { cluster, servers, warnings, controllerDefault } = build;
  const ann = ing.metadata.annotations;
  const locAnn = parseLocationAnnotations(ann);
  const serviceUpstream = annotationBool(ann, NGINX_PREFIX + 'service-upstream');
  const ingDefault = ing.spec.defaultBackend ? resolveBackend(
    cluster,
    ns(ing),
    ing.spec.defaultBackend,
    serviceUpstream,
  ) : null;
  for (const rule of ing.spec.rules ?? []) {
    const host = rule.host || CATCH_ALL_HOST;
    let server = servers.get(host);
    if (!server) {
      // Each server starts with `location /` to the default backend (the Ingress's own, else the
      // controller's), carrying the annotations of the Ingress that created the server.
      server = {
        host,
        locations: [defaultLocation(ingDefault ?? controllerDefault, refOf(ing), locAnn)],
        tls: null,
        appRoot: '',
        ingresses: [],
      };
      servers.set(host, server);
    }
    if (!server.ingresses.some((r) => r.namespace === ns(ing) && r.name === ing.metadata.name)) server.ingresses.push(
      refOf(ing)
    );
    const appRoot = annotationValue(ann, NGINX_PREFIX + 'app-root');
    if (appRoot && !server.appRoot) server.appRoot = appRoot; // server-level: the oldest Ingress wins
    for (const p of rule.http?.paths ?? []) {
      const path = p.path || '/';
      const backend = resolveBackend(cluster, ns(ing), p.backend, serviceUpstream);
      if (!backend) {
        warnings.push(`${ns(ing)}/${ing.metadata.name}: path ${path} has no service backend; skipped`);
        continue;
      }
      addLocation(build, server, ing, {
        path,
        pathType: p.pathType,
        backend,
        ingress: refOf(ing),
        annotations: locAnn,
        canary: null,
        isDefaultBackend: false,
      });
    }
  }
}

/** A path replaces the server's default `location /`; a path an older Ingress already defined stays its. */
function addLocation(build: ModelBuild, server: ServerModel, ing: Ingress, loc: LocationModel): void {
  const existing = server.locations.findIndex((l) => l.path === loc.path && l.pathType === loc.pathType);
  if (existing < 0) {
    server.locations.push(loc);
    return;
  }
  const cur = server.locations[existing]!;
  if (cur.isDefaultBackend) server.locations[existing] = loc;
  else build.warnings.push(
    `${server.host}${loc.path}: already defined by ${cur.ingress?.namespace}/${cur.ingress?.name} (older); `
      + `${ns(ing)}/${ing.metadata.name} ignored for it`
  );
}

/** TLS: the oldest Ingress naming a host wins its certificate. */
function addIngressTls({ cluster, servers, warnings }: ModelBuild, ing: Ingress): void {
  for (const t of ing.spec.tls ?? []) {
    for (const h of t.hosts ?? []) {
      for (const server of servers.values()) {
        if (server.host === CATCH_ALL_HOST || server.tls) continue;
        if (server.host !== h && !(h.startsWith('*.') && hostMatches(h, server.host))) continue;
        const secret = cluster.secrets.find((s) => ns(s) === ns(ing) && s.metadata.name === t.secretName);
        if (t.secretName && !secret) warnings.push(
          `${ns(ing)}/${ing.metadata.name}: secret ${ns(ing)}/${t.secretName} not found; `
            + 'the default certificate is used'

        );
        const pem = tlsFromSecret(secret);
        server.tls = {
          secretNamespace: ns(ing),
          secretName: t.secretName ?? '',
          found: secret !== undefined,
          certPem: pem.certPem,
          keyPem: pem.keyPem,
          ingress: refOf(ing),
        };
      }
    }
  }
}

/** Canaries attach to the main location with the same host, path and pathType [NGX-ANN canary]. */
function mergeCanary({ cluster, servers, warnings }: ModelBuild, ing: Ingress): void {
  const ann = ing.metadata.annotations;
  const where = (host: string | undefined, path: string | undefined) => `${host ?? '*'}${path ?? '/'}`;
  for (const rule of ing.spec.rules ?? []) {
    const server = servers.get(rule.host || CATCH_ALL_HOST);
    for (const p of rule.http?.paths ?? []) {
      const loc = server?.locations.find(
        (l) => !l.isDefaultBackend && l.path === (p.path || '/') && l.pathType === p.pathType
      );
      const backend = resolveBackend(
        cluster,
        ns(ing),
        p.backend,
        annotationBool(ann, NGINX_PREFIX + 'service-upstream'),
      );
      if (!loc || !backend) {
        warnings.push(
          `${ns(ing)}/${ing.metadata.name}: canary for ${where(rule.host, p.path)} has no main Ingress; ignored`
        );
        continue;
      }
      if (loc.canary) {
        warnings.push(`${ns(ing)}/${ing.metadata.name}: ${where(rule.host, p.path)} already has a canary; ignored`);
        continue;
      }
      loc.canary = {
        ingress: refOf(ing),
        backend,
        byHeader: annotationValue(ann, NGINX_PREFIX + 'canary-by-header'),
        byHeaderValue: annotationValue(ann, NGINX_PREFIX + 'canary-by-header-value'),
        byCookie: annotationValue(ann, NGINX_PREFIX + 'canary-by-cookie'),
        weight: annotationInt(ann, NGINX_PREFIX + 'canary-weight') ?? 0,
        weightTotal: annotationInt(ann, NGINX_PREFIX + 'canary-weight-total') ?? 100,
      };
    }
  }
}
