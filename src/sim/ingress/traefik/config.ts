// Traefik's Kubernetes Ingress provider, reduced to the dynamic configuration it builds: one router
// per Ingress path (`Host(`h`) && PathPrefix(`/p`)`, priority = rule length unless set), one
// service per backend with its pod endpoints as servers. Traefik applies it in memory: there is
// never a reload [SEMANTICS §11]. Its own annotations (traefik.ingress.kubernetes.io/router.*)
// are honoured; ingress-nginx's are ignored.

import type { Ingress } from '../../api/types';
import type { RenderedArtifact, RenderedLine } from '../../artifact';
import type { Cluster } from '../../cluster';
import type { IngressAddon } from '../../lab';
import { annotationBool, annotationInt, annotationValue, TRAEFIK_ROUTER_PREFIX } from '../annotations';
import type { BackendModel, IngressRef, IngressServing } from '../model';
import { compareIngressAge, resolveBackend, servesIngress, upstreamName } from '../model';
import { titled } from '../../notes';

export interface TraefikRouter {
  name: string;
  rule: string;
  /** Explicit priority, or the rule's length (Traefik's default). */
  priority: number;
  priorityExplicit: boolean;
  service: string;
  entryPoints: string[];
  tls: boolean;
  middlewares: string[];
  ingress: IngressRef;
}

export interface TraefikService {
  name: string;
  servers: string[];
  backend: BackendModel;
}

export interface TraefikConfig {
  className: string;
  routers: TraefikRouter[];
  /** Routers the provider left out because their Service had no ready endpoints (its log: "Skipping service: no
   *  endpoints found"). */
  skipped: { router: string; service: string; ingress: IngressRef }[];
  services: TraefikService[];
  serving: IngressServing[];
  warnings: string[];
}

export const TRAEFIK_ENTRYPOINTS = { web: 80, websecure: 443 } as const;

/** Traefik's provider.Normalize: anything but letters and digits becomes '-'. */
export function traefikNormalize(name: string): string {
  return name.replace(/[^a-zA-Z0-9]+/g, '-').replace(/^-+|-+$/g, '');
}

/** `*.foo.com` as Traefik v3 writes it: HostRegexp with one label. */
function hostMatcher(host: string): string {
  if (!host.startsWith('*.')) return `Host(\`${host}\`)`;
  return `HostRegexp(\`^[a-zA-Z0-9-]+${host.slice(1).replace(/\./g, '\\.')}$\`)`;
}

function ns(o: { metadata: { namespace?: string } }): string {
  return o.metadata.namespace ?? 'default';
}

export interface TraefikProviderOptions {
  /**
   * The provider's allowEmptyServices option (default false): keep routers whose Service has no
   * endpoints, so they answer 503 instead of disappearing (then another router or the 404 answers;
   * traefik/traefik#9242).
   */
  allowEmptyServices?: boolean;
}

export function buildTraefikConfig(
  cluster: Cluster,
  addon: IngressAddon,
  options: TraefikProviderOptions = {},
): TraefikConfig {
  const warnings: string[] = [];
  const skipped: TraefikConfig['skipped'] = [];
  const serving = cluster.ingresses.map((i) => servesIngress(addon, i, cluster.ingressClasses));
  const served = cluster.ingresses.filter((_, i) => serving[i]!.served).slice().sort(compareIngressAge);
  const routers: TraefikRouter[] = [];
  const services = new Map<string, TraefikService>();
  const addService = (be: BackendModel): string => {
    const name = traefikNormalize(upstreamName(be.namespace, be.service, be.port));
    if (!services.has(name)) services.set(
      name,
      { name, servers: be.endpoints.map((e) => `http://${e.address}:${e.port}`), backend: be },
    );
    return name;
  };
  for (const ing of served) {
    for (const r of routersOf(cluster, ing, addService, warnings)) {
      const svc = services.get(r.service)!;
      if (svc.servers.length === 0 && !options.allowEmptyServices) {
        skipped.push({ router: r.name, service: r.service, ingress: r.ingress });
        warnings.push(
          'Skipping service: no endpoints found '
            + `(ingress ${r.ingress.namespace}/${r.ingress.name}, service ${r.service})`
        );
        continue;
      }
      routers.push(r);
    }
  }
  for (const s of skipped) if (!routers.some((r) => r.service === s.service)) services.delete(s.service);
  return {
    className: addon.className,
    skipped,
    routers: routers.sort((a, b) => b.priority - a.priority || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
    services: [...services.values()].sort((a, b) => (a.name < b.name ? -1 : 1)),
    serving,
    warnings,
  };
}

function routersOf(
  cluster: Cluster,
  ing: Ingress,
  addService: (be: BackendModel) => string,
  warnings: string[],
): TraefikRouter[] {
  const a = ing.metadata.annotations;
  const entryPoints = annotationValue(a, TRAEFIK_ROUTER_PREFIX + 'entrypoints')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  // A router with TLS only serves the TLS entry point; spec.tls turns it on as router.tls does.
  const tls = annotationBool(a, TRAEFIK_ROUTER_PREFIX + 'tls') || (ing.spec.tls ?? []).length > 0;
  const priority = annotationInt(a, TRAEFIK_ROUTER_PREFIX + 'priority');
  const pathMatcher = annotationValue(a, TRAEFIK_ROUTER_PREFIX + 'pathmatcher') === 'Path' ? 'Path' : 'PathPrefix';
  const middlewares = annotationValue(a, TRAEFIK_ROUTER_PREFIX + 'middlewares')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const ref: IngressRef = { namespace: ns(ing), name: ing.metadata.name };
  const out: TraefikRouter[] = [];
  const base = { entryPoints, tls, middlewares, ingress: ref };
  if (ing.spec.defaultBackend) {
    const be = resolveBackend(cluster, ns(ing), ing.spec.defaultBackend, false);
    if (be) {
      // Traefik's "default-router": catches everything, at the lowest priority.
      out.push({
        ...base,
        name: 'default-router',
        rule: 'PathPrefix(`/`)',
        priority: -2147483648,
        priorityExplicit: true,
        service: addService(be),
      });
    }
  }
  for (const rule of ing.spec.rules ?? []) {
    for (const p of rule.http?.paths ?? []) {
      const be = resolveBackend(cluster, ns(ing), p.backend, false);
      if (!be) {
        warnings.push(`${ref.namespace}/${ref.name}: path ${p.path ?? '/'} has no service backend; skipped`);
        continue;
      }
      const matcher = p.pathType === 'Exact' ? 'Path' : pathMatcher;
      const parts = [
        rule.host ? hostMatcher(rule.host) : '',
        p.path ? `${matcher}(\`${p.path}\`)` : '',
      ].filter((s) => s !== '');
      const ruleText = parts.join(' && ') || 'PathPrefix(`/`)';
      const name = traefikNormalize(`${ref.namespace}-${ref.name}-${rule.host ?? ''}${p.path ?? ''}`);
      if (out.some((r) => r.name === name)) continue;
      out.push({
        ...base,
        name,
        rule: ruleText,
        priority: priority ?? ruleText.length,
        priorityExplicit: priority !== null,
        service: addService(be),
      });
    }
  }
  return out;
}

export function traefikRouterId(name: string): string {
  return `router:${name}`;
}
export function traefikServiceId(name: string): string {
  return `service:${name}`;
}

/** The dynamic configuration as Traefik's file provider would show it (YAML), each line tied to its router or
 *  service. */

export function renderTraefikConfig(cfg: TraefikConfig): RenderedArtifact {
  const lines: RenderedLine[] = [];
  const push = (text: string, ref?: string) => lines.push(ref ? { text, ref } : { text });
  push(`# Traefik dynamic configuration from the Kubernetes Ingress provider (IngressClass "${cfg.className}")`);
  push('# applied in memory on every change: Traefik never reloads');
  push('http:');
  push('  routers:');
  for (const r of cfg.routers) {
    const id = traefikRouterId(r.name);
    push(`    ${r.name}:`, id);
    if (r.entryPoints.length > 0) {
      push('      entryPoints:', id);
      for (const e of r.entryPoints) push(`        - ${e}`, id);
    }
    push(`      rule: "${r.rule.replace(/\\/g, '\\\\')}"`, id);
    push(
      r.priorityExplicit ? `      priority: ${r.priority}` : `      # priority: ${r.priority} (length of the rule)`,
      id,
    );
    push(`      service: ${r.service}`, id);
    if (r.middlewares.length > 0) {
      push('      middlewares:', id);
      for (const m of r.middlewares) push(`        - ${m}`, id);
    }
    if (r.tls) push('      tls: {}', id);
  }
  for (const s of cfg.skipped) push(
    `    # ${s.router}: skipped, service ${s.service} has no endpoints ("Skipping service: no endpoints found")`
  );
  push('  services:');
  for (const s of cfg.services) {
    const id = traefikServiceId(s.name);
    push(`    ${s.name}:`, id);
    push('      loadBalancer:', id);
    if (s.servers.length === 0) {
      push('        servers: []  # no ready endpoints: 503', id);
    } else {
      push('        servers:', id);
      for (const u of s.servers) push(`          - url: ${u}`, id);
    }
  }
  return {
    id: `ingress/${cfg.className}/traefik`,
    kind: 'traefik',
    ...titled('note.title.traefik', { className: cfg.className }),
    lines,
  };
}
