// kube-proxy's own expected iptables-restore payloads through the CLI: the objects of each upstream
// test vector written as a `kind: List` file, fed to kube-proxy with `--admission none` (no
// apiserver, no controllers, no namespaces), the payload printed with `--format iptables-restore`.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { KUBE_PROXY_VECTORS, TEST_NODE } from '../sim/proxy/iptables/fixtures';
import { NODE1_IP, testService, testSlice } from '../sim/proxy/ipvs/testfixtures';
import { readerOf, runCli } from './testing';

const testdata = (path: string) => readFileSync(new URL(`../sim/proxy/${path}`, import.meta.url), 'utf8');
const golden = (name: string) => testdata(`iptables/testdata/${name}`);

function cli(argv: string[], files: Record<string, string>) {
  return runCli(argv, readerOf(files));
}

// NewFakeProxier's settings: cluster CIDR 10.0.0.0/8 and the node's three addresses.
const fakeProxier = [
  ...['--node', TEST_NODE.name],
  ...['--set', `nodeIPs=${TEST_NODE.ips.join(',')}`],
  ...['--set', 'kubeProxy.clusterCIDR=10.0.0.0/8'],
];
// kube-proxy fed the files directly; its iptables-restore payload.
const raw = ['--admission', 'none'];
const restore = ['--format', 'iptables-restore'];

describe('rules --admission none --format iptables-restore: kube-proxy test vectors byte for byte', () => {
  for (const v of KUBE_PROXY_VECTORS) {
    it(v.title, () => {
      const list = { apiVersion: 'v1', kind: 'List', items: [...v.services(), ...v.slices()] };
      const flags = Object.entries(v.settings).flatMap(([k, val]) => ['--set', `kubeProxy.${k}=${String(val)}`]);
      const files = { 'vector.json': JSON.stringify(list) };
      const r = cli(['rules', 'vector.json', ...raw, ...restore, ...fakeProxier, ...flags], files);
      expect(r.stderr.replace(/^(Normal .*|.*: warning: .*)\n/gm, '')).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(golden(v.golden));
    });
  }

  it('keeps what admission would refuse: node port 3001, healthCheckNodePort on a Cluster-policy Service, ' +
    'no namespaces', () => {
    const v = KUBE_PROXY_VECTORS.find((x) => x.golden === 'overall-iptables-rules.txt')!;
    const list = { apiVersion: 'v1', kind: 'List', items: [...v.services(), ...v.slices()] };
    const files = { 'vector.json': JSON.stringify(list) };
    const admitted = cli(['rules', 'vector.json', ...restore, ...fakeProxier], files);
    expect(admitted.stderr).toMatch(/not found|Invalid value/);
    const unadmitted = cli(['rules', 'vector.json', ...raw, ...restore, ...fakeProxier], files);
    expect(unadmitted.stdout).toContain('--dport 3001');
    expect(unadmitted.stdout).not.toMatch(/^:PREROUTING|^-A PREROUTING/m);
  });

  it('the nftables golden listing through the same path (--mode nftables --format nft)', () => {
    const services = [
      testService('default', 'web', { clusterIP: '10.96.0.20' }),
      testService('default', 'empty', { clusterIP: '10.96.0.21' }),
    ];
    const endpoints = [
      { ip: '10.244.1.11', node: 'node-1' },
      { ip: '10.244.2.12', node: 'node-2' },
    ];
    const slices = [testSlice('default', 'web', endpoints)];
    const list = { apiVersion: 'v1', kind: 'List', items: [...services, ...slices] };
    const nft = ['--mode', 'nftables', '--format', 'nft', '--node', 'node-1', '--set', `nodeIPs=${NODE1_IP}`];
    const r = cli(['rules', 'two.json', ...raw, ...nft], { 'two.json': JSON.stringify(list) });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(testdata('nftables/testdata/two-services.nft'));
  });

  it('needs --node and says why', () => {
    const r = cli(['rules', 'v.json', ...raw], { 'v.json': '{"apiVersion":"v1","kind":"List","items":[]}' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--admission none needs --node');
  });
});
