// An outside client does not ask CoreDNS: it reads its /etc/hosts, then asks its own resolver (the
// DNS resolver outside the lab). Its DNS hop goes to that resolver's address and cites the line that
// answered there; a pod's lookup still goes to kube-dns and cites CoreDNS's zone.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildLab, type Lab } from '../sim/assembly/lab';
import { OUTSIDE_RESOLVER } from '../sim/dns/index';
import { newTraceSession, parseSource, trace } from '../sim/trace/trace';
import { loadScenarioText } from './index';

function lab(file: string): Lab {
  const r = loadScenarioText(file, readFileSync(join(__dirname, '../../scenarios', file), 'utf8'));
  if (!r.ok) throw new Error(`${file} does not load`);
  const { settings, objects, clients } = r.scenario;
  return buildLab({ settings, objects, clients });
}

function dnsHop(l: Lab, from: string, url: string) {
  const source = parseSource(from);
  if ('error' in source) throw new Error(source.error);
  const hop = trace(l, { from: source, url }, newTraceSession('t')).hops[0]!;
  expect(hop.place.kind).toBe('dns');
  // Every line a hop cites is the line the viewer shows for that artifact.
  for (const ref of hop.refs) expect(l.artifacts[ref.artifact]?.lines[ref.lineIndex]?.text).toBe(ref.line);
  return hop;
}

describe('an outside client\'s DNS hop', () => {
  const shop = lab('default.json');

  it('asks the resolver outside the lab at its address and cites that resolver\'s record', () => {
    const hop = dnsHop(shop, 'external:laptop', 'http://web.example.com/');
    expect(hop.place).toEqual({ kind: 'dns', id: 'dns:upstream', server: OUTSIDE_RESOLVER });
    expect(hop.before).toMatchObject({ src: '203.0.113.7', dst: OUTSIDE_RESOLVER, dstPort: 53 });
    expect(hop.explanation.key).toBe('hop.resolve.upstream');
    expect(hop.refs.map((r) => [r.artifact, r.line])).toEqual([['dns/outside', 'web.example.com.\t30\tIN\tA\t192.168.49.240']]);
  });

  it('cites the resolver\'s NXDOMAIN for a name nobody publishes', () => {
    const hop = dnsHop(shop, 'external:laptop', 'http://nowhere.example.org/');
    expect(hop.explanation.key).toBe('hop.resolve.nxdomain');
    expect(hop.before.dst).toBe(OUTSIDE_RESOLVER);
    expect(hop.refs.map((r) => [r.artifact, r.ref])).toEqual([['dns/outside', 'upstream/nxdomain']]);
  });

  it('cites the client\'s /etc/hosts line when the name is there', () => {
    const hosts = lab('ingress-nodeport-hosts.json');
    const hop = dnsHop(hosts, 'external:laptop', 'http://dev.cbuc.cn:30080/');
    expect(hop.explanation.key).toBe('hop.resolve.hosts');
    expect(hop.refs.map((r) => [r.artifact, r.line])).toEqual([['client/laptop/hosts', '192.168.49.2\tdev.cbuc.cn']]);
  });

  it('a pod still asks kube-dns, and CoreDNS\'s zone (its forwarded table) decides', () => {
    const hop = dnsHop(shop, 'pod:default/web', 'http://web.example.com/');
    expect(hop.place).toMatchObject({ id: 'dns:10.96.0.10', server: '10.96.0.10' });
    expect(hop.explanation.key).toBe('hop.resolve.cluster');
    expect(hop.refs.at(-1)).toMatchObject({ artifact: 'dns/coredns/zone', ref: 'upstream/web.example.com.' });
  });
});
