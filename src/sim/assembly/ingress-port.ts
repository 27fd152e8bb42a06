// Binds the tracer's ingress port to the compiled controllers: every decision is the controller's
// matcher evaluating the configuration the viewer shows (nginx.conf or Traefik's dynamic config).

import { note, renderNotes } from '../notes';
import type { ArtifactRef } from '../artifact';
import type { Cluster } from '../cluster';
import type { CompiledIngressController } from '../ingress/controllers';
import { upstreamBackends, type BackendModel } from '../ingress/model';
import { matchNginx, newBalancerState, type BalancerState, type IngressRequest } from '../ingress/nginx/match';
import { matchTraefik, type TraefikDecision } from '../ingress/traefik/match';
import type { EvalStep, StepEffect } from '../step';
import type { HttpRequestView, IngressControllerPort, IngressDecision, IngressRuntime } from '../trace/ports';
import { assertNever } from '../util/assert';
import { controllerPlace } from './ingress-entry';

function refsOf(...refs: (ArtifactRef | null | undefined)[]): ArtifactRef[] {
  const out: ArtifactRef[] = [];
  for (const r of refs) {
    if (r && !out.some((o) => o.lineIndex === r.lineIndex && o.artifact === r.artifact)) out.push(r);
  }
  return out;
}

/** Traefik's decision as steps: the router that matched, the service's choice of server. */
function traefikSteps(d: TraefikDecision): EvalStep[] {
  const out: EvalStep[] = [];
  const at = { outcome: 'matched' as const, table: 'traefik', where: 'traefik' };
  if (d.router && d.refs.router) {
    const effect: StepEffect = { kind: 'server', name: d.router.name, match: d.router.rule };
    out.push({ ...at, chain: d.router.name, effect, ref: d.refs.router, action: 'router' });
  }
  if (d.service && d.refs.service) {
    const effect: StepEffect = { kind: 'upstream', upstream: d.service, peer: d.endpoint, how: 'wrr' };
    out.push({ ...at, chain: d.service, effect, ref: d.refs.service, action: 'service' });
  }
  return out;
}

function serviceKey(b: BackendModel | undefined): string | undefined {
  return b && b.service ? `${b.namespace}/${b.service}` : undefined;
}

function target(endpoint: string): { ip: string; port: number } {
  const i = endpoint.lastIndexOf(':');
  return { ip: endpoint.slice(0, i), port: Number(endpoint.slice(i + 1)) };
}

function balancer(rt: IngressRuntime, className: string): BalancerState {
  return (rt.perController[className] ??= newBalancerState()) as BalancerState;
}

function request(req: HttpRequestView, port: number): IngressRequest {
  return {
    scheme: req.scheme,
    host: req.host,
    path: req.path,
    method: req.method,
    headers: req.headers,
    cookies: req.cookies,
    clientIP: req.clientIP,
    port,
  };
}

// The matchers know the controller's configured entry points (ingress-nginx's listen 80/443,
// Traefik's web/websecure); an adopted controller's pod ports (k3s's Traefik on 8000/8443) are
// mapped to them by scheme where the tracer hands the request over.
function entryPort(req: HttpRequestView): number {
  return req.scheme === 'https' ? 443 : 80;
}

/** What every controller's port has besides its matcher: its pods (as its Service's slices list them) and entry. */
type PortBase = Pick<IngressControllerPort, 'className' | 'pods' | 'ports' | 'entry'>;

function portBase(cluster: Cluster, c: CompiledIngressController): PortBase {
  const ports = c.addon.adopt?.ports ?? { http: 80, https: 443 };
  const { pods, entry } = controllerPlace(cluster, c.addon, ports);
  return { className: c.addon.className, pods, ports, entry };
}

type NginxController = Extract<CompiledIngressController, { kind: 'nginx' }>;
type TraefikController = Extract<CompiledIngressController, { kind: 'traefik' }>;

/** ingress-nginx's port: nginx's own request processing over the rendered nginx.conf. */
function nginxPort(c: NginxController, base: PortBase): IngressControllerPort {
  const { rendered } = c.nginx;
  const backends = upstreamBackends(c.nginx.model);
  const decide = (req: HttpRequestView, rt: IngressRuntime): IngressDecision => {
    const d = matchNginx({
      nodes: rendered.nodes,
      artifact: rendered.artifact,
      request: request(req, entryPort(req)),
      balancer: balancer(rt, c.addon.className),
      random: rt.rand,
    });
    const refs = refsOf(d.refs.server, d.refs.location, d.refs.decided);
    const outcome = note('note.ingress.outcome', { outcome: d.outcome, status: d.status });
    const notes = d.notes.length > 0 ? d.notes : [outcome];
    const reason = renderNotes('en', notes);
    // The upstream the location chose: proxy_pass's, or `$proxy_upstream_name` where the location
    // answers itself (the 503 of a Service without endpoints), as ingress-nginx's access log names it.
    const upstream = d.upstream ?? d.variables.proxy_upstream_name;
    const service = serviceKey(upstream ? backends.get(upstream) : undefined);
    const told = { refs, steps: d.steps, reason, notes };
    if (d.outcome === 'proxy' && d.ownServer) {
      // ingress-nginx without --default-backend-service: its own default server answers 404.
      return { kind: 'respond', status: d.status, headers: d.responseHeaders, ...told, ownServer: true };
    }
    if (d.outcome === 'proxy' && d.endpoint && d.upstreamRequest) {
      return {
        kind: 'proxy',
        upstream: d.upstream ?? '',
        service: service ?? d.upstream ?? '',
        target: target(d.endpoint),
        path: d.upstreamRequest.path,
        responseHeaders: d.responseHeaders,
        upstreamHeaders: d.upstreamRequest.headers,
        ...told,
        ...(d.defaultBackend ? { upstreamStatus: 404 } : {}),
      };
    }
    const headers = { ...d.responseHeaders, ...(d.redirect ? { Location: d.redirect } : {}) };
    return { kind: 'respond', status: d.status, headers, ...told, service };
  };
  return { ...base, controller: 'nginx', ...(c.addon.useProxyProtocol ? { proxyProtocol: true } : {}), decide };
}

/** Traefik's port: its router matching over the dynamic configuration the viewer shows. */
function traefikPort(c: TraefikController, base: PortBase): IngressControllerPort {
  const { config, artifact } = c.traefik;
  const services = new Map(config.services.map((x) => [x.name, serviceKey(x.backend)]));
  const decide = (req: HttpRequestView, rt: IngressRuntime): IngressDecision => {
    const balance = balancer(rt, c.addon.className);
    const d = matchTraefik({ config, artifact, request: request(req, entryPort(req)), balancer: balance });
    const refs = refsOf(d.refs.router, d.refs.service);
    const steps = traefikSteps(d);
    const outcome = note('note.ingress.outcome', { outcome: 'return', status: d.status });
    const notes = d.notes.length > 0 ? d.notes : [outcome];
    if (d.endpoint && d.upstreamRequest) {
      return {
        kind: 'proxy',
        upstream: d.service ?? '',
        service: services.get(d.service ?? '') ?? d.service ?? '',
        target: target(d.endpoint),
        path: d.upstreamRequest.path,
        responseHeaders: {},
        upstreamHeaders: d.upstreamRequest.headers,
        refs,
        steps,
        reason: renderNotes('en', notes),
        notes,
      };
    }
    const answered = d.body ? [...notes, note('note.traefik.body', { body: d.body })] : notes;
    const reason = renderNotes('en', answered);
    return { kind: 'respond', status: d.status, headers: {}, refs, steps, reason, notes: answered };
  };
  return { ...base, controller: 'traefik', decide };
}

/** The tracer's port for each compiled ingress controller. */
export function buildIngressPorts(
  cluster: Cluster,
  compiled: readonly CompiledIngressController[],
): IngressControllerPort[] {
  return compiled.map((c): IngressControllerPort => {
    const base = portBase(cluster, c);
    switch (c.kind) {
      case 'nginx':
        return nginxPort(c, base);
      case 'traefik':
        return traefikPort(c, base);
      default:
        return assertNever(c, 'ingress controller');
    }
  });
}
