import { describe, expect, it } from 'vitest';
import type { Pod, PodSpec } from '../api/types';
import { EXTERNAL_RECORDS, labCluster, pod } from './fixtures';
import { renderResolvConf } from './render';
import { candidateNames, resolve, resolveExternal, resolverFor } from './resolver';
import { rdataText } from './render';
import { buildZone } from './zone';

const cluster = labCluster();
const zone = buildZone(cluster, { externalRecords: EXTERNAL_RECORDS });
const client = cluster.pods.find((p) => p.metadata.name === 'client')!;

function podWith(spec: Partial<PodSpec>): Pod {
  return pod('shop', 'probe', '10.244.1.99', { spec });
}

describe('resolv.conf per dnsPolicy (kubelet)', () => {
  const cases: { title: string; spec: Partial<PodSpec>; text: string[] }[] = [
    {
      title: 'ClusterFirst (the default)',
      spec: {},
      text: [
        'search shop.svc.cluster.local svc.cluster.local cluster.local', 'nameserver 10.96.0.10', 'options ndots:5',
      ],
    },
    { title: 'Default: the node\'s resolv.conf', spec: { dnsPolicy: 'Default' }, text: ['nameserver 192.168.49.1'] },
    {
      title: 'hostNetwork + ClusterFirst falls back to Default', spec: { hostNetwork: true },
      text: ['nameserver 192.168.49.1'],
    },
    {
      title: 'hostNetwork + ClusterFirstWithHostNet',
      spec: { hostNetwork: true, dnsPolicy: 'ClusterFirstWithHostNet' },
      text: [
        'search shop.svc.cluster.local svc.cluster.local cluster.local', 'nameserver 10.96.0.10', 'options ndots:5',
      ],
    },
    {
      title: 'None + dnsConfig',
      spec: {
        dnsPolicy: 'None',
        dnsConfig: {
          nameservers: ['1.1.1.1'],
          searches: ['corp.example'],
          options: [{ name: 'ndots', value: '2' }, { name: 'edns0' }],
        },
      },
      text: ['search corp.example', 'nameserver 1.1.1.1', 'options ndots:2 edns0'],
    },
    {
      title: 'ClusterFirst + dnsConfig merges and overrides options',
      spec: {
        dnsConfig: {
          nameservers: ['10.96.0.10', '8.8.8.8'],
          searches: ['corp.example'],
          options: [{ name: 'ndots', value: '1' }],
        },
      },
      text: [
        'search shop.svc.cluster.local svc.cluster.local cluster.local corp.example', 'nameserver 10.96.0.10',
        'nameserver 8.8.8.8', 'options ndots:1',
      ],
    },
  ];
  it.each(cases)('$title', ({ spec, text }) => {
    const rc = resolverFor(cluster, podWith(spec));
    expect(renderResolvConf(rc).lines.map((l) => l.text)).toEqual(text);
  });

  it('keeps at most 3 nameservers and says so', () => {
    const rc = resolverFor(
      cluster,
      podWith({ dnsPolicy: 'None', dnsConfig: { nameservers: ['1.1.1.1', '1.0.0.1', '8.8.8.8', '8.8.4.4'] } }),
    );
    expect(rc.nameservers).toEqual(['1.1.1.1', '1.0.0.1', '8.8.8.8']);
    expect(rc.notes[0]).toContain('Nameserver limits were exceeded');
  });

  it('reads ndots from the options', () => {
    expect(resolverFor(cluster, podWith({})).ndots).toBe(5);
    expect(resolverFor(cluster, podWith({ dnsPolicy: 'Default' })).ndots).toBe(1);
  });
});

describe('search list expansion from a pod in namespace shop', () => {
  const rc = resolverFor(cluster, client);
  const cases: { name: string; final: string; answers: string[]; sent: string[] }[] = [
    { name: 'web', final: 'NOERROR', answers: ['10.96.12.34'], sent: ['web.shop.svc.cluster.local. NOERROR'] },
    {
      name: 'web.other', final: 'NOERROR', answers: ['10.96.20.1'],
      sent: ['web.other.shop.svc.cluster.local. NXDOMAIN', 'web.other.svc.cluster.local. NOERROR'],
    },
    {
      name: 'web.other.svc',
      final: 'NOERROR',
      answers: ['10.96.20.1'],
      sent: [
        'web.other.svc.shop.svc.cluster.local. NXDOMAIN', 'web.other.svc.svc.cluster.local. NXDOMAIN',
        'web.other.svc.cluster.local. NOERROR',
      ],
    },
    {
      name: 'web.other.svc.cluster.local.', final: 'NOERROR', answers: ['10.96.20.1'],
      sent: ['web.other.svc.cluster.local. NOERROR'],
    },
    {
      // four dots < ndots 5: the search list is still tried first
      name: 'web.other.svc.cluster.local',
      final: 'NOERROR',
      answers: ['10.96.20.1'],
      sent: [
        'web.other.svc.cluster.local.shop.svc.cluster.local. NXDOMAIN',
        'web.other.svc.cluster.local.svc.cluster.local. NXDOMAIN',
        'web.other.svc.cluster.local.cluster.local. NXDOMAIN',
        'web.other.svc.cluster.local. NOERROR',
      ],
    },
    {
      name: 'www.example.com',
      final: 'NOERROR',
      answers: ['93.184.216.34'],
      sent: [
        'www.example.com.shop.svc.cluster.local. NXDOMAIN', 'www.example.com.svc.cluster.local. NXDOMAIN',
        'www.example.com.cluster.local. NXDOMAIN', 'www.example.com. NOERROR',
      ],
    },
    {
      name: 'nope',
      final: 'NXDOMAIN',
      answers: [],
      sent: [
        'nope.shop.svc.cluster.local. NXDOMAIN', 'nope.svc.cluster.local. NXDOMAIN', 'nope.cluster.local. NXDOMAIN',
        'nope. NXDOMAIN',
      ],
    },
    {
      // "other.svc.cluster.local" is a namespace: it exists without records (NODATA), which glibc reports
      name: 'other',
      final: 'NOERROR',
      answers: [],
      sent: [
        'other.shop.svc.cluster.local. NXDOMAIN', 'other.svc.cluster.local. NOERROR', 'other.cluster.local. NXDOMAIN',
        'other. NXDOMAIN',
      ],
    },
    {
      name: 'db', final: 'NOERROR', answers: ['10.244.1.7', '10.244.2.8'], sent: ['db.shop.svc.cluster.local. NOERROR'],
    },
    { name: 'db-0.db', final: 'NOERROR', answers: ['10.244.1.7'], sent: ['db-0.db.shop.svc.cluster.local. NOERROR'] },
    {
      name: 'kubernetes.default', final: 'NOERROR', answers: ['10.96.0.1'],
      sent: ['kubernetes.default.shop.svc.cluster.local. NXDOMAIN', 'kubernetes.default.svc.cluster.local. NOERROR'],
    },
  ];
  it.each(cases)('$name', ({ name, final, answers, sent }) => {
    const r = resolve({ zone, resolvConf: rc, name });
    expect(r.final.rcode).toBe(final);
    expect(r.final.answers.filter((a) => a.type === 'A').map((a) => rdataText(a))).toEqual(answers);
    expect(r.queriesSent.map((q) => `${q.name} ${q.rcode}`)).toEqual(sent);
  });

  it('tries the absolute name first when it has at least ndots dots', () => {
    expect(candidateNames({ ...rc, ndots: 2 }, 'www.example.com')[0]).toBe('www.example.com.');
    expect(candidateNames(rc, 'a.b.c.d.e.f')[0]).toBe('a.b.c.d.e.f.');
  });

  it('a short name only resolves in the pod\'s own namespace', () => {
    const other = resolverFor(cluster, pod('other', 'o', '10.244.3.9'));
    expect(resolve({ zone, resolvConf: other, name: 'web' }).final.answers.map((a) => rdataText(a))).toEqual([
      '10.96.20.1',
    ]);
    expect(resolve({ zone, resolvConf: other, name: 'db' }).final.rcode).toBe('NXDOMAIN');
  });
});

describe('dnsPolicy decides what a pod can resolve', () => {
  it('Default cannot see the cluster domain', () => {
    const rc = resolverFor(cluster, podWith({ dnsPolicy: 'Default' }));
    const r = resolve({ zone, resolvConf: rc, name: 'web.shop.svc.cluster.local' });
    expect(r.final.rcode).toBe('NXDOMAIN');
    expect(r.queriesSent).toEqual([
      { name: 'web.shop.svc.cluster.local.', type: 'A', server: '192.168.49.1', rcode: 'NXDOMAIN', answers: 0 },
    ]);
    expect(resolve({ zone, resolvConf: rc, name: 'www.example.com' }).final.answers).toHaveLength(1);
  });

  it('ClusterFirstWithHostNet on a hostNetwork pod resolves Services', () => {
    const rc = resolverFor(cluster, podWith({ hostNetwork: true, dnsPolicy: 'ClusterFirstWithHostNet' }));
    expect(resolve({ zone, resolvConf: rc, name: 'web' }).final.rcode).toBe('NOERROR');
  });

  it('a nameserver inside the cluster ranges that is not kube-dns times out, then the next one answers', () => {
    const rc = resolverFor(
      cluster,
      podWith({
        dnsPolicy: 'None',
        dnsConfig: { nameservers: ['10.96.0.11', '10.96.0.10'], searches: ['shop.svc.cluster.local'] },
      }),
    );
    const r = resolve({ zone, resolvConf: rc, name: 'web' });
    expect(r.queriesSent.map((q) => `${q.server} ${q.rcode}`)).toEqual(['10.96.0.11 TIMEOUT', '10.96.0.10 NOERROR']);
    expect(r.final.answers.map((a) => rdataText(a))).toEqual(['10.96.12.34']);
  });

  it('stops at the first name when every server times out', () => {
    const rc = resolverFor(
      cluster,
      podWith({ dnsPolicy: 'None', dnsConfig: { nameservers: ['10.244.9.9'], searches: ['a', 'b'] } }),
    );
    const r = resolve({ zone, resolvConf: rc, name: 'web' });
    expect(r.queriesSent).toHaveLength(1);
    expect(r.final.origin).toBe('timeout');
  });
});

describe('external clients', () => {
  it('use /etc/hosts first, then the public DNS, and never the cluster domain', () => {
    const laptop = { name: 'laptop', address: '203.0.113.5', hosts: { 'shop.local': '192.168.49.2' } };
    const h = resolveExternal({ zone, client: laptop, name: 'shop.local' });
    expect([h.final.origin, h.final.answers.map((a) => rdataText(a)), h.queriesSent.length]).toEqual([
      'hosts',
      ['192.168.49.2'],
      0,
    ]);
    const e = resolveExternal({ zone, client: laptop, name: 'shop.example.test' });
    expect(e.final.answers.map((a) => rdataText(a))).toEqual(['192.168.49.100']);
    expect(resolveExternal({ zone, client: laptop, name: 'web.shop.svc.cluster.local' }).final.rcode).toBe('NXDOMAIN');
  });
});
