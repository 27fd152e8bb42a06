// The rendered `nft list table ip kube-proxy` against the real nft and kernel: nft must accept the
// text (`nft -c -f`), and after loading it in a private network namespace `nft list table` must
// print it back byte for byte. Then one real ClusterIP connection is made inside the namespace:
// the listener on the endpoint address reports which endpoint the kernel's DNAT chose.

import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { artifactText } from '../../artifact';
import { freshState, tcp, testCluster, testService, testSlice } from '../ipvs/testfixtures';
import { compileNftables } from './proxy';

function which(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
}

function ensureNft(): string | null {
  if (process.platform !== 'linux') return 'needs Linux';
  const root = process.getuid?.() === 0;
  if (!which('nft')) {
    if (!root) return 'nft is not installed and installing it needs root';
    spawnSync('apt-get', ['update'], { stdio: 'ignore' });
    const r = spawnSync('apt-get', ['install', '-y', 'nftables'], { stdio: 'ignore' });
    if (r.status !== 0 || !which('nft')) return 'could not install Debian package nftables';
  }
  if (!root) return 'loading rules needs root (unshare -n)';
  const probe = spawnSync('unshare', ['-n', 'nft', 'list', 'tables']);
  if (probe.status !== 0) {
    return `the kernel refuses nftables in a new network namespace: ${probe.stderr.toString().trim()}`;
  }
  return null;
}

const skip = ensureNft();

/** A one-shot server on the endpoint's address that prints the local address the connection reached. */
const ACCEPT_ONCE = [
  'import socket',
  's=socket.socket()',
  's.setsockopt(socket.SOL_SOCKET,socket.SO_REUSEADDR,1)',
  "s.bind(('10.244.1.5',8080))",
  's.listen(1)',
  'c,a=s.accept()',
  "print(c.getsockname()[0]+':'+str(c.getsockname()[1]))",
].join(';');

/**
 * The node's network inside the namespace: its address on a bridge, Service CIDR routed out through it
 * (as via a gateway).
 */
const NODE_NET = [
  'ip link set lo up',
  'ip link add br0 type bridge',
  'ip link set br0 up',
  'ip addr add 192.168.49.2/24 dev br0',
  'ip route add 10.96.0.0/12 via 192.168.49.1 dev br0 onlink',
  'ip neigh add 192.168.49.1 lladdr 02:00:00:00:00:01 dev br0',
];

function sampleProxy() {
  const c = testCluster({
    services: [
      testService('ns1', 'svc1', { clusterIP: '10.96.0.41' }),
      testService('ns2', 'svc2', {
        type: 'LoadBalancer',
        clusterIP: '10.96.0.42',
        externalTrafficPolicy: 'Local',
        externalIPs: ['192.168.99.22'],
        ports: [{ name: 'p80', port: 80, protocol: 'TCP', nodePort: 30001 }],
      }, { loadBalancer: { ingress: [{ ip: '1.2.3.4' }] } }),
      testService('ns3', 'svc3', {
        type: 'NodePort',
        clusterIP: '10.96.0.43',
        ports: [{ name: 'p80', port: 80, protocol: 'TCP', nodePort: 30003 }],
      }),
      testService('ns5', 'svc5', {
        type: 'LoadBalancer',
        clusterIP: '10.96.0.45',
        sessionAffinity: 'ClientIP',
        loadBalancerSourceRanges: ['203.0.113.0/25'],
        ports: [{ name: 'p80', port: 80, protocol: 'TCP', nodePort: 30002 }],
      }, { loadBalancer: { ingress: [{ ip: '5.6.7.8' }] } }),
      testService('ns6', 'svc6', { clusterIP: '10.96.0.46' }),
      testService('kube-system', 'kube-dns', {
        clusterIP: '10.96.0.10',
        ports: [{ name: 'dns', port: 53, protocol: 'UDP' }, { name: 'dns-tcp', port: 53, protocol: 'TCP' }],
      }),
    ],
    slices: [
      testSlice('ns1', 'svc1', [{ ip: '10.244.1.5', node: 'node-1' }]),
      testSlice('ns2', 'svc2', [{ ip: '10.244.2.2', node: 'node-2' }]),
      testSlice('ns3', 'svc3', [
        { ip: '10.244.1.3', node: 'node-1' },
        { ip: '10.244.2.3', node: 'node-2' },
        { ip: '10.244.2.4', node: 'node-2' },
      ]),
      testSlice('ns5', 'svc5', [{ ip: '10.244.2.3', node: 'node-2' }]),
      testSlice('kube-system', 'kube-dns', [{ ip: '10.244.1.2', node: 'node-1' }], [
        { name: 'dns', port: 53, protocol: 'UDP' },
        { name: 'dns-tcp', port: 53 },
      ]),
    ],
    settings: (s) => (s.kubeProxy.mode = 'nftables'),
  });
  return compileNftables({ cluster: c, nodeName: 'node-1', settings: c.settings });
}

describe.skipIf(skip !== null)(`nftables against the kernel${skip ? ` (skipped: ${skip})` : ''}`, () => {
  const px = sampleProxy();
  const text = artifactText(px.artifacts[0]!);
  const dir = mkdtempSync(join(tmpdir(), 'netlab-nft-'));
  const file = join(dir, 'kube-proxy.nft');
  writeFileSync(file, text);

  it('nft -c -f accepts the rendering', () => {
    const r = spawnSync('unshare', ['-n', 'nft', '-c', '-f', file]);
    expect(r.stderr.toString()).toBe('');
    expect(r.status).toBe(0);
  });

  it('the kernel lists the loaded table exactly as rendered', () => {
    const listed = execFileSync('unshare', [
      '-n',
      'sh',
      '-c',
      `nft -f ${file} && nft list table ip kube-proxy`,
    ]).toString();
    expect(listed).toBe(text);
  });

  it('a ClusterIP connection is DNATed to the endpoint the simulator picks', (ctx) => {
    // In the namespace the endpoint address is local and a listener answers on it; a connection
    // to the ClusterIP from the node itself goes through nat-output.
    const sim = px.evaluate({ packet: tcp('192.168.49.2', '10.96.0.41', 80), origin: 'local', state: freshState() });
    expect(sim.verdict.kind).toBe('dnat');
    if (sim.verdict.kind !== 'dnat') return;
    const script = [
      'set -e',
      ...NODE_NET,
      'ip addr add 10.244.1.5/32 dev lo',
      `nft -f ${file}`,
      `python3 -c "${ACCEPT_ONCE}" &`,
      'sleep 0.3',
      `python3 -c "import socket;s=socket.create_connection(('10.96.0.41',80),timeout=3);s.close()"`,
      'wait',
    ].join('\n');
    const r = spawnSync('unshare', ['-n', 'sh', '-c', script]);
    if (r.status !== 0) {
      // Some kernels in containers lack nf_nat for nftables; say so rather than fail silently.
      ctx.skip(`the kernel did not allow the connection check: ${r.stderr.toString().trim()}`);
      return;
    }
    expect(r.stdout.toString().trim()).toBe(`${sim.verdict.endpoint.ip}:${sim.verdict.endpoint.port}`);
  });

  it.for([
    // [what, destination, port]
    ['service without endpoints', '10.96.0.46', 80],
    ['ClusterIP on a port the service does not have', '10.96.0.41', 22],
    ['unallocated ClusterIP', '10.96.0.99', 80],
  ] as const)('%s: the kernel and the simulator agree on refused vs timeout', ([, dst, port], ctx) => {
    const sim = px.evaluate({ packet: tcp('192.168.49.2', dst, port), origin: 'local', state: freshState() });
    const kind = sim.verdict.kind;
    const expected = kind === 'reject' ? 'refused' : kind === 'drop' ? 'timeout' : kind;
    const script = [
      'set -e',
      ...NODE_NET,
      `nft -f ${file}`,
      `python3 -c "
import socket
try:
    socket.create_connection(('${dst}', ${port}), timeout=1).close(); print('ok')
except ConnectionRefusedError: print('refused')
except (socket.timeout, TimeoutError): print('timeout')
except OSError as e: print('error', e)"`,
    ].join('\n');
    const r = spawnSync('unshare', ['-n', 'sh', '-c', script]);
    if (r.status !== 0) ctx.skip(`the kernel did not allow the connection check: ${r.stderr.toString().trim()}`);
    expect(r.stdout.toString().trim()).toBe(expected);
  });
});
