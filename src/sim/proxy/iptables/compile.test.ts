import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { rulesetText } from '../../node/netfilter/render';
import { compileIptables, recompileIptables, type IptablesArtifact, type IptablesChange } from './compile';
import {
  KUBE_PROXY_VECTORS,
  TEST_NODE,
  added,
  deleted,
  makeService,
  makeSlice,
  modified,
  testCluster,
  testProxySettings,
  trackerChanges,
} from './fixtures';
import { iptablesNodeProxy, nodeRuleset } from './proxy';

const golden = (name: string) => readFileSync(new URL(`./testdata/${name}`, import.meta.url), 'utf8');
const compile = (c: ReturnType<typeof testCluster>, over = {}) =>
  compileIptables({ cluster: c, nodeName: TEST_NODE.name, node: TEST_NODE, settings: testProxySettings(over) });

/** TestOverallIPTablesRules' services and slices (proxier_test.go). */
function overallCluster() {
  const v = KUBE_PROXY_VECTORS.find((x) => x.golden === 'overall-iptables-rules.txt')!;
  return testCluster(v.services(), v.slices());
}

describe('compileIptables reproduces kube-proxy test vectors byte for byte', () => {
  // The same vectors go through the CLI (`rules --admission none --format iptables-restore`) in
  // src/cli/admission-none.test.ts.
  for (const v of KUBE_PROXY_VECTORS) {
    it(v.title, () => {
      const c = testCluster(v.services(), v.slices());
      expect(rulesetText(compile(c, v.settings).ruleset)).toBe(golden(v.golden));
    });
  }
});

describe('compileIptables rule shapes', () => {
  const lines = (a: IptablesArtifact) => rulesetText(a.ruleset).split('\n');

  it('headless and ExternalName Services get no rules at all', () => {
    const c = testCluster(
      [
        makeService('ns1', 'headless', { clusterIP: 'None', ports: [{ port: 80 }] }),
        makeService('ns1', 'ext', { type: 'ExternalName', externalName: 'example.com', ports: [{ port: 80 }] }),
      ],
      [makeSlice('ns1', 'headless', [{ ip: '10.0.1.1' }], [{ port: 80 }])],
    );
    const text = rulesetText(compile(c).ruleset);
    expect(text).not.toMatch(/ns1\//);
    expect(text).not.toMatch(/KUBE-SVC|KUBE-SEP/);
  });

  it('internalTrafficPolicy Local with no local endpoint DROPs the ClusterIP in filter', () => {
    const c = testCluster(
      [makeService('ns1', 'svc1', { clusterIP: '172.30.1.1', internalTrafficPolicy: 'Local', ports: [{ port: 80 }] })],
      [makeSlice('ns1', 'svc1', [{ ip: '10.0.1.2', node: 'host1' }], [{ port: 80 }])],
    );
    expect(lines(compile(c))).toContain(
      '-A KUBE-SERVICES -m comment --comment "ns1/svc1 has no local endpoints" -m tcp -p tcp -d 172.30.1.1 ' +
        '--dport 80 -j DROP',
    );
    expect(rulesetText(compile(c).ruleset)).not.toMatch(/KUBE-SVL|KUBE-SVC/);
  });

  it('internalTrafficPolicy Local with a local endpoint goes to KUBE-SVL, masquerade rule included', () => {
    const c = testCluster(
      [makeService('ns1', 'svc1', { clusterIP: '172.30.1.1', internalTrafficPolicy: 'Local', ports: [{ port: 80 }] })],
      [
        makeSlice(
          'ns1',
          'svc1',
          [{ ip: '10.0.1.1', node: 'test-node' }, { ip: '10.0.1.2', node: 'host1' }],
          [{ port: 80 }],
        ),
      ],
    );
    const l = lines(compile(c));
    expect(l).toContain(
      '-A KUBE-SERVICES -m comment --comment "ns1/svc1 cluster IP" -m tcp -p tcp -d 172.30.1.1 --dport 80 ' +
        '-j KUBE-SVL-AQI2S6QIMU7PVVRP',
    );
    expect(l).toContain(
      '-A KUBE-SVL-AQI2S6QIMU7PVVRP -m comment --comment "ns1/svc1 cluster IP" -m tcp -p tcp -d 172.30.1.1 ' +
        '--dport 80 ! -s 10.0.0.0/8 -j KUBE-MARK-MASQ',
    );
    expect(l.filter((x) => x.startsWith('-A KUBE-SVL'))).toHaveLength(2);
    expect(l.some((x) => x.includes('10.0.1.2'))).toBe(false);
  });

  it('masqueradeAll drops the ! -s part; no localhost NodePorts adds ! -d 127.0.0.0/8 and drops KUBE-FIREWALL', () => {
    const c = testCluster(
      [
        makeService('ns1', 'svc1', {
          type: 'NodePort',
          clusterIP: '172.30.1.1',
          ports: [{ port: 80, nodePort: 30080 }],
        }),
      ],
      [makeSlice('ns1', 'svc1', [{ ip: '10.0.1.1' }], [{ port: 80 }])],
    );
    const l = lines(compile(c, { masqueradeAll: true, localhostNodePorts: false }));
    expect(l).toContain(
      '-A KUBE-SVC-AQI2S6QIMU7PVVRP -m comment --comment "ns1/svc1 cluster IP" -m tcp -p tcp -d 172.30.1.1 ' +
        '--dport 80 -j KUBE-MARK-MASQ',
    );
    expect(l).toContain(
      '-A KUBE-SERVICES -m comment ' +
        '--comment "kubernetes service nodeports; NOTE: this must be the last rule in this chain" -m addrtype ' +
        '--dst-type LOCAL ! -d 127.0.0.0/8 -j KUBE-NODEPORTS',
    );
    expect(l.some((x) => x.includes('KUBE-FIREWALL'))).toBe(false);
    expect(l.some((x) => x.includes('127.0.0.0/8 --dport 30080'))).toBe(false);
  });

  it('explicit nodePortAddresses give one tail rule per matching node IP', () => {
    const c = testCluster([], []);
    const l = lines(compile(c, { nodePortAddresses: ['192.168.0.0/24', '127.0.0.0/8'] }));
    expect(l.filter((x) => x.includes('-j KUBE-NODEPORTS'))).toEqual([
      '-A KUBE-SERVICES -m comment ' +
        '--comment "kubernetes service nodeports; NOTE: this must be the last rule in this chain" -d 192.168.0.2 ' +
        '-j KUBE-NODEPORTS',
      '-A KUBE-SERVICES -m comment ' +
        '--comment "kubernetes service nodeports; NOTE: this must be the last rule in this chain" -d 127.0.0.1 ' +
        '-j KUBE-NODEPORTS',
    ]);
  });

  it('source ranges containing the node IP add -s <lbIP> hairpin rules to KUBE-FW', () => {
    const c = testCluster(
      [
        makeService(
          'ns1',
          'svc1',
          {
            type: 'LoadBalancer',
            clusterIP: '172.30.1.1',
            loadBalancerSourceRanges: ['192.168.0.0/16'],
            ports: [{ port: 80, nodePort: 30080 }],
          },
          ['5.6.7.8'],
        ),
      ],
      [makeSlice('ns1', 'svc1', [{ ip: '10.0.1.1' }], [{ port: 80 }])],
    );
    expect(lines(compile(c)).filter((x) => x.startsWith('-A KUBE-FW-'))).toEqual([
      '-A KUBE-FW-AQI2S6QIMU7PVVRP -m comment --comment "ns1/svc1 loadbalancer IP" -s 192.168.0.0/16 ' +
        '-j KUBE-EXT-AQI2S6QIMU7PVVRP',
      '-A KUBE-FW-AQI2S6QIMU7PVVRP -m comment --comment "ns1/svc1 loadbalancer IP" -s 5.6.7.8 ' +
        '-j KUBE-EXT-AQI2S6QIMU7PVVRP',
      '-A KUBE-FW-AQI2S6QIMU7PVVRP -m comment ' +
        '--comment "other traffic to ns1/svc1 will be dropped by KUBE-PROXY-FIREWALL"',
    ]);
  });

  it('zero endpoints: REJECT every entry point in filter, no nat chains', () => {
    const c = testCluster(
      [
        makeService(
          'ns1',
          'svc1',
          {
            type: 'LoadBalancer',
            clusterIP: '172.30.0.41',
            externalIPs: ['192.168.99.11'],
            ports: [{ name: 'p80', port: 80, nodePort: 3001 }],
          },
          ['1.2.3.4'],
        ),
      ],
      [],
    );
    const l = lines(compile(c));
    expect(l.filter((x) => x.includes('-j REJECT'))).toEqual([
      '-A KUBE-SERVICES -m comment --comment "ns1/svc1:p80 has no endpoints" -m tcp -p tcp -d 172.30.0.41 --dport 80 ' +
        '-j REJECT',
      '-A KUBE-EXTERNAL-SERVICES -m comment --comment "ns1/svc1:p80 has no endpoints" -m tcp -p tcp -d 192.168.99.11 ' +
        '--dport 80 -j REJECT',
      '-A KUBE-EXTERNAL-SERVICES -m comment --comment "ns1/svc1:p80 has no endpoints" -m tcp -p tcp -d 1.2.3.4 ' +
        '--dport 80 -j REJECT',
      '-A KUBE-EXTERNAL-SERVICES -m comment --comment "ns1/svc1:p80 has no endpoints" -m addrtype --dst-type LOCAL ' +
        '-m tcp -p tcp --dport 3001 -j REJECT',
    ]);
    expect(l.some((x) => /KUBE-(SVC|SEP|EXT)-/.test(x))).toBe(false);
  });

  it('affinity: all --rcheck rules before the statistic rules, probabilities 1/(n-i)', () => {
    const c = testCluster(
      [
        makeService('ns1', 'svc1', {
          clusterIP: '172.30.1.1',
          sessionAffinity: 'ClientIP',
          sessionAffinityConfig: { clientIP: { timeoutSeconds: 60 } },
          ports: [{ port: 80 }],
        }),
      ],
      [makeSlice('ns1', 'svc1', [{ ip: '10.0.1.1' }, { ip: '10.0.1.2' }, { ip: '10.0.1.3' }], [{ port: 80 }])],
    );
    const svc = lines(compile(c)).filter((x) => x.startsWith('-A KUBE-SVC-')).slice(1);
    expect(svc.map((x) => x.replace(/.*--comment "[^"]*" /, ''))).toEqual([
      '-m recent --name KUBE-SEP-3JOIVZTXZZRGORX4 --rcheck --seconds 60 --reap -j KUBE-SEP-3JOIVZTXZZRGORX4',
      '-m recent --name KUBE-SEP-IO5XOSKPAXIFQXAJ --rcheck --seconds 60 --reap -j KUBE-SEP-IO5XOSKPAXIFQXAJ',
      '-m recent --name KUBE-SEP-XGJFVO3L2O5SRFNT --rcheck --seconds 60 --reap -j KUBE-SEP-XGJFVO3L2O5SRFNT',
      '-m statistic --mode random --probability 0.3333333333 -j KUBE-SEP-3JOIVZTXZZRGORX4',
      '-m statistic --mode random --probability 0.5000000000 -j KUBE-SEP-IO5XOSKPAXIFQXAJ',
      '-j KUBE-SEP-XGJFVO3L2O5SRFNT',
    ]);
  });

  it('large-cluster mode (>1000 endpoints) drops the per-endpoint comments only', () => {
    const eps = Array.from({ length: 1001 }, (_, i) => ({ ip: `10.1.${i >> 8}.${i & 255}` }));
    const c = testCluster(
      [makeService('ns1', 'svc1', { clusterIP: '172.30.1.1', ports: [{ port: 80 }] })],
      [makeSlice('ns1', 'svc1', eps, [{ port: 80 }])],
    );
    const a = compile(c);
    expect(a.largeClusterMode).toBe(true);
    const l = lines(a);
    expect(l.some((x) => /^-A KUBE-SEP-\w{16} -s 10\.1\.0\.0 -j KUBE-MARK-MASQ$/.test(x))).toBe(true);
    expect(l.filter((x) => x.startsWith('-A KUBE-SVC-') && x.includes('-> '))).toHaveLength(0);
    expect(l.some((x) => x.includes('"ns1/svc1 cluster IP"'))).toBe(true);
  });
});

describe('recompileIptables (partial sync, KEP-3453)', () => {
  it('regenerates only the changed service and equals a full compile', () => {
    const before = overallCluster();
    const prev = compile(before);
    const was = before.endpointSlices.find((s) => s.metadata.namespace === 'ns4')!;
    const now = makeSlice('ns4', 'svc4', [{ ip: '10.180.0.4' }], [{ name: 'p80', port: 80 }]);
    const after = { ...before, endpointSlices: before.endpointSlices.map((s) => (s === was ? now : s)) };
    const next = recompileIptables(prev, { cluster: after, changes: trackerChanges(modified(was, now)) });
    expect(rulesetText(next.ruleset)).toBe(rulesetText(compile(after).ruleset));
    expect(next.lastSync.kind).toBe('partial');
    expect(next.lastSync.changedServices).toEqual(['ns4/svc4']);
    expect(next.lastSync.deletedChains).toEqual(['KUBE-SEP-C6EBXVWJJZMIWKLZ']);
    const payload = rulesetText(next.lastSync.payload);
    expect(payload).toContain(':KUBE-SVC-4SW47YFZTEDKD3PK - [0:0]');
    expect(payload).toContain('-X KUBE-SEP-C6EBXVWJJZMIWKLZ');
    expect(payload).not.toContain(':KUBE-SVC-XPGD46QRK7WJZT7O');
    expect(payload).toContain('-j KUBE-SVC-XPGD46QRK7WJZT7O'); // top-level rules are always written in full
  });

  it('handles added and removed Services and reports them', () => {
    const before = overallCluster();
    const prev = compile(before);
    const gone = before.services.find((s) => s.metadata.namespace === 'ns1')!;
    const svc7 = makeService('ns7', 'svc7', { clusterIP: '172.30.0.47', ports: [{ port: 80 }] });
    const slice7 = makeSlice('ns7', 'svc7', [{ ip: '10.180.0.7' }], [{ port: 80 }]);
    const after = {
      ...before,
      services: [...before.services.filter((s) => s !== gone), svc7],
      endpointSlices: [...before.endpointSlices, slice7],
    };
    const next = recompileIptables(prev, {
      cluster: after,
      changes: trackerChanges(deleted(gone), added(svc7), added(slice7)),
    });
    expect(rulesetText(next.ruleset)).toBe(rulesetText(compile(after).ruleset));
    expect(next.lastSync.changedServices).toEqual(['ns1/svc1', 'ns7/svc7']);
    expect(next.lastSync.deletedChains).toEqual(['KUBE-SEP-SXIVWICOYRO3J4NJ', 'KUBE-SVC-XPGD46QRK7WJZT7O']);
  });

  it('a chain of partial syncs equals a full compile at each step and leaves earlier artifacts intact', () => {
    const c0 = overallCluster();
    const a0 = compile(c0);
    const text0 = rulesetText(a0.ruleset);
    const step = (prev: IptablesArtifact, c: typeof c0, changes: IptablesChange['changes']) => {
      const next = recompileIptables(prev, { cluster: c, changes });
      expect(next.lastSync.kind).toBe('partial');
      expect(rulesetText(next.ruleset)).toBe(rulesetText(compile(c).ruleset));
      return next;
    };
    // 1. An endpoint moves (a modified slice: found by key in what the last sync saw).
    const was = c0.endpointSlices.find((s) => s.metadata.namespace === 'ns4')!;
    const now = makeSlice('ns4', 'svc4', [{ ip: '10.180.0.4' }], [{ name: 'p80', port: 80 }]);
    const c1 = { ...c0, endpointSlices: c0.endpointSlices.map((s) => (s === was ? now : s)) };
    const a1 = step(a0, c1, trackerChanges(modified(was, now)));
    // 2. A second slice for the same Service (an added slice: the sync scans the cluster).
    const extra = { ...makeSlice('ns4', 'svc4', [{ ip: '10.180.0.9' }], [{ name: 'p80', port: 80 }]) };
    extra.metadata = { ...extra.metadata, name: 'svc4-extra' };
    const c2 = { ...c1, endpointSlices: [...c1.endpointSlices, extra] };
    const a2 = step(a1, c2, trackerChanges(added(extra)));
    expect(a2.perService.get('ns4/svc4')![0]!.port.endpoints.map((e) => e.ip)).toEqual(['10.180.0.4', '10.180.0.9']);
    // 3. The Service itself changes (its new object comes from the tracker).
    const svc = c2.services.find((x) => x.metadata.namespace === 'ns4')!;
    const svc2 = { ...svc, spec: { ...svc.spec, sessionAffinity: 'ClientIP' as const } };
    const c3 = { ...c2, services: c2.services.map((x) => (x === svc ? svc2 : x)) };
    const a3 = step(a2, c3, trackerChanges(modified(svc, svc2)));
    expect(a3.lastSync.changedServices).toEqual(['ns4/svc4']);
    // Each sync copied what it changed: the first artifact still holds the first sync's state.
    expect(rulesetText(a0.ruleset)).toBe(text0);
    expect(a0.perService.get('ns4/svc4')![0]!.port.endpoints.map((e) => e.ip)).not.toContain('10.180.0.9');
    expect(rulesetText(step(a0, c1, trackerChanges(modified(was, now))).ruleset)).toBe(rulesetText(a1.ruleset));
  });

  it('an unchanged cluster changes nothing', () => {
    const c = overallCluster();
    const next = recompileIptables(compile(c), { cluster: c, changes: trackerChanges() });
    expect(next.lastSync.changedServices).toEqual([]);
    expect(rulesetText(next.ruleset)).toBe(rulesetText(compile(c).ruleset));
  });
});

describe('kube-proxy jump rules and the node view', () => {
  it('prepends each jump, so the built-in chains list them as on a real node (iptables -L)', () => {
    const a = compile(overallCluster());
    const targets = (table: 'filter' | 'nat', chain: string) =>
      a.jumps.tables[table]!.chains.find((c) => c.name === chain)!.rules.map(
        (r) => (r.target.kind === 'jump' ? r.target.chain : r.target.kind),
      );
    expect(targets('filter', 'INPUT')).toEqual([
      'KUBE-PROXY-FIREWALL', 'KUBE-NODEPORTS', 'KUBE-EXTERNAL-SERVICES', 'KUBE-FIREWALL',
    ]);
    expect(targets('filter', 'FORWARD')).toEqual([
      'KUBE-PROXY-FIREWALL', 'KUBE-FORWARD', 'KUBE-SERVICES', 'KUBE-EXTERNAL-SERVICES',
    ]);
    expect(targets('filter', 'OUTPUT')).toEqual(['KUBE-PROXY-FIREWALL', 'KUBE-SERVICES', 'KUBE-FIREWALL']);
    expect(targets('nat', 'PREROUTING')).toEqual(['KUBE-SERVICES']);
    expect(targets('nat', 'POSTROUTING')).toEqual(['KUBE-POSTROUTING']);
    expect(rulesetText(nodeRuleset(a)).split('\n')).toContain(
      '-A INPUT -m conntrack --ctstate NEW -m comment --comment "kubernetes externally-visible service portals" ' +
        '-j KUBE-EXTERNAL-SERVICES',
    );
  });

  it('says in its event whether a sync was full or partial, and what changed', () => {
    const before = overallCluster();
    const prev = compile(before);
    expect(iptablesNodeProxy(prev).events[0]!.message).toMatch(
      /^Syncing iptables rules: full sync \(initial sync\); numServices=6 numEndpoints=6 /,
    );
    const now = makeSlice('ns1', 'svc1', [{ ip: '10.180.0.9' }], [{ name: 'p80', port: 80 }]);
    const after = { ...before, endpointSlices: before.endpointSlices.map((s, i) => (i === 0 ? now : s)) };
    const changes = trackerChanges(modified(before.endpointSlices[0]!, now));
    const msg = iptablesNodeProxy(recompileIptables(prev, { cluster: after, changes })).events[0]!.message;
    expect(msg).toMatch(/partial sync: 1 of 6 services changed \(ns1\/svc1\)/);
    expect(msg).toMatch(/deletedChains=1/);
  });
});

describe('recompileIptables falls back to a full sync when kube-proxy itself changes', () => {
  it.each<[string, Omit<IptablesChange, 'cluster' | 'changes'>]>([
    ['kube-proxy settings changed', { settings: testProxySettings({ masqueradeAll: true }) }],
    ['node addresses changed', { node: { ...TEST_NODE, ips: ['192.168.0.3'] } }],
    ['full sync requested', { fullSync: true }],
  ])('%s', (reason, extra) => {
    const c = overallCluster();
    const next = recompileIptables(compile(c), { cluster: c, changes: trackerChanges(), ...extra });
    expect(next.lastSync).toMatchObject({ kind: 'full', reason });
    const want = compileIptables({
      cluster: c,
      nodeName: TEST_NODE.name,
      node: extra.node ?? TEST_NODE,
      settings: extra.settings ?? testProxySettings(),
    });
    expect(rulesetText(next.ruleset)).toBe(rulesetText(want.ruleset));
  });
});
