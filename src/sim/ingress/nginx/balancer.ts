// ingress-nginx's Lua balancer as the lab models it (balancer.lua and its balancer/*.lua modules):
// the canary choice (header, then cookie, then weight), cookie affinity (sticky_persistent and
// sticky_balanced) and round robin with a state object kept between requests. The matcher's balancer
// phase (match.ts) calls these with the location's `LuaBalancerInfo`.

import { hash128 } from '../../net/rand';
import type { SeededRandom } from '../../net/rand';
import type { LuaBalancerInfo } from './conf';
import { note, type Note } from '../../notes';
import type { IngressRequest } from './request';

/** The Lua balancer's memory between requests: round-robin positions per upstream. */
export interface BalancerState {
  rr: Record<string, number>;
}

export function newBalancerState(): BalancerState {
  return { rr: {} };
}

/** The affinity cookie value the lab gives an endpoint (ingress-nginx hashes the peer; the exact hash is its own). */
export function affinityCookieValue(endpoint: string): string {
  const [h0, h1] = hash128(endpoint);
  return h0.toString(16).padStart(8, '0') + h1.toString(16).padStart(8, '0');
}

/** Rendezvous hashing: the peer with the highest hash of (key, peer). Moves only the sessions of a
 *  removed peer, and a fair share to an added one. */
export function consistentPeer(key: string, peers: readonly string[]): string {
  let best = peers[0]!;
  let bestScore = -1;
  for (const p of peers) {
    const score = hash128(`${key}\u0000${p}`)[0];
    if (score > bestScore) {
      best = p;
      bestScore = score;
    }
  }
  return best;
}

/** A new balanced-affinity session key: from the seeded generator, else a counter in the balancer state. */
function sessionKey(state: BalancerState, random: SeededRandom | undefined): string {
  if (random) {
    return random.nextUint32().toString(16).padStart(8, '0') + random.nextUint32().toString(16).padStart(8, '0');
  }
  const n = (state.rr['#sessions'] ?? 0) + 1;
  state.rr['#sessions'] = n;
  const [h0, h1] = hash128(`session-${n}`);
  return h0.toString(16).padStart(8, '0') + h1.toString(16).padStart(8, '0');
}

function pickRoundRobin(state: BalancerState, upstream: string, peers: readonly string[]): string {
  const i = state.rr[upstream] ?? 0;
  state.rr[upstream] = (i + 1) % peers.length;
  return peers[i % peers.length]!;
}

type CanaryInfo = NonNullable<LuaBalancerInfo['canary']>;

/** ingress-nginx's canary order: the header (a given value, or always/never), then the cookie
 *  (always/never), then the weight drawn with the seeded generator. */
export function chooseCanary(
  info: CanaryInfo,
  req: IngressRequest,
  random: SeededRandom | undefined,
  notes: Note[],
): boolean {
  const header = info.byHeader ? headerValue(req.headers, info.byHeader) : undefined;
  if (header !== undefined) {
    if (info.byHeaderValue) {
      if (header === info.byHeaderValue) {
        return (notes.push(note('note.nginx.canaryHeaderValue', { header: info.byHeader, value: header })), true);
      }
    } else if (header === 'always') {
      return (notes.push(note('note.nginx.canaryHeader', { header: info.byHeader, value: 'always' })), true);
    } else if (header === 'never') {
      return (notes.push(note('note.nginx.canaryHeader', { header: info.byHeader, value: 'never' })), false);
    }
  }
  const cookie = info.byCookie ? req.cookies?.[info.byCookie] : undefined;
  if (cookie === 'always') {
    return (notes.push(note('note.nginx.canaryCookie', { cookie: info.byCookie, value: 'always' })), true);
  }
  if (cookie === 'never') {
    return (notes.push(note('note.nginx.canaryCookie', { cookie: info.byCookie, value: 'never' })), false);
  }
  if (info.weight <= 0) return false;
  if (info.weight >= info.weightTotal) {
    return (notes.push(note('note.nginx.canaryWeightAll', { weight: info.weight, total: info.weightTotal })), true);
  }
  const roll = random ? random.int(info.weightTotal) : info.weightTotal - 1;
  const hit = roll < info.weight;
  const key = hit ? 'note.nginx.canaryDrawCanary' : 'note.nginx.canaryDrawMain';
  notes.push(note(key, { weight: info.weight, total: info.weightTotal, draw: roll }));
  return hit;
}

function headerValue(headers: Readonly<Record<string, string>> | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  const k = Object.keys(headers).find((h) => h.toLowerCase() === name.toLowerCase());
  return k === undefined ? undefined : headers[k];
}

export interface PeerChoiceInput {
  state: BalancerState;
  random: SeededRandom | undefined;
  /** The location's balancer info; its affinity is ignored for a request that chose the canary. */
  info: LuaBalancerInfo | undefined;
  canary: boolean;
  cookies: Readonly<Record<string, string>> | undefined;
  upstream: string;
  peers: readonly string[];
  notes: Note[];
  /** Receives the affinity `Set-Cookie`, when the balancer writes one. */
  responseHeaders: Record<string, string>;
}

/** The balancer's peer for one request: a valid affinity cookie first (persistent: the peer it names;
 *  balanced: the session key hashed onto the peers), else a new balanced session, else round robin. */
export function choosePeer(input: PeerChoiceInput): { peer: string; how: string } {
  const { info, peers, notes } = input;
  let peer: string | null = null;
  let how = '';
  const affinity = info && !input.canary ? info.affinity : null;
  if (affinity) {
    const cookie = input.cookies?.[affinity.cookieName];
    if (affinity.mode === 'persistent') {
      // persistent: the cookie names the peer; it holds while that peer exists.
      peer = cookie ? (peers.find((p) => affinityCookieValue(p) === cookie) ?? null) : null;
      if (peer) notes.push(note('note.nginx.cookiePins', { cookie: affinity.cookieName, peer }));
      else if (cookie) notes.push(note('note.nginx.cookieStale', { cookie: affinity.cookieName }));
      if (peer) how = 'cookie-persistent';
    } else if (cookie) {
      // balanced: the cookie is a session key hashed onto the current peers (consistent hashing),
      // so adding or removing pods moves a share of the sessions (ingress-nginx sticky_balanced).
      peer = consistentPeer(cookie, peers);
      notes.push(note('note.nginx.cookieHashes', { cookie: affinity.cookieName, peer }));
      how = 'cookie-balanced';
    }
  }
  if (peer) return { peer, how };
  if (affinity && affinity.mode === 'balanced') {
    const key = sessionKey(input.state, input.random);
    peer = consistentPeer(key, peers);
    notes.push(note('note.nginx.newSession', { session: key, peer, count: peers.length }));
    input.responseHeaders['Set-Cookie'] = `${affinity.cookieName}=${key}; Path=${affinity.cookiePath}; HttpOnly`;
    return { peer, how: 'new-session' };
  }
  peer = pickRoundRobin(input.state, input.upstream, peers);
  const algorithm = info?.algorithm ?? 'round_robin';
  notes.push(note('note.nginx.balance', { algorithm, peer, count: peers.length }));
  if (affinity) {
    const value = affinityCookieValue(peer);
    input.responseHeaders['Set-Cookie'] = `${affinity.cookieName}=${value}; Path=${affinity.cookiePath}; HttpOnly`;
  }
  return { peer, how: algorithm };
}
