// Binds the tracer's ingress port to the compiled controllers: every decision is the controller's
// matcher evaluating the configuration the viewer shows (nginx.conf or Traefik's dynamic config).

import type { ArtifactRef } from '../artifact';
import type { Cluster } from '../cluster';
import { controllerPodLabels } from '../ingress/addon';
import type { CompiledIngressController } from '../ingress/controllers';
import { matchNginx, newBalancerState, type BalancerState, type IngressRequest } from '../ingress/nginx/match';
import { matchTraefik } from '../ingress/traefik/match';
import type { HttpRequestView, IngressControllerPort, IngressDecision, IngressRuntime } from '../trace/ports';
import { assertNever } from '../util/assert';

function refsOf(...refs: (ArtifactRef | null | undefined)[]): ArtifactRef[] {
  const out: ArtifactRef[] = [];
  for (const r of refs) if (r && !out.some((o) => o.lineIndex === r.lineIndex && o.artifact === r.artifact)) out.push(r);
  return out;
}

function target(endpoint: string): { ip: string; port: number } {
  const i = endpoint.lastIndexOf(':');
  return { ip: endpoint.slice(0, i), port: Number(endpoint.slice(i + 1)) };
}

function balancer(rt: IngressRuntime, className: string): BalancerState {
  return (rt.perController[className] ??= newBalancerState()) as BalancerState;
}

function request(req: HttpRequestView, port: number): IngressRequest {
  return { scheme: req.scheme, host: req.host, path: req.path, method: req.method, headers: req.headers, cookies: req.cookies, clientIP: req.clientIP, port };
}

export function buildIngressPorts(cluster: Cluster, compiled: readonly CompiledIngressController[]): IngressControllerPort[] {
  return compiled.map((c): IngressControllerPort => {
    const labels = controllerPodLabels(c.addon);
    const pods = cluster.pods
      .filter((p) => (p.metadata.namespace ?? 'default') === c.addon.namespace && Object.entries(labels).every(([k, v]) => p.metadata.labels?.[k] === v))
      .map((p) => `${p.metadata.namespace ?? 'default'}/${p.metadata.name}`);
    const ports = { http: 80, https: 443 };
    switch (c.kind) {
      case 'nginx': {
        const { rendered } = c.nginx;
        return {
          className: c.addon.className,
          controller: 'nginx',
          pods,
          ports,
          decide(req, rt): IngressDecision {
            const d = matchNginx({ nodes: rendered.nodes, artifact: rendered.artifact, request: request(req, req.scheme === 'https' ? ports.https : ports.http), balancer: balancer(rt, c.addon.className), random: rt.rand });
            const refs = refsOf(d.refs.server, d.refs.location, d.refs.decided);
            const reason = d.notes.join('; ') || `${d.outcome} ${d.status}`;
            const ns = d.variables['$namespace'] ?? d.variables['namespace'];
            const svc = d.variables['$service_name'] ?? d.variables['service_name'];
            const service = ns && svc ? `${ns}/${svc}` : undefined;
            if (d.outcome === 'proxy' && d.endpoint && d.upstreamRequest) {
              return {
                kind: 'proxy',
                upstream: d.upstream ?? '',
                service: service ?? d.upstream ?? '',
                target: target(d.endpoint),
                path: d.upstreamRequest.path,
                responseHeaders: d.responseHeaders,
                upstreamHeaders: d.upstreamRequest.headers,
                refs,
                reason,
                ...(d.defaultBackend ? { upstreamStatus: 404 } : {}),
              };
            }
            const headers = { ...d.responseHeaders, ...(d.redirect ? { Location: d.redirect } : {}) };
            return { kind: 'respond', status: d.status, headers, refs, reason, service };
          },
        };
      }
      case 'traefik': {
        const { config, artifact } = c.traefik;
        return {
          className: c.addon.className,
          controller: 'traefik',
          pods,
          ports,
          decide(req, rt): IngressDecision {
            const d = matchTraefik({ config, artifact, request: request(req, req.scheme === 'https' ? ports.https : ports.http), balancer: balancer(rt, c.addon.className) });
            const refs = refsOf(d.refs.router, d.refs.service);
            const reason = d.notes.join('; ') || `${d.status}`;
            if (d.endpoint && d.upstreamRequest) {
              return { kind: 'proxy', upstream: d.service ?? '', service: d.service ?? '', target: target(d.endpoint), path: d.upstreamRequest.path, responseHeaders: {}, upstreamHeaders: d.upstreamRequest.headers, refs, reason };
            }
            return { kind: 'respond', status: d.status, headers: {}, refs, reason: d.body ? `${reason} (${d.body})` : reason };
          },
        };
      }
      default:
        return assertNever(c, 'ingress controller');
    }
  });
}
