// What `kubeadm init` leaves in every cluster: the four namespaces, the `kubernetes` Service
// (first address of the service range, https 443 -> the apiserver's 6443 on the control-plane node)
// and cluster DNS: the kube-dns Service on the tenth address with CoreDNS behind it (2 replicas).

import { cidrAddress, parseCidr } from '../net/ip';
import type { LabSettings } from '../lab';
import type { Deployment, EndpointSlice, Endpoints, KubeObject, Namespace, Service } from '../api/types';

export const BUILTIN_NAMESPACES = ['default', 'kube-node-lease', 'kube-public', 'kube-system'];

export function builtinNamespaces(): Namespace[] {
  return BUILTIN_NAMESPACES.map((name) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }));
}

/** The `kubernetes` and `kube-dns` Services and the CoreDNS Deployment (created after the namespaces). */
export function builtinObjects(settings: LabSettings): KubeObject[] {
  const cidr = parseCidr(settings.serviceCIDR, true)!;
  const kubernetes: Service = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'kubernetes', namespace: 'default', labels: { component: 'apiserver', provider: 'kubernetes' } },
    spec: { clusterIP: cidrAddress(cidr, 1), ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 6443 }] },
  };
  const kubeDns: Service = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: 'kube-dns',
      namespace: 'kube-system',
      labels: { 'k8s-app': 'kube-dns', 'kubernetes.io/cluster-service': 'true', 'kubernetes.io/name': 'CoreDNS' },
      annotations: { 'prometheus.io/port': '9153', 'prometheus.io/scrape': 'true' },
    },
    spec: {
      clusterIP: cidrAddress(cidr, 10),
      selector: { 'k8s-app': 'kube-dns' },
      ports: [
        { name: 'dns', port: 53, protocol: 'UDP', targetPort: 53 },
        { name: 'dns-tcp', port: 53, protocol: 'TCP', targetPort: 53 },
        { name: 'metrics', port: 9153, protocol: 'TCP', targetPort: 9153 },
      ],
    },
  };
  const coredns: Deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'coredns', namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } },
    spec: {
      replicas: 2,
      selector: { matchLabels: { 'k8s-app': 'kube-dns' } },
      template: {
        metadata: { labels: { 'k8s-app': 'kube-dns' } },
        spec: {
          containers: [
            {
              name: 'coredns',
              image: 'registry.k8s.io/coredns/coredns:v1.11.1',
              ports: [
                { name: 'dns', containerPort: 53, protocol: 'UDP' },
                { name: 'dns-tcp', containerPort: 53, protocol: 'TCP' },
                { name: 'metrics', containerPort: 9153, protocol: 'TCP' },
              ],
              readinessProbe: { httpGet: { path: '/ready', port: 8181 } },
            },
          ],
          dnsPolicy: 'Default',
          serviceAccountName: 'coredns',
        },
      },
    },
  };
  return [kubernetes, kubeDns, coredns];
}

/**
 * The apiserver's own Endpoints and EndpointSlice for `kubernetes` (the apiserver's endpoint
 * reconciler writes both, the slice named plainly "kubernetes"; neither is mirrored).
 */
export function kubernetesEndpoints(apiserverIP: string): [Endpoints, EndpointSlice] {
  return [
    {
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: {
        name: 'kubernetes',
        namespace: 'default',
        labels: { 'endpointslice.kubernetes.io/skip-mirror': 'true' },
      },
      subsets: [{ addresses: [{ ip: apiserverIP }], ports: [{ name: 'https', port: 6443, protocol: 'TCP' }] }],
    },
    {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: { name: 'kubernetes', namespace: 'default', labels: { 'kubernetes.io/service-name': 'kubernetes' } },
      addressType: 'IPv4',
      endpoints: [{ addresses: [apiserverIP], conditions: { ready: true } }],
      ports: [{ name: 'https', port: 6443, protocol: 'TCP' }],
    },
  ];
}
