import { describe, expect, it } from 'vitest';
import type { Deployment, EndpointSlice, Ingress, KubeObject, OtherObject, PodSpec, Service } from '../api/types';
import { classroomObjects, classroomSettings } from '../trace/classroom';
import { defaultIngressAddon, type IngressAddon } from '../lab';
import { newTraceSession, trace, type TraceRequest } from '../trace/trace';
import { buildLab } from './lab';

// Where `--connect ingress` connects is read from what the EndpointSlice controller wrote: the
// Service whose slices list the controller pods. The client's first hop points at those lines.

function lab(topology: IngressAddon['topology']) {
  const addon: IngressAddon = { ...defaultIngressAddon('nginx'), isDefaultClass: true, topology, replicas: 2 };
  const settings = { ...classroomSettings('iptables'), ingress: [addon], loadBalancerPool: ['192.168.49.240'] };
  const l = buildLab({ settings, objects: classroomObjects({ deployments: 1, replicas: 1 }) });
  expect(l.problems).toEqual([]);
  return l;
}

const fromOutside: TraceRequest = {
  from: { kind: 'external' },
  url: 'http://app.example.com/',
  connect: { kind: 'ingress' },
};
const fromPod: TraceRequest = { ...fromOutside, from: { kind: 'pod', pod: 'default/client' } };

const controllerSlices = (l: ReturnType<typeof lab>): EndpointSlice[] =>
  l.cluster.endpointSlices.filter(
    (s) => s.metadata.labels?.['kubernetes.io/service-name'] === 'ingress-nginx-controller',
  );

describe('the ingress entry, read from the controller Service\'s EndpointSlices', () => {
  it.each(['nodeport', 'loadbalancer'] as const)('%s: the first hop points at each controller pod\'s endpoint', (t) => {
    const l = lab(t);
    const res = trace(l, fromOutside, newTraceSession('entry'));
    const first = res.hops[0]!;
    expect(first.action).toBe('send');
    const id = 'endpointslices/ingress-nginx/ingress-nginx-controller';
    const lines = l.artifacts[id]!.lines;
    // One ref per controller pod, each the first line of its endpoint in the artifact the viewer opens.
    const pods = l.ingress[0]!.pods;
    expect(pods).toHaveLength(2);
    expect(first.refs).toHaveLength(2);
    for (const r of first.refs) {
      expect(r.artifact).toBe(id);
      expect(lines[r.lineIndex]?.text).toBe(r.line);
      expect(lines[r.lineIndex]?.ref).toBe(r.ref);
    }
    const listed = controllerSlices(l).flatMap((s) => s.endpoints.map((e) => `ingress-nginx/${e.targetRef?.name}`));
    expect(listed.sort()).toEqual([...pods].sort());
    // Where it connected is that Service's address: its load-balancer IP, or a node's NodePort.
    const svc = l.cluster.services.find((s) => s.metadata.name === 'ingress-nginx-controller')!;
    const lbIP = svc.status?.loadBalancer?.ingress?.[0]?.ip;
    const http = svc.spec.ports!.find((p) => p.name === 'http')!;
    expect(first.before.dstPort).toBe(t === 'loadbalancer' ? 80 : http.nodePort);
    if (t === 'loadbalancer') expect(first.before.dst).toBe('192.168.49.240');
    else expect(lbIP).toBeUndefined();
  });

  it('a pod connecting to the entry: its send hop carries the same lines', () => {
    const l = lab('nodeport');
    const outside = trace(l, fromOutside, newTraceSession('entry')).hops[0]!;
    const res = trace(l, fromPod, newTraceSession('entry'));
    expect(res.hops[0]).toMatchObject({ action: 'send', explanation: { key: 'hop.send.pod' } });
    expect(res.hops[0]!.refs).toEqual(outside.refs);
  });

  it('a DaemonSet on hostPort has no Service in front: the entry is a pod\'s node, with no slice line', () => {
    const l = lab('daemonset-hostport');
    expect(controllerSlices(l)).toEqual([]);
    const entry = l.ingress[0]!.entry.http!;
    expect(entry.refs).toBeUndefined();
    const res = trace(l, fromOutside, newTraceSession('entry'));
    expect(res.hops[0]).toMatchObject({ action: 'send', refs: [] });
    expect(res.hops[0]!.before.dstPort).toBe(80);
  });

  it('a controller scaled to 0: its Service keeps its NodePort, where kube-proxy rejects (no endpoints)', () => {
    // A real client still reaches the Service's NodePort; kube-proxy's filter KUBE-EXTERNAL-SERVICES
    // REJECTs it ("has no endpoints", SEMANTICS.md 2.6). The entry is the controller's own Service.
    const addon: IngressAddon = { ...defaultIngressAddon('nginx'), isDefaultClass: true, replicas: 0 };
    const settings = { ...classroomSettings('iptables'), ingress: [addon] };
    const l = buildLab({ settings, objects: classroomObjects({ deployments: 1, replicas: 1 }) });
    expect(l.ingress[0]!.pods).toEqual([]);
    const svc = l.cluster.services.find((s) => s.metadata.name === 'ingress-nginx-controller')!;
    const http = svc.spec.ports!.find((p) => p.name === 'http')!;
    expect(l.ingress[0]!.entry.http).toMatchObject({ port: http.nodePort });
    const res = trace(l, fromOutside, newTraceSession('entry'));
    expect(res.outcome).toBe('refused');
    expect(res.fault).toMatchObject({ kind: 'Service', namespace: 'ingress-nginx', name: 'ingress-nginx-controller' });
    // The first hop and the fault point at the slice's `endpoints: null`.
    const id = 'endpointslices/ingress-nginx/ingress-nginx-controller';
    expect(res.hops[0]!.refs.map((r) => [r.artifact, r.line])).toEqual([[id, '  endpoints: null']]);
    expect(res.fault!.refs).toEqual(res.hops[0]!.refs);
  });
});

// An adopted controller (what a k3s snapshot carries: Traefik in kube-system behind its LoadBalancer
// Service `traefik`, pods labelled app.kubernetes.io/instance=traefik-kube-system, on 8000/8443). Its
// pods lack the labels the lab's own Traefik install would give them; the controller's pods are the
// ones its Service's EndpointSlices list, and its entry is that Service's address.

const K3S_LABELS = { 'app.kubernetes.io/name': 'traefik', 'app.kubernetes.io/instance': 'traefik-kube-system' };

function k3sObjects(traefikSpec: Partial<PodSpec> = {}): (KubeObject | OtherObject)[] {
  const node = (name: string, address: string) =>
    ({ apiVersion: 'v1', kind: 'Node', metadata: { name }, status: { addresses: [{ type: 'InternalIP', address }] } });
  const deployment = (namespace: string, name: string, labels: Record<string, string>, spec: PodSpec): Deployment => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace, labels },
    spec: { replicas: 1, selector: { matchLabels: labels }, template: { metadata: { labels }, spec } },
  });
  const traefikPorts = [{ name: 'web', containerPort: 8000 }, { name: 'websecure', containerPort: 8443 }];
  const image = 'rancher/mirrored-library-traefik:2.11.10';
  const traefik: PodSpec = { containers: [{ name: 'traefik', image, ports: traefikPorts }], ...traefikSpec };
  const webPorts = [{ name: 'http', containerPort: 80 }];
  const web: PodSpec = { containers: [{ name: 'nginx', image: 'nginx:1.27', ports: webPorts }] };
  const svc = (namespace: string, name: string, spec: Service['spec']): Service =>
    ({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace }, spec });
  const ingress: Ingress = {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name: 'web', namespace: 'prod' },
    spec: {
      ingressClassName: 'traefik',
      rules: [{ host: 'web.example.com', http: { paths: [{ path: '/', pathType: 'Prefix',
        backend: { service: { name: 'web', port: { number: 80 } } } }] } }],
    },
  };
  return [
    node('k3s-server', '192.168.1.10'),
    node('k3s-agent', '192.168.1.11'),
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'prod' } },
    { apiVersion: 'networking.k8s.io/v1', kind: 'IngressClass', metadata: { name: 'traefik' },
      spec: { controller: 'traefik.io/ingress-controller' } },
    deployment('kube-system', 'traefik', K3S_LABELS, traefik),
    svc('kube-system', 'traefik', {
      type: 'LoadBalancer',
      selector: K3S_LABELS,
      ports: [
        { name: 'web', port: 80, targetPort: 'web', protocol: 'TCP' },
        { name: 'websecure', port: 443, targetPort: 'websecure', protocol: 'TCP' },
      ],
    }),
    deployment('prod', 'web', { app: 'web' }, web),
    svc('prod', 'web', { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] }),
    ingress,
  ] as (KubeObject | OtherObject)[];
}

function k3sLab(traefikSpec: Partial<PodSpec> = {}) {
  const adopted: IngressAddon = {
    ...defaultIngressAddon('traefik'),
    namespace: 'kube-system',
    topology: 'loadbalancer',
    isDefaultClass: true,
    adopt: { podSelector: K3S_LABELS, ports: { http: 8000, https: 8443 } },
  };
  const settings = { ...classroomSettings('iptables'), ingress: [adopted], loadBalancerPool: ['192.168.1.200'] };
  const l = buildLab({ settings, objects: k3sObjects(traefikSpec) });
  expect(l.problems).toEqual([]);
  return l;
}

const toWeb: TraceRequest = { ...fromOutside, url: 'http://web.example.com/' };

describe('an adopted controller: its pods are the ones its Service\'s EndpointSlices list', () => {
  it('k3s\'s Traefik: pods without the addon\'s labels, found through Service kube-system/traefik', () => {
    const l = k3sLab();
    const traefik = l.cluster.pods.filter((p) => p.metadata.labels?.['app.kubernetes.io/name'] === 'traefik');
    expect(traefik).toHaveLength(1);
    // The lab's own Traefik install labels its pods app.kubernetes.io/instance=<class>; these are k3s's.
    const labels = traefik[0]!.metadata.labels ?? {};
    expect(labels['app.kubernetes.io/instance']).toBe('traefik-kube-system');
    const pod = `kube-system/${traefik[0]!.metadata.name}`;
    expect(l.ingress[0]!.pods).toEqual([pod]);
    const service = (s: EndpointSlice) => s.metadata.labels?.['kubernetes.io/service-name'];
    const slices = l.cluster.endpointSlices.filter((s) => service(s) === 'traefik');
    expect(slices.flatMap((s) => s.endpoints.map((e) => `kube-system/${e.targetRef?.name}`))).toEqual([pod]);
    // The entry is the Service's load-balancer address, the first hop the pod's endpoint line.
    expect(l.ingress[0]!.entry.http).toMatchObject({ ip: '192.168.1.200', port: 80 });
    const res = trace(l, toWeb, newTraceSession('k3s'));
    expect(res).toMatchObject({ outcome: 'response', status: 200, service: 'prod/web' });
    expect(res.backendPod).toMatch(/^prod\/web-/);
    const id = 'endpointslices/kube-system/traefik';
    expect(res.hops[0]!.refs.map((r) => r.artifact)).toEqual([id]);
    expect(l.artifacts[id]!.lines[res.hops[0]!.refs[0]!.lineIndex]!.text.trim()).toBe('- addresses:');
    // The controller's hop is Traefik's, on the pod the Service's slices list.
    const ctrl = res.hops.find((h) => h.place.kind === 'controller');
    expect(ctrl?.place).toMatchObject({ pod });
  });

  it('k3s\'s Traefik unschedulable: the LB address, kube-proxy\'s REJECT, the fault on Service traefik', () => {
    const l = k3sLab({ nodeSelector: { 'node-role.kubernetes.io/ingress': 'true' } });
    expect(l.ingress[0]!.pods).toEqual([]);
    expect(l.ingress[0]!.entry.http).toMatchObject({ ip: '192.168.1.200', port: 80 });
    const res = trace(l, toWeb, newTraceSession('k3s'));
    expect(res).toMatchObject({ outcome: 'refused', service: 'kube-system/traefik' });
    expect(res.hops.map((h) => h.action)).toEqual(['send', 'balance', 'route', 'reject']);
    expect(res.hops.at(-1)!.refs.at(-1)!.line).toBe(
      '-A KUBE-EXTERNAL-SERVICES -m comment --comment "kube-system/traefik:web has no endpoints"' +
        ' -m tcp -p tcp -d 192.168.1.200 --dport 80 -j REJECT',
    );
    expect(res.fault).toMatchObject({ kind: 'Service', namespace: 'kube-system', name: 'traefik' });
    expect(res.fault!.refs!.map((r) => [r.artifact, r.line.trim()])).toEqual([
      ['endpointslices/kube-system/traefik', 'endpoints: null'],
    ]);
  });
});
