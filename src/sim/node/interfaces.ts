// A node's network interfaces, as `ip -4 addr` / `ip link` would list them on a node of a routed
// pod network in Calico's style (BGP, no encapsulation): `lo`; `eth0` on the node network holding
// the node's addresses; one veth per pod, named `cali` + the first 11 hex digits of
// sha1("<namespace>.<pod>") (Calico's VethNameForWorkload), whose host side has no IPv4 address of
// its own (Calico answers the pod's ARP for its gateway 169.254.1.1 by proxy ARP). hostNetwork pods
// get no veth: they use the node's interfaces. Nothing here knows about Services.

import { sha1 } from '@noble/hashes/legacy.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import type { Node, Pod } from '../api/types';
import { cidrAddress, cidrContains, intToIp, ipToInt, parseCidr, type Cidr } from '../net/ip';

export interface InterfaceAddress {
  ip: string;
  /** The prefix the address was added with (`ip addr add <ip>/<prefix>`). */
  prefix: number;
  scope: 'host' | 'global';
}

export interface NodeInterface {
  /** The ifindex `ip link` prints first. */
  index: number;
  name: string;
  kind: 'loopback' | 'ethernet' | 'veth';
  addresses: InterfaceAddress[];
  /** For a pod's veth: the pod ("namespace/name") on the other end. */
  pod?: string;
}

/** The node's side of its node network: eth0's subnet and the router the default route uses. */
export interface NodeLink {
  /** The node's primary address (its first InternalIP). */
  ip: string;
  subnet: Cidr;
  gateway: string;
}

/** Calico's host-side veth name for a pod: "cali" + sha1("<namespace>.<name>") cut to 15 characters. */
export function vethName(namespace: string, name: string): string {
  return `cali${bytesToHex(sha1(utf8ToBytes(`${namespace}.${name}`))).slice(0, 11)}`;
}

export function podKey(p: Pod): string {
  return `${p.metadata.namespace ?? 'default'}/${p.metadata.name}`;
}

/** The node's addresses as its status reports them: InternalIPs first, then ExternalIPs. */
export function nodeAddresses(node: Node): string[] {
  const out: string[] = [];
  for (const type of ['InternalIP', 'ExternalIP']) {
    for (const a of node.status?.addresses ?? []) if (a.type === type && !out.includes(a.address)) out.push(a.address);
  }
  return out.filter((ip) => ipToInt(ip) !== null);
}

/**
 * eth0's subnet: the lab's node network when it holds the node's address (minikube and kind hand
 * out .2, .3, ... with the router at .1), else the /24 around the address with its .1 as router.
 */
export function nodeLink(node: Node, nodeCIDR: string): NodeLink | null {
  const ip = nodeAddresses(node)[0];
  if (!ip) return null;
  const lab = parseCidr(nodeCIDR, true);
  const subnet = lab && lab.prefix < 31 && cidrContains(lab, ip) ? lab : parseCidr(`${ip}/24`, true)!;
  return { ip, subnet, gateway: cidrAddress(subnet, 1) };
}

/** The interfaces a node has: lo, eth0 with every node address, one veth per pod on the pod network
 *  (`veth`: the pod's veth name, vethName's, perhaps remembered from an earlier table). */
export function nodeInterfaces(
  node: Node,
  link: NodeLink | null,
  pods: readonly Pod[],
  veth: (namespace: string, name: string) => string = vethName,
): NodeInterface[] {
  const loopback: InterfaceAddress = { ip: '127.0.0.1', prefix: 8, scope: 'host' };
  const lo: NodeInterface = { index: 1, name: 'lo', kind: 'loopback', addresses: [loopback] };
  const extra = nodeAddresses(node).filter((ip) => ip !== link?.ip);
  const eth0: NodeInterface = {
    index: 2,
    name: 'eth0',
    kind: 'ethernet',
    addresses: [
      ...(link ? [{ ip: link.ip, prefix: link.subnet.prefix, scope: 'global' as const }] : []),
      // Further addresses (a second InternalIP, an ExternalIP the node holds) as /32s beside it.
      ...extra.map((ip) => ({ ip, prefix: 32, scope: 'global' as const })),
    ],
  };
  const veths = pods.map((p, i): NodeInterface => ({
    index: 3 + i,
    name: veth(p.metadata.namespace ?? 'default', p.metadata.name),
    kind: 'veth',
    addresses: [],
    pod: podKey(p),
  }));
  return [lo, eth0, ...veths];
}

/** The broadcast address of an address added with a prefix (`brd +`), or null for /31 and /32. */
export function broadcastOf(a: InterfaceAddress): string | null {
  if (a.prefix >= 31) return null;
  const n = ipToInt(a.ip)!;
  const host = 2 ** (32 - a.prefix) - 1;
  return intToIp(((n | host) >>> 0));
}

/** `ip -4 addr` of the interfaces: only those with an IPv4 address (a Calico veth has none). */
export function renderAddresses(interfaces: readonly NodeInterface[]): string[] {
  const out: string[] = [];
  for (const i of interfaces) {
    if (i.addresses.length === 0) continue;
    const head =
      i.kind === 'loopback'
        ? `${i.index}: ${i.name}: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN group default qlen 1000`
        : `${i.index}: ${i.name}: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP group default`;
    out.push(head);
    for (const a of i.addresses) {
      const brd = broadcastOf(a);
      const brdText = brd && i.kind !== 'loopback' ? ` brd ${brd}` : '';
      out.push(`    inet ${a.ip}/${a.prefix}${brdText} scope ${a.scope} ${i.name}`);
      out.push('       valid_lft forever preferred_lft forever');
    }
  }
  return out;
}
