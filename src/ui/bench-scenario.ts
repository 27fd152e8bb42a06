// Test builds only (`?bench=pods:1000`, see main.tsx): a generated scenario of one Deployment with
// that many pods spread over nodes of 100 pods each, behind a NodePort Service, with a saved
// request from an external client, so bench/ui.bench.ts can time the canvas at scale.

export const BENCH_REQUEST_ID = 'bench-nodeport';

/** Parses "pods:<n>" (1..5000), or null. */
export function benchPods(param: string | null): number | null {
  const m = /^pods:(\d+)$/.exec(param ?? '');
  const n = m ? Number(m[1]) : NaN;
  return Number.isInteger(n) && n >= 1 && n <= 5000 ? n : null;
}

export function benchScenarioText(pods: number): string {
  const nodes = Math.max(1, Math.ceil(pods / 100));
  const labels = { app: 'bench' };
  const objects = [
    ...Array.from({ length: nodes }, (_, i) => ({ apiVersion: 'v1', kind: 'Node', metadata: { name: `node-${i + 1}` } })),
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'bench', namespace: 'default', labels },
      spec: { replicas: pods, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name: 'nginx', image: 'nginx:1.27', ports: [{ name: 'http', containerPort: 80 }] }] } } },
    },
    { apiVersion: 'v1', kind: 'Service', metadata: { name: 'bench', namespace: 'default' }, spec: { type: 'NodePort', selector: labels, ports: [{ name: 'http', port: 80, targetPort: 'http', nodePort: 30080 }] } },
  ];
  return JSON.stringify({
    format: 'netlab.scenario',
    version: 1,
    meta: { title: `Bench: ${pods} pods on ${nodes} nodes` },
    settings: { kubeProxy: { mode: 'iptables' }, seed: 'bench' },
    objects,
    clients: [{ name: 'laptop', address: '192.168.49.100' }],
    requests: [{ id: BENCH_REQUEST_ID, title: 'NodePort on node-1', from: 'external:laptop', url: 'http://192.168.49.2:30080/' }],
  });
}
