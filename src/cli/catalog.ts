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
  describe: 'kubectl describe svc|pod|ingress|node|gatewayclass|gateway|httproute|referencegrant over the reconciled cluster',
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

export const CATALOG: readonly CatalogEntry[] = [
  { name: 'validate', summary: SUMMARIES.validate, load: () => import('./commands/validate').then((m) => m.validateCommand) },
  { name: 'get', summary: SUMMARIES.get, load: () => import('./commands/get').then((m) => m.getCommand) },
  { name: 'describe', summary: SUMMARIES.describe, load: () => import('./commands/get').then((m) => m.describeCommand) },
  { name: 'rules', summary: SUMMARIES.rules, load: () => import('./commands/rules').then((m) => m.rulesCommand) },
  { name: 'dig', summary: SUMMARIES.dig, load: () => import('./commands/dig').then((m) => m.digCommand) },
  { name: 'ingress-config', summary: SUMMARIES['ingress-config'], load: () => import('./commands/ingress-config').then((m) => m.ingressConfigCommand) },
  { name: 'gateway-config', summary: SUMMARIES['gateway-config'], load: () => import('./commands/gateway-config').then((m) => m.gatewayConfigCommand) },
  { name: 'trace', summary: SUMMARIES.trace, load: () => import('./commands/trace').then((m) => m.traceCommand) },
  { name: 'exec', summary: SUMMARIES.exec, load: () => import('./commands/exec').then((m) => m.execCommand) },
  { name: 'export', summary: SUMMARIES.export, load: () => import('./commands/export').then((m) => m.exportCommand) },
  { name: 'convert', summary: SUMMARIES.convert, load: () => import('./commands/convert').then((m) => m.convertCommand) },
];
