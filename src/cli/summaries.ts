// The one-line summary of each command: `netlab --help` lists them, and each command's own help
// starts with its line. Kept apart from the catalog so a command's module does not import the catalog
// that loads it.

export const SUMMARIES = {
  validate: 'check scenario files and manifests; print problems as file:line:col: path: message',
  get: 'kubectl get over the reconciled cluster (pods, svc, configmaps, netpol, RBAC, custom resources, events, ...)',
  describe: 'kubectl describe of any kind get lists, over the reconciled cluster',
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
