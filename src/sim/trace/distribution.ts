// Batch runs of one request: where do n requests land, and what do the rules say they should do?
// Every request is walked by the same tracer and evaluators as `trace` (ARCHITECTURE.md principle
// 4); only the first is recorded hop by hop, the rest run with recordHops: false (no Hop objects,
// no rule steps), which changes no decision, draw or state. The implied shares come from the node
// that balanced the first request: its kube-proxy finds the deciding element among the hop's typed
// steps and reads the shares from the rules it compiled (iptables `statistic` probabilities, IPVS
// weights, nft `numgen`); the rendered lines are for people only (ARCHITECTURE.md principle 3).

import type { BalanceShares, EndpointShare } from '../proxy/types';
import { assertNever } from '../util/assert';
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

/** Endpoint "ip:port" shares to pod shares (several endpoints can be one pod). */
function toPods(lab: LabPorts, shares: readonly EndpointShare[]): Record<string, number> {
  const net = networkIndexOf(lab);
  const out: Record<string, number> = {};
  for (const s of shares) {
    const ip = s.endpoint.slice(0, s.endpoint.lastIndexOf(':'));
    const o = net.owner(ip);
    const key = o.kind === 'pod' ? `${o.pod.metadata.namespace ?? 'default'}/${o.pod.metadata.name}` : s.endpoint;
    out[key] = (out[key] ?? 0) + s.share;
  }
  return out;
}

/** No fixed shares to show, and why. */
function noShares(key: NoteKey, params: Record<string, NoteParam> = {}): Implied {
  return impliedBy(null, key, params);
}

/**
 * A Gateway rule's backend weights: the `split_clients` block the data plane drew from, each
 * upstream's share spread evenly over its peers (NGF balances an upstream's peers alike).
 */
function gatewaySplit(lab: LabPorts, first: TraceResult): Implied {
  // A RequestMirror's percentage is a split_clients too, but it decides copies, not who answers.
  const deciding = first.hops.filter((h) => h.explanation.key !== 'hop.gateway.mirror');
  const ref = deciding.flatMap((h) => h.refs).find((r) => r.ref.startsWith('split:'));
  if (!ref) return noShares('note.dist.oneBackend');
  const shares = firstSplit(lab, ref.ref);
  const variable = ref.ref.slice('split:'.length);
  if (!shares) return noShares('note.dist.splitLocations', { variable });
  const out = shares.flatMap((s) => s.peers.map((endpoint) => ({ endpoint, share: s.percent / 100 / s.peers.length })));
  return impliedBy(toPods(lab, out), 'note.dist.split', { variable });
}

/** The shares of the data plane whose config has the block (one lookup per Gateway, until found). */
function firstSplit(lab: LabPorts, blockId: string) {
  for (const g of lab.gateways ?? []) {
    const shares = g.splitShares?.(blockId);
    if (shares) return shares;
  }
  return null;
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
  // The node's kube-proxy reads its own compiled rules at the step that balanced (typed steps, no text).
  const balance = lab.proxies[node]?.balance?.(hop.steps ?? []);
  if (balance) return balanceShares(lab, balance, node);
  if (hop.action === 'proxy') {
    return noShares('note.dist.userspace', { node });
  }
  return noShares('note.dist.notBalancing', { node });
}

/** The mode's shares as pod shares, with the note that names the rules they come from. */
function balanceShares(lab: LabPorts, b: BalanceShares, node: string): Implied {
  switch (b.kind) {
    case 'statistic':
      return impliedBy(toPods(lab, b.shares), 'note.dist.iptables', { chain: b.chain, node });
    case 'numgen':
      return impliedBy(toPods(lab, b.shares), 'note.dist.numgen', { k: b.modulus, node });
    case 'ipvs-weights':
      return impliedBy(toPods(lab, b.shares), 'note.dist.ipvs', { scheduler: b.scheduler, node });
    case 'ipvs-zero':
      return noShares('note.dist.ipvsZero', { scheduler: b.scheduler, node });
    case 'ipvs-dynamic':
      return noShares('note.dist.ipvsDynamic', { scheduler: b.scheduler, node });
    default:
      return assertNever(b, 'balance');
  }
}
