// The iptables rules the IPVS proxier still writes (writeIptablesRules in pkg/proxy/ipvs/proxier.go):
// a constant number of rules whatever the number of Services, because they match ipsets rather
// than addresses. They mark packets for masquerade and filter; IPVS itself does the DNAT.

import type { KubeProxySettings } from '../../lab';
import type { Chain, Match, Rule, Ruleset, Table } from '../../node/netfilter/types';
import type { Ipset, IpvsModel } from './model';

function comment(text: string): Match {
  return { kind: 'comment', text };
}

function setMatch(name: string, flags: ('src' | 'dst')[]): Match {
  return { kind: 'set', name, flags };
}

type TableName = 'nat' | 'filter';

/** ipsetWithIptablesChain (proxier.go), in its order: a set, the chain that matches it, and where to. */
const IPSET_WITH_IPTABLES_CHAIN: {
  name: string;
  table: TableName;
  from: string;
  to: string;
  flags: ('src' | 'dst')[];
  proto?: 'tcp' | 'udp' | 'sctp';
}[] = [
  { name: 'KUBE-LOOP-BACK', table: 'nat', from: 'KUBE-POSTROUTING', to: 'MASQUERADE', flags: ['dst', 'dst', 'src'] },
  { name: 'KUBE-LOAD-BALANCER', table: 'nat', from: 'KUBE-SERVICES', to: 'KUBE-LOAD-BALANCER', flags: ['dst', 'dst'] },
  { name: 'KUBE-LOAD-BALANCER-LOCAL', table: 'nat', from: 'KUBE-LOAD-BALANCER', to: 'RETURN', flags: ['dst', 'dst'] },
  {
    name: 'KUBE-NODE-PORT-LOCAL-TCP',
    table: 'nat',
    from: 'KUBE-NODE-PORT',
    to: 'RETURN',
    flags: ['dst'],
    proto: 'tcp',
  },
  {
    name: 'KUBE-NODE-PORT-TCP',
    table: 'nat',
    from: 'KUBE-NODE-PORT',
    to: 'KUBE-MARK-MASQ',
    flags: ['dst'],
    proto: 'tcp',
  },
  {
    name: 'KUBE-NODE-PORT-LOCAL-UDP',
    table: 'nat',
    from: 'KUBE-NODE-PORT',
    to: 'RETURN',
    flags: ['dst'],
    proto: 'udp',
  },
  {
    name: 'KUBE-NODE-PORT-UDP',
    table: 'nat',
    from: 'KUBE-NODE-PORT',
    to: 'KUBE-MARK-MASQ',
    flags: ['dst'],
    proto: 'udp',
  },
  {
    name: 'KUBE-NODE-PORT-LOCAL-SCTP-HASH',
    table: 'nat',
    from: 'KUBE-NODE-PORT',
    to: 'RETURN',
    flags: ['dst', 'dst'],
    proto: 'sctp',
  },
  {
    name: 'KUBE-NODE-PORT-SCTP-HASH',
    table: 'nat',
    from: 'KUBE-NODE-PORT',
    to: 'KUBE-MARK-MASQ',
    flags: ['dst', 'dst'],
    proto: 'sctp',
  },
  {
    name: 'KUBE-LOAD-BALANCER-FW',
    table: 'filter',
    from: 'KUBE-PROXY-FIREWALL',
    to: 'KUBE-SOURCE-RANGES-FIREWALL',
    flags: ['dst', 'dst'],
  },
  {
    name: 'KUBE-LOAD-BALANCER-SOURCE-CIDR',
    table: 'filter',
    from: 'KUBE-SOURCE-RANGES-FIREWALL',
    to: 'RETURN',
    flags: ['dst', 'dst', 'src'],
  },
  {
    name: 'KUBE-LOAD-BALANCER-SOURCE-IP',
    table: 'filter',
    from: 'KUBE-SOURCE-RANGES-FIREWALL',
    to: 'RETURN',
    flags: ['dst', 'dst', 'src'],
  },
];

const NAT_CHAINS = ['KUBE-SERVICES', 'KUBE-POSTROUTING', 'KUBE-NODE-PORT', 'KUBE-LOAD-BALANCER', 'KUBE-MARK-MASQ'];
const FILTER_CHAINS = [
  'KUBE-FORWARD',
  'KUBE-NODE-PORT',
  'KUBE-PROXY-FIREWALL',
  'KUBE-SOURCE-RANGES-FIREWALL',
  'KUBE-IPVS-FILTER',
  'KUBE-IPVS-OUT-FILTER',
];

/** The two tables being written: chains in declaration order, rules numbered per chain. */
class IpvsRulesWriter {
  private readonly chains = new Map<string, Chain>();
  private readonly counters = new Map<string, number>();
  private readonly sets: Map<string, Ipset>;

  constructor(model: IpvsModel) {
    this.sets = new Map(model.ipsets.map((s) => [s.name, s]));
  }

  set(name: string): Ipset {
    return this.sets.get(name)!;
  }

  nonEmpty(name: string): boolean {
    return this.set(name).entries.length > 0;
  }

  chain(table: TableName, name: string, policy?: 'ACCEPT'): Chain {
    const key = `${table}/${name}`;
    let c = this.chains.get(key);
    if (!c) {
      c = { name, policy, rules: [] };
      this.chains.set(key, c);
    }
    return c;
  }

  rule(table: TableName, chainName: string, matches: Match[], target: Rule['target'], id?: string): void {
    const n = (this.counters.get(`${table}/${chainName}`) ?? 0) + 1;
    this.counters.set(`${table}/${chainName}`, n);
    this.chain(table, chainName).rules.push({ id: `${table}/${chainName}/${id ?? n}`, matches, target });
  }

  ruleset(): Ruleset {
    const table = (name: TableName): Table => ({
      name,
      chains: [...this.chains.entries()].filter(([k]) => k.startsWith(`${name}/`)).map(([, c]) => c),
    });
    return { tables: { filter: table('filter'), nat: table('nat') }, order: ['filter', 'nat'] };
  }
}

export function buildIpvsRuleset(args: {
  model: IpvsModel;
  settings: KubeProxySettings;
  clusterCIDR?: string;
}): Ruleset {
  const { settings } = args;
  const mark = 1 << settings.masqueradeBit;
  const w = new IpvsRulesWriter(args.model);
  writeJumpChains(w);
  writeIpsetRules(w);
  writeServiceRules(w, settings, args.clusterCIDR);
  writeFilterRules(w, mark);
  writePostroutingRules(w, mark);
  return w.ruleset();
}

/** Built-in chains with the jumps kube-proxy ensures (iptablesJumpChain), so the dump is complete,
 *  then kube-proxy's own chains in iptablesChains order. */
function writeJumpChains(w: IpvsRulesWriter): void {
  for (const c of ['PREROUTING', 'INPUT', 'OUTPUT', 'POSTROUTING']) w.chain('nat', c, 'ACCEPT');
  for (const c of ['INPUT', 'FORWARD', 'OUTPUT']) w.chain('filter', c, 'ACCEPT');
  for (const c of NAT_CHAINS) w.chain('nat', c);
  for (const c of FILTER_CHAINS) w.chain('filter', c);
  const jump = (chain: string): Rule['target'] => ({ kind: 'jump', chain });
  w.rule('nat', 'PREROUTING', [comment('kubernetes service portals')], jump('KUBE-SERVICES'));
  w.rule('nat', 'OUTPUT', [comment('kubernetes service portals')], jump('KUBE-SERVICES'));
  w.rule('nat', 'POSTROUTING', [comment('kubernetes postrouting rules')], jump('KUBE-POSTROUTING'));
  w.rule('filter', 'INPUT', [comment('kubernetes ipvs access filter')], jump('KUBE-IPVS-FILTER'));
  w.rule('filter', 'INPUT', [comment('kube-proxy firewall rules')], jump('KUBE-PROXY-FIREWALL'));
  w.rule('filter', 'INPUT', [comment('kubernetes health check rules')], jump('KUBE-NODE-PORT'));
  w.rule('filter', 'FORWARD', [comment('kube-proxy firewall rules')], jump('KUBE-PROXY-FIREWALL'));
  w.rule('filter', 'FORWARD', [comment('kubernetes forwarding rules')], jump('KUBE-FORWARD'));
  w.rule('filter', 'OUTPUT', [comment('kubernetes ipvs access filter')], jump('KUBE-IPVS-OUT-FILTER'));

  // Connections from localhost are dismissed early (IPVS never sees 127.0.0.0/8 sources).
  w.rule('nat', 'KUBE-SERVICES', [{ kind: 'source', cidr: '127.0.0.0/8' }], { kind: 'RETURN' }, 'loopback');
}

/** ipsetWithIptablesChain, in its order: one rule per non-empty set. */
function writeIpsetRules(w: IpvsRulesWriter): void {
  const target = (to: string): Rule['target'] =>
    to === 'MASQUERADE' ? { kind: 'MASQUERADE' } : to === 'RETURN' ? { kind: 'RETURN' } : { kind: 'jump', chain: to };
  for (const s of IPSET_WITH_IPTABLES_CHAIN) {
    if (!w.nonEmpty(s.name)) continue;
    const ms: Match[] = [];
    if (s.proto) ms.push({ kind: 'protocol', protocol: s.proto });
    ms.push(comment(w.set(s.name).comment), setMatch(s.name, s.flags));
    w.rule(s.table, s.from, ms, target(s.to), `set:${s.name}`);
  }
}

/** KUBE-SERVICES: masquerade marks for ClusterIPs and external IPs, the jump to node ports, and the
 *  ACCEPTs of IPVS virtual services that must end the chain. */
function writeServiceRules(w: IpvsRulesWriter, settings: KubeProxySettings, clusterCIDR: string | undefined): void {
  const markMasq: Rule['target'] = { kind: 'jump', chain: 'KUBE-MARK-MASQ' };
  const dstLocal: Match = { kind: 'addrtype', dir: 'dst', type: 'LOCAL' };
  if (w.nonEmpty('KUBE-CLUSTER-IP')) {
    const ms: Match[] = [comment(w.set('KUBE-CLUSTER-IP').comment), setMatch('KUBE-CLUSTER-IP', ['dst', 'dst'])];
    // Off-cluster traffic to a ClusterIP is masqueraded (the local-traffic detector's "not local").
    if (!settings.masqueradeAll && clusterCIDR) ms.push({ kind: 'source', cidr: clusterCIDR, negate: true });
    w.rule('nat', 'KUBE-SERVICES', ms, markMasq, 'cluster-ip-masq');
  }
  if (w.nonEmpty('KUBE-EXTERNAL-IP')) {
    const base: Match[] = [comment(w.set('KUBE-EXTERNAL-IP').comment), setMatch('KUBE-EXTERNAL-IP', ['dst', 'dst'])];
    w.rule('nat', 'KUBE-SERVICES', base, markMasq, 'external-ip-masq');
    w.rule('nat', 'KUBE-SERVICES', [...base, { ...dstLocal }], { kind: 'ACCEPT' }, 'external-ip-accept');
  }
  if (w.nonEmpty('KUBE-EXTERNAL-IP-LOCAL')) {
    const base: Match[] = [
      comment(w.set('KUBE-EXTERNAL-IP-LOCAL').comment),
      setMatch('KUBE-EXTERNAL-IP-LOCAL', ['dst', 'dst']),
    ];
    w.rule('nat', 'KUBE-SERVICES', [...base, { ...dstLocal }], { kind: 'ACCEPT' }, 'external-ip-local-accept');
  }
  w.rule('nat', 'KUBE-SERVICES', [{ ...dstLocal }], { kind: 'jump', chain: 'KUBE-NODE-PORT' }, 'nodeports');
  w.rule('nat', 'KUBE-LOAD-BALANCER', [], markMasq, 'masq');
  w.rule('filter', 'KUBE-SOURCE-RANGES-FIREWALL', [], { kind: 'DROP' }, 'drop');
  // Accept traffic to IPVS virtual services so later rules cannot block it; must end KUBE-SERVICES.
  if (w.nonEmpty('KUBE-CLUSTER-IP')) {
    const clusterIPs = [setMatch('KUBE-CLUSTER-IP', ['dst', 'dst'])];
    w.rule('nat', 'KUBE-SERVICES', clusterIPs, { kind: 'ACCEPT' }, 'accept-cluster-ip');
  }
  if (w.nonEmpty('KUBE-LOAD-BALANCER')) {
    w.rule('nat', 'KUBE-SERVICES', [setMatch('KUBE-LOAD-BALANCER', ['dst', 'dst'])], { kind: 'ACCEPT' }, 'accept-lb');
  }
}

/** KUBE-FORWARD, the health-check node ports, and KUBE-IPVS-FILTER. */
function writeFilterRules(w: IpvsRulesWriter, mark: number): void {
  const accept: Rule['target'] = { kind: 'ACCEPT' };
  const established: Match = { kind: 'conntrack', states: ['RELATED', 'ESTABLISHED'] };
  const healthCheck = 'KUBE-HEALTH-CHECK-NODE-PORT';
  const marked: Match = { kind: 'mark', value: mark, mask: mark };
  w.rule('filter', 'KUBE-FORWARD', [comment('kubernetes forwarding rules'), marked], accept, 'mark');
  w.rule('filter', 'KUBE-FORWARD', [comment('kubernetes forwarding conntrack rule'), established], accept, 'conntrack');
  const healthCheckPorts = [comment(w.set(healthCheck).comment), setMatch(healthCheck, ['dst'])];
  w.rule('filter', 'KUBE-NODE-PORT', healthCheckPorts, accept, 'health-check');
  // KUBE-IPVS-FILTER: a new connection to an address on kube-ipvs0 that is not one of its
  // service ports is rejected, so ClusterIPs do not expose the node's own ports (#72236).
  for (const s of ['KUBE-LOAD-BALANCER', 'KUBE-CLUSTER-IP', 'KUBE-EXTERNAL-IP', 'KUBE-EXTERNAL-IP-LOCAL']) {
    w.rule('filter', 'KUBE-IPVS-FILTER', [setMatch(s, ['dst', 'dst'])], { kind: 'RETURN' }, `return:${s}`);
  }
  w.rule('filter', 'KUBE-IPVS-FILTER', [setMatch(healthCheck, ['dst'])], { kind: 'RETURN' }, `return:${healthCheck}`);
  const newToIpvs: Match[] = [{ kind: 'conntrack', states: ['NEW'] }, setMatch('KUBE-IPVS-IPS', ['dst'])];
  w.rule('filter', 'KUBE-IPVS-FILTER', newToIpvs, { kind: 'REJECT' }, 'reject');
}

/** KUBE-POSTROUTING masquerades marked packets (and clears the mark); KUBE-MARK-MASQ sets it. */
function writePostroutingRules(w: IpvsRulesWriter, mark: number): void {
  const notMarked: Match = { kind: 'mark', value: mark, mask: mark, negate: true };
  w.rule('nat', 'KUBE-POSTROUTING', [notMarked], { kind: 'RETURN' }, 'not-marked');
  w.rule('nat', 'KUBE-POSTROUTING', [], { kind: 'MARK', op: 'xor', value: mark }, 'unmark');
  const snat = [comment('kubernetes service traffic requiring SNAT')];
  w.rule('nat', 'KUBE-POSTROUTING', snat, { kind: 'MASQUERADE', randomFully: true }, 'masquerade');
  w.rule('nat', 'KUBE-MARK-MASQ', [], { kind: 'MARK', op: 'or', value: mark }, 'mark');
}
