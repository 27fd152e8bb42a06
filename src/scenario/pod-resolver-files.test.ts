// What a pod's resolver reads, as the kubelet writes it: /etc/hosts first (its own name, localhost,
// spec.hostAliases; no packet leaves for it), then the nameserver of its /etc/resolv.conf. With
// dnsPolicy Default that nameserver is the node's resolver outside the cluster, whose answers are the
// public ones: the DNS hop cites the pod's nameserver line and that resolver's listing, never CoreDNS.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { KubeObject, OtherObject } from '../sim/api/types';
import { buildLab, type Lab } from '../sim/assembly/lab';
import { newTraceSession, parseSource, trace } from '../sim/trace/trace';
import type { Hop } from '../sim/trace/types';
import { loadScenarioText } from './index';

const H_YAML = `apiVersion: v1
kind: Pod
metadata: {name: client, labels: {app: client}}
spec:
  hostAliases: [{ip: "10.244.1.9", hostnames: ["foo.local"]}]
  containers: [{name: c, image: curlimages/curl}]
---
apiVersion: v1
kind: Pod
metadata: {name: dflt}
spec:
  dnsPolicy: Default
  containers: [{name: c, image: curlimages/curl}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template: {metadata: {labels: {app: web}}, spec: {containers: [{name: c, image: nginx, ports: [{containerPort: 80}]}]}}
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec: {selector: {app: web}, ports: [{port: 80}]}
`;

function labOf(name: string, text: string, more: (KubeObject | OtherObject)[] = []): Lab {
  const r = loadScenarioText(name, text);
  if (!r.ok) throw new Error(`${name} does not load: ${r.problems.map((p) => p.message).join('; ')}`);
  const { settings, objects, clients } = r.scenario;
  const lab = buildLab({ settings, objects: [...objects, ...more], clients });
  expect(lab.problems).toEqual([]);
  return lab;
}

const builtin = (file: string, more: (KubeObject | OtherObject)[] = []) =>
  labOf(file, readFileSync(join(__dirname, '../../scenarios', file), 'utf8'), more);

function firstHop(l: Lab, from: string, url: string): Hop {
  const source = parseSource(from);
  if ('error' in source) throw new Error(source.error);
  const hop = trace(l, { from: source, url }, newTraceSession('t')).hops[0]!;
  expect(hop.place.kind).toBe('dns');
  // Every line a hop cites is the line the viewer shows for that artifact.
  for (const ref of hop.refs) expect(l.artifacts[ref.artifact]?.lines[ref.lineIndex]?.text).toBe(ref.line);
  return hop;
}

const cited = (hop: Hop) => hop.refs.map((r) => [r.artifact, r.line]);
const podIP = (l: Lab, name: string) => l.cluster.pods.find((p) => p.metadata.name === name)!.status!.podIP!;

/** A hosts lookup sends nothing: the hop turns the URL's name into the address, at the sender. */
function expectNoPacket(hop: Hop, name: string, address: string, port: number) {
  expect(hop.explanation.key).toBe('hop.resolve.hosts');
  expect(hop.edge).toBeUndefined();
  expect(hop.before).toMatchObject({ protocol: 'TCP', dst: name, dstPort: port });
  expect(hop.after).toMatchObject({ protocol: 'TCP', dst: address, dstPort: port });
  expect(hop.changed).toEqual(['dst']);
}

describe("a pod's /etc/hosts", () => {
  const l = labOf('h.yaml', H_YAML);

  it('answers the pod its own name from the line the kubelet wrote, and no packet leaves', () => {
    const hop = firstHop(l, 'pod:default/client', 'http://client/');
    const ip = podIP(l, 'client');
    expect(hop.place).toEqual({ kind: 'dns', id: 'pod:default/client', server: 'hosts' });
    expect(cited(hop)).toEqual([['pod/default/client/hosts', `${ip}\tclient`]]);
    expectNoPacket(hop, 'client', ip, 80);
  });

  it('answers a spec.hostAliases name from its line', () => {
    const hop = firstHop(l, 'pod:default/client', 'http://foo.local:8080/');
    expect(cited(hop)).toEqual([['pod/default/client/hosts', '10.244.1.9\tfoo.local']]);
    expectNoPacket(hop, 'foo.local', '10.244.1.9', 8080);
  });

  it('is shown as the kubelet writes it, and a name it lacks goes on to cluster DNS', () => {
    const file = l.artifacts['pod/default/client/hosts']!.lines.map((x) => x.text);
    expect(file[0]).toBe('# Kubernetes-managed hosts file.');
    expect(file.slice(-3)).toEqual(['', '# Entries added by HostAliases.', '10.244.1.9\tfoo.local']);
    const hop = firstHop(l, 'pod:default/client', 'http://web/');
    expect(hop.explanation.key).toBe('hop.resolve.cluster');
    expect(hop.before).toMatchObject({ protocol: 'UDP', dst: '10.96.0.10', dstPort: 53 });
  });
});

describe('dnsPolicy Default', () => {
  it("asks the node's resolver and cites the pod's nameserver line and that resolver's answer, not CoreDNS", () => {
    const l = labOf('h.yaml', H_YAML);
    const hop = firstHop(l, 'pod:default/dflt', 'http://web.default.svc.cluster.local/');
    expect(hop.place).toEqual({ kind: 'dns', id: 'dns:192.168.49.1', server: '192.168.49.1' });
    expect(hop.before).toMatchObject({ protocol: 'UDP', dst: '192.168.49.1', dstPort: 53 });
    expect(hop.explanation.key).toBe('hop.resolve.nxdomain');
    expect(hop.refs.map((r) => [r.artifact, r.ref])).toEqual([
      ['pod/default/dflt/resolv.conf', 'resolv/nameserver/0'],
      ['dns/outside', 'upstream/nxdomain'],
    ]);
  });

  it('gets a public name from the resolver outside the lab', () => {
    const dflt = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'dflt', namespace: 'default' },
      spec: { dnsPolicy: 'Default', containers: [{ name: 'c', image: 'curlimages/curl' }] },
    } as KubeObject;
    const hop = firstHop(builtin('default.json', [dflt]), 'pod:default/dflt', 'http://web.example.com/');
    expect(hop.explanation.key).toBe('hop.resolve.upstream');
    expect(cited(hop)).toEqual([
      ['pod/default/dflt/resolv.conf', 'nameserver 192.168.49.1'],
      ['dns/outside', 'web.example.com.\t30\tIN\tA\t192.168.49.240'],
    ]);
  });

  it("gives the pod the node's resolv.conf: no empty search line, no options the node has not", () => {
    const l = labOf('h.yaml', H_YAML);
    const text = (id: string) => l.artifacts[id]!.lines.map((x) => x.text);
    expect(text('pod/default/dflt/resolv.conf')).toEqual(['nameserver 192.168.49.1']);
    expect(text('node/node-1/resolv.conf')).toEqual(text('pod/default/dflt/resolv.conf'));
  });
});

describe('a node process', () => {
  it('reads the node\'s /etc/hosts: localhost is 127.0.0.1, without asking DNS', () => {
    const l = builtin('default.json');
    const hop = firstHop(l, 'node:node-2', 'http://localhost:30080/');
    expect(cited(hop)).toEqual([['node/node-2/hosts', '127.0.0.1\tlocalhost']]);
    expectNoPacket(hop, 'localhost', '127.0.0.1', 30080);
  });
});

describe("an outside client's /etc/hosts", () => {
  it('sends no packet for a name its file has (no UDP to "hosts" port 53)', () => {
    const hop = firstHop(builtin('ingress-nodeport-hosts.json'), 'external:laptop', 'http://dev.cbuc.cn:30080/');
    expect(cited(hop)).toEqual([['client/laptop/hosts', '192.168.49.2\tdev.cbuc.cn']]);
    expectNoPacket(hop, 'dev.cbuc.cn', '192.168.49.2', 30080);
  });
});
