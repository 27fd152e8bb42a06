import { describe, expect, it } from 'vitest';
import type { KubeObject, OtherObject, Pod, Service } from '../api/types';
import { buildLab } from '../assembly/lab';
import type { Cluster } from '../cluster';
import { defaultLabSettings, type ProxyMode } from '../lab';
import { renderNote, renderNotes } from '../notes';
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

describe('the no-endpoints fault names the pods the selector matches, from their own status', () => {
  const unschedulable = (name: string): Pod => {
    const p = pod(name);
    // No nodeName: the scheduler places it, and no node has the label.
    return { ...p, spec: { containers: p.spec.containers, nodeSelector: { disktype: 'ssd' } } };
  };

  it('an unschedulable pod: Pending, PodScheduled=False Unschedulable and the scheduler\'s message', () => {
    const { lab, res } = traceWeb([web(), unschedulable('web-a')]);
    expect(res.outcome).toBe('refused');
    const written = lab.cluster.pods.find((p) => p.metadata.name === 'web-a')!.status!;
    const scheduled = written.conditions!.find((c) => c.type === 'PodScheduled')!;
    // What the scheduler wrote is what the fault quotes, not a second scheduling.
    expect(scheduled.message).toMatch(/^0\/2 nodes are available: 2 node\(s\) didn't match Pod's node affinity/);
    const pods = res.fault!.pods!;
    expect(pods).toMatchObject({ namespace: 'default', selector: 'app=web', matched: 1, more: 0 });
    expect(pods.summary).toBeUndefined();
    expect(pods.shown).toEqual([
      expect.objectContaining({
        pod: 'default/web-a',
        phase: 'Pending',
        condition: { type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: scheduled.message },
      }),
    ]);
    // No slice lists a pod without an address: no artifact line for it.
    expect(pods.shown[0]!.ref).toBeUndefined();
    expect(pods.shown[0]!.text).toBe(
      `pod default/web-a is Pending; PodScheduled=False, reason Unschedulable: "${scheduled.message}"`,
    );
    expect(renderNotes('zh', pods.shown[0]!.notes)).toBe(
      `Pod default/web-a 处于 Pending 阶段；PodScheduled=False，原因 Unschedulable：“${scheduled.message}”`,
    );
    // The fault's own sentence is as it was (share links and lessons quote it).
    const sentence = 'Service default/web has no ready endpoints: selector app=web matches 0 ready pods';
    expect(res.fault!.message).toBe(sentence);
  });

  it('a pod that is not ready: Running, Ready=False as the kubelet wrote it, and its EndpointSlice line', () => {
    const { lab, res } = traceWeb([web(), pod('web-a', notReady)]);
    const [shown] = res.fault!.pods!.shown;
    expect(shown).toMatchObject({
      pod: 'default/web-a',
      phase: 'Running',
      condition: {
        type: 'Ready',
        status: 'False',
        reason: 'ContainersNotReady',
        message: 'containers with unready status: [app]',
      },
    });
    // The pod's endpoint line, the same the fault's refs hold.
    expect(shown!.ref).toEqual(res.fault!.refs![0]);
    const artifact = lab.artifacts[shown!.ref!.artifact]!;
    const below = artifact.lines.slice(shown!.ref!.lineIndex, shown!.ref!.lineIndex + 12).map((l) => l.text);
    expect(below.some((l) => l.includes('name: web-a'))).toBe(true);
  });

  it('a terminating pod no longer serving: the deletion and the condition', () => {
    const { res } = traceWeb([web(), pod('web-a', { ...notReady, ...terminating })]);
    const [shown] = res.fault!.pods!.shown;
    expect(shown!.terminating).toBe(terminating.deletionTimestamp);
    expect(shown!.text).toBe(
      'pod default/web-a is Running; terminating since 2026-12-06T12:00:00Z (metadata.deletionTimestamp); ' +
        'Ready=False, reason ContainersNotReady: "containers with unready status: [app]"',
    );
  });

  it('a pod bound to a node that does not exist: its status is empty, and the fault says so', () => {
    const lost = pod('web-a');
    const { res } = traceWeb([web(), { ...lost, spec: { ...lost.spec, nodeName: 'node-9' } }]);
    const [shown] = res.fault!.pods!.shown;
    expect(shown).toMatchObject({ phase: null, condition: null });
    expect(shown!.text).toBe('pod default/web-a has no phase in its status; its status has no conditions');
  });

  it('more pods than it names: the first three by name, then "and N more"', () => {
    const names = ['web-e', 'web-b', 'web-d', 'web-a', 'web-c'];
    const { res } = traceWeb([web(), ...names.map((n) => pod(n, notReady))]);
    const pods = res.fault!.pods!;
    expect(pods.shown.map((p) => p.pod)).toEqual(['default/web-a', 'default/web-b', 'default/web-c']);
    expect(pods).toMatchObject({ matched: 5, more: 2, summaryText: 'and 2 more pod(s)' });
    expect(renderNote('zh', pods.summary!)).toBe('另有 2 个 Pod');
  });

  it('a selector that matches no pod: says so, with the selector', () => {
    const { res } = traceWeb([web(), pod('other', {}, { app: 'other' })]);
    const pods = res.fault!.pods!;
    expect(pods).toMatchObject({ matched: 0, shown: [], more: 0 });
    expect(pods.summaryText).toBe(
      'no pod in namespace default carries the labels app=web, so there is nothing to be an endpoint',
    );
    expect(renderNote('zh', pods.summary!)).toContain('app=web');
  });

  it('pods in another namespace are not the Service\'s', () => {
    const other = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'other' } } as OtherObject;
    const { res } = traceWeb([web(), other, pod('web-a', { namespace: 'other' })]);
    expect(res.fault!.pods).toMatchObject({ matched: 0 });
  });

  it('a port no pod declares is not about readiness: no pods listed', () => {
    const { res } = traceWeb([web('web-port'), pod('web-a')]);
    expect(res.fault?.note?.key).toBe('note.fault.noPortEndpoints');
    expect(res.fault?.pods).toBeUndefined();
  });
});

describe('pods whose status says the same thing are told once', () => {
  const unschedulable = (name: string): Pod => {
    const p = pod(name);
    return { ...p, spec: { containers: p.spec.containers, nodeSelector: { disktype: 'ssd' } } };
  };

  it("five Pending pods with the scheduler's one message: one group of 5, the first 3 named", () => {
    const names = ['web-a', 'web-b', 'web-c', 'web-d', 'web-e'];
    const { lab, res } = traceWeb([web(), ...names.map(unschedulable)]);
    const message = lab.cluster.pods.find((p) => p.metadata.name === 'web-a')!.status!.conditions!
      .find((c) => c.type === 'PodScheduled')!.message!;
    const pods = res.fault!.pods!;
    // The per-pod list is as it was (additive): three shown, two more.
    expect(pods).toMatchObject({ matched: 5, more: 2 });
    expect(pods.shown).toHaveLength(3);
    const grouped = pods.grouped!;
    expect(grouped.more).toBe(0);
    expect(grouped.summary).toBeUndefined();
    expect(grouped.groups).toHaveLength(1);
    const [g] = grouped.groups;
    expect(g).toMatchObject({ count: 5, pods: ['default/web-a', 'default/web-b', 'default/web-c'], phase: 'Pending' });
    expect(g!.condition).toEqual({ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message });
    // The message once, not five times.
    expect(g!.text.split(message)).toHaveLength(2);
    expect(g!.text).toBe(`5 pods are Pending; PodScheduled=False, reason Unschedulable: "${message}"`);
    expect(renderNotes('zh', g!.notes)).toBe(
      `5 个 Pod 处于 Pending 阶段；PodScheduled=False，原因 Unschedulable：“${message}”`,
    );
  });

  it('two not ready and one Pending: a group of two, then the one pod with its own line', () => {
    const { res } = traceWeb([web(), pod('web-a', notReady), pod('web-b', notReady), unschedulable('web-c')]);
    const groups = res.fault!.pods!.grouped!.groups;
    expect(groups.map((g) => [g.count, g.pods, g.condition?.type])).toEqual([
      [2, ['default/web-a', 'default/web-b'], 'Ready'],
      [1, ['default/web-c'], 'PodScheduled'],
    ]);
    // A group of one is the pod's own line.
    expect(groups[1]!.text).toBe(res.fault!.pods!.shown[2]!.text);
  });

  it('no two alike: no groups, the per-pod list says it all', () => {
    const { res } = traceWeb([web(), pod('web-a', notReady), unschedulable('web-b')]);
    expect(res.fault!.pods!.shown).toHaveLength(2);
    expect(res.fault!.pods!.grouped).toBeUndefined();
  });
});
