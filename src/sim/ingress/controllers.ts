// Every ingress controller of a cluster in one place: the addons declared in the lab settings plus
// those implied by IngressClasses of known controllers, each compiled to its artifact, and the
// per-controller change decisions. What the data-plane step and the tracer call.

import type { Cluster } from '../cluster';
import type { EventLog } from '../events';
import type { IngressAddon } from '../lab';
import { assertNever } from '../util/assert';
import { defaultAddonFor } from './addon';
import type { CompiledNginx, NginxSyncDecision } from './nginx/controller';
import { compileNginx, syncNginx } from './nginx/controller';
import type { CompiledTraefik, TraefikSyncDecision } from './traefik/controller';
import { compileTraefik, syncTraefik } from './traefik/controller';

/** Declared addons, then one per IngressClass of a known controller that no addon serves. */
export function ingressAddonsOf(cluster: Cluster): IngressAddon[] {
  const out = [...cluster.settings.ingress];
  for (const cls of cluster.ingressClasses) {
    if (out.some((a) => a.className === cls.metadata.name)) continue;
    const implied = defaultAddonFor(cls);
    if (implied) out.push(implied);
  }
  return out;
}

export type CompiledIngressController =
  | { kind: 'nginx'; addon: IngressAddon; nginx: CompiledNginx }
  | { kind: 'traefik'; addon: IngressAddon; traefik: CompiledTraefik };

export function compileIngressControllers(cluster: Cluster): CompiledIngressController[] {
  return ingressAddonsOf(cluster).map((addon): CompiledIngressController => {
    switch (addon.controller) {
      case 'nginx':
        return { kind: 'nginx', addon, nginx: compileNginx(cluster, addon) };
      case 'traefik':
        return { kind: 'traefik', addon, traefik: compileTraefik(cluster, addon) };
      default:
        return assertNever(addon.controller, 'ingress controller');
    }
  });
}

export type IngressSyncDecision =
  | { kind: 'nginx'; addon: IngressAddon; decision: NginxSyncDecision }
  | { kind: 'traefik'; addon: IngressAddon; decision: TraefikSyncDecision };

/** Each controller's reaction to a change from `previous` to `next` (null previous: controller start). */
export function syncIngressControllers(input: {
  previous: Cluster | null;
  next: Cluster;
  log?: EventLog;
}): IngressSyncDecision[] {

  return ingressAddonsOf(input.next).map((addon): IngressSyncDecision => {
    const args = { previous: input.previous, next: input.next, addon, ...(input.log ? { log: input.log } : {}) };
    switch (addon.controller) {
      case 'nginx':
        return { kind: 'nginx', addon, decision: syncNginx(args) };
      case 'traefik':
        return { kind: 'traefik', addon, decision: syncTraefik(args) };
      default:
        return assertNever(addon.controller, 'ingress controller');
    }
  });
}
