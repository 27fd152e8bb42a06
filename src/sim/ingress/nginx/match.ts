// Evaluates one HTTP request against a rendered nginx.conf, the way nginx does it:
// virtual server by listen socket then server_name (exact, wildcard, regex in order, else the
// default_server), location by nginx's algorithm (exact `=`, longest prefix, `^~`, then regexes in
// file order, else the longest prefix), then the location's rewrite phase (set / if / rewrite /
// return, in order), its access phase (allow / deny) and proxy_pass to an upstream. Peer choice is
// ingress-nginx's Lua balancer as modelled (round robin with a state object, cookie affinity,
// canary), read from the location's balancer info shown as comments.

import type { ArtifactRef, RenderedArtifact } from '../../artifact';
import { findLine } from '../../artifact';
import { cidrContains, parseCidr } from '../../net/ip';
import type { SeededRandom } from '../../net/rand';
import type { NginxBlock, NginxNode } from './conf';
import { childBlocks, childDirectives, unquoteArg } from './conf';
import { DEFAULT_BACKEND_UPSTREAM } from '../model';
import { note, type Note } from '../../notes';
import type { EvalStep, StepEffect } from '../../step';
import { choosePeer, chooseCanary, newBalancerState, type BalancerState } from './balancer';
import type { IngressRequest } from './request';

export { affinityCookieValue, consistentPeer, newBalancerState, type BalancerState } from './balancer';
export type { IngressRequest } from './request';

export type ServerNameMatch = 'exact' | 'wildcard' | 'regex' | 'default_server';
/** `auto-redirect`: nginx's 301 to the URI plus `/` for a proxying location named so [NGINX-DOC location]. */
export type LocationMatch = 'exact' | 'prefix' | 'regex' | 'auto-redirect';

export type NginxOutcome = 'proxy' | 'redirect' | 'return' | 'forbidden' | 'no-server';

export interface NginxDecision {
  outcome: NginxOutcome;
  status: number;
  server: { id: string; serverName: string; match: ServerNameMatch } | null;
  location: { id: string; args: string[]; match: LocationMatch } | null;
  /** The block whose line decided (an `if` for redirects, the location, or the upstream). */
  decidedBy: string | null;
  upstream: string | null;
  /** The chosen peer "ip:port". */
  endpoint: string | null;
  canary: boolean;
  /** The request nginx sends upstream (rewritten path, headers from proxy_set_header). */
  upstreamRequest: { method: string; path: string; headers: Record<string, string> } | null;
  /** Location header of a redirect. */
  redirect: string | null;
  responseHeaders: Record<string, string>;
  /** nginx variables set by the location (`$namespace`, `$proxy_upstream_name`, ...). */
  variables: Record<string, string>;
  /** The request ended at the controller's default backend (its 404). */
  defaultBackend: boolean;
  /** The peer was one of this nginx's own servers (ingress-nginx's internal default server): no pod answered. */
  ownServer: boolean;
  /** Lines of the rendered artifact that decided, when an artifact is given. */
  refs: { server: ArtifactRef | null; location: ArtifactRef | null; decided: ArtifactRef | null };
  /** The steps that decided, as typed notes (rendered in the reader's language by src/sim/trace/messages.ts). */
  notes: Note[];
  /** What nginx evaluated, in order, by block id: the server chosen, each location it compared
   *  (matched or not), the location chosen, a return, the upstream's peer choice. */
  trail: NginxTrailEntry[];
  /** The trail with each block's rendered line, when an artifact is given. */
  steps: EvalStep[];
}

export interface NginxTrailEntry {
  /** The block (server, location, if, upstream) whose first line shows the step. */
  id: string;
  matched: boolean;
  effect: StepEffect;
}

export interface MatchNginxInput {
  nodes: readonly NginxNode[];
  artifact?: RenderedArtifact;
  request: IngressRequest;
  balancer?: BalancerState;
  random?: SeededRandom;
}

// ---------------------------------------------------------------- URI handling

/** nginx's URI normalisation for matching: percent-decoding, merged slashes, resolved dot segments. */
export function normalizeNginxUri(path: string): string {
  let p = path.split('?')[0] ?? '/';
  try {
    p = decodeURIComponent(p);
  } catch {
    // nginx answers 400 for invalid encodings; the lab keeps the raw path.
  }
  p = p.replace(/\/{2,}/g, '/');
  const out: string[] = [];
  const segs = p.split('/');
  segs.forEach((s, i) => {
    if (s === '.') {
      if (i === segs.length - 1) out.push('');
      return;
    }
    if (s === '..') {
      if (out.length > 1) out.pop();
      if (i === segs.length - 1) out.push('');
      return;
    }
    out.push(s);
  });
  const r = out.join('/');
  return r.startsWith('/') ? r : `/${r}`;
}

/** PCRE as nginx writes it to a JavaScript RegExp: `(?i)` becomes the i flag. */
export function nginxRegex(source: string, caseInsensitive: boolean): RegExp {
  let s = source;
  let flags = caseInsensitive ? 'i' : '';
  if (s.startsWith('(?i)')) {
    s = s.slice(4);
    flags = 'i';
  }
  return new RegExp(s, flags);
}

// ---------------------------------------------------------------- server selection

function listenPort(arg: string): { address: string | null; port: number } {
  const m = /^(?:(\d+\.\d+\.\d+\.\d+):)?(\d+)$/.exec(arg);
  if (!m) return { address: null, port: NaN };
  return { address: m[1] ?? null, port: Number(m[2]) };
}

interface ServerCandidate {
  block: NginxBlock;
  isDefault: boolean;
}

function serversOnSocket(http: NginxBlock, address: string | undefined, port: number): ServerCandidate[] {
  const out: ServerCandidate[] = [];
  for (const s of childBlocks(http, 'server')) {
    for (const l of childDirectives(s, 'listen')) {
      const lp = listenPort(l.args[0] ?? '');
      if (lp.port !== port) continue;
      if (lp.address !== null && address !== undefined && lp.address !== address) continue;
      out.push({ block: s, isDefault: l.args.includes('default_server') });
      break;
    }
  }
  return out;
}

export function selectNginxServer(
  http: NginxBlock,
  host: string,
  address: string | undefined,
  port: number,
): { block: NginxBlock; name: string; match: ServerNameMatch } | null {
  const cands = serversOnSocket(http, address, port);
  if (cands.length === 0) return null;
  const h = host.toLowerCase().replace(/:\d+$/, '').replace(/\.$/, '');
  const names = (s: NginxBlock) => childDirectives(s, 'server_name').flatMap((x) => x.args);
  // 1. exact name
  for (const cand of cands) {
    if (names(cand.block).some((n) => n.toLowerCase() === h)) return { block: cand.block, name: h, match: 'exact' };
  }
  // 2. longest wildcard starting with "*.", 3. ending with ".*"
  let best: { block: NginxBlock; name: string; len: number } | null = null;
  for (const cand of cands) {
    for (const n of names(cand.block)) {
      if (n.startsWith('*.') && h.endsWith(n.slice(1)) && (!best || n.length > best.len)) {
        best = { block: cand.block, name: n, len: n.length };
      }
    }
  }
  if (!best) {
    for (const cand of cands) {
      for (const n of names(cand.block)) {
        if (n.endsWith('.*') && h.startsWith(n.slice(0, -1)) && (!best || n.length > best.len)) {
          best = { block: cand.block, name: n, len: n.length };
        }
      }
    }
  }
  if (best) return { block: best.block, name: best.name, match: 'wildcard' };
  // 4. the first regular expression, in order of appearance
  for (const cand of cands) {
    for (const n of names(cand.block)) {
      if (n.startsWith('~') && nginxRegex(n.slice(1), false).test(h)) {
        return { block: cand.block, name: n, match: 'regex' };
      }
    }
  }
  // 5. the default server of the socket, else the first server listening on it
  const def = cands.find((x) => x.isDefault) ?? cands[0]!;
  return { block: def.block, name: names(def.block)[0] ?? '', match: 'default_server' };
}

// ---------------------------------------------------------------- location selection

const PASS_DIRECTIVES = new Set([
  'proxy_pass',
  'fastcgi_pass',
  'uwsgi_pass',
  'scgi_pass',
  'memcached_pass',
  'grpc_pass',
]);

/** nginx sets auto_redirect on a prefix or exact location whose name ends in `/` and that passes upstream. */
function autoRedirects(l: NginxBlock, name: string): boolean {
  return name.endsWith('/') && l.children.some((n) => n.kind === 'directive' && PASS_DIRECTIVES.has(n.name));
}

/** `considered`, when given, receives every location compared with the URI, in nginx's order:
 *  the exact and prefix locations first, then the regular expressions until one matches. */
export function selectNginxLocation(
  server: NginxBlock,
  uri: string,
  considered?: { block: NginxBlock; matched: boolean }[],
): { block: NginxBlock; match: LocationMatch } | null {
  const locs = childBlocks(server, 'location');
  let longest: { block: NginxBlock; len: number; noRegex: boolean } | null = null;
  let redirect: NginxBlock | null = null;
  let named = false; // a prefix location named exactly like the URI
  for (const l of locs) {
    const [a0, a1] = l.args.map(unquoteArg);
    if (a0 === '=') {
      considered?.push({ block: l, matched: a1 === uri });
      if (a1 === uri) return { block: l, match: 'exact' };
      // The exact location wins the static tree's node for its name (ngx_http_core_find_static_location).
      if (a1 === `${uri}/` && autoRedirects(l, a1)) redirect = l;
      continue;
    }
    if (a0 === '~' || a0 === '~*') continue;
    const noRegex = a0 === '^~';
    const prefix = noRegex ? (a1 ?? '') : (a0 ?? '');
    if (prefix === uri) named = true;
    if (prefix === `${uri}/` && autoRedirects(l, prefix) && !redirect) redirect = l;
    considered?.push({ block: l, matched: uri.startsWith(prefix) });
    if (uri.startsWith(prefix) && (!longest || prefix.length > longest.len)) {
      longest = { block: l, len: prefix.length, noRegex };
    }
  }
  // One character short of a redirecting location's name, and no location has the URI's own name:
  // nginx answers 301 before it looks at regular expressions.
  if (redirect && !named) return { block: redirect, match: 'auto-redirect' };
  if (longest?.noRegex) return { block: longest.block, match: 'prefix' };
  for (const l of locs) {
    const [a0, a1] = l.args.map(unquoteArg);
    if ((a0 !== '~' && a0 !== '~*') || a1 === undefined) continue;
    const hit = nginxRegex(a1, a0 === '~*').test(uri);
    considered?.push({ block: l, matched: hit });
    if (hit) return { block: l, match: 'regex' };
  }
  return longest ? { block: longest.block, match: 'prefix' } : null;
}

// ---------------------------------------------------------------- variables and the balancer

interface Vars {
  scheme: string;
  host: string;
  http_host: string;
  request_uri: string;
  uri: string;
  args: string;
  remote_addr: string;
  server_name: string;
  [name: string]: string;
}

function expand(template: string, vars: Vars, captures: readonly string[] = []): string {
  return unquoteArg(template).replace(/\$(\d|\{?[A-Za-z_][A-Za-z0-9_]*\}?)/g, (_m, name: string) => {
    if (/^\d$/.test(name)) return captures[Number(name)] ?? '';
    const n = name.replace(/[{}]/g, '');
    if (n.startsWith('http_')) return vars[n] ?? '';
    return vars[n] ?? '';
  });
}

// ---------------------------------------------------------------- the request

function blankDecision(): NginxDecision {
  return {
    outcome: 'no-server',
    status: 0,
    server: null,
    location: null,
    decidedBy: null,
    upstream: null,
    endpoint: null,
    canary: false,
    upstreamRequest: null,
    redirect: null,
    responseHeaders: {},
    variables: {},
    defaultBackend: false,
    ownServer: false,
    refs: { server: null, location: null, decided: null },
    notes: [],
    trail: [],
    steps: [],
  };
}

/** The trail's steps on the rendered artifact (entries whose block renders no line are left out). */
function trailSteps(a: RenderedArtifact, trail: readonly NginxTrailEntry[]): EvalStep[] {
  const out: EvalStep[] = [];
  for (const t of trail) {
    const ref = findLine(a, t.id);
    if (!ref) continue;
    const outcome = t.matched ? 'matched' : 'skipped';
    out.push({ outcome, table: 'nginx', chain: t.id, effect: t.effect, ref, where: 'nginx', action: t.effect.kind });
  }
  return out;
}

export function matchNginx(input: MatchNginxInput): NginxDecision {
  const decision = evaluate(input, 0);
  if (input.artifact) {
    const a = input.artifact;
    decision.refs = {
      server: decision.server ? findLine(a, decision.server.id) : null,
      location: decision.location ? findLine(a, decision.location.id) : null,
      decided: decision.decidedBy ? findLine(a, decision.decidedBy) : null,
    };
    decision.steps = trailSteps(a, decision.trail);
  }
  return decision;
}

/** What the phases of one request share: the request, the http block, the server that took it, the
 *  normalised URI its location is chosen by, nginx's variables and the decision being built. */
interface RequestContext {
  input: MatchNginxInput;
  req: IngressRequest;
  http: NginxBlock;
  server: NginxBlock;
  port: number;
  uri: string;
  vars: Vars;
  out: NginxDecision;
}

/** A phase either hands the request on or ends it with the decision. */
type Finished = { finished: NginxDecision };

/** One request through nginx's phases, in nginx's order (ngx_http_core_module): server selection by
 *  listen socket and server_name, find-config (the location, or its auto-redirect 301), rewrite,
 *  access, content (proxy_pass, and the canary's upstream), then the upstream's balancer. */
function evaluate(input: MatchNginxInput, depth: number): NginxDecision {
  const { request: req } = input;
  const out = blankDecision();
  const http = input.nodes.find((n): n is NginxBlock => n.kind === 'block' && n.name === 'http');
  if (!http) return { ...out, notes: [note('note.nginx.noHttp', {})] };
  const port = req.port ?? (req.scheme === 'https' ? 443 : 80);
  const sel = serverSelection(http, req, port, out);
  if (!sel) return { ...out, notes: [note('note.nginx.noListener', { port })] };
  const uri = normalizeNginxUri(req.path);
  const vars = requestVariables(http, req, uri, sel.name);
  const ctx: RequestContext = { input, req, http, server: sel.block, port, uri, vars, out };

  const loc = findConfigPhase(ctx);
  if ('finished' in loc) return loc.finished;
  const rewritten = rewritePhase(ctx, loc);
  if (typeof rewritten !== 'string') return rewritten.finished;
  const denied = accessPhase(ctx, loc);
  if (denied) return denied.finished;
  const content = contentPhase(ctx, loc);
  if ('finished' in content) return content.finished;
  const peer = balancerPhase(ctx, content.upstream, content.block, loc);
  if (typeof peer !== 'string') return peer.finished;
  return proxyPhase(ctx, { location: loc, upstream: content.upstream, peer, uri: rewritten }, depth);
}

/** Server selection: the listen socket, then server_name (ngx_http_find_virtual_server). */
function serverSelection(
  http: NginxBlock,
  req: IngressRequest,
  port: number,
  out: NginxDecision,
): { block: NginxBlock; name: string } | null {
  const sel = selectNginxServer(http, req.host, req.localAddress, port);
  if (!sel) return null;
  out.server = { id: sel.block.id, serverName: sel.name, match: sel.match };
  out.trail.push({ id: sel.block.id, matched: true, effect: { kind: 'server', name: sel.name, match: sel.match } });
  out.notes.push(note(`note.nginx.server.${sel.match}`, { server: sel.name }));
  return sel;
}

/** The variables a request starts with ($host, $uri, $args, $http_*), plus geo blocks that only
 *  have a default value (ingress-nginx's $literal_dollar). */
function requestVariables(http: NginxBlock, req: IngressRequest, uri: string, serverName: string): Vars {
  const q = req.path.indexOf('?');
  const hostHeader = req.host;
  const hostVar = hostHeader ? hostHeader.toLowerCase().replace(/:\d+$/, '') : serverName;
  const vars: Vars = {
    scheme: req.scheme,
    host: hostVar,
    http_host: hostHeader,
    request_uri: req.path,
    uri,
    args: q >= 0 ? req.path.slice(q + 1) : '',
    remote_addr: req.clientIP,
    server_name: serverName,
  };
  for (const [k, v] of Object.entries(req.headers ?? {})) vars[`http_${k.toLowerCase().replace(/-/g, '_')}`] = v;
  for (const g of childBlocks(http, 'geo')) {
    const def = childDirectives(g, 'default')[0];
    if (def && g.args[0]) vars[g.args[0].slice(1)] = unquoteArg(def.args[0] ?? '');
  }
  return vars;
}

/** Find-config: the location by nginx's algorithm, every location compared on the trail. A URI one
 *  `/` short of a proxying location's name is answered 301 here, as ngx_http_core_find_config_phase
 *  does, before any rewrite. No location: 404. */
function findConfigPhase(ctx: RequestContext): NginxBlock | Finished {
  const { out, server, uri } = ctx;
  const considered: { block: NginxBlock; matched: boolean }[] = [];
  const loc = selectNginxLocation(server, uri, considered);
  for (const c of considered) {
    if (c.block === loc?.block) continue;
    const effect: StepEffect = { kind: 'location-considered', args: c.block.args.join(' '), matched: c.matched };
    out.trail.push({ id: c.block.id, matched: false, effect });
  }
  if (!loc) {
    out.trail.push({ id: server.id, matched: true, effect: { kind: 'http-return', status: 404 } });
    out.notes.push(note('note.nginx.noLocation', {}));
    return { finished: { ...out, outcome: 'return', status: 404, decidedBy: server.id } };
  }
  const args = loc.block.args.join(' ');
  out.location = { id: loc.block.id, args: loc.block.args, match: loc.match };
  out.trail.push({ id: loc.block.id, matched: true, effect: { kind: 'location', args, match: loc.match } });
  out.decidedBy = loc.block.id;
  if (loc.match === 'auto-redirect') {
    // The Ingress spec ignores a trailing slash on Prefix paths; stock nginx redirects first.
    out.notes.push(note('note.nginx.location.auto-redirect', { location: args, uri }));
    const url = autoRedirectUrl(ctx.vars, ctx.port, `${uri}/`);
    return { finished: finishReturn(out, ['301', url], ctx.vars, loc.block.id) };
  }
  out.notes.push(note(`note.nginx.location.${loc.match}`, { location: args, uri }));
  return loc.block;
}

/** Rewrite (ngx_http_rewrite_module): set, if, rewrite, return, in file order. Returns the URI after
 *  the rewrites, or the request's end at a `return`. */
function rewritePhase(ctx: RequestContext, loc: NginxBlock): string | Finished {
  const { out, vars } = ctx;
  let currentUri = ctx.uri;
  for (const n of loc.children) {
    if (n.kind === 'directive' && n.name === 'set') {
      vars[n.args[0]!.slice(1)] = expand(n.args[1] ?? '', vars);
      out.variables[n.args[0]!.slice(1)] = vars[n.args[0]!.slice(1)]!;
    } else if (n.kind === 'block' && n.name === 'if') {
      if (evalIf(n.args, { ...vars, uri: currentUri })) {
        const ret = childDirectives(n, 'return')[0];
        if (ret) return { finished: finishReturn(out, ret.args, { ...vars, uri: currentUri }, n.id) };
      }
    } else if (n.kind === 'directive' && n.name === 'rewrite') {
      const re = nginxRegex(unquoteArg(n.args[0]!), false);
      const m = re.exec(currentUri);
      if (m) {
        const next = expand(n.args[1]!, vars, [...m]);
        out.notes.push(note('note.nginx.rewrite', { from: currentUri, to: next }));
        currentUri = next;
        if (n.args[2] === 'break' || n.args[2] === 'last') break;
      }
    } else if (n.kind === 'directive' && n.name === 'return') {
      return { finished: finishReturn(out, n.args, { ...vars, uri: currentUri }, loc.id) };
    }
  }
  return currentUri;
}

/** Access (ngx_http_access_module): the first allow/deny rule that matches the client decides. */
function accessPhase(ctx: RequestContext, loc: NginxBlock): Finished | null {
  const { out, req } = ctx;
  for (const n of loc.children) {
    if (n.kind !== 'directive' || (n.name !== 'allow' && n.name !== 'deny')) continue;
    const arg = n.args[0] ?? '';
    const cidr = arg === 'all' ? parseCidr('0.0.0.0/0') : parseCidr(arg, true);
    if (!cidr || !cidrContains(cidr, req.clientIP)) continue;
    if (n.name === 'deny') {
      out.notes.push(note('note.nginx.denied', { client: req.clientIP, rule: arg }));
      const effect: StepEffect = { kind: 'http-deny', client: req.clientIP, rule: `deny ${arg}` };
      out.trail.push({ id: loc.id, matched: true, effect });
      return { finished: { ...out, outcome: 'forbidden', status: 403 } };
    }
    out.notes.push(note('note.nginx.allowed', { client: req.clientIP, rule: arg }));
    return null;
  }
  return null;
}

/** Content: the location's proxy_pass names the upstream; the Lua balancer may send the request to
 *  the canary's upstream instead. Ends the request when there is no handler, no such upstream, or
 *  the chosen canary has no endpoints. */
function contentPhase(ctx: RequestContext, loc: NginxBlock): { upstream: string; block: NginxBlock } | Finished {
  const { out, http } = ctx;
  const pass = childDirectives(loc, 'proxy_pass')[0];
  if (!pass) {
    out.notes.push(note('note.nginx.noHandler', {}));
    return { finished: { ...out, outcome: 'return', status: 404 } };
  }
  let upstreamName = (pass.args[0] ?? '').replace(/^https?:\/\//, '');
  const canary = loc.lua?.canary;
  if (canary && chooseCanary(canary, ctx.req, ctx.input.random, out.notes)) {
    out.canary = true;
    upstreamName = canary.upstream;
    if (canary.noEndpoints) {
      out.notes.push(note('note.nginx.canaryEmpty', { upstream: upstreamName }));
      const effect: StepEffect = {
        kind: 'upstream',
        upstream: upstreamName,
        peer: null,
        how: 'no-peers',
        canary: true,
      };
      out.trail.push({ id: loc.id, matched: true, effect });
      return { finished: { ...out, outcome: 'return', status: 503, upstream: upstreamName } };
    }
  }
  const upstream = childBlocks(http, 'upstream').find((u) => u.args[0] === upstreamName);
  out.upstream = upstreamName;
  if (!upstream) {
    out.notes.push(note('note.nginx.noUpstream', { upstream: upstreamName }));
    return { finished: { ...out, outcome: 'return', status: 502 } };
  }
  return { upstream: upstreamName, block: upstream };
}

/** Balancer: the upstream's peer, chosen by the modelled Lua balancer (balancer.ts). 503 when the
 *  upstream has no peers. */
function balancerPhase(
  ctx: RequestContext,
  upstreamName: string,
  upstream: NginxBlock,
  loc: NginxBlock,
): string | Finished {
  const { out } = ctx;
  const peers = childDirectives(upstream, 'server').map((s) => s.args[0]!);
  if (peers.length === 0) {
    out.notes.push(note('note.nginx.noPeers', { upstream: upstreamName }));
    const effect: StepEffect = { kind: 'upstream', upstream: upstreamName, peer: null, how: 'no-peers' };
    out.trail.push({ id: upstream.id, matched: true, effect });
    return { finished: { ...out, outcome: 'return', status: 503, decidedBy: upstream.id } };
  }
  const { peer, how } = choosePeer({
    state: ctx.input.balancer ?? newBalancerState(),
    random: ctx.input.random,
    info: loc.lua,
    canary: out.canary,
    cookies: ctx.req.cookies,
    upstream: upstreamName,
    peers,
    notes: out.notes,
    responseHeaders: out.responseHeaders,
  });
  out.endpoint = peer;
  const chosen: StepEffect = { kind: 'upstream', upstream: upstreamName, peer, how };
  if (out.canary) chosen.canary = true;
  out.trail.push({ id: upstream.id, matched: true, effect: chosen });
  return peer;
}

/** The proxied request: headers from proxy_set_header, the rewritten path; a peer that is one of this
 *  nginx's own sockets (ingress-nginx's internal default server) is evaluated in turn. */
function proxyPhase(
  ctx: RequestContext,
  to: { location: NginxBlock; upstream: string; peer: string; uri: string },
  depth: number,
): NginxDecision {
  const { out, req, http, vars } = ctx;
  // Headers sent upstream: proxy_set_header of the nearest level that has any (nginx inheritance).
  const levels: NginxBlock[] = [to.location, ctx.server, http];
  const setters = levels.map((l) => childDirectives(l, 'proxy_set_header')).find((x) => x.length > 0) ?? [];
  const headers: Record<string, string> = {};
  for (const s of setters) headers[s.args[0]!] = expand(s.args[1] ?? '', { ...vars, uri: to.uri });
  const upstreamPath = to.uri === ctx.uri ? req.path : to.uri + (vars.args ? `?${vars.args}` : '');
  out.upstreamRequest = { method: req.method ?? 'GET', path: upstreamPath, headers };

  const isDefault = to.upstream === DEFAULT_BACKEND_UPSTREAM;
  const [addr, p] = to.peer.split(':');
  const ownSocket = childBlocks(http, 'server').some((s) =>
    childDirectives(s, 'listen').some((l) => {
      const lp = listenPort(l.args[0] ?? '');
      return lp.address === addr && lp.port === Number(p);
    }),
  );
  const inner = depth === 0 && ownSocket ? selectNginxServer(http, '', addr, Number(p)) : null;
  if (inner && depth === 0) {
    const request: IngressRequest = {
      ...req,
      scheme: 'http',
      host: '',
      path: upstreamPath,
      localAddress: addr,
      port: Number(p),
    };
    const innerDecision = evaluate({ ...ctx.input, request }, depth + 1);
    out.notes.push(note('note.nginx.internal', { peer: to.peer }), ...innerDecision.notes);
    out.trail.push(...innerDecision.trail);
    return { ...out, outcome: 'proxy', status: innerDecision.status, defaultBackend: isDefault, ownServer: true };
  }
  // A lab backend answers 200; the controller's default backend pods answer 404.
  return { ...out, outcome: 'proxy', status: isDefault ? 404 : 200, defaultBackend: isDefault };
}

function evalIf(args: readonly string[], vars: Vars): boolean {
  const text = args.join(' ').replace(/^\(/, '').replace(/\)$/, '').trim();
  const m = /^(\$[A-Za-z_][A-Za-z0-9_]*)\s*(=|!=)\s*(.*)$/.exec(text);
  if (!m) return false;
  const left = expand(m[1]!, vars);
  const right = unquoteArg(m[3]!.trim());
  return m[2] === '=' ? left === right : left !== right;
}

/**
 * The Location of nginx's auto-redirect: absolute_redirect on, server_name_in_redirect off (the Host
 * header's name), port_in_redirect on (the port nginx listens on, unless it is the scheme's default).
 */
function autoRedirectUrl(vars: Vars, port: number, path: string): string {
  const defaultPort = vars.scheme === 'https' ? 443 : 80;
  const args = vars.args ? `?${vars.args}` : '';
  return `${vars.scheme}://${vars.host}${port === defaultPort ? '' : `:${port}`}${path}${args}`;
}

function finishReturn(out: NginxDecision, args: readonly string[], vars: Vars, decidedBy: string): NginxDecision {
  const status = Number(args[0]);
  const url = args[1] !== undefined ? expand(args[1], vars) : null;
  const redirect = url !== null && [301, 302, 303, 307, 308].includes(status) ? url : null;
  const effect: StepEffect = { kind: 'http-return', status, ...(redirect ? { location: redirect } : {}) };
  out.trail.push({ id: decidedBy, matched: true, effect });
  out.notes.push(
    redirect ? note('note.nginx.returnRedirect', { status, url: redirect }) : note('note.nginx.return', { status }),
  );
  return {
    ...out,
    outcome: redirect ? 'redirect' : 'return',
    status,
    redirect,
    responseHeaders: redirect ? { ...out.responseHeaders, Location: redirect } : out.responseHeaders,
    decidedBy,
  };
}
