// Ingress → Gateway API, the way ingress2gateway does it for ingress-nginx (kubernetes-sigs/
// ingress2gateway `pkg/i2gw/providers/common/converter.go`, `utils.go`, and the ingressnginx
// provider; SEMANTICS.md §16):
//  - Ingress rules are grouped by namespace/class/host; a group becomes one HTTPRoute
//    `<first ingress>-<host as a name>` (`all-hosts` without a host) with `parentRefs: [{name: <class>}]`
//    and `hostnames: [host]`, and one Gateway listener `<host name>-http` on 80 (plus `-https` on 443
//    with the group's TLS Secrets in certificateRefs).
//  - One Gateway per namespace and class, named after the class, `gatewayClassName: <class>`.
//  - Paths with the same pathType and path share a rule: Exact → Exact, Prefix → PathPrefix,
//    ImplementationSpecific → PathPrefix (the ingress-nginx provider's choice, which matches as the
//    controller did: its store makes ImplementationSpecific a Prefix path), backendRefs in order.
//  - `spec.defaultBackend` → HTTPRoute `<ingress>-default-backend`, one rule without matches.
//  - Canary Ingresses (`canary: "true"`): canary-weight/-total become backend weights on the
//    primary's rule, canary-by-header(-value) a rule with a header match; by-cookie and
//    by-header-pattern are only reported.
//  - rewrite-target without capture groups → URLRewrite ReplaceFullPath; every other annotation is
//    reported with what to use instead.
// IngressClasses of ingress-nginx become GatewayClasses of the same name served by the lab's
// Gateway controller (ingress2gateway leaves the class to you; the lab needs one to route).

import type { Gateway, GatewayClass, GatewayListener, HTTPBackendRef, HTTPRoute, HTTPRouteFilter, HTTPRouteMatch,
  HTTPRouteRule, Ingress, IngressBackend, IngressClass, PathType } from '../api/types';
import type { ConvertMessageKey } from './convert-messages';
import { splitMetaNamespaceKey } from '../api/keys';

export const INGRESS_NGINX_CONTROLLER = 'k8s.io/ingress-nginx';
export const NGF_CONTROLLER = 'gateway.nginx.org/nginx-gateway-controller';
const NGINX = 'nginx.ingress.kubernetes.io/';
const GW_API = 'gateway.networking.k8s.io/v1';

/** Something the converted objects do differently from the Ingress, or an annotation left behind. */
export interface ConvertNote {
  /** Index of the Ingress (or IngressClass) in the input. */
  index: number;
  kind: 'Ingress' | 'IngressClass';
  namespace: string;
  name: string;
  /** The annotation the note is about, when it is about one. */
  annotation?: string;
  /** The field the note points at (`metadata.annotations`, `spec.defaultBackend`, ...). */
  field: string;
  key: ConvertMessageKey;
  /** Parameters; a value that is itself a message key is rendered in the reader's language. */
  params: Record<string, string | number>;
}

export interface ConvertResult<T> {
  /** The input with Ingresses and IngressClasses of ingress-nginx replaced, everything else unchanged. */
  objects: (T | GatewayClass | Gateway | HTTPRoute)[];
  notes: ConvertNote[];
}

interface AnyObject { kind?: unknown; apiVersion?: unknown; metadata?: unknown; spec?: unknown }

/** What each ingress-nginx annotation that does not carry over should become (message keys). */
const INSTEAD: Readonly<Record<string, ConvertMessageKey | 'carried'>> = {
  'rewrite-target': 'carried', // a regex target is reported separately
  'use-regex': 'convert.instead.useRegex',
  affinity: 'convert.instead.affinity',
  'affinity-mode': 'convert.instead.affinity',
  'session-cookie-name': 'convert.instead.affinity',
  'session-cookie-path': 'convert.instead.affinity',
  'session-cookie-max-age': 'convert.instead.affinity',
  'session-cookie-expires': 'convert.instead.affinity',
  canary: 'carried',
  'canary-weight': 'carried',
  'canary-weight-total': 'carried',
  'canary-by-header': 'carried',
  'canary-by-header-value': 'carried',
  'canary-by-cookie': 'convert.instead.canaryCookie',
  'canary-by-header-pattern': 'convert.instead.canaryHeaderPattern',
  'ssl-redirect': 'convert.instead.sslRedirect',
  'force-ssl-redirect': 'convert.instead.forceSslRedirect',
  'whitelist-source-range': 'convert.instead.whitelist',
  'allowlist-source-range': 'convert.instead.whitelist',
  'app-root': 'convert.instead.appRoot',
  'service-upstream': 'convert.instead.serviceUpstream',
  'load-balance': 'convert.instead.loadBalance',
};

const BOOLEAN_OFF_BY_DEFAULT = new Set(['use-regex', 'force-ssl-redirect', 'service-upstream']);

/** ingress2gateway's NameFromHost: runs of other characters become `-`, leading ones go; `*`/empty → all-hosts. */
export function nameFromHost(host: string): string {
  if (host === '' || host === '*') return 'all-hosts';
  return host.replace(/[^a-zA-Z0-9]+/g, '-').replace(/^[^a-zA-Z0-9]+/, '');
}

const isKind = <K extends string>(o: AnyObject, kind: K): boolean => o.kind === kind;
const nsOf = (o: { metadata: { namespace?: string } }): string => o.metadata.namespace ?? 'default';
const truthy = (v: string | undefined): boolean => v === 'true';

interface Source { ingress: Ingress; index: number; canary: boolean }
interface PathEntry { src: Source; path: string; pathType: PathType; backend: IngressBackend }
interface Group {
  namespace: string;
  cls: string;
  host: string;
  first: Source;
  tls: { hosts?: string[]; secretName?: string }[];
  paths: PathEntry[];
}

/**
 * Convert every ingress-nginx Ingress and IngressClass in `objects`. Services in the input resolve
 * named backend ports (as ingress2gateway reads them from the cluster).
 */
export function convertIngressesToGatewayAPI<T extends AnyObject>(
  objects: readonly T[],
  opts: { controllerName?: string } = {},
): ConvertResult<T> {
  const notes: ConvertNote[] = [];
  const classes = nginxClasses(objects, notes);
  const sources = selectIngresses(objects, classes, notes);
  const servicePorts = namedServicePorts(objects);
  const groups = groupRules(sources, classes);
  const routes = [...groups.values()].map((g) => groupRoute(g, servicePorts, notes));
  routes.push(...sources.filter((s) => !s.canary && s.ingress.spec.defaultBackend)
    .flatMap((s) => defaultBackendRoute(s, classOf(s.ingress, classes), servicePorts, notes)));
  for (const s of sources) annotationNotes(s, notes);
  const gateways = gatewaysFor([...groups.values()], sources, classes);
  const converted = new Set(sources.map((s) => s.index));
  const gatewayClasses = gatewayClassesFor(objects, classes, gateways, opts.controllerName ?? NGF_CONTROLLER);

  const out: (T | GatewayClass | Gateway | HTTPRoute)[] = [];
  let placed = false;
  objects.forEach((o, i) => {
    if (isKind(o, 'IngressClass') && classes.names.has(name(o))) {
      const gc = gatewayClasses.byIngressClass.get(name(o));
      if (gc) out.push(gc);
      return;
    }
    if (!converted.has(i)) return void out.push(o);
    if (placed) return;
    placed = true;
    out.push(...gatewayClasses.extra, ...gateways, ...routes);
  });
  notes.sort((a, b) => a.index - b.index);
  return { objects: out, notes };
}

function name(o: AnyObject): string {
  return (o.metadata as { name?: string } | undefined)?.name ?? '';
}

interface NginxClasses { names: Set<string>; defaultClass?: string; other: Map<string, string> }

/** IngressClasses whose controller is ingress-nginx (others are another controller's to convert). */
function nginxClasses(objects: readonly AnyObject[], notes: ConvertNote[]): NginxClasses {
  const names = new Set<string>();
  const other = new Map<string, string>();
  let defaultClass: string | undefined;
  objects.forEach((o, index) => {
    if (!isKind(o, 'IngressClass')) return;
    const ic = o as unknown as IngressClass;
    if (ic.spec.controller !== INGRESS_NGINX_CONTROLLER) {
      other.set(ic.metadata.name, ic.spec.controller);
      notes.push({ index, kind: 'IngressClass', namespace: '', name: ic.metadata.name, field: 'spec.controller',
        key: 'convert.otherController', params: { class: ic.metadata.name, controller: ic.spec.controller } });
      return;
    }
    names.add(ic.metadata.name);
    const isDefault = ic.metadata.annotations?.['ingressclass.kubernetes.io/is-default-class'] === 'true';
    if (isDefault) defaultClass = ic.metadata.name;
  });
  return { names, other, ...(defaultClass ? { defaultClass } : {}) };
}

/** The class an Ingress belongs to: spec.ingressClassName, the old annotation, the default class, else `nginx`. */
function classOf(ing: Ingress, classes: NginxClasses): string {
  return ing.spec.ingressClassName || ing.metadata.annotations?.['kubernetes.io/ingress.class']
    || classes.defaultClass || 'nginx';
}

function selectIngresses(objects: readonly AnyObject[], classes: NginxClasses, notes: ConvertNote[]): Source[] {
  const out: Source[] = [];
  objects.forEach((o, index) => {
    if (!isKind(o, 'Ingress')) return;
    const ingress = o as unknown as Ingress;
    const cls = classOf(ingress, classes);
    const controller = classes.other.get(cls);
    if (controller !== undefined) {
      notes.push({ index, kind: 'Ingress', namespace: nsOf(ingress), name: ingress.metadata.name,
        field: 'spec.ingressClassName', key: 'convert.otherController', params: { class: cls, controller } });
      return;
    }
    out.push({ ingress, index, canary: truthy(ingress.metadata.annotations?.[NGINX + 'canary']) });
  });
  // The primary Ingress names the route and comes first in a rule, as ingress-nginx treats canaries
  // as an addition to it; otherwise input order (the lab has no creation timestamps to sort by).
  return [...out.filter((s) => !s.canary), ...out.filter((s) => s.canary)];
}

function namedServicePorts(objects: readonly AnyObject[]): Map<string, number> {
  const ports = new Map<string, number>();
  for (const o of objects) {
    if (!isKind(o, 'Service')) continue;
    const svc = o as unknown as {
      metadata: { name: string; namespace?: string };
      spec?: { ports?: { name?: string; port: number }[] };
    };
    for (const p of svc.spec?.ports ?? []) if (p.name) ports.set(`${nsOf(svc)}/${svc.metadata.name}/${p.name}`, p.port);
  }
  return ports;
}

function groupRules(sources: readonly Source[], classes: NginxClasses): Map<string, Group> {
  const groups = new Map<string, Group>();
  for (const src of sources) {
    const ing = src.ingress;
    const cls = classOf(ing, classes);
    for (const rule of ing.spec.rules ?? []) {
      const host = rule.host ?? '';
      const key = `${nsOf(ing)}/${cls}/${host}`;
      let g = groups.get(key);
      if (!g) {
        g = { namespace: nsOf(ing), cls, host, first: src, tls: [], paths: [] };
        groups.set(key, g);
      }
      if (!src.canary) g.tls.push(...(ing.spec.tls ?? []));
      for (const p of rule.http?.paths ?? []) g.paths.push({
        src,
        path: p.path ?? '/',
        pathType: p.pathType,
        backend: p.backend,
      });
    }
  }
  // ingress2gateway walks the groups in key order.
  return new Map([...groups.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function note(src: Source, field: string, key: ConvertMessageKey, params: Record<string, string | number>,
  annotation?: string): ConvertNote {
  return { index: src.index, kind: 'Ingress', namespace: nsOf(src.ingress), name: src.ingress.metadata.name, field, key,
    params, ...(annotation ? { annotation } : {}) };
}

function backendRef(src: Source, b: IngressBackend, ports: Map<string, number>, notes: ConvertNote[],
  field: string): HTTPBackendRef | undefined {
  if (!b.service) {
    const r = b.resource;
    notes.push(note(src, field, 'convert.resourceBackend', { kind: r?.kind ?? '', name: r?.name ?? '' }));
    return undefined;
  }
  const { name: svc, port } = b.service;
  if (port.number !== undefined) return { name: svc, port: port.number };
  const n = ports.get(`${nsOf(src.ingress)}/${svc}/${port.name ?? ''}`);
  if (n === undefined) {
    notes.push(note(src, field, 'convert.namedPort', { service: svc, port: port.name ?? '' }));
    return undefined;
  }
  return { name: svc, port: n };
}

function pathMatch(e: PathEntry): HTTPRouteMatch {
  if (e.pathType === 'Exact') return { path: { type: 'Exact', value: e.path } };
  return { path: { type: 'PathPrefix', value: e.path } };
}

const ann = (src: Source, key: string): string | undefined => src.ingress.metadata.annotations?.[NGINX + key];

/** rewrite-target as ingress2gateway converts it: a plain target → URLRewrite ReplaceFullPath. */
function rewriteFilter(src: Source): HTTPRouteFilter[] {
  const target = ann(src, 'rewrite-target');
  if (target === undefined || /\$\d/.test(target)) return [];
  return [{ type: 'URLRewrite', urlRewrite: { path: { type: 'ReplaceFullPath', replaceFullPath: target } } }];
}

function canaryWeights(src: Source): { weight: number; total: number } | undefined {
  const w = ann(src, 'canary-weight');
  if (w === undefined) return undefined;
  const total = Number(ann(src, 'canary-weight-total') ?? '100');
  return { weight: Number(w), total: Number.isFinite(total) && total > 0 ? total : 100 };
}

function groupRoute(g: Group, ports: Map<string, number>, notes: ConvertNote[]): HTTPRoute {
  const byKey = new Map<string, PathEntry[]>();
  for (const e of g.paths) {
    const key = `${e.pathType}/${e.path}`;
    byKey.set(key, [...(byKey.get(key) ?? []), e]);
  }
  const rules: HTTPRouteRule[] = [];
  for (const entries of byKey.values()) {
    const primary = entries.filter((e) => !e.src.canary);
    const canaries = entries.filter((e) => e.src.canary);
    const match = pathMatch(entries[0]!);
    const refs = (es: PathEntry[]) => es.flatMap((e) => {
      const r = backendRef(e.src, e.backend, ports, notes, 'spec.rules');
      return r ? [r] : [];
    });
    // A canary by header goes first: an extra rule whose header match outranks the plain path.
    for (const c of canaries) {
      const header = ann(c.src, 'canary-by-header');
      const ref = refs([c]);
      if (header && ref.length > 0) {
        const value = ann(c.src, 'canary-by-header-value') ?? 'always';
        rules.push({ matches: [{ ...match, headers: [{ name: header, value }] }], backendRefs: ref });
      }
    }
    const weighted = canaries.map((c) => ({ c, w: canaryWeights(c.src) })).filter((x) => x.w !== undefined);
    const main = refs(primary.length > 0 ? primary : entries);
    if (primary.length > 0 && weighted.length > 0) {
      const { weight, total } = weighted[0]!.w!;
      for (const r of main) r.weight = Math.max(0, total - weight);
      for (const r of refs([weighted[0]!.c])) main.push({ ...r, weight });
    }
    const filters = rewriteFilter(entries[0]!.src);
    rules.push({ matches: [match], ...(filters.length > 0 ? { filters } : {}), backendRefs: main });
  }
  return {
    apiVersion: GW_API,
    kind: 'HTTPRoute',
    metadata: { name: `${g.first.ingress.metadata.name}-${nameFromHost(g.host)}`, namespace: g.namespace },
    spec: {
      parentRefs: [{ name: g.cls }],
      ...(g.host ? { hostnames: [g.host] } : {}),
      rules,
    },
  };
}

function defaultBackendRoute(src: Source, cls: string, ports: Map<string, number>, notes: ConvertNote[]): HTTPRoute[] {
  const ref = backendRef(src, src.ingress.spec.defaultBackend!, ports, notes, 'spec.defaultBackend');
  if (!ref) return [];
  const routeName = `${src.ingress.metadata.name}-default-backend`;
  notes.push(note(src, 'spec.defaultBackend', 'convert.defaultBackendHosts', { route: routeName }));
  return [{
    apiVersion: GW_API,
    kind: 'HTTPRoute',
    metadata: { name: routeName, namespace: nsOf(src.ingress) },
    spec: { parentRefs: [{ name: cls }], rules: [{ backendRefs: [ref] }] },
  }];
}

function annotationNotes(src: Source, notes: ConvertNote[]): void {
  for (const [key, value] of Object.entries(src.ingress.metadata.annotations ?? {})) {
    if (!key.startsWith(NGINX)) continue;
    const short = key.slice(NGINX.length);
    const field = `metadata.annotations[${key}]`;
    if (short === 'rewrite-target') {
      if (/\$\d/.test(value)) notes.push(note(src, field, 'convert.notCarried',
        { annotation: key, instead: 'convert.instead.rewriteRegex' }, key));
      continue;
    }
    // ssl-redirect acts only on TLS hosts; "false" is what the converted route does anyway (serve HTTP).
    if (short === 'ssl-redirect' && (value === 'false' || (src.ingress.spec.tls ?? []).length === 0)) continue;
    // A boolean annotation set to "false" asks for ingress-nginx's default: nothing is lost.
    if (BOOLEAN_OFF_BY_DEFAULT.has(short) && value !== 'true') continue;
    const instead = INSTEAD[short];
    if (instead === 'carried') continue;
    if (instead === undefined) notes.push(note(src, field, 'convert.unlisted', { annotation: key }, key));
    else notes.push(note(src, field, 'convert.notCarried', { annotation: key, instead }, key));
  }
  // ingress-nginx redirects HTTP to HTTPS on TLS hosts unless told not to; the converted route does not.
  const tls = (src.ingress.spec.tls ?? []).length > 0;
  if (tls && ann(src, 'ssl-redirect') === undefined && !truthy(ann(src, 'force-ssl-redirect'))) {
    notes.push(note(src, 'spec.tls', 'convert.notCarried',
      { annotation: `${NGINX}ssl-redirect (default "true")`, instead: 'convert.instead.sslRedirect' },
      `${NGINX}ssl-redirect`));

  }
}

function gatewaysFor(groups: readonly Group[], sources: readonly Source[], classes: NginxClasses): Gateway[] {
  const listeners = new Map<string, GatewayListener[]>();
  const add = (ns: string, cls: string, l: GatewayListener[]) => {
    const key = `${ns}/${cls}`;
    const list = listeners.get(key) ?? [];
    for (const x of l) if (!list.some((y) => y.name === x.name)) list.push(x);
    listeners.set(key, list);
  };
  for (const g of groups) {
    const host = g.host || (g.tls.length === 1 && g.tls[0]!.hosts?.length === 1 ? g.tls[0]!.hosts[0]! : '');
    const prefix = host ? `${nameFromHost(host)}-` : '';
    const hostname = host ? { hostname: host } : {};
    const l: GatewayListener[] = [{ name: `${prefix}http`, ...hostname, port: 80, protocol: 'HTTP' }];
    if (g.tls.length > 0) {
      const certificateRefs = g.tls.filter((t) => t.secretName).map((t) => ({ name: t.secretName! }));
      l.push({ name: `${prefix}https`, ...hostname, port: 443, protocol: 'HTTPS', tls: { certificateRefs } });
    }
    add(g.namespace, g.cls, l);
  }
  // An Ingress with only a default backend still needs a Gateway for its route to attach to.
  for (const s of sources) {
    if (s.canary || !s.ingress.spec.defaultBackend) continue;
    const cls = classOf(s.ingress, classes);
    if (!listeners.has(`${nsOf(s.ingress)}/${cls}`)) add(
      nsOf(s.ingress),
      cls,
      [{ name: 'http', port: 80, protocol: 'HTTP' }],
    );
  }
  return [...listeners.entries()].map(([key, ls]) => {
    const { namespace, name: cls } = splitMetaNamespaceKey(key);
    return { apiVersion: GW_API, kind: 'Gateway', metadata: { name: cls, namespace },
      spec: { gatewayClassName: cls, listeners: ls } };
  });
}

function gatewayClassesFor(objects: readonly AnyObject[], classes: NginxClasses, gateways: readonly Gateway[],
  controllerName: string): { byIngressClass: Map<string, GatewayClass>; extra: GatewayClass[] } {
  const make = (n: string): GatewayClass => ({ apiVersion: GW_API, kind: 'GatewayClass', metadata: { name: n },
    spec: { controllerName } });
  const byIngressClass = new Map([...classes.names].map((n) => [n, make(n)] as const));
  const existing = new Set(objects.filter((o) => isKind(o, 'GatewayClass')).map(name));
  const extra = [...new Set(gateways.map((g) => g.spec.gatewayClassName))]
    .filter((n) => !byIngressClass.has(n) && !existing.has(n)).map(make);
  return { byIngressClass, extra };
}
