// The commands `netlab --help` lists, each with the module that implements it. The process entry
// (main.ts) loads only the command it runs, so `--help` and a single command start fast; the
// summaries are repeated here for that reason and a test keeps them equal to the commands' own.

import type { Command } from './command';

export interface CatalogEntry {
  name: string;
  summary: string;
  load: () => Promise<Command>;
}

export const CATALOG: readonly CatalogEntry[] = [
  {
    name: 'validate',
    summary: 'check scenario files and manifests; print problems as file:line:col: path: message',
    load: () => import('./commands/validate').then((m) => m.validateCommand),
  },
  {
    name: 'get',
    summary: 'kubectl get over the reconciled cluster (pods, svc, endpointslices, ingress, nodes, events, ...)',
    load: () => import('./commands/get').then((m) => m.getCommand),
  },
  {
    name: 'describe',
    summary: 'kubectl describe svc|pod|ingress|node over the reconciled cluster',
    load: () => import('./commands/get').then((m) => m.describeCommand),
  },
  {
    name: 'rules',
    summary: "kube-proxy's rules on a node: iptables-save, ipvsadm -Ln, ipset list, nft list table, the userspace table",
    load: () => import('./commands/rules').then((m) => m.rulesCommand),
  },
  {
    name: 'dig',
    summary: "query cluster DNS from a pod (dig's or nslookup's output, or JSON)",
    load: () => import('./commands/dig').then((m) => m.digCommand),
  },
  {
    name: 'ingress-config',
    summary: "an ingress controller's generated configuration (nginx.conf or Traefik's dynamic config)",
    load: () => import('./commands/ingress-config').then((m) => m.ingressConfigCommand),
  },
  {
    name: 'trace',
    summary: 'walk a request hop by hop: DNS, load balancer, kube-proxy rules, pod network, ingress, pod',
    load: () => import('./commands/trace').then((m) => m.traceCommand),
  },
  {
    name: 'exec',
    summary: "run one of the console's commands (kubectl, curl, dig, iptables-save, cat ...) from a pod, node or client",
    load: () => import('./commands/exec').then((m) => m.execCommand),
  },
  {
    name: 'export',
    summary: 'export the scenario as kubectl-ready manifests (yaml) or as scenario JSON',
    load: () => import('./commands/export').then((m) => m.exportCommand),
  },
];
