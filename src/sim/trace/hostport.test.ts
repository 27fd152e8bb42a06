// A hostPort is the CNI portmap plugin's DNAT on the node running the pod: the trace's hop is
// decided by that node's CNI-DN-* rule, and a node without the pod has nothing listening.

import { describe, expect, it } from 'vitest';
import type { KubeObject, OtherObject, Pod } from '../api/types';
import { buildLab } from '../assembly/lab';
import { updateLab } from '../assembly/update';
import type { ExternalClient } from '../cluster';
import { defaultLabSettings, type LabSettings, type ProxyMode } from '../lab';
import { renderTraceMessage } from './messages';
import { newTraceSession, parseSource, trace, type TraceRequest } from './trace';

const NODE1 = '192.168.49.2';
const NODE2 = '192.168.49.3';

function node(name: string, ip: string): OtherObject {
  const status = { addresses: [{ type: 'InternalIP', address: ip }] };
  return { apiVersion: 'v1', kind: 'Node', metadata: { name }, status } as OtherObject;
}

function pod(name: string, nodeName: string, hostPort?: number): Pod {
  const ports = [{ name: 'http', containerPort: 8080, ...(hostPort ? { hostPort } : {}) }];
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', labels: { app: name } },
    spec: { nodeName, containers: [{ name: 'app', image: 'nginx', ports }] },
  };
}

const clients: ExternalClient[] = [{ name: 'laptop', address: '203.0.113.7' }];

function objects(): (KubeObject | OtherObject)[] {
  const pods = [pod('edge', 'node-2', 80), pod('client-2', 'node-2'), pod('client-1', 'node-1')];
  return [node('node-1', NODE1), node('node-2', NODE2), ...pods];
}

function lab(mode: ProxyMode = 'iptables', settings: Partial<LabSettings> = {}, objs = objects()) {
  const s = defaultLabSettings();
  const l = buildLab({ settings: { ...s, ...settings, kubeProxy: { ...s.kubeProxy, mode } }, objects: objs, clients });
  expect(l.problems).toEqual([]);
  return l;
}

function req(from: string, url: string): TraceRequest {
  const f = parseSource(from);
  if ('error' in f) throw new Error(f.error);
  return { from: f, url };
}

function podIP(l: ReturnType<typeof lab>, name: string): string {
  return l.cluster.pods.find((p) => p.metadata.name === name)!.status!.podIP!;
}

const DNAT_LINE = /^-A CNI-DN-[0-9a-f]{21} -p tcp -m tcp --dport 80 -j DNAT --to-destination (\S+)$/;

describe('hostPort: the CNI portmap DNAT hop', () => {
  it.each([
    ['iptables', {}],
    ['ipvs', {}],
    ['nftables', {}],
    ['userspace', { kubernetesVersion: '1.25' }],
  ] as const)('%s mode: node:80 goes through CNI-DN-..., the deciding line referenced', (mode, settings) => {
    const l = lab(mode, settings);
    const r = trace(l, req('external:laptop', `http://${NODE2}/`), newTraceSession('t'));
    expect(r.outcome).toBe('response');
    expect(r.backendPod).toBe('default/edge');
    const hop = r.hops.find((h) => h.action === 'dnat')!;
    expect(hop.place).toMatchObject({ kind: 'node', node: 'node-2' });
    expect(hop.before).toMatchObject({ src: '203.0.113.7', dst: NODE2, dstPort: 80 });
    expect(hop.after).toMatchObject({ src: '203.0.113.7', dst: podIP(l, 'edge'), dstPort: 8080 });
    expect(hop.changed).toEqual(['dst', 'dstPort']);
    const last = hop.refs.at(-1)!;
    expect(last.artifact).toBe('node/node-2/iptables-save');
    expect(last.line).toMatch(DNAT_LINE);
    expect(DNAT_LINE.exec(last.line)![1]).toBe(`${podIP(l, 'edge')}:8080`);
    // The line is where the viewer will highlight it.
    const save = l.proxies['node-2']!.artifacts.find((a) => a.id === last.artifact)!;
    expect(save.lines[last.lineIndex]!.text).toBe(last.line);
    // The walk reached the chain through the jumps a learner can follow.
    const lines = hop.refs.map((x) => x.line);
    expect(lines).toContain('-A PREROUTING -m addrtype --dst-type LOCAL -j CNI-HOSTPORT-DNAT');
    const dnatChain = '-A CNI-HOSTPORT-DNAT -p tcp -m comment --comment "dnat name: \\"cbr0\\"';
    expect(lines.some((x) => x.startsWith(dnatChain))).toBe(true);
    expect(hop.explanation.key).toBe('hop.deliver.hostPort');
    expect(renderTraceMessage('en', hop.explanation.key, hop.explanation.params)).toContain('CNI-DN-');
    expect(renderTraceMessage('zh', hop.explanation.key, hop.explanation.params)).toContain('CNI-DN-');
  });

  it('a node without the pod does not DNAT: nothing listens on its port 80 (connection refused)', () => {
    const l = lab();
    const r = trace(l, req('external:laptop', `http://${NODE1}/`), newTraceSession('t'));
    expect(r.outcome).toBe('refused');
    expect(r.hops.some((h) => h.action === 'dnat')).toBe(false);
    expect(r.hops.at(-1)!.explanation.key).toBe('hop.deliver.nodeNotListening');
    expect(r.fault).toMatchObject({ kind: 'Node', name: 'node-1' });
  });

  it('another port of the right node is not forwarded either', () => {
    const r = trace(lab(), req('external:laptop', `http://${NODE2}:81/`), newTraceSession('t'));
    expect(r.outcome).toBe('refused');
    expect(r.hops.some((h) => h.action === 'dnat')).toBe(false);
  });

  it('a pod on the same node (hairpin) is marked by CNI-HOSTPORT-SETMARK and masqueraded by CNI-HOSTPORT-MASQ', () => {
    const l = lab();
    const r = trace(l, req('pod:default/client-2', `http://${NODE2}/`), newTraceSession('t'));
    expect(r.outcome).toBe('response');
    const dnat = r.hops.find((h) => h.action === 'dnat')!;
    expect(dnat.refs.map((x) => x.line)).toContain(
      '-A CNI-HOSTPORT-SETMARK -m comment --comment "CNI portfwd masquerade mark" -j MARK --set-xmark 0x2000/0x2000',
    );
    const snat = r.hops.find((h) => h.action === 'snat')!;
    expect(snat.explanation.key).toBe('hop.portmap.masq');
    expect(snat.refs.at(-1)!.line).toBe('-A CNI-HOSTPORT-MASQ -m mark --mark 0x2000/0x2000 -j MASQUERADE');
    expect(snat.after.src).toBe(NODE2);
    expect(r.backend!.sourceIP).toBe(NODE2);
  });

  it('a pod on another node: routed to node-2, whose rules DNAT it (no masquerade: another subnet)', () => {
    const l = lab();
    const r = trace(l, req('pod:default/client-1', `http://${NODE2}/`), newTraceSession('t'));
    expect(r.outcome).toBe('response');
    const route = r.hops.findIndex((h) => h.action === 'route' && h.edge?.to === 'node:node-2');
    const dnat = r.hops.findIndex((h) => h.action === 'dnat');
    expect(route).toBeGreaterThanOrEqual(0);
    expect(dnat).toBeGreaterThan(route);
    expect(r.hops[dnat]!.refs.at(-1)!.artifact).toBe('node/node-2/iptables-save');
    expect(r.hops.some((h) => h.action === 'snat')).toBe(false);
    expect(r.backend!.sourceIP).toBe(podIP(l, 'client-1'));
  });

  it('localhost on the node: OUTPUT jumps to CNI-HOSTPORT-DNAT and the source 127.0.0.1 is masqueraded', () => {
    const l = lab();
    const r = trace(l, req('node:node-2', 'http://127.0.0.1/'), newTraceSession('t'));
    expect(r.outcome).toBe('response');
    const dnat = r.hops.find((h) => h.action === 'dnat')!;
    expect(dnat.refs.map((x) => x.line)).toContain('-A OUTPUT -m addrtype --dst-type LOCAL -j CNI-HOSTPORT-DNAT');
    expect(r.backend!.sourceIP).toBe(NODE2);
  });

  const onHostPortsPort = "%s mode: a ClusterIP on the hostPort's port is kube-proxy's, not the hostPort pod's";
  it.each(['iptables', 'ipvs'] as const)(onHostPortsPort, (mode) => {
    // In IPVS mode ClusterIPs are local addresses (kube-ipvs0), so portmap's --dst-type LOCAL jump
    // would catch them; kube-proxy's `-m set --match-set KUBE-CLUSTER-IP dst,dst -j ACCEPT` in nat
    // KUBE-SERVICES, reached first, ends the nat walk before it (kubernetes#62718).
    const spec = { selector: { app: 'client-1' }, ports: [{ port: 80, targetPort: 8080 }] };
    const metadata = { name: 'web', namespace: 'default' };
    const svc = { apiVersion: 'v1', kind: 'Service', metadata, spec } as KubeObject;
    const l = lab(mode, {}, [...objects(), svc]);
    const clusterIP = l.cluster.services.find((x) => x.metadata.name === 'web')!.spec.clusterIP!;
    const r = trace(l, req('pod:default/client-2', `http://${clusterIP}/`), newTraceSession('t'));
    expect(r.outcome).toBe('response');
    expect(r.backendPod).toBe('default/client-1');
    expect(r.hops.some((h) => h.explanation.key === 'hop.deliver.hostPort')).toBe(false);
  });

  it.each([
    ['iptables', {}],
    ['ipvs', {}],
    ['nftables', {}],
    ['userspace', { kubernetesVersion: '1.25' }],
  ] as const)('%s mode: a hostPort pod added later gets its rules with no kube-proxy sync; deleted, not', (mode, s) => {
    const syncs = (l: { events: { source?: string }[] }) => l.events.filter((e) => e.source === 'kube-proxy').length;
    const l = lab(mode, s, objects().filter((o) => o.metadata.name !== 'edge'));
    expect(trace(l, req('external:laptop', `http://${NODE2}/`), newTraceSession('t')).outcome).toBe('refused');
    const added = updateLab(l, { kind: 'apply', object: pod('edge', 'node-2', 80) });
    expect(syncs(added)).toBe(syncs(l));
    const r = trace(added, req('external:laptop', `http://${NODE2}/`), newTraceSession('t'));
    expect(r.outcome).toBe('response');
    expect(r.hops.find((h) => h.action === 'dnat')!.refs.at(-1)!.line).toMatch(DNAT_LINE);
    const removed = updateLab(added, { kind: 'delete', ref: { kind: 'Pod', namespace: 'default', name: 'edge' } });
    expect(trace(removed, req('external:laptop', `http://${NODE2}/`), newTraceSession('t')).outcome).toBe('refused');
    const hasPortmapChain = (a: { lines: { text: string }[] }) => a.lines.some((x) => x.text.includes('CNI-DN-'));
    expect(removed.proxies['node-2']!.artifacts.some(hasPortmapChain)).toBe(false);
  });
});
