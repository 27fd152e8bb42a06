// The ingress-nginx controller loop, reduced to what a learner can watch: compile the model and
// nginx.conf for a class, and on every change decide, as ingress-nginx's syncIngress does
// [NGX-HOW], between no work (equal configuration), a dynamic update of the Lua balancer's
// backends (only endpoints changed: POST /configuration/backends, no reload) and a reload.
// The seeds' controllers reloaded on every change (`legacyReloadOnEndpointChange`).

import type { Ingress } from '../../api/types';
import { artifactText } from '../../artifact';
import type { Cluster } from '../../cluster';
import type { ClusterEvent, EventLog } from '../../events';
import type { IngressAddon } from '../../lab';
import { controllerNames, controllerPodLabels } from '../addon';
import { unifiedDiff } from '../diff';
import type { IngressModel } from '../model';
import { buildIngressModel } from '../model';
import type { NginxRenderOptions, RenderedNginx } from './render';
import { renderNginxConf } from './render';

export interface CompiledNginx {
  addon: IngressAddon;
  model: IngressModel;
  rendered: RenderedNginx;
}

export function compileNginx(
  cluster: Cluster,
  addon: IngressAddon,
  options: NginxRenderOptions = {},
): CompiledNginx {
  const model = buildIngressModel(cluster, addon);
  const proxyProtocol = addon.controller === 'nginx' && addon.useProxyProtocol === true;
  return {
    addon,
    model,
    rendered: renderNginxConf(model, { ...(proxyProtocol ? { proxyProtocol } : {}), ...options }),
  };
}

export type NginxSyncKind = 'none' | 'dynamic' | 'reload';

export interface NginxSyncDecision {
  kind: NginxSyncKind;
  /** Why, in the controller's own words where it has some. */
  reason: string;
  /** Unified diff of the running and the new nginx.conf (for a dynamic update: the upstream peers that
   *  changed). */
  diff: string[];
  /** Upstreams whose peers changed. */
  backendsChanged: string[];
  /** Events as `kubectl get events` would list them (plus the controller's log lines the lab shows as
   *  events). */
  events: Omit<ClusterEvent, 'seq'>[];
  next: CompiledNginx;
}

export interface SyncNginxInput {
  /** The cluster the running configuration was built from; null at controller start. */
  previous: Cluster | null;
  next: Cluster;
  addon: IngressAddon;
  /** When given, the events are also emitted into it. */
  log?: EventLog;
}

function upstreamPeers(r: RenderedNginx): Map<string, string> {
  const out = new Map<string, string>();
  const http = r.nodes.find((n) => n.kind === 'block' && n.name === 'http');
  if (!http || http.kind !== 'block') return out;
  for (const u of http.children) {
    if (u.kind !== 'block' || u.name !== 'upstream') continue;
    out.set(
      u.args[0]!,
      u.children.flatMap((x) => (x.kind === 'directive' && x.name === 'server' ? x.args : [])).join(' '),
    );
  }
  return out;
}

function ingressChanged(a: Ingress | undefined, b: Ingress): boolean {
  if (!a) return true;
  return JSON.stringify([
    a.spec,
    a.metadata.annotations ?? {},
  ]) !== JSON.stringify([b.spec, b.metadata.annotations ?? {}]);
}

/** The controller pod events are recorded on (the first controller pod of the addon, else its workload name). */
function controllerPodName(cluster: Cluster, addon: IngressAddon): string {
  const labels = controllerPodLabels(addon);
  const pod = cluster.pods.find(
    (p) => (p.metadata.namespace ?? 'default') === addon.namespace && Object.entries(labels).every(([
      k,
      v,
    ]) => p.metadata.labels?.[k] === v),
  );
  return pod?.metadata.name ?? controllerNames(addon).workload;
}

type SyncOutcome = Omit<NginxSyncDecision, 'events' | 'next'>;
type NewEvent = Omit<ClusterEvent, 'seq'>;

const EVENT_SOURCE = 'ingress-controller' as const;

/**
 * One pass of ingress-nginx's sync loop: the store handlers queue each new or changed Ingress
 * ("Scheduled for sync"), syncIngress compares the running configuration with the new one, and
 * the outcome (reload, dynamic backends update, or nothing) is what the controller reports.
 */
export function syncNginx(input: SyncNginxInput): NginxSyncDecision {
  const { addon } = input;
  const next = compileNginx(input.next, addon);
  const events = scheduledForSync(input, next.model);
  const pod = { kind: 'Pod', namespace: addon.namespace, name: controllerPodName(input.next, addon) };
  const outcome = compareConfigurations(input, next);
  const reported = outcomeEvent(outcome, pod);
  if (reported) events.push(reported);
  if (input.log) for (const e of events) input.log.emit(e);
  return { ...outcome, events, next };
}

/** "Scheduled for sync" on every served Ingress that is new or changed (ingress-nginx's store handlers). */
function scheduledForSync(input: SyncNginxInput, model: IngressModel): NewEvent[] {
  const events: NewEvent[] = [];
  const named = (s: { namespace: string; name: string }) => (i: Ingress) =>
    (i.metadata.namespace ?? 'default') === s.namespace && i.metadata.name === s.name;
  for (const s of model.serving) {
    if (!s.served) continue;
    const cur = input.next.ingresses.find(named(s))!;
    const old = input.previous?.ingresses.find(named(s));
    if (ingressChanged(old, cur)) {
      events.push({
        type: 'Normal',
        reason: 'Sync',
        object: { kind: 'Ingress', namespace: s.namespace, name: s.name },
        message: 'Scheduled for sync',
        source: EVENT_SOURCE,
      });
    }
  }
  return events;
}

/**
 * syncIngress's decision: equal nginx.conf and certificates, no work; a difference only in the
 * upstreams' peers (the configuration compared without endpoints is equal), a dynamic update of the
 * Lua balancer; anything else, a reload.
 */
function compareConfigurations(input: SyncNginxInput, next: CompiledNginx): SyncOutcome {
  const { addon } = input;
  const nextText = artifactText(next.rendered.artifact).split('\n');
  if (!input.previous) {
    return {
      kind: 'reload',
      reason: 'initial configuration: nginx starts with the generated nginx.conf',
      diff: unifiedDiff([], nextText),
      backendsChanged: [],
    };
  }
  const prev = compileNginx(input.previous, addon);
  const prevText = artifactText(prev.rendered.artifact).split('\n');
  const sameCerts = JSON.stringify(prev.rendered.certificates) === JSON.stringify(next.rendered.certificates);
  const diff = unifiedDiff(prevText, nextText);
  if (diff.length === 0 && sameCerts) {
    return {
      kind: 'none',
      reason: 'No configuration change detected, skipping backend reload',
      diff,
      backendsChanged: [],
    };
  }
  const blind = (c: Cluster) => artifactText(compileNginx(c, addon, { endpointsBlind: true }).rendered.artifact);
  const prevPeers = upstreamPeers(prev.rendered);
  const nextPeers = upstreamPeers(next.rendered);
  const backendsChanged = [...new Set([
    ...prevPeers.keys(),
    ...nextPeers.keys(),
  ])].filter((k) => prevPeers.get(k) !== nextPeers.get(k)).sort();
  if (sameCerts && blind(input.previous) === blind(input.next)) {
    if (addon.legacyReloadOnEndpointChange) {
      return {
        kind: 'reload',
        reason: 'endpoints changed; this controller writes pod addresses into nginx.conf and reloads on every '
          + 'change (before ingress-nginx 0.12\'s dynamic configuration)',
        diff,
        backendsChanged,
      };
    }
    return {
      kind: 'dynamic',
      reason: 'only endpoints changed: the Lua balancer gets the new backends without a reload',
      diff,
      backendsChanged,
    };
  }
  return {
    kind: 'reload',
    reason: sameCerts
      ? 'Configuration changes detected, backend reload required'
      : 'a certificate changed: Configuration changes detected, backend reload required',
    diff,
    backendsChanged,
  };
}

/** The event a reload raises on the controller pod, or the log line a dynamic update writes. */
function outcomeEvent(d: SyncOutcome, pod: NewEvent['object']): NewEvent | null {
  if (d.kind === 'reload') {
    return {
      type: 'Normal',
      reason: 'RELOAD',
      object: pod,
      message: 'NGINX reload triggered due to a change in configuration',
      source: EVENT_SOURCE,
      detail: d.diff,
    };
  }
  if (d.kind === 'dynamic') {
    // A log line in ingress-nginx, not an Event; the lab shows it on the same timeline.
    const which = d.backendsChanged.length > 0 ? ` (${d.backendsChanged.join(', ')})` : '';
    return {
      type: 'Normal',
      reason: 'DynamicReconfiguration',
      object: pod,
      message: `Dynamic reconfiguration succeeded: backends${which} POSTed to /configuration/backends, no reload`,
      source: EVENT_SOURCE,
      detail: d.diff,
    };
  }
  return null;
}
