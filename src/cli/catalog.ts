// The commands `netlab --help` lists, each with the module that implements it. The process entry
// (main.ts) loads only the command it runs, so `--help` and a single command start fast. The one-line
// summaries live here, where help reads them; each command takes its own from SUMMARIES.

import type { Command } from './command';

export interface CatalogEntry {
  name: string;
  summary: string;
  load: () => Promise<Command>;
}

export const SUMMARIES = {
  validate: 'check scenario files and manifests; print problems as file:line:col: path: message',
  get: 'kubectl get over the reconciled cluster (pods, svc, endpointslices, ingress, nodes, events, ...)',
  describe:
    'kubectl describe svc|pod|ingress|node|gatewayclass|gateway|httproute|referencegrant over the reconciled cluster',
  rules:
    "kube-proxy's rules on a node: iptables-save, ipvsadm -Ln, ipset list, nft list table, the userspace table; " +
    "or the node's ip route",
  dig: "query cluster DNS from a pod (dig's or nslookup's output, or JSON)",
  'ingress-config': "an ingress controller's generated configuration (nginx.conf or Traefik's dynamic config)",
  'gateway-config': "a Gateway's data-plane nginx.conf as NGINX Gateway Fabric renders it",
  trace: 'walk a request hop by hop: DNS, load balancer, kube-proxy rules, pod network, ingress, pod',
  exec: "run one of the console's commands (kubectl, curl, dig, iptables-save, cat ...) from a pod, node or client",
  export: 'export the scenario as kubectl-ready manifests (yaml) or as scenario JSON',
  convert: 'convert ingress-nginx Ingresses to Gateway API (as ingress2gateway does) and list what does not carry over',
} as const;

/** A command by its name, summary and module (loaded only when it runs). */
const entry = (name: keyof typeof SUMMARIES, load: () => Promise<Command>): CatalogEntry => ({
  name,
  summary: SUMMARIES[name],
  load,
});

export const CATALOG: readonly CatalogEntry[] = [
  entry('validate', () => import('./commands/validate').then((m) => m.validateCommand)),
  entry('get', () => import('./commands/get').then((m) => m.getCommand)),
  entry('describe', () => import('./commands/get').then((m) => m.describeCommand)),
  entry('rules', () => import('./commands/rules').then((m) => m.rulesCommand)),
  entry('dig', () => import('./commands/dig').then((m) => m.digCommand)),
  entry('ingress-config', () => import('./commands/ingress-config').then((m) => m.ingressConfigCommand)),
  entry('gateway-config', () => import('./commands/gateway-config').then((m) => m.gatewayConfigCommand)),
  entry('trace', () => import('./commands/trace').then((m) => m.traceCommand)),
  entry('exec', () => import('./commands/exec').then((m) => m.execCommand)),
  entry('export', () => import('./commands/export').then((m) => m.exportCommand)),
  entry('convert', () => import('./commands/convert').then((m) => m.convertCommand)),
];
