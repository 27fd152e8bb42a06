// conntrack entries as data, printed as `conntrack -L` prints them, looked up by their reply tuple.
import { describe, expect, it } from 'vitest';
import { ConntrackTables, entryFor, formatEntry, isReplyOf, natOf, reverse, undo } from './conntrack';

const client = { src: '10.244.0.2', srcPort: 40000, dst: '192.168.49.3', dstPort: 30081 };
const dnated = { ...client, dst: '10.244.0.3', dstPort: 8080 };
const masqueraded = { ...dnated, src: '192.168.49.3', srcPort: 40000 };

describe('conntrack entries', () => {
  it('the reply tuple is the packet as it left, reversed', () => {
    const e = entryFor('node-2', 'TCP', client, masqueraded, 'iptables');
    expect(e.original).toEqual(client);
    expect(e.reply).toEqual({ src: '10.244.0.3', srcPort: 8080, dst: '192.168.49.3', dstPort: 40000 });
    expect(natOf(e)).toEqual({ dnat: true, snat: true });
    expect(natOf(entryFor('node-2', 'TCP', client, dnated, 'iptables'))).toEqual({ dnat: true, snat: false });
  });

  it('a reply matching the entry is rewritten to the original reversed (both NATs undone)', () => {
    const e = entryFor('node-2', 'TCP', client, masqueraded, 'nftables');
    expect(isReplyOf(e, { ...e.reply, protocol: 'TCP' })).toBe(true);
    expect(isReplyOf(e, { ...e.reply, protocol: 'UDP' })).toBe(false);
    expect(isReplyOf(e, reverse(dnated))).toBe(false);
    expect(undo(e)).toEqual({ src: '192.168.49.3', srcPort: 30081, dst: '10.244.0.2', dstPort: 40000 });
  });

  it('prints as conntrack -L: unreplied (SYN_SENT, [UNREPLIED]) and established ([ASSURED])', () => {
    const e = entryFor('node-2', 'TCP', client, dnated, 'iptables');
    expect(formatEntry(e, 'unreplied')).toBe(
      'tcp      6 119 SYN_SENT src=10.244.0.2 dst=192.168.49.3 sport=40000 dport=30081 [UNREPLIED] src=10.244.0.3 ' +
        'dst=10.244.0.2 sport=8080 dport=40000 mark=0 use=1',
    );
    expect(formatEntry(e, 'established')).toBe(
      'tcp      6 431999 ESTABLISHED src=10.244.0.2 dst=192.168.49.3 sport=40000 dport=30081 src=10.244.0.3 ' +
        'dst=10.244.0.2 sport=8080 dport=40000 [ASSURED] mark=0 use=1',
    );
    const u = entryFor('node-1', 'UDP', client, dnated, 'ipvs');
    expect(formatEntry(u, 'unreplied')).toMatch(
      /^udp {6}17 29 src=10\.244\.0\.2 .* \[UNREPLIED\] src=10\.244\.0\.3 .* mark=0 use=1$/,
    );
  });

  it('each node holds only its own entries: a lookup on another node finds nothing', () => {
    const t = new ConntrackTables();
    const e = t.add(entryFor('node-2', 'TCP', client, dnated, 'iptables'));
    expect(t.lookupReply('node-1', e.reply)).toBeUndefined();
    expect(t.lookupReply('node-2', e.reply)).toBe(e);
    expect(t.list('node-2')[0]).toContain('[UNREPLIED]');
    t.markReplied(e);
    expect(t.list('node-2')[0]).toContain('ESTABLISHED');
    expect(t.list('node-1')).toEqual([]);
  });
});
