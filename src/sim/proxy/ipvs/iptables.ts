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

export function buildIpvsRuleset(args: { model: IpvsModel; settings: KubeProxySettings; clusterCIDR?: string }): Ruleset {
  const { model, settings } = args;
  const mark = 1 << settings.masqueradeBit;
  const sets = new Map(model.ipsets.map((s) => [s.name, s]));
  const set = (name: string): Ipset => sets.get(name)!;
  const nonEmpty = (name: string) => set(name).entries.length > 0;

  const chains = new Map<string, Chain>();
  const chain = (table: 'nat' | 'filter', name: string, policy?: 'ACCEPT'): Chain => {
    const key = `${table}/${name}`;
    let c = chains.get(key);
    if (!c) {
      c = { name, policy, rules: [] };
      chains.set(key, c);
    }
    return c;
  };
  const counters = new Map<string, number>();
  const rule = (table: 'nat' | 'filter', chainName: string, matches: Match[], target: Rule['target'], id?: string) => {
    const n = (counters.get(`${table}/${chainName}`) ?? 0) + 1;
    counters.set(`${table}/${chainName}`, n);
    chain(table, chainName).rules.push({ id: `${table}/${chainName}/${id ?? n}`, matches, target });
  };

  // Built-in chains with the jumps kube-proxy ensures (iptablesJumpChain), so the dump is complete.
  for (const c of ['PREROUTING', 'INPUT', 'OUTPUT', 'POSTROUTING']) chain('nat', c, 'ACCEPT');
  for (const c of ['INPUT', 'FORWARD', 'OUTPUT']) chain('filter', c, 'ACCEPT');
  // kube-proxy's own chains, declared in iptablesChains order.
  for (const c of ['KUBE-SERVICES', 'KUBE-POSTROUTING', 'KUBE-NODE-PORT', 'KUBE-LOAD-BALANCER', 'KUBE-MARK-MASQ']) chain(
    'nat',
    c,
  );
  for (const c of ['KUBE-FORWARD', 'KUBE-NODE-PORT', 'KUBE-PROXY-FIREWALL', 'KUBE-SOURCE-RANGES-FIREWALL', 'KUBE-IPVS-FILTER', 'KUBE-IPVS-OUT-FILTER']) chain(
    'filter',
    c,
  );

  rule('nat', 'PREROUTING', [comment('kubernetes service portals')], { kind: 'jump', chain: 'KUBE-SERVICES' });
  rule('nat', 'OUTPUT', [comment('kubernetes service portals')], { kind: 'jump', chain: 'KUBE-SERVICES' });
  rule('nat', 'POSTROUTING', [comment('kubernetes postrouting rules')], { kind: 'jump', chain: 'KUBE-POSTROUTING' });
  rule('filter', 'INPUT', [comment('kubernetes ipvs access filter')], { kind: 'jump', chain: 'KUBE-IPVS-FILTER' });
  rule('filter', 'INPUT', [comment('kube-proxy firewall rules')], { kind: 'jump', chain: 'KUBE-PROXY-FIREWALL' });
  rule('filter', 'INPUT', [comment('kubernetes health check rules')], { kind: 'jump', chain: 'KUBE-NODE-PORT' });
  rule('filter', 'FORWARD', [comment('kube-proxy firewall rules')], { kind: 'jump', chain: 'KUBE-PROXY-FIREWALL' });
  rule('filter', 'FORWARD', [comment('kubernetes forwarding rules')], { kind: 'jump', chain: 'KUBE-FORWARD' });
  rule('filter', 'OUTPUT', [comment('kubernetes ipvs access filter')], { kind: 'jump', chain: 'KUBE-IPVS-OUT-FILTER' });

  // Connections from localhost are dismissed early (IPVS never sees 127.0.0.0/8 sources).
  rule('nat', 'KUBE-SERVICES', [{ kind: 'source', cidr: '127.0.0.0/8' }], { kind: 'RETURN' }, 'loopback');

  // ipsetWithIptablesChain, in its order: one rule per non-empty set.
  const withChain: { name: string; table: 'nat' | 'filter'; from: string; to: string; flags: ('src' | 'dst')[]; proto?: 'tcp' | 'udp' | 'sctp' }[] = [
    { name: 'KUBE-LOOP-BACK', table: 'nat', from: 'KUBE-POSTROUTING', to: 'MASQUERADE', flags: ['dst', 'dst', 'src'] },
    {
      name: 'KUBE-LOAD-BALANCER',
      table: 'nat',
      from: 'KUBE-SERVICES',
      to: 'KUBE-LOAD-BALANCER',
      flags: ['dst', 'dst'],
    },
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
  const target = (to: string): Rule['target'] =>
    to === 'MASQUERADE' ? { kind: 'MASQUERADE' } : to === 'RETURN' ? { kind: 'RETURN' } : { kind: 'jump', chain: to };
  for (const w of withChain) {
    if (!nonEmpty(w.name)) continue;
    const ms: Match[] = [];
    if (w.proto) ms.push({ kind: 'protocol', protocol: w.proto });
    ms.push(comment(set(w.name).comment), setMatch(w.name, w.flags));
    rule(w.table, w.from, ms, target(w.to), `set:${w.name}`);
  }

  if (nonEmpty('KUBE-CLUSTER-IP')) {
    const ms: Match[] = [comment(set('KUBE-CLUSTER-IP').comment), setMatch('KUBE-CLUSTER-IP', ['dst', 'dst'])];
    // Off-cluster traffic to a ClusterIP is masqueraded (the local-traffic detector's "not local").
    if (!settings.masqueradeAll && args.clusterCIDR) ms.push({ kind: 'source', cidr: args.clusterCIDR, negate: true });
    rule('nat', 'KUBE-SERVICES', ms, { kind: 'jump', chain: 'KUBE-MARK-MASQ' }, 'cluster-ip-masq');
  }
  if (nonEmpty('KUBE-EXTERNAL-IP')) {
    const base: Match[] = [comment(set('KUBE-EXTERNAL-IP').comment), setMatch('KUBE-EXTERNAL-IP', ['dst', 'dst'])];
    rule('nat', 'KUBE-SERVICES', base, { kind: 'jump', chain: 'KUBE-MARK-MASQ' }, 'external-ip-masq');
    rule(
      'nat',
      'KUBE-SERVICES',
      [...base, { kind: 'addrtype', dir: 'dst', type: 'LOCAL' }],
      { kind: 'ACCEPT' },
      'external-ip-accept',
    );
  }
  if (nonEmpty('KUBE-EXTERNAL-IP-LOCAL')) {
    const base: Match[] = [
      comment(set('KUBE-EXTERNAL-IP-LOCAL').comment),
      setMatch('KUBE-EXTERNAL-IP-LOCAL', ['dst', 'dst']),
    ];
    rule(
      'nat',
      'KUBE-SERVICES',
      [...base, { kind: 'addrtype', dir: 'dst', type: 'LOCAL' }],
      { kind: 'ACCEPT' },
      'external-ip-local-accept',
    );
  }
  rule(
    'nat',
    'KUBE-SERVICES',
    [{ kind: 'addrtype', dir: 'dst', type: 'LOCAL' }],
    { kind: 'jump', chain: 'KUBE-NODE-PORT' },
    'nodeports',
  );
  rule('nat', 'KUBE-LOAD-BALANCER', [], { kind: 'jump', chain: 'KUBE-MARK-MASQ' }, 'masq');
  rule('filter', 'KUBE-SOURCE-RANGES-FIREWALL', [], { kind: 'DROP' }, 'drop');
  // Accept traffic to IPVS virtual services so later rules cannot block it; must end KUBE-SERVICES.
  if (nonEmpty('KUBE-CLUSTER-IP')) rule(
    'nat',
    'KUBE-SERVICES',
    [setMatch('KUBE-CLUSTER-IP', ['dst', 'dst'])],
    { kind: 'ACCEPT' },
    'accept-cluster-ip',
  );
  if (nonEmpty('KUBE-LOAD-BALANCER')) rule(
    'nat',
    'KUBE-SERVICES',
    [setMatch('KUBE-LOAD-BALANCER', ['dst', 'dst'])],
    { kind: 'ACCEPT' },
    'accept-lb',
  );

  rule(
    'filter',
    'KUBE-FORWARD',
    [comment('kubernetes forwarding rules'), { kind: 'mark', value: mark, mask: mark }],
    { kind: 'ACCEPT' },
    'mark',
  );
  rule(
    'filter',
    'KUBE-FORWARD',
    [comment('kubernetes forwarding conntrack rule'), { kind: 'conntrack', states: ['RELATED', 'ESTABLISHED'] }],
    { kind: 'ACCEPT' },
    'conntrack',
  );
  rule(
    'filter',
    'KUBE-NODE-PORT',
    [comment(set('KUBE-HEALTH-CHECK-NODE-PORT').comment), setMatch('KUBE-HEALTH-CHECK-NODE-PORT', ['dst'])],
    { kind: 'ACCEPT' },
    'health-check',
  );
  // KUBE-IPVS-FILTER: a new connection to an address on kube-ipvs0 that is not one of its
  // service ports is rejected, so ClusterIPs do not expose the node's own ports (#72236).
  for (const s of ['KUBE-LOAD-BALANCER', 'KUBE-CLUSTER-IP', 'KUBE-EXTERNAL-IP', 'KUBE-EXTERNAL-IP-LOCAL']) {
    rule('filter', 'KUBE-IPVS-FILTER', [setMatch(s, ['dst', 'dst'])], { kind: 'RETURN' }, `return:${s}`);
  }
  rule(
    'filter',
    'KUBE-IPVS-FILTER',
    [setMatch('KUBE-HEALTH-CHECK-NODE-PORT', ['dst'])],
    { kind: 'RETURN' },
    'return:KUBE-HEALTH-CHECK-NODE-PORT',
  );
  rule(
    'filter',
    'KUBE-IPVS-FILTER',
    [{ kind: 'conntrack', states: ['NEW'] }, setMatch('KUBE-IPVS-IPS', ['dst'])],
    { kind: 'REJECT' },
    'reject',
  );

  rule(
    'nat',
    'KUBE-POSTROUTING',
    [{ kind: 'mark', value: mark, mask: mark, negate: true }],
    { kind: 'RETURN' },
    'not-marked',
  );
  rule('nat', 'KUBE-POSTROUTING', [], { kind: 'MARK', op: 'xor', value: mark }, 'unmark');
  rule(
    'nat',
    'KUBE-POSTROUTING',
    [comment('kubernetes service traffic requiring SNAT')],
    { kind: 'MASQUERADE', randomFully: true },
    'masquerade',
  );
  rule('nat', 'KUBE-MARK-MASQ', [], { kind: 'MARK', op: 'or', value: mark }, 'mark');

  const table = (name: 'nat' | 'filter'): Table => ({
    name,
    chains: [...chains.entries()].filter(([k]) => k.startsWith(`${name}/`)).map(([, c]) => c),
  });
  return { tables: { filter: table('filter'), nat: table('nat') }, order: ['filter', 'nat'] };
}
