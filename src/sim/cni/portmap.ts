// The CNI `portmap` plugin (containernetworking/plugins plugins/meta/portmap, iptables backend):
// what it leaves in a node's nat table for every pod sandbox with hostPorts. The kubelet hands
// the container runtime each container port with a hostPort; the runtime calls the CNI chain
// (flannel's "cbr0": bridge, then portmap) with them as `portMappings`, and portmap writes:
//
//   PREROUTING, OUTPUT:  -m addrtype --dst-type LOCAL -j CNI-HOSTPORT-DNAT        (appended once)
//   CNI-HOSTPORT-DNAT:   -p tcp -m comment --comment "dnat name: ... id: ..."
//                        -m multiport --dports 80,443 -j CNI-DN-<hash>          (inserted first, per sandbox)
//   CNI-DN-<hash>:       per mapping: -s <pod subnet> ... -j CNI-HOSTPORT-SETMARK   (hairpin)
//                                     -s 127.0.0.1/32 ... -j CNI-HOSTPORT-SETMARK  (localhost)
//                                     -p tcp -m tcp --dport <hostPort> -j DNAT --to-destination <podIP>:<containerPort>
//   CNI-HOSTPORT-SETMARK: -j MARK --set-xmark 0x2000/0x2000
//   POSTROUTING:         -m comment --comment "CNI portfwd requiring masquerade" -j CNI-HOSTPORT-MASQ  (inserted first)
//   CNI-HOSTPORT-MASQ:   -m mark --mark 0x2000/0x2000 -j MASQUERADE
//
// Facts from portmap_iptables.go / chain.go / utils.go (chain setup appends entry rules unless
// `prependEntry`; the per-sandbox chain and the MASQ jump are prepended) and pkg/utils
// (chain name "CNI-DN-" + sha512(network + containerID) in hex, cut to 28 characters). Rules are
// data here (the netfilter Ruleset the walker evaluates), written in iptables-save's canonical
// order (-s, -d, -p, then the modules).

import type { Pod, Protocol } from '../api/types';
import type { WatchEvent } from '../api/store';
import type { Cluster } from '../cluster';
import { parseCidr } from '../net/ip';
import { SeededRandom } from '../net/rand';
import type { Chain, IpProtocol, Match, Rule, Ruleset, Table } from '../node/netfilter/types';
import { BUILTIN_CHAINS, isBuiltinChain } from '../node/netfilter/types';
import { sha512Hex } from '../util/hash';

/** The CNI network name in the comment and the chain hash: flannel's kube-flannel.yml conflist is "cbr0". */
export const CNI_NETWORK_NAME = 'cbr0';
export const TOP_LEVEL_DNAT_CHAIN = 'CNI-HOSTPORT-DNAT';
export const SETMARK_CHAIN = 'CNI-HOSTPORT-SETMARK';
export const MARK_MASQ_CHAIN = 'CNI-HOSTPORT-MASQ';
/** `markMasqBit` defaults to 13: mark 0x2000, beside kube-proxy's 0x4000. */
export const PORTMAP_MASQ_MARK = 1 << 13;
/** iptables' `-m multiport` takes at most 15 ports; portmap splits longer lists (splitPortList). */
const MULTIPORT_MAX = 15;
/** portmap's utils.MustFormatChainNameWithPrefix: "CNI-" + prefix + hash, 28 characters in all. */
const MAX_CHAIN_LENGTH = 28;

/** One `portMappings` entry as the runtime passes it (protocol lower-case). */
export interface PortMapEntry {
  hostPort: number;
  containerPort: number;
  protocol: IpProtocol;
  /** ContainerPort.hostIP: the rules then match `-d hostIP` only. */
  hostIP?: string;
}

/** A pod sandbox portmap set up forwarding for. */
export interface PortmapSandbox {
  /** "namespace/name" */
  pod: string;
  podIP: string;
  /** The container network as iptables prints it (`-s 10.244.1.0/24`): host-local's range, the node's podCIDR. */
  podSubnet: string;
  /** The sandbox (pause) container id the runtime passes as CNI_CONTAINERID; seeded, 64 hex digits. */
  containerID: string;
  /** CNI-DN-<hash> */
  chain: string;
  /** `dnat name: "<network>" id: "<containerID>"` */
  comment: string;
  portMappings: PortMapEntry[];
}

/** portmap's state on one node: every sandbox with hostPorts, in the order they were set up (the
 *  order the cluster lists the pods: the lab keeps no creation times). */
export interface NodePortmap {
  node: string;
  network: string;
  sandboxes: PortmapSandbox[];
}

/** The sandbox container id of a pod: 64 hex digits, drawn from the lab's seed (the runtime picks a random
 *  one). */
export function sandboxContainerID(seed: string, pod: Pod): string {
  const { namespace, name, uid } = pod.metadata;
  const r = SeededRandom.fromSeed(seed, `sandbox/${namespace ?? 'default'}/${name}/${uid ?? ''}`);
  let id = '';
  for (let i = 0; i < 8; i++) id += r.nextUint32().toString(16).padStart(8, '0');
  return id;
}

/** "CNI-DN-" + sha512(network + containerID), cut to 28 characters. */
export function portmapChainName(network: string, containerID: string): string {
  return `CNI-DN-${sha512Hex(network + containerID)}`.slice(0, MAX_CHAIN_LENGTH);
}

function ipProtocol(p: Protocol | undefined): IpProtocol {
  return (p ?? 'TCP').toLowerCase() as IpProtocol;
}

/** The kubelet's portMappings for a pod: every container port with a hostPort, in spec order. */
export function podPortMappings(pod: Pod): PortMapEntry[] {
  return pod.spec.containers.flatMap((c) =>
    (c.ports ?? [])
      .filter((p) => (p.hostPort ?? 0) > 0)
      .map((p) => ({
        hostPort: p.hostPort!,
        containerPort: p.containerPort,
        protocol: ipProtocol(p.protocol),
        ...(p.hostIP ? { hostIP: p.hostIP } : {}),
      })),
  );
}

/**
 * The nodes whose portmap state a batch of watch events can change: the container runtime calls the
 * plugin only for sandboxes of pods with hostPorts, so only Pod events where the old or the new
 * version maps a hostPort count. Node and settings changes restart the lab's data plane anyway.
 */
export function portmapNodesTouched(events: readonly WatchEvent[]): Set<string> {
  const out = new Set<string>();
  for (const e of events) {
    if (e.object.kind !== 'Pod') continue;
    for (const pod of [e.old, e.object] as (Pod | undefined)[]) {
      if (pod?.spec.nodeName && podPortMappings(pod).length) out.add(pod.spec.nodeName);
    }
  }
  return out;
}

export interface NodePortmapInput {
  cluster: Pick<Cluster, 'pods' | 'nodes' | 'settings'>;
  nodeName: string;
}

/** What portmap has set up on `nodeName`: a sandbox per pod with an IP from the pod network and hostPorts.
 *  hostNetwork pods get no CNI call (their hostPort is their own socket); pods that finished have no sandbox. */
export function nodePortmap(input: NodePortmapInput): NodePortmap {
  const { cluster, nodeName } = input;
  const node = cluster.nodes.find((n) => n.metadata.name === nodeName);
  const podCidr = node?.spec?.podCIDR ? parseCidr(node.spec.podCIDR, true) : null;
  const sandboxes: PortmapSandbox[] = [];
  for (const pod of cluster.pods) {
    if (pod.spec.nodeName !== nodeName || pod.spec.hostNetwork) continue;
    const podIP = pod.status?.podIP ?? pod.status?.podIPs?.[0]?.ip;
    const phase = pod.status?.phase;
    if (!podIP || phase === 'Succeeded' || phase === 'Failed') continue;
    const portMappings = podPortMappings(pod);
    if (!portMappings.length) continue;
    const containerID = sandboxContainerID(cluster.settings.seed, pod);
    // containerNet is the IPAM result's address with its mask (host-local: the node's podCIDR);
    // iptables stores the masked network.
    const inCidr = podCidr && parseCidr(`${podIP}/${podCidr.prefix}`, true);
    const podSubnet = inCidr && inCidr.base === podCidr.base ? podCidr.text : `${podIP}/32`;
    sandboxes.push({
      pod: `${pod.metadata.namespace ?? 'default'}/${pod.metadata.name}`,
      podIP,
      podSubnet,
      containerID,
      chain: portmapChainName(CNI_NETWORK_NAME, containerID),
      comment: `dnat name: "${CNI_NETWORK_NAME}" id: "${containerID}"`,
      portMappings,
    });
  }
  return { node: nodeName, network: CNI_NETWORK_NAME, sandboxes };
}

const comment = (text: string): Match => ({ kind: 'comment', text });
const DST_LOCAL: Match = { kind: 'addrtype', dir: 'dst', type: 'LOCAL' };

/** The rules portmap writes, by chain: its own chains and the entry rules it adds to the built-in chains. */
export interface PortmapRules {
  /** CNI-DN-* (one per sandbox), CNI-HOSTPORT-DNAT, CNI-HOSTPORT-MASQ, CNI-HOSTPORT-SETMARK, sorted by name. */
  chains: Chain[];
  /** Appended to nat PREROUTING and OUTPUT. */
  prerouting: Rule[];
  output: Rule[];
  /** Inserted at the top of nat POSTROUTING. */
  postrouting: Rule[];
}

function sandboxChain(s: PortmapSandbox): Chain {
  const rules: Rule[] = [];
  const seen = new Map<string, number>();
  for (const e of s.portMappings) {
    const key = `${e.protocol}/${e.hostPort}${e.hostIP ? `/${e.hostIP}` : ''}`;
    const n = seen.get(key) ?? 0;
    seen.set(key, n + 1);
    const id = `nat/${s.chain}/${key}${n ? `#${n}` : ''}`;
    const dst: Match[] = e.hostIP && e.hostIP !== '0.0.0.0' ? [{ kind: 'destination', cidr: `${e.hostIP}/32` }] : [];
    const port: Match[] = [
      { kind: 'protocol', protocol: e.protocol },
      { kind: 'module', name: e.protocol },
      { kind: 'dport', port: e.hostPort },
    ];
    // The mark rules come first: hairpin (a pod of this node's subnet) and localhost get masqueraded.
    rules.push({
      id: `${id}/hairpin`,
      matches: [{ kind: 'source', cidr: s.podSubnet }, ...dst, ...port],
      target: { kind: 'jump', chain: SETMARK_CHAIN },
    });
    rules.push({
      id: `${id}/localhost`,
      matches: [{ kind: 'source', cidr: '127.0.0.1/32' }, ...dst, ...port],
      target: { kind: 'jump', chain: SETMARK_CHAIN },
    });
    rules.push({
      id: `${id}/dnat`,
      matches: [...dst, ...port],
      target: { kind: 'DNAT', ip: s.podIP, port: e.containerPort },
    });
  }
  return { name: s.chain, rules };
}

/** The entry rules of one sandbox in CNI-HOSTPORT-DNAT: one per protocol (sorted) and 15 ports. */
function entryRules(s: PortmapSandbox): Rule[] {
  const byProto = new Map<IpProtocol, number[]>();
  for (const e of s.portMappings) {
    const l = byProto.get(e.protocol);
    if (l) l.push(e.hostPort);
    else byProto.set(e.protocol, [e.hostPort]);
  }
  const out: Rule[] = [];
  for (const proto of [...byProto.keys()].sort()) {
    const ports = byProto.get(proto)!;
    for (let i = 0; i < ports.length; i += MULTIPORT_MAX) {
      out.push({
        id: `nat/${TOP_LEVEL_DNAT_CHAIN}/${s.chain}/${proto}/${i / MULTIPORT_MAX}`,
        matches: [
          { kind: 'protocol', protocol: proto },
          comment(s.comment),
          { kind: 'multiport', dir: 'dports', ports: ports.slice(i, i + MULTIPORT_MAX) },
        ],
        target: { kind: 'jump', chain: s.chain },
      });
    }
  }
  return out;
}

export function portmapRules(pm: NodePortmap): PortmapRules | null {
  if (!pm.sandboxes.length) return null;
  const mark = PORTMAP_MASQ_MARK;
  const top: Rule[] = [];
  // Each sandbox's entry rules are inserted at position 1 one by one (InsertUnique with prepend):
  // the newest sandbox comes first, and its own rules end up in reverse order.
  for (const s of pm.sandboxes) for (const r of entryRules(s)) top.unshift(r);
  const chains = ([
    ...pm.sandboxes.map(sandboxChain),
    { name: TOP_LEVEL_DNAT_CHAIN, rules: top },
    {
      name: MARK_MASQ_CHAIN,
      rules: [{
        id: `nat/${MARK_MASQ_CHAIN}/masquerade`,
        matches: [{ kind: 'mark', value: mark, mask: mark }],
        target: { kind: 'MASQUERADE' },
      }],
    },
    {
      name: SETMARK_CHAIN,
      rules: [{
        id: `nat/${SETMARK_CHAIN}/mark`,
        matches: [comment('CNI portfwd masquerade mark')],
        target: { kind: 'MARK', op: 'set-xmark', value: mark, mask: mark },
      }],
    },
  ] satisfies Chain[] as Chain[]).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return {
    chains,
    prerouting: [{
      id: `nat/PREROUTING/${TOP_LEVEL_DNAT_CHAIN}`,
      matches: [DST_LOCAL],
      target: { kind: 'jump', chain: TOP_LEVEL_DNAT_CHAIN },
    }],
    output: [{
      id: `nat/OUTPUT/${TOP_LEVEL_DNAT_CHAIN}`,
      matches: [DST_LOCAL],
      target: { kind: 'jump', chain: TOP_LEVEL_DNAT_CHAIN },
    }],
    postrouting: [{
      id: `nat/POSTROUTING/${MARK_MASQ_CHAIN}`,
      matches: [comment('CNI portfwd requiring masquerade')],
      target: { kind: 'jump', chain: MARK_MASQ_CHAIN },
    }],
  };
}

/**
 * The node's ruleset after portmap ran on top of `base` (kube-proxy's, which runs from node boot,
 * before any pod sandbox): PREROUTING/OUTPUT jumps appended after kube-proxy's, the POSTROUTING
 * jump inserted first, the CNI-* chains listed after the built-in chains (iptables-legacy lists
 * user chains by name, and CNI-* sorts before KUBE-*). `base` is returned unchanged when no pod
 * on the node has a hostPort.
 */
export function installPortmap(base: Ruleset, pm: NodePortmap): Ruleset {
  const rules = portmapRules(pm);
  if (!rules) return base;
  const nat: Table = base.tables.nat ?? {
    name: 'nat',
    chains: BUILTIN_CHAINS.nat.map((name) => ({ name, policy: 'ACCEPT' as const, rules: [] })),
  };
  const builtins = nat.chains.filter((c) => isBuiltinChain('nat', c.name));
  const others = nat.chains.filter((c) => !isBuiltinChain('nat', c.name));
  for (const name of BUILTIN_CHAINS.nat) {
    if (!builtins.some((c) => c.name === name)) builtins.push({ name, policy: 'ACCEPT', rules: [] });
  }

  const withEntries = builtins.map((c): Chain => {
    switch (c.name) {
      case 'PREROUTING':
        return { ...c, rules: [...c.rules, ...rules.prerouting] };
      case 'OUTPUT':
        return { ...c, rules: [...c.rules, ...rules.output] };
      case 'POSTROUTING':
        return { ...c, rules: [...rules.postrouting, ...c.rules] };
      default:
        return c;
    }
  });
  const table: Table = { ...nat, chains: [...withEntries, ...rules.chains, ...others] };
  const order = base.order.includes('nat') ? base.order : [...base.order, 'nat' as const];
  return { tables: { ...base.tables, nat: table }, order };
}

/** portmap's rules alone, on an otherwise empty nat table (a node whose kube-proxy writes no iptables rules). */
export function portmapRuleset(pm: NodePortmap): Ruleset {
  return installPortmap({ tables: {}, order: [] }, pm);
}

/** The sandbox whose CNI-DN-* chain a rule belongs to. */
export function sandboxOfChain(pm: NodePortmap, chain: string): PortmapSandbox | undefined {
  // A loop, not find() with a closure: the iptables evaluator asks on every DNAT a walk makes.
  for (const s of pm.sandboxes) if (s.chain === chain) return s;
  return undefined;
}
