// Evaluates a request against Traefik's dynamic configuration: the routers of the request's entry
// point in priority order, each rule parsed from its text (Host, HostRegexp, Path, PathPrefix
// joined by &&), the first match wins; its service's servers are balanced round robin (Traefik's
// wrr with equal weights). No router: Traefik's own "404 page not found". A service without
// servers (only kept with allowEmptyServices) answers 503.
// PathPrefix is a plain string prefix, so Prefix /v1 also matches /v11 [TRAEFIK-11200].

import { note, type Note } from '../../notes';
import type { ArtifactRef, RenderedArtifact } from '../../artifact';
import { findLine } from '../../artifact';
import { assertNever } from '../../util/assert';
import type { BalancerState, IngressRequest } from '../nginx/match';
import { newBalancerState, normalizeNginxUri } from '../nginx/match';
import type { TraefikConfig, TraefikRouter } from './config';
import { traefikRouterId, TRAEFIK_ENTRYPOINTS, traefikServiceId } from './config';

export type TraefikMatcher =
  | { kind: 'Host'; value: string }
  | { kind: 'HostRegexp'; value: string }
  | { kind: 'Path'; value: string }
  | { kind: 'PathPrefix'; value: string };

/** Parses `Host(`a`) && PathPrefix(`/b`)` into its matchers; null when the rule uses something else. */
export function parseTraefikRule(rule: string): TraefikMatcher[] | null {
  const out: TraefikMatcher[] = [];
  for (const part of rule.split('&&').map((s) => s.trim())) {
    const m = /^(Host|HostRegexp|Path|PathPrefix)\(`([^`]*)`\)$/.exec(part);
    if (!m) return null;
    out.push({ kind: m[1] as TraefikMatcher['kind'], value: m[2]! });
  }
  return out;
}

function matches(m: TraefikMatcher, host: string, path: string): boolean {
  switch (m.kind) {
    case 'Host':
      return m.value.toLowerCase() === host;
    case 'HostRegexp':
      return new RegExp(m.value, 'i').test(host);
    case 'Path':
      return path === m.value;
    case 'PathPrefix':
      return path.startsWith(m.value);
    default:
      return assertNever(m, 'Traefik matcher');
  }
}

export interface TraefikDecision {
  status: number;
  /** Traefik's own body for its 404 and 503. */
  body: string | null;
  entryPoint: string | null;
  router: TraefikRouter | null;
  service: string | null;
  endpoint: string | null;
  upstreamRequest: { method: string; path: string; headers: Record<string, string> } | null;
  refs: { router: ArtifactRef | null; service: ArtifactRef | null };
  /** The steps that decided, as typed notes (rendered in the reader's language by src/sim/trace/messages.ts). */
  notes: Note[];
}

export interface MatchTraefikInput {
  config: TraefikConfig;
  artifact?: RenderedArtifact;
  request: IngressRequest;
  balancer?: BalancerState;
}

export function matchTraefik(input: MatchTraefikInput): TraefikDecision {
  const { request: req, config } = input;
  const port = req.port ?? (req.scheme === 'https' ? 443 : 80);
  const entryPoint = Object.entries(TRAEFIK_ENTRYPOINTS).find(([, p]) => p === port)?.[0] ?? null;
  const out: TraefikDecision = { status: 404, body: '404 page not found', entryPoint, router: null, service: null, endpoint: null, upstreamRequest: null, refs: { router: null, service: null }, notes: [] };
  if (!entryPoint) return { ...out, notes: [note('note.traefik.noEntryPoint', { port })] };
  const host = req.host.toLowerCase().replace(/:\d+$/, '');
  const path = normalizeNginxUri(req.path);
  const tlsEntry = req.scheme === 'https';
  for (const r of config.routers) {
    if (r.entryPoints.length > 0 && !r.entryPoints.includes(entryPoint)) continue;
    if (r.tls !== tlsEntry) continue; // TLS routers serve only TLS connections, and the others only plain HTTP
    const ms = parseTraefikRule(r.rule);
    if (!ms || !ms.every((m) => matches(m, host, path))) continue;
    out.router = r;
    out.notes.push(note('note.traefik.router', { router: r.name, priority: r.priority, rule: r.rule }));
    if (r.middlewares.length > 0) out.notes.push(note('note.traefik.middlewares', { middlewares: r.middlewares.join(', ') }));
    const svc = config.services.find((s) => s.name === r.service);
    out.service = r.service;
    if (input.artifact) {
      out.refs = { router: findLine(input.artifact, traefikRouterId(r.name)), service: findLine(input.artifact, traefikServiceId(r.service)) };
    }
    if (!svc || svc.servers.length === 0) {
      out.notes.push(note('note.traefik.noServers', { service: r.service }));
      return { ...out, status: 503, body: 'no available server' };
    }
    const state = input.balancer ?? newBalancerState();
    const key = `traefik:${svc.name}`;
    const i = state.rr[key] ?? 0;
    state.rr[key] = (i + 1) % svc.servers.length;
    const server = svc.servers[i % svc.servers.length]!;
    out.endpoint = server.replace(/^https?:\/\//, '');
    out.notes.push(note('note.traefik.wrr', { server: out.endpoint, count: svc.servers.length }));
    out.upstreamRequest = {
      method: req.method ?? 'GET',
      path: req.path,
      headers: {
        Host: req.host,
        'X-Forwarded-For': req.clientIP,
        'X-Forwarded-Host': req.host,
        'X-Forwarded-Port': String(port),
        'X-Forwarded-Proto': req.scheme,
        'X-Real-Ip': req.clientIP,
      },
    };
    return { ...out, status: 200, body: null };
  }
  out.notes.push(note('note.traefik.noRouter', {}));
  return out;
}
