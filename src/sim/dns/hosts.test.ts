// /etc/hosts as the kubelet writes it into a pod (kubelet_pods.go managedHostsFileContent,
// nodeHostsFileContent, hostsEntriesFromHostAliases), as Docker writes it on a kind/minikube node,
// and the resolver's `files` source reading it before DNS (curl, getent; not dig or nslookup).

import { describe, expect, it } from 'vitest';
import type { Node, Pod, PodSpec } from '../api/types';
import { EXTERNAL_RECORDS, labCluster, pod } from './fixtures';
import { clientHostsFile, lookupHosts, nodeHostsFile, podHostname, podHostsFile } from './hosts';
import { podHostsArtifactHead, renderHostsFile } from './render';
import { resolve, resolveExternal, resolverFor } from './resolver';
import { buildZone } from './zone';

const node: Node = {
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name: 'node-1' },
  status: { addresses: [{ type: 'InternalIP', address: '192.168.49.2' }] },
};
const cluster = { ...labCluster(), nodes: [node] };
const zone = buildZone(cluster, { externalRecords: EXTERNAL_RECORDS });

const withSpec = (spec: Partial<PodSpec>, ip = '10.244.1.7'): Pod => pod('shop', 'client', ip, { spec });
const text = (p: Pod) => podHostsFile(cluster, p).lines.map((l) => l.text);
const KUBELET_HEAD = [
  '# Kubernetes-managed hosts file.',
  '127.0.0.1\tlocalhost',
  '::1\tlocalhost ip6-localhost ip6-loopback',
  'fe00::0\tip6-localnet',
  'fe00::0\tip6-mcastprefix',
  'fe00::1\tip6-allnodes',
  'fe00::2\tip6-allrouters',
];

describe("a pod's /etc/hosts (the kubelet's)", () => {
  it('is the managed file: localhost lines, then the pod address with its name', () => {
    expect(text(withSpec({}))).toEqual([...KUBELET_HEAD, '10.244.1.7\tclient']);
  });

  it('names the pod by spec.hostname, with its FQDN first when it has a subdomain (Service or not)', () => {
    expect(text(withSpec({ hostname: 'db-0', subdomain: 'db' })).at(-1)).toBe(
      '10.244.1.7\tdb-0.db.shop.svc.cluster.local\tdb-0',
    );
  });

  it('appends spec.hostAliases under their comment, one line per hostname', () => {
    const hostAliases = [
      { ip: '127.0.0.1', hostnames: ['foo.local', 'bar.local'] },
      { ip: '10.1.2.3', hostnames: ['foo.remote'] },
    ];
    expect(text(withSpec({ hostAliases })).slice(KUBELET_HEAD.length)).toEqual([
      '10.244.1.7\tclient',
      '',
      '# Entries added by HostAliases.',
      '127.0.0.1\tfoo.local',
      '127.0.0.1\tbar.local',
      '10.1.2.3\tfoo.remote',
    ]);
  });

  it('of a hostNetwork pod is the node\'s file under its own header, then the aliases', () => {
    const hostAliases = [{ ip: '10.1.2.3', hostnames: ['x.local'] }];
    const p = withSpec({ hostNetwork: true, hostAliases }, '192.168.49.2');
    const nodeFile = nodeHostsFile(cluster, 'node-1').lines.map((l) => l.text);
    expect(nodeFile.at(-1)).toBe('192.168.49.2\tnode-1');
    expect(text(p)).toEqual([
      '# Kubernetes-managed hosts file (host network).',
      ...nodeFile,
      '',
      '# Entries added by HostAliases.',
      '10.1.2.3\tx.local',
    ]);
  });

  it('cuts a long pod name to 63 characters without a trailing dash for the hostname', () => {
    const name = `${'a'.repeat(61)}-b`; // 63: kept as it is
    expect(podHostname({ ...withSpec({}), metadata: { name: `${'a'.repeat(62)}-bcd`, namespace: 'shop' } })).toBe(
      'a'.repeat(62),
    );
    expect(podHostname({ ...withSpec({}), metadata: { name, namespace: 'shop' } })).toBe(name);
  });

  it('renders each entry with its id as the line\'s ref', () => {
    const p = withSpec({ hostAliases: [{ ip: '10.1.2.3', hostnames: ['foo.remote'] }] });
    const art = renderHostsFile(podHostsFile(cluster, p), podHostsArtifactHead(p));
    expect(art.id).toBe('pod/shop/client/hosts');
    const alias = art.lines.find((l) => l.text === '10.1.2.3\tfoo.remote');
    expect(alias?.ref).toBe(lookupHosts(podHostsFile(cluster, p), 'foo.remote')?.id);
    expect(art.lines[0]).toEqual({ text: '# Kubernetes-managed hosts file.' });
  });
});

describe('the resolver reads /etc/hosts before DNS', () => {
  const hostAliases = [{ ip: '10.1.2.3', hostnames: ['Web.Example.com'] }, { ip: '2001:db8::1', hostnames: ['v6'] }];
  const p = withSpec({ hostAliases });
  const hosts = podHostsFile(cluster, p);
  const rc = resolverFor(cluster, p);

  it.each([
    ['its own name', 'client', '10.244.1.7'],
    ['localhost', 'localhost', '127.0.0.1'],
    ['an alias, case-insensitively, before public DNS has it', 'web.example.com', '10.1.2.3'],
  ])('%s: answered from the file, no query sent', (_t, name, address) => {
    const r = resolve({ zone, resolvConf: rc, name, hosts });
    expect(r.queriesSent).toEqual([]);
    expect(r.final.origin).toBe('hosts');
    expect(r.final.answers.map((a) => ('address' in a ? a.address : ''))).toEqual([address]);
    expect(r.final.ref).toEqual([lookupHosts(hosts, name)!.id]);
  });

  it('takes the name as given: no search list for the file (client.shop is a DNS question)', () => {
    const r = resolve({ zone, resolvConf: rc, name: 'client.shop', hosts });
    expect(r.final.origin).not.toBe('hosts');
    expect(r.queriesSent.length).toBeGreaterThan(0);
  });

  it('answers A questions only from IPv4 lines (the lab has no AAAA data)', () => {
    expect(lookupHosts(hosts, 'v6')).toBeUndefined();
    expect(resolve({ zone, resolvConf: rc, name: 'client', type: 'SRV', hosts }).final.origin).not.toBe('hosts');
  });

  it('is not read by dig (no hosts given): the name goes to cluster DNS', () => {
    const r = resolve({ zone, resolvConf: rc, name: 'client' });
    expect(r.final.origin).not.toBe('hosts');
    expect(r.queriesSent[0]!.server).toBe('10.96.0.10');
  });

  it("an outside client's file answers only the learner's entries, with their old ids", () => {
    const laptop = { name: 'laptop', address: '203.0.113.7', hosts: { 'dev.example.com': '192.168.49.2' } };
    const lines = clientHostsFile(laptop).lines.map((l) => l.text);
    expect(lines).toEqual(['127.0.0.1\tlocalhost', '192.168.49.2\tdev.example.com']);
    const r = resolveExternal({ zone, client: laptop, name: 'dev.example.com' });
    expect(r.final.ref).toEqual(['hosts/laptop/dev.example.com.']);
    expect(r.queriesSent).toEqual([]);
  });
});
