import { describe, expect, it } from 'vitest';
import type { KubeObject, OtherObject, Pod, Service } from '../api/types';
import { buildLab } from '../assembly/lab';
import type { Cluster } from '../cluster';
import { defaultLabSettings, type ProxyMode } from '../lab';
import { renderNote } from '../notes';
import { newTraceSession, parseSource, trace } from './trace';

// The "no endpoints" fault says what the Service's EndpointSlices hold, as kube-proxy reads them:
// no endpoint for the port, endpoints not ready, endpoints terminating and no longer serving.

function node(name: string, ip: string): OtherObject {
  const status = { addresses: [{ type: 'InternalIP', address: ip }] };
  return { apiVersion: 'v1', kind: 'Node', metadata: { name }, status } as OtherObject;
}

function pod(name: string, meta: Partial<Pod['metadata']> = {}, labels: Record<string, string> = { app: 'web' }): Pod {
  const containers = [{ name: 'app', image: 'nginx', ports: [{ name: 'http', containerPort: 80 }] }];
  const metadata = { name, namespace: 'default', labels, ...meta };
  return { apiVersion: 'v1', kind: 'Pod', metadata, spec: { nodeName: 'node-1', containers } };
}

const notReady = { annotations: { 'netlab.io/ready': 'false' } };
const terminating = { deletionTimestamp: '2026-12-06T12:00:00Z' };

function web(targetPort: string | number = 'http'): Service {
  const ports = [{ name: 'http', port: 80, targetPort }];
  const metadata = { name: 'web', namespace: 'default' };
  return { apiVersion: 'v1', kind: 'Service', metadata, spec: { selector: { app: 'web' }, ports } };
}

const webSlices = (lab: { cluster: Cluster }) =>
  lab.cluster.endpointSlices.filter((s) => s.metadata.labels?.['kubernetes.io/service-name'] === 'web');

function traceWeb(objects: (KubeObject | OtherObject)[], mode: ProxyMode = 'iptables') {
  const settings = defaultLabSettings();
  const base = [node('node-1', '192.168.49.2'), node('node-2', '192.168.49.3'), pod('client', {}, { app: 'client' })];
  const kubeProxy = { ...settings.kubeProxy, mode };
  const lab = buildLab({ settings: { ...settings, kubeProxy }, objects: [...base, ...objects] });
  expect(lab.problems).toEqual([]);
  const from = parseSource('pod:default/client');
  if ('error' in from) throw new Error(from.error);
  return { lab, res: trace(lab, { from, url: 'http://web/' }, newTraceSession('no-endpoints')) };
}

describe('the no-endpoints fault reads the EndpointSlices', () => {
  it.each(['iptables', 'ipvs', 'nftables'] as const)('%s: endpoints that are not ready', (mode) => {
    const { lab, res } = traceWeb([web(), pod('web-a', notReady), pod('web-b', notReady)], mode);
    expect(webSlices(lab).flatMap((s) => s.endpoints.map((e) => e.conditions?.ready))).toEqual([false, false]);
    expect(res.outcome).toBe('refused');
    expect(res.fault).toMatchObject({ kind: 'Service', name: 'web', field: 'spec.selector' });
    expect(res.fault?.note).toEqual({
      key: 'note.fault.noReadySome',
      params: { service: 'default/web', selector: 'app=web', ready: 0, notReady: 2 },
    });
  });

  it('endpoints terminating and no longer serving, beside one not ready', () => {
    const objects = [web(), pod('web-a', { ...notReady, ...terminating }), pod('web-b', notReady)];
    const { res } = traceWeb(objects);
    expect(res.outcome).toBe('refused');
    expect(res.fault?.note).toEqual({
      key: 'note.fault.noReadyTerminating',
      params: { service: 'default/web', selector: 'app=web', terminating: 1, notReady: 1 },
    });
    expect(res.fault?.message).toBe(
      'Service default/web has no ready endpoints: its EndpointSlices for selector app=web hold 1 terminating, ' +
        'none still serving, and 1 not ready',
    );
    expect(renderNote('zh', res.fault!.note!)).toContain('正在终止');
  });

  it('a terminating endpoint that still serves is used (kube-proxy falls back to it): no fault', () => {
    const { res } = traceWeb([web(), pod('web-a', terminating)]);
    expect(res.outcome).toBe('response');
    expect(res.backendPod).toBe('default/web-a');
    expect(res.fault).toBeUndefined();
  });

  it('a selected pod with no address (bound to a node that does not run it) is in no slice: not counted', () => {
    const lost = pod('web-a', notReady);
    const { lab, res } = traceWeb([web(), { ...lost, spec: { ...lost.spec, nodeName: 'node-9' } }]);
    expect(lab.cluster.pods.find((p) => p.metadata.name === 'web-a')?.status?.podIP).toBeUndefined();
    expect(webSlices(lab).flatMap((s) => s.endpoints)).toEqual([]);
    expect(res.outcome).toBe('refused');
    expect(res.fault?.note).toEqual({
      key: 'note.fault.noReady',
      params: { service: 'default/web', selector: 'app=web', ready: 0, notReady: 0 },
    });
  });

  it('ready pods whose slices have no such port: the targetPort no container declares', () => {
    const { lab, res } = traceWeb([web('web-port'), pod('web-a'), pod('web-b')]);
    expect(webSlices(lab).flatMap((s) => s.ports ?? [])).toEqual([]);
    expect(res.outcome).toBe('refused');
    expect(res.fault).toMatchObject({ kind: 'Service', name: 'web', field: 'spec.ports' });
    expect(res.fault?.note).toEqual({
      key: 'note.fault.noPortEndpoints',
      params: { service: 'default/web', targetPort: 'web-port', endpoints: 2, selector: 'app=web' },
    });
  });
});

describe('the no-endpoints fault points at the slice lines it was read from', () => {
  it('each endpoint kube-proxy passed over, in the lab artifact the viewer opens', () => {
    const { lab, res } = traceWeb([web(), pod('web-a', notReady), pod('web-b', { ...notReady, ...terminating })]);
    const artifact = lab.artifacts['endpointslices/default/web']!;
    expect(artifact.kind).toBe('endpointslice');
    const refs = res.fault?.refs ?? [];
    expect(refs).toHaveLength(2);
    const ips = webSlices(lab).flatMap((s) => s.endpoints.map((e) => e.addresses[0]));
    refs.forEach((r, i) => {
      expect(r.artifact).toBe('endpointslices/default/web');
      expect(artifact.lines[r.lineIndex]!.text).toBe(r.line);
      expect(r.line).toBe('  - addresses:');
      // The endpoint's address is the line under the one referenced.
      expect(artifact.lines[r.lineIndex + 1]!.text).toBe(`    - ${ips[i]}`);
    });
    const linesAfter = (i: number) => artifact.lines.slice(i + 3, i + 6).map((l) => l.text.trim());
    const conditions = refs.map((r) => linesAfter(r.lineIndex));
    expect(conditions).toEqual([
      ['ready: false', 'serving: false', 'terminating: false'],
      ['ready: false', 'serving: false', 'terminating: true'],
    ]);
  });

  it('a slice that lists no endpoint: its `endpoints: null` line', () => {
    const { lab, res } = traceWeb([web()]);
    expect(res.outcome).toBe('refused');
    const refs = res.fault?.refs ?? [];
    expect(refs).toHaveLength(webSlices(lab).length);
    expect(refs.length).toBeGreaterThan(0);
    for (const r of refs) {
      expect(r.line).toBe('  endpoints: null');
      expect(lab.artifacts[r.artifact]!.lines[r.lineIndex]!.text).toBe(r.line);
    }
  });

  it('a fault that is not read from slices (no selector) has no refs', () => {
    const svc = web();
    delete svc.spec.selector;
    const { res } = traceWeb([svc]);
    expect(res.fault?.note?.key).toBe('note.fault.noSelector');
    expect(res.fault?.refs).toBeUndefined();
  });
});
