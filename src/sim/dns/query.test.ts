import { describe, expect, it } from 'vitest';
import { emptyCluster } from '../cluster';
import { defaultLabSettings } from '../lab';
import { EXTERNAL_RECORDS, labCluster, pod, service, slice } from './fixtures';
import { query } from './query';
import { rdataText } from './render';
import type { DnsAnswer, RRType } from './types';
import { buildZone, kubeDnsIP } from './zone';

const zone = buildZone(labCluster(), { externalRecords: EXTERNAL_RECORDS });

function ask(name: string, type: RRType = 'A'): DnsAnswer {
  return query(zone, { name, type });
}

function data(a: DnsAnswer): string[] {
  return a.answers.map((r) => `${r.name} ${r.type} ${rdataText(r)}`);
}

type Slice = ReturnType<typeof labCluster>['endpointSlices'][number];
const isDbSlice = (s: Slice) => s.metadata.labels?.['kubernetes.io/service-name'] === 'db';
const noneReady = (s: Slice): Slice => ({
  ...s,
  endpoints: s.endpoints.map((e) => ({ ...e, conditions: { ready: false } })),
});

describe('CoreDNS answers from the cluster zone', () => {
  const cases: { q: string; type?: RRType; rcode: string; answers: string[] }[] = [
    // ClusterIP Service
    { q: 'web.shop.svc.cluster.local', rcode: 'NOERROR', answers: ['web.shop.svc.cluster.local. A 10.96.12.34'] },
    { q: 'WEB.Shop.SVC.cluster.LOCAL.', rcode: 'NOERROR', answers: ['web.shop.svc.cluster.local. A 10.96.12.34'] },
    { q: 'web.shop.svc.cluster.local', type: 'AAAA', rcode: 'NOERROR', answers: [] },
    { q: 'nope.shop.svc.cluster.local', rcode: 'NXDOMAIN', answers: [] },
    { q: 'web.nons.svc.cluster.local', rcode: 'NXDOMAIN', answers: [] },
    // empty non-terminals and the apex are NODATA, not NXDOMAIN
    { q: 'shop.svc.cluster.local', rcode: 'NOERROR', answers: [] },
    { q: 'svc.cluster.local', rcode: 'NOERROR', answers: [] },
    { q: 'cluster.local', rcode: 'NOERROR', answers: [] },
    { q: 'foo.cluster.local', rcode: 'NXDOMAIN', answers: [] },
    // headless: one A per ready endpoint; none ready is NXDOMAIN; publishNotReadyAddresses publishes them
    {
      q: 'db.shop.svc.cluster.local', rcode: 'NOERROR',
      answers: ['db.shop.svc.cluster.local. A 10.244.1.7', 'db.shop.svc.cluster.local. A 10.244.2.8'],
    },
    { q: 'empty.shop.svc.cluster.local', rcode: 'NXDOMAIN', answers: [] },
    { q: 'pnr.shop.svc.cluster.local', rcode: 'NOERROR', answers: ['pnr.shop.svc.cluster.local. A 10.244.2.9'] },
    // hostname + subdomain (derived from the pod for db-0, from the endpoint for db-1)
    {
      q: 'db-0.db.shop.svc.cluster.local', rcode: 'NOERROR', answers: ['db-0.db.shop.svc.cluster.local. A 10.244.1.7'],
    },
    {
      q: 'db-1.db.shop.svc.cluster.local', rcode: 'NOERROR', answers: ['db-1.db.shop.svc.cluster.local. A 10.244.2.8'],
    },
    // endpoints without hostname are named by their dashed IP
    {
      q: '10-244-4-2.three.shop.svc.cluster.local', rcode: 'NOERROR',
      answers: ['10-244-4-2.three.shop.svc.cluster.local. A 10.244.4.2'],
    },
    {
      q: '10-244-1-5.web.shop.svc.cluster.local', rcode: 'NOERROR',
      answers: ['10-244-1-5.web.shop.svc.cluster.local. A 10.244.1.5'],
    },
    { q: 'db-9.db.shop.svc.cluster.local', rcode: 'NXDOMAIN', answers: [] },
    // SRV: ClusterIP targets the Service; headless targets each endpoint with ⌊100/N⌋
    {
      q: '_http._tcp.web.shop.svc.cluster.local', type: 'SRV', rcode: 'NOERROR',
      answers: ['_http._tcp.web.shop.svc.cluster.local. SRV 0 100 80 web.shop.svc.cluster.local.'],
    },
    {
      q: '_pg._tcp.db.shop.svc.cluster.local', type: 'SRV', rcode: 'NOERROR',
      answers: [
        '_pg._tcp.db.shop.svc.cluster.local. SRV 0 50 5432 db-0.db.shop.svc.cluster.local.',
        '_pg._tcp.db.shop.svc.cluster.local. SRV 0 50 5432 db-1.db.shop.svc.cluster.local.',
      ],
    },
    {
      q: '_http._tcp.three.shop.svc.cluster.local',
      type: 'SRV',
      rcode: 'NOERROR',
      answers: ['10-244-4-1', '10-244-4-2', '10-244-4-3'].map(
        (h) => `_http._tcp.three.shop.svc.cluster.local. SRV 0 33 80 ${h}.three.shop.svc.cluster.local.`,
      ),
    },
    {
      q: '_http._tcp.four.shop.svc.cluster.local',
      type: 'SRV',
      rcode: 'NOERROR',
      answers: ['10-244-5-1', '10-244-5-2', '10-244-5-3', '10-244-5-4'].map(
        (h) => `_http._tcp.four.shop.svc.cluster.local. SRV 0 25 80 ${h}.four.shop.svc.cluster.local.`,
      ),
    },
    { q: '_https._tcp.web.shop.svc.cluster.local', type: 'SRV', rcode: 'NXDOMAIN', answers: [] },
    // unnamed ports have no _port._proto SRV, but an SRV query on the bare name lists them
    {
      q: 'unnamed.shop.svc.cluster.local', type: 'SRV', rcode: 'NOERROR',
      answers: ['unnamed.shop.svc.cluster.local. SRV 0 100 8080 unnamed.shop.svc.cluster.local.'],
    },
    // ExternalName: CNAME, then the target's records
    {
      q: 'ext.shop.svc.cluster.local', rcode: 'NOERROR',
      answers: ['ext.shop.svc.cluster.local. CNAME www.example.com.', 'www.example.com. A 93.184.216.34'],
    },
    {
      q: 'ext.shop.svc.cluster.local', type: 'CNAME', rcode: 'NOERROR',
      answers: ['ext.shop.svc.cluster.local. CNAME www.example.com.'],
    },
    {
      q: 'nowhere.shop.svc.cluster.local', rcode: 'NOERROR',
      answers: ['nowhere.shop.svc.cluster.local. CNAME nothing.example.org.'],
    },
    {
      q: 'alias.shop.svc.cluster.local', rcode: 'NOERROR',
      answers: [
        'alias.shop.svc.cluster.local. CNAME web.other.svc.cluster.local.', 'web.other.svc.cluster.local. A 10.96.20.1',
      ],
    },
    { q: 'loop-a.shop.svc.cluster.local', rcode: 'NOERROR', answers: [] },
    // pods insecure: any dashed address in an existing namespace
    {
      q: '10-244-1-10.shop.pod.cluster.local', rcode: 'NOERROR',
      answers: ['10-244-1-10.shop.pod.cluster.local. A 10.244.1.10'],
    },
    { q: '1-2-3-4.shop.pod.cluster.local', rcode: 'NOERROR', answers: ['1-2-3-4.shop.pod.cluster.local. A 1.2.3.4'] },
    { q: '1-2-3-4.nons.pod.cluster.local', rcode: 'NXDOMAIN', answers: [] },
    { q: 'client.shop.pod.cluster.local', rcode: 'NXDOMAIN', answers: [] },
    // PTR: Service IP, endpoint; unknown addresses fall through to upstream (NXDOMAIN there)
    {
      q: '34.12.96.10.in-addr.arpa', type: 'PTR', rcode: 'NOERROR',
      answers: ['34.12.96.10.in-addr.arpa. PTR web.shop.svc.cluster.local.'],
    },
    {
      q: '7.1.244.10.in-addr.arpa', type: 'PTR', rcode: 'NOERROR',
      answers: ['7.1.244.10.in-addr.arpa. PTR db-0.db.shop.svc.cluster.local.'],
    },
    {
      q: '5.1.244.10.in-addr.arpa', type: 'PTR', rcode: 'NOERROR',
      answers: ['5.1.244.10.in-addr.arpa. PTR 10-244-1-5.web.shop.svc.cluster.local.'],
    },
    { q: '10.1.244.10.in-addr.arpa', type: 'PTR', rcode: 'NXDOMAIN', answers: [] },
    // schema version, NS
    {
      q: 'dns-version.cluster.local', type: 'TXT', rcode: 'NOERROR',
      answers: ['dns-version.cluster.local. TXT "1.1.0"'],
    },
    { q: 'cluster.local', type: 'NS', rcode: 'NOERROR', answers: ['cluster.local. NS ns.dns.cluster.local.'] },
    { q: 'ns.dns.cluster.local', rcode: 'NOERROR', answers: ['ns.dns.cluster.local. A 10.96.0.10'] },
    // outside the cluster domain: the upstream table
    { q: 'www.example.com', rcode: 'NOERROR', answers: ['www.example.com. A 93.184.216.34'] },
    { q: 'nothing.example.org', rcode: 'NXDOMAIN', answers: [] },
  ];
  it.each(cases)('$q $type -> $rcode', ({ q, type, rcode, answers }) => {
    const a = ask(q, type ?? 'A');
    expect(a.rcode).toBe(rcode);
    expect(data(a)).toEqual(answers);
  });

  it('negative answers from the cluster zone carry its SOA, authoritative, TTL 5', () => {
    const a = ask('nope.shop.svc.cluster.local');
    expect(a.authoritative).toBe(true);
    expect(a.authority).toHaveLength(1);
    const soa = a.authority[0]!;
    expect(`${soa.name} ${soa.ttl} IN ${soa.type} ${rdataText(soa)}`).toBe(
      `cluster.local. 5 IN SOA ns.dns.cluster.local. hostmaster.cluster.local. ${zone.serial} 7200 1800 86400 5`,
    );
  });

  it('upstream answers are not authoritative and carry the cache-capped TTL', () => {
    const a = ask('www.example.com');
    expect(a.authoritative).toBe(false);
    expect(a.origin).toBe('upstream');
    expect(a.answers[0]!.ttl).toBe(30);
  });

  it('every cluster answer has TTL 5 except the schema TXT (28800)', () => {
    expect(ask('web.shop.svc.cluster.local').answers[0]!.ttl).toBe(5);
    expect(ask('dns-version.cluster.local', 'TXT').answers[0]!.ttl).toBe(28800);
  });

  it('SRV answers put the targets\' addresses in the additional section', () => {
    const a = ask('_pg._tcp.db.shop.svc.cluster.local', 'SRV');
    expect(a.additional.map((r) => `${r.name} ${rdataText(r)}`)).toEqual([
      'db-0.db.shop.svc.cluster.local. 10.244.1.7', 'db-1.db.shop.svc.cluster.local. 10.244.2.8',
    ]);
    const c = ask('_http._tcp.web.shop.svc.cluster.local', 'SRV');
    expect(c.additional.map((r) => rdataText(r))).toEqual(['10.96.12.34']);
  });

  it('a CNAME loop yields an empty answer and says why', () => {
    const a = ask('loop-a.shop.svc.cluster.local');
    expect(a.problem?.kind).toBe('cname-loop');
    expect(a.problem?.message).toContain(
      'loop-a.shop.svc.cluster.local. -> loop-b.shop.svc.cluster.local. -> loop-a.shop.svc.cluster.local.',
    );
    expect(zone.problems.filter((p) => p.kind === 'cname-loop')).toHaveLength(1);
  });

  it('answers point at the record that decided them', () => {
    expect(ask('web.shop.svc.cluster.local').ref).toEqual(['svc/shop/web/A']);
    expect(ask('1-2-3-4.shop.pod.cluster.local').ref).toEqual(['pods-insecure']);
    expect(ask('ext.shop.svc.cluster.local').ref).toEqual(['svc/shop/ext/CNAME', 'upstream/www.example.com.']);
  });

  it('a headless Service that loses its last ready endpoint becomes NXDOMAIN', () => {
    const c = labCluster();
    c.endpointSlices = c.endpointSlices.map((s) => (isDbSlice(s) ? noneReady(s) : s));
    expect(query(buildZone(c), { name: 'db.shop.svc.cluster.local', type: 'A' }).rcode).toBe('NXDOMAIN');
  });

  it('endpoints with no conditions count as ready', () => {
    const c = emptyCluster(defaultLabSettings());
    c.services = [service('default', 'h', { clusterIP: 'None' })];
    const s = slice('default', 'h', [{ ip: '10.244.0.9' }], []);
    delete s.endpoints[0]!.conditions;
    c.endpointSlices = [s];
    const z = buildZone(c);
    expect(data(query(z, { name: 'h.default.svc.cluster.local', type: 'A' }))).toEqual([
      'h.default.svc.cluster.local. A 10.244.0.9',
    ]);
    // a headless Service without ports has A records but no SRV (CoreDNS's port -1 sentinel)
    const srv = query(z, { name: 'h.default.svc.cluster.local', type: 'SRV' });
    expect([srv.rcode, srv.answers.length]).toEqual(['NOERROR', 0]);
  });

  it('a pod with subdomain but no hostname only adds its IP to the headless name', () => {
    const c = labCluster();
    c.pods.push(pod('shop', 'db-x', '10.244.6.6', { spec: { subdomain: 'db' } }));
    const dbX = {
      addresses: ['10.244.6.6'],
      conditions: { ready: true },
      targetRef: { kind: 'Pod', namespace: 'shop', name: 'db-x' },
    };
    c.endpointSlices = c.endpointSlices.map((s) => (isDbSlice(s) ? { ...s, endpoints: [...s.endpoints, dbX] } : s));
    const z = buildZone(c);
    expect(data(query(z, { name: 'db.shop.svc.cluster.local', type: 'A' })).map((d) => d.split(' ')[2])).toEqual([
      '10.244.1.7', '10.244.2.8', '10.244.6.6',
    ]);
    expect(query(z, { name: 'db-x.db.shop.svc.cluster.local', type: 'A' }).rcode).toBe('NXDOMAIN');
    expect(query(z, { name: '10-244-6-6.db.shop.svc.cluster.local', type: 'A' }).rcode).toBe('NOERROR');
  });

  it('a pod whose subdomain names another Service gets no hostname record', () => {
    const c = labCluster();
    c.pods = c.pods.map((p) =>
      p.metadata.name === 'db-0' ? { ...p, spec: { ...p.spec, subdomain: 'elsewhere' } } : p,
    );
    expect(query(buildZone(c), { name: 'db-0.db.shop.svc.cluster.local', type: 'A' }).rcode).toBe('NXDOMAIN');
  });

  it('times out when the kube-dns Service has no ready endpoint', () => {
    const c = labCluster();
    c.endpointSlices = c.endpointSlices.map((s) => (s.metadata.namespace === 'kube-system' ? noneReady(s) : s));
    const a = query(buildZone(c), { name: 'web.shop.svc.cluster.local', type: 'A' });
    expect([a.origin, a.problem?.kind]).toEqual(['timeout', 'server-unreachable']);
  });
});

describe('kube-dns address', () => {
  it('comes from the kube-system/kube-dns Service when present', () => {
    const c = emptyCluster(defaultLabSettings());
    c.services = [service('kube-system', 'kube-dns', { clusterIP: '10.96.7.7' })];
    expect(kubeDnsIP(c)).toBe('10.96.7.7');
  });
  it('is the tenth address of the service CIDR otherwise', () => {
    expect(kubeDnsIP(emptyCluster(defaultLabSettings()))).toBe('10.96.0.10');
    expect(kubeDnsIP(emptyCluster({ ...defaultLabSettings(), serviceCIDR: '172.20.0.0/16' }))).toBe('172.20.0.10');
  });
  it('follows a custom cluster domain', () => {
    const c = labCluster();
    c.settings = { ...c.settings, clusterDomain: 'corp.internal' };
    const z = buildZone(c);
    expect(data(query(z, { name: 'web.shop.svc.corp.internal', type: 'A' }))).toEqual([
      'web.shop.svc.corp.internal. A 10.96.12.34',
    ]);
    expect(query(z, { name: 'web.shop.svc.cluster.local', type: 'A' }).origin).toBe('upstream');
  });
});
