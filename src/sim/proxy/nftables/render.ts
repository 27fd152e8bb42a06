// `nft list table ip kube-proxy` for an NftTable, in the exact form nft 1.0 prints it: tabs, sets and
// maps before chains, elements sorted the way nft sorts them, map elements one per line and
// addresses two per line (libnftables' calculate_delim), hook priorities by name (dstnat, srcnat,
// filter), marks as 0x%08x. The fidelity test loads this text into a real kernel and compares the
// listing nft prints back.

import type { RenderedArtifact, RenderedLine } from '../../artifact';
import { ipToInt } from '../../net/ip';
import { assertNever } from '../../util/assert';
import type { NftChain, NftMap, NftMapElement, NftRule, NftSet, NftStmt, NftTable, NftVerdict } from './model';

export function nftChainRef(name: string): string {
  return `chain:${name}`;
}

export function elementRef(map: string, key: readonly string[]): string {
  return `elem:${map}:${key.join(' . ')}`;
}

function mark32(n: number): string {
  return `0x${(n >>> 0).toString(16).padStart(8, '0')}`;
}

export function renderVerdict(v: NftVerdict): string {
  switch (v.kind) {
    case 'jump':
    case 'goto':
      return `${v.kind} ${v.chain}`;
    case 'return':
    case 'accept':
    case 'drop':
    case 'reject':
      return v.kind;
    default:
      return assertNever(v, 'verdict');
  }
}

function cidrStart(v: string): number {
  return ipToInt(v.split('/')[0]!) ?? 0;
}

function renderStmt(s: NftStmt): string {
  switch (s.kind) {
    case 'ip': {
      const op = s.negate ? '!= ' : '';
      // An anonymous set of one element is printed as the bare value; larger ones sorted.
      const vals = [...s.values].sort((a, b) => cidrStart(a) - cidrStart(b));
      const v = vals.length === 1 ? vals[0]! : `{ ${vals.join(', ')} }`;
      return `ip ${s.field} ${op}${v}`;
    }
    case 'ipInSet':
      return `ip ${s.field} @${s.set}`;
    case 'dport':
      return `${s.protocol} dport ${s.port}`;
    case 'fibSaddrLocal':
      return 'fib saddr type local';
    case 'ctStateNew':
      return 'ct state new';
    case 'markUnset':
      return `meta mark & ${mark32(s.mask)} == ${mark32(0)}`;
    case 'vmap':
      return `${s.key === 'daddr-proto-dport' ? 'ip daddr . meta l4proto . th dport' : 'meta l4proto . th dport'}` +
        ` vmap @${s.map}`;
    case 'numgen':
      return `numgen random mod ${s.chains.length} vmap { ${s.chains.map((c, i) => `${i} : goto ${c}`).join(', ')} }`;
    case 'setMark':
      return `meta mark set meta mark ${s.op === 'or' ? '|' : '^'} ${mark32(s.value)}`;
    case 'masquerade':
      return s.fullyRandom ? 'masquerade fully-random' : 'masquerade';
    case 'dnat':
      return `meta l4proto ${s.protocol} dnat to ${s.ip}:${s.port}`;
    case 'updateSet':
      return `update @${s.set} { ip saddr }`;
    case 'verdict':
      return renderVerdict(s.verdict);
    default:
      return assertNever(s, 'nft statement');
  }
}

export function renderNftRule(r: NftRule): string {
  const text = r.stmts.map(renderStmt).join(' ');
  return r.comment ? `${text} comment "${r.comment}"` : text;
}

/** nft's time format: 10800 -> "3h", 90 -> "1m30s". */
export function nftTime(seconds: number): string {
  const parts: [number, string][] = [
    [Math.floor(seconds / 86400), 'd'],
    [Math.floor((seconds % 86400) / 3600), 'h'],
    [Math.floor((seconds % 3600) / 60), 'm'],
    [seconds % 60, 's'],
  ];
  return parts.filter(([n]) => n > 0).map(([n, u]) => `${n}${u}`).join('') || '0s';
}

const PROTO_NUM: Record<string, number> = { tcp: 6, udp: 17, sctp: 132 };

/** The element's key as the kernel stores it: each field in a 4-byte register, network byte order. */
function keyBytes(key: readonly string[]): number[] {
  const out: number[] = [];
  for (const f of key) {
    if (f.includes('.')) {
      const n = ipToInt(f) ?? 0;
      out.push((n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255);
    } else if (f in PROTO_NUM) {
      out.push(PROTO_NUM[f]!, 0, 0, 0);
    } else {
      const p = Number(f);
      out.push((p >>> 8) & 255, p & 255, 0, 0);
    }
  }
  return out;
}

/** nft sorts concatenated keys as little-endian numbers: the last byte is the most significant. */
export function compareConcatKeys(a: readonly string[], b: readonly string[]): number {
  const x = keyBytes(a);
  const y = keyBytes(b);
  for (let i = Math.max(x.length, y.length) - 1; i >= 0; i--) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

const NEWLINE_INDENT = '\t\t\t     ';

function renderElementLines(items: { text: string; ref?: string }[], perLine: number, out: RenderedLine[]): void {
  // "elements = { a, b,\n\t\t\t     c, d }": perLine items on each line.
  for (let i = 0; i < items.length; i += perLine) {
    const chunk = items.slice(i, i + perLine);
    const prefix = i === 0 ? `\t\telements = { ` : NEWLINE_INDENT;
    const end = i + perLine >= items.length ? ' }' : ',';
    out.push({
      text: `${prefix}${chunk.map((c) => c.text).join(', ')}${end}`,
      ...(chunk.length === 1 && chunk[0]!.ref ? { ref: chunk[0]!.ref } : {}),
    });
  }
}

function renderSet(s: NftSet, out: RenderedLine[]): void {
  out.push({ text: `\tset ${s.name} {`, ref: `set:${s.name}` }, { text: `\t\ttype ${s.type}` });
  if (s.timeoutSeconds !== undefined) {
    out.push(
      { text: '\t\tsize 65535' },
      { text: '\t\tflags dynamic,timeout' },
      { text: `\t\ttimeout ${nftTime(s.timeoutSeconds)}` },
    );
  }
  if (s.comment) out.push({ text: `\t\tcomment "${s.comment}"` });
  const elems = [...s.elements].sort((a, b) => (ipToInt(a) ?? 0) - (ipToInt(b) ?? 0));
  if (elems.length > 0) renderElementLines(elems.map((e) => ({ text: e, ref: `setelem:${s.name}:${e}` })), 2, out);
  out.push({ text: '\t}' });
}

function elementText(e: NftMapElement): string {
  return `${e.key.join(' . ')}${e.comment ? ` comment "${e.comment}"` : ''} : ${renderVerdict(e.verdict)}`;
}

function renderMap(m: NftMap, out: RenderedLine[]): void {
  out.push({ text: `\tmap ${m.name} {`, ref: `set:${m.name}` }, { text: `\t\ttype ${m.keyType} : verdict` });
  if (m.comment) out.push({ text: `\t\tcomment "${m.comment}"` });
  const elems = [...m.elements].sort((a, b) => compareConcatKeys(a.key, b.key));
  if (elems.length > 0) renderElementLines(
    elems.map((e) => ({ text: elementText(e), ref: elementRef(m.name, e.key) })),
    1,
    out,
  );
  out.push({ text: '\t}' });
}

/** nft prints standard priorities by name where one applies to the hook. */
export function priorityText(type: 'nat' | 'filter', hook: string, p: number): string {
  if (p === 0) return 'filter';
  if (hook === 'prerouting' && p === -100) return 'dstnat';
  if (hook === 'prerouting' && p === -110) return 'dstnat - 10';
  if (hook === 'postrouting' && p === 100) return 'srcnat';
  void type;
  return String(p);
}

function renderChain(c: NftChain, out: RenderedLine[]): void {
  out.push({ text: `\tchain ${c.name} {`, ref: nftChainRef(c.name) });
  if (c.base) {
    const priority = priorityText(c.base.type, c.base.hook, c.base.priority);
    out.push({ text: `\t\ttype ${c.base.type} hook ${c.base.hook} priority ${priority}; policy accept;` });
  }
  if (c.comment) out.push({ text: `\t\tcomment "${c.comment}"` });
  for (const r of c.rules) out.push({ text: `\t\t${renderNftRule(r)}`, ref: r.id });
  out.push({ text: '\t}' });
}

export function renderNftLines(t: NftTable): RenderedLine[] {
  const out: RenderedLine[] = [
    { text: `table ${t.family} ${t.name} {`, ref: 'table' },
    { text: `\tcomment "${t.comment}"` },
  ];
  const blocks: ((o: RenderedLine[]) => void)[] = [
    ...t.sets.map((s) => (o: RenderedLine[]) => (s.kind === 'set' ? renderSet(s, o) : renderMap(s, o))),
    ...t.chains.map((c) => (o: RenderedLine[]) => renderChain(c, o)),
  ];
  blocks.forEach((b, i) => {
    if (i > 0) out.push({ text: '' });
    b(out);
  });
  out.push({ text: '}' });
  return out;
}

export function renderNft(t: NftTable, id: string): RenderedArtifact {
  return { id, kind: 'nft', title: 'nft list table ip kube-proxy', lines: renderNftLines(t) };
}

export function nftText(t: NftTable): string {
  return renderNftLines(t).map((l) => l.text).join('\n') + '\n';
}
