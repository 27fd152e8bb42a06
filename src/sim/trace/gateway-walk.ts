// How a Gateway data plane hop is explained: which route rule matched and why it won (the spec's
// precedence: an Exact path beats any prefix, the longest PathPrefix wins, then a method match,
// more header matches, more query matches, the older route), or why nginx answered itself.
// Only message keys and parameters; the words are in messages.ts (English and Chinese).

import type { GatewayDecision } from '../gateway/evaluate';
import type { TraceMessageKey } from './messages';

export function gatewayExplanation(gateway: string, d: GatewayDecision): { key: TraceMessageKey; params: Record<string, string | number> } {
  const m = d.matched;
  const base = { gateway, status: d.status, upstream: d.upstream ?? '' };
  if (d.redirect) return { key: 'hop.gateway.redirect', params: { ...base, location: d.redirect } };
  if (!d.location) return { key: 'hop.gateway.noRoute', params: base };
  const src = m?.source ?? d.inline ?? null;
  if (!src) {
    const skipped = (d as { skippedAll?: unknown[] }).skippedAll?.length ?? 0;
    return { key: skipped > 0 ? 'hop.gateway.noMatch' : 'hop.gateway.respond', params: { ...base, skipped } };
  }
  const params = {
    ...base,
    route: src.route,
    rule: src.rule,
    path: src.pathValue,
    skipped: m?.skipped.length ?? 0,
    headers: src.headers,
    query: src.queryParams,
  };
  if (d.outcome === 'respond' && d.status >= 500) return { key: 'hop.gateway.error', params };
  if (src.pathType === 'Exact') return { key: 'hop.gateway.matchExact', params };
  if (m && (src.method || src.headers > 0 || src.queryParams > 0 || m.skipped.length > 0)) return { key: 'hop.gateway.matchConditions', params };
  return { key: 'hop.gateway.matchPrefix', params };
}
