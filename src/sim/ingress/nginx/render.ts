// Renders the Ingress model into an nginx.conf in ingress-nginx's shape [NGX-TMPL]: one server per
// host after the catch-all `_` server, `## start server <host>` markers, locations per path with
// the pathType mapping of updateServerLocations/buildLocation, `set $proxy_upstream_name`, TLS and
// redirects. Unlike today's controller (one `upstream upstream_balancer` whose peers live in Lua
// shared memory), upstreams are plain `upstream <ns>-<svc>-<port> { server <podIP>:<port>; }`
// blocks as the seeds' early controllers wrote them, so a stock nginx loads and serves the file;
// what the Lua balancer decides (affinity, canary) is kept as data on the location and shown as
// comments.

import type { RenderedArtifact } from '../../artifact';
import type { BackendModel, IngressModel, LocationModel, ServerModel } from '../model';
import { CATCH_ALL_HOST, DEFAULT_BACKEND_UPSTREAM, INTERNAL_DEFAULT_SERVER, upstreamBackends } from '../model';
import type { LuaBalancerInfo, NginxBlock, NginxNode } from './conf';
import { b, c, d, quoteArg, renderConf } from './conf';

export interface NginxRenderOptions {
  /** Listen arguments for plain HTTP and for TLS ("80" and "443" in a pod; loopback addresses in tests). */
  listen?: { http: string; https: string };
  /** Directory of the PEM files ingress-nginx writes (`/etc/ingress-controller/ssl`); relative paths resolve against
   *  nginx.conf's directory. */
  sslDir?: string;
  /** Where the internal 404 server listens (ingress-nginx: 127.0.0.1:8181). */
  internalDefaultServer?: { address: string; port: number };
  /** Paths for pid, logs and temp files; writeNginxConfigDir makes them relative to the prefix. */
  files?: { pid: string; errorLog: string; accessLog: string; tempDir?: string };
  /**
   * Leave endpoints out (every upstream empty, no `return 503` for endpoint-less Services): the
   * configuration as modern ingress-nginx compares it, where endpoints live in the Lua balancer.
   */
  endpointsBlind?: boolean;
  /** ingress-nginx's `use-proxy-protocol`: `proxy_protocol` on every listen, the client address taken from
   *  the header. */
  proxyProtocol?: boolean;
}

export interface RenderedNginx {
  /** The structure the matcher evaluates. */
  nodes: NginxNode[];
  artifact: RenderedArtifact;
  /** Certificate files nginx.conf references: path as written -> which secret (or the fake certificate). */
  certificates: {
    path: string;
    secret: { namespace: string; name: string } | null;
    certPem: string | null;
    keyPem: string | null;
  }[];
}

export const FAKE_CERTIFICATE_FILE = 'default-fake-certificate.pem';

export function nginxServerId(host: string): string {
  return `server:${host}`;
}
export function nginxLocationId(host: string, modifier: string, path: string): string {
  return `location:${host} ${modifier ? modifier + ' ' : ''}${path}`;
}
export function nginxUpstreamId(name: string): string {
  return `upstream:${name}`;
}

function backendServers(be: BackendModel): string[] {
  if (be.serviceUpstream && be.clusterIP && be.servicePort) return [`${be.clusterIP}:${be.servicePort.port}`];
  return be.endpoints.map((e) => `${e.address}:${e.port}`);
}

function escapeRegexPath(path: string): string {
  // ingress-nginx writes the path into the regex as is (users write regexes); nothing to escape.
  return path;
}

interface PlannedLocation {
  modifier: '' | '=' | '~*';
  path: string;
  loc: LocationModel;
}

/** The nginx locations one Ingress path becomes [NGX-CTRL updateServerLocations, NGX-TMPL buildLocation]. */
export function planLocations(server: ServerModel): PlannedLocation[] {
  // use-regex (or rewrite-target) on any Ingress of a host makes every path of that host a regex [NGX-ANN].
  const enforceRegex = server.locations.some((l) => l.annotations.useRegex || l.annotations.rewriteTarget !== '');
  const out: PlannedLocation[] = [];
  const keys = new Set<string>();
  const add = (p: PlannedLocation) => {
    const key = `${p.modifier} ${p.path}`;
    if (keys.has(key)) return; // the first (oldest, or Exact before Prefix's extra exact) wins
    keys.add(key);
    out.push(p);
  };
  // Exact paths first so an Exact /foo suppresses the extra `= /foo` of a Prefix /foo.
  const ordered = [...server.locations].sort((a, b) => Number(b.pathType === 'Exact') - Number(a.pathType === 'Exact'));
  for (const loc of ordered) {
    const path = loc.path;
    if (loc.pathType === 'Exact') {
      add({ modifier: '=', path, loc });
    } else if (enforceRegex) {
      add({ modifier: '~*', path: `^${escapeRegexPath(path)}`, loc });
    } else if (loc.pathType === 'Prefix' && path !== '/') {
      // ingress-nginx updateServerLocations: the prefix location's path gets a trailing slash
      // (normalizePrefixPath) and an exact location keeps the path as written. So Prefix /foo is
      // `location /foo/` + `location = /foo`, and Prefix /foo/ is `location /foo/` + `location = /foo/`:
      // stock nginx then answers /foo with a 301 to /foo/ (auto-redirect of proxying locations).
      add({ modifier: '', path: path.endsWith('/') ? path : `${path}/`, loc });
      add({ modifier: '=', path, loc });
    } else {
      // Prefix /: a plain nginx prefix (the store made every ImplementationSpecific path a Prefix one).
      add({ modifier: '', path, loc });
    }
  }
  // ingress-nginx orders locations by descending path length, which decides among regexes.
  return out
    .map((p, i) => ({ p, i }))
    .sort((x, y) => y.p.path.length - x.p.path.length || x.i - y.i)
    .map((x) => x.p);
}

function locationArgs(p: PlannedLocation): string[] {
  if (p.modifier === '~*') return [p.modifier, quoteArg(p.path)];
  return p.modifier ? [p.modifier, p.path] : [p.path];
}

function luaInfo(loc: LocationModel, hasEndpoints: (be: BackendModel) => boolean): LuaBalancerInfo {
  const a = loc.annotations;
  return {
    upstream: loc.backend.upstreamName,
    algorithm: a.loadBalance,
    // service-upstream proxies to one ClusterIP: sticky sessions no longer apply [NGX-ANN].
    // Affinity is a property of the Ingress's backends (ingress-nginx SessionAffinity on the
    // upstream), not of a host's fallback location.
    affinity: a.affinity && !loc.backend.serviceUpstream && !loc.isDefaultBackend ? {
      ...a.affinity,
      cookiePath: a.affinity.cookiePath || loc.path,
    } : null,
    canary: loc.canary
      ? {
          upstream: loc.canary.backend.upstreamName,
          noEndpoints: !hasEndpoints(loc.canary.backend),
          byHeader: loc.canary.byHeader,
          byHeaderValue: loc.canary.byHeaderValue,
          byCookie: loc.canary.byCookie,
          weight: loc.canary.weight,
          weightTotal: loc.canary.weightTotal,
        }
      : null,
  };
}

function luaComments(info: LuaBalancerInfo): NginxNode[] {
  const out: NginxNode[] = [c(`balancer_by_lua (modelled): ${info.algorithm} over upstream ${info.upstream}`)];
  if (info.affinity) out.push(
    c(`affinity: cookie ${info.affinity.cookieName} (${info.affinity.mode}), path ${info.affinity.cookiePath}`)
  );
  if (info.canary) {
    const k = info.canary;
    const by = [
      k.byHeader ? `header ${k.byHeader}${k.byHeaderValue ? `=${k.byHeaderValue}` : ''}` : '',
      k.byCookie ? `cookie ${k.byCookie}` : '',
      `weight ${k.weight}/${k.weightTotal}`,
    ].filter((s) => s !== '');
    out.push(c(`canary: upstream ${k.upstream} by ${by.join(', then ')}`));
  }
  return out;
}

function renderLocation(
  server: ServerModel,
  p: PlannedLocation,
  opts: Required<Pick<NginxRenderOptions, 'endpointsBlind'>>,
  hasEndpoints: (be: BackendModel) => boolean,
): NginxBlock {

  const { loc } = p;
  const id = nginxLocationId(server.host, p.modifier, p.path);
  const be = loc.backend;
  const a = loc.annotations;
  const children: NginxNode[] = [
    d('set', '$namespace', `"${loc.ingress?.namespace ?? ''}"`),
    d('set', '$ingress_name', `"${loc.ingress?.name ?? ''}"`),
    d('set', '$service_name', `"${be.isControllerDefault ? '' : be.service}"`),
    d('set', '$service_port', `"${be.isControllerDefault ? '' : be.port}"`),
    // A literal `$` (regex paths) would start a variable; ingress-nginx writes ${literal_dollar}.
    d('set', '$location_path', `"${loc.path.replace(/\$/g, '${literal_dollar}')}"`),
  ];
  if (a.whitelistSourceRange.length > 0) {
    for (const cidr of a.whitelistSourceRange) children.push(d('allow', cidr));
    children.push(d('deny', 'all'));
  }
  // ssl-redirect applies when the host has a certificate; force-ssl-redirect always [NGX-ANN].
  // The root default location of a host carries its Ingress's annotations too, so an unmatched
  // path on a TLS host is redirected as well (ingress-nginx locationApplyAnnotations).
  if (a.forceSslRedirect || (a.sslRedirect && server.tls !== null && server.tls.found)) {
    children.push(b(
      `${id}#ssl-redirect`,
      'if',
      ['($scheme', '=', 'http)'],
      [d('return', '308', 'https://$host$request_uri')],
    ));
  }
  if (server.appRoot && loc.path === '/') {
    children.push(b(
      `${id}#app-root`,
      'if',
      ['($uri', '=', '/)'],
      [d('return', '302', `$scheme://$http_host${server.appRoot}`)],
    ));
  }
  // Before buildProxyPass's `rewrite ... break`, as nginx.tmpl orders them: a matching `break` ends
  // the location's rewrite-module directives, so a `set` after it would leave the balancer's
  // $proxy_upstream_name empty.
  children.push(d('set', '$proxy_upstream_name', `"${be.upstreamName}"`));
  // Not on the default root location: its path `/` has none of the captures a target refers to.
  if (a.rewriteTarget && !loc.isDefaultBackend) {
    children.push(d('rewrite', quoteArg(`(?i)${loc.path}`), a.rewriteTarget, 'break'));
  }
  if (!opts.endpointsBlind && !hasEndpoints(be)) {
    // No ready endpoint: the balancer has no peer and ingress-nginx answers 503 [NGX-503].
    // ingress-nginx keeps `proxy_pass` here (its Lua balancer finds no peer and answers 503), and
    // that matters: a proxying location whose name ends in `/` makes nginx redirect the slash-less URI.
    children.push(c(`Service ${be.namespace}/${be.service} has no ready endpoints`));
    children.push(d('return', '503'));
    children.push(d('proxy_pass', `http://${be.upstreamName}`));
  } else {
    const info = luaInfo(loc, hasEndpoints);
    // The balancer's settings (algorithm, affinity, canary) are backend data ingress-nginx POSTs to
    // Lua, so the reload comparison (endpointsBlind) leaves them out.
    if (!opts.endpointsBlind) children.push(...luaComments(info));
    children.push(d('proxy_pass', `http://${be.upstreamName}`));
    const block = b(id, 'location', locationArgs(p), children);
    block.lua = info;
    return block;
  }
  return b(id, 'location', locationArgs(p), children);
}

/** The render options with their defaults filled in, and what the blocks share while they render. */
interface ConfRender {
  listen: { http: string; https: string };
  internal: { address: string; port: number };
  files: { pid: string; errorLog: string; accessLog: string; tempDir?: string };
  endpointsBlind: boolean;
  proxyProtocol: boolean;
  /** The upstream's `server` lines: endpoints, a ClusterIP, or the internal 404 server. */
  serversOf: (be: BackendModel) => string[];
  hasEndpoints: (be: BackendModel) => boolean;
  /** `<sslDir>/<file>`. */
  certPath: (file: string) => string;
  /** Certificate files written so far, the fake certificate first. */
  certificates: RenderedNginx['certificates'];
}

function confRender(options: NginxRenderOptions): ConfRender {
  const sslDir = options.sslDir ?? '/etc/ingress-controller/ssl';
  const internal = options.internalDefaultServer ?? INTERNAL_DEFAULT_SERVER;
  const serversOf = (be: BackendModel): string[] => {
    const only = be.endpoints.length === 1 ? be.endpoints[0]! : null;
    if (be.isControllerDefault && only
      && only.address === INTERNAL_DEFAULT_SERVER.address && only.port === INTERNAL_DEFAULT_SERVER.port) {
      return [`${internal.address}:${internal.port}`];
    }
    return backendServers(be);
  };
  const certPath = (file: string) => `${sslDir.replace(/\/$/, '')}/${file}`;
  return {
    listen: options.listen ?? { http: '80', https: '443' },
    internal,
    files: options.files ?? {
      pid: '/tmp/nginx/nginx.pid',
      errorLog: '/var/log/nginx/error.log',
      accessLog: '/var/log/nginx/access.log',
    },
    endpointsBlind: options.endpointsBlind ?? false,
    proxyProtocol: options.proxyProtocol ?? false,
    serversOf,
    hasEndpoints: (be) => serversOf(be).length > 0,
    certPath,
    certificates: [{ path: certPath(FAKE_CERTIFICATE_FILE), secret: null, certPem: null, keyPem: null }],
  };
}

/**
 * nginx.conf, block by block as nginx.tmpl writes it: the main context, `events`, and `http` with
 * its shared proxy headers, one `upstream` per backend, one `server` per host (the catch-all `_`
 * first) and the controller's internal 404 server.
 */
export function renderNginxConf(model: IngressModel, options: NginxRenderOptions = {}): RenderedNginx {
  const r = confRender(options);
  const upstreams = renderUpstreams(model, r);
  const serverBlocks: NginxNode[] = [];
  for (const server of model.servers) {
    serverBlocks.push(c(`# start server ${server.host}`));
    serverBlocks.push(renderServer(server, r));
    serverBlocks.push(c(`# end server ${server.host}`));
    serverBlocks.push(c(''));
  }
  const nodes: NginxNode[] = [
    c(
      `nginx.conf for IngressClass "${model.className}", `
        + 'in the shape of ingress-nginx\'s nginx.tmpl (generated by netlab)'
    ),
    d('worker_processes', '1'),
    d('pid', r.files.pid),
    d('error_log', r.files.errorLog, 'notice'),
    b('events', 'events', [], [d('worker_connections', '1024')]),
    b('http', 'http', [], httpBlock(r, upstreams, serverBlocks)),
  ];
  // Locations and upstreams carry refs; top-level directives carry 'main'.
  return {
    nodes,
    artifact: renderConf(`ingress/${model.className}/nginx.conf`, `nginx.conf (${model.className})`, nodes),
    certificates: r.certificates,
  };
}

/** The `http` block: settings and proxy headers every location inherits, then upstreams and servers. */
function httpBlock(r: ConfRender, upstreams: NginxNode[], serverBlocks: NginxNode[]): NginxNode[] {
  const { files, internal } = r;
  const internalServer = b(nginxServerId(`${internal.address}:${internal.port}`), 'server', [], [
    c('the controller\'s default backend: 404 for every request no Ingress rule matched'),
    d('listen', `${internal.address}:${internal.port}`, 'default_server'),
    b(nginxLocationId(`${internal.address}:${internal.port}`, '', '/'), 'location', ['/'], [d('return', '404')]),
  ]);
  return [
    d('default_type', 'text/html'),
    d('access_log', files.accessLog),
    d('server_names_hash_max_size', '1024'),
    d('server_names_hash_bucket_size', '128'),
    ...(files.tempDir
      ? ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => d(`${t}_temp_path`, `${files.tempDir}/${t}`))
      : []),
    b('geo:literal_dollar', 'geo', ['$literal_dollar'], [d('default', '"$"')]),
    // use-proxy-protocol: the real client is the PROXY header's address ($remote_addr after realip),
    // trusted from anywhere (proxy-real-ip-cidr's default 0.0.0.0/0).
    ...(r.proxyProtocol ? [d('real_ip_header', 'proxy_protocol'), d('set_real_ip_from', '0.0.0.0/0')] : []),
    c('headers ingress-nginx sets for every proxied request (inherited by every location)'),
    d('proxy_http_version', '1.1'),
    d('proxy_set_header', 'Host', '$host'),
    d('proxy_set_header', 'X-Real-IP', '$remote_addr'),
    d('proxy_set_header', 'X-Forwarded-For', '$remote_addr'),
    d('proxy_set_header', 'X-Forwarded-Host', '$host'),
    d('proxy_set_header', 'X-Forwarded-Proto', '$scheme'),
    d('proxy_set_header', 'X-Scheme', '$scheme'),
    c(''),
    ...upstreams,
    c(''),
    ...serverBlocks,
    internalServer,
  ];
}

/** One `upstream` block per backend any location uses, the default backend first. */
function renderUpstreams(model: IngressModel, r: ConfRender): NginxNode[] {
  // Every backend any location uses, by upstream name (the first definition wins).
  const backends = upstreamBackends(model);
  const upstreams: NginxNode[] = [];
  const names = [...backends.keys()].sort((
    x,
    y,
  ) => (x === DEFAULT_BACKEND_UPSTREAM ? -1 : y === DEFAULT_BACKEND_UPSTREAM ? 1 : x < y ? -1 : 1));
  for (const name of names) {
    const be = backends.get(name)!;
    const servers = r.serversOf(be);
    // An upstream with no server is invalid nginx: like ingress-nginx's upstream_balancer, it gets the
    // placeholder 0.0.0.1, which no request reaches (its locations return 503 first).
    const placeholder = servers.length === 0 && !r.endpointsBlind;
    const why = be.isControllerDefault
      ? be.serviceFound
        ? `default backend Service ${be.namespace}/${be.service}`
        : 'the controller\'s own 404 server'
      : be.serviceUpstream
        ? `service-upstream: ClusterIP of ${be.namespace}/${be.service}`
        : `endpoints of Service ${be.namespace}/${be.service} port ${be.port}`;
    const children: NginxNode[] = [c(why)];
    if (r.endpointsBlind) children.push(c('endpoints are set through the Lua balancer (POST /configuration/backends)'));
    else if (placeholder) children.push(c('no ready endpoints'), d('server', '0.0.0.1'), c('placeholder'));
    else for (const s of servers) children.push(d('server', s));
    upstreams.push(b(nginxUpstreamId(name), 'upstream', [name], children));
  }
  return upstreams;
}

/** One `server` block: name, listens, certificate, its locations, and `/healthz` on the catch-all. */
function renderServer(server: ServerModel, r: ConfRender): NginxBlock {
  const isDefault = server.host === CATCH_ALL_HOST;
  const { listen } = r;
  const children: NginxNode[] = [d('server_name', buildServerName(server.host))];
  const pp = r.proxyProtocol ? ['proxy_protocol'] : [];
  children.push(d('listen', ...(isDefault ? [listen.http, 'default_server'] : [listen.http]), ...pp));
  children.push(d('listen', ...(isDefault ? [listen.https, 'default_server', 'ssl'] : [listen.https, 'ssl']), ...pp));
  const pem = serverCertificate(server, r, children);
  children.push(d('ssl_certificate', pem));
  children.push(d('ssl_certificate_key', pem));
  for (const p of planLocations(server)) {
    children.push(renderLocation(server, p, { endpointsBlind: r.endpointsBlind }, r.hasEndpoints));
  }
  if (isDefault) {
    // The catch-all server answers the controller's health check [NGX-TMPL].
    children.push(b(
      nginxLocationId(server.host, '', '/healthz'),
      'location',
      ['/healthz'],
      [d('access_log', 'off'), d('return', '200')],
    ));
  }
  return b(nginxServerId(server.host), 'server', [], children);
}

/**
 * The PEM file a server presents: its Secret's, written once as `<ns>-<name>.pem`, else the fake
 * certificate (with a comment in the server block saying why, when the host asked for TLS).
 */
function serverCertificate(server: ServerModel, r: ConfRender, children: NginxNode[]): string {
  const tls = server.tls;
  if (tls && tls.found && tls.certPem && tls.keyPem) {
    const pem = r.certPath(`${tls.secretNamespace}-${tls.secretName}.pem`);
    if (!r.certificates.some((x) => x.path === pem)) {
      r.certificates.push({
        path: pem,
        secret: { namespace: tls.secretNamespace, name: tls.secretName },
        certPem: tls.certPem,
        keyPem: tls.keyPem,
      });
    }
    return pem;
  }
  if (tls) {
    children.push(
      c(`secret ${tls.secretNamespace}/${tls.secretName} is missing or holds no PEM: the default certificate is served`)
    );
  }
  return r.certPath(FAKE_CERTIFICATE_FILE);
}

/** server_name as ingress-nginx's buildServerName writes it: `*.foo.com` becomes a one-label regex [NGX-TMPL]. */
export function buildServerName(host: string): string {
  if (!host.startsWith('*.')) return host;
  return `~^(?<subdomain>[\\w-]+)${host.slice(1).replace(/\./g, '\\.')}$`;
}
