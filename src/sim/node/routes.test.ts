// Each node's routing table as `ip route` prints it, and the kernel's lookup over it: the local
// table first, then the longest prefix; the pod network's hops in a trace come from these lines.

import { describe, expect, it } from 'vitest';
import type { KubeObject, OtherObject, Pod } from '../api/types';
import { artifactText } from '../artifact';
import { buildLab } from '../assembly/lab';
import { defaultLabSettings } from '../lab';
import { vethName } from './interfaces';
import { updateLab } from '../assembly/update';
import { addressOwner, lookupRoute, networkOf, nodeRoutes, routeFrom } from './routes';
import { newTraceSession, trace } from '../trace/trace';

function node(name: string, addresses: { type: string; address: string }[], podCIDR?: string): OtherObject {
  const spec = podCIDR ? { spec: { podCIDR } } : {};
  return { apiVersion: 'v1', kind: 'Node', metadata: { name }, ...spec, status: { addresses } } as OtherObject;
}

function pod(name: string, nodeName: string, extra: { ip?: string; hostNetwork?: boolean } = {}): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default' },
    spec: {
      nodeName,
      ...(extra.hostNetwork ? { hostNetwork: true } : {}),
      containers: [{ name: 'app', image: 'nginx', ports: [{ containerPort: 80 }] }],
    },
    ...(extra.ip ? { status: { podIP: extra.ip } } : {}),
  };
}

function objects(): (KubeObject | OtherObject)[] {
  return [
    node('node-1', [{ type: 'InternalIP', address: '192.168.49.2' }]),
    node('node-2', [{ type: 'InternalIP', address: '192.168.49.3' }, { type: 'ExternalIP', address: '198.51.100.3' }]),
    pod('a', 'node-1'),
    pod('b', 'node-2'),
    pod('c', 'node-1'),
    pod('agent', 'node-1', { hostNetwork: true }),
  ];
}

function cluster(objs = objects()) {
  const lab = buildLab({ settings: defaultLabSettings(), objects: objs });
  expect(lab.problems).toEqual([]);
  return lab.cluster;
}

function ipOf(c: ReturnType<typeof cluster>, name: string): string {
  return c.pods.find((p) => p.metadata.name === name)!.status!.podIP!;
}

describe('a node routing table', () => {
  it('prints as ip -4 route show table all: main by destination, then the local table', () => {
    const c = cluster();
    const t = nodeRoutes(c, 'node-1')!;
    const veth = (name: string) => vethName('default', name);
    expect(ipOf(c, 'a')).toBe('10.244.0.2');
    expect(artifactText(t.artifact()).split('\n').filter(Boolean)).toEqual([
      'default via 192.168.49.1 dev eth0',
      'blackhole 10.244.0.0/24 proto bird',
      `10.244.0.2 dev ${veth('a')} scope link`,
      `10.244.0.3 dev ${veth('c')} scope link`,
      '10.244.1.0/24 via 192.168.49.3 dev eth0 proto bird',
      '192.168.49.0/24 dev eth0 proto kernel scope link src 192.168.49.2',
      'local 127.0.0.0/8 dev lo table local proto kernel scope host src 127.0.0.1',
      'local 127.0.0.1 dev lo table local proto kernel scope host src 127.0.0.1',
      'broadcast 127.255.255.255 dev lo table local proto kernel scope link src 127.0.0.1',
      'local 192.168.49.2 dev eth0 table local proto kernel scope host src 192.168.49.2',
      'broadcast 192.168.49.255 dev eth0 table local proto kernel scope link src 192.168.49.2',
    ]);
    expect(t.artifact()).toMatchObject({ id: 'node/node-1/ip-route', kind: 'ip-route' });
  });

  it("names each pod's veth as Calico does: cali + sha1(namespace.name), 15 characters", () => {
    // `printf default.web-0 | sha1sum` starts 0d7763386da2...
    expect(vethName('default', 'web-0')).toBe('cali0d7763386da');
    expect(vethName('default', 'web-0')).not.toBe(vethName('default', 'web-1'));
  });

  it('gives the interfaces: lo, eth0 with every node address, one veth per pod, none for hostNetwork pods', () => {
    const c = cluster();
    const t1 = nodeRoutes(c, 'node-1')!;
    expect(t1.interfaces.map((i) => [i.name, i.addresses.map((a) => `${a.ip}/${a.prefix}`)])).toEqual([
      ['lo', ['127.0.0.1/8']],
      ['eth0', ['192.168.49.2/24']],
      [vethName('default', 'a'), []],
      [vethName('default', 'c'), []],
    ]);
    const t2 = nodeRoutes(c, 'node-2')!;
    const eth0 = t2.interfaces[1]!.addresses.map((a) => `${a.ip}/${a.prefix}`);
    expect(eth0).toEqual(['192.168.49.3/24', '198.51.100.3/32']);
    expect(nodeRoutes(c, 'node-9')).toBeNull();
  });
});

describe('the route lookup', () => {
  it('takes the longest prefix: a pod /32 over the blackhole of its block', () => {
    const c = cluster();
    const t = nodeRoutes(c, 'node-1')!;
    const hit = lookupRoute(t, '10.244.0.3')!;
    expect(hit.route).toMatchObject({ dev: vethName('default', 'c'), pod: 'default/c', scope: 'link' });
    const line = `10.244.0.3 dev ${vethName('default', 'c')} scope link`;
    expect(hit.ref).toMatchObject({ artifact: 'node/node-1/ip-route', line, lineIndex: 3 });
    // An address of this node's block with no pod: the blackhole drops it.
    expect(lookupRoute(t, '10.244.0.200')!.route).toMatchObject({ type: 'blackhole', dst: { text: '10.244.0.0/24' } });
  });

  it("routes another node's block via that node's address", () => {
    const c = cluster();
    const r = routeFrom(c, 'node-1', ipOf(c, 'b'))!;
    expect(r.next).toEqual({ kind: 'node', node: 'node-2' });
    expect(r.table.refOf(r.route).line).toBe('10.244.1.0/24 via 192.168.49.3 dev eth0 proto bird');
    expect(routeFrom(c, 'node-2', ipOf(c, 'b'))!.next).toEqual({ kind: 'pod', pod: 'default/b' });
  });

  it('falls to the default route for anything else, and the node network route for its neighbours', () => {
    const c = cluster();
    const t = nodeRoutes(c, 'node-1')!;
    expect(lookupRoute(t, '203.0.113.7')!.ref.line).toBe('default via 192.168.49.1 dev eth0');
    expect(routeFrom(c, 'node-1', '203.0.113.7')!.next).toEqual({ kind: 'gateway', via: '192.168.49.1' });
    const toNode2 = routeFrom(c, 'node-1', '192.168.49.3')!;
    expect(toNode2.route.dst.text).toBe('192.168.49.0/24');
    expect(toNode2.next).toEqual({ kind: 'node', node: 'node-2' });
    expect(routeFrom(c, 'node-1', '192.168.49.77')!.next).toEqual({ kind: 'link', dst: '192.168.49.77' });
  });

  it('reaches a node in another subnet through the router (nodes across a cloud\'s zones)', () => {
    const objs = [
      node('node-1', [{ type: 'InternalIP', address: '172.31.5.10' }]),
      node('node-2', [{ type: 'InternalIP', address: '172.31.9.20' }]),
      pod('b', 'node-2'),
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'default' },
        spec: { type: 'NodePort', selector: { app: 'b' }, ports: [{ port: 80, nodePort: 31234 }] } } as KubeObject,
    ];
    objs[2]!.metadata.labels = { app: 'b' };
    const lab = buildLab({ settings: defaultLabSettings(), objects: objs });
    const back = routeFrom(lab.cluster, 'node-2', '172.31.5.10')!;
    expect(back.table.refOf(back.route).line).toBe('default via 172.31.9.1 dev eth0');
    expect(back.next).toEqual({ kind: 'node', node: 'node-1' });
    // node-1 DNATs and masquerades to the pod on node-2; the answer comes back to node-1 through the router.
    const external = { kind: 'external' as const };
    const res = trace(lab, { from: external, url: 'http://172.31.5.10:31234/' }, newTraceSession('x'));
    expect(res.outcome).toBe('response');
    expect(res.hops.filter((h) => h.direction === 'reply').map((h) => h.place.id)).toContain('node:node-1');
  });

  it("answers the node's own addresses from the local table first", () => {
    const c = cluster();
    const t = nodeRoutes(c, 'node-1')!;
    // 192.168.49.2 is inside the main table's 192.168.49.0/24 too; the local table is looked up first.
    expect(lookupRoute(t, '192.168.49.2')!.route).toMatchObject({ table: 'local', type: 'local' });
    const lo = 'local 127.0.0.0/8 dev lo table local proto kernel scope host src 127.0.0.1';
    expect(lookupRoute(t, '127.0.0.53')!.ref.line).toBe(lo);
    expect(routeFrom(c, 'node-1', '192.168.49.255')!.next).toEqual({ kind: 'local' });
    expect(lookupRoute(t, 'not-an-ip')).toBeNull();
  });

  it('routes a borrowed pod address (outside its node block) as a /32 via the node that has it', () => {
    const c = cluster([...objects(), pod('odd', 'node-2', { ip: '10.244.0.77' })]);
    const r = routeFrom(c, 'node-1', '10.244.0.77')!;
    expect(r.table.refOf(r.route).line).toBe('10.244.0.77 via 192.168.49.3 dev eth0 proto bird');
    expect(r.next).toEqual({ kind: 'node', node: 'node-2' });
  });
});

describe('which node owns an address', () => {
  it('is read from the routes: node addresses from local tables, pod addresses from veth routes', () => {
    const c = cluster();
    expect(addressOwner(c, '192.168.49.3')).toEqual({ node: 'node-2' });
    expect(addressOwner(c, '198.51.100.3')).toEqual({ node: 'node-2' });
    expect(addressOwner(c, ipOf(c, 'b'))).toEqual({ node: 'node-2', pod: 'default/b' });
    // A hostNetwork pod has the node's address, and no veth of its own.
    expect(addressOwner(c, ipOf(c, 'agent'))).toEqual({ node: 'node-1' });
    expect(addressOwner(c, '10.244.0.200')).toBeNull();
  });
});

describe('the pod network as a record of the lab', () => {
  it('is built once per lab, and an edit reuses the tables of nodes it left alone', () => {
    const lab = buildLab({ settings: defaultLabSettings(), objects: objects() });
    const net = networkOf(lab);
    expect(networkOf(lab)).toBe(net);
    const t1 = net.table('node-1')!;
    const t2 = net.table('node-2')!;
    // A pod on node-2: node-1's table is built from the same inputs, node-2's is not.
    const next = updateLab(lab, { kind: 'apply', object: pod('d', 'node-2') });
    const after = networkOf(next);
    expect(after).not.toBe(net);
    expect(after.table('node-1')).toBe(t1);
    expect(after.table('node-2')).not.toBe(t2);
    expect(artifactText(after.table('node-2')!.artifact())).toContain(vethName('default', 'd'));
    // A lab record without a network (put together by hand) gets a fresh one, equal in content.
    const fresh = networkOf({ cluster: lab.cluster });
    expect(fresh).not.toBe(net);
    expect(fresh.table('node-1')).not.toBe(t1);
    expect(artifactText(fresh.table('node-1')!.artifact())).toBe(artifactText(t1.artifact()));
  });
});
