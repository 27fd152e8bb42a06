// One Gateway's data plane configuration, rendered in NGINX Gateway Fabric's shape
// (internal/controller/nginx/config: servers_template.go, servers.go createLocations,
// split_clients.go, upstreams.go, maps.go; conf/nginx.conf): per listener port a default server
// (404) and a server per intersected hostname; per path an nginx location (Exact -> `= /p`,
// PathPrefix /p -> `/p/` plus `= /p`); a path whose rules carry header, query or method matches
// (or several rules) runs `js_content httpmatches.redirect` over the match list in matches.json,
// which internally redirects to `/_ngf-internal-rule<R>-route<N>`; weights are `split_clients`;
// invalid backends go to `invalid-backend-ref` (500), Services without endpoints to the 503 socket;
// RequestMirror is `mirror` to an internal location per mirror backend, CORS an OPTIONS answer and
// `add_header` lines over origin maps.
// The renderer returns the structure the evaluator walks (nginx nodes + the match lists) and the
// text the viewer shows, every line with a ref.

import type { RenderedArtifact, RenderedLine } from '../artifact';
import type { HTTPHeaderFilter, HTTPPathModifier, HTTPRouteFilter, HTTPRouteMatch, Secret } from '../api/types';
import type { Cluster } from '../cluster';
import { FAKE_CERTIFICATE_KEY_PEM, FAKE_CERTIFICATE_PEM } from '../ingress/nginx/fake-cert';
import { tlsFromSecret } from '../ingress/model';
import type { NginxBlock, NginxNode } from '../ingress/nginx/conf';
import { b, c, d, renderNodes } from '../ingress/nginx/conf';
import {
  compareRouteAge,
  INVALID_BACKEND_UPSTREAM,
  type GatewayAPIGraph,
  type GatewayGraph,
  type ResolvedBackend,
  type ResolvedMirror,
  type RouteGraph,
  type RuleGraph,
} from './model';
import { splitMetaNamespaceKey } from '../api/keys';
import { titled } from '../notes';

/** The id prefix of the `if` that answers a CORS preflight (the evaluator tells a preflight by it). */
export const CORS_IF_PREFIX = 'if:cors:';

// ---------------------------------------------------------------- the match list (matches.json)

/** One entry of NGF's match list, as httpmatches.js reads it. */
export interface NjsMatch {
  method?: string;
  /** "Name:Exact|RegularExpression:value" */
  headers?: string[];
  /** "name=Exact|RegularExpression=value" */
  params?: string[];
  any?: boolean;
  redirectPath: string;
}

/** Where an entry of a match list came from, and why it sits where it does (precedence). */
export interface MatchSource {
  route: string;
  rule: number;
  match: number;
  pathType: 'Exact' | 'PathPrefix' | 'RegularExpression';
  pathValue: string;
  method: boolean;
  headers: number;
  queryParams: number;
}

export interface MatchList {
  key: string;
  entries: NjsMatch[];
  sources: MatchSource[];
}

export interface GatewayRenderOptions {
  /** Listen socket prefix per port: "80" in the pod, "127.0.0.90:80" in tests. */
  listenAddress?: string;
  /** Where the 500/503 unix sockets live (NGF: /var/run/nginx). */
  socketDir?: string;
  /** Where njs modules live (NGF: /usr/lib/nginx/modules/njs). */
  njsDir?: string;
  /** matches.json (NGF: /etc/nginx/conf.d/matches.json). */
  matchesFile?: string;
  /** Certificates directory (NGF: /etc/nginx/secrets). */
  secretsDir?: string;
  files?: { pid: string; errorLog: string; accessLog: string; tempDir?: string };
  /** Leave endpoints out (what the controller compares to decide on a reload with NGINX Plus). */
  endpointsBlind?: boolean;
}

export interface RenderedGateway {
  gateway: string;
  nodes: NginxNode[];
  matches: MatchList[];
  artifact: RenderedArtifact;
  /** The text of matches.json as written next to nginx.conf. */
  matchesJson: string;
  certificates: { path: string; pem: string }[];
  /** The rule each inline location (one rule, no conditions) serves, by location id. */
  inline: Record<string, MatchSource>;
  /** Upstream name -> "ns/name" of its Service. */
  upstreamServices: Record<string, string>;
}

export function gatewayArtifactId(gatewayKey: string): string {
  return `gateway/${gatewayKey}/nginx.conf`;
}

// ---------------------------------------------------------------- planning: servers and path rules

interface PlannedRule {
  route: RouteGraph;
  routeIndex: number;
  rule: RuleGraph;
  match: HTTPRouteMatch;
  matchIndex: number;
  pathType: 'Exact' | 'PathPrefix' | 'RegularExpression';
  /** PathPrefix without a trailing slash (the spec ignores it), '/' for the root. */
  pathValue: string;
  /** The internal route NGF generates for a RequestMirror target: its location is `internal`. */
  mirror?: ResolvedMirror;
}

interface PlannedServer {
  port: number;
  protocol: 'HTTP' | 'HTTPS';
  hostname: string;
  listenerPort: number;
  certificate: { secret: string; path: string } | null;
  rules: PlannedRule[];
  /** NGF's server id in variable names: its index among the hostname servers of its protocol, "SSL_<i>" for HTTPS. */
  ngfId: string;
}

function normalizePrefix(v: string): string {
  if (v === '/') return '/';
  return v.replace(/\/+$/, '') || '/';
}

/** Whether PathPrefix `prefix` matches every request path under `path` (element-wise). */
export function prefixCovers(prefix: string, path: string): boolean {
  if (prefix === '/') return true;
  return path === prefix || path.startsWith(`${prefix}/`);
}

function planServers(graph: GatewayAPIGraph, gw: GatewayGraph): PlannedServer[] {
  const servers = new Map<string, PlannedServer>();
  const routes = graph.routes.filter((r) => r.attachments.some((a) => a.gateway === gw.key));
  routes.forEach((route, routeIndex) => {
    for (const a of route.attachments) {
      if (a.gateway !== gw.key) continue;
      const lg = gw.listeners.find((l) => l.listener.name === a.listener);
      if (!lg || !lg.valid) continue;
      const l = lg.listener;
      for (const host of a.hostnames) {
        const key = `${l.port}|${host}`;
        let s = servers.get(key);
        if (!s) {
          const ref = l.tls?.certificateRefs?.[0];
          const certificate = l.protocol === 'HTTPS' && ref ? {
            secret: `${ref.namespace ?? gw.gateway.metadata.namespace ?? 'default'}/${ref.name}`,
            path: '',
          } : null;
          s = {
            port: l.port,
            protocol: l.protocol as 'HTTP' | 'HTTPS',
            hostname: host,
            listenerPort: l.port,
            certificate,
            rules: [],
            ngfId: '',
          };
          servers.set(key, s);
        }
        for (const rule of route.rules) {
          planMirrors(s, route, routeIndex, rule);
          const matches = rule.rule.matches && rule.rule.matches.length > 0 ? rule.rule.matches : [{}];
          matches.forEach((m, matchIndex) => {
            const pathType = m.path?.type ?? 'PathPrefix';
            const raw = m.path?.value ?? '/';
            const already = s!.rules.some((x) => x.route === route && x.rule === rule && x.matchIndex === matchIndex);
            if (already) return;
            s!.rules.push({
              route,
              routeIndex,
              rule,
              match: m,
              matchIndex,
              pathType,
              pathValue: pathType === 'PathPrefix' ? normalizePrefix(raw) : raw,
            });
          });
        }
      }
    }
  });
  // Listeners without routes still get their port's default server.
  for (const lg of gw.listeners) {
    if (!lg.valid) continue;
    if (![...servers.values()].some((s) => s.port === lg.listener.port)) {
      servers.set(
        `${lg.listener.port}|#none`,
        {
          port: lg.listener.port,
          protocol: lg.listener.protocol as 'HTTP' | 'HTTPS',
          hostname: '#none',
          listenerPort: lg.listener.port,
          certificate: null,
          rules: [],
          ngfId: '',
        },
      );
    }
  }
  const sorted = [...servers.values()].sort((
    a,
    b,
  ) => a.port - b.port || hostOrder(a.hostname) - hostOrder(b.hostname) || (a.hostname < b.hostname ? -1 : 1));
  const count = { HTTP: 0, HTTPS: 0 };
  for (const s of sorted.filter((x) => x.hostname !== '#none')) {
    s.ngfId = `${s.protocol === 'HTTPS' ? 'SSL_' : ''}${count[s.protocol]++}`;
  }
  return sorted;
}

/** A rule's RequestMirror targets: one internal Exact location each, from the route NGF generates for it. */
function planMirrors(s: PlannedServer, route: RouteGraph, routeIndex: number, rule: RuleGraph): void {
  for (const m of rule.mirrors) {
    if (s.rules.some((x) => x.mirror?.path === m.path)) continue;
    const match = m.rule.rule.matches![0]!;
    const pathType = 'Exact';
    s.rules.push({ route, routeIndex, rule: m.rule, match, matchIndex: 0, pathType, pathValue: m.path, mirror: m });
  }
}

function hostOrder(h: string): number {
  return h === '' ? 2 : h.startsWith('*.') ? 1 : 0;
}

// ---------------------------------------------------------------- precedence (§14.4, NGF sort.go)

function hasConditions(m: HTTPRouteMatch): boolean {
  return !!m.method || (m.headers?.length ?? 0) > 0 || (m.queryParams?.length ?? 0) > 0;
}

/** Negative when `a` takes precedence over `b`. */
export function comparePrecedence(a: PlannedRule, b: PlannedRule): number {
  const exact = Number(b.pathType === 'Exact') - Number(a.pathType === 'Exact');
  if (exact) return exact;
  const len = (
    b.pathType === 'PathPrefix' ? b.pathValue.length : 0
  ) - (a.pathType === 'PathPrefix' ? a.pathValue.length : 0);
  if (len) return len;
  const method = Number(!!b.match.method) - Number(!!a.match.method);
  if (method) return method;
  const headers = (b.match.headers?.length ?? 0) - (a.match.headers?.length ?? 0);
  if (headers) return headers;
  const query = (b.match.queryParams?.length ?? 0) - (a.match.queryParams?.length ?? 0);
  if (query) return query;
  const age = compareRouteAge(a.route.route, b.route.route);
  if (age) return age;
  return a.rule.index - b.rule.index || a.matchIndex - b.matchIndex;
}

// ---------------------------------------------------------------- locations

interface PlannedLocation {
  modifier: '' | '=' | '~';
  path: string;
  /** Rules that apply to every URI of this location, in precedence order. */
  rules: PlannedRule[];
}

function planLocations(s: PlannedServer): PlannedLocation[] {
  const locs = new Map<string, PlannedLocation>();
  const add = (modifier: PlannedLocation['modifier'], path: string) => {
    const key = `${modifier} ${path}`;
    if (!locs.has(key)) locs.set(key, { modifier, path, rules: [] });
  };
  for (const r of s.rules) {
    if (r.pathType === 'Exact') add('=', r.pathValue);
    else if (r.pathType === 'RegularExpression') add('~', r.pathValue);
    else if (r.pathValue === '/') add('', '/');
    else {
      add('', `${r.pathValue}/`);
      add('=', r.pathValue);
    }
  }
  for (const loc of locs.values()) {
    const uriBase = loc.modifier === '' && loc.path !== '/' ? loc.path.slice(0, -1) : loc.path;
    loc.rules = s.rules
      .filter((r) => {
        if (loc.modifier === '~') return r.pathType === 'RegularExpression' && r.pathValue === loc.path;
        if (r.pathType === 'Exact') return loc.modifier === '=' && r.pathValue === loc.path;
        if (r.pathType === 'RegularExpression') return false;
        return prefixCovers(r.pathValue, uriBase);
      })
      .sort(comparePrecedence);
    // An entry without conditions always matches: the ones after it can never win.
    const firstAny = loc.rules.findIndex((r) => !hasConditions(r.match));
    if (firstAny >= 0) loc.rules = loc.rules.slice(0, firstAny + 1);
  }
  // Longest paths first (NGF sorts path rules; nginx picks by its own algorithm anyway).
  return [...locs.values()].sort((a, b) => b.path.length - a.path.length || (a.modifier < b.modifier ? -1 : 1));
}

// ---------------------------------------------------------------- directive builders

const q = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

function headerVarName(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, '_');
}

interface RenderCtx {
  inline: Record<string, MatchSource>;
  maps: Map<string, NginxBlock>;
  splits: Map<string, NginxBlock>;
  /** split_clients for mirror percentages, written after the backend groups' (config/split_clients.go). */
  mirrorSplits: Map<string, NginxBlock>;
  upstreams: Map<string, ResolvedBackend | null>;
  opts: Required<Pick<GatewayRenderOptions, 'socketDir'>> & GatewayRenderOptions;
  gwKey: string;
}

/** proxy_set_header lines for a RequestHeaderModifier, then NGF's defaults for names not set. */
function proxyHeaders(ctx: RenderCtx, mods: readonly HTTPHeaderFilter[], hostOverride: string | null): NginxNode[] {
  const out: NginxNode[] = [];
  const named = new Set<string>();
  for (const m of mods) {
    for (const h of m.set ?? []) {
      named.add(h.name.toLowerCase());
      out.push(d('proxy_set_header', h.name, q(h.value)));
    }
    for (const h of m.add ?? []) {
      named.add(h.name.toLowerCase());
      const v = headerVarName(h.name);
      const mapVar = `${v}_header_var`;
      if (!ctx.maps.has(`$${mapVar}`)) {
        // add keeps the client's value in front: "foo" + add "bar" is "foo,bar". One map per header name
        // for the whole config (NGF maps.go createAddHeadersMap) yields only the client's value and a comma
        // (nginx tries a map's regexes only on a non-empty value, so no header gives ''); the added value
        // is the rule's own, in its proxy_set_header (servers.go createHeadersWithVarName), since rules may
        // add different values under one name.
        ctx.maps.set(
          `$${mapVar}`,
          b(
            `map:$${mapVar}`,
            'map',
            [`\${http_${v}}`, `$${mapVar}`],
            [d('default', "''"), d('~.*', `\${http_${v}},`)],
          ),
        );
      }
      out.push(d('proxy_set_header', h.name, q(`\${${mapVar}}${h.value}`)));
    }
    for (const name of m.remove ?? []) {
      named.add(name.toLowerCase());
      out.push(d('proxy_set_header', name, q('')));
    }
  }
  const defaults: [string, string][] = [
    ['Host', hostOverride ?? '$gw_api_compliant_host'],
    ['X-Forwarded-For', '$proxy_add_x_forwarded_for'],
    ['X-Real-IP', '$remote_addr'],
    ['X-Forwarded-Proto', '$scheme'],
    ['X-Forwarded-Host', '$host'],
    ['X-Forwarded-Port', '$server_port'],
    ['Upgrade', '$http_upgrade'],
    ['Connection', '$connection_upgrade'],
  ];
  for (const [k, v] of defaults) if (!named.has(k.toLowerCase())) out.push(d('proxy_set_header', k, q(v)));
  return out;
}

function responseHeaders(mods: readonly HTTPHeaderFilter[]): NginxNode[] {
  const out: NginxNode[] = [];
  for (const m of mods) {
    for (const h of m.add ?? []) out.push(d('add_header', h.name, q(h.value), 'always'));
    for (const h of m.set ?? []) {
      out.push(d('proxy_hide_header', h.name));
      out.push(d('add_header', h.name, q(h.value), 'always'));
    }
    for (const name of m.remove ?? []) out.push(d('proxy_hide_header', name));
  }
  return out;
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The rewrite for a path modifier, applied to the matched prefix element-wise (§14.5). */
function pathRewrite(mod: HTTPPathModifier, matchedPrefix: string | null, flag: 'break' | ''): NginxNode {
  const tail = flag ? [flag] : [];
  if (mod.type === 'ReplaceFullPath') return d('rewrite', '^', q(mod.replaceFullPath ?? '/'), ...tail);
  const prefix = matchedPrefix === '/' || matchedPrefix === null ? '' : matchedPrefix;
  const repl = (mod.replacePrefixMatch ?? '/').replace(/\/+$/, '');
  if (repl === '') return d('rewrite', q(`^${escapeRe(prefix)}/?(.*)$`), q('/$1'), ...tail);
  return d('rewrite', q(`^${escapeRe(prefix)}(/.*)?$`), q(`${repl}$1`), ...tail);
}

function redirectNodes(
  f: NonNullable<HTTPRouteFilter['requestRedirect']>,
  listenerPort: number,
  matchedPrefix: string | null,
): NginxNode[] {
  const code = f.statusCode ?? 302;
  const scheme = f.scheme ?? '$scheme';
  const host = f.hostname ?? '$host';
  // Port (§14.5, NGF createReturnValForRedirectFilter): with a scheme and no port (or the scheme's
  // well-known port) none is written; otherwise the given port, else the listener's.
  let port: number | null = f.port ?? (f.scheme ? null : listenerPort);
  if (f.scheme && port !== null && (
    (f.scheme === 'http' && port === 80) || (f.scheme === 'https' && port === 443)
  )) port = null;
  const out: NginxNode[] = [];
  let tail = '$request_uri';
  if (f.path) {
    out.push(pathRewrite(f.path, matchedPrefix, ''));
    tail = '$uri$is_args$args';
  }
  out.push(d('return', String(code), q(`${scheme}://${host}${port !== null ? `:${port}` : ''}${tail}`)));
  return out;
}

function upstreamFor(ctx: RenderCtx, be: ResolvedBackend): string {
  if (be.problem) return INVALID_BACKEND_UPSTREAM;
  if (!ctx.upstreams.has(be.upstream)) ctx.upstreams.set(be.upstream, be);
  return be.upstream;
}

/** Percentages as NGF writes them: floored to two decimals, the last backend takes the rest. */
export function splitPercentages(weights: readonly number[]): number[] {
  const total = weights.reduce((a, w) => a + w, 0);
  if (total === 0) return weights.map(() => 0);
  const out = weights.map((w) => Math.floor((w * 10000) / total) / 100);
  const lastNonZero = weights.reduce((acc, w, i) => (w > 0 ? i : acc), -1);
  const others = out.reduce((a, p, i) => (i === lastNonZero ? a : a + p), 0);
  out[lastNonZero] = Math.round((100 - others) * 100) / 100;
  return out;
}

function splitVar(p: PlannedRule): string {
  const { namespace, name } = splitMetaNamespaceKey(p.route.key);
  return `$group_${namespace}__${name}_rule${p.rule.index}`.replace(/[^$A-Za-z0-9_]/g, '_');
}

/** The proxy target of a rule: one upstream, or a split_clients variable over several. */
function backendTarget(ctx: RenderCtx, p: PlannedRule, targets: { be: ResolvedBackend; dest: string }[]): string {
  const weighted = targets.filter((t) => t.be.weight > 0);
  if (weighted.length === 0) return INVALID_BACKEND_UPSTREAM;
  if (weighted.length === 1 && targets.length === 1) return weighted[0]!.dest;
  const v = splitVar(p);
  if (!ctx.splits.has(v)) {
    const pct = splitPercentages(targets.map((t) => t.be.weight));
    const lines: NginxNode[] = targets.map((t, i) =>
      pct[i] === 0 ? c(`${pct[i]!.toFixed(2)}% ${t.dest};`) : d(`${pct[i]!.toFixed(2)}%`, t.dest),
    );
    ctx.splits.set(v, b(`split:${v}`, 'split_clients', ['$request_id', v], lines));
  }
  return v;
}

function filtersOf(fs: readonly HTTPRouteFilter[] | undefined, type: string): HTTPRouteFilter[] {
  return (fs ?? []).filter((f) => f.type === type);
}

/** A rule's CORS filter in one location: the preflight answer at the top, the headers after the rewrites. */
interface CorsNodes {
  head: NginxNode[];
  headers: NginxNode[];
}

/** The body of a location that serves one rule (inline, or the internal location a match redirects to). */
function ruleBody(
  ctx: RenderCtx,
  p: PlannedRule,
  s: PlannedServer,
  internal: boolean,
  extra: NginxBlock[],
  locId: string,
): NginxNode[] {
  const rule = p.rule;
  const filters = rule.rule.filters ?? [];
  const matchedPrefix = p.pathType === 'PathPrefix' ? p.pathValue : null;
  if (rule.invalidFilter) return [c(`${rule.invalidFilter}: filter not supported`), d('return', '500')];
  // NGF applies CORS before a redirect takes over the location (config/servers.go updateLocation).
  const cors = corsNodes(ctx, s, p, locId);
  const redirect = filtersOf(filters, 'RequestRedirect')[0]?.requestRedirect;
  if (redirect) {
    // After an internal redirect $uri names the internal location: start from the request's path.
    const start = internal && redirect.path ? [d('rewrite', '^', '$request_uri_path')] : [];
    return [...cors.head, ...start, ...redirectNodes(redirect, s.listenerPort, matchedPrefix), ...cors.headers];
  }
  const rewrite = filtersOf(filters, 'URLRewrite')[0]?.urlRewrite;
  const reqMods = filtersOf(filters, 'RequestHeaderModifier').map((f) => f.requestHeaderModifier!).filter(Boolean);
  const resMods = filtersOf(filters, 'ResponseHeaderModifier').map((f) => f.responseHeaderModifier!).filter(Boolean);
  if ((rule.rule.backendRefs ?? []).length === 0) return [c('no backendRefs'), d('return', '500')];
  const perBackend = rule.backends.some((be) => be.filters.length > 0 && !be.problem);
  let pathNodes: NginxNode[] = [];
  let uri = '$request_uri';
  if (rewrite?.path) {
    pathNodes = [
      ...(internal || perBackend ? [d('rewrite', '^', '$request_uri_path')] : []),
      pathRewrite(rewrite.path, matchedPrefix, 'break'),
    ];
    uri = '';
  }
  // RequestMirror: `mirror <internal path>;` after the rewrites (config/servers.go updateLocationMirrorFilters);
  // with per-backendRef filters the copy is made where the request ends up, since `rewrite ... last` leaves
  // this location before nginx's mirror module runs (the precontent phase).
  const mirrors = rule.mirrors.map((m) => d('mirror', m.path));
  const proxying: Proxying = { pathNodes, mirrors, reqMods, resMods, hostOverride: rewrite?.hostname ?? null, uri };
  if (perBackend) return [...cors.head, ...perBackendBody(ctx, p, s, extra, proxying), ...cors.headers];
  const target = backendTarget(ctx, p, rule.backends.map((be) => ({ be, dest: upstreamFor(ctx, be) })));
  return [
    ...cors.head,
    ...pathNodes,
    ...mirrors,
    ...cors.headers,
    d('proxy_http_version', '1.1'),
    ...proxyHeaders(ctx, reqMods, proxying.hostOverride),
    d('proxy_pass', `http://${target}${uri}`),
    ...responseHeaders(resMods),
  ];
}

/** What a rule's proxying locations share: rewrites, mirrors, header changes, the URI passed upstream. */
interface Proxying {
  pathNodes: NginxNode[];
  mirrors: NginxNode[];
  reqMods: HTTPHeaderFilter[];
  resMods: HTTPHeaderFilter[];
  hostOverride: string | null;
  uri: string;
}

/**
 * Per-backendRef filters: split_clients picks an internal location per backend, which adds the backend's
 * own header changes before proxying (the rule's filters apply in each); the rule's location rewrites there.
 */
function perBackendBody(
  ctx: RenderCtx,
  p: PlannedRule,
  s: PlannedServer,
  extra: NginxBlock[],
  x: Proxying,
): NginxNode[] {
  const rule = p.rule;
  const targets = rule.backends.map((be, i) => {
    const loc = `/_ngf-internal-rule${rule.index}-route${p.routeIndex}-backend${i}`;
    const id = `location:${s.port}:${s.hostname}:${loc}`;
    const up = upstreamFor(ctx, be);
    const bReq = filtersOf(be.filters, 'RequestHeaderModifier').map((f) => f.requestHeaderModifier!).filter(Boolean);
    const bRes = filtersOf(be.filters, 'ResponseHeaderModifier').map((f) => f.responseHeaderModifier!).filter(Boolean);
    if (!extra.some((e) => e.args[0] === loc)) {
      const cors = corsNodes(ctx, s, p, id);
      extra.push(b(id, 'location', [loc], [
        d('internal'),
        ...cors.head,
        ...x.pathNodes,
        ...x.mirrors,
        ...cors.headers,
        d('proxy_http_version', '1.1'),
        ...proxyHeaders(ctx, [...x.reqMods, ...bReq], x.hostOverride),
        d('proxy_pass', `http://${up}${x.uri}`),
        ...responseHeaders([...x.resMods, ...bRes]),
      ]));
    }
    return { be, dest: loc };
  });
  const v = backendTarget(ctx, p, targets);
  if (v === INVALID_BACKEND_UPSTREAM) return [d('proxy_pass', `http://${INVALID_BACKEND_UPSTREAM}`)];
  return [d('rewrite', '^', v, 'last')];
}

// ---------------------------------------------------------------- CORS (NGF config/servers.go generateCORSHeaders)

/** NGF's path rule and match rule indexes of a planned rule in its server (state/dataplane sort.go). */
function ngfRuleIndexes(s: PlannedServer, p: PlannedRule): { path: number; match: number } {
  const typeOrder = { Exact: 'exact', PathPrefix: 'prefix', RegularExpression: 'regularExpression' } as const;
  const key = (r: PlannedRule) => `${r.pathType} ${r.pathValue}`;
  const paths = [...new Map(s.rules.map((r) => [key(r), r])).values()].sort((a, b) => b.pathValue.length
    - a.pathValue.length || (a.pathValue < b.pathValue ? -1 : a.pathValue > b.pathValue ? 1 : 0)
    || (typeOrder[a.pathType] < typeOrder[b.pathType] ? -1 : 1));
  const path = paths.findIndex((r) => key(r) === key(p));
  const match = s.rules.filter((r) => key(r) === key(p)).sort(comparePrecedence).indexOf(p);
  return { path, match };
}

/** `"~^<origin with . escaped and * as .*>$"`, as NGF's maps.go convertToNginxRegex writes an allowed origin. */
function originRegex(origin: string): string {
  return `"~^${origin.replace(/\./g, '\\.').replace(/\*/g, '.*')}$"`;
}

/**
 * A CORS filter as NGF renders it: `if ($request_method = OPTIONS) { return 200; }` answers a preflight
 * itself, and `add_header ... always` lines give every answer the Access-Control-* headers; the allowed
 * origins are a map on $http_origin that yields the origin itself (or nothing, so no header), and
 * allowCredentials a map that yields "true" for those origins (maps.go buildCorsMapsForServer).
 */
function corsNodes(ctx: RenderCtx, s: PlannedServer, p: PlannedRule, locId: string): CorsNodes {
  const cors = filtersOf(p.rule.rule.filters, 'CORS')[0]?.cors;
  if (!cors) return { head: [], headers: [] };
  const { path, match } = ngfRuleIndexes(s, p);
  const ids = `server${s.ngfId}_path${path}_match${match}`;
  const origins = cors.allowOrigins ?? [];
  const map = (v: string, result: string) => {
    const lines = origins.map((o) => d(originRegex(o), result));
    if (!ctx.maps.has(v)) ctx.maps.set(v, b(`map:${v}`, 'map', ['$http_origin', v], lines));
    return q(v);
  };
  const list = (xs: readonly string[] | undefined, wildcard: string) =>
    (xs?.length === 1 && xs[0] === '*' ? wildcard : q((xs ?? []).join(', ')));
  const headers: NginxNode[] = [];
  const add = (name: string, value: string) => headers.push(d('add_header', name, value, 'always'));
  if (origins.length > 0) add('Access-Control-Allow-Origin', map(`$cors_allowed_origin_${ids}`, '$http_origin'));
  // A lone "*" echoes what the preflight asks for.
  const methods = list(cors.allowMethods, '$http_access_control_request_method');
  if (cors.allowMethods?.length) add('Access-Control-Allow-Methods', methods);
  const allowed = list(cors.allowHeaders, '$http_access_control_request_headers');
  if (cors.allowHeaders?.length) add('Access-Control-Allow-Headers', allowed);
  if (cors.exposeHeaders?.length) add('Access-Control-Expose-Headers', q(cors.exposeHeaders.join(', ')));
  if (cors.allowCredentials) add('Access-Control-Allow-Credentials', map(`$cors_allow_credentials_${ids}`, 'true'));
  // The CRD defaults maxAge to 5 (apis/v1 HTTPCORSFilter).
  add('Access-Control-Max-Age', q(String(cors.maxAge ?? 5)));
  const head = [b(`${CORS_IF_PREFIX}${locId}`, 'if', ['($request_method', '=', 'OPTIONS)'], [d('return', '200')])];
  return { head, headers };
}

function njsMatch(p: PlannedRule, redirectPath: string): NjsMatch {
  const m = p.match;
  if (!hasConditions(m)) return { any: true, redirectPath };
  // Only the first entry per header name counts (§14.4); the CRD already refuses duplicates.
  return {
    ...(m.method ? { method: m.method } : {}),
    ...(m.headers?.length ? { headers: m.headers.map((h) => `${h.name}:${h.type ?? 'Exact'}:${h.value}`) } : {}),
    ...(m.queryParams?.length ? { params: m.queryParams.map((x) => `${x.name}=${x.type ?? 'Exact'}=${x.value}`) } : {}),
    redirectPath,
  };
}

function sourceOf(p: PlannedRule): MatchSource {
  return {
    route: p.route.key,
    rule: p.rule.index,
    match: p.matchIndex,
    pathType: p.pathType,
    pathValue: p.pathValue,
    method: !!p.match.method,
    headers: p.match.headers?.length ?? 0,
    queryParams: p.match.queryParams?.length ?? 0,
  };
}

function internalPath(p: PlannedRule): string {
  return `/_ngf-internal-rule${p.rule.index}-route${p.routeIndex}`;
}

function locationArgs(l: PlannedLocation): string[] {
  if (l.modifier === '~') return ['~', q(l.path)];
  return l.modifier ? [l.modifier, l.path] : [l.path];
}

export function locationId(s: { port: number; hostname: string }, args: readonly string[]): string {
  return `location:${s.port}:${s.hostname}:${args.join(' ')}`;
}

export function serverId(port: number, hostname: string): string {
  return `server:${port}:${hostname}`;
}

function serverBlock(ctx: RenderCtx, s: PlannedServer, matches: MatchList[]): NginxBlock {
  const listen = ctx.opts.listenAddress ? `${ctx.opts.listenAddress}:${s.port}` : String(s.port);
  const head: NginxNode[] = [];
  if (s.protocol === 'HTTPS') {
    head.push(d('listen', listen, 'ssl'));
    const keypair = (s.certificate?.secret ?? 'none').replace('/', '_');
    const certPath = `${ctx.opts.secretsDir ?? '/etc/nginx/secrets'}/ssl_keypair_${keypair}.pem`;
    if (s.certificate) s.certificate.path = certPath;
    head.push(d('ssl_certificate', certPath), d('ssl_certificate_key', certPath));
    head.push(b(`if:${s.port}:${s.hostname}`, 'if', ['($ssl_server_name', '!=', '$host)'], [d('return', '421')]));
  } else head.push(d('listen', listen));
  head.push(d('server_name', s.hostname === '' ? '~^' : s.hostname));
  const body: NginxNode[] = [];
  const internals: NginxBlock[] = [];
  for (const l of planLocations(s)) {
    const args = locationArgs(l);
    const id = locationId(s, args);
    if (l.rules.length === 1 && !hasConditions(l.rules[0]!.match)) {
      const p = l.rules[0]!;
      ctx.inline[id] = sourceOf(p);
      const own = p.mirror ? mirrorHead(ctx, id, p.mirror) : [];
      body.push(b(id, 'location', args, [...own, ...ruleBody(ctx, p, s, !!p.mirror, internals, id)]));
      continue;
    }
    const key = `${s.port}_${matches.length}`;
    const list: MatchList = { key, entries: [], sources: [] };
    for (const p of l.rules) {
      const path = internalPath(p);
      list.entries.push(njsMatch(p, path));
      list.sources.push(sourceOf(p));
      const iid = locationId(s, [path]);
      if (!internals.some((x) => x.id === iid)) internals.push(b(
        iid,
        'location',
        [path],
        [d('internal'), ...ruleBody(ctx, p, s, true, internals, iid)],
      ));
    }
    matches.push(list);
    body.push(b(id, 'location', args, [d('set', '$match_key', key), d('js_content', 'httpmatches.redirect')]));
  }
  return b(serverId(s.port, s.hostname), 'server', [], [...head, ...body, ...internals]);
}

/**
 * The head of a mirror location (config/servers.go updateLocationMirrorRoute, servers_template.go): `internal;`,
 * and below 100 % the split_clients draw that answers 204 itself for the requests it leaves out, so nginx
 * never opens the copy's connection. The draw hashes $request_id, as the rule's own weights do.
 */
function mirrorHead(ctx: RenderCtx, locationId: string, m: ResolvedMirror): NginxNode[] {
  if (m.percent === 100) return [d('internal')];
  const pct = m.percent.toFixed(2);
  const v = `$${`${m.path}_${pct}`.replace(/[-/.]/g, '_')}`;
  if (!ctx.mirrorSplits.has(v)) {
    const share = pct === '0.00' ? c(`${pct}% ${m.path};`) : d(`${pct}%`, m.path);
    ctx.mirrorSplits.set(v, b(`split:${v}`, 'split_clients', ['$request_id', v], [share, d('*', '""')]));
  }
  return [d('internal'), b(`if:${locationId}`, 'if', [`(${v}`, '=', '"")'], [d('return', '204')])];
}

function defaultServer(ctx: RenderCtx, port: number, https: boolean): NginxBlock {
  const listen = ctx.opts.listenAddress ? `${ctx.opts.listenAddress}:${port}` : String(port);
  if (https) return b(
    serverId(port, '#default'),
    'server',
    [],
    [d('listen', listen, 'ssl', 'default_server'), d('ssl_reject_handshake', 'on')],
  );
  return b(
    serverId(port, '#default'),
    'server',
    [],
    [d('listen', listen, 'default_server'), d('default_type', 'text/html'), d('return', '404')],
  );
}

function upstreamBlock(ctx: RenderCtx, name: string, be: ResolvedBackend | null): NginxBlock {
  const children: NginxNode[] = [d('random', 'two', 'least_conn'), d('zone', name, '512k')];
  if (!be) children.push(d('server', `unix:${ctx.opts.socketDir}/nginx-500-server.sock`));
  else if (ctx.opts.endpointsBlind) children.push(c('endpoints are sent to the NGINX Agent separately'));
  else if (be.endpoints.length === 0) children.push(d('server', `unix:${ctx.opts.socketDir}/nginx-503-server.sock`));
  else for (const e of be.endpoints) children.push(d('server', `${e.address}:${e.port}`));
  return b(`upstream:${name}`, 'upstream', [name], children);
}

// ---------------------------------------------------------------- the whole file

/**
 * A Gateway's nginx.conf as NGINX Gateway Fabric writes it: the servers first (one default server
 * per listener port, then one per hostname), which tells which maps, split_clients and upstreams
 * the http block needs; then the main context; matches.json shown under it as comments.
 */
export function renderGatewayConf(
  cluster: Cluster,
  graph: GatewayAPIGraph,
  gw: GatewayGraph,
  options: GatewayRenderOptions = {},
): RenderedGateway {
  const opts = { socketDir: '/var/run/nginx', ...options };
  const ctx: RenderCtx = {
    inline: {},
    maps: new Map(),
    splits: new Map(),
    mirrorSplits: new Map(),
    upstreams: new Map(),
    opts,
    gwKey: gw.key,
  };
  const planned = planServers(graph, gw);
  const matches: MatchList[] = [];
  const servers = renderServers(ctx, planned, matches);
  const files = opts.files ?? { pid: '/var/run/nginx/nginx.pid', errorLog: 'stderr', accessLog: '/dev/stdout' };
  const matchesFile = opts.matchesFile ?? '/etc/nginx/conf.d/matches.json';
  // The servers rendered first, so the maps and split_clients they need are all known here.
  const httpBlock = b('http', 'http', [], httpContext(ctx, servers, matchesFile));
  const nodes: NginxNode[] = [
    c(`NGINX Gateway Fabric data plane for Gateway ${gw.key} (class ${gw.className})`),
    d('load_module', '/usr/lib/nginx/modules/ngx_http_js_module.so'),
    d('worker_processes', '1'),
    d('pid', files.pid),
    d('error_log', files.errorLog, 'info'),
    b('events', 'events', [], [d('worker_connections', '1024')]),
    httpBlock,
  ];
  const lines: RenderedLine[] = [];
  renderNodes(nodes, 'main', 0, lines);
  lines.push(...matchesComments(matches, matchesFile));
  return {
    gateway: gw.key,
    nodes,
    matches,
    artifact: {
      id: gatewayArtifactId(gw.key),
      kind: 'nginx.conf',
      ...titled('note.title.gatewayConf', { gateway: gw.key }),
      lines,
    },
    matchesJson: renderMatchesJson(matches),
    certificates: certificatesOf(cluster, planned),
    inline: ctx.inline,
    upstreamServices: Object.fromEntries([...ctx.upstreams.entries()].filter(([, be]) => be).map(([name, be]) => [
      name,
      be!.service,
    ])),
  };
}

/** Per listener port: the default server (404, or a rejected TLS handshake), then one per hostname. */
function renderServers(ctx: RenderCtx, planned: readonly PlannedServer[], matches: MatchList[]): NginxBlock[] {
  const servers: NginxBlock[] = [];
  const ports = [...new Set(planned.map((s) => s.port))];
  for (const port of ports) {
    const onPort = planned.filter((s) => s.port === port);
    servers.push(defaultServer(ctx, port, onPort[0]!.protocol === 'HTTPS'));
    for (const s of onPort) if (s.hostname !== '#none') servers.push(serverBlock(ctx, s, matches));
  }
  return servers;
}

/**
 * NGF's http.conf: njs and matches.json loaded, its maps, the maps and split_clients the servers
 * asked for, the servers, the 503/500 socket servers, and the upstreams by name.
 */
function httpContext(ctx: RenderCtx, servers: NginxBlock[], matchesFile: string): NginxNode[] {
  const { opts } = ctx;
  const files = opts.files ?? { pid: '/var/run/nginx/nginx.pid', errorLog: 'stderr', accessLog: '/dev/stdout' };
  const njsDir = opts.njsDir ?? '/usr/lib/nginx/modules/njs';
  return [
    c('/etc/nginx/conf.d/http.conf'),
    d('js_import', `${njsDir}/httpmatches.js`),
    d('js_preload_object', 'matches', 'from', matchesFile),
    d('default_type', 'application/octet-stream'),
    d('access_log', files.accessLog),
    ...(files.tempDir
      ? ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => d(`${t}_temp_path`, `${files.tempDir}/${t}`))
      : []),
    d('proxy_headers_hash_bucket_size', '256'),
    d('proxy_headers_hash_max_size', '1024'),
    d('server_names_hash_bucket_size', '256'),
    // NGF's conf/nginx.conf: internal names such as a mirror's split_clients variable outgrow nginx's default.
    d('variables_hash_bucket_size', '512'),
    d('variables_hash_max_size', '1024'),
    d('server_tokens', 'off'),
    b(
      'map:$gw_api_compliant_host',
      'map',
      ['$http_host', '$gw_api_compliant_host'],
      [d("''", '$host'), d('default', '$http_host')],
    ),
    b(
      'map:$connection_upgrade',
      'map',
      ['$http_upgrade', '$connection_upgrade'],
      [d('default', 'upgrade'), d("''", 'close')],
    ),
    // The request path without its query: internal locations start rewrites from it.
    b(
      'map:$request_uri_path',
      'map',
      ['$request_uri', '$request_uri_path'],
      [d(q('~^(?P<path>[^?]*)(\\?.*)?$'), '$path'), d('default', '$request_uri')],
    ),
    ...ctx.maps.values(),
    ...ctx.splits.values(),
    ...ctx.mirrorSplits.values(),
    ...servers,
    b(
      'server:#503',
      'server',
      [],
      [d('listen', `unix:${opts.socketDir}/nginx-503-server.sock`), d('access_log', 'off'), d('return', '503')],
    ),
    b(
      'server:#500',
      'server',
      [],
      [d('listen', `unix:${opts.socketDir}/nginx-500-server.sock`), d('access_log', 'off'), d('return', '500')],
    ),
    upstreamBlock(ctx, INVALID_BACKEND_UPSTREAM, null),
    ...[...ctx.upstreams.entries()].sort(([a], [b2]) => (a < b2 ? -1 : 1)).map(([name, be]) => upstreamBlock(
      ctx,
      name,
      be,
    )),
  ];
}

/**
 * matches.json is its own file; the viewer shows it under nginx.conf as comments (nginx ignores
 * them), each entry with a ref so a hop can point at the match that decided.
 */
function matchesComments(matches: readonly MatchList[], matchesFile: string): RenderedLine[] {
  const lines: RenderedLine[] = [{ text: '', ref: 'main' }, { text: `# ${matchesFile}`, ref: 'matches' }];
  for (const m of matches) {
    lines.push({ text: `#   "${m.key}": [`, ref: `matches:${m.key}` });
    m.entries.forEach((e, i) => lines.push({
      text: `#     ${JSON.stringify(e)}${i < m.entries.length - 1 ? ',' : ''}`,
      ref: `matches:${m.key}:${i}`,
    }));
    lines.push({ text: '#   ]', ref: `matches:${m.key}` });
  }
  return lines;
}

export function renderMatchesJson(matches: readonly MatchList[]): string {
  const obj: Record<string, NjsMatch[]> = {};
  for (const m of matches) obj[m.key] = m.entries;
  return `${JSON.stringify(obj, null, 2)}\n`;
}

function certificatesOf(cluster: Cluster, planned: readonly PlannedServer[]): { path: string; pem: string }[] {
  const out: { path: string; pem: string }[] = [];
  for (const s of planned) {
    if (!s.certificate || out.some((o) => o.path === s.certificate!.path)) continue;
    const { namespace: secretNs, name } = splitMetaNamespaceKey(s.certificate.secret);
    const secret: Secret | undefined = cluster.secrets.find(
      (x) => (x.metadata.namespace ?? 'default') === secretNs && x.metadata.name === name
    );
    const tls = tlsFromSecret(secret);
    const pem = tls.certPem && tls.keyPem
      ? `${tls.certPem.trim()}\n${tls.keyPem.trim()}\n`
      : `${FAKE_CERTIFICATE_PEM.trim()}\n${FAKE_CERTIFICATE_KEY_PEM.trim()}\n`;

    out.push({ path: s.certificate.path, pem });
  }
  return out;
}
