import { describe, expect, it } from 'vitest';
import type { KubeObject, OtherObject, Pod, Service } from '../api/types';
import { buildLab } from '../assembly/lab';
import type { ExternalClient } from '../cluster';
import { defaultLabSettings, type LabSettings, type ProxyMode } from '../lab';
import { newTraceSession, parseConnect, parseSource, trace, type TraceRequest } from './trace';
import { renderExplanation, renderTraceMessage } from './messages';
import { renderNoteWith } from '../notes';
import { defaultIngressAddon } from '../lab';

// A two-node cluster: web pods on node-1 (two) and node-2 (one), a shop namespace, an nginx
// ingress controller; each test changes one thing, the way a lesson does.

function node(name: string, ip: string): OtherObject {
  const status = { addresses: [{ type: 'InternalIP', address: ip }] };
  return { apiVersion: 'v1', kind: 'Node', metadata: { name }, status } as OtherObject;
}

function pod(
  name: string,
  nodeName: string,
  labels: Record<string, string>,
  port = 80,
  ns = 'default',
  extra: Partial<Pod['metadata']> = {},
): Pod {
  const containers = [{ name: 'app', image: 'nginx', ports: [{ name: 'http', containerPort: port }] }];
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: ns, labels, ...extra },
    spec: { nodeName, containers },
  };
}

function service(name: string, spec: Partial<Service['spec']>, ns = 'default'): Service {
  const ports = [{ name: 'http', port: 80, targetPort: 'http' }];
  const metadata = { name, namespace: ns };
  return { apiVersion: 'v1', kind: 'Service', metadata, spec: { selector: { app: name }, ports, ...spec } };
}

const clients: ExternalClient[] = [
  { name: 'laptop', address: '203.0.113.7', hosts: { 'web.example.com': '192.168.49.2' } },
];

function baseObjects(): (KubeObject | OtherObject)[] {
  return [
    node('node-1', '192.168.49.2'),
    node('node-2', '192.168.49.3'),
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } },
    pod('web-a', 'node-1', { app: 'web' }),
    pod('web-b', 'node-1', { app: 'web' }),
    pod('web-c', 'node-2', { app: 'web' }),
    pod('client', 'node-2', { app: 'client' }),
    pod('shop-client', 'node-1', { app: 'shop-client' }, 80, 'shop'),
  ];
}

function lab(objects: (KubeObject | OtherObject)[], settings: Partial<LabSettings> = {}, mode: ProxyMode = 'iptables') {
  const s = defaultLabSettings();
  const merged: LabSettings = { ...s, ...settings, kubeProxy: { ...s.kubeProxy, ...(settings.kubeProxy ?? {}), mode } };
  const l = buildLab({ settings: merged, objects, clients });
  expect(l.problems).toEqual([]);
  return l;
}

function req(from: string, url: string, extra: Partial<TraceRequest> = {}): TraceRequest {
  const f = parseSource(from);
  if ('error' in f) throw new Error(f.error);
  return { from: f, url, ...extra };
}

function run(l: ReturnType<typeof lab>, r: TraceRequest, seed = 'test') {
  return trace(l, r, newTraceSession(seed));
}

const connect = (t: string) => {
  const c = parseConnect(t);
  if ('error' in c) throw new Error(c.error);
  return c;
};

describe('NodePort from outside, in every proxy mode that has one', () => {
  const nodePort = (spec: Partial<Service['spec']> = {}) =>
    service('web', {
      type: 'NodePort', ports: [{ name: 'http', port: 80, targetPort: 'http', nodePort: 30080 }],
      ...spec,
    });

  const local = ['iptables', 'nftables'] as const;

  const modes = ['iptables', 'ipvs', 'nftables'] as const;
  it.each(modes)('%s: Cluster policy reaches a web pod and the backend sees the node address', (mode) => {
    const l = lab([...baseObjects(), nodePort()], {}, mode);
    const res = run(l, req('external:laptop', 'http://web.example.com:30080/'));
    expect(res.outcome).toBe('response');
    expect(res.status).toBe(200);
    expect(res.backendPod).toMatch(/^default\/web-[abc]$/);
    expect(res.backend?.sourceIP).toBe('192.168.49.2');
    expect(res.service).toBe('default/web');
    const dnat = res.hops.find((h) => h.action === 'dnat')!;
    expect(dnat.place).toMatchObject({ kind: 'node', node: 'node-1' });
    expect(dnat.changed).toContain('dst');
    expect(dnat.refs.at(-1)!.line).toMatch(mode === 'ipvs' ? /Masq/ : /DNAT|dnat to/);
    expect(res.hops.find((h) => h.action === 'snat')?.after.src).toBe('192.168.49.2');
  });

  it.each(local)('%s: Local policy keeps the client address on a node with a local endpoint', (mode) => {
    const l = lab([...baseObjects(), nodePort({ externalTrafficPolicy: 'Local' })], {}, mode);
    const res = run(l, req('external:laptop', 'http://192.168.49.3:30080/'));
    expect(res.outcome).toBe('response');
    expect(res.backendPod).toBe('default/web-c');
    expect(res.backend?.sourceIP).toBe('203.0.113.7');
    expect(res.hops.some((h) => h.action === 'snat')).toBe(false);
  });

  it.each(local)('%s: Local policy drops on a node without a local endpoint (the client times out)', (mode) => {
    const objects = baseObjects().filter((o) => o.metadata.name !== 'web-c');
    const l = lab([...objects, nodePort({ externalTrafficPolicy: 'Local' })], {}, mode);
    const res = run(l, req('external:laptop', 'http://192.168.49.3:30080/'));
    expect(res.outcome).toBe('timeout');
    expect(res.hops.at(-1)!.action).toBe('drop');
  });
});

describe('ClusterIP', () => {
  const objects = () => [
    ...baseObjects(),
    service('web', {}),
    service('web', { selector: { app: 'shop-client' } }, 'shop'),
  ];

  it('a pod reaches it by short name in its own namespace, without masquerade', () => {
    const res = run(lab(objects()), req('pod:default/client', 'http://web/'));
    expect(res.outcome).toBe('response');
    expect(res.backendPod).toMatch(/^default\/web-/);
    const client = lab(objects()).cluster.pods.find((p) => p.metadata.name === 'client')!;
    expect(res.backend?.sourceIP).toBe(client.status!.podIP);
    const resolve = res.hops[0]!;
    expect(resolve.action).toBe('resolve');
    expect(resolve.refs.at(-1)!.line).toContain('web.default.svc.cluster.local.');
  });

  it('a short name resolves only in the asking pod\'s namespace (the search path)', () => {
    const l = lab(objects());
    expect(run(l, req('pod:shop/shop-client', 'http://web/')).backendPod).toBe('shop/shop-client');
    expect(run(l, req('pod:shop/shop-client', 'http://web.default/')).backendPod).toMatch(/^default\/web-/);
    const miss = run(l, req('pod:default/client', 'http://nosuch/'));
    expect(miss.outcome).toBe('nxdomain');
    expect(miss.fault?.message).toContain('nosuch.default.svc.cluster.local');
  });

  it('names pods and nodes in the reader\'s language, the English text as before', () => {
    const l = lab(objects());
    for (const from of ['pod:default/client', 'node:node-2']) {
      const res = run(l, req(from, 'http://web.default.svc.cluster.local/'));
      const en = res.hops.map((h) => renderExplanation('en', h.explanation));
      const zh = res.hops.map((h) => renderExplanation('zh', h.explanation));
      const plain = res.hops.map((h) => renderTraceMessage('en', h.explanation.key, h.explanation.params));
      expect(en).toEqual(plain);
      expect(en.join('\n')).toMatch(/\b(pod default|node node)-?\S*/);
      expect(zh.join('\n')).not.toMatch(/\b(pod|node) (default\/|node-)/);
      expect(zh.join('\n')).toMatch(from.startsWith('pod') ? /Pod default\/client/ : /节点 node-2/);
    }
  });

  it('names the search list it walked as each language lists names', () => {
    const miss = run(lab(objects()), req('pod:default/client', 'http://nosuch/'));
    const tried = ['default.svc.cluster.local.', 'svc.cluster.local.', 'cluster.local.', ''].map((s) => `nosuch.${s}`);
    const hop = miss.hops.find((h) => h.explanation.key === 'hop.resolve.nxdomain')!;
    expect(hop.explanation.params['tries']).toBe(tried.join(', '));
    expect(renderExplanation('en', hop.explanation)).toContain(`(tried ${tried.join(', ')})`);
    expect(renderExplanation('zh', hop.explanation)).toContain(`（尝试了 ${tried.join('、')}）`);
    expect(renderNoteWith('zh', miss.fault!.note!, miss.fault!.parts)).toContain(tried.join('、'));
    expect(miss.fault!.message).toContain(tried.join(', '));
  });

  it('is unreachable from outside the cluster, and says why', () => {
    const l = lab(objects());
    const web = l.cluster.services.find((s) => s.metadata.name === 'web' && s.metadata.namespace === 'default')!;
    const ip = web.spec.clusterIP!;
    const res = run(l, req('external:laptop', `http://${ip}/`));
    expect(res.outcome).toBe('unreachable');
    expect(res.fault).toMatchObject({ kind: 'Service', name: 'web', field: 'spec.type' });
    expect(res.fault?.message).toContain('only as kube-proxy rules');
  });

  it('refuses when no pod matches the selector, naming the selector', () => {
    const l = lab([...baseObjects(), service('web', { selector: { app: 'wbe' } })]);
    const res = run(l, req('pod:default/client', 'http://web/'));
    expect(res.outcome).toBe('refused');
    expect(res.fault).toMatchObject({ kind: 'Service', name: 'web', field: 'spec.selector' });
    expect(res.fault?.message).toBe(
      'Service default/web has no ready endpoints: selector app=wbe matches 0 ready pods',
    );
    expect(res.hops.at(-1)!.refs.at(-1)!.line).toContain('has no endpoints');
  });

  it('refuses at the pod when the targetPort is not where the container listens', () => {
    const l = lab([...baseObjects(), service('web', { ports: [{ port: 80, targetPort: 8080 }] })]);
    const res = run(l, req('pod:default/client', 'http://web/'));
    expect(res.outcome).toBe('refused');
    expect(res.fault).toMatchObject({ kind: 'Pod' });
    expect(res.fault?.message).toContain('does not listen on port 8080');
  });

  it('a port the Service does not have matches no rule and times out', () => {
    const l = lab([...baseObjects(), service('web', {})]);
    const res = run(l, req('pod:default/client', 'http://web:8080/'));
    expect(res.outcome).toBe('timeout');
    expect(res.fault?.message).toContain('has no port 8080/TCP');
  });

  it('ClientIP affinity sends every repeat to the same pod; without it the choice varies', () => {
    const sticky = lab([...baseObjects(), service('web', { sessionAffinity: 'ClientIP' })]);
    const session = newTraceSession('s1');
    const toWeb = req('pod:default/client', 'http://web/');
    const pods = new Set(Array.from({ length: 12 }, () => trace(sticky, toWeb, session).backendPod));
    expect(pods.size).toBe(1);
    const plain = lab([...baseObjects(), service('web', {})]);
    const s2 = newTraceSession('s1');
    const spread = new Set(Array.from({ length: 30 }, () => trace(plain, toWeb, s2).backendPod));
    expect(spread.size).toBe(3);
  });

  it('ipvs rr walks the pods in order on one node', () => {
    const l = lab([...baseObjects(), service('web', {})], {}, 'ipvs');
    const session = newTraceSession('rr');
    const seq = Array.from({ length: 6 }, () => trace(l, req('pod:default/client', 'http://web/'), session).backendPod);
    expect(seq.slice(0, 3)).toEqual(seq.slice(3));
    expect(new Set(seq).size).toBe(3);
  });
});

describe('LoadBalancer', () => {
  it('the cloud load balancer hands the connection to a node, which DNATs to a pod', () => {
    const pool = { loadBalancerPool: ['198.51.100.10'] };
    const l = lab([...baseObjects(), service('web', { type: 'LoadBalancer' })], pool);
    const res = run(l, req('external:laptop', 'http://198.51.100.10/'));
    expect(res.outcome).toBe('response');
    expect(res.hops.map((h) => h.place.kind)).toContain('load-balancer');
  });

  it('with externalTrafficPolicy Local the load balancer only picks nodes with a ready local endpoint', () => {
    const objects = baseObjects().filter((o) => o.metadata.name !== 'web-c');
    const pool = { loadBalancerPool: ['198.51.100.10'] };
    const l = lab([...objects, service('web', { type: 'LoadBalancer', externalTrafficPolicy: 'Local' })], pool);
    for (let i = 0; i < 5; i++) {
      const res = run(l, req('external:laptop', 'http://198.51.100.10/'), `lb${i}`);
      expect(res.outcome).toBe('response');
      expect(res.hops.find((h) => h.action === 'balance')!.edge!.to).toBe('node:node-1');
      expect(res.backend?.sourceIP).toBe('203.0.113.7');
    }
  });
});

describe('through an ingress-nginx controller', () => {
  const backend = (name: string) => ({ service: { name, port: { number: 80 } } });
  const prefix = (p: { path: string; svc: string }) => ({ path: p.path, pathType: 'Prefix', backend: backend(p.svc) });
  const ingress = (paths: { path: string; svc: string }[], host = 'foo.bar.com'): OtherObject =>
    ({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: { name: 'foo', namespace: 'default' },
      spec: {
        ingressClassName: 'nginx',
        rules: [{ host, http: { paths: paths.map(prefix) } }],
      },
    }) as OtherObject;
  const settings: Partial<LabSettings> = {
    ingress: [{ ...defaultIngressAddon('nginx'), isDefaultClass: true, nodePorts: { http: 30080, https: 30443 } }],
  };

  it('routes by host and path to a pod endpoint, bypassing the ClusterIP', () => {
    const l = lab([...baseObjects(), service('web', {}), ingress([{ path: '/foo', svc: 'web' }])], settings);
    const res = run(l, req('external:laptop', 'http://foo.bar.com/foo', { connect: connect('ingress') }));
    expect(res.outcome).toBe('response');
    expect(res.backendPod).toMatch(/^default\/web-/);
    const proxyHop = res.hops.find((h) => h.action === 'proxy')!;
    expect(proxyHop.place.kind).toBe('controller');
    expect(l.cluster.pods.some((p) => p.status?.podIP === proxyHop.after.dst)).toBe(true);
    const match = res.hops.find((h) => h.action === 'match' && h.place.kind === 'controller')!;
    expect(match.refs.some((r) => r.line.includes('location'))).toBe(true);
    // The backend sees the controller pod, not the laptop.
    expect(res.backend?.sourceIP).toBe(proxyHop.after.src);
  });

  it('answers 404 from the default backend for an unmatched path and 503 for a Service with no endpoints', () => {
    const paths = [{ path: '/foo', svc: 'web' }, { path: '/empty', svc: 'empty' }];
    const empty = service('empty', { selector: { app: 'nobody' } });
    const l = lab([...baseObjects(), service('web', {}), empty, ingress(paths)], settings);
    const viaIngress = { connect: connect('ingress') };
    expect(run(l, req('external:laptop', 'http://foo.bar.com/nothing', viaIngress)).status).toBe(404);
    expect(run(l, req('external:laptop', 'http://foo.bar.com/empty', viaIngress)).status).toBe(503);
  });

  it('resolves the ingress host through public DNS to the controller', () => {
    const l = lab([...baseObjects(), service('web', {}), ingress([{ path: '/', svc: 'web' }])], {
      ...settings,
      ingress: [{ ...settings.ingress![0]!, topology: 'loadbalancer' }],
      loadBalancerPool: ['198.51.100.20'],
    });
    const res = run(l, req('external:laptop', 'http://foo.bar.com/'));
    expect(res.hops[0]!.action).toBe('resolve');
    expect(res.hops[0]!.after.dst).not.toBe('');
    expect(res.outcome).toBe('response');
    expect(res.backendPod).toMatch(/^default\/web-/);
  });
});

describe('determinism and explanations', () => {
  it('the same scenario and seed give the same trace; another seed may choose differently', () => {
    const objects = [...baseObjects(), service('web', {})];
    const toWeb = req('pod:default/client', 'http://web/');
    const eight = () => Array.from({ length: 8 }, (_, i) => run(lab(objects), toWeb, `seed-${i}`));
    const [a, b] = [JSON.stringify(eight()), JSON.stringify(eight())];
    expect(a).toBe(b);
  });

  it('every hop explanation renders in English and Chinese with no missing parameter', () => {
    const l = lab([...baseObjects(), service('web', { type: 'NodePort' })]);
    const res = run(l, req('external:laptop', 'http://web.example.com:30080/'));
    for (const h of res.hops) {
      for (const lang of ['en', 'zh'] as const) {
        const text = renderTraceMessage(lang, h.explanation.key, h.explanation.params);
        expect(text).not.toMatch(/\{\w+\}/);
        expect(text).not.toBe(h.explanation.key);
      }
    }
  });
});
