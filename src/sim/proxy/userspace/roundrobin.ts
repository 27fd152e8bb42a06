// The userspace proxier's load balancer (pkg/proxy/userspace/roundrobin.go, LoadBalancerRR, before
// 1.26) and its connect loop (proxysocket.go, TryConnectEndpoints). State is plain data so it can
// live in ProxyRuntimeState; shuffles draw from the lab's seeded generator.

import type { SeededRandom } from '../../net/rand';

export const ErrMissingServiceEntry = 'missing service entry';
export const ErrMissingEndpoints = 'missing endpoints';

/** proxysocket.go EndpointDialTimeouts: one dial per entry, each with a longer timeout. */
export const ENDPOINT_DIAL_TIMEOUTS_MS: readonly number[] = [250, 500, 1000, 2000];

/** A ClientIP affinity timeout of 0 means the default, 10800 seconds. */
export const DEFAULT_AFFINITY_TTL_SECONDS = 10800;

export interface AffinityEntry {
  endpoint: string;
  lastUsed: number;
}

export interface BalancerState {
  /** The endpoint set it was shuffled from (sorted), to notice changes. */
  set: string[];
  /** "ip:port" in shuffled order. */
  endpoints: string[];
  index: number;
  affinity: { enabled: boolean; ttlSeconds: number; map: Record<string, AffinityEntry> };
}

export type BalancerStates = Record<string, BalancerState>;

/** OnEndpointsUpdate: a changed endpoint set is reshuffled and the cursor reset; affinity to removed endpoints is
 *  forgotten. */
export function updateService(args: {
  states: BalancerStates;
  service: string;
  endpoints: readonly string[];
  affinitySeconds: number;
  rng: SeededRandom;
}): BalancerState {
  const { states, service } = args;
  const sorted = [...args.endpoints].sort();
  const ttl = args.affinitySeconds === 0 ? DEFAULT_AFFINITY_TTL_SECONDS : args.affinitySeconds;
  let st = states[service];
  if (!st) {
    st = {
      set: [],
      endpoints: [],
      index: 0,
      affinity: { enabled: args.affinitySeconds > 0, ttlSeconds: ttl, map: {} },
    };
    states[service] = st;
  }
  st.affinity.enabled = args.affinitySeconds > 0;
  st.affinity.ttlSeconds = ttl;
  if (sorted.join(',') !== st.set.join(',')) {
    st.set = sorted;
    st.endpoints = args.rng.shuffle(sorted);
    st.index = 0;
    for (const [ip, a] of Object.entries(st.affinity.map)) if (!sorted.includes(a.endpoint)) delete st.affinity.map[ip];
  }
  return st;
}

export type NextEndpoint = { ok: true; endpoint: string; viaAffinity: boolean } | { ok: false; error: string };

/** NextEndpoint: affinity first (unless reset), then strict round robin over the shuffled list. */
export function nextEndpoint(args: {
  states: BalancerStates;
  service: string;
  clientIP: string;
  now: number;
  sessionAffinityReset: boolean;
}): NextEndpoint {
  const st = args.states[args.service];
  if (!st) return { ok: false, error: ErrMissingServiceEntry };
  if (st.endpoints.length === 0) return { ok: false, error: ErrMissingEndpoints };
  if (st.affinity.enabled && !args.sessionAffinityReset) {
    const a = st.affinity.map[args.clientIP];
    if (a && args.now - a.lastUsed < st.affinity.ttlSeconds) {
      a.lastUsed = args.now;
      return { ok: true, endpoint: a.endpoint, viaAffinity: true };
    }
  }
  const endpoint = st.endpoints[st.index]!;
  st.index = (st.index + 1) % st.endpoints.length;
  if (st.affinity.enabled) st.affinity.map[args.clientIP] = { endpoint, lastUsed: args.now };
  return { ok: true, endpoint, viaAffinity: false };
}

export interface DialAttempt {
  endpoint: string;
  ok: boolean;
  timeoutMs?: number;
  viaAffinity: boolean;
}

export type ConnectResult =
  | { ok: true; endpoint: string; attempts: DialAttempt[] }
  | { ok: false; error: string; attempts: DialAttempt[] };

/** TryConnectEndpoints: one dial per timeout; a failed dial moves on and resets affinity for the next pick. */
export function tryConnectEndpoints(args: {
  states: BalancerStates;
  service: string;
  clientIP: string;
  now: number;
  dial: (endpoint: string) => boolean;
}): ConnectResult {
  const attempts: DialAttempt[] = [];
  let sessionAffinityReset = false;
  for (const timeoutMs of ENDPOINT_DIAL_TIMEOUTS_MS) {
    const next = nextEndpoint({
      states: args.states,
      service: args.service,
      clientIP: args.clientIP,
      now: args.now,
      sessionAffinityReset,
    });
    if (!next.ok) return { ok: false, error: next.error, attempts };
    const ok = args.dial(next.endpoint);
    attempts.push({ endpoint: next.endpoint, ok, timeoutMs, viaAffinity: next.viaAffinity });
    if (ok) return { ok: true, endpoint: next.endpoint, attempts };
    sessionAffinityReset = true;
  }
  return { ok: false, error: 'failed to connect to an endpoint', attempts };
}
