import { describe, expect, it } from 'vitest';
import { applyChange, reconcile, resync, type Change, type ReconcileState } from './reconcile';
import { podListeningPorts } from './podstate';
import { podTemplateHash } from './deployment';
import { defaultLabSettings, type LabSettings } from '../lab';
import type { AnyObject } from '../api/store';
import type { Cluster } from '../cluster';
import type { Deployment, Pod, Service } from '../api/types';
import { SeededRandom } from '../net/rand';

const settings = (over: Partial<LabSettings> = {}): LabSettings => ({ ...defaultLabSettings(), ...over });

function deployment(
  name: string,
  replicas: number,
  extra: {
    labels?: Record<string, string>;
    ports?: { name?: string; containerPort: number }[];
    nodeSelector?: Record<string, string>;
  } = {},
): Deployment {
  const labels = extra.labels ?? { app: name };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name },
    spec: {
      replicas,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          containers: [{ name: 'app', image: 'nginx', ports: extra.ports ?? [{ containerPort: 80 }] }],
          ...(extra.nodeSelector ? { nodeSelector: extra.nodeSelector } : {}),
        },
      },
    },
  };
}

function service(name: string, spec: Service['spec']): Service {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name }, spec };
}

function pod(
  name: string,
  labels: Record<string, string>,
  extra: Partial<Pod['spec']> = {},
  meta: Partial<Pod['metadata']> = {},
): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels, ...meta },
    spec: { containers: [{ name: 'app', ports: [{ name: 'http', containerPort: 8080 }] }], ...extra },
  };
}

const web = (c: Cluster) => c.pods.filter((p) => p.metadata.labels?.['app'] === 'web').map(
  (p) => [p.metadata.name, p.spec.nodeName, p.status?.podIP],
);

describe('Deployment -> ReplicaSet -> Pods', () => {
  const objects = [deployment('web', 3)];

  it('is deterministic for one seed and names pods like Kubernetes', () => {
    const a = reconcile({ settings: settings(), objects }).cluster;
    const b = reconcile({ settings: settings(), objects }).cluster;
    expect(web(a)).toEqual(web(b));
    const hash = podTemplateHash(a.deployments.find((d) => d.metadata.name === 'web')!.spec.template);
    expect(hash).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]{1,10}$/);
    expect(a.replicaSets.map((r) => r.metadata.name)).toContain(`web-${hash}`);
    for (const [name] of web(a)) expect(name).toMatch(new RegExp(`^web-${hash}-[bcdfghjklmnpqrstvwxz2456789]{5}$`));
    // Spread over both default nodes, least-loaded first; IPs host-local style from .2 of each podCIDR.
    expect(web(a).map((r) => r[1]).sort()).toEqual(['node-1', 'node-1', 'node-2']);
    for (const [, node, ip] of web(a)) expect(ip).toMatch(
      node === 'node-1' ? /^10\.244\.0\.\d+$/ : /^10\.244\.1\.\d+$/,
    );
  });

  it('gives other names with another seed', () => {
    const a = reconcile({ settings: settings(), objects }).cluster;
    const b = reconcile({ settings: settings({ seed: 'other' }), objects }).cluster;
    expect(web(a).map((r) => r[0])).not.toEqual(web(b).map((r) => r[0]));
  });

  it('records the events kubectl shows', () => {
    const c = reconcile({ settings: settings(), objects }).cluster;
    const rs = c.replicaSets.find((r) => r.metadata.name.startsWith('web-'))!.metadata.name;
    const msgs = c.events.map((e) => `${e.reason}: ${e.message}`);
    expect(msgs).toContain(`ScalingReplicaSet: Scaled up replica set ${rs} from 0 to 3`);
    expect(msgs.filter((m) => m.startsWith(`SuccessfulCreate: Created pod: ${rs}-`))).toHaveLength(3);
    expect(msgs.some((m) => /^Scheduled: Successfully assigned default\/web-\S+ to node-[12]$/.test(m))).toBe(true);
  });

  it('leaves unschedulable pods Pending with kube-scheduler\'s message', () => {
    const c = reconcile(
      { settings: settings(), objects: [deployment('gpu', 1, { nodeSelector: { gpu: 'true' } })] },
    ).cluster;
    const p = c.pods.find((x) => x.metadata.labels?.['app'] === 'gpu')!;
    expect(p.status?.phase).toBe('Pending');
    expect(p.status?.podIP).toBeUndefined();
    const ev = c.events.find((e) => e.reason === 'FailedScheduling')!;
    expect(ev.type).toBe('Warning');
    expect(ev.message).toMatch(/^0\/2 nodes are available: 2 node\(s\) didn't match Pod's node affinity\/selector\./);
  });

  it('fills a node up to its allocatable pods (110 unless it says), then leaves pods Pending: Too many pods', () => {
    const small = (name: string, pods?: string): AnyObject => ({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name },
      ...(pods ? { status: { allocatable: { pods } } } : {}),
    });
    // One node of the kubelet's default and one that takes 3 (a cloud node limited by its interfaces).
    const objects = [small('node-1'), small('node-2', '3'), deployment('web', 120)];
    let st = reconcile({ settings: settings(), objects }).state;
    const on = (n: string) => st.cluster.pods.filter((p) => p.spec.nodeName === n).length;
    // CoreDNS's two pods count as well: 122 pods in all.
    const pending = () => st.cluster.pods.filter((p) => !p.spec.nodeName);
    expect([on('node-1'), on('node-2')]).toEqual([110, 3]);
    expect(pending()).toHaveLength(9);
    expect(pending()[0]!.status?.phase).toBe('Pending');
    const ev = st.cluster.events.filter((e) => e.reason === 'FailedScheduling').at(-1)!;
    expect(ev.message).toBe(
      '0/2 nodes are available: 2 Too many pods. ' +
        'preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod.',
    );
    // Room made on a node (a pod deleted, its replacement waiting too) is taken by a waiting pod.
    const running = st.cluster.pods.find((p) => p.spec.nodeName === 'node-2')!;
    st = applyChange(st, { kind: 'delete', ref: { kind: 'Pod', namespace: 'default', name: running.metadata.name } });
    expect(on('node-2')).toBe(3);
    expect(pending()).toHaveLength(9);
    // Scaled down to what fits: the waiting CoreDNS pods take the room the deleted ones leave.
    st = applyChange(st, { kind: 'apply', object: deployment('web', 110) });
    expect(pending()).toEqual([]);
    expect(on('node-1') + on('node-2')).toBe(112);
    expect(on('node-2')).toBe(3);
    expect(normalise(st.cluster)).toEqual(normalise(resync(st).cluster));
  });

  it('schedules a waiting pod when another workload\'s pod leaves a full node', () => {
    // One node of 3 pods: CoreDNS's two and api's one fill it (created first: names in order), so
    // web's pod waits.
    const node = {
      apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-1' }, status: { allocatable: { pods: '3' } },
    };
    const objects = [node as AnyObject, deployment('api', 1), deployment('web', 1)];
    let st = reconcile({ settings: settings(), objects }).state;
    const web = () => st.cluster.pods.find((p) => p.metadata.labels?.['app'] === 'web')!;
    expect(web().spec.nodeName).toBeUndefined();
    st = applyChange(st, { kind: 'apply', object: deployment('api', 0) });
    expect(web().spec.nodeName).toBe('node-1');
    expect(web().status?.phase).toBe('Running');
    expect(normalise(st.cluster)).toEqual(normalise(resync(st).cluster));
  });

  it('counts each filter\'s nodes in the FailedScheduling message, in kube-scheduler\'s order', () => {
    const objects = [
      { apiVersion: 'v1', kind: 'Node', metadata: { name: 'a' }, spec: { unschedulable: true } },
      { apiVersion: 'v1', kind: 'Node', metadata: { name: 'b' }, status: { allocatable: { pods: '0' } } },
      { apiVersion: 'v1', kind: 'Node', metadata: { name: 'c' }, status: { allocatable: { pods: 0 } } },
      deployment('web', 1),
    ] as AnyObject[];
    const c = reconcile({ settings: settings(), objects }).cluster;
    expect(c.events.find((e) => e.reason === 'FailedScheduling')?.message).toBe(
      '0/3 nodes are available: 1 node(s) were unschedulable, 2 Too many pods. ' +
        'preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, ' +
        '2 No preemption victims found for incoming pod.',
    );
  });

  it('runs a DaemonSet pod on every node', () => {
    const ds = {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: 'agent' },
      spec: {
        selector: { matchLabels: { app: 'agent' } },
        template: { metadata: { labels: { app: 'agent' } }, spec: { containers: [{ name: 'a' }] } },
      },
    } as AnyObject;
    const c = reconcile({ settings: settings(), objects: [ds] }).cluster;
    expect(
      c.pods.filter((p) => p.metadata.labels?.['app'] === 'agent').map((p) => p.spec.nodeName).sort(),
    ).toEqual(['node-1', 'node-2']);
  });
  it('writes the DaemonSet\'s status from the pods it placed (updateDaemonSetStatus\'s counts)', () => {
    const ds = (name: string, annotations: Record<string, string>) => ({
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name },
      spec: {
        selector: { matchLabels: { app: name } },
        template: { metadata: { labels: { app: name }, annotations }, spec: { containers: [{ name: 'a' }] } },
      },
    }) as AnyObject;
    const objects = [ds('agent', {}), ds('stuck', { 'netlab.io/ready': 'false' })];
    const c = reconcile({ settings: settings(), objects }).cluster;
    const status = (name: string) => c.daemonSets.find((d) => d.metadata.name === name)?.['status'];
    expect(status('agent')).toEqual({
      currentNumberScheduled: 2, numberMisscheduled: 0, desiredNumberScheduled: 2, numberReady: 2,
      observedGeneration: 1, updatedNumberScheduled: 2, numberAvailable: 2,
    });
    expect(status('stuck')).toMatchObject({ currentNumberScheduled: 2, numberReady: 0, numberUnavailable: 2 });
  });
  it('gives DaemonSet pods the template\'s annotations, as it gives them its labels', () => {
    const ds = {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: 'agent' },
      spec: {
        selector: { matchLabels: { app: 'agent' } },
        template: {
          metadata: { labels: { app: 'agent' }, annotations: { 'netlab.io/ready': 'false' } },
          spec: { containers: [{ name: 'a' }] },
        },
      },
    } as AnyObject;
    const c = reconcile({ settings: settings(), objects: [ds] }).cluster;
    const pods = c.pods.filter((p) => p.metadata.labels?.['app'] === 'agent');
    expect(pods).toHaveLength(2);
    for (const p of pods) expect(p.metadata.annotations).toEqual({ 'netlab.io/ready': 'false' });
  });
});

describe('built-ins and allocation', () => {
  it('creates kubeadm\'s objects: kubernetes on .1, kube-dns on .10 with CoreDNS behind it', () => {
    const c = reconcile({ settings: settings(), objects: [] }).cluster;
    expect(c.namespaces.map((n) => n.metadata.name).sort()).toEqual(
      ['default', 'kube-node-lease', 'kube-public', 'kube-system'],
    );
    const k = c.services.find((s) => s.metadata.name === 'kubernetes')!;
    expect(k.spec.clusterIP).toBe('10.96.0.1');
    expect(
      c.endpoints.find((e) => e.metadata.name === 'kubernetes')!.subsets![0]!.addresses![0]!.ip,
    ).toBe('192.168.49.2');
    const dns = c.services.find((s) => s.metadata.name === 'kube-dns')!;
    expect(dns.spec.clusterIP).toBe('10.96.0.10');
    expect(
      dns.spec.ports!.map((p) => `${p.name} ${p.port}/${p.protocol}`),
    ).toEqual(['dns 53/UDP', 'dns-tcp 53/TCP', 'metrics 9153/TCP']);
    const slice = c.endpointSlices.find((s) => s.metadata.labels?.['kubernetes.io/service-name'] === 'kube-dns')!;
    expect(slice.endpoints).toHaveLength(2);
    expect(slice.metadata.name).toMatch(/^kube-dns-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  });

  it('omits built-ins on request', () => {
    const c = reconcile({ settings: settings(), objects: [] }, { builtins: false }).cluster;
    expect(c.services).toHaveLength(0);
    expect(c.nodes.map((n) => n.metadata.name)).toEqual(['node-1', 'node-2']);
  });

  it('allocates dynamic ClusterIPs above the static band and honours explicit ones', () => {
    const objects = [
      service('a', { ports: [{ port: 80 }] }),
      service('b', { clusterIP: '10.96.0.20', ports: [{ port: 80 }] }),
    ];
    const c = reconcile({ settings: settings(), objects }).cluster;
    const a = c.services.find((s) => s.metadata.name === 'a')!.spec.clusterIP!;
    const [, , x, y] = a.split('.').map(Number);
    expect(x! * 256 + y! - 1).toBeGreaterThanOrEqual(256); // past the 256-address static band of a /12
    expect(c.services.find((s) => s.metadata.name === 'b')!.spec.clusterIP).toBe('10.96.0.20');
  });

  it('honours explicit nodePorts and allocates the rest in range; healthCheckNodePort for eTP=Local LB', () => {
    const objects = [
      service('np', { type: 'NodePort', selector: { app: 'x' }, ports: [{ port: 80, nodePort: 30080 }] }),
      service(
        'lb',
        { type: 'LoadBalancer', externalTrafficPolicy: 'Local', selector: { app: 'x' }, ports: [{ port: 80 }] },
      ),
    ];
    const c = reconcile({ settings: settings(), objects }).cluster;
    expect(c.services.find((s) => s.metadata.name === 'np')!.spec.ports![0]!.nodePort).toBe(30080);
    const lb = c.services.find((s) => s.metadata.name === 'lb')!;
    expect(lb.spec.ports![0]!.nodePort).toBeGreaterThanOrEqual(30000);
    expect(lb.spec.healthCheckNodePort).toBeGreaterThanOrEqual(30000);
    expect(lb.spec.healthCheckNodePort).not.toBe(lb.spec.ports![0]!.nodePort);
  });

  it('keeps a Service\'s node ports held while an update chooses new ones, then frees those it dropped', () => {
    const np = (ports: NonNullable<Service['spec']['ports']>) =>
      service('np', { type: 'NodePort', selector: { app: 'x' }, ports });
    let st = reconcile({ settings: settings(), objects: [np([{ name: 'http', port: 80 }])] }).state;
    const ports = () => st.cluster.services.find((s) => s.metadata.name === 'np')!.spec.ports!.map((p) => p.nodePort);
    const [first] = ports();
    // A port added before the kept one draws from the same seeded stream that gave the kept one its
    // number: it must not get that number too.
    st = applyChange(st, { kind: 'apply', object: np([{ name: 'metrics', port: 9090 }, { name: 'http', port: 80 }]) });
    const [added, kept] = ports();
    expect(kept).toBe(first);
    expect(added).not.toBe(first);
    // Dropping the port frees its number: another Service may ask for it.
    st = applyChange(st, { kind: 'apply', object: np([{ name: 'http', port: 80 }]) });
    expect(ports()).toEqual([first]);
    const other = service(
      'other',
      { type: 'NodePort', selector: { app: 'x' }, ports: [{ port: 81, nodePort: added }] },
    );
    st = applyChange(st, { kind: 'apply', object: other });
    expect(st.problems).toEqual([]);
    expect(st.cluster.services.find((s) => s.metadata.name === 'other')!.spec.ports![0]!.nodePort).toBe(added);
  });

  it('carries a nodePort over by the port\'s name, as the registry\'s patchAllocatedValues does', () => {
    const np = (ports: NonNullable<Service['spec']['ports']>) =>
      service('np', { type: 'NodePort', selector: { app: 'x' }, ports });
    let st = reconcile({ settings: settings(), objects: [np([{ port: 80 }])] }).state;
    const ports = () => st.cluster.services.find((s) => s.metadata.name === 'np')!.spec.ports!.map((p) => p.nodePort);
    const [first] = ports();
    // The one unnamed port's number changed: the same port by name (""), so the same nodePort.
    st = applyChange(st, { kind: 'apply', object: np([{ port: 8080 }]) });
    expect(ports()).toEqual([first]);
    // Named now: another port, another nodePort.
    st = applyChange(st, { kind: 'apply', object: np([{ name: 'web', port: 8080 }]) });
    const [renamed] = ports();
    expect(renamed).not.toBe(first);
    // A port that asks for the number itself keeps it from the one whose name would have carried it.
    st = applyChange(st, {
      kind: 'apply',
      object: np([{ name: 'web', port: 8080 }, { name: 'admin', port: 9000, nodePort: renamed }]),
    });
    const [web, admin] = ports();
    expect(admin).toBe(renamed);
    expect(web).not.toBe(renamed);
  });

  it('reports a rejected object and keeps the rest', () => {
    const r = reconcile(
      {
        settings: settings(),
        objects: [
          service('bad', { type: 'NodePort', ports: [{ port: 80, nodePort: 8888 }] }),
          service('good', { ports: [{ port: 80 }] }),
        ],
      },
    );
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]).toMatchObject(
      { ref: { kind: 'Service', name: 'bad', namespace: 'default' }, field: 'spec.ports[0].nodePort' },
    );
    expect(r.cluster.services.map((s) => s.metadata.name)).toContain('good');
    expect(r.cluster.services.map((s) => s.metadata.name)).not.toContain('bad');
  });

  it('honours a Node\'s addresses and podCIDR, and a pod\'s IP, from the manifest', () => {
    const node = {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: 'n1' },
      spec: { podCIDR: '10.244.7.0/24' },
      status: { addresses: [{ type: 'InternalIP', address: '10.0.0.5' }] },
    } as AnyObject;
    const p = pod('fixed', { app: 'f' }, { nodeName: 'n1' });
    p.status = { podIP: '10.244.7.77' };
    const c = reconcile({ settings: settings(), objects: [node, p] }).cluster;
    expect(c.nodes.map((n) => [n.metadata.name, n.spec?.podCIDR])).toEqual([['n1', '10.244.7.0/24']]);
    expect(c.pods.find((x) => x.metadata.name === 'fixed')!.status).toMatchObject(
      { podIP: '10.244.7.77', hostIP: '10.0.0.5', phase: 'Running' },
    );
  });

  it('honours a readiness condition the manifest gives', () => {
    const p = pod('given', { app: 'g' });
    p.status = { conditions: [{ type: 'Ready', status: 'False' }] };
    const s = service('g', { selector: { app: 'g' }, ports: [{ port: 80, targetPort: 8080 }] });
    const c = reconcile({ settings: settings(), objects: [p, s] }).cluster;
    const es = c.endpointSlices.find((x) => x.metadata.labels?.['kubernetes.io/service-name'] === 'g')!;
    expect(es.endpoints[0]!.conditions).toEqual({ ready: false, serving: false, terminating: false });
  });

  it('gives hostNetwork pods the node address', () => {
    const c = reconcile(
      { settings: settings(), objects: [pod('hn', { app: 'hn' }, { hostNetwork: true, nodeName: 'node-2' })] },
    ).cluster;
    expect(c.pods.find((x) => x.metadata.name === 'hn')!.status?.podIP).toBe('192.168.49.3');
  });
});

describe('load balancers', () => {
  const lb = service('lb', { type: 'LoadBalancer', selector: { app: 'x' }, ports: [{ port: 80 }] });
  it('stays <pending> with an event when there is no provider', () => {
    const c = reconcile({ settings: settings(), objects: [lb] }).cluster;
    expect(c.services.find((s) => s.metadata.name === 'lb')!.status?.loadBalancer?.ingress).toBeUndefined();
    expect(
      c.events.filter((e) => e.object.name === 'lb').map((e) => e.reason),
    ).toEqual(['EnsuringLoadBalancer', 'SyncLoadBalancerFailed']);
  });
  it('takes addresses from the pool until it runs out', () => {
    const lb2 = service('lb2', { type: 'LoadBalancer', selector: { app: 'x' }, ports: [{ port: 80 }] });
    const c = reconcile({ settings: settings({ loadBalancerPool: ['203.0.113.10'] }), objects: [lb, lb2] }).cluster;
    expect(
      c.services.find((s) => s.metadata.name === 'lb')!.status?.loadBalancer?.ingress,
    ).toEqual([{ ip: '203.0.113.10', ipMode: 'VIP' }]);
    expect(c.services.find((s) => s.metadata.name === 'lb2')!.status?.loadBalancer?.ingress).toBeUndefined();
    expect(
      c.events.find((e) => e.object.name === 'lb2' && e.type === 'Warning')!.message,
    ).toContain('no available IPs');
  });
  it('reads the pool as MetalLB does: CIDRs and ranges give every address in them', () => {
    const lb2 = service('lb2', { type: 'LoadBalancer', selector: { app: 'x' }, ports: [{ port: 80 }] });
    const c = reconcile(
      { settings: settings({ loadBalancerPool: ['192.168.49.240/31'] }), objects: [lb, lb2] },
    ).cluster;
    const ips = c.services.filter((s) => s.spec.type === 'LoadBalancer').map(
      (s) => s.status?.loadBalancer?.ingress?.[0]?.ip,
    ).sort();
    expect(ips).toEqual(['192.168.49.240', '192.168.49.241']);
  });
  it('honours a status.loadBalancer a manifest gives', () => {
    const given = { ...lb, status: { loadBalancer: { ingress: [{ ip: '1.2.3.4' }] } } };
    const c = reconcile({ settings: settings(), objects: [given] }).cluster;
    expect(
      c.services.find((s) => s.metadata.name === 'lb')!.status?.loadBalancer?.ingress,
    ).toEqual([{ ip: '1.2.3.4' }]);
  });
});

describe('EndpointSlices and Endpoints', () => {
  const svc = service('web', { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] });
  const run = (pods: Pod[], s: Service = svc) => reconcile(
    { settings: settings(), objects: [s, ...pods] },
    { builtins: false },
  ).cluster;
  const slice = (c: Cluster) => c.endpointSlices.find(
    (x) => x.metadata.labels?.['kubernetes.io/service-name'] === 'web',
  )!;

  it('resolves named targetPorts per pod and splits slices by port', () => {
    const a = pod('a', { app: 'web' });
    const b = pod('b', { app: 'web' });
    b.spec.containers[0]!.ports = [{ name: 'http', containerPort: 9090 }];
    const c = run([a, b]);
    const slices = c.endpointSlices.filter((x) => x.metadata.labels?.['kubernetes.io/service-name'] === 'web');
    expect(
      slices.map((s) => `${s.ports![0]!.port} ${s.endpoints.map((e) => e.targetRef!.name).join(',')}`).sort(),
    ).toEqual(['8080 a', '9090 b']);
    for (const s of slices) {
      expect(s.metadata.name).toMatch(/^web-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
      expect(s.metadata.labels).toMatchObject(
        {
          'kubernetes.io/service-name': 'web',
          'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io',
        },
      );
    }
  });

  it('marks not-ready and terminating pods as the controller does', () => {
    const ready = pod('ready', { app: 'web' });
    const notReady = pod('not-ready', { app: 'web' }, {}, { annotations: { 'netlab.io/ready': 'false' } });
    const term = pod('term', { app: 'web' }, {}, { deletionTimestamp: '2024-01-01T00:00:00Z' });
    const c = run([ready, notReady, term]);
    const cond = Object.fromEntries(slice(c).endpoints.map((e) => [e.targetRef!.name, e.conditions]));
    expect(cond).toEqual({
      ready: { ready: true, serving: true, terminating: false },
      'not-ready': { ready: false, serving: false, terminating: false },
      term: { ready: false, serving: true, terminating: true },
    });
    const ep = c.endpoints.find((e) => e.metadata.name === 'web')!;
    expect(ep.subsets![0]!.addresses!.map((a) => a.targetRef!.name)).toEqual(['ready']);
    expect(ep.subsets![0]!.notReadyAddresses!.map((a) => a.targetRef!.name)).toEqual(['not-ready']);
  });

  it('publishes not-ready addresses when asked', () => {
    const c = run(
      [pod('n', { app: 'web' }, {}, { annotations: { 'netlab.io/ready': 'false' } })],
      { ...svc, spec: { ...svc.spec, publishNotReadyAddresses: true } },
    );
    expect(slice(c).endpoints[0]!.conditions).toEqual({ ready: true, serving: false, terminating: false });
  });

  it('sets hostname for pods whose subdomain names the Service, and nodeName/targetRef', () => {
    const c = run(
      [
        pod('h', { app: 'web' }, { hostname: 'db-0', subdomain: 'web' }),
        pod('o', { app: 'web' }, { hostname: 'x', subdomain: 'other' }),
      ],
    );
    const byName = Object.fromEntries(slice(c).endpoints.map((e) => [e.targetRef!.name, e]));
    expect(byName['h']!.hostname).toBe('db-0');
    expect(byName['o']!.hostname).toBeUndefined();
    expect(byName['h']!.nodeName).toMatch(/^node-[12]$/);
    expect(byName['h']!.targetRef).toMatchObject({ kind: 'Pod', namespace: 'default', name: 'h' });
  });

  it('keeps user Endpoints of a selectorless Service and mirrors them to a slice', () => {
    const ext = service('ext', { ports: [{ port: 80 }] });
    const ep = {
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: { name: 'ext' },
      subsets: [{ addresses: [{ ip: '10.1.2.3' }], notReadyAddresses: [{ ip: '10.1.2.4' }], ports: [{ port: 80 }] }],
    } as AnyObject;
    const c = reconcile({ settings: settings(), objects: [ext, ep] }, { builtins: false }).cluster;
    expect(c.endpoints.find((e) => e.metadata.name === 'ext')!.subsets![0]!.addresses![0]!.ip).toBe('10.1.2.3');
    const s = c.endpointSlices.find((x) => x.metadata.labels?.['kubernetes.io/service-name'] === 'ext')!;
    expect(
      s.metadata.labels!['endpointslice.kubernetes.io/managed-by'],
    ).toBe('endpointslicemirroring-controller.k8s.io');
    expect(
      s.endpoints.map((e) => [e.addresses[0], e.conditions!.ready]),
    ).toEqual([['10.1.2.3', true], ['10.1.2.4', false]]);
  });
});

describe('immutability', () => {
  const deepFreeze = <T>(o: T): T => {
    if (o && typeof o === 'object' && !Object.isFrozen(o)) {
      Object.freeze(o);
      for (const v of Object.values(o as object)) deepFreeze(v);
    }
    return o;
  };
  it('never writes into the objects it is given (frozen inputs, as immer hands them over)', () => {
    const objects = deepFreeze([
      deployment('web', 2),
      service('web', { type: 'LoadBalancer', selector: { app: 'web' }, ports: [{ port: 80 }] }),
      pod('p', { app: 'web' }),
      {
        apiVersion: 'apps/v1',
        kind: 'DaemonSet',
        metadata: { name: 'ds' },
        spec: {
          selector: { matchLabels: { app: 'ds' } },
          template: { metadata: { labels: { app: 'ds' } }, spec: { containers: [{ name: 'a' }] } },
        },
      } as AnyObject,
    ] as AnyObject[]);
    const r = reconcile({ settings: settings({ loadBalancerPool: ['203.0.113.1'] }), objects });
    deepFreeze(r.cluster);
    const next = applyChange(r.state, { kind: 'apply', object: deepFreeze(deployment('web', 4)) });
    expect(next.cluster.pods.filter((p) => p.metadata.labels?.['app'] === 'web')).toHaveLength(5);
  });
});

describe('podListeningPorts', () => {
  it.each([
    [undefined, [{ port: 8080, protocol: 'TCP' }]],
    ['9090', [{ port: 9090, protocol: 'TCP' }]],
    ['53/udp, 8080', [{ port: 53, protocol: 'UDP' }, { port: 8080, protocol: 'TCP' }]],
    ['', []],
  ])('listen=%s', (listen, want) => {
    const p = pod('p', {}, {}, listen === undefined ? {} : { annotations: { 'netlab.io/listen': listen } });
    expect(podListeningPorts(p)).toEqual(want);
  });
});

// ------------------------------------------------------------------ incremental == from scratch

function normalise(c: Cluster): unknown {
  const byKey = <T extends { metadata: { name: string; namespace?: string } }>(xs: T[]) =>
    [...xs].sort(
      (a, b) => `${a.metadata.namespace}/${a.metadata.name}`.localeCompare(
        `${b.metadata.namespace}/${b.metadata.name}`,
      ),
    );
  return {
    namespaces: byKey(c.namespaces),
    nodes: byKey(c.nodes),
    pods: byKey(c.pods),
    deployments: byKey(c.deployments),
    replicaSets: byKey(c.replicaSets),
    services: byKey(c.services),
    endpointSlices: byKey(c.endpointSlices),
    endpoints: byKey(c.endpoints),
    ingresses: byKey(c.ingresses),
  };
}

describe('applyChange', () => {
  // A live cluster keeps its history (where pods were placed, which IPs they got), so after edits
  // that add or remove pods it is compared with a full resync of every controller over the same
  // persisted allocations; edits that do not move pods are compared with a from-scratch reconcile.
  it('agrees with a full resync of every controller after random edits', () => {
    const rand = SeededRandom.fromSeed('edits');
    let objects: AnyObject[] = [
      deployment('web', 3),
      service('web', { type: 'NodePort', selector: { app: 'web' }, ports: [{ port: 80 }] }),
      service('api', { selector: { app: 'api' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] }),
      pod('api-0', { app: 'api' }),
    ];
    let state: ReconcileState = reconcile({ settings: settings(), objects }).state;
    for (let step = 0; step < 40; step++) {
      let change: Change;
      const r = rand.int(6);
      const n = `p${step}`;
      if (r === 0) change = { kind: 'apply', object: deployment('web', 1 + rand.int(4)) };
      else if (r === 1) change = { kind: 'apply', object: pod(n, { app: rand.int(2) ? 'api' : 'web-extra' }) };
      else if (r === 2) {
        const pods = objects.filter((o) => o.kind === 'Pod');
        if (pods.length === 0) continue;
        const victim = pods[rand.int(pods.length)]!;
        change = { kind: 'delete', ref: { kind: 'Pod', namespace: 'default', name: victim.metadata.name } };
      } else if (r === 3) {
        const pods = objects.filter((o) => o.kind === 'Pod') as Pod[];
        if (pods.length === 0) continue;
        const p = pods[rand.int(pods.length)]!;
        const ann: Record<string, string> = rand.int(2) ? { 'netlab.io/ready': 'false' } : {};
        change = { kind: 'apply', object: { ...p, metadata: { ...p.metadata, annotations: ann } } };
      } else if (r === 4) change = {
        kind: 'apply',
        object: service(`s${step}`, { selector: { app: 'api' }, ports: [{ port: 80 + step }] }),
      };
      else {
        const svcs = objects.filter((o) => o.kind === 'Service' && o.metadata.name.startsWith('s'));
        if (svcs.length === 0) continue;
        change = {
          kind: 'delete',
          ref: { kind: 'Service', namespace: 'default', name: svcs[rand.int(svcs.length)]!.metadata.name },
        };
      }
      state = applyChange(state, change);
      objects = [...state.inputs.values()];
      const full = resync(state).cluster;
      expect(
        normalise(state.cluster),
        `step ${step}: ${JSON.stringify(change).slice(0, 120)}`,
      ).toEqual(normalise(full));
    }
  });

  it('equals a from-scratch reconcile for edits to Services and readiness', () => {
    const rand = SeededRandom.fromSeed('svc-edits');
    const base: AnyObject[] = [
      deployment('web', 3),
      pod('a', { app: 'api' }),
      pod('b', { app: 'api' }),
      service('web', { selector: { app: 'web' }, ports: [{ port: 80 }] }),
    ];
    let state = reconcile({ settings: settings(), objects: base }).state;
    for (let step = 0; step < 30; step++) {
      const r = rand.int(3);
      let change: Change;
      if (r === 0) change = {
        kind: 'apply',
        object: service(
          `s${rand.int(5)}`,
          {
            type: rand.int(2) ? 'NodePort' : 'ClusterIP',
            selector: { app: rand.int(2) ? 'api' : 'web' },
            ports: [{ port: 80 }],
          },
        ),
      };
      else if (r === 1) {
        const name = rand.int(2) ? 'a' : 'b';
        const ann = rand.int(2) ? { 'netlab.io/ready': 'false' } : { 'netlab.io/ready': 'true' };
        change = { kind: 'apply', object: pod(name, { app: 'api' }, {}, { annotations: ann }) };
      } else change = { kind: 'delete', ref: { kind: 'Service', namespace: 'default', name: `s${rand.int(5)}` } };
      state = applyChange(state, change);
      const scratch = reconcile({ settings: settings(), objects: [...state.inputs.values()] }).cluster;
      expect(
        normalise(state.cluster),
        `step ${step}: ${JSON.stringify(change).slice(0, 120)}`,
      ).toEqual(normalise(scratch));
    }
  });

  describe('nodes and namespaces change as in a live cluster', () => {
    const node = (name: string, labels: Record<string, string> = {}): AnyObject =>
      ({ apiVersion: 'v1', kind: 'Node', metadata: { name, labels } }) as AnyObject;
    const start = () => reconcile({
      settings: settings(),
      objects: [
        node('node-1'), node('node-2'), node('node-3'),
        deployment('web', 3),
        service('web', { type: 'NodePort', selector: { app: 'web' }, ports: [{ port: 80 }] }),
      ],
    }).state;
    const names = (st: ReconcileState) => st.cluster.pods.map((p) => p.metadata.name).sort();
    const reasons = (st: ReconcileState, from: number) => st.events.slice(from).map((e) => e.reason);

    it('keeps the pods, their history and the clock when a node is labelled or cordoned', () => {
      let st = start();
      const victim = st.cluster.pods.find((p) => p.metadata.labels?.['app'] === 'web')!;
      st = applyChange(st, { kind: 'delete', ref: { kind: 'Pod', namespace: 'default', name: victim.metadata.name } });
      const before = names(st);
      const events = st.events;
      st = applyChange(st, { kind: 'apply', object: node('node-3', { disk: 'ssd' }) });
      const cordoned = { ...node('node-2'), spec: { unschedulable: true } } as AnyObject;
      st = applyChange(st, { kind: 'apply', object: cordoned });
      // The replacement stays (the deleted pod does not come back) and the log goes on from where it was.
      expect(names(st)).toEqual(before);
      expect(names(st)).not.toContain(victim.metadata.name);
      expect(st.events.slice(0, events.length)).toEqual(events);
      const n3 = st.cluster.nodes.find((n) => n.metadata.name === 'node-3')!;
      expect(n3.metadata.labels).toMatchObject({ disk: 'ssd', 'kubernetes.io/hostname': 'node-3' });
      // The kubelet's addresses and node IPAM's pod CIDR stay though the applied manifest has neither.
      expect(n3.status?.addresses?.[0]).toEqual({ type: 'InternalIP', address: '192.168.49.4' });
      expect(n3.spec?.podCIDR).toBe('10.244.2.0/24');
      expect(normalise(st.cluster)).toEqual(normalise(resync(st).cluster));
      // A pending pod that asks for the label is scheduled once a node carries it.
      st = applyChange(st, { kind: 'apply', object: deployment('db', 1, { nodeSelector: { disk: 'fast' } }) });
      const db = () => st.cluster.pods.find((p) => p.metadata.labels?.['app'] === 'db')!;
      expect(db().spec.nodeName).toBeUndefined();
      st = applyChange(st, { kind: 'apply', object: node('node-1', { disk: 'fast' }) });
      expect(db().spec.nodeName).toBe('node-1');
    });

    it('garbage-collects a deleted node\'s pods, which their ReplicaSet replaces on the other nodes', () => {
      const was = start();
      const on3 = was.cluster.pods.filter((p) => p.spec.nodeName === 'node-3').map((p) => p.metadata.name);
      expect(on3.length).toBeGreaterThan(0);
      const st = applyChange(was, { kind: 'delete', ref: { kind: 'Node', name: 'node-3' } });
      expect(st.cluster.nodes.map((n) => n.metadata.name)).toEqual(['node-1', 'node-2']);
      const pods = st.cluster.pods.filter((p) => p.metadata.labels?.['app'] === 'web');
      expect(pods).toHaveLength(3);
      for (const p of pods) expect(['node-1', 'node-2']).toContain(p.spec.nodeName);
      for (const name of on3) expect(names(st)).not.toContain(name);
      // The pods elsewhere are the same pods, at the same addresses.
      const kept = (s: ReconcileState) => s.cluster.pods
        .filter((p) => p.spec.nodeName !== 'node-3' && !on3.includes(p.metadata.name))
        .map((p) => [p.metadata.name, p.status?.podIP]);
      expect(kept(st)).toEqual(expect.arrayContaining(kept(was)));
      expect(reasons(st, was.events.length)).toEqual(['RemovingNode', 'SuccessfulCreate', 'Scheduled']);
      expect(st.events[was.events.length]!.message).toBe('Node node-3 event: Removing Node node-3 from Controller');
      expect(normalise(st.cluster)).toEqual(normalise(resync(st).cluster));
    });

    it('gives a new node the next address and pod CIDR, and leaves the running pods where they are', () => {
      const was = start();
      const st = applyChange(was, { kind: 'apply', object: node('node-4') });
      const n4 = st.cluster.nodes.find((n) => n.metadata.name === 'node-4')!;
      expect(n4.status?.addresses?.[0]?.address).toBe('192.168.49.5');
      expect(n4.spec?.podCIDR).toBe('10.244.3.0/24');
      expect(reasons(st, was.events.length)).toEqual(['CIDRAssignmentSucceeded']);
      expect(web(st.cluster)).toEqual(web(was.cluster));
    });

    it('keeps the default nodes when the lab is started again from its inputs after a node edit', () => {
      const nodesOf = (st: ReconcileState) => st.cluster.nodes.map((n) => n.metadata.name);
      const again = (st: ReconcileState) => reconcile({ settings: settings(), objects: [...st.inputs.values()] }).state;
      const plain = reconcile({ settings: settings(), objects: [deployment('web', 2)] }).state;
      expect(nodesOf(plain)).toEqual(['node-1', 'node-2']);
      const added = applyChange(plain, { kind: 'apply', object: node('node-3') });
      expect(nodesOf(added)).toEqual(['node-1', 'node-2', 'node-3']);
      expect(nodesOf(again(added))).toEqual(['node-1', 'node-2', 'node-3']);
      const deleted = applyChange(plain, { kind: 'delete', ref: { kind: 'Node', name: 'node-2' } });
      expect(nodesOf(deleted)).toEqual(['node-1']);
      expect(nodesOf(again(deleted))).toEqual(['node-1']);
      // node-1 is still the control plane the `kubernetes` Service points at.
      const controlPlane = ['node-role.kubernetes.io/control-plane'];
      expect(again(deleted).cluster.nodes[0]!.metadata.labels).toHaveProperty(controlPlane);
    });

    it('deletes everything in a deleted namespace, and refuses to delete the namespaces a cluster needs', () => {
      const ns = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } } as AnyObject;
      const inShop = <T extends AnyObject>(o: T): T => ({ ...o, metadata: { ...o.metadata, namespace: 'shop' } });
      let st = reconcile({
        settings: settings(),
        objects: [
          ns,
          inShop(deployment('cart', 2)),
          inShop(service('cart', { selector: { app: 'cart' }, ports: [{ port: 80 }] })),
        ],
      }).state;
      const before = st.events.length;
      st = applyChange(st, { kind: 'delete', ref: { kind: 'Namespace', name: 'shop' } });
      expect(st.cluster.namespaces.map((n) => n.metadata.name)).not.toContain('shop');
      for (const list of [st.cluster.pods, st.cluster.deployments, st.cluster.replicaSets, st.cluster.services,
        st.cluster.endpointSlices, st.cluster.endpoints]) {
        expect(list.filter((o) => o.metadata.namespace === 'shop')).toEqual([]);
      }
      expect([...st.inputs.keys()].filter((k) => k.includes('shop'))).toEqual([]);
      expect(reasons(st, before)).toEqual(['Killing', 'Killing']);
      expect(st.problems).toEqual([]);
      for (const name of ['default', 'kube-system', 'kube-public']) {
        const refused = applyChange(st, { kind: 'delete', ref: { kind: 'Namespace', name } });
        expect(refused.problems.map((p) => [p.reason, p.message])).toEqual([
          ['Forbidden', `namespaces "${name}" is forbidden: this namespace may not be deleted`],
        ]);
        expect(refused.cluster.namespaces.map((n) => n.metadata.name)).toContain(name);
      }
    });

    it('creates the objects a missing namespace held back once it is created', () => {
      const cart = { ...deployment('cart', 2), metadata: { name: 'cart', namespace: 'shop' } };
      let st = reconcile({ settings: settings(), objects: [cart] }).state;
      expect(st.problems.map((p) => p.message)).toEqual(['namespaces "shop" not found']);
      const ns = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } } as AnyObject;
      st = applyChange(st, { kind: 'apply', object: ns });
      expect(st.problems).toEqual([]);
      expect(st.cluster.pods.filter((p) => p.metadata.namespace === 'shop')).toHaveLength(2);
      const scratch = reconcile({ settings: settings(), objects: [ns, cart] }).cluster;
      expect(normalise(st.cluster)).toEqual(normalise(scratch));
    });
  });

  it('replaces a Deployment pod marked terminating, which keeps serving until deleted', () => {
    const r = reconcile(
      {
        settings: settings(),
        objects: [deployment('web', 2), service('web', { selector: { app: 'web' }, ports: [{ port: 80 }] })],
      },
    );
    const victim = r.cluster.pods.find((p) => p.metadata.labels?.['app'] === 'web')!;
    const next = applyChange(
      r.state,
      {
        kind: 'apply',
        object: { ...victim, metadata: { ...victim.metadata, deletionTimestamp: '2024-01-01T00:00:00Z' } },
      },
    );
    const webPods = next.cluster.pods.filter((p) => p.metadata.labels?.['app'] === 'web');
    expect(webPods).toHaveLength(3);
    const es = next.cluster.endpointSlices.find((x) => x.metadata.labels?.['kubernetes.io/service-name'] === 'web')!;
    const byPod = Object.fromEntries(es.endpoints.map((e) => [e.targetRef!.name, e.conditions]));
    expect(byPod[victim.metadata.name]).toEqual({ ready: false, serving: true, terminating: true });
    expect(Object.values(byPod).filter((c) => c!.ready)).toHaveLength(2);
  });

  it('does not modify the previous state', () => {
    const r = reconcile(
      {
        settings: settings(),
        objects: [deployment('web', 2), service('web', { selector: { app: 'web' }, ports: [{ port: 80 }] })],
      },
    );
    const before = JSON.stringify(normalise(r.cluster));
    const victim = r.cluster.pods.find((p) => p.metadata.labels?.['app'] === 'web')!;
    const next = applyChange(
      r.state,
      { kind: 'delete', ref: { kind: 'Pod', namespace: 'default', name: victim.metadata.name } },
    );
    expect(JSON.stringify(normalise(r.state.cluster))).toBe(before);
    // The ReplicaSet replaced the deleted pod under a new name.
    const names = next.cluster.pods.filter((p) => p.metadata.labels?.['app'] === 'web').map((p) => p.metadata.name);
    expect(names).toHaveLength(2);
    expect(names).not.toContain(victim.metadata.name);
    // The change records say what moved: the pod deleted, its replacement, the slice rewritten.
    const kinds = next.changes.map((e) => `${e.type} ${e.object.kind}`);
    expect(kinds).toContain('DELETED Pod');
    expect(kinds).toContain('ADDED Pod');
    expect(kinds).toContain('MODIFIED EndpointSlice');
  });
});

describe('objects the lab keeps without simulating them', () => {
  // A snapshot of a real cluster has namespaced Jobs, NetworkPolicies and custom resources:
  // the apiserver takes their namespace (the lab refused it: "not allowed on this type").
  const other = (apiVersion: string, kind: string, name: string, namespace?: string): AnyObject =>
    ({ apiVersion, kind, metadata: { name, ...(namespace ? { namespace } : {}) }, spec: {} }) as AnyObject;
  const crd: AnyObject = {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'widgets.example.com' },
    spec: { group: 'example.com', scope: 'Namespaced', names: { kind: 'Widget', plural: 'widgets' }, versions: [] },
  } as unknown as AnyObject;
  const shop: AnyObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } };

  it('keep a namespaced kind in its namespace, one object per namespace and name', () => {
    const objects = [
      shop,
      crd,
      other('batch/v1', 'Job', 'db', 'shop'),
      other('networking.k8s.io/v1', 'NetworkPolicy', 'deny', 'shop'),
      other('networking.k8s.io/v1', 'NetworkPolicy', 'deny'),
      other('example.com/v1', 'Widget', 'w', 'shop'),
      other('example.com/v1', 'Widget', 'w', 'default'),
    ];
    const r = reconcile({ settings: defaultLabSettings(), objects });
    expect(r.problems).toEqual([]);
    const kept = r.cluster.others.map((o) => `${o.kind} ${o.metadata.namespace ?? '-'}/${o.metadata.name}`);
    expect(kept).toEqual(expect.arrayContaining([
      'Job shop/db', 'NetworkPolicy shop/deny', 'NetworkPolicy default/deny',
      'Widget shop/w', 'Widget default/w',
    ]));
  });

  it('clears a cluster-scoped kind\'s namespace, and refuses an object in a namespace that is not there', () => {
    const objects = [
      other('rbac.authorization.k8s.io/v1', 'ClusterRole', 'r', 'shop'),
      { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1', namespace: 'shop' } } as AnyObject,
      other('batch/v1', 'Job', 'db', 'missing'),
    ];
    const r = reconcile({ settings: defaultLabSettings(), objects });
    // As `kubectl apply` finds: the apiserver drops a cluster-scoped object's namespace.
    expect(r.problems.map((p) => p.message)).toEqual(['namespaces "missing" not found']);
    expect(r.state.store.get('ClusterRole', 'r')?.metadata.namespace).toBeUndefined();
    expect(r.cluster.nodes.map((n) => [n.metadata.name, n.metadata.namespace])).toEqual([['n1', undefined]]);
  });
});
