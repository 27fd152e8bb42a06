// Evaluates one request over a Gateway's rendered nginx.conf and its match lists, the way the data
// plane does: server by port and server_name, location by nginx's algorithm, then the location's
// directives in order (set, rewrite, if, return, js_content httpmatches.redirect -> internal location,
// mirror -> a subrequest whose answer is thrown away),
// split_clients over $request_id (a seeded draw here), the upstream's peers (`random two
// least_conn`: a seeded pick), the proxy headers nginx sends, and the response header changes.
// It reads only the rendered structure (principle 4): the viewer's lines are what decided.

import type { ArtifactRef } from '../artifact';
import { findLine } from '../artifact';
import type { SeededRandom } from '../net/rand';
import type { NginxBlock, NginxDirective, NginxNode } from '../ingress/nginx/conf';
import { childBlocks, childDirectives, unquoteArg } from '../ingress/nginx/conf';
import { nginxRegex, normalizeNginxUri, selectNginxLocation, selectNginxServer } from '../ingress/nginx/match';
import type { MatchSource, NjsMatch, RenderedGateway } from './render';
import { CORS_IF_PREFIX } from './render';

export interface GatewayRequest {
  scheme: 'http' | 'https';
  /** Host header as sent (may carry a port). */
  host: string;
  /** Path and query as sent. */
  path: string;
  method: string;
  headers: Readonly<Record<string, string>>;
  clientIP: string;
  /** The listener port the connection arrived on. */
  port: number;
}

export interface MatchedRule {
  list: string;
  index: number;
  source: MatchSource;
  entry: NjsMatch;
  /** Entries before the winner that the request did not satisfy, with the first reason. */
  skipped: { source: MatchSource; why: string }[];
}

/**
 * One copy a RequestMirror filter asks for: nginx's mirror module (ngx_http_mirror_module) runs a
 * background subrequest to the mirror's internal location before the request's own proxy_pass, and
 * throws its reply away; the client's answer comes from the rule's backend alone.
 */
export interface MirrorCopy {
  /** The internal location the `mirror` directive names. */
  path: string;
  /** sent: nginx opens a connection to `endpoint`; skipped: the percentage's split_clients draw left this
   *  request out (the location answers 204 itself); error: the upstream is nginx's own 500 or 503 server. */
  outcome: 'sent' | 'skipped' | 'error';
  /** What the copy got back (ignored): 204 when skipped, the 500/503 socket's status, else the backend's. */
  status: number;
  upstream: string | null;
  endpoint: string | null;
  /** The share of requests the mirror copies, as split_clients writes it ("50.00%"; "100%" without a draw). */
  percent: string;
  /** The percentage draw (split_clients over $request_id), when the mirror has one. */
  split: { variable: string; choice: string; percent: string } | null;
  upstreamRequest: { method: string; path: string; host: string; headers: Record<string, string> } | null;
  /** The lines that decided: the `mirror` directive, the internal location, the draw, proxy_pass, the upstream. */
  refs: ArtifactRef[];
}

export interface GatewayDecision {
  outcome: 'proxy' | 'respond';
  status: number;
  server: string | null;
  location: string | null;
  matched: MatchedRule | null;
  /** The rule an inline location serves (one rule for the path, no conditions). */
  inline: MatchSource | null;
  upstream: string | null;
  /** The chosen peer "ip:port"; null for nginx's own 500/503 sockets. */
  endpoint: string | null;
  split: { variable: string; choice: string; percent: string } | null;
  upstreamRequest: { method: string; path: string; host: string; headers: Record<string, string> } | null;
  /** Response header changes (add_header ... always, proxy_hide_header), applied to what the backend answers. */
  response: { hide: string[]; add: [string, string][] };
  redirect: string | null;
  /** A CORS preflight, answered by the `if ($request_method = OPTIONS) { return ...; }` of the rule's filter. */
  preflight: boolean;
  /** Copies made by RequestMirror filters, in the order of the `mirror` directives. */
  mirrors: MirrorCopy[];
  refs: ArtifactRef[];
  notes: string[];
}

export interface EvaluateGatewayInput {
  rendered: RenderedGateway;
  request: GatewayRequest;
  random?: SeededRandom;
}

type Vars = Record<string, string>;

function headerOf(headers: Readonly<Record<string, string>>, name: string): string | undefined {
  const k = Object.keys(headers).find((h) => h.toLowerCase() === name.toLowerCase());
  return k === undefined ? undefined : headers[k];
}

class Run {
  readonly out: GatewayDecision = {
    outcome: 'respond',
    status: 0,
    server: null,
    location: null,
    matched: null,
    inline: null,
    upstream: null,
    endpoint: null,
    split: null,
    upstreamRequest: null,
    response: { hide: [], add: [] },
    redirect: null,
    preflight: false,
    mirrors: [],
    refs: [],
    notes: [],
  };
  readonly http: NginxBlock;
  readonly vars: Vars;
  /** split_clients results by variable name, with the line chosen (nginx caches a variable per request). */
  readonly drawn: Record<string, { choice: string; percent: string; line: NginxDirective; block: NginxBlock }>;
  /** $request_id's place in [0, 10000): every split_clients of one request hashes the same $request_id. */
  private roll: { value: number } | null;

  constructor(
    readonly input: EvaluateGatewayInput,
    http: NginxBlock,
    parent?: Run,
  ) {
    this.http = http;
    // A subrequest (a mirror's copy) shares its parent's variables, so its draws too.
    this.drawn = parent ? parent.drawn : {};
    this.roll = parent ? parent.rollCell() : null;
    const req = input.request;
    const q = req.path.indexOf('?');
    const hostHeader = req.host;
    this.vars = {
      scheme: req.scheme,
      http_host: hostHeader,
      host: hostHeader.toLowerCase().replace(/:\d+$/, ''),
      request_uri: req.path,
      uri: normalizeNginxUri(req.path),
      args: q >= 0 ? req.path.slice(q + 1) : '',
      is_args: q >= 0 ? '?' : '',
      remote_addr: req.clientIP,
      server_port: String(req.port),
      request_method: req.method,
    };
    for (const [k, v] of Object.entries(req.headers)) this.vars[`http_${k.toLowerCase().replace(/-/g, '_')}`] = v;
    const xff = headerOf(req.headers, 'x-forwarded-for');
    this.vars.proxy_add_x_forwarded_for = xff ? `${xff}, ${req.clientIP}` : req.clientIP;
    if (parent) Object.assign(this.vars, parent.vars);
  }

  private rollCell(): { value: number } {
    this.roll ??= { value: -1 };
    return this.roll;
  }

  /** nginx hashes $request_id (random per request) into a split's percentages: one seeded draw in 1/10000ths. */
  requestIdRoll(): number {
    const cell = this.rollCell();
    if (cell.value < 0) cell.value = this.input.random ? this.input.random.int(10000) : 0;
    return cell.value;
  }

  ref(id: string): void {
    const a = this.input.rendered.artifact;
    const r = findLine(a, id);
    if (r && !this.out.refs.some((x) => x.lineIndex === r.lineIndex)) this.out.refs.push(r);
  }

  /** A directive's own line (the n-th line of its block with that text). */
  refDirective(block: NginxBlock, dir: NginxDirective): void {
    const a = this.input.rendered.artifact;
    const text = `${[dir.name, ...dir.args].join(' ')};`;
    const i = a.lines.findIndex((l) => l.ref === block.id && l.text.trim() === text);
    if (i >= 0 && !this.out.refs.some((x) => x.lineIndex === i)) this.out.refs.push({
      artifact: a.id,
      ref: block.id,
      line: a.lines[i]!.text,
      lineIndex: i,
    });
  }

  variable(name: string): string {
    if (name in this.vars) return this.vars[name]!;
    const map = childBlocks(this.http, 'map').find((m) => m.args[1] === `$${name}`);
    if (map) {
      const value = this.evalMap(map);
      this.vars[name] = value;
      return value;
    }
    const split = childBlocks(this.http, 'split_clients').find((x) => x.args[1] === `$${name}`);
    if (split) return unquoteArg(this.split(split).choice);
    return '';
  }

  /** A split_clients variable's value for this request (drawn once, then cached as nginx does). */
  split(block: NginxBlock): { choice: string; percent: string; line: NginxDirective } {
    const name = block.args[1]!;
    const done = this.drawn[name];
    if (done) return done;
    const lines = block.children.filter((n): n is NginxDirective => n.kind === 'directive');
    const roll = this.requestIdRoll();
    let acc = 0;
    let line = lines[lines.length - 1]!;
    for (const l of lines) {
      // `*` takes whatever the percentages before it leave.
      acc = l.name === '*' ? 10000 : acc + Math.round(parseFloat(l.name) * 100);
      if (roll < acc) {
        line = l;
        break;
      }
    }
    const result = { choice: line.args[0]!, percent: line.name, line, block };
    this.drawn[name] = result;
    return result;
  }

  evalMap(map: NginxBlock): string {
    const src = this.expand(map.args[0] ?? '');
    let fallback = '';
    for (const n of map.children) {
      if (n.kind !== 'directive') continue;
      const key = unquoteArg(n.name);
      const value = n.args[0] ?? '';
      if (key === 'default') {
        fallback = value;
        continue;
      }
      // nginx tries a map's regexes only on a non-empty value (ngx_http_map_find: `if (len && map->nregex)`).
      if (key.startsWith('~') && src !== '') {
        const m = nginxRegex(key.slice(1).replace(/\(\?P</g, '(?<'), false).exec(src);
        if (m) return this.expand(value, m.groups ?? {});
        continue;
      }
      if (key === src) return this.expand(value);
    }
    return this.expand(fallback);
  }

  expand(template: string, named: Record<string, string> = {}, captures: readonly string[] = []): string {
    // $1 (a capture), ${name} or $name, as nginx's script engine reads a variable reference.
    const reference = /\$(\d|\{[A-Za-z_][A-Za-z0-9_]*\}|[A-Za-z_][A-Za-z0-9_]*)/g;
    return unquoteArg(template).replace(reference, (_m, name: string) => {
      if (/^\d$/.test(name)) return captures[Number(name)] ?? '';
      const n = name.replace(/[{}]/g, '');
      if (n in named) return named[n] ?? '';
      return this.variable(n);
    });
  }
}

function matchNjsEntry(run: Run, e: NjsMatch): string | null {
  if (e.any) return null;
  const req = run.input.request;
  if (e.method && req.method !== e.method) return `method ${req.method} is not ${e.method}`;
  for (const h of e.headers ?? []) {
    const [name, type, want] = split3(h, ':');
    const got = headerOf(req.headers, name);
    if (!got) return `no header ${name}`;
    const values = got.split(',');
    const ok = type === 'Exact' ? values.includes(want) : values.some((v) => new RegExp(want).test(v));
    if (!ok) return `header ${name}: ${got} does not match ${type === 'Exact' ? want : `/${want}/`}`;
  }
  const args = parseArgs(run.vars.args ?? '');
  for (const p of e.params ?? []) {
    const [name, type, want] = split3(p, '=');
    const got = args.get(name);
    if (!got) return `no query parameter ${name}`;
    const ok = type === 'Exact' ? got === want : new RegExp(want).test(got);
    if (!ok) return `query ${name}=${got} does not match ${type === 'Exact' ? want : `/${want}/`}`;
  }
  return null;
}

function split3(spec: string, sep: string): [string, string, string] {
  const a = spec.indexOf(sep);
  const b = spec.indexOf(sep, a + 1);
  return [spec.slice(0, a), spec.slice(a + 1, b), spec.slice(b + 1)];
}

/** Query parameters, first value per name (as the njs module reads r.args). */
function parseArgs(args: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of args.split('&')) {
    if (!part) continue;
    const i = part.indexOf('=');
    const k = decodeSafe(i >= 0 ? part.slice(0, i) : part);
    const v = decodeSafe(i >= 0 ? part.slice(i + 1) : '');
    if (!out.has(k)) out.set(k, v);
  }
  return out;
}

function decodeSafe(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}

function findInternal(server: NginxBlock, path: string): NginxBlock | undefined {
  return childBlocks(server, 'location').find((l) => l.args.length === 1 && l.args[0] === path);
}

/** Runs a location's directives; returns when the request is answered or proxied. */
function runLocation(run: Run, server: NginxBlock, loc: NginxBlock, depth: number): void {
  const out = run.out;
  run.ref(loc.id);
  if (depth > 4) {
    out.status = 500;
    out.notes.push('rewrite or internal redirection cycle');
    return;
  }
  for (const n of loc.children) {
    if (n.kind === 'block' && n.name === 'if') {
      if (ifHolds(run, n) && runIf(run, n)) return responseHeaders(run, loc);
      continue;
    }
    if (n.kind !== 'directive') continue;
    switch (n.name) {
      case 'set':
        run.vars[n.args[0]!.slice(1)] = run.expand(n.args[1] ?? '');
        break;
      case 'rewrite':
        if (rewrite(run, server, loc, n, depth) === 'answered') return;
        break;
      case 'return':
        responseHeaders(run, loc);
        return returnDirective(run, loc, n);
      case 'js_content':
        return jsContent(run, server, loc, n, depth);
      case 'proxy_pass':
        return proxy(run, server, loc, n, depth);
      default:
        break;
    }
  }
  out.status = 404;
}

/** An `if` condition of the forms NGF writes: `($var = "value")` or `($a != $b)`. */
function ifHolds(run: Run, block: NginxBlock): boolean {
  const m = /^\((\$\S+)\s+(!?=)\s+(.*)\)$/.exec(block.args.join(' '));
  if (!m) return false;
  const equal = run.expand(m[1]!) === run.expand(m[3]!);
  run.ref(block.id);
  // A split_clients variable: the line the draw chose decided.
  const drawn = run.drawn[m[1]!.replace(/[{}]/g, '')];
  if (drawn) run.refDirective(drawn.block, drawn.line);
  return m[2] === '=' ? equal : !equal;
}

/** The body of an `if` that holds: `return` answers (true); anything else is not modelled inside an if. */
function runIf(run: Run, block: NginxBlock): boolean {
  const ret = childDirectives(block, 'return')[0];
  if (!ret) return false;
  run.out.preflight = block.id.startsWith(CORS_IF_PREFIX);
  returnDirective(run, block, ret);
  return true;
}

/**
 * The response header changes of the location the request ends in (an `if` inside it inherits them):
 * `add_header ... always` on whatever the answer is, except a value that comes out empty (nginx adds no
 * header then: a CORS origin map that did not match), and `proxy_hide_header` on the backend's answer.
 */
function responseHeaders(run: Run, loc: NginxBlock): void {
  for (const n of loc.children) {
    if (n.kind !== 'directive') continue;
    if (n.name === 'proxy_hide_header') run.out.response.hide.push(n.args[0]!);
    if (n.name !== 'add_header') continue;
    const value = run.expand(n.args[1] ?? '');
    if (value !== '') run.out.response.add.push([n.args[0]!, value]);
  }
}

/** `rewrite regex replacement [flag]`: a match rewrites $uri; `last` searches the locations again
 *  with the new URI (and that location answers). */
function rewrite(
  run: Run,
  server: NginxBlock,
  loc: NginxBlock,
  n: NginxDirective,
  depth: number,
): 'next' | 'answered' {
  const out = run.out;
  const re = nginxRegex(unquoteArg(n.args[0]!), false);
  const current = run.vars.uri!;
  const m = re.exec(current);
  if (!m) return 'next';
  const next = run.expand(n.args[1]!, {}, [...m]);
  run.refDirective(loc, n);
  out.notes.push(`rewrite ${current} -> ${next}`);
  run.vars.uri = next;
  if (n.args[2] !== 'last') return 'next';
  const target = selectNginxLocation(server, next);
  if (!target) out.status = 404;
  else runLocation(run, server, target.block, depth + 1);
  return 'answered';
}

/** `return code [URL]`: a redirect for 301/302/303/307/308 with a URL, else the bare status. */
function returnDirective(run: Run, loc: NginxBlock, n: NginxDirective): void {
  const out = run.out;
  run.refDirective(loc, n);
  const status = Number(n.args[0]);
  const url = n.args[1] !== undefined ? run.expand(n.args[1]) : null;
  out.status = status;
  if (url !== null && [301, 302, 303, 307, 308].includes(status)) {
    out.redirect = url;
    out.notes.push(`return ${status} ${url}`);
  } else out.notes.push(`return ${status}`);
}

/** NGINX Gateway Fabric's njs httpmatches: the first entry of the location's match list the request
 *  satisfies redirects internally to its location; none satisfied is 404. */
function jsContent(run: Run, server: NginxBlock, loc: NginxBlock, n: NginxDirective, depth: number): void {
  const out = run.out;
  run.refDirective(loc, n);
  const key = run.vars.match_key ?? '';
  const list = run.input.rendered.matches.find((m) => m.key === key);
  if (!list || list.entries.length === 0) {
    out.status = 500;
    out.notes.push(`no match list ${key}: 500`);
    return;
  }
  const skipped: MatchedRule['skipped'] = [];
  for (let i = 0; i < list.entries.length; i++) {
    const why = matchNjsEntry(run, list.entries[i]!);
    if (why !== null) {
      skipped.push({ source: list.sources[i]!, why });
      continue;
    }
    run.ref(`matches:${key}:${i}`);
    out.matched = { list: key, index: i, source: list.sources[i]!, entry: list.entries[i]!, skipped };
    const target = findInternal(server, list.entries[i]!.redirectPath);
    out.notes.push(`match ${i} of list ${key}: internal redirect to ${list.entries[i]!.redirectPath}`);
    if (!target) {
      out.status = 404;
      return;
    }
    run.vars.uri = list.entries[i]!.redirectPath;
    return runLocation(run, server, target, depth + 1);
  }
  run.ref(`matches:${key}`);
  out.matched = null;
  out.status = 404;
  out.notes.push(`no entry of match list ${key} satisfied: 404 (${skipped.map((s) => s.why).join('; ')})`);
  (out as { skippedAll?: MatchedRule['skipped'] }).skippedAll = skipped;
}

function proxy(run: Run, server: NginxBlock, loc: NginxBlock, pass: NginxDirective, depth: number): void {
  const out = run.out;
  const raw = (pass.args[0] ?? '').replace(/^https?:\/\//, '');
  const m = /^(\$?[A-Za-z0-9_.-]+)(.*)$/.exec(raw);
  let upstreamName = m?.[1] ?? raw;
  const uriPart = m?.[2] ?? '';
  if (upstreamName.startsWith('$')) {
    const v = upstreamName.slice(1);
    const split = childBlocks(run.http, 'split_clients').find((s) => s.args[1] === upstreamName);
    if (split) {
      const choice = run.split(split);
      out.split = { variable: upstreamName, choice: choice.choice, percent: choice.percent };
      run.refDirective(split, choice.line);
      out.notes.push(`split_clients ${upstreamName}: ${choice.percent} -> ${choice.choice}`);
      upstreamName = choice.choice;
    } else upstreamName = run.variable(v);
  }
  if (upstreamName.startsWith('/')) {
    // split_clients chose an internal location (per-backendRef filters): rewrite ... last.
    const target = findInternal(server, upstreamName);
    if (!target) {
      out.status = 404;
      return;
    }
    run.vars.uri = upstreamName;
    return runLocation(run, server, target, depth + 1);
  }
  // The mirror module runs in the precontent phase, before proxy_pass opens the request's own connection.
  for (const m of childDirectives(loc, 'mirror')) out.mirrors.push(mirrorCopy(run, server, loc, m, depth));
  run.refDirective(loc, pass);
  out.upstream = upstreamName;
  const upstream = childBlocks(run.http, 'upstream').find((u) => u.args[0] === upstreamName);
  // Response header changes of this location (applied to whatever the upstream answers).
  responseHeaders(run, loc);
  if (!upstream) {
    out.status = 502;
    out.notes.push(`no upstream ${upstreamName}: 502`);
    return;
  }
  run.ref(upstream.id);
  const peers = childDirectives(upstream, 'server').map((s) => s.args[0]!);
  if (peers.length === 0) {
    out.status = 502;
    return;
  }
  const peer = peers.length === 1 ? peers[0]! : peers[run.input.random ? run.input.random.int(peers.length) : 0]!;
  const own = /nginx-(\d{3})-server\.sock$/.exec(peer);
  if (own) {
    // One of nginx's own servers: the 500 (invalid backend) or 503 (no endpoints) socket answers.
    out.status = Number(own[1]);
    out.notes.push(`upstream ${upstreamName} -> ${peer}: ${own[1]}`);
    out.outcome = 'respond';
    return;
  }
  out.outcome = 'proxy';
  out.status = 200;
  out.endpoint = peer;
  out.notes.push(`upstream ${upstreamName}: random two least_conn picks ${peer} of ${peers.length}`);
  out.upstreamRequest = upstreamRequest(run, loc, uriPart);
}

/**
 * The request nginx sends the upstream: the client's headers, except those proxy_set_header names
 * (and Host, Connection), then every proxy_set_header whose value is not empty; the URI as
 * rewritten, or the original one when proxy_pass names $request_uri.
 */
function upstreamRequest(run: Run, loc: NginxBlock, uriPart: string): NonNullable<Run['out']['upstreamRequest']> {
  const setters = childDirectives(loc, 'proxy_set_header');
  const named = new Set(setters.map((s) => s.args[0]!.toLowerCase()));
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(run.input.request.headers)) {
    const lower = k.toLowerCase();
    if (named.has(lower) || lower === 'host' || lower === 'connection') continue;
    headers[k] = v;
  }
  let host = run.vars.host ?? '';
  for (const s of setters) {
    const value = run.expand(s.args[1] ?? '');
    if (s.args[0]!.toLowerCase() === 'host') host = value;
    if (value !== '') headers[s.args[0]!] = value;
  }
  const path = uriPart.includes('$request_uri')
    ? run.input.request.path
    : `${run.vars.uri}${run.vars.args ? `?${run.vars.args}` : ''}`;
  return { method: run.input.request.method, path, host, headers };
}

/**
 * One `mirror <uri>;`: a subrequest to the internal location the URI selects, evaluated like a request
 * of its own (its `if` on the percentage's split_clients variable, its proxy_pass and upstream), whose
 * answer nginx discards.
 */
function mirrorCopy(run: Run, server: NginxBlock, loc: NginxBlock, m: NginxDirective, depth: number): MirrorCopy {
  const path = m.args[0]!;
  const sub = new Run(run.input, run.http, run);
  sub.refDirective(loc, m);
  sub.vars.uri = path;
  const target = selectNginxLocation(server, path);
  if (target) runLocation(sub, server, target.block, depth + 1);
  else sub.out.status = 404;
  const o = sub.out;
  const cond = target ? childBlocks(target.block, 'if')[0] : undefined;
  const variable = cond ? /^\((\$\S+)/.exec(cond.args[0] ?? '')?.[1] : undefined;
  const drawn = variable ? run.drawn[variable] : undefined;
  const split = drawn ? { variable: variable!, choice: unquoteArg(drawn.choice), percent: drawn.percent } : null;
  // The share is the split's first line; a 0 % line is written as a comment, leaving only `*`.
  const share = drawn ? drawn.block.children.find((n): n is NginxDirective => n.kind === 'directive' && n.name !== '*')
    : undefined;
  const percent = !drawn ? '100%' : share ? share.name : '0.00%';
  const outcome = o.endpoint ? 'sent' : o.status === 204 && split ? 'skipped' : 'error';
  // A skipped copy never reaches proxy_pass: the upstream it would have used is the location's.
  const pass = target ? childDirectives(target.block, 'proxy_pass')[0]?.args[0] : undefined;
  const upstream = o.upstream ?? (pass ? /^https?:\/\/([^$/]+)/.exec(pass)?.[1] ?? null : null);
  const copy = { path, outcome, status: o.status, upstream, endpoint: o.endpoint, percent, split } as const;
  run.out.notes.push(`mirror ${path}: ${outcome}${o.endpoint ? ` to ${o.endpoint}` : ` (${o.status})`}`);
  return { ...copy, upstreamRequest: o.upstreamRequest, refs: o.refs };
}

export function evaluateGateway(input: EvaluateGatewayInput): GatewayDecision {
  const http = input.rendered.nodes.find((n): n is NginxBlock => n.kind === 'block' && n.name === 'http');
  if (!http) throw new Error('rendered gateway config has no http block');
  const run = new Run(input, http);
  const req = input.request;
  const sel = selectNginxServer(http, req.host, undefined, req.port);
  if (!sel) {
    run.out.notes.push(`nothing listens on port ${req.port}`);
    return run.out;
  }
  run.out.server = sel.block.id;
  run.ref(sel.block.id);
  const how = sel.match === 'default_server' ? 'no server_name matched: default server' : `${sel.match} server_name`;
  run.out.notes.push(`server ${sel.name || '(default)'} (${how})`);

  if (!run.vars.host) run.vars.host = sel.name;
  // The default server of a port answers itself (return 404; or a TLS handshake refusal).
  const uri = run.vars.uri!;
  const loc = selectNginxLocation(sel.block, uri);
  if (!loc) {
    const ret = childDirectives(sel.block, 'return')[0];
    run.out.status = ret ? Number(ret.args[0]) : 404;
    if (ret) run.refDirective(sel.block, ret);
    run.out.notes.push(ret ? `return ${ret.args[0]}` : 'no location matched: 404');
    return run.out;
  }
  if (childDirectives(loc.block, 'internal').length > 0) {
    // An `internal` location (a mirror's, a match's target) serves internal requests only: 404 from outside.
    run.out.status = 404;
    run.out.notes.push(`location ${loc.block.args.join(' ')} is internal: 404`);
    return run.out;
  }
  run.out.location = loc.block.id;
  run.out.inline = input.rendered.inline[loc.block.id] ?? null;
  run.out.notes.push(`location ${loc.block.args.join(' ')} (${loc.match} match for ${uri})`);
  runLocation(run, sel.block, loc.block, 0);
  return run.out;
}

/** The nodes a location renders, for tests and the inspector. */
export function locationBlocks(rendered: RenderedGateway): NginxBlock[] {
  const http = rendered.nodes.find((n): n is NginxBlock => n.kind === 'block' && n.name === 'http');
  return http ? childBlocks(http, 'server').flatMap((s) => childBlocks(s, 'location')) : [];
}

export type { NginxNode };
