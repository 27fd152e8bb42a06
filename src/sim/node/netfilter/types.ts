// A netfilter ruleset as data: tables, chains, rules with typed matches and a typed target.
// This is what iptables-restore loads and iptables-save prints (man iptables-extensions); the
// text is only a view of it (render.ts). Nothing here knows about Services: kube-proxy's
// compiler (../iptables) produces these, the walker (walk.ts) evaluates them.
//
// Rulesets are immutable once built: compilers share match objects and arrays between rules (and
// between successive syncs), so never mutate a rule in place.
//
// Matches are kept in the order the generator wrote them, because the restore text kube-proxy
// writes interleaves module loads and options ("-m tcp -p tcp -d 10.96.0.1 --dport 443"), and
// rendering must reproduce that text byte for byte.

export type TableName = 'raw' | 'mangle' | 'nat' | 'filter';

/** The built-in chains per table (the hooks), in the order iptables-save lists them. */
export const BUILTIN_CHAINS: Readonly<Record<TableName, readonly BuiltinChain[]>> = {
  raw: ['PREROUTING', 'OUTPUT'],
  mangle: ['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING'],
  nat: ['PREROUTING', 'INPUT', 'OUTPUT', 'POSTROUTING'],
  filter: ['INPUT', 'FORWARD', 'OUTPUT'],
};

export type BuiltinChain = 'PREROUTING' | 'INPUT' | 'FORWARD' | 'OUTPUT' | 'POSTROUTING';

/** iptables' lower-case protocol names (`-p tcp`). */
export type IpProtocol = 'tcp' | 'udp' | 'sctp';

/** Conntrack states the `conntrack --ctstate` match knows (DNAT/SNAT are virtual states). */
export type CtState = 'NEW' | 'ESTABLISHED' | 'RELATED' | 'INVALID' | 'UNTRACKED' | 'DNAT' | 'SNAT';

/** `addrtype` types; the lab only models LOCAL (the node's own addresses, incl. 127.0.0.0/8). */
export type AddrType = 'LOCAL';

export type Match =
  /** `-m comment --comment <text>`: never affects matching. */
  | { kind: 'comment'; text: string }
  /** `-m <name>` written on its own before its options (e.g. `-m tcp` before `--dport`): only loads the module. */
  | { kind: 'module'; name: string }
  /** `[!] -p <proto>` */
  | { kind: 'protocol'; protocol: IpProtocol; negate?: boolean }
  /** `[!] -s <cidr>`: `cidr` as written ("10.0.0.0/8" or a bare address). */
  | { kind: 'source'; cidr: string; negate?: boolean }
  /** `[!] -d <cidr>` */
  | { kind: 'destination'; cidr: string; negate?: boolean }
  /** `[!] --sport <port>` (needs `-m tcp`/`-m udp`, written separately as a module match). */
  | { kind: 'sport'; port: number; negate?: boolean }
  /** `[!] --dport <port>` */
  | { kind: 'dport'; port: number; negate?: boolean }
  /** `-m addrtype [!] --src-type T` / `--dst-type T` */
  | { kind: 'addrtype'; dir: 'src' | 'dst'; type: AddrType; negate?: boolean }
  /** `-m mark [!] --mark value[/mask]` */
  | { kind: 'mark'; value: number; mask?: number; negate?: boolean }
  /** `-m conntrack [!] --ctstate S1,S2` */
  | { kind: 'conntrack'; states: CtState[]; negate?: boolean }
  /** `-m statistic --mode random --probability p`; `probability` is the text kube-proxy wrote (`%0.10f`). */
  | { kind: 'statistic'; probability: string }
  /** `-m recent --name N --rcheck [--seconds s] [--reap]` or `-m recent --name N --set`. */
  | { kind: 'recent'; name: string; op: 'rcheck'; seconds?: number; reap?: boolean }
  | { kind: 'recent'; name: string; op: 'set' }
  /** `-m nfacct --nfacct-name N`: always matches; counts packets in an accounting object. */
  | { kind: 'nfacct'; name: string }
  /** `-m set [!] --match-set NAME dst,dst`: an ipset lookup (IPVS mode); flags pick which packet
   *  fields form the key. */
  | { kind: 'set'; name: string; flags: ('src' | 'dst')[]; negate?: boolean }
  /** `-m multiport [!] --dports p1,p2` / `--sports`: up to 15 ports (the CNI portmap plugin's entry rules). */
  | { kind: 'multiport'; dir: 'dports' | 'sports'; ports: number[]; negate?: boolean };

export type MarkOp = 'or' | 'xor' | 'set-xmark';

export type Target =
  /** `-j CHAIN`: run the chain, come back on RETURN or falling off its end. */
  | { kind: 'jump'; chain: string }
  /** `-g CHAIN`: run the chain; RETURN there returns to this chain's caller. */
  | { kind: 'goto'; chain: string }
  | { kind: 'ACCEPT' }
  | { kind: 'DROP' }
  | { kind: 'RETURN' }
  /** `-j REJECT [--reject-with icmp-port-unreachable]` */
  | { kind: 'REJECT'; rejectWith?: string }
  /** `-j DNAT --to-destination ip[:port]` */
  | { kind: 'DNAT'; ip: string; port?: number }
  /** `-j SNAT --to-source ip[:port]` */
  | { kind: 'SNAT'; ip: string; port?: number; randomFully?: boolean }
  /** `-j MASQUERADE [--random-fully]` */
  | { kind: 'MASQUERADE'; randomFully?: boolean }
  /** `-j REDIRECT [--to-ports p]`: DNAT to the primary address of the interface the packet came in
   *  on (127.0.0.1 for locally generated packets), man iptables-extensions. kube-proxy's userspace
   *  mode sends Service traffic from pods to its own socket this way. */
  | { kind: 'REDIRECT'; toPorts?: number }
  /** `-j MARK --or-mark v` / `--xor-mark v` / `--set-xmark v[/mask]` */
  | { kind: 'MARK'; op: MarkOp; value: number; mask?: number }
  /** No `-j`: a rule that only matches (kube-proxy's comment-only "will be dropped" rules). */
  | { kind: 'none' };

export interface Rule {
  /** Unique in the ruleset and stable across recompiles of the same input (e.g. "nat/KUBE-SVC-X/ep:10.0.1.1:80"). */
  id: string;
  matches: Match[];
  target: Target;
}

export interface Chain {
  name: string;
  /** Built-in chains have a policy (ACCEPT unless set); user chains have none ("-" in iptables-save). */
  policy?: 'ACCEPT' | 'DROP';
  rules: Rule[];
}

export interface Table {
  name: TableName;
  /** In the order they are declared and their rules are written. */
  chains: Chain[];
  /** Chains the payload deletes (`-X CHAIN`), e.g. stale service chains after a partial sync. */
  deleteChains?: string[];
}

/** Tables in the order they are written (kube-proxy writes *filter then *nat). */
export interface Ruleset {
  tables: Partial<Record<TableName, Table>>;
  /** The order tables are written in; tables missing from `tables` are skipped. */
  order: TableName[];
}

export function isBuiltinChain(table: TableName, chain: string): boolean {
  return (BUILTIN_CHAINS[table] as readonly string[]).includes(chain);
}

export function findChain(rs: Ruleset, table: TableName, chain: string): Chain | undefined {
  return rs.tables[table]?.chains.find((c) => c.name === chain);
}

/**
 * One ruleset made of several writers' chains, as the kernel holds them: `base` first (e.g. the
 * built-in chains with kube-proxy's and kubelet's jump rules), then `extra` (kube-proxy's restore
 * payload). A chain present in both gets base's rules followed by extra's.
 */
export function mergeRulesets(base: Ruleset, extra: Ruleset): Ruleset {
  const order = [...base.order, ...extra.order.filter((t) => !base.order.includes(t))];
  const tables: Partial<Record<TableName, Table>> = {};
  for (const name of order) {
    const a = base.tables[name];
    const b = extra.tables[name];
    if (!a || !b) {
      const only = a ?? b;
      if (only) tables[name] = only;
      continue;
    }
    const chains: Chain[] = a.chains.slice();
    const byName = new Map(chains.map((c) => [c.name, c]));
    // Chains made here, which may be appended to; a chain only one side has is shared as it is
    // (kube-proxy's hundreds of service chains are not copied for every node's merged view, and the
    // built-in chains with its jump rules stay the same objects from one sync to the next).
    const made = new Set<Chain>();
    for (const c of b.chains) {
      const have = byName.get(c.name);
      if (!have) {
        chains.push(c);
        byName.set(c.name, c);
        continue;
      }
      let into = have;
      if (!made.has(have)) {
        into = { ...have, rules: [...have.rules] };
        chains[chains.indexOf(have)] = into;
        byName.set(c.name, into);
        made.add(into);
      }
      into.rules.push(...c.rules);
    }
    const deleteChains = [...(a.deleteChains ?? []), ...(b.deleteChains ?? [])];
    tables[name] = { name, chains, ...(deleteChains.length ? { deleteChains } : {}) };
  }
  return { tables, order };
}
