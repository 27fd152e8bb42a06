// ipset membership as the kernel keys it ("dst,dst,src"): what the netfilter walker asks for IPVS
// mode's `-m set` rules. (Userspace mode's portal chains, which once had their own matcher here,
// are walked by the shared walker, REDIRECT included.)

import { cidrContains, parseCidr } from '../../net/ip';
import type { Packet } from '../types';
import type { Ipset } from './model';

function inCidr(cidr: string, ip: string): boolean {
  const c = parseCidr(cidr, true);
  return !!c && cidrContains(c, ip);
}

/** An ipset lookup with the key built from the packet fields the flags name (ipset's "dst,dst,src"). */
export function ipsetContains(set: Ipset, flags: readonly ('src' | 'dst')[], p: Packet): boolean {
  const addr = (f: 'src' | 'dst') => (f === 'src' ? p.src : p.dst);
  const port = (f: 'src' | 'dst') => `${p.protocol.toLowerCase()}:${f === 'src' ? p.srcPort : p.dstPort}`;
  switch (set.type) {
    case 'hash:ip':
      return set.entries.includes(addr(flags[0]!));
    case 'bitmap:port':
      return set.entries.includes(String(flags[0] === 'src' ? p.srcPort : p.dstPort));
    case 'hash:ip,port':
      return set.entries.includes(`${addr(flags[0]!)},${port(flags[1]!)}`);
    case 'hash:ip,port,ip':
      return set.entries.includes(`${addr(flags[0]!)},${port(flags[1]!)},${addr(flags[2]!)}`);
    case 'hash:ip,port,net': {
      const prefix = `${addr(flags[0]!)},${port(flags[1]!)},`;
      return set.entries.some((e) => e.startsWith(prefix) && inCidr(e.slice(prefix.length), addr(flags[2]!)));
    }
  }
}
