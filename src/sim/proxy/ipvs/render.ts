// Text views of the IPVS model: `ipvsadm -Ln`, `ipset list` and `ip addr show kube-ipvs0`, laid out
// the way those tools print them (SEMANTICS.md section 3 for ipvsadm's column widths).

import type { RenderedArtifact, RenderedLine } from '../../artifact';
import { hash128 } from '../../net/rand';
import type { Ipset, IpvsModel, IpvsVirtualServer } from './model';

export interface ConnCounts {
  active: number;
  inactive: number;
}

export function vsRef(vs: Pick<IpvsVirtualServer, 'key'>): string {
  return `vs:${vs.key}`;
}

export function rsRef(vs: Pick<IpvsVirtualServer, 'key'>, rs: { address: string; port: number }): string {
  return `rs:${vs.key}->${rs.address}:${rs.port}`;
}

export function ipsetEntryRef(set: string, entry: string): string {
  return `ipset:${set}:${entry}`;
}

/** The virtual-server line: protocol padded to 4, a space, ip:port, the scheduler, then the flags. */
export function virtualServerLine(vs: IpvsVirtualServer): string {
  const flags = vs.persistentTimeout > 0 ? ` persistent ${vs.persistentTimeout}` : '';
  return `${vs.protocol.padEnd(4)} ${vs.address}:${vs.port} ${vs.scheduler}${flags}`;
}

/** The real-server line: "  -> " + address:port padded to 28, forward method to 7, weight to 6,
 *  ActiveConn to 10, then InActConn. */
export function realServerLine(addr: string, forward: string, weight: number, c: ConnCounts): string {
  const counts = `${String(weight).padEnd(6)} ${String(c.active).padEnd(10)} ${c.inactive}`;
  return `  -> ${addr.padEnd(28)} ${forward.padEnd(7)} ${counts}`;
}

export function renderIpvsadm(args: {
  id: string;
  model: IpvsModel;
  counts: (vs: IpvsVirtualServer, rsKey: string) => ConnCounts;
}): RenderedArtifact {
  const lines: RenderedLine[] = [
    { text: 'IP Virtual Server version 1.2.1 (size=4096)' },
    { text: 'Prot LocalAddress:Port Scheduler Flags' },
    { text: '  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn' },
  ];
  for (const vs of args.model.virtualServers) {
    lines.push({ text: virtualServerLine(vs), ref: vsRef(vs) });
    for (const rs of vs.realServers) {
      const key = `${rs.address}:${rs.port}`;
      lines.push({ text: realServerLine(key, rs.forward, rs.weight, args.counts(vs, key)), ref: rsRef(vs, rs) });
    }
  }
  return { id: args.id, kind: 'ipvsadm', title: 'ipvsadm -Ln', lines };
}

/** Set type revisions as a 6.x kernel reports them. */
const REVISION: Record<Ipset['type'], number> = {
  'hash:ip,port': 7,
  'hash:ip,port,ip': 6,
  'hash:ip,port,net': 8,
  'bitmap:port': 3,
  'hash:ip': 6,
};

/** A hash set's random initval, stable for a node and set (the kernel draws it at create time). */
function initval(nodeName: string, set: string): string {
  return `0x${hash128(`ipset/${nodeName}/${set}`)[0].toString(16).padStart(8, '0')}`;
}

/** The create options kube-proxy's ipset restore uses (and `ipset save` prints back). */
export function ipsetCreateOptions(s: Pick<Ipset, 'type'>): string {
  return s.type === 'bitmap:port' ? 'range 0-65535 comment' : 'family inet hashsize 1024 maxelem 65536 comment';
}

/** `ipset restore` input creating the sets and their entries, as kube-proxy's ipset sync writes it. */
export function ipsetRestoreText(sets: readonly Ipset[]): string {
  const lines: string[] = [];
  for (const s of sets) {
    lines.push(`create ${s.name} ${s.type} ${ipsetCreateOptions(s)} -exist`);
    for (const e of s.entries) lines.push(`add ${s.name} ${e} -exist`);
  }
  return lines.join('\n') + '\n';
}

/**
 * `ipset list`. Members are listed sorted (the kernel lists a hash set in its hash order, which
 * depends on the random initval); "Size in memory" is an estimate.
 */
export function renderIpsetList(args: {
  id: string;
  nodeName: string;
  sets: readonly Ipset[];
  references: (set: string) => number;
}): RenderedArtifact {
  const lines: RenderedLine[] = [];
  args.sets.forEach((s, i) => {
    if (i > 0) lines.push({ text: '' });
    const header =
      s.type === 'bitmap:port'
        ? ipsetCreateOptions(s)
        : `${ipsetCreateOptions(s)} bucketsize 12 initval ${initval(args.nodeName, s.name)}`;
    const size = s.type === 'bitmap:port' ? 532552 : s.entries.length === 0 ? 216 : 280 + 64 * s.entries.length;
    lines.push(
      { text: `Name: ${s.name}`, ref: `ipset:${s.name}` },
      { text: `Type: ${s.type}` },
      { text: `Revision: ${REVISION[s.type]}` },
      { text: `Header: ${header}` },
      { text: `Size in memory: ${size}` },
      { text: `References: ${args.references(s.name)}` },
      { text: `Number of entries: ${s.entries.length}` },
      { text: 'Members:' },
    );
    for (const e of s.entries) lines.push({ text: e, ref: ipsetEntryRef(s.name, e) });
  });
  return { id: args.id, kind: 'ipset', title: 'ipset list', lines };
}

/** A stable, locally administered MAC for the dummy device, derived from the node name. */
function dummyMac(nodeName: string): string {
  const [h] = hash128(`kube-ipvs0/${nodeName}`);
  const bytes = [0x02 | ((h >>> 24) & 0xfc), (h >>> 16) & 0xff, (h >>> 8) & 0xff, h & 0xff, 0x5e, 0x0f];
  return bytes.map((b) => b.toString(16).padStart(2, '0')).join(':');
}

export function renderKubeIpvs0(args: {
  id: string;
  nodeName: string;
  addresses: readonly string[];
}): RenderedArtifact {
  // A dummy device never comes up (state DOWN) and does not ARP; the addresses still make the
  // kernel treat packets to them as local, which is all IPVS needs.
  const lines: RenderedLine[] = [
    { text: '5: kube-ipvs0: <BROADCAST,NOARP> mtu 1500 qdisc noop state DOWN group default ' },
    { text: `    link/ether ${dummyMac(args.nodeName)} brd ff:ff:ff:ff:ff:ff` },
  ];
  for (const a of args.addresses) {
    lines.push({ text: `    inet ${a}/32 scope global kube-ipvs0`, ref: `addr:${a}` });
    lines.push({ text: '       valid_lft forever preferred_lft forever' });
  }
  return { id: args.id, kind: 'ip-addr', title: 'ip addr show kube-ipvs0', lines };
}
