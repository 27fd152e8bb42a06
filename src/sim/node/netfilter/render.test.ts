import { describe, expect, it } from 'vitest';
import { quoteArg, renderRule, renderRuleset, renderRulesetLines, ruleLineIndexer, rulesetText } from './render';
import { mergeRulesets, type Ruleset } from './types';

describe('iptables-save rendering', () => {
  it.each([
    ['ns1/svc1:p80', 'ns1/svc1:p80'],
    ['ns1/svc1:p80 cluster IP', '"ns1/svc1:p80 cluster IP"'],
    ['say "hi"', '"say \\"hi\\""'],
    ['', '""'],
  ])('quotes %j as %s', (arg, want) => {
    expect(quoteArg(arg)).toBe(want);
  });

  it.each<[Parameters<typeof renderRule>[1], string]>([
    [
      {
        id: 'a',
        matches: [
          { kind: 'comment', text: 'ns1/svc1:p80 cluster IP' },
          { kind: 'module', name: 'tcp' },
          { kind: 'protocol', protocol: 'tcp' },
          { kind: 'destination', cidr: '172.30.0.41' },
          { kind: 'dport', port: 80 },
          { kind: 'source', cidr: '10.0.0.0/8', negate: true },
        ],
        target: { kind: 'jump', chain: 'KUBE-MARK-MASQ' },
      },
      '-A C -m comment --comment "ns1/svc1:p80 cluster IP" -m tcp -p tcp -d 172.30.0.41 --dport 80 ! -s 10.0.0.0/8 ' +
        '-j KUBE-MARK-MASQ',
    ],
    [
      { id: 'b', matches: [{ kind: 'mark', value: 0x4000, mask: 0x4000, negate: true }], target: { kind: 'RETURN' } },
      '-A C -m mark ! --mark 0x4000/0x4000 -j RETURN',
    ],
    [{ id: 'c', matches: [], target: { kind: 'MARK', op: 'xor', value: 0x4000 } }, '-A C -j MARK --xor-mark 0x4000'],
    // The CNI portmap plugin's SETMARK and entry rules, as iptables-save prints them.
    [
      {
        id: 'sx',
        matches: [{ kind: 'comment', text: 'CNI portfwd masquerade mark' }],
        target: { kind: 'MARK', op: 'set-xmark', value: 0x2000, mask: 0x2000 },
      },
      '-A C -m comment --comment "CNI portfwd masquerade mark" -j MARK --set-xmark 0x2000/0x2000',
    ],
    [
      {
        id: 'mp',
        matches: [
          { kind: 'protocol', protocol: 'tcp' },
          { kind: 'comment', text: 'dnat name: "cbr0" id: "ab"' },
          { kind: 'multiport', dir: 'dports', ports: [80, 443] },
        ],
        target: { kind: 'jump', chain: 'CNI-DN-x' },
      },
      '-A C -p tcp -m comment --comment "dnat name: \\"cbr0\\" id: \\"ab\\"" -m multiport --dports 80,443 -j CNI-DN-x',
    ],
    [
      {
        id: 'd',
        matches: [
          { kind: 'destination', cidr: '127.0.0.0/8' },
          { kind: 'source', cidr: '127.0.0.0/8', negate: true },
          { kind: 'conntrack', states: ['RELATED', 'ESTABLISHED', 'DNAT'], negate: true },
        ],
        target: { kind: 'DROP' },
      },
      '-A C -d 127.0.0.0/8 ! -s 127.0.0.0/8 -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP',
    ],
    [
      {
        id: 'e',
        matches: [{ kind: 'recent', name: 'KUBE-SEP-X', op: 'rcheck', seconds: 10800, reap: true }],
        target: { kind: 'jump', chain: 'KUBE-SEP-X' },
      },
      '-A C -m recent --name KUBE-SEP-X --rcheck --seconds 10800 --reap -j KUBE-SEP-X',
    ],
    [
      {
        id: 'f',
        matches: [
          { kind: 'recent', name: 'KUBE-SEP-X', op: 'set' },
          { kind: 'module', name: 'tcp' },
          { kind: 'protocol', protocol: 'tcp' },
        ],
        target: { kind: 'DNAT', ip: '10.0.1.1', port: 80 },
      },
      '-A C -m recent --name KUBE-SEP-X --set -m tcp -p tcp -j DNAT --to-destination 10.0.1.1:80',
    ],
    [
      { id: 'g', matches: [{ kind: 'comment', text: 'other traffic will be dropped' }], target: { kind: 'none' } },
      '-A C -m comment --comment "other traffic will be dropped"',
    ],
    [
      { id: 'h', matches: [{ kind: 'statistic', probability: '0.5000000000' }], target: { kind: 'goto', chain: 'X' } },
      '-A C -m statistic --mode random --probability 0.5000000000 -g X',
    ],
    [
      {
        id: 'i',
        matches: [{ kind: 'set', name: 'KUBE-CLUSTER-IP', flags: ['dst', 'dst'] }],
        target: { kind: 'ACCEPT' },
      },
      '-A C -m set --match-set KUBE-CLUSTER-IP dst,dst -j ACCEPT',
    ],
    [
      {
        id: 'j',
        matches: [{ kind: 'addrtype', dir: 'src', type: 'LOCAL' }],
        target: { kind: 'MASQUERADE', randomFully: true },
      },
      '-A C -m addrtype --src-type LOCAL -j MASQUERADE --random-fully',
    ],
  ])('renders rule %#', (rule, want) => {
    expect(renderRule('C', rule)).toBe(want);
  });

  const payload: Ruleset = {
    order: ['filter', 'nat'],
    tables: {
      filter: { name: 'filter', chains: [{ name: 'KUBE-SERVICES', rules: [] }] },
      nat: {
        name: 'nat',
        chains: [
          {
            name: 'KUBE-MARK-MASQ',
            rules: [{ id: 'nat/mm', matches: [], target: { kind: 'MARK', op: 'or', value: 0x4000 } }],
          },
        ],
        deleteChains: ['KUBE-SVC-OLD'],
      },
    },
  };

  it('writes tables, chain lines, rules, -X lines and COMMIT, each rule line referring to its rule', () => {
    expect(rulesetText(payload)).toBe(
      [
        '*filter', ':KUBE-SERVICES - [0:0]', 'COMMIT', '*nat', ':KUBE-MARK-MASQ - [0:0]',
        '-A KUBE-MARK-MASQ -j MARK --or-mark 0x4000', '-X KUBE-SVC-OLD', 'COMMIT', '',
      ].join('\n'),
    );
    const art = renderRuleset(payload, { id: 'node/n1/iptables-save', title: 't' });
    expect(art.lines.find((l) => l.ref === 'nat/mm')?.text).toBe('-A KUBE-MARK-MASQ -j MARK --or-mark 0x4000');
  });

  it('merges built-in chains with a payload, built-ins first, shared chains concatenated', () => {
    const base: Ruleset = {
      order: ['nat'],
      tables: {
        nat: {
          name: 'nat',
          chains: [
            {
              name: 'PREROUTING', policy: 'ACCEPT',
              rules: [{ id: 'j', matches: [], target: { kind: 'jump', chain: 'KUBE-SERVICES' } }],
            },
            { name: 'KUBE-MARK-MASQ', rules: [{ id: 'x', matches: [], target: { kind: 'RETURN' } }] },
          ],
        },
      },
    };
    const m = mergeRulesets(base, payload);
    expect(m.order).toEqual(['nat', 'filter']);
    expect(m.tables.nat!.chains.map((c) => `${c.name}:${c.rules.map((r) => r.id).join(',')}`)).toEqual([
      'PREROUTING:j', 'KUBE-MARK-MASQ:x,nat/mm',
    ]);
    expect(rulesetText(m).split('\n')[1]).toBe(':PREROUTING ACCEPT [0:0]');
  });

  // rulesetText writes bytes and falls back to a string when a unit is beyond ASCII: both must
  // print every rule as renderRule does (numbers of every size included).
  it.each([
    ['ASCII', 'ns/svc:p cluster IP'],
    ['beyond ASCII', 'ns/svc:p café \u{1F600} "q"'],
  ])('writes the restore text of %s names and comments line for line as renderRule', (_what, text) => {
    const rules = [0, 7, 10, 99, 100, 65535, 2 ** 31, -1, 1.5].map((port, i) => ({
      id: `r${i}`,
      matches: [{ kind: 'comment' as const, text }, { kind: 'dport' as const, port }],
      target: { kind: 'DNAT' as const, ip: '10.0.0.1', port },
    }));
    const rs: Ruleset = { order: ['nat'], tables: { nat: { name: 'nat', chains: [{ name: 'C', rules }] } } };
    const want = ['*nat', ':C - [0:0]', ...rules.map((r) => renderRule('C', r)), 'COMMIT', ''];
    expect(rulesetText(rs)).toBe(want.join('\n'));
    const quoted = `"${text.replace(/"/g, '\\"')}"`;
    expect(want[2]).toBe(`-A C -m comment --comment ${quoted} --dport 0 -j DNAT --to-destination 10.0.0.1:0`);
    expect(want[10]).toBe(`-A C -m comment --comment ${quoted} --dport 1.5 -j DNAT --to-destination 10.0.0.1:1.5`);
  });
});

describe('ruleLineIndexer', () => {
  it("places every rule on the line renderRulesetLines gives it, and no rule of another chain", () => {
    const rule = (id: string) => ({ id, matches: [], target: { kind: 'ACCEPT' as const } });
    const rs: Ruleset = {
      order: ['filter', 'nat'],
      tables: {
        filter: {
          name: 'filter',
          chains: [
            { name: 'INPUT', policy: 'ACCEPT', rules: [rule('f/INPUT/0'), rule('f/INPUT/1')] },
            { name: 'KUBE-A', rules: [] },
            { name: 'KUBE-B', rules: [rule('f/KUBE-B/0')] },
          ],
          deleteChains: ['KUBE-OLD'],
        },
        nat: { name: 'nat', chains: [{ name: 'KUBE-SVC-X', rules: [rule('n/X/0'), rule('n/X/1'), rule('n/X/2')] }] },
      },
    };
    const lines = renderRulesetLines(rs);
    const at = ruleLineIndexer(rs);
    for (const name of rs.order) {
      for (const c of rs.tables[name]!.chains) {
        for (const r of c.rules) expect(lines[at(name, c.name, r)]?.ref).toBe(r.id);
      }
    }
    expect(at('nat', 'INPUT', rs.tables.filter!.chains[0]!.rules[0]!)).toBe(-1);
    expect(at('filter', 'KUBE-MISSING', rule('x'))).toBe(-1);
  });
});
