// Each node's routing table against the real kernel: the node's interfaces and the routes the pod
// network adds (from the route data, not from its text) are set up in a private network namespace,
// then the kernel's own `ip -4 route show table all` must print the lab's artifact line for line
// (the kernel adds the proto kernel and local-table routes itself), and `ip route get` must pick
// the same route and source for every address the lab knows, and refuse the blackholed ones alike.

import { describe, expect, it } from 'vitest';
import { run } from '../../../scripts/fidelity/netns';
import type { OtherObject, Pod } from '../api/types';
import { buildLab } from '../assembly/lab';
import { defaultLabSettings } from '../lab';
import { nodeRoutes, routeGet, type Route, type RouteTable } from './routes';

async function skipReason(): Promise<string | null> {
  if (process.platform !== 'linux') return `needs Linux (this is ${process.platform})`;
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return 'needs root to create network namespaces';
  for (const bin of ['ip', 'unshare']) {
    if ((await run('sh', ['-c', `command -v ${bin}`])).code !== 0) return `needs ${bin}`;
  }
  return null;
}

const skip = await skipReason();
if (skip) console.warn(`[fidelity] route table tests skipped: ${skip}`);

function node(name: string, addresses: { type: string; address: string }[]): OtherObject {
  return { apiVersion: 'v1', kind: 'Node', metadata: { name }, status: { addresses } } as OtherObject;
}

function pod(name: string, nodeName: string, ip?: string): Pod {
  const spec = { nodeName, containers: [{ name: 'app', image: 'nginx' }] };
  const status = ip ? { status: { podIP: ip } } : {};
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' }, spec, ...status };
}

// Three nodes, one with an ExternalIP it holds; pods on each, one with an address outside its block.
const lab = buildLab({
  settings: defaultLabSettings(),
  objects: [
    node('node-1', [{ type: 'InternalIP', address: '192.168.49.2' }]),
    node('node-2', [{ type: 'InternalIP', address: '192.168.49.3' }, { type: 'ExternalIP', address: '198.51.100.3' }]),
    node('node-3', [{ type: 'InternalIP', address: '192.168.49.4' }]),
    pod('a', 'node-1'),
    pod('b', 'node-1'),
    pod('c', 'node-2'),
    pod('d', 'node-3'),
    pod('borrowed', 'node-2', '10.244.0.200'),
  ],
});

/** `ip` commands that build the node's interfaces and the routes nobody but the CNI adds. */
function setupScript(t: RouteTable): string[] {
  const out = ['ip link set lo up'];
  for (const i of t.interfaces) {
    if (i.kind === 'loopback') continue;
    const peer = `q${i.index}`;
    out.push(`ip link add ${i.name} type veth peer name ${peer}`, `ip link set ${i.name} up`, `ip link set ${peer} up`);
    for (const a of i.addresses) {
      out.push(`ip addr add ${a.ip}/${a.prefix}${a.prefix < 31 ? ' brd +' : ''} dev ${i.name}`);
    }
  }
  for (const r of t.routes) if (r.table === 'main' && r.proto !== 'kernel') out.push(`ip route add ${routeArgs(r)}`);
  return out;
}

function routeArgs(r: Route): string {
  const words = [r.type === 'blackhole' ? 'blackhole' : '', r.dst.prefix === 0 ? 'default' : r.dst.text];
  if (r.via) words.push('via', r.via);
  if (r.dev) words.push('dev', r.dev);
  if (r.proto) words.push('proto', r.proto);
  if (r.scope) words.push('scope', r.scope);
  return words.filter(Boolean).join(' ');
}

/** Every address worth asking about: pods, nodes, their broadcast, loopback, the Internet, an empty slot. */
function destinations(): string[] {
  const pods = lab.cluster.pods.map((p) => p.status?.podIP).filter((ip): ip is string => !!ip);
  const fixed = ['192.168.49.2', '192.168.49.3', '192.168.49.4', '198.51.100.3', '192.168.49.255', '192.168.49.77'];
  return [...new Set([...pods, ...fixed, '127.0.0.53', '203.0.113.7', '10.244.0.99', '10.244.1.99', '10.245.0.1'])];
}

const MARK = '---netlab---';

async function kernelSays(t: RouteTable, dsts: readonly string[]): Promise<{ table: string[]; gets: string[][] }> {
  const script = [
    'set -e',
    ...setupScript(t),
    'set +e',
    'ip -4 route show table all',
    ...dsts.flatMap((d) => [`echo ${MARK}`, `ip route get ${d} 2>&1`]),
  ].join('\n');
  const r = await run('unshare', ['-n', 'sh', '-c', script]);
  if (r.code !== 0 && !r.stdout.includes(MARK)) throw new Error(`namespace setup failed: ${r.stderr}`);
  // iproute2 ends its route lines with a space.
  const chunks = r.stdout.split(`${MARK}\n`);
  const [table, ...gets] = chunks.map((chunk) => chunk.split('\n').filter(Boolean).map((l) => l.trimEnd()));
  return { table: table!, gets };
}

describe.skipIf(!!skip)('node routing tables against the kernel', () => {
  for (const name of ['node-1', 'node-2', 'node-3']) {
    it(`${name}: ip route show table all and ip route get agree with the lab`, async () => {
      const t = nodeRoutes(lab.cluster, name)!;
      const dsts = destinations();
      const kernel = await kernelSays(t, dsts);
      expect(kernel.gets).toHaveLength(dsts.length);
      expect(kernel.table).toEqual(t.artifact().lines.map((l) => l.text));
      const simulated = dsts.map((d) => {
        const g = routeGet(t, d);
        return 'error' in g ? [g.error] : g.lines.map((l) => l.trimEnd());
      });
      const byAddress = (answers: string[][]) => Object.fromEntries(dsts.map((d, i) => [d, answers[i]]));
      expect(byAddress(kernel.gets)).toEqual(byAddress(simulated));
    });
  }
});
