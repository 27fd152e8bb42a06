// Which pods a Service selects, as the endpoints and EndpointSlice controllers read spec.selector
// (pkg/controller/endpointslice: the pods in the Service's namespace carrying every key=value of
// the selector), and the selector as `kubectl describe service` prints it. Whoever explains what a
// Service reaches reads the EndpointSlices the controllers wrote (src/sim/trace/no-endpoints.ts),
// not a second selection.

import type { Pod, Service } from '../api/types';
import { selectorMatches } from '../api/validation';

/** spec.selector selects the pod: same namespace, every label equal. An empty selector selects all. */
export function serviceSelects(svc: Service, pod: Pod): boolean {
  const ns = svc.metadata.namespace ?? 'default';
  const selector = { matchLabels: svc.spec.selector ?? {} };
  return (pod.metadata.namespace ?? 'default') === ns && selectorMatches(selector, pod.metadata.labels);
}

/** spec.selector has a key: the controllers keep the Service's endpoints (without one, a user's or the mirror's). */
export function hasSelector(svc: Service): boolean {
  for (const _ in svc.spec.selector) return true;
  return false;
}

/** The selector as `kubectl describe service` prints it: "app=web,tier=front". */
export function selectorText(svc: Service): string {
  return Object.entries(svc.spec.selector ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}
