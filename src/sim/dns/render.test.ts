import { describe, expect, it } from 'vitest';
import { artifactText, findLine } from '../artifact';
import { EXTERNAL_RECORDS, labCluster, service } from './fixtures';
import { query } from './query';
import { digJson, renderDig, renderNslookup, renderZone, rrLine } from './render';
import { resolve, resolverFor } from './resolver';
import { buildZone } from './zone';
import type { RR } from './types';

const cluster = labCluster();
const zone = buildZone(cluster, { externalRecords: EXTERNAL_RECORDS });
const client = cluster.pods.find((p) => p.metadata.name === 'client')!;
const rc = resolverFor(cluster, client);

function dig(name: string, type: RR['type'] = 'A', args?: string): string {
  return artifactText(renderDig(query(zone, { name, type }), { server: '10.96.0.10', ...(args ? { args } : {}) }));
}

describe('BIND column layout', () => {
  const a = (name: string, ttl: number, address: string): RR => ({
    id: 'x',
    name,
    ttl,
    source: { kind: 'CoreDNS' },
    type: 'A',
    address,
  });
  it.each([
    // short names are tab-aligned; long ones get a single separator, a tab only on a tab stop
    [a('google.com.', 300, '142.250.80.46'), 'google.com.\t\t300\tIN\tA\t142.250.80.46'],
    [
      a('kubernetes.default.svc.cluster.local.', 30, '10.96.0.1'),
      'kubernetes.default.svc.cluster.local. 30 IN A\t10.96.0.1',
    ],
    [
      a('10-244-0-170.s11-services.pod.cluster.local.', 30, '10.244.0.170'),
      '10-244-0-170.s11-services.pod.cluster.local. 30\tIN A 10.244.0.170',
    ],
  ])('%#', (rr, text) => {
    expect(rrLine(rr)).toBe(text);
  });
});

describe('dig output', () => {
  it('a ClusterIP Service', () => {
    expect(dig('kubernetes.default.svc.cluster.local')).toBe(
      [
        '; <<>> DiG 9.18.30 <<>> kubernetes.default.svc.cluster.local',
        ';; global options: +cmd',
        ';; Got answer:',
        ';; ->>HEADER<<- opcode: QUERY, status: NOERROR, id: 1799',
        ';; flags: qr aa rd; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 1',
        ';; WARNING: recursion requested but not available',
        '',
        ';; OPT PSEUDOSECTION:',
        '; EDNS: version: 0, flags:; udp: 1232',
        ';; QUESTION SECTION:',
        ';kubernetes.default.svc.cluster.local. IN A',
        '',
        ';; ANSWER SECTION:',
        'kubernetes.default.svc.cluster.local. 5\tIN A\t10.96.0.1',
        '',
        ';; Query time: 0 msec',
        ';; SERVER: 10.96.0.10#53(10.96.0.10) (UDP)',
        ';; WHEN: Thu Jan 01 00:00:00 UTC 2026',
        // 117 bytes: what dig reports against CoreDNS (uncompressed reply plus the OPT record)
        ';; MSG SIZE  rcvd: 117',
        '',
        '',
      ].join('\n'),
    );
  });

  it('NXDOMAIN for a headless Service with no ready endpoint, with the SOA', () => {
    expect(dig('empty.shop.svc.cluster.local')).toBe(
      [
        '; <<>> DiG 9.18.30 <<>> empty.shop.svc.cluster.local',
        ';; global options: +cmd',
        ';; Got answer:',
        ';; ->>HEADER<<- opcode: QUERY, status: NXDOMAIN, id: 52391',
        ';; flags: qr aa rd; QUERY: 1, ANSWER: 0, AUTHORITY: 1, ADDITIONAL: 1',
        ';; WARNING: recursion requested but not available',
        '',
        ';; OPT PSEUDOSECTION:',
        '; EDNS: version: 0, flags:; udp: 1232',
        ';; QUESTION SECTION:',
        ';empty.shop.svc.cluster.local.\tIN\tA',
        '',
        ';; AUTHORITY SECTION:',
        'cluster.local.\t\t5\tIN\tSOA\tns.dns.cluster.local. hostmaster.cluster.local. ' +
          `${zone.serial} 7200 1800 86400 5`,
        '',
        ';; Query time: 0 msec',
        ';; SERVER: 10.96.0.10#53(10.96.0.10) (UDP)',
        ';; WHEN: Thu Jan 01 00:00:00 UTC 2026',
        ';; MSG SIZE  rcvd: 150',
        '',
        '',
      ].join('\n'),
    );
  });

  it('SRV for a headless Service, targets in the additional section', () => {
    const text = dig('_pg._tcp.db.shop.svc.cluster.local', 'SRV');
    expect(text).toContain(';; flags: qr aa rd; QUERY: 1, ANSWER: 2, AUTHORITY: 0, ADDITIONAL: 3\n');
    expect(text).toContain(';_pg._tcp.db.shop.svc.cluster.local. IN\tSRV\n');
    expect(text).toContain(
      [
        ';; ANSWER SECTION:',
        '_pg._tcp.db.shop.svc.cluster.local. 5 IN SRV\t0 50 5432 db-0.db.shop.svc.cluster.local.',
        '_pg._tcp.db.shop.svc.cluster.local. 5 IN SRV\t0 50 5432 db-1.db.shop.svc.cluster.local.',
        '',
        ';; ADDITIONAL SECTION:',
        'db-0.db.shop.svc.cluster.local.\t5 IN\tA\t10.244.1.7',
        'db-1.db.shop.svc.cluster.local.\t5 IN\tA\t10.244.2.8',
      ].join('\n'),
    );
  });

  it('dig -x for a Service IP', () => {
    const text = dig('34.12.96.10.in-addr.arpa', 'PTR', '-x 10.96.12.34');
    expect(text.split('\n')[0]).toBe('; <<>> DiG 9.18.30 <<>> -x 10.96.12.34');
    expect(text).toContain(
      ';34.12.96.10.in-addr.arpa.\tIN\tPTR\n\n;; ANSWER SECTION:\n' +
        '34.12.96.10.in-addr.arpa. 5\tIN\tPTR\tweb.shop.svc.cluster.local.\n',
    );
  });

  it('ExternalName: CNAME then the upstream address', () => {
    expect(dig('ext.shop.svc.cluster.local')).toContain(
      ';; ANSWER SECTION:\next.shop.svc.cluster.local. 5\tIN\tCNAME\twww.example.com.\n' +
        'www.example.com.\t30\tIN\tA\t93.184.216.34\n',
    );
  });

  it('a forwarded answer is not authoritative and has recursion available', () => {
    const text = dig('www.example.com');
    expect(text).toContain(';; flags: qr rd ra; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 1\n\n');
    expect(text).toContain(';www.example.com.\t\tIN\tA\n');
    expect(text).toContain(';; MSG SIZE  rcvd: 60\n');
  });

  it('no reply at all', () => {
    const c = labCluster();
    c.endpointSlices = c.endpointSlices.filter((s) => s.metadata.namespace !== 'kube-system');
    c.endpointSlices.push({
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: { name: 'kube-dns-x', namespace: 'kube-system', labels: { 'kubernetes.io/service-name': 'kube-dns' } },
      addressType: 'IPv4',
      endpoints: [],
    });
    const text = artifactText(
      renderDig(query(buildZone(c), { name: 'web.shop.svc.cluster.local', type: 'A' }), { server: '10.96.0.10' }),
    );
    expect(text).toBe(
      [
        ';; communications error to 10.96.0.10#53: timed out',
        ';; communications error to 10.96.0.10#53: timed out',
        ';; communications error to 10.96.0.10#53: timed out',
        '',
        '; <<>> DiG 9.18.30 <<>> web.shop.svc.cluster.local',
        ';; global options: +cmd',
        ';; no servers could be reached',
        '',
        '',
      ].join('\n'),
    );
  });

  it('record lines carry the record id, the header the decider', () => {
    const art = renderDig(query(zone, { name: 'web.shop.svc.cluster.local', type: 'A' }), { server: '10.96.0.10' });
    expect(findLine(art, 'svc/shop/web/A')?.line).toBe(';; ->>HEADER<<- opcode: QUERY, status: NOERROR, id: 16320');
    expect(art.lines.filter((l) => l.ref === 'svc/shop/web/A').map((l) => l.text)).toContain(
      'web.shop.svc.cluster.local. 5\tIN\tA\t10.96.12.34',
    );
  });
});

describe('nslookup output', () => {
  const ns = (name: string) => artifactText(renderNslookup(resolve({ zone, resolvConf: rc, name })));
  it.each([
    [
      'web',
      'Server:\t\t10.96.0.10\nAddress:\t10.96.0.10#53\n\nName:\tweb.shop.svc.cluster.local\nAddress: 10.96.12.34\n\n',
    ],
    [
      'db',
      'Server:\t\t10.96.0.10\nAddress:\t10.96.0.10#53\n\nName:\tdb.shop.svc.cluster.local\nAddress: 10.244.1.7\n' +
        'Name:\tdb.shop.svc.cluster.local\nAddress: 10.244.2.8\n\n',
    ],
    [
      'ext',
      'Server:\t\t10.96.0.10\nAddress:\t10.96.0.10#53\n\n' +
        'ext.shop.svc.cluster.local\tcanonical name = www.example.com.\nName:\twww.example.com\n' +
        'Address: 93.184.216.34\n\n',
    ],
    [
      'www.example.com',
      'Server:\t\t10.96.0.10\nAddress:\t10.96.0.10#53\n\nNon-authoritative answer:\nName:\twww.example.com\n' +
        'Address: 93.184.216.34\n\n',
    ],
    ['nope', "Server:\t\t10.96.0.10\nAddress:\t10.96.0.10#53\n\n** server can't find nope: NXDOMAIN\n\n"],
    ['other', "Server:\t\t10.96.0.10\nAddress:\t10.96.0.10#53\n\n*** Can't find other: No answer\n\n"],
  ])('%s', (name, text) => {
    expect(ns(name)).toBe(text);
  });
});

describe('zone listing', () => {
  const art = renderZone(zone);
  it('renders one record per line with its id', () => {
    expect(findLine(art, 'svc/shop/web/A')?.line).toBe('web.shop.svc.cluster.local. 5\tIN\tA\t10.96.12.34');
    expect(findLine(art, 'zone/dns-version/TXT')?.line).toBe('dns-version.cluster.local. 28800 IN\tTXT\t"1.1.0"');
    expect(findLine(art, 'svc/shop/ext/CNAME')?.line).toBe(
      'ext.shop.svc.cluster.local. 5\tIN\tCNAME\twww.example.com.',
    );
    expect(
      art.lines.filter((l) => l.ref !== undefined && l.ref.startsWith('svc/') && !l.ref.endsWith('/unpublished')),
    ).toHaveLength(zone.records.filter((r) => r.id.startsWith('svc/')).length);
  });
  it('has a line for every rule an answer can point at', () => {
    for (const q of [
      { name: '1-2-3-4.shop.pod.cluster.local', type: 'A' as const },
      { name: 'nothing.example.org', type: 'A' as const },
      { name: 'empty.shop.svc.cluster.local', type: 'A' as const },
      { name: 'www.example.com', type: 'A' as const },
      { name: 'nope.shop.svc.cluster.local', type: 'A' as const },
    ]) {
      const ref = query(zone, q).ref?.[0];
      expect(ref && findLine(art, ref), `${q.name} -> ${ref}`).toBeTruthy();
    }
    expect(findLine(art, 'svc/shop/empty/unpublished')?.line).toBe(
      '; empty.shop.svc.cluster.local. (shop/empty): headless Service with no ready endpoint',
    );
  });
  it('the serial changes exactly when the zone does', () => {
    expect(buildZone(labCluster()).serial).toBe(zone.serial);
    const c = labCluster();
    c.services.push(service('shop', 'new', { clusterIP: '10.96.40.4', ports: [{ port: 80 }] }));
    expect(buildZone(c).serial).not.toBe(zone.serial);
  });
});

describe('digJson', () => {
  it('gives the answer and every query the resolver sent', () => {
    const j = digJson(resolve({ zone, resolvConf: rc, name: 'www.example.com' }));
    expect(j.rcode).toBe('NOERROR');
    expect(j.answers).toEqual([{ name: 'www.example.com.', type: 'A', ttl: 30, data: '93.184.216.34' }]);
    expect(j.queriesSent.map((q) => q.rcode)).toEqual(['NXDOMAIN', 'NXDOMAIN', 'NXDOMAIN', 'NOERROR']);
  });
  it('a single query has no search list', () => {
    const j = digJson(query(zone, { name: 'nope.shop.svc.cluster.local', type: 'A' }));
    expect([j.rcode, j.answers.length, j.authority[0]?.type, j.queriesSent.length]).toEqual(['NXDOMAIN', 0, 'SOA', 0]);
  });
});
