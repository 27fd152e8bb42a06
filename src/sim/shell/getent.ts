// `getent hosts|ahosts|ahostsv4|ahostsv6 [KEY...]` as glibc's getent (nss/getent.c) answers it where the
// console is: nsswitch `hosts: files dns`, so /etc/hosts first (nss_files/files-hosts.c), then the
// stub resolver over the place's resolv.conf (the same lookup curl's getaddrinfo makes).
//
// - hosts NAME: gethostbyname2 for AF_INET6, then AF_INET; hosts ADDRESS: gethostbyaddr (files, then a
//   PTR query). One line per address, `printf("%-15s %s", address, name)` and each alias after a space.
// - ahosts, ahostsv4 NAME: getaddrinfo with AI_CANONNAME | AI_ADDRCONFIG: three lines per address
//   (STREAM, DGRAM, RAW), `"%-15s %-6s %s"`, the canonical name on the first line only. AI_ADDRCONFIG
//   narrows ahosts to IPv4 where the place has no IPv6 address (every pod and node in the lab), and
//   makes ahostsv6 find nothing there.
// - No key: the files source's entries as gethostent reads them (nss_files parses each line as
//   AF_INET: ::1 reads as 127.0.0.1, other IPv6 lines are skipped); DNS has no enumeration.
// - Exit status 2 when a key is not found (and nothing printed for it), 1 for a usage error.
//
// The lab's files source reads the first line that names the host (no `multi on`), compares names
// case-insensitively without a trailing dot, as curl's lookup in the lab does; it has no AAAA data, so
// an IPv6 answer can only come from /etc/hosts.

import { fqdn, reverseName, type DnsAnswer, type HostsFile } from '../dns/index';
import { formatIPv6, intToIp, ipv6Groups, isIPv4 } from '../net/ip';
import { note } from '../notes';
import type { ProseLine } from './shell';

/** Where getent runs: its /etc/hosts (none where the kubelet wrote none yet), and its resolver's answers. */
export interface HostsPlace {
  hosts?: HostsFile;
  /** The answer the stub resolver gets for `name` (A: the search list walked; PTR: the absolute name). */
  ask(name: string, type: 'A' | 'PTR'): DnsAnswer;
}

/** What getent printed: its standard output and error and its exit status, or the lab's words about its limits. */
export type GetentOutput = { out: string; err: string; status: number } | { errProse: ProseLine[] };

/** A hostent: the canonical name, its aliases and its addresses, as getent prints them. */
interface HostEnt {
  name: string;
  aliases: string[];
  addresses: string[];
}

type Family = 4 | 6;

/** argp's last line after a usage error (argp-help.c ARGP_HELP_SEE), on standard output. */
const SEE_HELP = "Try `getent --help' or `getent --usage' for more information.\n";

/** getent's databases (nss/getent.c `databases`); the console looks up the hosts ones. */
const DATABASES = [
  'ahosts', 'ahostsv4', 'ahostsv6', 'aliases', 'ethers', 'group', 'gshadow', 'hosts', 'initgroups', 'netgroup',
  'networks', 'passwd', 'protocols', 'rpc', 'services', 'shadow',
];
const HOSTS_DATABASES = ['hosts', 'ahosts', 'ahostsv4', 'ahostsv6'];

const SOCKET_TYPES = ['STREAM', 'DGRAM', 'RAW'];

export function getentCommand(place: HostsPlace, words: readonly string[]): GetentOutput {
  // -i (--no-idn) turns IDN encoding off: the lab's names are ASCII, so it changes nothing.
  const args = words.filter((w) => w !== '-i' && w !== '--no-idn');
  const option = args.find((w) => w.startsWith('-'));
  if (option) {
    const n = note('note.shell.getentOption', { tool: 'getent', option, nsswitch: 'hosts: files dns' });
    return { errProse: [{ note: n }] };
  }
  const [database, ...keys] = args;
  if (database === undefined) return { out: SEE_HELP, err: 'getent: wrong number of arguments\n', status: 1 };
  if (!DATABASES.includes(database)) return { out: SEE_HELP, err: `Unknown database: ${database}\n`, status: 1 };
  if (!HOSTS_DATABASES.includes(database)) {
    const n = note('note.shell.getentDatabase', { tool: 'getent', database, databases: HOSTS_DATABASES });
    return { errProse: [{ note: n }] };
  }
  if (keys.length === 0) return { out: enumerate(place.hosts), err: '', status: 0 };
  let out = '';
  let status = 0;
  // ahostsv6: AI_ADDRCONFIG finds no IPv6 address where the console runs, so getaddrinfo answers nothing.
  const lookup = database === 'hosts' ? hostsKey : database === 'ahostsv6' ? () => null : ahostsKey;
  for (const key of keys) {
    const printed = lookup(place, key);
    if (printed === null) status = 2;
    else out += printed;
  }
  return { out, err: '', status };
}

/** `getent hosts KEY`: an address is looked up by address, anything else as a name, IPv6 first. */
function hostsKey(place: HostsPlace, key: string): string | null {
  const v6 = ipv6Groups(key);
  let host: HostEnt | null;
  if (v6) host = byAddress(place, formatIPv6(v6), 6);
  else if (isIPv4(key)) host = byAddress(place, key, 4);
  else host = filesByName(place.hosts, key, 6) ?? filesByName(place.hosts, key, 4) ?? dnsByName(place, key);
  if (!host) return null;
  const names = [host.name, ...host.aliases].join(' ');
  return host.addresses.map((a) => `${a.padEnd(15)} ${names}\n`).join('');
}

/** `getent ahosts|ahostsv4 KEY`: getaddrinfo over AF_INET (a literal address is its own canonical name). */
function ahostsKey(place: HostsPlace, key: string): string | null {
  let host: HostEnt | null;
  if (isIPv4(key)) host = { name: key, aliases: [], addresses: [key] };
  else if (ipv6Groups(key)) host = null;
  else host = filesByName(place.hosts, key, 4) ?? dnsByName(place, key);
  if (!host) return null;
  const lines = host.addresses.flatMap((a, i) =>
    SOCKET_TYPES.map((type, j) => `${a.padEnd(15)} ${type.padEnd(6)} ${i === 0 && j === 0 ? host.name : ''}\n`));
  return lines.join('');
}

/**
 * A hosts line's address as the files source parses it for `family` (LINE_PARSER in files-hosts.c): an
 * AF_INET read takes IPv4, and an IPv6 line only when it is IPv4-mapped or the loopback (127.0.0.1);
 * an AF_INET6 read takes IPv6, and IPv4 mapped only when asked (`v4mapped`, by gethostbyaddr of an IPv6
 * address). The text as inet_ntop prints it, or null for a line it skips.
 */
function readAddress(text: string, family: Family, v4mapped = false): string | null {
  const g = ipv6Groups(text);
  if (family === 6) {
    if (g) return formatIPv6(g);
    return v4mapped && isIPv4(text) ? `::ffff:${text}` : null;
  }
  if (isIPv4(text)) return text;
  if (!g || g.slice(0, 5).some((x) => x !== 0)) return null;
  if (g[5] === 0xffff) return intToIp(g[6]! * 65536 + g[7]!);
  return g[5] === 0 && g[6] === 0 && g[7] === 1 ? '127.0.0.1' : null;
}

/** The entries of a hosts file with their address as read for `family`, in order. */
function entries(file: HostsFile | undefined, family: Family, v4mapped = false): HostEnt[] {
  return (file?.lines ?? []).flatMap((line) => {
    const e = line.entry;
    const address = e ? readAddress(e.address, family, v4mapped) : null;
    if (!e || !address || e.names.length === 0) return [];
    return [{ name: e.names[0]!, aliases: e.names.slice(1), addresses: [address] }];
  });
}

/** A name as the resolver hands it to the program: without the trailing dot of the wire. */
const bare = (name: string): string => (name.length > 1 ? name.replace(/\.$/, '') : name);

/** gethostent over the files source: each entry as an AF_INET read gives it. */
function enumerate(file: HostsFile | undefined): string {
  return entries(file, 4).map((h) => `${h.addresses[0]!.padEnd(15)} ${[h.name, ...h.aliases].join(' ')}\n`).join('');
}

/** The files source by name: the first entry of `family` that lists it. */
function filesByName(file: HostsFile | undefined, name: string, family: Family): HostEnt | null {
  const wanted = fqdn(name);
  return entries(file, family).find((h) => [h.name, ...h.aliases].some((n) => fqdn(n) === wanted)) ?? null;
}

/**
 * The dns source by name: the A records of the answer, owned by the canonical name; the names of the
 * CNAMEs on the way are its aliases (glibc's getanswer_r), all without their trailing dot.
 */
function dnsByName(place: HostsPlace, name: string): HostEnt | null {
  const answer = place.ask(name, 'A');
  if (answer.rcode !== 'NOERROR') return null;
  const a = answer.answers.filter((rr) => rr.type === 'A');
  if (a.length === 0) return null;
  const aliases = answer.answers.filter((rr) => rr.type === 'CNAME').map((rr) => bare(rr.name));
  return { name: bare(a[0]!.name), aliases, addresses: a.map((rr) => (rr.type === 'A' ? rr.address : '')) };
}

/** gethostbyaddr: the files source (the first entry with that address), then the first PTR record. */
function byAddress(place: HostsPlace, address: string, family: Family): HostEnt | null {
  const line = entries(place.hosts, family, family === 6).find((h) => h.addresses[0] === address);
  if (line) return line;
  // The lab has no IPv6 reverse zone.
  if (family === 6) return null;
  const answer = place.ask(reverseName(address), 'PTR');
  const ptr = answer.rcode === 'NOERROR' ? answer.answers.find((rr) => rr.type === 'PTR') : undefined;
  return ptr?.type === 'PTR' ? { name: bare(ptr.target), aliases: [], addresses: [address] } : null;
}
