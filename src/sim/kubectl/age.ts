// The lab's clock and kubectl's AGE / LAST SEEN columns.
//
// The core has no wall clock (ARCHITECTURE principle 5): the lab's time is logical. It starts at a
// fixed instant (or at the newest creationTimestamp the scenario declares, so a snapshot of a real
// cluster reads as "just taken") and advances one second per control-plane event, so an event's
// time is its sequence number in seconds after the start. The same lab always prints the same ages.

import type { Cluster } from '../cluster';
import type { ClusterEvent } from '../events';
import { refKey } from '../api/store';

/** 2025-01-01T00:00:00Z, in seconds: where the lab's clock starts when nothing declares a later time. */
export const LAB_EPOCH = Date.UTC(2025, 0, 1) / 1000;

export interface LabClock {
  /** Seconds since the Unix epoch at which the lab's first event happened, minus one second. */
  start: number;
  /** The lab's "now": one second after start per event so far. */
  now: number;
  /** The store's record of when an object was created (seq of the events before it). */
  createdAt: (kind: string, key: string) => number | undefined;
}

type Timestamped = { metadata: { name?: string; namespace?: string; creationTimestamp?: string } };

/** Seconds since the Unix epoch of an RFC 3339 timestamp, or undefined when there is none or it is unreadable. */
function seconds(ts: string | undefined): number | undefined {
  if (!ts) return undefined;
  const ms = Date.parse(ts);
  return Number.isNaN(ms) ? undefined : Math.floor(ms / 1000);
}

function declaredTimes(c: Cluster): number[] {
  const kinds: readonly (readonly Timestamped[])[] = [
    c.namespaces, c.nodes, c.pods, c.deployments, c.replicaSets, c.daemonSets, c.statefulSets, c.services,
    c.endpointSlices, c.endpoints, c.ingresses, c.ingressClasses, c.secrets, c.configMaps, c.gatewayClasses, c.gateways,
    c.httpRoutes, c.referenceGrants, c.others,
  ];
  const out: number[] = [];
  for (const list of kinds) {
    for (const o of list) {
      const t = seconds(o.metadata.creationTimestamp);
      if (t !== undefined) out.push(t);
    }
  }
  return out;
}

export function labClock(c: Cluster): LabClock {
  const start = declaredTimes(c).reduce((a, b) => Math.max(a, b), LAB_EPOCH);
  const last = c.events.reduce((a, e) => Math.max(a, e.seq), 0);
  return { start, now: start + last, createdAt: c.createdAt ?? (() => undefined) };
}

/**
 * AGE: now minus the object's creation time: its declared metadata.creationTimestamp, else when the
 * lab's store created it; `<unknown>` when neither is known, as kubectl prints for no timestamp.
 */
export function objectAge(clock: LabClock, kind: string, o: Timestamped): string {
  const created = creationSeconds(clock, kind, o);
  return created === undefined ? '<unknown>' : humanDuration(clock.now - created);
}

/** When the object was created, in seconds since the Unix epoch: declared, else on the lab's clock. */
export function creationSeconds(clock: LabClock, kind: string, o: Timestamped): number | undefined {
  const declared = seconds(o.metadata.creationTimestamp);
  if (declared !== undefined) return declared;
  const seq = o.metadata.name === undefined ? undefined : clock.createdAt(
    kind,
    refKey({ kind, name: o.metadata.name, namespace: o.metadata.namespace }),
  );
  return seq === undefined ? undefined : clock.start + seq;
}

/** A time as metav1.Time marshals it (RFC 3339 in UTC, whole seconds); the zero time when there is none. */
export function rfc3339(s: number | undefined): string {
  return s === undefined ? '0001-01-01T00:00:00Z' : new Date(s * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** How long ago an RFC 3339 timestamp was on the lab's clock (translateTimestampSince); undefined when unreadable. */
export function sinceTimestamp(clock: LabClock, ts: unknown): string | undefined {
  const s = typeof ts === 'string' ? seconds(ts) : undefined;
  return s === undefined ? undefined : humanDuration(clock.now - s);
}

/** Seconds since the Unix epoch of an RFC 3339 timestamp, or undefined. */
export function timestampSeconds(ts: unknown): number | undefined {
  return typeof ts === 'string' ? seconds(ts) : undefined;
}

/** LAST SEEN / Age of an event: it happened `seq` seconds after the clock started. */
export function eventAge(clock: LabClock, e: ClusterEvent): string {
  return humanDuration(clock.now - (clock.start + e.seq));
}

/**
 * k8s.io/apimachinery/pkg/util/duration.HumanDuration: two significant units while the larger is
 * small ("90s", "5m30s", "2h15m", "3d4h", "2y45d"), one unit after that ("45m", "30h", "200d", "9y").
 * A timestamp up to a second in the future reads "0s" (clock skew); further ahead, "<invalid>".
 */
export function humanDuration(totalSeconds: number): string {
  const s = Math.trunc(totalSeconds);
  if (s < -1) return '<invalid>';
  if (s < 0) return '0s';
  if (s < 60 * 2) return `${s}s`;
  const minutes = Math.floor(s / 60);
  if (minutes < 10) return s % 60 === 0 ? `${minutes}m` : `${minutes}m${s % 60}s`;
  if (minutes < 60 * 3) return `${minutes}m`;
  const hours = Math.floor(s / 3600);
  if (hours < 8) return minutes % 60 === 0 ? `${hours}h` : `${hours}h${minutes % 60}m`;
  if (hours < 48) return `${hours}h`;
  const days = Math.floor(hours / 24);
  if (hours < 24 * 8) return hours % 24 === 0 ? `${days}d` : `${days}d${hours % 24}h`;
  if (hours < 24 * 365 * 2) return `${days}d`;
  const years = Math.floor(days / 365);
  if (hours < 24 * 365 * 8) return days % 365 === 0 ? `${years}y` : `${years}y${days % 365}d`;
  return `${years}y`;
}
