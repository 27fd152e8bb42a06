// Which pods a Service selects, as the endpoints and EndpointSlice controllers read spec.selector
// (pkg/controller/endpointslice: the pods in the Service's namespace carrying every key=value of
// the selector). The controllers publish only pods with an address; what a learner needs to hear
// when a Service answers nothing also counts the selected pods that have none yet, so the
// selection itself is exported here for whoever explains it, beside the readiness it reports.

import type { Pod, Service } from '../api/types';
import { selectorMatches } from '../api/validation';
import type { Cluster } from '../cluster';
import { isPodReady, isTerminating } from './podstate';

/** spec.selector selects the pod: same namespace, every label equal. An empty selector selects all. */
export function serviceSelects(svc: Service, pod: Pod): boolean {
  const ns = svc.metadata.namespace ?? 'default';
  const selector = { matchLabels: svc.spec.selector ?? {} };
  return (pod.metadata.namespace ?? 'default') === ns && selectorMatches(selector, pod.metadata.labels);
}

/** The selector as `kubectl describe service` prints it: "app=web,tier=front". */
export function selectorText(svc: Service): string {
  return Object.entries(svc.spec.selector ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}

export interface ServiceSelection {
  service: Service;
  /** "" when the Service has no selector (its endpoints are whoever wrote them). */
  selector: string;
  /** Selected pods ready to serve (ready and not terminating: an endpoint's `ready` condition). */
  ready: Pod[];
  /** Selected pods that are not (not ready, terminating, or not running yet). */
  notReady: Pod[];
}

/** The selection of Service `ns/name`; null when there is no such Service. */
export function serviceSelection(cluster: Cluster, namespace: string, name: string): ServiceSelection | null {
  const named = (s: Service) => s.metadata.name === name && (s.metadata.namespace ?? 'default') === namespace;
  const service = cluster.services.find(named);
  if (!service) return null;
  const selector = selectorText(service);
  if (!selector) return { service, selector, ready: [], notReady: [] };
  const matching = cluster.pods.filter((p) => serviceSelects(service, p));
  const isReady = (p: Pod) => isPodReady(p) && !isTerminating(p);
  const ready = matching.filter(isReady);
  return { service, selector, ready, notReady: matching.filter((p) => !isReady(p)) };
}
