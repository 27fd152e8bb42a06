// Syntax colouring for rendered artifacts: a view-only tokenizer per format, enough to tell chains,
// targets, addresses and comments apart at a glance. It never interprets anything.

import type { ArtifactKind } from '../../sim';

export type TokenClass = 'kw' | 'chain' | 'target' | 'addr' | 'comment' | 'str' | 'num' | 'flag' | 'punct' | 'plain';
export interface Token {
  text: string;
  cls: TokenClass;
}

const ADDR = /^\d{1,3}(\.\d{1,3}){3}(\/\d{1,2})?(:\d+)?$/;

function words(line: string, classify: (w: string, prev: string) => TokenClass): Token[] {
  const out: Token[] = [];
  let prev = '';
  // Keep whitespace and quoted strings as their own tokens.
  for (const m of line.matchAll(/"[^"]*"|\s+|[^\s"]+/g)) {
    const w = m[0];
    if (/^\s+$/.test(w)) out.push({ text: w, cls: 'plain' });
    else {
      out.push({ text: w, cls: w.startsWith('"') ? 'str' : classify(w, prev) });
      prev = w;
    }
  }
  return out;
}

const IPT_TARGETS = new Set([
  'ACCEPT',
  'DROP',
  'REJECT',
  'RETURN',
  'DNAT',
  'SNAT',
  'MASQUERADE',
  'MARK',
  'LOG',
  'REDIRECT',
]);

function iptables(line: string): Token[] {
  if (line.startsWith('#')) return [{ text: line, cls: 'comment' }];
  if (line.startsWith('*') || line === 'COMMIT') return [{ text: line, cls: 'kw' }];
  if (line.startsWith(':')) return words(line, (_w, prev) => (prev === '' ? 'chain' : 'plain'));
  return words(line, (w, prev) => {
    if (prev === '-A' || prev === '-I' || prev === '-N') return 'chain';
    if (prev === '-j' || prev === '-g') return IPT_TARGETS.has(w) ? 'target' : 'chain';
    if (ADDR.test(w)) return 'addr';
    if (w.startsWith('-')) return 'flag';
    if (/^\d+$/.test(w)) return 'num';
    return 'plain';
  });
}

function generic(line: string, commentChar: string, keywords: ReadonlySet<string>): Token[] {
  const i = line.indexOf(commentChar);
  const code = i >= 0 ? line.slice(0, i) : line;
  const out = words(code, (w) => {
    const bare = w.replace(/[;{}]$/, '');
    if (keywords.has(bare)) return 'kw';
    if (ADDR.test(bare)) return 'addr';
    if (/^\d+$/.test(bare)) return 'num';
    if (/^[{};]$/.test(w)) return 'punct';
    return 'plain';
  });
  if (i >= 0) out.push({ text: line.slice(i), cls: 'comment' });
  return out;
}

const NGINX = new Set([
  'server',
  'location',
  'upstream',
  'listen',
  'server_name',
  'proxy_pass',
  'proxy_set_header',
  'return',
  'http',
  'events',
  'include',
  'set',
  'if',
  'balancer_by_lua_block',
  'rewrite',
]);
const NFT = new Set([
  'table',
  'chain',
  'map',
  'set',
  'type',
  'hook',
  'priority',
  'policy',
  'ip',
  'tcp',
  'udp',
  'daddr',
  'saddr',
  'dport',
  'jump',
  'goto',
  'dnat',
  'snat',
  'masquerade',
  'accept',
  'drop',
  'reject',
  'return',
  'vmap',
  'numgen',
  'to',
  'elements',
  'counter',
  'meta',
  'mark',
]);
const ZONE = new Set(['IN', 'A', 'AAAA', 'SRV', 'PTR', 'CNAME', 'SOA', 'NS', 'TXT', '$ORIGIN', '$TTL']);
const IP_ADDR = new Set(['inet', 'link/ether', 'brd', 'scope', 'global', 'host', 'mtu', 'state', 'qdisc']);
const IP_ROUTE = new Set([
  'default',
  'via',
  'dev',
  'proto',
  'scope',
  'src',
  'table',
  'local',
  'broadcast',
  'blackhole',
]);
const IPVS = new Set([
  'TCP',
  'UDP',
  'SCTP',
  'Masq',
  'Route',
  'Tunnel',
  'rr',
  'wrr',
  'lc',
  'wlc',
  'sh',
  'dh',
  'sed',
  'nq',
  '->',
]);

export function tokenize(kind: ArtifactKind, line: string): Token[] {
  switch (kind) {
    case 'iptables-save':
    case 'ipset':
    case 'userspace':
      return iptables(line);
    case 'nft':
      return generic(line, '#', NFT);
    case 'nginx.conf':
    case 'traefik':
    case 'resolv.conf':
    case 'hosts':
      return generic(line, '#', NGINX);
    case 'dns-zone':
    case 'dig':
      return generic(line, ';', ZONE);
    case 'ipvsadm':
      return generic(line, '#', IPVS);
    case 'ip-addr':
      return generic(line, '#', IP_ADDR);
    case 'ip-route':
      return generic(line, '#', IP_ROUTE);
    default:
      return [{ text: line, cls: 'plain' }];
  }
}
