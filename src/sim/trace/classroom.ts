// A classroom-sized scenario for batch runs and benchmarks: 3 nodes, 10 Deployments of 3 replicas,
// each behind a ClusterIP Service, and one client pod. Built from plain objects so any proxy mode
// or Service setting can be flipped on it.

import type { Deployment, KubeObject, OtherObject, Pod, Service } from '../api/types';
import { defaultLabSettings, type LabSettings, type ProxyMode } from '../lab';

function node(name: string, ip: string): OtherObject {
  const status = { addresses: [{ type: 'InternalIP', address: ip }] };
  return { apiVersion: 'v1', kind: 'Node', metadata: { name }, status } as OtherObject;
}

export function classroomObjects(opts: { deployments?: number; replicas?: number } = {}): (KubeObject | OtherObject)[] {
  const deployments = opts.deployments ?? 10;
  const replicas = opts.replicas ?? 3;
  const out: (KubeObject | OtherObject)[] = [
    node('node-1', '192.168.49.2'),
    node('node-2', '192.168.49.3'),
    node('node-3', '192.168.49.4'),
  ];
  for (let i = 0; i < deployments; i++) {
    const name = `app-${i}`;
    const d: Deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name, namespace: 'default' },
      spec: {
        replicas,
        selector: { matchLabels: { app: name } },
        template: {
          metadata: { labels: { app: name } },
          spec: { containers: [{ name: 'app', image: 'nginx', ports: [{ name: 'http', containerPort: 80 }] }] },
        },
      },
    };
    const s: Service = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name, namespace: 'default' },
      spec: { selector: { app: name }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] },
    };
    out.push(d, s);
  }
  const client: Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'client', namespace: 'default', labels: { app: 'client' } },
    spec: { nodeName: 'node-1', containers: [{ name: 'c', image: 'curl' }] },
  };
  out.push(client);
  return out;
}

export function classroomSettings(mode: ProxyMode = 'iptables'): LabSettings {
  const s = defaultLabSettings();
  return { ...s, kubeProxy: { ...s.kubeProxy, mode } };
}
