// The reply walked like the request (issue 17): each node's conntrack reverses only what that node
// translated, and a reply that skips the node which DNATed the request reaches the client from an
// address it never called: its kernel answers with a reset and the request times out.

import { describe, expect, it } from 'vitest';
import type { KubeObject, OtherObject, Pod, Service } from '../api/types';
import { buildLab } from '../assembly/lab';
import type { ExternalClient } from '../cluster';
import { defaultLabSettings, type LabSettings, type ProxyMode } from '../lab';
import { renderExplanation } from './messages';
import { renderNoteWith } from '../notes';
import { Connections, walkReply, type Party, type ReplyHop } from './reply';
import { networkIndexOf, newTraceSession, parseSource, trace, type TraceRequest } from './trace';
import { networkOf } from '../node/routes';
import type { Hop, TraceResult } from './types';
import { podNamed } from './named';

const NODE1 = '192.168.49.2';
const NODE2 = '192.168.49.3';
const NODE3 = '192.168.49.4';

function node(name: string, ip: string): OtherObject {
  const status = { addresses: [{ type: 'InternalIP', address: ip }] };
  return { apiVersion: 'v1', kind: 'Node', metadata: { name }, status } as OtherObject;
}

function pod(name: string, nodeName: string, labels: Record<string, string>, extra: Partial<Pod['spec']> = {}): Pod {
  const containers = [{ name: 'app', image: 'nginx', ports: [{ name: 'http', containerPort: 8080 }] }];
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', labels },
    spec: { nodeName, containers, ...extra },
  };
}

function service(name: string, spec: Partial<Service['spec']>): Service {
  const ports = [{ name: 'http', port: 80, targetPort: 'http', nodePort: 30081 }];
  const metadata = { name, namespace: 'default' };
  return { apiVersion: 'v1', kind: 'Service', metadata, spec: { selector: { app: name }, ports, ...spec } };
}

const clients: ExternalClient[] = [{ name: 'laptop', address: '203.0.113.7' }];

/** Three nodes; the only `web` endpoint runs on node-1; client pods on node-1 and node-3. */
function objects(policy: 'Local' | 'Cluster'): (KubeObject | OtherObject)[] {
  return [
    node('node-1', NODE1),
    node('node-2', NODE2),
    node('node-3', NODE3),
    pod('web-1', 'node-1', { app: 'web' }),
    pod('client-1', 'node-1', { app: 'client' }),
    pod('client-3', 'node-3', { app: 'client' }),
    service('web', { type: 'NodePort', externalTrafficPolicy: policy }),
  ];
}

function lab(mode: ProxyMode, objs: (KubeObject | OtherObject)[], settings: Partial<LabSettings> = {}) {
  const s = defaultLabSettings();
  const kubeProxy = { ...s.kubeProxy, mode };
  const l = buildLab({ settings: { ...s, ...settings, kubeProxy }, objects: objs, clients });
  expect(l.problems).toEqual([]);
  return l;
}

function run(l: ReturnType<typeof lab>, from: string, url: string): TraceResult {
  const f = parseSource(from);
  if ('error' in f) throw new Error(f.error);
  const req: TraceRequest = { from: f, url };
  return trace(l, req, newTraceSession('reply'));
}

const replyHops = (r: TraceResult): Hop[] => r.hops.filter((h) => h.direction === 'reply');
const forwardHops = (r: TraceResult): Hop[] => r.hops.filter((h) => h.direction === undefined);

/** The places and actions of the reply, in order. */
const replyPath = (r: TraceResult) => replyHops(r).map((h) => [h.place.id, h.action]);

/** The request was answered and its reply went `path` (place, action): the reply's hops. */
function answered(r: TraceResult, path: string[][], mode?: string): Hop[] {
  expect(r.outcome, mode).toBe('response');
  expect(replyPath(r), mode).toEqual(path);
  return replyHops(r);
}

/** `from` calls Service `name`'s ClusterIP: the ClusterIP and the result. */
function callClusterIP(l: ReturnType<typeof lab>, from: string, name = 'web'): { ip: string; r: TraceResult } {
  const ip = l.cluster.services.find((s) => s.metadata.name === name)!.spec.clusterIP!;
  return { ip, r: run(l, from, `http://${ip}/`) };
}

function podIP(l: ReturnType<typeof lab>, name: string): string {
  const p = l.cluster.pods.find((x) => x.metadata.name === name);
  return p!.status!.podIP!;
}

describe('the reply of an externalTrafficPolicy: Local NodePort called from a pod (kubernetes#74383)', () => {
  for (const mode of ['iptables', 'nftables'] as const) {
    it(`${mode}: client on the endpoint's node, NodePort of node-2: the reply skips node-2 and is reset`, () => {
      const l = lab(mode, objects('Local'));
      const r = run(l, 'pod:default/client-1', `http://${NODE2}:30081/`);
      // The request went through: node-2 DNATed it to the endpoint without masquerading.
      expect(r.backendPod).toBe('default/web-1');
      expect(r.backend?.sourceIP).toBe(podIP(l, 'client-1'));
      const dnat = forwardHops(r).find((h) => h.action === 'dnat');
      expect(dnat?.place).toMatchObject({ kind: 'node', node: 'node-2' });
      expect(forwardHops(r).some((h) => h.action === 'snat')).toBe(false);
      // The reply: web-1 answers, node-1 routes it straight to client-1, whose kernel resets it.
      expect(replyPath(r)).toEqual([
        ['pod:default/web-1', 'respond'],
        ['node:node-1', 'route'],
        ['pod:default/client-1', 'reject'],
      ]);
      const reply = replyHops(r);
      expect(reply[1]!.conntrack).toEqual([]);
      const webToClient = { src: podIP(l, 'web-1'), srcPort: 8080, dst: podIP(l, 'client-1') };
      expect(reply.at(-1)!.before).toMatchObject(webToClient);
      expect(r.outcome).toBe('timeout');
      expect(r.status).toBeNull();
      expect(r.fault).toMatchObject({ kind: 'Service', name: 'web', field: 'spec.externalTrafficPolicy' });
      expect(r.fault?.note?.key).toBe('note.fault.replyBypassed');
      expect(r.fault?.note?.params).toMatchObject({ node: 'node-2', endpointNode: 'node-1', path: 'node-1' });
      // node-2's entry never saw its reply.
      const [client, web] = [podIP(l, 'client-1'), podIP(l, 'web-1')];
      const entry = new RegExp(
        `^tcp {6}6 119 SYN_SENT src=${client} dst=${NODE2} sport=\\d+ dport=30081 \\[UNREPLIED\\] ` +
          `src=${web} dst=${client} sport=8080 dport=\\d+ mark=0 use=1$`,
      );
      expect(String(r.fault?.note?.params.entry)).toMatch(entry);
      expect(r.fault?.message).toContain('externalTrafficPolicy: Cluster');
    });

    it(`${mode}: client on a third node: the reply goes node-1 -> node-3, which never saw the SYN`, () => {
      const l = lab(mode, objects('Local'));
      const r = run(l, 'pod:default/client-3', `http://${NODE2}:30081/`);
      expect(r.backendPod).toBe('default/web-1');
      expect(r.backend?.sourceIP).toBe(podIP(l, 'client-3'));
      const hops = replyHops(r);
      expect(r.outcome).toBe('timeout');
      // Each node's routing table chose the way: the hop names the `ip route` line.
      expect(hops[1]!.refs.at(-1)?.artifact).toBe('node/node-1/ip-route');
      expect(hops[1]!.refs.at(-1)?.line).toMatch(/via 192\.168\.49\.4/);
      if (mode === 'iptables') {
        // node-3's conntrack calls the SYN-ACK INVALID; kube-proxy's KUBE-FORWARD drops it there.
        expect(replyPath(r)).toEqual([
          ['pod:default/web-1', 'respond'],
          ['node:node-1', 'route'],
          ['node:node-3', 'drop'],
        ]);
        expect(hops[2]!.explanation.key).toBe('hop.reply.invalid');
        expect(hops[2]!.refs.at(-1)?.artifact).toBe('node/node-3/iptables-save');
        expect(hops[2]!.refs.at(-1)?.line).toMatch(/^-A KUBE-FORWARD .*--ctstate INVALID .*-j DROP$/);
        expect(r.fault?.note?.key).toBe('note.fault.replyInvalidBypassed');
        const params = { node: 'node-3', dnatNode: 'node-2', path: 'node-1 -> node-3' };
        expect(r.fault?.note?.params).toMatchObject(params);
        expect(r.fault?.message).toContain('client-3 never got it and timed out');
        return;
      }
      // kube-proxy's nftables rules filter only new connections: the INVALID SYN-ACK goes through.
      expect(replyPath(r)).toEqual([
        ['pod:default/web-1', 'respond'],
        ['node:node-1', 'route'],
        ['node:node-3', 'route'],
        ['pod:default/client-3', 'reject'],
      ]);
      expect(r.fault?.note?.params).toMatchObject({ node: 'node-2', path: 'node-1 -> node-3' });
      expect(hops[2]!.refs.at(-1)?.artifact).toBe('node/node-3/ip-route');
    });

    it(`${mode}: externalTrafficPolicy: Cluster masquerades, so the reply returns through node-2`, () => {
      const l = lab(mode, objects('Cluster'));
      const r = run(l, 'pod:default/client-1', `http://${NODE2}:30081/`);
      expect(r.backend?.sourceIP).toBe(NODE2);
      const reply = answered(r, [
        ['pod:default/web-1', 'respond'],
        ['node:node-1', 'route'],
        ['node:node-2', 'unnat'],
        ['node:node-1', 'route'],
        ['pod:default/client-1', 'deliver'],
      ]);
      const undo = reply[2]!;
      expect(undo.before).toMatchObject({ src: podIP(l, 'web-1'), srcPort: 8080, dst: NODE2 });
      expect(undo.after).toMatchObject({ src: NODE2, srcPort: 30081, dst: podIP(l, 'client-1') });
      expect(undo.conntrack).toHaveLength(1);
      expect(undo.conntrack![0]!.node).toBe('node-2');
      expect(undo.conntrack![0]!.entry).toMatch(
        new RegExp(
          '^tcp {6}6 431999 ESTABLISHED src=\\S+ dst=192\\.168\\.49\\.3 sport=\\d+ dport=30081 ' +
            'src=\\S+ dst=192\\.168\\.49\\.3 sport=8080 dport=\\d+ \\[ASSURED\\] mark=0 use=1$',
        ),
      );
    });

    it(`${mode}: calling the NodePort on the endpoint's own node works (DNAT and reply on node-1)`, () => {
      const l = lab(mode, objects('Local'));
      const r = run(l, 'pod:default/client-3', `http://${NODE1}:30081/`);
      expect(r.outcome).toBe('response');
      expect(replyHops(r).at(-1)).toMatchObject({ action: 'deliver', place: { id: 'pod:default/client-3' } });
    });
  }

  it("ipvs: ETP Cluster masquerades (KUBE-NODE-PORT marks it), so IPVS's entry on node-2 answers", () => {
    const l = lab('ipvs', objects('Cluster'));
    const r = run(l, 'pod:default/client-1', `http://${NODE2}:30081/`);
    expect(r.outcome).toBe('response');
    expect(r.backend?.sourceIP).toBe(NODE2);
    const undo = replyHops(r).find((h) => h.action === 'unnat')!;
    expect(undo.place).toMatchObject({ node: 'node-2' });
    expect(undo.after).toMatchObject({ src: NODE2, srcPort: 30081, dst: podIP(l, 'client-1') });
  });

  it('ipvs: node-2\'s NodePort virtual server has only local endpoints (no pod-source exception): refused', () => {
    const l = lab('ipvs', objects('Local'));
    const r = run(l, 'pod:default/client-1', `http://${NODE2}:30081/`);
    expect(r.outcome).toBe('refused');
    expect(replyHops(r)).toEqual([]);
  });

  it('the English and Chinese fault and hop texts name the node, the path and the fixes', () => {
    const l = lab('iptables', objects('Local'));
    const r = run(l, 'pod:default/client-1', `http://${NODE2}:30081/`);
    const zh = renderNoteWith('zh', r.fault!.note!);
    expect(zh).toContain('node-2');
    expect(zh).toContain('externalTrafficPolicy: Cluster');
    expect(renderExplanation('en', replyHops(r).at(-1)!.explanation)).toContain('reset');
  });
});

describe('replies that come back through the translating node', () => {
  it('a ClusterIP from a pod on another node: the client node undoes its own DNAT', () => {
    const { ip, r } = callClusterIP(lab('iptables', objects('Cluster')), 'pod:default/client-3');
    const reply = answered(r, [
      ['pod:default/web-1', 'respond'],
      ['node:node-1', 'route'],
      ['node:node-3', 'unnat'],
      ['pod:default/client-3', 'deliver'],
    ]);
    expect(reply[2]!.after).toMatchObject({ src: ip, srcPort: 80 });
  });

  it('an outside client through an ETP Cluster NodePort: node-2 de-masquerades and un-DNATs', () => {
    const l = lab('iptables', objects('Cluster'));
    const r = run(l, 'external:laptop', `http://${NODE2}:30081/`);
    const reply = answered(r, [
      ['pod:default/web-1', 'respond'],
      ['node:node-1', 'route'],
      ['node:node-2', 'unnat'],
      ['client:laptop', 'deliver'],
    ]);
    expect(reply[2]!.explanation.key).toBe('hop.reply.unnatBoth');
    expect(reply[2]!.after).toMatchObject({ src: NODE2, srcPort: 30081, dst: '203.0.113.7' });
  });

  it('hairpin: a pod reaching itself through its Service is masqueraded; the reply comes back through the node', () => {
    const solo = service('solo', { ports: [{ name: 'http', port: 80, targetPort: 'http' }] });
    for (const mode of ['iptables', 'nftables', 'ipvs'] as const) {
      const l = lab(mode, [node('node-1', NODE1), node('node-2', NODE2), pod('solo', 'node-1', { app: 'solo' }), solo]);
      const { ip, r } = callClusterIP(l, 'pod:default/solo', 'solo');
      expect(r.backendPod).toBe('default/solo');
      const reply = answered(
        r,
        [
          ['pod:default/solo', 'respond'],
          ['node:node-1', 'unnat'],
          ['pod:default/solo', 'deliver'],
        ],
        mode,
      );
      expect(reply[1]!.after).toMatchObject({ src: ip, srcPort: 80, dst: podIP(l, 'solo') });
    }
  });

  it('userspace: kube-proxy\'s own connection is answered first, then the client\'s', () => {
    const l = lab('userspace', objects('Cluster'), { kubernetesVersion: '1.25' });
    const { ip, r } = callClusterIP(l, 'pod:default/client-3');
    expect(r.outcome).toBe('response');
    const reply = replyHops(r);
    // The endpoint sees node-3's address: kube-proxy dialed it; that connection needs no NAT.
    expect(r.backend?.sourceIP).toBe(NODE3);
    expect(reply.map((h) => [h.place.id, h.action, h.explanation.key])).toEqual([
      ['pod:default/web-1', 'respond', 'hop.reply.respond'],
      ['node:node-1', 'route', 'hop.reply.route'],
      ['node:node-3', 'route', 'hop.reply.route'],
      ['node:node-3', 'deliver', 'hop.reply.deliver'],
      // kube-proxy answers the client's connection, which node-3 REDIRECTed to its socket.
      ['node:node-3', 'respond', 'hop.reply.relay'],
      ['node:node-3', 'unnat', 'hop.reply.unDnat'],
      ['pod:default/client-3', 'deliver', 'hop.reply.deliver'],
    ]);
    expect(reply[5]!.after).toMatchObject({ src: ip, srcPort: 80 });
  });

  it('a host-network backend answers from the node itself; its node undoes the DNAT', () => {
    const objs = [
      node('node-1', NODE1),
      node('node-2', NODE2),
      pod('agent', 'node-1', { app: 'agent' }, { hostNetwork: true }),
      pod('client', 'node-2', { app: 'client' }),
      service('agent', { ports: [{ name: 'http', port: 80, targetPort: 8080 }] }),
    ];
    const { r } = callClusterIP(lab('iptables', objs), 'pod:default/client', 'agent');
    answered(r, [
      ['pod:default/agent', 'respond'],
      ['node:node-1', 'route'],
      ['node:node-2', 'unnat'],
      ['pod:default/client', 'deliver'],
    ]);
  });
});

describe('the reply machinery on its own: each node reverses only what it translated', () => {
  const l = () => {
    const pods = [pod('solo', 'node-1', { app: 'solo' }), pod('peer', 'node-2', { app: 'peer' })];
    return lab('iptables', [node('node-1', NODE1), node('node-2', NODE2), ...pods]);
  };
  const podParty = (l: ReturnType<typeof lab>, name: string, nodeName: string): Party => ({
    kind: 'pod',
    place: { kind: 'pod', id: `pod:default/${name}`, pod: `default/${name}`, node: nodeName },
    pod: `default/${name}`,
    ip: podIP(l, name),
    node: nodeName,
  });

  function walk(l: ReturnType<typeof lab>, conns: Connections) {
    const hops: ReplyHop[] = [];
    const ctx = { cluster: l.cluster, net: networkIndexOf(l), podNetwork: networkOf(l), conns, record: true };
    const end = walkReply({ ...ctx, hop: (h) => hops.push(h) }, { status: 200 });
    return { end, hops };
  }

  /** Pod `client` on `clientNode` connects to ClusterIP 10.96.0.50:80 from `srcPort`; `dnatNode` DNATs it to
   *  solo:8080 on node-1. The reply walked back. */
  function toSolo(lb: ReturnType<typeof lab>, from: [pod: string, node: string], dnatNode: string, srcPort: number) {
    const [client, clientNode] = from;
    const conns = new Connections();
    const first = { protocol: 'TCP' as const, src: podIP(lb, client), srcPort, dst: '10.96.0.50', dstPort: 80 };
    const dnated = { ...first, dst: podIP(lb, 'solo'), dstPort: 8080 };
    conns.open(podParty(lb, client, clientNode), podNamed(`default/${client}`), first);
    conns.translated(dnatNode, first, dnated, 'iptables');
    conns.accept(podParty(lb, 'solo', 'node-1'), dnated);
    return walk(lb, conns);
  }

  it('a hairpin nothing masqueraded: the answer stays in the pod and is reset (the DNAT was node-1\'s)', () => {
    const { end, hops } = toSolo(l(), ['solo', 'node-1'], 'node-1', 40000);
    expect(hops.map((h) => [h.place.id, h.action])).toEqual([
      ['pod:default/solo', 'respond'],
      ['pod:default/solo', 'reject'],
    ]);
    expect(hops[0]!.key).toBe('hop.reply.synAck');
    expect(end.delivered).toBe(false);
    if (!end.delivered) expect(end.fault.note?.key).toBe('note.fault.replyHairpin');
  });

  it('an entry on a node the reply does not cross is not applied; the one on the node it crosses is', () => {
    const lb = l();
    // peer (node-2) -> a ClusterIP, DNATed on node-2 (the client's node) to solo on node-1.
    const { end, hops } = toSolo(lb, ['peer', 'node-2'], 'node-2', 40001);
    expect(end.delivered).toBe(true);
    expect(hops.map((h) => [h.place.id, h.action, (h.conntrack ?? []).map((c) => c.node)])).toEqual([
      ['pod:default/solo', 'respond', []],
      ['node:node-1', 'route', []],
      ['node:node-2', 'unnat', ['node-2']],
      ['pod:default/peer', 'deliver', []],
    ]);
    const fromClusterIP = { src: '10.96.0.50', srcPort: 80, dst: podIP(lb, 'peer'), dstPort: 40001 };
    expect(hops[3]!.before).toMatchObject(fromClusterIP);
  });
});

describe('replies to host-network clients', () => {
  it('a process on node-3 calls a ClusterIP: node-3 DNATed it in OUTPUT and undoes it for the reply', () => {
    const { ip, r } = callClusterIP(lab('iptables', objects('Cluster')), 'node:node-3');
    const reply = answered(r, [
      ['pod:default/web-1', 'respond'],
      ['node:node-1', 'route'],
      ['node:node-3', 'unnat'],
      ['node:node-3', 'deliver'],
    ]);
    expect(reply.at(-1)!.before).toMatchObject({ src: ip, srcPort: 80, dst: NODE3 });
  });

  it('a hostNetwork pod calls another node\'s NodePort (Local policy): no pod source, no short-cut, dropped', () => {
    const objs = [...objects('Local'), pod('agent', 'node-3', { app: 'agent' }, { hostNetwork: true })];
    const l = lab('iptables', objs);
    const r = run(l, 'pod:default/agent', `http://${NODE2}:30081/`);
    // kube-proxy sends only pod-sourced traffic to the cluster-wide chain; a node address is external.
    expect(r.outcome).toBe('timeout');
    expect(replyHops(r)).toEqual([]);
  });
});
