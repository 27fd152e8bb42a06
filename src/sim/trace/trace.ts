// The request walker. It moves one request from its client to the pod that answers, asking the
// data-plane components at every step (DNS, the load balancer's health checks, kube-proxy's
// rules on the node, the pod network's routes, the ingress controller's configuration, the
// pod's listening sockets). It never decides a route itself: it records what they decided.
//
// The walk in the real path's order: source.ts (who sends, where to: DNS), forward.ts (out of the
// client or pod, through the load balancer in lb-walk.ts), node-walk.ts (the node's hooks),
// deliver.ts (routed to the owner, the pod's sockets), ingress-walk.ts and gateway-walk.ts (a
// proxy's own decision and its new connection). walk.ts holds what they share.

import type { Packet } from '../proxy/types';
import { forward } from './forward';
import type { LabPorts } from './ports';
import { headerValue, hostName, parseCookieHeader } from './request';
import type { ParsedUrl, TraceRequest } from './request';
import { chooseDestination, locateSender, type Destination, type Sender } from './source';
import type { Hop, TraceResult } from './types';
import { networkPolicyCaveats } from './caveats';
import type { Party } from './reply';
import { podParty, unreachable, Walk } from './walk';
import type { Ended, HttpContext, TraceOptions, TraceSession } from './walk';

export { parseConnect, parseSource, parseUrl } from './request';
export type { ConnectTarget, TraceRequest, TraceSource } from './request';
export { networkIndexOf, newTraceSession } from './walk';
export type { TraceOptions, TraceSession } from './walk';

export function trace(lab: LabPorts, req: TraceRequest, session: TraceSession, opts: TraceOptions = {}): TraceResult {
  const w = new Walk(lab, session, opts);
  const end = walk(w, req);
  w.finish();
  return {
    outcome: end.outcome,
    status: end.status,
    service: end.service ?? null,
    services: w.services,
    backendPod: end.backendPod ?? null,
    backend: end.backend ?? null,
    responseHeaders: end.responseHeaders ?? {},
    hops: w.hops,
    fault: end.fault,
    ...caveatsOf(lab, w.hops),
  };
}

/** The result's caveats, when it has any (most labs have no NetworkPolicy: the field stays absent). */
function caveatsOf(lab: LabPorts, hops: readonly Hop[]): Pick<TraceResult, 'caveats'> {
  const caveats = networkPolicyCaveats(lab.cluster, hops);
  return caveats.length > 0 ? { caveats } : {};
}

function walk(w: Walk, req: TraceRequest): Ended {
  const url = w.index.url(req.url);
  if ('error' in url) return unreachable({ kind: 'Request', name: 'url', message: url.error, note: url.note });
  const sender = locateSender(w, req.from);
  if ('outcome' in sender) return sender;
  const dest = chooseDestination(w, req, url, sender);
  if ('outcome' in dest) return dest;
  const at = sender.at;
  // Source address selection: a process on a node (or a hostNetwork pod) talking to a loopback
  // address sends from 127.0.0.1, which is why localhost NodePorts need route_localnet and SNAT.
  const loopback = at.kind === 'node' && at.origin === 'local' && w.net.owner(dest.dst.ip).kind === 'loopback';
  const srcIP = loopback ? '127.0.0.1' : sender.srcIP;
  const { ip, port } = dest.dst;
  const first: Packet = { protocol: 'TCP', src: srcIP, srcPort: w.ephemeralPort(), dst: ip, dstPort: port };
  const http = openRequest(w, req, url, sender, dest, first);
  w.conns.open(clientParty(sender), sender.clientName, first);
  const end = forward(w, at, first, http, 0, dest.refs);
  if (req.useCookieJar) keepCookie(w.session, url.host, end.responseHeaders?.['Set-Cookie']);
  return end;
}

/**
 * curl's Authorization for a URL's login (lib/http.c, Basic): base64 of "user:password", the password
 * empty when the URL has none; a -H Authorization of the user's own is sent instead.
 */
function basicAuth(login: { user: string; password: string }): string {
  const bytes = new TextEncoder().encode(`${login.user}:${login.password}`);
  return `Basic ${btoa(String.fromCharCode(...bytes))}`;
}

/** The HTTP request the first packet carries, and what the walk remembers for the reply. */
function openRequest(
  w: Walk,
  req: TraceRequest,
  url: ParsedUrl,
  sender: Sender,
  dest: Destination,
  first: Packet,
): HttpContext {
  const given = url.login && !(req.headers && headerValue(req.headers, 'authorization') !== undefined)
    ? { Authorization: basicAuth(url.login), ...req.headers }
    : req.headers;
  const headers = given ?? {};
  // A request without headers (a batch run's usual one) has nothing to look up in them.
  const hostValue = given && headerValue(given, 'host');
  const cookies = parseCookieHeader((given && headerValue(given, 'cookie')) ?? '');
  if (req.useCookieJar) Object.assign(cookies, w.session.cookies[url.host] ?? {});
  return {
    scheme: url.scheme,
    // As typed: curl -X get writes "get / HTTP/1.1", and the server that reads it decides (deliver.ts).
    method: req.method ?? 'GET',
    // curl -H 'Host: x' http://<node>:<port>/ : the connection goes where the URL says, the request
    // names the virtual host the header gives (how the seeds reach ingress rules by NodePort).
    host: (hostValue === undefined ? undefined : hostName(hostValue)) ?? url.host,
    path: url.path,
    headers,
    cookies,
    // The source address the client sends from (a node's loopback for its own loopback addresses).
    clientIP: first.src,
    service: w.through(dest.addressed),
    responseHeaders: {},
    clientFacing: dest.dst,
    clientName: sender.clientName,
    firstPacket: first,
    authority: hostValue ?? w.index.authority(req.url) ?? url.host,
  };
}

/** Where the client's connection starts, for its reply to come back to. */
function clientParty(sender: Sender): Party {
  const at = sender.at;
  if (at.kind === 'client') {
    return { kind: 'client', place: at.place, address: at.client.address, name: at.client.name };
  }
  const facts = sender.sourceFacts;
  if (facts) {
    return at.place === facts.place ? facts.party : podParty(facts.pod, at.place);
  }
  return { kind: 'host', place: at.place, node: at.node };
}

/** curl -c: the cookie the answer set goes into the session's jar for this host. */
function keepCookie(session: TraceSession, host: string, set: string | undefined): void {
  if (!set) return;
  const [pair] = set.split(';');
  const [k, v] = pair!.split('=');
  if (k && v !== undefined) (session.cookies[host] ??= {})[k.trim()] = v.trim();
}
