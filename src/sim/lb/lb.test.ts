import { describe, expect, it } from 'vitest';
import type { KubeObject, OtherObject, Pod, Service } from '../api/types';
import { buildLab } from '../assembly/lab';
import type { ExternalClient } from '../cluster';
import { defaultLabSettings, type LabSettings, type LoadBalancerModel, type ProxyMode } from '../lab';
import { serviceHealthServer } from '../proxy/healthcheck';
import { newTraceSession, parseSource, trace, type TraceSession } from '../trace/trace';
import { abTrace } from '../analysis/compare';
import type { TraceResult } from '../trace/types';
import { LB_ANNOTATIONS, loadBalancerBehaviour } from './index';

// Three nodes, one LoadBalancer Service `web` whose only pod runs on node-2: the case where the
// two load-balancer models and the two external traffic policies give four different answers.

const NODES = { 'node-1': '192.168.49.2', 'node-2': '192.168.49.3', 'node-3': '192.168.49.4' } as const;
const LB_IP = '192.168.49.240';
const CLIENT = '203.0.113.7';
const clients: ExternalClient[] = [{ name: 'laptop', address: CLIENT }];

function node(name: string, ip: string): OtherObject {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name },
    status: { addresses: [{ type: 'InternalIP', address: ip }] },
  } as OtherObject;
}

function pod(name: string, nodeName: string, extra: Partial<Pod['metadata']> = {}): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', labels: { app: 'web' }, ...extra },
    spec: { nodeName, containers: [{ name: 'app', image: 'nginx', ports: [{ name: 'http', containerPort: 80 }] }] },
  };
}

function web(spec: Partial<Service['spec']> = {}, annotations?: Record<string, string>): Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'web', namespace: 'default', ...(annotations ? { annotations } : {}) },
    spec: {
      type: 'LoadBalancer',
      selector: { app: 'web' },
      ports: [{ name: 'http', port: 80, targetPort: 'http', nodePort: 30080 }],
      ...spec,
    },
  };
}

function lab(opts: { model?: LoadBalancerModel; svc?: Service; pods?: Pod[]; mode?: ProxyMode } = {}) {
  const s = defaultLabSettings();
  const settings: LabSettings = {
    ...s,
    loadBalancerPool: [LB_IP],
    ...(opts.model ? { loadBalancer: { model: opts.model } } : {}),
    kubeProxy: { ...s.kubeProxy, mode: opts.mode ?? 'iptables' },
  };
  const objects: (KubeObject | OtherObject)[] = [
    ...Object.entries(NODES).map(([n, ip]) => node(n, ip)),
    ...(opts.pods ?? [pod('web-a', 'node-2')]),
    opts.svc ?? web(),
  ];
  const l = buildLab({ settings, objects, clients });
  expect(l.problems).toEqual([]);
  return l;
}

type Lab = ReturnType<typeof lab>;

function send(l: Lab, session: TraceSession = newTraceSession('lb-test'), port = 80): TraceResult {
  const from = parseSource('external:laptop');
  if ('error' in from) throw new Error(from.error);
  return trace(l, { from, url: `http://${LB_IP}:${port}/` }, session);
}

const lbHop = (r: TraceResult) => r.hops.find((h) => h.place.kind === 'load-balancer' && h.action !== 'drop');
const chosenNode = (r: TraceResult) => lbHop(r)!.edge!.to.replace(/^node:/, '');
const lbOf = (l: Lab) => l.loadBalancers![0]!;

describe('which load balancer a Service gets (annotations, then the lab setting)', () => {
  const settings = (model?: LoadBalancerModel) => (model ? { loadBalancer: { model } } : {});
  it.each([
    ['no annotation, no setting: direct', {}, undefined, 'direct', 'generic-direct', 'client'],
    ['no annotation, lab setting nodeport: a proxying LB', {}, 'nodeport', 'nodeport', 'generic-proxy', 'lb'],
    [
      'aws-load-balancer-type nlb: NLB instance targets keep the client address', { [LB_ANNOTATIONS.awsType]: 'nlb' },
      undefined, 'nodeport', 'aws-nlb-instance', 'client',
    ],
    [
      'nlb with IP targets: direct', { [LB_ANNOTATIONS.awsType]: 'external', [LB_ANNOTATIONS.awsTargetType]: 'ip' },
      'nodeport', 'direct', 'aws-nlb-ip', 'client',
    ],
    [
      'another AWS annotation alone: the AWS provider\'s Classic ELB', { [LB_ANNOTATIONS.awsProxyProtocol]: '*' },
      undefined, 'nodeport', 'aws-classic-elb', 'lb',
    ],
    [
      'the lab annotation wins over the setting', { [LB_ANNOTATIONS.model]: 'direct' }, 'nodeport', 'direct',
      'generic-direct', 'client',
    ],
  ] as const)('%s', (_name, annotations, model, wantModel, product, source) => {
    const b = loadBalancerBehaviour(web({}, annotations), settings(model));
    expect(b).toMatchObject({ model: wantModel, product, source });
    expect(b.decidedBy.length).toBeGreaterThan(0);
    expect(b.problems).toEqual([]);
  });

  it('NLB without preserve_client_ip sends from its own address; proxy protocol is v1 on a Classic ELB, ' +
    'v2 on an NLB', () => {
    const nlb = { [LB_ANNOTATIONS.awsType]: 'nlb' };
    const noClientIp = { ...nlb, [LB_ANNOTATIONS.awsTargetGroupAttributes]: 'preserve_client_ip.enabled=false' };
    expect(loadBalancerBehaviour(web({}, noClientIp), {}).source).toBe('lb');
    const nlbProxyProtocol = { ...nlb, [LB_ANNOTATIONS.awsProxyProtocol]: '*' };
    expect(loadBalancerBehaviour(web({}, nlbProxyProtocol), {}).proxyProtocol).toBe(2);
    expect(loadBalancerBehaviour(web({}, { [LB_ANNOTATIONS.awsProxyProtocol]: '*' }), {}).proxyProtocol).toBe(1);
  });

  it('says which annotation value it ignored and why, in the apiserver\'s words', () => {
    const b = loadBalancerBehaviour(web({}, { [LB_ANNOTATIONS.model]: 'sideways' }), {
      loadBalancer: { model: 'nodeport' },
    });
    expect(b.model).toBe('nodeport');
    expect(b.problems).toEqual([
      `${LB_ANNOTATIONS.model}: Unsupported value: "sideways": supported values: "direct", "nodeport"`,
    ]);
    const sideways = lbOf(lab({ model: 'nodeport', svc: web({}, { [LB_ANNOTATIONS.model]: 'sideways' }) }));
    expect(sideways.artifact.lines.map((x) => x.text)).toContain(`# ignored: ${b.problems[0]}`);
  });
});

describe("kube-proxy's health-check server (pkg/proxy/healthcheck)", () => {
  it('answers 200 with the count of local ready endpoint addresses, 503 with 0, in its JSON body', () => {
    const l = lab({ svc: web({ externalTrafficPolicy: 'Local' }) });
    const hc = l.cluster.services.find((s) => s.metadata.name === 'web')!.spec.healthCheckNodePort!;
    const on2 = serviceHealthServer(l.cluster, 'node-2').get('default/web')!;
    const on1 = serviceHealthServer(l.cluster, 'node-1').get('default/web')!;
    expect(on2).toMatchObject({ port: hc, status: 200, localEndpoints: 1 });
    expect(JSON.parse(on2.body)).toEqual({
      service: { namespace: 'default', name: 'web' },
      localEndpoints: 1,
      serviceProxyHealthy: true,
    });
    expect(on1).toMatchObject({ status: 503, localEndpoints: 0 });
  });

  it('does not count a pod that is not ready; serves nothing for a Cluster-policy Service', () => {
    const notReady = pod('web-b', 'node-1', { annotations: { 'netlab.io/ready': 'false' } });
    const l = lab({ svc: web({ externalTrafficPolicy: 'Local' }), pods: [pod('web-a', 'node-2'), notReady] });
    expect(serviceHealthServer(l.cluster, 'node-1').get('default/web')).toMatchObject({
      status: 503,
      localEndpoints: 0,
    });
    expect(serviceHealthServer(lab().cluster, 'node-2').size).toBe(0);
  });
});

describe('the load balancer configuration (its artifact)', () => {
  it('nodeport + Local: health-checks healthCheckNodePort; nodes without a local endpoint are out of service, ' +
    'with the reason', () => {
    const l = lab({ model: 'nodeport', svc: web({ externalTrafficPolicy: 'Local' }) });
    const lb = lbOf(l);
    const hc = l.cluster.services.find((s) => s.metadata.name === 'web')!.spec.healthCheckNodePort!;
    expect(lb.healthCheck).toMatchObject({ protocol: 'HTTP', port: hc, path: '/healthz' });
    expect(lb.nodes.map((n) => [n.node, n.healthy, n.reason])).toEqual([
      ['node-1', false, `healthCheckNodePort ${hc}: no local endpoints`],
      ['node-2', true, undefined],
      ['node-3', false, `healthCheckNodePort ${hc}: no local endpoints`],
    ]);
    expect(lb.listeners[0]!.targets.map((t) => `${t.address}:${t.port}`)).toEqual([
      '192.168.49.2:30080', '192.168.49.3:30080', '192.168.49.4:30080',
    ]);
    expect(l.artifacts[`lb/default/web`]).toBe(lb.artifact);
    const text = lb.artifact.lines.map((x) => x.text);
    expect(text).toContain(
      `    target node-1 192.168.49.2:30080 out of service (healthCheckNodePort ${hc}: no local endpoints)`,
    );
  });

  it('nodeport + Cluster: a TCP check of the NodePort, which kube-proxy refuses on every node once the Service has ' +
    'no endpoints', () => {
    expect(lbOf(lab({ model: 'nodeport' })).nodes.every((n) => n.healthy && n.result === 'TCP connected')).toBe(true);
    const none = lbOf(lab({ model: 'nodeport', pods: [] }));
    expect(none.healthCheck).toEqual({ protocol: 'TCP', port: 30080 });
    expect(none.nodes.map((n) => n.reason)).toEqual(Array(3).fill('NodePort 30080: connection refused (no endpoints)'));
  });

  it('direct: targets keep the LB address as destination (the listener port, not the NodePort)', () => {
    const lb = lbOf(lab());
    expect(lb.behaviour.model).toBe('direct');
    expect(lb.listeners[0]!.targets.map((t) => t.port)).toEqual([80, 80, 80]);
  });

  it('leaves out nodes labelled node.kubernetes.io/exclude-from-external-load-balancers', () => {
    const l = buildLab({
      settings: { ...defaultLabSettings(), loadBalancerPool: [LB_IP] },
      objects: [
        node('node-1', NODES['node-1']),
        {
          ...node('node-2', NODES['node-2']),
          metadata: { name: 'node-2', labels: { 'node.kubernetes.io/exclude-from-external-load-balancers': '' } },
        } as OtherObject,
        pod('web-a', 'node-1'),
        web(),
      ],
      clients,
    });
    expect(lbOf(l).nodes.map((n) => n.node)).toEqual(['node-1']);
  });
});

describe('a request through each model and traffic policy (packet flow)', () => {
  it('nodeport + Cluster: LB -> node:NodePort from the LB address; kube-proxy DNATs and masquerades, ' +
    'the pod sees the node', () => {
    const l = lab({ model: 'nodeport' });
    const r = send(l);
    expect(r.outcome).toBe('response');
    const h = lbHop(r)!;
    const n = chosenNode(r);
    expect(h.after).toMatchObject({ src: LB_IP, dst: NODES[n as keyof typeof NODES], dstPort: 30080 });
    expect(h.refs.at(-1)).toMatchObject({ artifact: 'lb/default/web', ref: `target:80:${n}` });
    const dnat = r.hops.find((x) => x.action === 'dnat')!;
    expect(dnat.place).toMatchObject({ node: n });
    expect(dnat.before.dstPort).toBe(30080);
    expect(r.backend?.sourceIP).toBe(NODES[n as keyof typeof NODES]);
  });

  it('nodeport + Local (a proxying LB): only node-2 passes the check; no SNAT, ' +
    'so the pod sees the load balancer', () => {
    const l = lab({ model: 'nodeport', svc: web({ externalTrafficPolicy: 'Local' }) });
    const s = newTraceSession('x');
    for (let i = 0; i < 3; i++) {
      const r = send(l, s);
      expect(chosenNode(r)).toBe('node-2');
      expect(r.hops.some((x) => x.action === 'snat')).toBe(false);
      expect(r.backend?.sourceIP).toBe(LB_IP);
    }
  });

  it('NLB instance targets + Local: the client address survives all the way to the pod', () => {
    const l = lab({ svc: web({ externalTrafficPolicy: 'Local' }, { [LB_ANNOTATIONS.awsType]: 'nlb' }) });
    const r = send(l);
    expect(lbHop(r)!.after).toMatchObject({ src: CLIENT, dst: NODES['node-2'], dstPort: 30080 });
    expect(r.backend?.sourceIP).toBe(CLIENT);
  });

  it('NLB instance targets + Cluster: the client address reaches the node, and kube-proxy SNATs it to the node', () => {
    const r = send(lab({ svc: web({}, { [LB_ANNOTATIONS.awsType]: 'nlb' }) }));
    expect(lbHop(r)!.after.src).toBe(CLIENT);
    expect(r.backend?.sourceIP).toBe(NODES[chosenNode(r) as keyof typeof NODES]);
  });

  it('direct + Cluster: the packet keeps the LB address; kube-proxy catches it and masquerades', () => {
    const r = send(lab());
    const h = lbHop(r)!;
    expect(h.after).toMatchObject({ src: CLIENT, dst: LB_IP, dstPort: 80 });
    expect(r.hops.find((x) => x.action === 'dnat')!.before).toMatchObject({ dst: LB_IP, dstPort: 80 });
    expect(r.backend?.sourceIP).toBe(NODES[chosenNode(r) as keyof typeof NODES]);
  });

  it('direct + Local: to node-2 only, and the pod sees the client', () => {
    const r = send(lab({ svc: web({ externalTrafficPolicy: 'Local' }) }));
    expect(chosenNode(r)).toBe('node-2');
    expect(r.backend?.sourceIP).toBe(CLIENT);
  });

  it('round robin visits every healthy node in turn, from a start the seed decides, the same on a replay', () => {
    const l = lab({ model: 'nodeport' });
    const walk = (seed: string) => {
      const s = newTraceSession(seed);
      return Array.from({ length: 6 }, () => chosenNode(send(l, s)));
    };
    const a = walk('seed-a');
    expect(new Set(a.slice(0, 3)).size).toBe(3);
    expect(a.slice(3)).toEqual(a.slice(0, 3));
    expect(walk('seed-a')).toEqual(a);
  });

  it('Local with no ready endpoint anywhere: no node passes, the client times out, ' +
    'the fault names externalTrafficPolicy', () => {
    const r = send(lab({ model: 'nodeport', svc: web({ externalTrafficPolicy: 'Local' }), pods: [] }));
    expect(r.outcome).toBe('timeout');
    expect(r.fault).toMatchObject({ kind: 'Service', name: 'web', field: 'spec.externalTrafficPolicy' });
    expect(r.hops.at(-1)).toMatchObject({ action: 'drop', explanation: { key: 'hop.lb.noHealthy' } });
  });

  it('a port the LB has no listener for goes nowhere', () => {
    const r = send(lab({ model: 'nodeport' }), undefined, 8080);
    expect(r.outcome).toBe('timeout');
    expect(r.fault?.field).toBe('spec.ports');
  });

  it('proxy protocol on, and a pod that does not expect it: 400 Bad Request', () => {
    const r = send(lab({ svc: web({}, { [LB_ANNOTATIONS.awsProxyProtocol]: '*' }) }));
    const pp = r.hops.find((h) => h.explanation.key === 'hop.lb.proxyProtocol')!;
    expect(pp.explanation.params.header).toBe(
      `PROXY TCP4 ${CLIENT} ${LB_IP} ${r.hops.find((h) => h.action === 'send')!.before.srcPort} 80`,
    );
    expect(r.status).toBe(400);
  });

  it.each(['ipvs', 'nftables'] as const)('nodeport + Local works the same in %s mode', (mode) => {
    const r = send(lab({ model: 'nodeport', svc: web({ externalTrafficPolicy: 'Local' }), mode }));
    expect(chosenNode(r)).toBe('node-2');
    expect(r.outcome).toBe('response');
    expect(r.backend?.sourceIP).toBe(LB_IP);
  });
});

describe('A/B: the same Service under both models', () => {
  it('flipping netlab.io/load-balancer-model to nodeport moves the destination to a NodePort and the SNAT source to ' +
    'the node', () => {
    const settings: LabSettings = { ...defaultLabSettings(), loadBalancerPool: [LB_IP] };
    const objects = [...Object.entries(NODES).map(([n, ip]) => node(n, ip)), pod('web-a', 'node-2'), web()];
    const from = parseSource('external:laptop');
    if ('error' in from) throw new Error(from.error);
    const r = abTrace({
      input: { settings, objects, clients },
      request: { from, url: `http://${LB_IP}/` },
      flip: { kind: 'loadBalancerModel', service: 'default/web', value: 'nodeport' },
      seed: 'ab',
    });
    if ('error' in r) throw new Error(r.error);
    expect(lbHop(r.a)!.after).toMatchObject({ dst: LB_IP, dstPort: 80 });
    expect(lbHop(r.b)!.after).toMatchObject({ src: LB_IP, dstPort: 30080 });
    expect(r.comparison.differing.length).toBeGreaterThan(0);
    expect(r.a.outcome).toBe('response');
    expect(r.b.outcome).toBe('response');
  });
});

describe('proxy protocol to a controller that expects it (ingress-nginx use-proxy-protocol)', () => {
  it('the controller takes the client address from the header, ' +
    'not from the packet (which the node masqueraded)', () => {
    const s = defaultLabSettings();
    const settings: LabSettings = {
      ...s,
      loadBalancerPool: [LB_IP],
      ingress: [
        {
          className: 'nginx',
          controller: 'nginx',
          topology: 'loadbalancer',
          namespace: 'ingress-nginx',
          replicas: 1,
          legacyReloadOnEndpointChange: false,
          isDefaultClass: true,
          useProxyProtocol: true,
        },
      ],
    };
    const labels = {
      'app.kubernetes.io/name': 'ingress-nginx',
      'app.kubernetes.io/component': 'controller',
      'app.kubernetes.io/instance': 'nginx',
    };
    const ctrlSvc: Service = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: {
        name: 'ingress-nginx-controller',
        namespace: 'ingress-nginx',
        labels,
        annotations: { [LB_ANNOTATIONS.model]: 'nodeport', [LB_ANNOTATIONS.awsProxyProtocol]: '*' },
      },
      spec: {
        type: 'LoadBalancer',
        selector: labels,
        ports: [{ name: 'http', port: 80, targetPort: 'http' }, { name: 'https', port: 443, targetPort: 'https' }],
      },
    };
    const ing = {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: { name: 'web', namespace: 'default' },
      spec: {
        ingressClassName: 'nginx',
        rules: [
          {
            host: 'web.example.com',
            http: {
              paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } }],
            },
          },
        ],
      },
    };
    const objects = [
      ...Object.entries(NODES).map(([n, ip]) => node(n, ip)),
      pod('web-a', 'node-2'),
      web({ type: 'ClusterIP', ports: [{ name: 'http', port: 80, targetPort: 'http' }] }),
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ingress-nginx' } } as OtherObject,
      ctrlSvc,
      ing as OtherObject,
    ];
    const l = buildLab({ settings, objects, clients });
    expect(l.problems).toEqual([]);
    expect(l.artifacts['ingress/nginx/nginx.conf']!.lines.map((x) => x.text.trim())).toEqual(
      expect.arrayContaining(['real_ip_header proxy_protocol;', 'listen 80 proxy_protocol;']),
    );
    const from = parseSource('external:laptop');
    if ('error' in from) throw new Error(from.error);
    const r = trace(l, { from, url: `http://${LB_IP}/`, headers: { Host: 'web.example.com' } }, newTraceSession('pp'));
    expect(r.status).toBe(200);
    const read = r.hops.find((h) => h.explanation.key === 'hop.ingress.proxyProtocol')!;
    expect(read.explanation.params.client).toBe(CLIENT);
    expect(read.refs[0]?.artifact).toBe('ingress/nginx/nginx.conf');
    // Without the header the same controller would see the node that masqueraded: 192.168.49.x.
    expect(r.hops.find((h) => h.explanation.key === 'hop.deliver.pod')!.observedSource).toMatch(/^192\.168\.49\.\d$/);
    expect(r.backendPod).toBe('default/web-a');
  });
});
