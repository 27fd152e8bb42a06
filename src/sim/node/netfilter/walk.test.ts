import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../../net/rand';
import type { Packet, PacketOrigin, ProxyRuntimeState } from '../../proxy/types';
import type { Chain, Rule, Ruleset } from './types';
import { RulesetIndex, walkInvalidForward, walkPacket } from './walk';

let n = 0;
const rule = (r: Omit<Rule, 'id'>): Rule => ({ id: `r${n++}`, ...r });
const chain = (name: string, rules: Rule[], policy?: 'ACCEPT' | 'DROP'): Chain => ({
  name,
  rules,
  ...(policy ? { policy } : {}),
});

function walk(rs: Ruleset, packet: Partial<Packet>, origin: PacketOrigin = 'external', state?: ProxyRuntimeState) {
  return walkPacket({
    index: new RulesetIndex(rs),
    packet: { protocol: 'TCP', src: '203.0.113.2', srcPort: 40000, dst: '192.168.0.2', dstPort: 80, ...packet },
    origin,
    localAddresses: ['192.168.0.2'],
    masqueradeAddress: '192.168.0.2',
    state: state ?? { now: 0, rand: SeededRandom.fromSeed('walk').state(), perNode: {} },
    nodeKey: 'n1',
    refOf: (_t, _c, r) => ({ artifact: 'a', ref: r.id, line: r.id, lineIndex: 0 }),
  });
}

const nat = (...chains: Chain[]): Ruleset => ({ order: ['nat'], tables: { nat: { name: 'nat', chains } } });
const both = (natChains: Chain[], filterChains: Chain[]): Ruleset => ({
  order: ['filter', 'nat'],
  tables: { nat: { name: 'nat', chains: natChains }, filter: { name: 'filter', chains: filterChains } },
});

describe('netfilter walker', () => {
  it('follows the kernel hook order per origin', () => {
    const mark = (where: string) => rule({ matches: [{ kind: 'comment', text: where }], target: { kind: 'none' } });
    const rs = both(
      [chain('PREROUTING', [mark('pre')]), chain('OUTPUT', [mark('out')]), chain('POSTROUTING', [mark('post')])],
      [chain('INPUT', [mark('in')]), chain('FORWARD', [mark('fwd')]), chain('OUTPUT', [mark('fout')])],
    );
    const order = (r: ReturnType<typeof walk>) => r.steps.map((s) => s.where);
    expect(order(walk(rs, { dst: '192.168.0.2' }))).toEqual(['nat/PREROUTING', 'filter/INPUT']);
    expect(order(walk(rs, { dst: '10.0.0.9' }))).toEqual(['nat/PREROUTING', 'filter/FORWARD', 'nat/POSTROUTING']);
    expect(order(walk(rs, { src: '192.168.0.2', dst: '10.0.0.9' }, 'local'))).toEqual([
      'nat/OUTPUT', 'filter/OUTPUT', 'nat/POSTROUTING',
    ]);
    expect(order(walk(rs, { src: '192.168.0.2', dst: '127.0.0.1' }, 'local'))).toEqual([
      'nat/OUTPUT', 'filter/OUTPUT', 'nat/POSTROUTING', 'filter/INPUT',
    ]);
  });

  it('routes on the destination after DNAT, and filter sees the DNAT conntrack state', () => {
    const rs = both(
      [chain('PREROUTING', [rule({ matches: [], target: { kind: 'DNAT', ip: '10.0.0.5', port: 8080 } })])],
      [
        chain('FORWARD', [
          rule({ matches: [{ kind: 'conntrack', states: ['DNAT'], negate: true }], target: { kind: 'DROP' } }),
        ]),
      ],
    );
    const r = walk(rs, {});
    expect(r.verdict).toBe('ACCEPT');
    expect(r.path).toBe('forward');
    expect(r.after).toMatchObject({ dst: '10.0.0.5', dstPort: 8080 });
  });

  it('a forwarded packet conntrack never saw: INVALID, filter FORWARD alone, nat never consulted', () => {
    const invalidDrop = rule({ matches: [{ kind: 'conntrack', states: ['INVALID'] }], target: { kind: 'DROP' } });
    const established = rule({ matches: [{ kind: 'conntrack', states: ['ESTABLISHED'] }], target: { kind: 'ACCEPT' } });
    const dnat = rule({ matches: [], target: { kind: 'DNAT', ip: '10.0.0.5', port: 8080 } });
    const input = (rs: Ruleset) => ({
      index: new RulesetIndex(rs),
      packet: { protocol: 'TCP' as const, src: '10.0.1.5', srcPort: 80, dst: '10.0.3.7', dstPort: 40000 },
      origin: 'external' as const,
      localAddresses: ['192.168.0.2'],
      masqueradeAddress: '192.168.0.2',
      state: { now: 0, rand: SeededRandom.fromSeed('walk').state(), perNode: {} },
      nodeKey: 'n1',
      refOf: (_t: string, _c: string, r: Rule) => ({ artifact: 'a', ref: r.id, line: r.id, lineIndex: 0 }),
    });
    const dropped = walkInvalidForward(input(both([chain('PREROUTING', [dnat])], [chain('FORWARD', [invalidDrop])])));
    expect(dropped.verdict).toBe('DROP');
    expect(dropped.decidedBy?.rule).toBe(invalidDrop);
    expect(dropped.after).toMatchObject({ dst: '10.0.3.7', dstPort: 40000 });
    expect(dropped.steps.map((s) => s.where)).toEqual(['filter/FORWARD']);
    // Rules for other states do not match it; the chain's policy decides.
    const passed = walkInvalidForward(input(both([], [chain('FORWARD', [established], 'DROP')])));
    expect(passed.verdict).toBe('DROP');
    expect(passed.decidedBy?.rule).toBeUndefined();
    expect(walkInvalidForward(input(both([], [chain('FORWARD', [established])]))).verdict).toBe('ACCEPT');
  });

  it('jump returns to the caller; goto returns to the caller of the caller; RETURN ends a chain', () => {
    const seen = (t: string) => rule({ matches: [{ kind: 'comment', text: t }], target: { kind: 'none' } });
    const rs = nat(
      chain('PREROUTING', [rule({ matches: [], target: { kind: 'jump', chain: 'A' } }), seen('after-A')]),
      chain('A', [rule({ matches: [], target: { kind: 'goto', chain: 'B' } }), seen('A-after-goto')]),
      chain('B', [rule({ matches: [], target: { kind: 'RETURN' } }), seen('B-after-return')]),
    );
    expect(walk(rs, {}).steps.map((s) => s.action)).toEqual(['jump A', 'goto B', 'RETURN', 'continue']);
  });

  it('applies a built-in chain policy and reports DROP and REJECT rules', () => {
    expect(walk(both([], [chain('INPUT', [], 'DROP')]), {}).verdict).toBe('DROP');
    const rejectTcp80 = rule({
      matches: [{ kind: 'protocol', protocol: 'tcp' }, { kind: 'dport', port: 80 }],
      target: { kind: 'REJECT' },
    });
    const rej = walk(both([], [chain('INPUT', [rejectTcp80])]), {});
    expect(rej).toMatchObject({ verdict: 'REJECT', decidedBy: { table: 'filter', chain: 'INPUT' } });
    const rejectUdp = rule({ matches: [{ kind: 'protocol', protocol: 'udp' }], target: { kind: 'REJECT' } });
    expect(walk(both([], [chain('INPUT', [rejectUdp])]), {}).verdict).toBe('ACCEPT');
  });

  it.each<[string, Rule['matches'], Partial<Packet>, boolean]>([
    ['source CIDR', [{ kind: 'source', cidr: '203.0.113.0/25' }], {}, true],
    ['negated source CIDR', [{ kind: 'source', cidr: '203.0.113.0/25', negate: true }], {}, false],
    ['destination address', [{ kind: 'destination', cidr: '192.168.0.2' }], {}, true],
    ['dport', [{ kind: 'dport', port: 81 }], {}, false],
    ['sport', [{ kind: 'sport', port: 40000 }], {}, true],
    ['dst-type LOCAL (node address)', [{ kind: 'addrtype', dir: 'dst', type: 'LOCAL' }], {}, true],
    ['dst-type LOCAL (127.0.0.0/8)', [{ kind: 'addrtype', dir: 'dst', type: 'LOCAL' }], { dst: '127.0.0.53' }, true],
    ['src-type LOCAL (client)', [{ kind: 'addrtype', dir: 'src', type: 'LOCAL' }], {}, false],
    ['mark with mask', [{ kind: 'mark', value: 0x4000, mask: 0x4000 }], { mark: 0x4001 }, true],
    ['negated mark', [{ kind: 'mark', value: 0x4000, mask: 0x4000, negate: true }], { mark: 0x4000 }, false],
    ['ctstate NEW', [{ kind: 'conntrack', states: ['NEW'] }], {}, true],
    ['ctstate ESTABLISHED', [{ kind: 'conntrack', states: ['RELATED', 'ESTABLISHED'] }], {}, false],
    ['nfacct always matches', [{ kind: 'nfacct', name: 'x' }], {}, true],
    ['ipset without sets', [{ kind: 'set', name: 'KUBE-CLUSTER-IP', flags: ['dst', 'dst'] }], {}, false],
  ])('matches %s', (_name, matches, packet, want) => {
    const r = walk(both([], [chain('INPUT', [rule({ matches, target: { kind: 'DROP' } })])]), packet);
    expect(r.verdict).toBe(want ? 'DROP' : 'ACCEPT');
  });

  it('MARK --or-mark, --xor-mark and --set-xmark change the fwmark', () => {
    const rs = both(
      [chain('PREROUTING', [
        rule({ matches: [], target: { kind: 'MARK', op: 'or', value: 0x4000 } }),
        rule({ matches: [], target: { kind: 'MARK', op: 'set-xmark', value: 0x1, mask: 0xff } }),
      ])],
      [chain('INPUT', [rule({ matches: [{ kind: 'mark', value: 0x4001 }], target: { kind: 'DROP' } })])],
    );
    expect(walk(rs, {}).verdict).toBe('DROP');
  });

  it('counts nfacct objects and keeps recent tables in the runtime state', () => {
    const state: ProxyRuntimeState = { now: 10, rand: SeededRandom.fromSeed('s').state(), perNode: {} };
    const rs = nat(chain('PREROUTING', [
      rule({
        matches: [{ kind: 'recent', name: 'R', op: 'rcheck', seconds: 5, reap: true }],
        target: { kind: 'ACCEPT' },
      }),
      rule({
        matches: [{ kind: 'nfacct', name: 'seen' }, { kind: 'recent', name: 'R', op: 'set' }],
        target: { kind: 'none' },
      }),
    ]));
    expect(walk(rs, {}, 'external', state).steps[0]).toMatchObject({
      outcome: 'skipped',
      detail: { kind: 'recent', hit: false },
    });
    state.now = 14;
    expect(walk(rs, {}, 'external', state).steps[0]).toMatchObject({
      outcome: 'matched',
      detail: { kind: 'recent', hit: true, ageSeconds: 4 },
    });
    state.now = 20;
    expect(walk(rs, {}, 'external', state).steps[0]).toMatchObject({
      outcome: 'skipped',
      detail: { kind: 'recent', hit: false },
    });
    expect(state.perNode.n1).toMatchObject({ kind: 'netfilter', nfacct: { seen: 2 } });
  });

  it('advances the seeded generator held in the state, so the same seed replays the same draws', () => {
    const rs = nat(
      chain('PREROUTING', [
        rule({
          matches: [{ kind: 'statistic', probability: '0.5000000000' }],
          target: { kind: 'DNAT', ip: '10.0.0.1' },
        }),
      ]),
    );
    const run = () => {
      const state: ProxyRuntimeState = { now: 0, rand: SeededRandom.fromSeed('replay').state(), perNode: {} };
      return Array.from({ length: 20 }, () => walk(rs, {}, 'external', state).after.dst).join(',');
    };
    expect(run()).toBe(run());
    expect(run()).toMatch(/10\.0\.0\.1/);
    expect(run()).toMatch(/192\.168\.0\.2/);
  });

  it('reports every rule evaluated as a typed step: table, chain, hook, effect, matched or not', () => {
    const rs = both(
      [
        chain('PREROUTING', [
          rule({ matches: [{ kind: 'dport', port: 443 }], target: { kind: 'jump', chain: 'A' } }),
          rule({ matches: [], target: { kind: 'jump', chain: 'A' } }),
        ]),
        chain('A', [
          rule({ matches: [], target: { kind: 'MARK', op: 'or', value: 0x4000 } }),
          rule({ matches: [{ kind: 'protocol', protocol: 'udp' }], target: { kind: 'DROP' } }),
          rule({ matches: [], target: { kind: 'DNAT', ip: '10.0.0.5', port: 8080 } }),
        ]),
        chain('POSTROUTING', [
          rule({ matches: [{ kind: 'mark', value: 0x4000, mask: 0x4000 }], target: { kind: 'MASQUERADE' } }),
        ]),
      ],
      [chain('FORWARD', [rule({ matches: [], target: { kind: 'ACCEPT' } })])],
    );
    const r = walk(rs, {});
    expect(r.steps.map((s) => [s.outcome, s.table, s.chain, s.hook, s.effect])).toEqual([
      ['skipped', 'nat', 'PREROUTING', 'prerouting', { kind: 'no-match' }],
      ['matched', 'nat', 'PREROUTING', 'prerouting', { kind: 'jump', chain: 'A' }],
      ['matched', 'nat', 'A', 'prerouting', { kind: 'mark', op: 'or', value: 0x4000, result: 0x4000 }],
      ['skipped', 'nat', 'A', 'prerouting', { kind: 'no-match' }],
      ['matched', 'nat', 'A', 'prerouting', { kind: 'dnat', to: '10.0.0.5:8080' }],
      ['matched', 'filter', 'FORWARD', 'forward', { kind: 'accept' }],
      ['matched', 'nat', 'POSTROUTING', 'postrouting', { kind: 'snat', to: '192.168.0.2', masquerade: true }],
    ]);
    // Each step points at its own rule.
    const ids = rs.tables.nat!.chains.flatMap((c) => c.rules.map((x) => x.id));
    expect(r.steps.slice(0, 5).map((s) => s.ref.ref)).toEqual([ids[0], ids[1], ids[2], ids[3], ids[4]]);
    // Recording nothing changes nothing but the steps.
    const quiet = walkPacket({
      index: new RulesetIndex(rs),
      packet: { protocol: 'TCP', src: '203.0.113.2', srcPort: 40000, dst: '192.168.0.2', dstPort: 80 },
      origin: 'external',
      localAddresses: ['192.168.0.2'],
      masqueradeAddress: '192.168.0.2',
      state: { now: 0, rand: SeededRandom.fromSeed('walk').state(), perNode: {} },
      nodeKey: 'n1',
      refOf: () => {
        throw new Error('no line looked up when steps are not recorded');
      },
      recordSteps: false,
    });
    expect({ ...quiet, steps: r.steps }).toEqual(r);
  });

  it('records each statistic draw with its probability and outcome, the misses included', () => {
    const sep = (ip: string) => rule({ matches: [], target: { kind: 'DNAT', ip, port: 80 } });
    const rs = nat(
      chain('PREROUTING', [
        rule({
          matches: [{ kind: 'statistic', probability: '0.3333333333' }],
          target: { kind: 'jump', chain: 'SEP1' },
        }),
        rule({
          matches: [{ kind: 'statistic', probability: '0.5000000000' }],
          target: { kind: 'jump', chain: 'SEP2' },
        }),
        rule({ matches: [], target: { kind: 'jump', chain: 'SEP3' } }),
      ]),
      chain('SEP1', [sep('10.0.0.1')]),
      chain('SEP2', [sep('10.0.0.2')]),
      chain('SEP3', [sep('10.0.0.3')]),
    );
    const state: ProxyRuntimeState = { now: 0, rand: SeededRandom.fromSeed('draws').state(), perNode: {} };
    for (let i = 0; i < 30; i++) {
      const r = walk(rs, {}, 'external', state);
      const draws = r.steps.filter((s) => s.detail?.kind === 'statistic');
      expect(draws.length).toBeGreaterThan(0);
      for (const s of draws) {
        const d = s.detail as { probability: number; draw: number };
        // A draw below the probability matched (the jump was taken), else the rule did not match.
        expect(s.outcome).toBe(d.draw < d.probability ? 'matched' : 'skipped');
        expect(s.effect.kind).toBe(s.outcome === 'matched' ? 'jump' : 'no-match');
      }
      const taken = r.steps.find((s) => s.effect.kind === 'jump')!.effect as { chain: string };
      expect(r.after.dst).toBe(`10.0.0.${taken.chain.slice(3)}`);
    }
  });

  it('REDIRECT sends the packet to the incoming interface\'s address (127.0.0.1 from the host itself)', () => {
    const rs = nat(
      chain('PREROUTING', [
        rule({
          matches: [{ kind: 'destination', cidr: '10.96.0.20/32' }],
          target: { kind: 'REDIRECT', toPorts: 40123 },
        }),
      ]),
      chain('OUTPUT', [
        rule({
          matches: [{ kind: 'destination', cidr: '10.96.0.20/32' }],
          target: { kind: 'REDIRECT', toPorts: 40123 },
        }),
      ]),
    );
    const input = (origin: PacketOrigin) => ({
      index: new RulesetIndex(rs),
      packet: { protocol: 'TCP' as const, src: '10.244.1.9', srcPort: 40000, dst: '10.96.0.20', dstPort: 80 },
      origin,
      localAddresses: ['192.168.0.2', '10.244.1.1'],
      masqueradeAddress: '192.168.0.2',
      redirectAddress: '10.244.1.1',
      state: { now: 0, rand: SeededRandom.fromSeed('r').state(), perNode: {} },
      nodeKey: 'n1',
      refOf: (_t: string, _c: string, r: Rule) => ({ artifact: 'a', ref: r.id, line: r.id, lineIndex: 0 }),
    });
    const fromPod = walkPacket(input('pod'));
    expect(fromPod.after).toMatchObject({ dst: '10.244.1.1', dstPort: 40123 });
    expect(fromPod.path).toBe('input');
    expect(fromPod.dnat).toMatchObject({ ip: '10.244.1.1', port: 40123, redirect: true });
    expect(fromPod.steps.at(-1)).toMatchObject({
      outcome: 'matched',
      hook: 'prerouting',
      effect: { kind: 'redirect', to: '10.244.1.1:40123' },
    });
    const fromHost = walkPacket(input('local'));
    expect(fromHost.after).toMatchObject({ dst: '127.0.0.1', dstPort: 40123 });
    expect(fromHost.steps[0]).toMatchObject({ hook: 'output', effect: { kind: 'redirect', to: '127.0.0.1:40123' } });
  });

  it('-p, -s, -d with !, every one of a rule (repeats too), and --ctstate lists', () => {
    const accepts = (matches: Rule['matches']) => {
      const rs = both([], [chain('FORWARD', [rule({ matches, target: { kind: 'DROP' } })])]);
      return walk(rs, { dst: '10.0.0.9' }).verdict === 'ACCEPT';
    };
    expect(accepts([{ kind: 'protocol', protocol: 'tcp' }])).toBe(false);
    expect(accepts([{ kind: 'protocol', protocol: 'udp' }])).toBe(true);
    expect(accepts([{ kind: 'protocol', protocol: 'udp', negate: true }])).toBe(false);
    expect(
      accepts([{ kind: 'source', cidr: '203.0.113.0/24' }, { kind: 'destination', cidr: '10.0.0.9' }]),
    ).toBe(false);
    expect(accepts([{ kind: 'source', cidr: '203.0.113.0/24', negate: true }])).toBe(true);
    expect(accepts([{ kind: 'destination', cidr: 'not-an-address' }])).toBe(true);
    expect(accepts([{ kind: 'destination', cidr: 'not-an-address', negate: true }])).toBe(false);
    // A second -d must hold too (iptables refuses to write one; the data can hold it).
    expect(
      accepts([{ kind: 'destination', cidr: '10.0.0.0/8' }, { kind: 'destination', cidr: '10.0.0.8' }]),
    ).toBe(true);
    expect(
      accepts([{ kind: 'destination', cidr: '10.0.0.0/8' }, { kind: 'destination', cidr: '10.0.0.9' }]),
    ).toBe(false);
    expect(accepts([{ kind: 'protocol', protocol: 'tcp' }, { kind: 'protocol', protocol: 'udp' }])).toBe(true);
    expect(accepts([{ kind: 'conntrack', states: ['RELATED', 'ESTABLISHED'] }])).toBe(true);
    expect(accepts([{ kind: 'conntrack', states: ['ESTABLISHED', 'NEW'] }])).toBe(false);
    expect(accepts([{ kind: 'conntrack', states: ['NEW'], negate: true }])).toBe(true);
  });

  it('a header that does not match draws nothing: the next rule gets the first draw', () => {
    const draw = (p: string, dst: string) =>
      rule({
        matches: [{ kind: 'destination', cidr: dst }, { kind: 'statistic', probability: p }],
        target: { kind: 'ACCEPT' },
      });
    const state = () => ({ now: 0, rand: SeededRandom.fromSeed('draws').state(), perNode: {} });
    const first = SeededRandom.fromSeed('draws').next();
    const rs = both([], [chain('FORWARD', [draw('1.0000000000', '10.9.9.9'), draw(`${first + 1e-9}`, '10.0.0.9')])]);
    const r = walk(rs, { dst: '10.0.0.9' }, 'external', state());
    expect(r.steps.map((s) => s.outcome)).toEqual(['skipped', 'matched']);
    expect(r.steps[1]!.detail).toEqual({ kind: 'statistic', probability: first + 1e-9, draw: first });
  });

  it('refuses a jump loop with a clear error', () => {
    const rs = nat(
      chain('PREROUTING', [rule({ matches: [], target: { kind: 'jump', chain: 'L' } })]),
      chain('L', [rule({ matches: [], target: { kind: 'jump', chain: 'L' } })]),
    );
    expect(() => walk(rs, {})).toThrow(/deeper than 64/);
  });
});
