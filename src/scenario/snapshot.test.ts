// Snapshots of real clusters (scenarios/snapshots, written the way `kubectl get ... -A -o
// yaml` prints them) open as labs: settings inferred and reported, declared addresses honoured,
// and requests routed to the declared pods.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildLab } from '../sim/assembly/lab';
import { newTraceSession, parseConnect, parseSource, trace } from '../sim/trace/trace';
import { describeInference, loadScenarioFiles, loadScenarioText } from './index';

const DIR = join(__dirname, '../../scenarios/snapshots');

function open(file: string, edit: (text: string) => string = (t) => t) {
  const r = loadScenarioText(file, edit(readFileSync(join(DIR, file), 'utf8')));
  if (!r.ok) throw new Error(r.problems.map((p) => p.message).join('\n'));
  const s = r.scenario;
  const lab = buildLab({ settings: s.settings, objects: s.objects, clients: s.clients });
  const setting = (name: string) => r.inferred.find((i) => i.setting === name)?.value;
  return { r, s, lab, setting };
}

function run(lab: ReturnType<typeof buildLab>, from: string, url: string, connect?: string) {
  const f = parseSource(from);
  if ('error' in f) throw new Error(f.error);
  const c = connect ? parseConnect(connect) : undefined;
  if (c && 'error' in c) throw new Error(c.error);
  return trace(lab, { from: f, url, connect: c }, newTraceSession('snapshot'));
}

describe('a k3s snapshot (kind: List, no Namespace objects, 10.43.0.0/16 and 10.42.0.0/16)', () => {
  const k = open('k3s.yaml');

  it('infers and reports the service range, pod range, version, domain and Traefik, warns of the omitted namespace', () => {
    expect(k.s.settings.snapshot).toBe(true);
    expect(k.setting('serviceCIDR')).toBe('10.43.0.0/16');
    expect(k.setting('podCIDR')).toBe('10.42.0.0/16');
    expect(k.setting('kubernetesVersion')).toBe('1.30');
    expect(k.setting('clusterDomain')).toBe('cluster.local');
    expect(k.s.settings.ingress).toMatchObject([{ controller: 'traefik', className: 'traefik', namespace: 'kube-system', adopt: { ports: { http: 8000, https: 8443 } } }]);
    expect(k.r.inferred.map(describeInference).find((t) => t.includes('serviceCIDR'))).toContain('Service default/kubernetes');
    expect(k.r.problems).toContainEqual(expect.objectContaining({ severity: 'warning', message: expect.stringContaining('namespace "prod" is not in the snapshot') }));
    expect(k.lab.problems).toEqual([]);
  });

  it('keeps every declared pod, name, address and owner; adds none', () => {
    const pods = k.lab.cluster.pods.map((p) => `${p.metadata.namespace}/${p.metadata.name} ${p.status?.podIP}`).sort();
    expect(pods).toEqual([
      'kube-system/coredns-7b98449c4-x7mq2 10.42.0.3',
      'kube-system/traefik-d7c9c5778-9pbkq 10.42.0.5',
      'prod/debug 10.42.1.9',
      'prod/web-5f8d6c7b9d-2kx8v 10.42.0.8',
      'prod/web-5f8d6c7b9d-qt7jw 10.42.1.4',
    ]);
    expect(k.lab.cluster.replicaSets.map((r) => r.metadata.name).filter((n) => n.startsWith('web-'))).toEqual(['web-5f8d6c7b9d']);
    const svc = k.lab.cluster.services.find((s) => s.metadata.name === 'web-np')!;
    expect(svc.spec.clusterIP).toBe('10.43.201.33');
    expect(svc.spec.healthCheckNodePort).toBe(32012);
    expect(svc.status?.loadBalancer?.ingress?.[0]?.ip).toBe('192.168.1.200');
    expect(k.lab.cluster.endpointSlices.map((s) => s.metadata.name)).toEqual(expect.arrayContaining(['web-8mzq4', 'web-np-r2lfd']));
  });

  it('routes a pod to the Service by name, an outside client to the LoadBalancer, and Traefik to the backend', () => {
    const byName = run(k.lab, 'pod:prod/debug', 'http://web.prod/');
    expect(byName.status).toBe(200);
    expect(byName.service).toBe('prod/web');
    expect(byName.hops[0]!.after.dst).toBe('10.43.0.10');
    expect(['prod/web-5f8d6c7b9d-2kx8v', 'prod/web-5f8d6c7b9d-qt7jw']).toContain(byName.backendPod);

    const lb = run(k.lab, 'external:192.168.1.50', 'http://192.168.1.200/');
    expect(lb.status).toBe(200);
    expect(lb.service).toBe('prod/web-np');

    const ing = run(k.lab, 'external:192.168.1.50', 'http://web.example.com/', '192.168.1.11:80');
    expect(ing.status).toBe(200);
    expect(ing.services).toEqual(['kube-system/traefik', 'prod/web']);
    expect(ing.hops.some((h) => h.place.kind === 'controller' && h.place.pod === 'kube-system/traefik-d7c9c5778-9pbkq')).toBe(true);
  });

  it('keeps an EndpointSlice that disagrees with the pods, and says so', () => {
    const stale = open('k3s.yaml', (t) => t.replace(/- addresses:\n {4}- 10\.42\.1\.4\n(?=[\s\S]*name: web-8mzq4)/, '- addresses:\n    - 10.42.1.77\n'));
    const slice = stale.lab.cluster.endpointSlices.find((s) => s.metadata.name === 'web-8mzq4')!;
    expect(slice.endpoints.flatMap((e) => e.addresses)).toEqual(['10.42.0.8', '10.42.1.77']);
    const finding = stale.lab.events.find((e) => e.reason === 'SnapshotDiffers');
    expect(finding?.object).toEqual({ kind: 'Service', namespace: 'prod', name: 'web' });
    expect(finding?.message).toContain('10.42.1.77:80/TCP');
    expect(open('k3s.yaml').lab.events.some((e) => e.reason === 'SnapshotDiffers')).toBe(false);
  });
});

describe('a kubeadm snapshot with kube-proxy in IPVS mode', () => {
  const k = open('kubeadm-ipvs.yaml');

  it('reads mode, scheduler and clusterCIDR from the kube-proxy ConfigMap and the domain from the Corefile', () => {
    expect(k.s.settings.kubeProxy).toMatchObject({ mode: 'ipvs', clusterCIDR: '10.244.0.0/16', ipvs: { scheduler: 'wrr' } });
    expect(k.s.settings.serviceCIDR).toBe('10.96.0.0/12');
    expect(k.s.settings.clusterDomain).toBe('corp.internal');
    expect(k.r.inferred.find((i) => i.setting === 'kubeProxy.mode')?.basis).toEqual({ kind: 'kube-proxy-config', field: 'mode', raw: '"ipvs"' });
  });

  it('reaches the ready api pod through ingress-nginx on its declared NodePort', () => {
    const res = run(k.lab, 'external:10.0.0.99', 'http://shop.example.com/api/x', '10.0.0.22:31080');
    expect(res.status).toBe(200);
    expect(res.backendPod).toBe('shop/api-6c9f8d7b5-abcde');
    expect(res.hops.some((h) => h.refs.some((r) => r.artifact === 'node/worker-2/ipvsadm'))).toBe(true);
    const dns = run(k.lab, 'pod:shop/api-6c9f8d7b5-abcde', 'http://api.shop.svc.corp.internal:8080/');
    expect(dns.status).toBe(200);
  });
});

describe('a Calico snapshot: pod addresses from the CNI, not Node podCIDRs', () => {
  const k = open('calico.yaml');

  it('routes a pod address to the node that runs the pod', () => {
    expect(k.setting('podCIDR')).toBe('192.168.0.0/16');
    const res = run(k.lab, 'pod:demo/client', 'http://192.168.171.70/');
    expect(res.status).toBe(200);
    expect(res.backendPod).toBe('demo/echo-7c8d9f6b4-p2x4k');
    expect(res.hops.find((h) => h.action === 'route')?.explanation.params).toMatchObject({ from: 'node-b', to: 'node-a' });
  });

  it('keeps externalTrafficPolicy Local with its declared healthCheckNodePort and the client address', () => {
    const svc = k.lab.cluster.services.find((s) => s.metadata.name === 'echo')!;
    expect(svc.spec.healthCheckNodePort).toBe(31999);
    const res = run(k.lab, 'external:172.16.0.99', 'http://172.16.0.11:30808/');
    expect(res.backendPod).toBe('demo/echo-7c8d9f6b4-w9z7m');
    expect(res.backend?.sourceIP).toBe('172.16.0.99');
  });

  it('reaches a host-network pod through its Service at the node address', () => {
    const res = run(k.lab, 'pod:demo/client', 'http://10.98.5.5:9100/');
    expect(res.status).toBe(200);
    expect(res.backendPod).toBe('monitoring/node-exporter-x8t2q');
  });
});

describe('a 1.15-era snapshot: kube-dns, extensions/v1beta1, Endpoints without EndpointSlices', () => {
  const k = open('legacy-endpoints.yaml');

  it('reads the old API versions and kube-dns, warning about each conversion', () => {
    expect(k.setting('kubernetesVersion')).toBe('1.15');
    expect(k.setting('clusterDomain')).toBe('cluster.local');
    expect(k.r.problems.filter((p) => p.message.includes('served as extensions/v1beta1'))).toHaveLength(3);
    const declared = k.lab.cluster.pods.filter((p) => p.metadata.namespace !== 'ingress-nginx');
    expect(declared.map((p) => p.metadata.name).sort()).toEqual(['hello-5d8fd6c4c9-dk4sd', 'hello-5d8fd6c4c9-x8kqg', 'kube-dns-86f4d74b45-zx2lq']);
  });

  it('installs ingress-nginx for the class its Ingress names by annotation, and says so', () => {
    // The snapshot has no IngressClass (1.15 had none) and no controller pod: the lab installs one.
    expect(k.s.settings.ingress).toMatchObject([{ controller: 'nginx', className: 'nginx', namespace: 'ingress-nginx' }]);
    const i = k.r.inferred.find((x) => x.setting === 'ingress')!;
    expect(i.basis).toEqual({
      kind: 'ingress-named-class', className: 'nginx', ingress: 'default/hello', controller: 'ingress-nginx', namespace: 'ingress-nginx',
    });
    expect(describeInference(i)).toContain('Ingress default/hello names class nginx, which no IngressClass');
    const res = run(k.lab, 'external:192.168.99.1', 'http://hello.info/', 'ingress');
    expect(res.status).toBe(200);
    expect(['default/hello-5d8fd6c4c9-dk4sd', 'default/hello-5d8fd6c4c9-x8kqg']).toContain(res.backendPod);
  });

  it('routes the NodePort to the addresses its Endpoints declare, and resolves names through kube-dns', () => {
    const res = run(k.lab, 'external:192.168.99.1', 'http://192.168.99.100:31500/');
    expect(res.status).toBe(200);
    expect(['default/hello-5d8fd6c4c9-dk4sd', 'default/hello-5d8fd6c4c9-x8kqg']).toContain(res.backendPod);
    const dns = run(k.lab, 'pod:default/hello-5d8fd6c4c9-dk4sd', 'http://hello.default.svc.cluster.local:8080/');
    expect(dns.status).toBe(200);
    expect(dns.hops[0]!.after.dst).toBe('10.96.0.10');
  });
});

describe('a snapshot of a cluster with a wider node port range', () => {
  it('widens nodePortRange to the declared ports and keeps them', () => {
    const k = open('k3s.yaml', (t) => t.replace('nodePort: 30080', 'nodePort: 8080'));
    expect(k.setting('nodePortRange')).toBe('8080-32767');
    expect(k.lab.problems).toEqual([]);
    expect(k.lab.cluster.services.find((s) => s.metadata.name === 'web-np')!.spec.ports![0]!.nodePort).toBe(8080);
  });
});

describe('what is not a snapshot', () => {
  it('plain manifests keep the lab defaults and infer nothing', () => {
    const r = loadScenarioText('web.yaml', 'apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {ports: [{port: 80}]}\n');
    expect(r.ok && r.inferred).toEqual([]);
    expect(r.ok && r.scenario.settings.snapshot).toBeUndefined();
  });

  it('an Ingress naming class nginx or traefik that no IngressClass declares gets that controller, reported', () => {
    const ingress = (name: string, cls: string) => `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: ${name}, annotations: {kubernetes.io/ingress.class: ${cls}}}
spec: {rules: [{host: ${name}.example.com, http: {paths: [{path: /, pathType: Prefix,
  backend: {service: {name: web, port: {number: 80}}}}]}}]}
`;
    const r = loadScenarioText('app.yaml', [ingress('a', 'nginx'), ingress('b', 'traefik'), ingress('c', 'other')].join('---\n'));
    if (!r.ok) throw new Error('not loaded');
    expect(r.scenario.settings.snapshot).toBeUndefined();
    expect(r.scenario.settings.ingress).toMatchObject([
      { controller: 'nginx', className: 'nginx', namespace: 'ingress-nginx' },
      { controller: 'traefik', className: 'traefik', namespace: 'traefik' },
    ]);
    expect(r.inferred.map((i) => i.basis)).toEqual([
      { kind: 'ingress-named-class', className: 'nginx', ingress: 'default/a', controller: 'ingress-nginx', namespace: 'ingress-nginx' },
      { kind: 'ingress-named-class', className: 'traefik', ingress: 'default/b', controller: 'Traefik', namespace: 'traefik' },
    ]);
  });

  it('warns at an Ingress with no class when no class is the default, and only then', () => {
    const ing = 'apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: web}\n' +
      'spec: {defaultBackend: {service: {name: web, port: {number: 80}}}}\n';
    const alone = loadScenarioText('a.yaml', ing);
    expect(alone.problems.map((p) => [p.line, p.path, p.note?.key])).toEqual([[3, '/metadata/name', 'problem.ingressNoClass']]);
    const cls = 'apiVersion: networking.k8s.io/v1\nkind: IngressClass\nmetadata: {name: nginx, annotations: ' +
      '{ingressclass.kubernetes.io/is-default-class: "true"}}\nspec: {controller: k8s.io/ingress-nginx}\n';
    expect(loadScenarioText('b.yaml', `${ing}---\n${cls}`).problems).toEqual([]);
  });

  it('leaves ingress alone when the files set it, or declare the IngressClass themselves', () => {
    const ing = 'apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: a}\nspec: {ingressClassName: nginx}\n';
    const scenario = JSON.stringify({
      format: 'netlab.scenario', version: 1, settings: { ingress: [] },
      objects: [{ apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'a' }, spec: { ingressClassName: 'nginx' } }],
    });
    const set = loadScenarioText('s.json', scenario);
    expect(set.ok && set.inferred).toEqual([]);
    expect(set.ok && set.scenario.settings.ingress).toEqual([]);
    const cls = 'apiVersion: networking.k8s.io/v1\nkind: IngressClass\nmetadata: {name: nginx}\nspec: {controller: k8s.io/ingress-nginx}\n';
    const declared = loadScenarioText('d.yaml', `${ing}---\n${cls}`);
    expect(declared.ok && declared.inferred).toEqual([]);
  });

  it('an extensions/v1beta1 Ingress written by hand is refused as today\'s apiserver refuses it', () => {
    const r = loadScenarioText('old.yaml', 'apiVersion: extensions/v1beta1\nkind: Ingress\nmetadata: {name: web}\nspec: {}\n');
    expect(r.problems.some((p) => p.kind === 'unknown-kind')).toBe(true);
  });
});

describe('a snapshot opened with other files', () => {
  it('credits its warnings to its own file and line, not to the first file', () => {
    const other = { name: 'other.yaml', text: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n' };
    const snapshot = { name: 'k3s.yaml', text: readFileSync(join(DIR, 'k3s.yaml'), 'utf8') };
    const r = loadScenarioFiles([other, snapshot]);
    const warning = r.problems.find((p) => p.message.includes('namespace "prod" is not in the snapshot'));
    expect(warning).toMatchObject({ file: 'k3s.yaml', line: expect.any(Number) });
  });
});
