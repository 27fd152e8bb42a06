// One step of an evaluation, as data (ISSUE 15 item 2). Every evaluator the tracer asks (the
// netfilter walker, the nftables evaluator, IPVS, kube-proxy's userspace proxy, nginx, Traefik,
// the DNS resolver) reports what it looked at as a list of these: where it was (table, chain,
// hook), which artifact line, and what that element did to the packet or request (the effect).
// The tracer splits hops on effects and hooks; the viewer marks the walked lines from them; the
// explanations are rendered from them. Nobody reads the English `where`/`action` texts but people.

import type { ArtifactRef } from './artifact';

/** A netfilter hook (nftables spells them this way; iptables' built-in chains map onto them). */
export type Hook = 'prerouting' | 'input' | 'forward' | 'output' | 'postrouting';

/** What one evaluated element did. `no-match` is a rule that was evaluated and did not apply. */
export type StepEffect =
  | { kind: 'no-match' }
  /** A rule that matched and has no target (a comment-only rule): evaluation goes on. */
  | { kind: 'continue' }
  | { kind: 'jump'; chain: string; goto?: boolean }
  | { kind: 'return' }
  | { kind: 'accept' }
  | { kind: 'drop' }
  | { kind: 'reject' }
  /** Destination NAT: to "ip" or "ip:port". */
  | { kind: 'dnat'; to: string }
  /** Source NAT: SNAT to a fixed address, or MASQUERADE to the outgoing interface's. */
  | { kind: 'snat'; to: string; masquerade: boolean }
  /** The packet's fwmark after a MARK target / `meta mark set`. */
  | { kind: 'mark'; op: string; value: number; result: number }
  /** REDIRECT to a local socket: "ip:port" on the interface the packet came in on. */
  | { kind: 'redirect'; to: string }
  /** An nft verdict map element the packet's key selected. */
  | { kind: 'map-element'; map: string; key: string[] }
  /** nft `update @set`: the client's address recorded for affinity. */
  | { kind: 'set-update'; set: string; element: string; timeoutSeconds: number }
  /** IPVS picked a real server: by the scheduler, or by a persistence template. */
  | { kind: 'ipvs-schedule'; scheduler: string; chosen: string; persistent?: boolean }
  /** IPVS forwards to the real server (ipvsadm's Masq: the kernel DNATs it). */
  | { kind: 'ipvs-forward'; method: 'masq'; to: string }
  /** No real server available: ICMP port unreachable. */
  | { kind: 'ipvs-no-destination' }
  /** kube-proxy's userspace socket dialled an endpoint (ok: connected; else timed out, next). */
  | { kind: 'proxy-dial'; endpoint: string; ok: boolean; timeoutMs?: number }
  /** kube-proxy's userspace proxy found no endpoint to dial. */
  | { kind: 'proxy-fail'; service: string }
  /** nginx chose a server block (or Traefik a router). */
  | { kind: 'server'; name: string; match: string }
  /** nginx looked at a location: it matched (a candidate) or not; the chosen one is `location`. */
  | { kind: 'location-considered'; args: string; matched: boolean }
  | { kind: 'location'; args: string; match: string }
  /** nginx's rewrite phase answered (`return`, an `if` with a return). */
  | { kind: 'http-return'; status: number; location?: string }
  /** The access phase denied the client. */
  | { kind: 'http-deny'; client: string; rule: string }
  /** The balancer's choice of peer in an upstream. */
  /** `how`: round_robin, ewma, wrr, cookie-persistent, cookie-balanced, new-session, no-peers. */
  | { kind: 'upstream'; upstream: string; peer: string | null; how: string; canary?: boolean }
  /** A DNS record the answer was built from. */
  | { kind: 'dns-answer'; name: string; type: string; value: string };

/** For probabilistic or stateful matches: what the generator or the state said. */
export type StepDetail =
  | { kind: 'statistic'; probability: number; draw: number }
  /** nft `numgen random mod n`: the number drawn picks the n-th endpoint chain. */
  | { kind: 'numgen'; modulus: number; value: number }
  | { kind: 'recent'; name: string; hit: boolean; ageSeconds?: number }
  | { kind: 'scheduler'; scheduler: string; chosen: string }
  | { kind: 'affinity'; clientIP: string; endpoint: string }
  | { kind: 'conntrack'; state: string };

export interface EvalStep {
  /** "matched" applied the element's effect; "skipped" was evaluated and did not apply. */
  outcome: 'matched' | 'skipped';
  /** The netfilter table ("nat", "filter") or the component ("ipvs", "nft", "nginx", "dns"). */
  table: string;
  /** The chain, virtual server, block or zone the element belongs to. */
  chain: string;
  /** The hook the packet was in, for packet filters. */
  hook?: Hook;
  effect: StepEffect;
  /** The rendered line of the element. */
  ref: ArtifactRef;
  detail?: StepDetail;
  /** English, for the CLI and tests: e.g. "nat/KUBE-SERVICES". Never read by the tracer. */
  where: string;
  /** English, for the CLI and tests: e.g. "jump KUBE-SVC-...". Never read by the tracer. */
  action: string;
}

/** Effects that rewrite the packet's destination (where a kube-proxy hop's DNAT stage ends). */
export function rewritesDestination(e: StepEffect): boolean {
  return e.kind === 'dnat' || e.kind === 'redirect' || e.kind === 'ipvs-forward';
}

/** The last step that matched and passes `f`: the element that decided, among a walk's steps. */
export function lastMatched(steps: readonly EvalStep[], f: (s: EvalStep) => boolean): EvalStep | undefined {
  for (let i = steps.length - 1; i >= 0; i--) {
    const s = steps[i]!;
    if (s.outcome === 'matched' && f(s)) return s;
  }
  return undefined;
}
