// Traefik applies every new dynamic configuration in memory: a change is either nothing or a
// hot update, never a reload (the contrast with ingress-nginx a lesson can show side by side).

import type { Cluster } from '../../cluster';
import type { ClusterEvent, EventLog } from '../../events';
import type { IngressAddon } from '../../lab';
import type { RenderedArtifact } from '../../artifact';
import { artifactText } from '../../artifact';
import { unifiedDiff } from '../diff';
import type { TraefikConfig, TraefikProviderOptions } from './config';
import { buildTraefikConfig, renderTraefikConfig } from './config';

export interface CompiledTraefik {
  addon: IngressAddon;
  config: TraefikConfig;
  artifact: RenderedArtifact;
}

export function compileTraefik(
  cluster: Cluster,
  addon: IngressAddon,
  options: TraefikProviderOptions = {},
): CompiledTraefik {
  const config = buildTraefikConfig(cluster, addon, options);
  return { addon, config, artifact: renderTraefikConfig(config) };
}

export interface TraefikSyncDecision {
  kind: 'none' | 'dynamic';
  reason: string;
  diff: string[];
  events: Omit<ClusterEvent, 'seq'>[];
  next: CompiledTraefik;
}

export function syncTraefik(input: {
  previous: Cluster | null;
  next: Cluster;
  addon: IngressAddon;
  log?: EventLog;
}): TraefikSyncDecision {
  const next = compileTraefik(input.next, input.addon);
  const nextText = artifactText(next.artifact).split('\n');
  const prevText = input.previous ? artifactText(compileTraefik(input.previous, input.addon).artifact).split('\n') : [];
  const diff = unifiedDiff(prevText, nextText, { a: 'traefik (running)', b: 'traefik (new)' });
  if (diff.length === 0) return {
    kind: 'none',
    reason: 'the provider produced the same configuration: nothing to apply',
    diff,
    events: [],
    next,
  };
  const events: Omit<ClusterEvent, 'seq'>[] = [
    {
      type: 'Normal',
      reason: 'ConfigurationReloaded',
      object: { kind: 'Deployment', namespace: input.addon.namespace, name: 'traefik-ingress-controller' },
      // A log line in Traefik ("Configuration received"), shown on the lab's timeline.
      message: 'Configuration received from provider kubernetes: '
        + 'routers and services swapped in memory, no process reload',

      source: 'ingress-controller',
      detail: diff,
    },
  ];
  if (input.log) for (const e of events) input.log.emit(e);
  return { kind: 'dynamic', reason: 'Traefik swaps its routing table in memory on every change', diff, events, next };
}
