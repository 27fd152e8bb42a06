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

export function compileNginx(cluster: Cluster, addon: IngressAddon, options: NginxRenderOptions = {}): CompiledNginx {
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
  /** Unified diff of the running and the new nginx.conf (for a dynamic update: the upstream peers that changed). */
  diff: string[];
  /** Upstreams whose peers changed. */
  backendsChanged: string[];
  /** Events as `kubectl get events` would list them (plus the controller's log lines the lab shows as events). */
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

export function syncNginx(input: SyncNginxInput): NginxSyncDecision {
  const { addon } = input;
  const next = compileNginx(input.next, addon);
  const events: Omit<ClusterEvent, 'seq'>[] = [];
  const source = 'ingress-controller' as const;

  // "Scheduled for sync" on every served Ingress that is new or changed (ingress-nginx's store handlers).
  for (const s of next.model.serving) {
    if (!s.served) continue;
    const cur = input.next.ingresses.find(
      (i) => (i.metadata.namespace ?? 'default') === s.namespace && i.metadata.name === s.name
    )!;
    const old = input.previous?.ingresses.find(
      (i) => (i.metadata.namespace ?? 'default') === s.namespace && i.metadata.name === s.name
    );
    if (ingressChanged(old, cur)) {
      events.push({
        type: 'Normal',
        reason: 'Sync',
        object: { kind: 'Ingress', namespace: s.namespace, name: s.name },
        message: 'Scheduled for sync',
        source,
      });
    }
  }

  const nextText = artifactText(next.rendered.artifact).split('\n');
  const pod = { kind: 'Pod', namespace: addon.namespace, name: controllerPodName(input.next, addon) };
  const finish = (d: Omit<NginxSyncDecision, 'events' | 'next'>): NginxSyncDecision => {
    if (d.kind === 'reload') {
      events.push({
        type: 'Normal',
        reason: 'RELOAD',
        object: pod,
        message: 'NGINX reload triggered due to a change in configuration',
        source,
        detail: d.diff,
      });
    } else if (d.kind === 'dynamic') {
      // A log line in ingress-nginx, not an Event; the lab shows it on the same timeline.
      events.push({
        type: 'Normal',
        reason: 'DynamicReconfiguration',
        object: pod,
        message: `Dynamic reconfiguration succeeded: backends${d.backendsChanged.length > 0 ? ` (${d.backendsChanged.join(', ')})` : ''} POSTed to /configuration/backends, no reload`,
        source,
        detail: d.diff,
      });
    }
    if (input.log) for (const e of events) input.log.emit(e);
    return { ...d, events, next };
  };

  if (!input.previous) {
    return finish({
      kind: 'reload',
      reason: 'initial configuration: nginx starts with the generated nginx.conf',
      diff: unifiedDiff([], nextText),
      backendsChanged: [],
    });
  }
  const prev = compileNginx(input.previous, addon);
  const prevText = artifactText(prev.rendered.artifact).split('\n');
  const sameCerts = JSON.stringify(prev.rendered.certificates) === JSON.stringify(next.rendered.certificates);
  const diff = unifiedDiff(prevText, nextText);
  if (diff.length === 0 && sameCerts) {
    return finish({
      kind: 'none',
      reason: 'No configuration change detected, skipping backend reload',
      diff,
      backendsChanged: [],
    });
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
      return finish({
        kind: 'reload',
        reason: 'endpoints changed; this controller writes pod addresses into nginx.conf and reloads on every change (before ingress-nginx 0.12\'s dynamic configuration)',
        diff,
        backendsChanged,
      });
    }
    return finish({
      kind: 'dynamic',
      reason: 'only endpoints changed: the Lua balancer gets the new backends without a reload',
      diff,
      backendsChanged,
    });
  }
  return finish({
    kind: 'reload',
    reason: sameCerts ? 'Configuration changes detected, backend reload required' : 'a certificate changed: Configuration changes detected, backend reload required',
    diff,
    backendsChanged,
  });
}
