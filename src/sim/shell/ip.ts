// `ip` in the console, from the node layer's interfaces and routes (src/sim/node): on a node,
// `ip route` (the main table), `ip route show table all|main|local`, `ip route get ADDR` and
// `ip -4 addr`; in a pod, its own namespace as Calico sets it up (`default via 169.254.1.1`).

import type { Pod } from '../api/types';
import type { Lab } from '../assembly/lab';
import { renderAddresses } from '../node/interfaces';
import { networkOf, routeGet, routeLine, type RouteTable } from '../node/routes';
import type { Shell } from './where';

export type IpOutput = { out: string } | { err: string };

const USAGE = 'Usage: ip [ -4 ] { route [ show [ table all|main|local ] | get ADDRESS ] | addr [ show ] }';
const NEEDS_ADDRESS: IpOutput = { err: 'Error: argument is wrong: "get" needs an address.\n' };

/** Runs `ip <words>` where the shell is. */
export function ipCommand(lab: Lab, shell: Shell, words: readonly string[]): IpOutput {
  const [object, ...rest] = words.filter((w) => w !== '-4');
  // iproute2 takes any prefix of an object's name.
  const isRoute = !!object && 'route'.startsWith(object);
  if (!isRoute && !(object && 'address'.startsWith(object))) {
    return { err: `${object ? `Object "${object}" is unknown, try "ip help".\n` : ''}${USAGE}\n` };
  }
  if (shell.kind === 'external') {
    return { err: `ip: ${shell.client} is outside the lab: the lab models the nodes' and pods' network only\n` };
  }
  let node: string;
  if (shell.kind === 'pod') {
    const pod = lab.cluster.pods.find((p) => `${p.metadata.namespace ?? 'default'}/${p.metadata.name}` === shell.pod);
    if (!pod?.spec.nodeName) return { err: `ip: pod ${shell.pod} is not running on a node\n` };
    // A hostNetwork pod shares the node's interfaces and routes.
    if (!pod.spec.hostNetwork) return isRoute ? podRoutes(pod, rest) : { out: podAddresses(lab, pod) };
    node = pod.spec.nodeName;
  } else {
    node = shell.node;
  }
  const table = networkOf(lab).table(node);
  if (!table) return { err: `ip: node ${node} is not in the cluster\n` };
  return isRoute ? nodeRouteCommand(table, rest) : { out: lines(renderAddresses(table.interfaces)) };
}

/** `ip route show [table T]` and `ip route get ADDRESS` on a node. */
function nodeRouteCommand(table: RouteTable, rest: readonly string[]): IpOutput {
  const [verb = 'show', ...more] = rest;
  if (verb === 'get') {
    if (!more[0]) return NEEDS_ADDRESS;
    const r = routeGet(table, more[0]);
    return 'error' in r ? { err: `${r.error}\n` } : { out: lines(r.lines) };
  }
  if (!['show', 'list', 'ls'].includes(verb)) return { err: `Command "${verb}" is unknown, try "ip route help".\n` };
  const which = more[0] === 'table' ? more[1] : more.length === 0 ? 'main' : undefined;
  if (which !== 'all' && which !== 'main' && which !== 'local') {
    return { err: `Error: argument "${more.join(' ')}" is wrong: the lab's nodes have the tables main and local\n` };
  }
  const shown = table.routes.filter((r) => which === 'all' || r.table === which);
  return { out: lines(shown.map((r) => routeLine(r, which))) };
}

/** A Calico pod's own routes: everything to the veth's far end, which answers ARP for 169.254.1.1. */
function podRoutes(pod: Pod, rest: readonly string[]): IpOutput {
  const [verb = 'show', addr] = rest;
  if (verb === 'get') {
    if (!addr) return NEEDS_ADDRESS;
    return { out: `${addr} via 169.254.1.1 dev eth0 src ${podIPOf(pod) ?? '0.0.0.0'} uid 0 \n    cache \n` };
  }
  return { out: 'default via 169.254.1.1 dev eth0 \n169.254.1.1 dev eth0 scope link \n' };
}

/** The pod's side of its veth: its address as a /32; `@if<n>` is the node side's ifindex. */
function podAddresses(lab: Lab, pod: Pod): string {
  const ip = podIPOf(pod);
  const key = `${pod.metadata.namespace ?? 'default'}/${pod.metadata.name}`;
  const nodeSide = networkOf(lab).table(pod.spec.nodeName!)?.interfaces.find((i) => i.pod === key);
  const out = [
    '1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN group default qlen 1000',
    '    inet 127.0.0.1/8 scope host lo',
    '       valid_lft forever preferred_lft forever',
  ];
  if (ip) {
    const name = `eth0${nodeSide ? `@if${nodeSide.index}` : ''}`;
    out.push(`2: ${name}: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP group default`);
    out.push(`    inet ${ip}/32 scope global eth0`, '       valid_lft forever preferred_lft forever');
  }
  return lines(out);
}

function podIPOf(pod: Pod): string | undefined {
  return pod.status?.podIP ?? pod.status?.podIPs?.[0]?.ip;
}

function lines(xs: readonly string[]): string {
  return xs.length ? `${xs.join('\n')}\n` : '';
}
