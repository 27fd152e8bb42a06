// `ip` in the console, from the node layer's interfaces and routes (src/sim/node): on a node,
// `ip route` (the main table), `ip route show table all|main|local`, `ip route get ADDR` and
// `ip -4 addr`; in a pod, its own namespace as Calico sets it up (`default via 169.254.1.1`).

import type { Pod } from '../api/types';
import type { Lab } from '../assembly/lab';
import { renderAddresses } from '../node/interfaces';
import { isIPv6 } from '../net/ip';
import { networkOf, routeGet, routeLine, type RouteTable } from '../node/routes';
import { note, type Note } from '../notes';
import type { ProseLine } from './shell';
import type { Shell } from './where';

/**
 * What `ip` printed: its standard output, iproute2's own error, or the lab's words about its limits
 * (notes the page renders in the reader's language).
 */
export type IpOutput = { out: string } | { err: string } | { errProse: ProseLine[] };

/** The lab speaking, not iproute2: a note. */
const labSays = (n: Note): IpOutput => ({ errProse: [{ note: n }] });

/** `-4` names the family iproute2 expects; without it, "any valid" (lib/utils.c `family_name_verbose`). */
type Family = 'inet' | 'any valid';

const USAGE = 'Usage: ip [ -4 ] { route [ show [ table all|main|local ] | get ADDRESS ] | addr [ show ] }';
/** ip/iproute.c `iproute_get` with no destination. */
const NEEDS_ADDRESS: IpOutput = { err: 'need at least a destination address\n' };

/** Runs `ip <words>` where the shell is. */
export function ipCommand(lab: Lab, shell: Shell, words: readonly string[]): IpOutput {
  const [object, ...rest] = words.filter((w) => w !== '-4');
  const family: Family = words.includes('-4') ? 'inet' : 'any valid';
  // iproute2 takes any prefix of an object's name.
  const isRoute = !!object && 'route'.startsWith(object);
  if (!isRoute && !(object && 'address'.startsWith(object))) {
    return { err: `${object ? `Object "${object}" is unknown, try "ip help".\n` : ''}${USAGE}\n` };
  }
  if (shell.kind === 'external') {
    return labSays(note('note.shell.outsideLab', { tool: 'ip', client: shell.client }));
  }
  let node: string;
  if (shell.kind === 'pod') {
    const pod = lab.cluster.pods.find((p) => `${p.metadata.namespace ?? 'default'}/${p.metadata.name}` === shell.pod);
    if (!pod?.spec.nodeName) return labSays(note('note.shell.podNotRunning', { tool: 'ip', pod: shell.pod }));
    // A hostNetwork pod shares the node's interfaces and routes.
    if (!pod.spec.hostNetwork) return isRoute ? podRoutes(pod, rest, family) : { out: podAddresses(lab, pod) };
    node = pod.spec.nodeName;
  } else {
    node = shell.node;
  }
  const table = networkOf(lab).table(node);
  if (!table) return labSays(note('note.shell.nodeNotInCluster', { tool: 'ip', node }));
  return isRoute ? nodeRouteCommand(table, rest, family) : { out: lines(renderAddresses(table.interfaces)) };
}

/**
 * iproute2's get_addr_ipv4 (lib/utils.c): one to four parts read by strtoul in base 0 (decimal, 0x hex,
 * 0 octal), each at most 255; missing parts are zero ("10.244.1" is 10.244.1.0). The dotted quad, or null.
 */
function iprouteIPv4(text: string): string | null {
  const parts = text.split('.');
  if (parts.length > 4) return null;
  const values: number[] = [];
  for (const p of parts) {
    if (!/^(?:0[xX][0-9a-fA-F]+|0[0-7]*|[1-9]\d*)$/.test(p)) return null;
    const v = /^0[xX]/.test(p) ? parseInt(p.slice(2), 16) : /^0./.test(p) ? parseInt(p, 8) : Number(p);
    if (v > 255) return null;
    values.push(v);
  }
  while (values.length < 4) values.push(0);
  return values.join('.');
}

/**
 * iproute2's get_prefix (lib/utils.c): ADDRESS[/LEN] in the family asked for. An IPv4 address comes back
 * as a dotted quad; anything else that is valid (IPv6, "default") the lab does not route; junk gets
 * iproute2's own error (it exits 1 before asking the kernel anything).
 */
type Prefix = { kind: 'ipv4'; address: string } | { kind: 'not-routed' | 'invalid'; fail: IpOutput };

function getPrefix(arg: string, family: Family): Prefix {
  const slash = arg.indexOf('/');
  const addr = slash < 0 ? arg : arg.slice(0, slash);
  const len = slash < 0 ? null : arg.slice(slash + 1);
  const v6 = addr.includes(':');
  const special = ['default', 'all', 'any'].includes(addr);
  const address = v6 || special ? null : iprouteIPv4(addr);
  const validAddress = address !== null || special || (v6 && family === 'any valid' && isIPv6(addr));
  const validLen = len === null || (!special && /^\d+$/.test(len) && Number(len) <= (v6 ? 128 : 32));
  if (!validAddress || !validLen) {
    return { kind: 'invalid', fail: { err: `Error: ${family} prefix is expected rather than "${arg}".\n` } };
  }
  if (address === null) {
    return { kind: 'not-routed', fail: labSays(note('note.shell.ipv4Only', { tool: 'ip', arg })) };
  }
  return { kind: 'ipv4', address };
}

/** `ip route show [to] PREFIX` selects routes by prefix: a bad one is refused before anything is listed. */
function badSelector(more: readonly string[], family: Family): IpOutput | null {
  const selector = more[0] === 'to' ? more[1] : more[0] !== 'table' ? more[0] : undefined;
  const checked = selector === undefined ? null : getPrefix(selector, family);
  return checked?.kind === 'invalid' ? checked.fail : null;
}

/**
 * `ip route get [to] ADDRESS [from ADDRESS]`: every address checked as iproute2 checks it, in order;
 * the lab looks up the destination (no source routing, no iif/oif/mark).
 */
function routeGetArgs(args: readonly string[], family: Family): { dst: string } | IpOutput {
  let dst: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const w = args[i]!;
    if (w === 'from' || w === 'to') {
      if (i + 1 >= args.length) return { err: `Command line is not complete. Try option "help"\n` };
      const p = getPrefix(args[++i]!, family);
      if (p.kind !== 'ipv4') return p.fail;
      if (w === 'to') dst = p.address;
    } else if (ROUTE_GET_KEYWORDS.has(w)) {
      const syntax = '[to] ADDRESS [from ADDRESS]';
      return labSays(note('note.shell.routeGetArgs', { tool: 'ip', command: 'ip route get', syntax, word: w }));
    } else {
      const p = getPrefix(w, family);
      if (p.kind !== 'ipv4') return p.fail;
      dst = p.address;
    }
  }
  return dst === undefined ? NEEDS_ADDRESS : { dst };
}

/** iproute2's other `ip route get` selectors, which the lab does not model. */
const ROUTE_GET_KEYWORDS = new Set([
  'tos', 'dsfield', 'iif', 'mark', 'oif', 'dev', 'notify', 'connected', 'vrf', 'uid', 'fibmatch', 'as', 'sport',
  'dport', 'ipproto', 'flowlabel',
]);

/** `ip route show [table T]` and `ip route get ADDRESS` on a node. */
function nodeRouteCommand(table: RouteTable, rest: readonly string[], family: Family): IpOutput {
  const [verb = 'show', ...more] = rest;
  if (verb === 'get') {
    const args = routeGetArgs(more, family);
    if (!('dst' in args)) return args;
    const r = routeGet(table, args.dst);
    return 'error' in r ? { err: `${r.error}\n` } : { out: lines(r.lines) };
  }
  if (!['show', 'list', 'ls'].includes(verb)) return { err: `Command "${verb}" is unknown, try "ip route help".\n` };
  const refused = badSelector(more, family);
  if (refused) return refused;
  const which = more[0] === 'table' ? more[1] : more.length === 0 ? 'main' : undefined;
  if (which !== 'all' && which !== 'main' && which !== 'local') {
    return labSays(note('note.shell.routeTables', { arg: more.join(' '), main: 'main', local: 'local' }));
  }
  const shown = table.routes.filter((r) => which === 'all' || r.table === which);
  return { out: lines(shown.map((r) => routeLine(r, which))) };
}

/** A Calico pod's own routes: everything to the veth's far end, which answers ARP for 169.254.1.1. */
function podRoutes(pod: Pod, rest: readonly string[], family: Family): IpOutput {
  const [verb = 'show', ...more] = rest;
  if (verb === 'get') {
    const args = routeGetArgs(more, family);
    if (!('dst' in args)) return args;
    return { out: `${args.dst} via 169.254.1.1 dev eth0 src ${podIPOf(pod) ?? '0.0.0.0'} uid 0 \n    cache \n` };
  }
  const routes = 'default via 169.254.1.1 dev eth0 \n169.254.1.1 dev eth0 scope link \n';
  return badSelector(more, family) ?? { out: routes };
}

/** The pod's side of its veth: its address as a /32; `@if<n>` is the node side's ifindex. */
function podAddresses(lab: Lab, pod: Pod): string {
  const ip = podIPOf(pod);
  const key = `${pod.metadata.namespace ?? 'default'}/${pod.metadata.name}`;
  const nodeSide = networkOf(lab).table(pod.spec.nodeName!)?.interfaces.find((i) => i.pod === key);
  const out = [
    '1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN group default qlen 1000',
    '    inet 127.0.0.1/8 scope host lo',
    '       valid_lft forever preferred_lft forever',
  ];
  if (ip) {
    const name = `eth0${nodeSide ? `@if${nodeSide.index}` : ''}`;
    out.push(`2: ${name}: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP group default`);
    out.push(`    inet ${ip}/32 scope global eth0`, '       valid_lft forever preferred_lft forever');
  }
  return lines(out);
}

function podIPOf(pod: Pod): string | undefined {
  return pod.status?.podIP ?? pod.status?.podIPs?.[0]?.ip;
}

function lines(xs: readonly string[]): string {
  return xs.length ? `${xs.join('\n')}\n` : '';
}
