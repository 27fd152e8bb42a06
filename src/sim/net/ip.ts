// IPv4 addresses and CIDRs as 32-bit unsigned integers. The lab is IPv4 only for now (the
// seeds and kube-proxy's own tests are); IPv6 strings are rejected with a clear message by callers.

declare const ipBrand: unique symbol;
/** A dotted-quad IPv4 address that has been checked. */
export type IPv4 = string & { readonly [ipBrand]: 'IPv4' };

export interface Cidr {
  /** Network address as an unsigned 32-bit integer. */
  readonly base: number;
  readonly prefix: number;
  /** The text the user wrote, normalised ("10.244.0.0/16"). */
  readonly text: string;
}

/** Parses a dotted quad to an unsigned integer, or returns null. Leading zeros are refused as the apiserver does.
 *  Read character by character (1-3 ASCII digits per part, three dots): every route lookup, rule
 *  compile and address index parses addresses, and a regular expression's match array cost more. */
export function ipToInt(ip: string): number | null {
  // Hostile objects reach here with a missing field: not an address, as the regular expression said.
  if (typeof ip !== 'string') return null;
  const len = ip.length;
  if (len < 7 || len > 15) return null;
  let n = 0;
  let i = 0;
  for (let part = 0; part < 4; part++) {
    if (part > 0 && ip.charCodeAt(i++) !== 46) return null;
    const start = i;
    let v = 0;
    for (let c = ip.charCodeAt(i); c >= 48 && c <= 57 && i - start < 3; c = ip.charCodeAt(++i)) v = v * 10 + (c - 48);
    const digits = i - start;
    if (digits === 0 || (digits > 1 && ip.charCodeAt(start) === 48) || v > 255) return null;
    n = n * 256 + v;
  }
  return i === len ? n >>> 0 : null;
}

export function isIPv4(ip: string): ip is IPv4 {
  return ipToInt(ip) !== null;
}

/**
 * Whether text is an IPv6 address as inet_pton(AF_INET6) reads it: eight groups of one to four hex
 * digits, one "::" for a run of zero groups, the last 32 bits optionally as a dotted quad. The lab
 * routes IPv4 only; tools that take either (curl, iproute2) need to tell a valid IPv6 address from junk.
 */
export function isIPv6(text: string): boolean {
  return ipv6Groups(text) !== null;
}

/** Colon-separated parts as 16-bit groups; the last may be a dotted quad (two groups) when it ends the address. */
function groupsOf(parts: readonly string[], endsAddress: boolean): number[] | null {
  const out: number[] = [];
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i]!;
    const v4 = endsAddress && i === parts.length - 1 ? ipToInt(p) : null;
    if (/^[0-9a-f]{1,4}$/i.test(p)) out.push(parseInt(p, 16));
    else if (v4 !== null) out.push(v4 >>> 16, v4 & 0xffff);
    else return null;
  }
  return out;
}

/** An IPv6 address as its eight 16-bit groups (inet_pton(AF_INET6)), or null when it is not one. */
export function ipv6Groups(text: string): number[] | null {
  if (typeof text !== 'string' || !/^[0-9a-f:.]+$/i.test(text)) return null;
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const split = (h: string) => (h === '' ? [] : h.split(':'));
  if (halves.length === 1) {
    const all = groupsOf(split(text), true);
    return all && all.length === 8 ? all : null;
  }
  const head = groupsOf(split(halves[0]!), false);
  const tail = groupsOf(split(halves[1]!), true);
  // "::" stands for at least one group of zeros.
  if (!head || !tail || head.length + tail.length > 7) return null;
  return [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
}

/**
 * The text inet_ntop(AF_INET6) gives for eight groups (glibc resolv/inet_ntop.c): lower-case hex
 * without leading zeros, the first longest run of two or more zero groups as "::", and the last 32
 * bits as a dotted quad for an IPv4-mapped (::ffff:a.b.c.d) or IPv4-compatible (::a.b.c.d) address.
 */
export function formatIPv6(groups: readonly number[]): string {
  let best = { base: -1, len: 0 };
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > best.len) best = { base: i, len: j - i };
    i = j === i ? i + 1 : j;
  }
  if (best.len < 2) best = { base: -1, len: 0 };
  const embedded = best.base === 0 && (best.len === 6 || (best.len === 5 && groups[5] === 0xffff));
  let out = '';
  for (let i = 0; i < 8; i++) {
    if (best.base >= 0 && i >= best.base && i < best.base + best.len) {
      if (i === best.base) out += ':';
      continue;
    }
    if (i !== 0) out += ':';
    if (i === 6 && embedded) return `${out}${intToIp(groups[6]! * 65536 + groups[7]!)}`;
    out += groups[i]!.toString(16);
  }
  return best.base >= 0 && best.base + best.len === 8 ? `${out}:` : out;
}

export function intToIp(n: number): IPv4 {
  n >>>= 0;
  return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}` as IPv4;
}

export function asIPv4(ip: string): IPv4 {
  if (!isIPv4(ip)) throw new Error(`not an IPv4 address: ${JSON.stringify(ip)}`);
  return ip;
}

/** The netmask of a prefix length as an unsigned 32-bit integer (24 -> 0xffffff00). */
export function maskOf(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

/** Parses "a.b.c.d/n"; a bare address is a /32. Host bits must be zero unless `allowHostBits`. */
export function parseCidr(text: string, allowHostBits = false): Cidr | null {
  const [addr, len, ...rest] = text.split('/');
  if (rest.length > 0 || addr === undefined) return null;
  const ip = ipToInt(addr);
  if (ip === null) return null;
  const prefix = len === undefined ? 32 : /^\d{1,2}$/.test(len) ? Number(len) : NaN;
  if (!(prefix >= 0 && prefix <= 32)) return null;
  const base = (ip & maskOf(prefix)) >>> 0;
  if (!allowHostBits && base !== ip) return null;
  return { base, prefix, text: `${intToIp(base)}/${prefix}` };
}

export function cidrContains(cidr: Cidr, ip: string | number): boolean {
  const n = typeof ip === 'number' ? ip : ipToInt(ip);
  if (n === null) return false;
  return ((n & maskOf(cidr.prefix)) >>> 0) === cidr.base;
}

export function cidrSize(cidr: Cidr): number {
  return 2 ** (32 - cidr.prefix);
}

/** The i-th address of a CIDR (0 is the network address). */
export function cidrAddress(cidr: Cidr, i: number): IPv4 {
  return intToIp(cidr.base + i);
}

export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
  const p = Math.min(a.prefix, b.prefix);
  const m = maskOf(p);
  return ((a.base & m) >>> 0) === ((b.base & m) >>> 0);
}

/** Compares two IPv4 strings numerically (for stable, human-expected sorting). */
export function compareIp(a: string, b: string): number {
  return (ipToInt(a) ?? 0) - (ipToInt(b) ?? 0);
}

/** The addresses of a load-balancer pool written as addresses, CIDRs ("192.168.49.240/29") or
 *  ranges ("192.168.49.240-192.168.49.250"), as MetalLB's address pools take them. Capped. */
export function expandAddressPool(pool: readonly string[], cap = 4096): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  const add = (n: number) => {
    const ip = intToIp(n);
    if (!seen.has(ip) && out.length < cap) {
      seen.add(ip);
      out.push(ip);
    }
  };
  for (const entry of pool) {
    const text = entry.trim();
    const range = /^(\S+?)\s*-\s*(\S+)$/.exec(text);
    if (range) {
      const a = ipToInt(range[1]!);
      const b = ipToInt(range[2]!);
      if (a !== null && b !== null) for (let n = a; n <= b && out.length < cap; n++) add(n);
      continue;
    }
    const c = parseCidr(text, true);
    if (!c) continue;
    const size = cidrSize(c);
    for (let i = 0; i < size && out.length < cap; i++) add(c.base + i);
  }
  return out;
}
