// Batch runs of one request: where do n requests land, and what do the rules say they should do?
// Every request is walked by the same tracer and evaluators as `trace` (ARCHITECTURE.md principle
// 4); only the first is recorded hop by hop, the rest run with recordHops: false (no Hop objects,
// no rule steps), which changes no decision, draw or state. The implied probabilities are read
// from the artifact the first request was balanced by (iptables-save, ipvsadm -Ln, nft list).

import type { RenderedArtifact } from '../artifact';
import type { LabPorts } from './ports';
import { TraceIndex } from './lab-index';
import { networkIndexOf, newTraceSession, trace } from './trace';
import type { TraceOptions, TraceRequest, TraceSession } from './trace';
import type { Hop, TraceOutcome, TraceResult } from './types';
import { note, renderNote, type Note, type NoteKey, type NoteParam } from '../notes';

export interface DistributionInput {
  lab: LabPorts;
  request: TraceRequest;
  n: number;
  seed: string;
  /** Continue an existing session (mutated) instead of a fresh one for `seed`. */
  session?: TraceSession;
}

export interface Distribution {
  n: number;
  outcomes: Partial<Record<TraceOutcome, number>>;
  /** Requests answered by each pod, "ns/name". */
  perPod: Record<string, number>;
  /** What the rules say each pod's share should be, or null when no per-request share exists. */
  implied: Record<string, number> | null;
  /** Which rules imply it, e.g. "iptables statistic rules in KUBE-SVC-XXXX on node-1". */
  impliedFrom: string;
  /** The same as a note, for the reader's language. */
  impliedNote: Note;
}

/** No request sent: nothing counted, no shares. */
export function emptyDistribution(): Distribution {
  return { n: 0, outcomes: {}, perPod: {}, ...noShares('note.dist.noRequest') };
}

export function distribution(input: DistributionInput): Distribution {
  const { lab, request, n } = input;
  const session = input.session ?? newTraceSession(input.seed);
  // One index of the lab for every request (its address index, pods, reply routes, parsed URL).
  const index = new TraceIndex(lab);
  const recordFirst: TraceOptions = { recordHops: true, index };
  const decideOnly: TraceOptions = { recordHops: false, index };
  const outcomes: Partial<Record<TraceOutcome, number>> = {};
  // Counted in a map (a pod's key is a fresh string per lab: an object would look it up as a
  // property name at every request), one counter per pod so a request costs one lookup, handed
  // back as a record in the order pods first answered.
  const perPod = new Map<string, { n: number }>();
  let first: TraceResult | null = null;
  for (let i = 0; i < n; i++) {
    const r = trace(lab, request, session, i === 0 ? recordFirst : decideOnly);
    if (i === 0) first = r;
    outcomes[r.outcome] = (outcomes[r.outcome] ?? 0) + 1;
    if (r.backendPod) {
      const counter = perPod.get(r.backendPod);
      if (counter) counter.n++;
      else perPod.set(r.backendPod, { n: 1 });
    }
  }
  const implied = first ? impliedShares(lab, first) : noShares('note.dist.noRequest');
  const counted: Record<string, number> = {};
  for (const [pod, c] of perPod) counted[pod] = c.n;
  return { n, outcomes, perPod: counted, ...implied };
}

// ---------------------------------------------------------------------------------- implied shares

interface Implied {
  implied: Record<string, number> | null;
  impliedFrom: string;
  impliedNote: Note;
}

/** Shares (or none) and the note that says which rules imply them. */
function impliedBy(
  implied: Record<string, number> | null,
  key: NoteKey,
  params: Record<string, NoteParam> = {},
): Implied {
  const n = note(key, params);
  return { implied, impliedFrom: renderNote('en', n), impliedNote: n };
}

/** The hop where kube-proxy chose the backend: the last DNAT (or userspace proxy) on the path, unless
 *  an ingress controller chose the backend after it (then the controller's balancer decided). */
function balancingHop(r: TraceResult): Hop | { controller: string } | undefined {
  for (let i = r.hops.length - 1; i >= 0; i--) {
    const h = r.hops[i]!;
    if (h.place.kind === 'controller' && h.action === 'proxy') return { controller: h.place.controller };
    if ((h.action === 'dnat' || h.action === 'proxy') && h.place.kind === 'node' && h.refs.length) return h;
  }
  return undefined;
}

function artifactOf(lab: LabPorts, id: string): RenderedArtifact | undefined {
  for (const p of Object.values(lab.proxies)) for (const a of p.artifacts) if (a.id === id) return a;
  return undefined;
}

/** Endpoint "ip:port" shares to pod shares (several endpoints can be one pod). */
function toPods(lab: LabPorts, shares: { endpoint: string; p: number }[]): Record<string, number> {
  const net = networkIndexOf(lab);
  const out: Record<string, number> = {};
  for (const s of shares) {
    const ip = s.endpoint.slice(0, s.endpoint.lastIndexOf(':'));
    const o = net.owner(ip);
    const key = o.kind === 'pod' ? `${o.pod.metadata.namespace ?? 'default'}/${o.pod.metadata.name}` : s.endpoint;
    out[key] = (out[key] ?? 0) + s.p;
  }
  return out;
}

/**
 * A Gateway rule's backend weights: the `split_clients` block the data plane drew from, each
 * upstream's share spread evenly over its peers (NGF balances an upstream's peers alike).
 */
/** No fixed shares to show, and why. */
function noShares(key: NoteKey, params: Record<string, NoteParam> = {}): Implied {
  return impliedBy(null, key, params);
}

function gatewaySplit(lab: LabPorts, first: TraceResult): Implied {
  const ref = first.hops.flatMap((h) => h.refs).find((r) => r.ref.startsWith('split:'));
  const gw = ref ? lab.gateways?.find((g) => g.splitShares?.(ref.ref)) : undefined;
  const shares = ref && gw?.splitShares ? gw.splitShares(ref.ref) : null;
  if (!ref) return noShares('note.dist.oneBackend');
  const variable = ref.ref.slice('split:'.length);
  if (!shares) return noShares('note.dist.splitLocations', { variable });
  const out = shares.flatMap((s) => s.peers.map((endpoint) => ({ endpoint, p: s.percent / 100 / s.peers.length })));
  return impliedBy(toPods(lab, out), 'note.dist.split', { variable });
}

function impliedShares(lab: LabPorts, first: TraceResult): Implied {
  const hop = balancingHop(first);
  if (hop && 'controller' in hop && hop.controller === 'nginx-gateway-fabric') return gatewaySplit(lab, first);
  if (hop && 'controller' in hop) {
    return noShares('note.dist.ingress', { controller: hop.controller });
  }
  if (!hop || hop.place.kind !== 'node') return noShares('note.dist.noDecision');
  const node = hop.place.node;
  const named = (s: { metadata: { namespace?: string; name: string } }) =>
    `${s.metadata.namespace ?? 'default'}/${s.metadata.name}` === first.service;
  const svc = first.service ? lab.cluster.services.find(named) : undefined;
  if (svc?.spec.sessionAffinity === 'ClientIP') {
    // Every request from one client goes to the endpoint its first request drew.
    return noShares('note.dist.clientIP', { service: first.service ?? '' });
  }
  for (let i = hop.refs.length - 1; i >= 0; i--) {
    const ref = hop.refs[i]!;
    const art = artifactOf(lab, ref.artifact);
    if (!art) continue;
    const line = ref.line;
    const svcChain = /^-A (KUBE-SV[CL]-\S+) /.exec(line);
    if (svcChain) return iptablesShares(lab, art, svcChain[1]!, node);
    const vs = /^(TCP|UDP|SCTP)\s+(\S+)\s+(\w+)/.exec(line);
    if (vs && art.id.endsWith('/ipvsadm')) return ipvsShares(lab, art, ref.lineIndex, vs[3]!, node);
    const numgen = /numgen random mod (\d+) vmap \{(.*)\}/.exec(line);
    if (numgen) {
      const endpoints = [...numgen[2]!.matchAll(/__([\d.]+)\/(\d+)/g)].map((m) => `${m[1]}:${m[2]}`);
      const k = Number(numgen[1]);
      const implied = toPods(lab, endpoints.map((endpoint) => ({ endpoint, p: 1 / k })));
      return impliedBy(implied, 'note.dist.numgen', { k, node });
    }
  }
  if (hop.action === 'proxy') {
    return noShares('note.dist.userspace', { node });
  }
  return noShares('note.dist.notBalancing', { node });
}

/** iptables mode: p_i = prob_i * prod_{j<i}(1 - prob_j) along the KUBE-SVC/SVL chain's jumps to KUBE-SEP. */
function iptablesShares(lab: LabPorts, art: RenderedArtifact, chain: string, node: string): Implied {
  const prefix = `-A ${chain} `;
  const sepTarget = new Map<string, string>();
  for (const l of art.lines) {
    const m = /^-A (KUBE-SEP-\S+) .*-j DNAT --to-destination (\S+)/.exec(l.text);
    if (m) sepTarget.set(m[1]!, m[2]!);
  }
  const shares: { endpoint: string; p: number }[] = [];
  let remaining = 1;
  for (const l of art.lines) {
    if (!l.text.startsWith(prefix)) continue;
    const sep = / -j (KUBE-SEP-\S+)/.exec(l.text)?.[1];
    if (!sep) continue;
    const prob = /--probability (\S+)/.exec(l.text);
    const p = prob ? Number(prob[1]) : 1;
    shares.push({ endpoint: sepTarget.get(sep) ?? sep, p: remaining * p });
    remaining *= 1 - p;
  }
  return impliedBy(toPods(lab, shares), 'note.dist.iptables', { chain, node });
}

/**
 * IPVS: rr and wrr send weight/sum of the traffic to each real server; other schedulers depend on
 * load or the client.
 */
function ipvsShares(lab: LabPorts, art: RenderedArtifact, at: number, scheduler: string, node: string): Implied {
  const servers: { endpoint: string; weight: number }[] = [];
  for (let i = at + 1; i < art.lines.length; i++) {
    const m = /^\s+-> (\S+)\s+\S+\s+(\d+)/.exec(art.lines[i]!.text);
    if (!m) break;
    servers.push({ endpoint: m[1]!, weight: Number(m[2]) });
  }
  const total = servers.reduce((s, x) => s + x.weight, 0);
  if (scheduler === 'rr' || scheduler === 'wrr') {
    if (total === 0) return noShares('note.dist.ipvsZero', { scheduler, node });
    const implied = toPods(lab, servers.map((s) => ({ endpoint: s.endpoint, p: s.weight / total })));
    return impliedBy(implied, 'note.dist.ipvs', { scheduler, node });
  }
  return noShares('note.dist.ipvsDynamic', { scheduler, node });
}
