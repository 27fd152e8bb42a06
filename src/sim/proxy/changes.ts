// kube-proxy's change trackers (pkg/proxy/servicechangetracker.go, endpointschangetracker.go): the
// informers' handlers hand each Service and EndpointSlice event to a tracker, which keeps, per
// Service, the version the last sync saw (`previous`) and the newest one (`current`). A sync asks
// the trackers which Services changed and regenerates only their chains (KEP-3453). A change that
// changes nothing is dropped: upstream compares the previous and current ServicePortMap (what
// kube-proxy derives from the Service) with reflect.DeepEqual; the lab compares the objects
// themselves, so a write that touches only fields kube-proxy ignores (a label) still counts as a
// change of that Service here, as it did before the trackers, and its chains are rewritten.
//
// The lab's informer is the object store's watch stream: `ReconcileState.changes` holds the watch
// events of the last edit (src/sim/controllers/reconcile.ts), in the order they were emitted.

import type { EndpointSlice, Service } from '../api/types';
import type { WatchEvent } from '../api/store';
import { deepEqual } from '../util/equal';
import { isProxied } from './servicemap';

/** One object between two syncs: what the last sync saw and what the apiserver holds now (undefined: absent). */
export interface ObjectChange<T> {
  previous: T | undefined;
  current: T | undefined;
}

/** ServiceChangeTracker: pending Service changes by "namespace/name". */
export interface ServiceChangeTracker {
  items: Map<string, ObjectChange<Service>>;
}

/** EndpointsChangeTracker: pending EndpointSlice changes, grouped by the Service they belong to
 *  ("namespace/service", from the kubernetes.io/service-name label), then by slice "namespace/name". */
export interface EndpointsChangeTracker {
  items: Map<string, Map<string, ObjectChange<EndpointSlice>>>;
}

/** What kube-proxy's informers collected since its last sync. */
export interface ProxyChanges {
  services: ServiceChangeTracker;
  endpoints: EndpointsChangeTracker;
}

export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';

export function newProxyChanges(): ProxyChanges {
  return { services: { items: new Map() }, endpoints: { items: new Map() } };
}

/** "namespace/name" of a Service. */
export function serviceKey(svc: Service): string {
  return `${svc.metadata.namespace ?? 'default'}/${svc.metadata.name}`;
}

/** "namespace/service" an EndpointSlice belongs to; undefined without the service-name label
 *  (kube-proxy ignores such slices, as EndpointSliceCache does). */
export function sliceServiceKey(s: EndpointSlice): string | undefined {
  const svc = s.metadata.labels?.[SERVICE_NAME_LABEL];
  return svc ? `${s.metadata.namespace ?? 'default'}/${svc}` : undefined;
}

/** ServiceChangeTracker.Update(previous, current): the first `previous` is kept until the next sync. */
export function trackService(
  t: ServiceChangeTracker,
  previous: Service | undefined,
  current: Service | undefined,
): void {
  const svc = current ?? previous;
  if (!svc) return;
  const key = serviceKey(svc);
  const pending = t.items.get(key);
  if (pending) pending.current = current;
  else t.items.set(key, { previous, current });
}

function trackSliceUnder(
  t: EndpointsChangeTracker,
  key: string,
  previous?: EndpointSlice,
  current?: EndpointSlice,
): void {
  const slice = (current ?? previous)!;
  const sliceName = `${slice.metadata.namespace ?? 'default'}/${slice.metadata.name}`;
  let perService = t.items.get(key);
  if (!perService) t.items.set(key, (perService = new Map()));
  const pending = perService.get(sliceName);
  if (pending) pending.current = current;
  else perService.set(sliceName, { previous, current });
}

/** EndpointsChangeTracker.EndpointSliceUpdate: a slice that moved between Services (its label
 *  changed) is a removal from the old Service and an addition to the new one. */
export function trackEndpointSlice(
  t: EndpointsChangeTracker,
  previous: EndpointSlice | undefined,
  current: EndpointSlice | undefined,
): void {
  const was = previous && sliceServiceKey(previous);
  const now = current && sliceServiceKey(current);
  if (was !== undefined && was === now) return trackSliceUnder(t, was, previous, current);
  if (was !== undefined) trackSliceUnder(t, was, previous, undefined);
  if (now !== undefined) trackSliceUnder(t, now, undefined, current);
}

/**
 * Labels kube-proxy's informers select out (cmd/kube-proxy server.go: `service.kubernetes.io/
 * service-proxy-name` and `service.kubernetes.io/headless` must not exist): such an object never
 * reaches a tracker, as if it were absent.
 */
const NOT_WATCHED = ['service.kubernetes.io/service-proxy-name', 'service.kubernetes.io/headless'];

function watched<T extends Service | EndpointSlice>(o: T | undefined): T | undefined {
  const labels = o?.metadata.labels;
  return labels && NOT_WATCHED.some((l) => l in labels) ? undefined : o;
}

/** A Service as the tracker maps it: a headless or ExternalName one maps to no ports (ShouldSkipService). */
function proxied(svc: Service | undefined): Service | undefined {
  const s = watched(svc);
  return s && isProxied(s) ? s : undefined;
}

/** The informers' event handlers: each watch event for a kind kube-proxy watches goes to its tracker. */
export function trackWatchEvents(changes: ProxyChanges, events: readonly WatchEvent[]): ProxyChanges {
  for (const e of events) {
    const current = e.type === 'DELETED' ? undefined : e.object;
    const previous = e.type === 'ADDED' ? undefined : e.old;
    if (e.object.kind === 'Service') {
      const was = proxied(previous as Service | undefined);
      const now = proxied(current as Service | undefined);
      if (was || now) trackService(changes.services, was, now);
    } else if (e.object.kind === 'EndpointSlice') {
      const was = watched(previous as EndpointSlice | undefined);
      const now = watched(current as EndpointSlice | undefined);
      if (was || now) trackEndpointSlice(changes.endpoints, was, now);
    }
  }
  return changes;
}

/** The trackers fed with one batch of watch events. */
export function proxyChangesOf(events: readonly WatchEvent[]): ProxyChanges {
  return trackWatchEvents(newProxyChanges(), events);
}

const changed = <T>(c: ObjectChange<T>): boolean => !deepEqual(c.previous, c.current);

/**
 * The Services a sync must regenerate ("namespace/name", sorted): those whose Service or one of
 * whose EndpointSlices differs from what the last sync saw (upstream: the union of
 * UpdateServiceMapResult.UpdatedServices and UpdateEndpointsMapResult.UpdatedServices).
 */
export function changedServices(changes: ProxyChanges): string[] {
  const out = new Set<string>();
  for (const [key, c] of changes.services.items) if (changed(c)) out.add(key);
  for (const [key, slices] of changes.endpoints.items) {
    if (out.has(key)) continue;
    for (const c of slices.values()) {
      if (changed(c)) {
        out.add(key);
        break;
      }
    }
  }
  return [...out].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
