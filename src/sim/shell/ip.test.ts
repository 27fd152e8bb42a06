// `ip` in the console answers from the node layer's interfaces and routes, as iproute2 prints them.

import { describe, expect, it } from 'vitest';
import type { OtherObject, Pod } from '../api/types';
import { buildLab } from '../assembly/lab';
import { defaultLabSettings } from '../lab';
import { vethName } from '../node/interfaces';
import { runShell, type Shell, type ShellEnv } from './shell';

function node(name: string, ip: string): OtherObject {
  const status = { addresses: [{ type: 'InternalIP', address: ip }] };
  return { apiVersion: 'v1', kind: 'Node', metadata: { name }, status } as OtherObject;
}

function pod(name: string, nodeName: string): Pod {
  const spec = { nodeName, containers: [{ name: 'app', image: 'nginx' }] };
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' }, spec };
}

const nodes = [node('node-1', '192.168.49.2'), node('node-2', '192.168.49.3')];
const objects = [...nodes, pod('a', 'node-1'), pod('b', 'node-2')];
const lab = buildLab({ settings: defaultLabSettings(), objects });

function sh(shell: Shell, line: string) {
  const unused = () => {
    throw new Error('not used by ip');
  };
  const env: ShellEnv = { lab, shell, labWith: unused, trace: unused, readManifests: unused, setKubeProxy: unused };
  return runShell(env, line);
}

const onNode1: Shell = { kind: 'node', node: 'node-1' };

describe('ip on a node', () => {
  it('ip route prints the main table; show table local names no table', () => {
    const out = sh(onNode1, 'ip route').out.split('\n');
    const veths = lab.cluster.pods
      .filter((p) => p.spec.nodeName === 'node-1' && !p.spec.hostNetwork)
      .map((p) => `${p.status!.podIP} dev ${vethName(p.metadata.namespace!, p.metadata.name)} scope link`);
    expect(veths).toContain(`10.244.0.2 dev ${vethName('default', 'a')} scope link`);
    expect(out).toEqual([
      'default via 192.168.49.1 dev eth0',
      'blackhole 10.244.0.0/24 proto bird',
      ...veths.sort(),
      '10.244.1.0/24 via 192.168.49.3 dev eth0 proto bird',
      '192.168.49.0/24 dev eth0 proto kernel scope link src 192.168.49.2',
      '',
    ]);
    const local = sh(onNode1, 'ip -4 route show table local').out.split('\n');
    expect(local[0]).toBe('local 127.0.0.0/8 dev lo proto kernel scope host src 127.0.0.1');
    const all = sh(onNode1, 'ip r show table all').out;
    expect(all).toContain('local 192.168.49.2 dev eth0 table local proto kernel scope host src 192.168.49.2\n');
  });

  it('ip route get names the route the kernel picks and the source it would use', () => {
    const viaNode2 = '10.244.1.2 via 192.168.49.3 dev eth0 src 192.168.49.2 uid 0 \n    cache \n';
    expect(sh(onNode1, 'ip route get 10.244.1.2').out).toBe(viaNode2);
    // A pod's veth has no address of its own: the node's is the source.
    const toA = `10.244.0.2 dev ${vethName('default', 'a')} src 192.168.49.2 uid 0 \n    cache \n`;
    expect(sh(onNode1, 'ip route get 10.244.0.2').out).toBe(toA);
    const local = 'local 192.168.49.2 dev lo src 192.168.49.2 uid 0 \n    cache <local> \n';
    expect(sh(onNode1, 'ip route get 192.168.49.2').out).toBe(local);
    expect(sh(onNode1, 'ip route get 10.244.0.99').err).toBe('RTNETLINK answers: Invalid argument\n');
  });

  // iproute2's get_prefix (lib/utils.c): exit 1, nothing asked of the kernel.
  it.each([
    ['ip route get 999.1.1.1', 'Error: any valid prefix is expected rather than "999.1.1.1".'],
    ['ip route get web', 'Error: any valid prefix is expected rather than "web".'],
    ['ip route get 10.244.1.2/33', 'Error: any valid prefix is expected rather than "10.244.1.2/33".'],
    ['ip -4 route get 1.2.3.4.5', 'Error: inet prefix is expected rather than "1.2.3.4.5".'],
    ['ip -4 route get ::1', 'Error: inet prefix is expected rather than "::1".'],
    ['ip route get 10.244.1.2 from 300.0.0.1', 'Error: any valid prefix is expected rather than "300.0.0.1".'],
    ['ip route show 999.1.1.1', 'Error: any valid prefix is expected rather than "999.1.1.1".'],
  ])('%s is refused in iproute2\'s words, on a node and in a pod', (line, err) => {
    for (const shell of [onNode1, { kind: 'pod', pod: 'default/a' } as Shell]) {
      const r = sh(shell, line);
      expect(r).toEqual({ out: '', err: `${err}\n`, events: [] });
    }
  });

  it('reads addresses as iproute2 does: missing parts are zero, 0x is hex, a leading 0 octal', () => {
    const viaNode2 = (dst: string) => `${dst} via 192.168.49.3 dev eth0 src 192.168.49.2 uid 0 \n    cache \n`;
    expect(sh(onNode1, 'ip route get to 10.244.1').out).toBe(viaNode2('10.244.1.0'));
    expect(sh(onNode1, 'ip -4 route get 0xa.244.1.02').out).toBe(viaNode2('10.244.1.2'));
    expect(sh(onNode1, 'ip route get 10.244.1.2 from 192.168.49.2').out).toBe(viaNode2('10.244.1.2'));
    const ipv6 = 'ip: the lab routes IPv4 only; ask for one address, not "fe80::1"\n';
    expect(sh(onNode1, 'ip route get fe80::1').err).toBe(ipv6);
    expect(sh(onNode1, 'ip route get').err).toBe('need at least a destination address\n');
  });

  it('ip -4 addr lists the interfaces that have an IPv4 address', () => {
    expect(sh(onNode1, 'ip -4 addr').out).toBe(
      [
        '1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN group default qlen 1000',
        '    inet 127.0.0.1/8 scope host lo',
        '       valid_lft forever preferred_lft forever',
        '2: eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP group default',
        '    inet 192.168.49.2/24 brd 192.168.49.255 scope global eth0',
        '       valid_lft forever preferred_lft forever',
        '',
      ].join('\n'),
    );
  });

  it('says what it cannot do', () => {
    expect(sh(onNode1, 'ip link').err).toMatch(/^Object "link" is unknown/);
    expect(sh(onNode1, 'ip route show table 99').err).toMatch(/tables main and local/);
    expect(sh({ kind: 'external', client: 'internet' }, 'ip route').err).toMatch(/outside the lab/);
  });
});

describe('ip in a pod', () => {
  it("shows the pod's own namespace: a /32 and everything via 169.254.1.1", () => {
    const inA: Shell = { kind: 'pod', pod: 'default/a' };
    expect(sh(inA, 'ip route').out).toBe('default via 169.254.1.1 dev eth0 \n169.254.1.1 dev eth0 scope link \n');
    expect(sh(inA, 'ip addr').out).toContain('2: eth0@if3: <BROADCAST,MULTICAST,UP,LOWER_UP>');
    expect(sh(inA, 'ip addr').out).toContain('    inet 10.244.0.2/32 scope global eth0\n');
  });
});
