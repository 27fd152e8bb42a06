// The walk of one hop, as the Rules viewer marks it in place: every artifact line an evaluator
// looked at for this packet (the netfilter walker's rules, nft rules and map elements, IPVS virtual
// and real servers, nginx's server, locations and upstream, DNS records), numbered in evaluation
// order, and how it went: jumped, matched, or not matched. Read from the hop's typed steps only;
// the words are i18n keys with parameters rendered from each step's effect and detail.

import type { EvalStep } from '../../sim';
import type { MessageKey, Params, T } from '../i18n';

/** A note: an i18n key with parameters; `terms` are parameters that are themselves message keys
 *  (nginx's match kinds, the balancer's method), translated before they are filled in. */
export interface WalkNote {
  key: MessageKey;
  params: Params;
  terms?: Record<string, MessageKey>;
}

export function renderNote(t: T, n: WalkNote): string {
  const terms = Object.fromEntries(Object.entries(n.terms ?? {}).map(([k, v]) => [k, t(v)]));
  return t(n.key, { ...n.params, ...terms });
}

const MATCH_TERMS: Record<string, MessageKey> = {
  exact: 'walk.term.exact',
  wildcard: 'walk.term.wildcard',
  regex: 'walk.term.regex',
  default_server: 'walk.term.defaultServer',
  prefix: 'walk.term.prefix',
};
const HOW_TERMS: Record<string, MessageKey> = {
  round_robin: 'walk.term.roundRobin',
  ewma: 'walk.term.ewma',
  wrr: 'walk.term.wrr',
  'cookie-persistent': 'walk.term.cookiePersistent',
  'cookie-balanced': 'walk.term.cookieBalanced',
  'new-session': 'walk.term.newSession',
};

/** How a marked line went: the three the legend shows. */
export type WalkKind = 'jump' | 'match' | 'miss';

export interface WalkMark {
  /** 1-based positions of the steps on this line, in the hop's evaluation order. */
  orders: number[];
  /** The last visit's kind (a line walked twice shows how it went the second time). */
  kind: WalkKind;
  /** What the line did, in words, when there is more to say than the kind (a draw, a choice). */
  notes: WalkNote[];
}

export function walkKind(s: EvalStep): WalkKind {
  if (s.outcome === 'skipped') return 'miss';
  return s.effect.kind === 'jump' ? 'jump' : 'match';
}

/** The marks of one artifact's lines, by line index. */
export function walkMarks(steps: readonly EvalStep[] | undefined, artifact: string): Map<number, WalkMark> {
  const out = new Map<number, WalkMark>();
  (steps ?? []).forEach((s, i) => {
    if (s.ref.artifact !== artifact || s.ref.lineIndex < 0) return;
    let m = out.get(s.ref.lineIndex);
    if (!m) {
      m = { orders: [], kind: 'miss', notes: [] };
      out.set(s.ref.lineIndex, m);
    }
    m.orders.push(i + 1);
    m.kind = walkKind(s);
    const note = stepNote(s);
    if (note) m.notes.push(note);
  });
  return out;
}

export interface WalkSummary {
  /** Steps on lines of this artifact. */
  here: number;
  matched: number;
  /** Steps on lines of other artifacts (e.g. the ipvsadm listing beside iptables-save). */
  elsewhere: number;
}

export function walkSummary(steps: readonly EvalStep[] | undefined, artifact: string): WalkSummary {
  let here = 0;
  let matched = 0;
  for (const s of steps ?? []) {
    if (s.ref.artifact !== artifact || s.ref.lineIndex < 0) continue;
    here++;
    if (s.outcome === 'matched') matched++;
  }
  return { here, matched, elsewhere: (steps?.length ?? 0) - here };
}

const fixed = (n: number) => (Math.round(n * 1000) / 1000).toFixed(3);

/** The note a step earns beside its line: random and stateful matches always, choices and
 *  rewrites when they matched. A plain miss says nothing more than its gutter mark. */
export function stepNote(s: EvalStep): WalkNote | null {
  const d = s.detail;
  if (d?.kind === 'statistic') {
    const yes = s.outcome === 'matched';
    return { key: yes ? 'walk.note.statisticYes' : 'walk.note.statisticNo', params: { p: fixed(d.probability), draw: fixed(d.draw) } };
  }
  if (d?.kind === 'numgen') return { key: 'walk.note.numgen', params: { n: d.modulus, value: d.value } };
  if (d?.kind === 'recent') return { key: d.hit ? 'walk.note.recentHit' : 'walk.note.recentMiss', params: { name: d.name } };
  if (s.outcome === 'skipped' && s.effect.kind !== 'location-considered' && s.effect.kind !== 'proxy-dial') return null;
  return effectNote(s);
}

/** The effect of a step in words (also what the hop inspector lists). */
export function effectNote(s: EvalStep): WalkNote | null {
  const e = s.effect;
  switch (e.kind) {
    case 'no-match':
      return { key: 'walk.effect.noMatch', params: {} };
    case 'continue':
      return null;
    case 'jump':
      return { key: e.goto ? 'walk.effect.goto' : 'walk.effect.jump', params: { chain: e.chain } };
    case 'return':
      return { key: 'walk.effect.return', params: {} };
    case 'accept':
    case 'drop':
    case 'reject':
      return { key: `walk.effect.${e.kind}`, params: {} };
    case 'dnat':
      return { key: 'walk.effect.dnat', params: { to: e.to } };
    case 'snat':
      return { key: e.masquerade ? 'walk.effect.masquerade' : 'walk.effect.snat', params: { to: e.to } };
    case 'mark':
      return { key: 'walk.effect.mark', params: { mark: `0x${e.result.toString(16)}` } };
    case 'redirect':
      return { key: 'walk.effect.redirect', params: { to: e.to } };
    case 'map-element':
      return { key: 'walk.effect.mapElement', params: { map: e.map, key: e.key.join(' . ') } };
    case 'set-update':
      return { key: 'walk.effect.setUpdate', params: { set: e.set, element: e.element, seconds: e.timeoutSeconds } };
    case 'ipvs-schedule':
      return { key: e.persistent ? 'walk.effect.ipvsPersistent' : 'walk.effect.ipvsSchedule', params: { scheduler: e.scheduler, to: e.chosen } };
    case 'ipvs-forward':
      return { key: 'walk.effect.ipvsForward', params: { to: e.to } };
    case 'ipvs-no-destination':
      return { key: 'walk.effect.ipvsNone', params: {} };
    case 'proxy-dial':
      return e.ok
        ? { key: 'walk.effect.dialOk', params: { endpoint: e.endpoint } }
        : { key: 'walk.effect.dialFailed', params: { endpoint: e.endpoint, ms: e.timeoutMs ?? 0 } };
    case 'proxy-fail':
      return { key: 'walk.effect.proxyFail', params: { service: e.service } };
    case 'server': {
      const term = MATCH_TERMS[e.match];
      return { key: 'walk.effect.server', params: { name: e.name, match: e.match }, ...(term ? { terms: { match: term } } : {}) };
    }
    case 'location-considered':
      return { key: e.matched ? 'walk.effect.locationCandidate' : 'walk.effect.locationNoMatch', params: { args: e.args } };
    case 'location': {
      const term = MATCH_TERMS[e.match];
      return { key: 'walk.effect.location', params: { args: e.args, match: e.match }, ...(term ? { terms: { match: term } } : {}) };
    }
    case 'http-return':
      return e.location
        ? { key: 'walk.effect.httpRedirect', params: { status: e.status, location: e.location } }
        : { key: 'walk.effect.httpReturn', params: { status: e.status } };
    case 'http-deny':
      return { key: 'walk.effect.httpDeny', params: { client: e.client, rule: e.rule } };
    case 'upstream': {
      if (!e.peer) return { key: e.canary ? 'walk.effect.canaryNone' : 'walk.effect.upstreamNone', params: { upstream: e.upstream } };
      const term = HOW_TERMS[e.how];
      const key = e.canary ? 'walk.effect.canary' : 'walk.effect.upstream';
      return { key, params: { upstream: e.upstream, peer: e.peer, how: e.how }, ...(term ? { terms: { how: term } } : {}) };
    }
    case 'dns-answer':
      return { key: 'walk.effect.dns', params: { name: e.name, type: e.type, value: e.value } };
  }
}
