// iptables-save / iptables-restore text for a Ruleset. Every rule line carries the rule's id as its
// `ref`, so an evaluation step can point at the exact line a learner sees (ARCHITECTURE.md
// principle 3). The format is the restore format: "*table", ":CHAIN POLICY [0:0]", "-A CHAIN ...",
// "COMMIT" (man iptables-save / iptables-restore).

import type { ArtifactId, RenderedArtifact, RenderedLine } from '../../artifact';
import { assertNever } from '../../util/assert';
import type { Chain, Match, Rule, Ruleset, Table, TableName, Target } from './types';

/** The `ref` of a chain declaration line, e.g. "nat:chain:KUBE-SERVICES". */
export function chainRef(table: string, chain: string): string {
  return `${table}:chain:${chain}`;
}

/** iptables quotes an argument only when it has to (xtables_save_string): spaces, quotes, backslashes. */
export function quoteArg(s: string): string {
  return needsQuotes(s) ? `"${escapeQuoted(s)}"` : s;
}

const needsQuotes = (s: string): boolean => s === '' || /[\s"'\\]/.test(s);

/** The inside of a quoted argument: `"` and `\` escaped (most comments have neither). */
function escapeQuoted(s: string): string {
  return s.indexOf('"') < 0 && s.indexOf('\\') < 0 ? s : s.replace(/["\\]/g, (c) => `\\${c}`);
}

/** quoteArg written into the sink, without making the quoted string. */
function writeArg(w: TextSink, s: string): void {
  if (!needsQuotes(s)) return w.str(s);
  w.str('"');
  w.str(escapeQuoted(s));
  w.str('"');
}

function hex(n: number): string {
  return `0x${(n >>> 0).toString(16)}`;
}

/**
 * Where rendered text goes. The line format below is written once, against this: a string for
 * one line (`StringSink`), or bytes for a whole restore payload (`ByteSink`), which at kube-proxy's
 * scale (230,000 lines, 18 MB) spares a string per match, a parts array and a line string per rule,
 * and the copy of every line into the joined text.
 */
interface TextSink {
  str(s: string): void;
  num(n: number): void;
  /** Moves what `other` (a sink of the same kind) holds to the end of this one. */
  append(other: TextSink): void;
}

class StringSink implements TextSink {
  s = '';
  str(s: string): void {
    this.s += s;
  }
  num(n: number): void {
    this.s += n;
  }
  append(other: StringSink): void {
    this.s += other.s;
    other.s = '';
  }
}

/** Bytes decoded a chunk at a time: one 18 MB buffer is memory outside the heap that makes the
 *  collector mark the whole heap; chunks of this size are decoded into strings the size of a page of
 *  large objects, which it never copies, and joined once. */
const CHUNK = 256 * 1024;

/** Text as one byte per UTF-16 code unit, decoded chunk by chunk; `high` tells whether any unit was
 *  above ASCII (then the bytes are not the text, and the caller writes it as a string). */
class ByteSink implements TextSink {
  buf = new Uint8Array(CHUNK);
  n = 0;
  high = 0;
  private readonly decoder = new TextDecoder();
  private readonly chunks: string[] = [];
  /** The buffer, with room for `k` more bytes (a string longer than a chunk gets a bigger one). */
  private room(k: number): Uint8Array {
    if (this.n + k > this.buf.length) {
      this.flush();
      if (k > this.buf.length) this.buf = new Uint8Array(k);
    }
    return this.buf;
  }
  private flush(): void {
    if (this.n > 0) this.chunks.push(this.decoder.decode(this.buf.subarray(0, this.n)));
    this.n = 0;
  }
  str(s: string): void {
    const len = s.length;
    const b = this.room(len);
    let n = this.n;
    let high = 0;
    for (let i = 0; i < len; i++) {
      const c = s.charCodeAt(i);
      high |= c;
      b[n++] = c;
    }
    this.n = n;
    this.high |= high;
  }
  /** A port, a count: digits written in place; anything else as JavaScript prints it. */
  num(x: number): void {
    if (!(x >= 0 && x <= 0x7fffffff && (x | 0) === x)) return this.str(String(x));
    let digits = 1;
    for (let p = 10; p <= x; p *= 10) digits++;
    const b = this.room(digits);
    let n = this.n + digits;
    this.n = n;
    do {
      b[--n] = 48 + (x % 10);
      x = (x / 10) | 0;
    } while (x > 0);
  }
  append(other: ByteSink): void {
    this.flush();
    other.flush();
    for (const c of other.chunks) this.chunks.push(c);
    other.chunks.length = 0;
    this.high |= other.high;
  }
  text(): string {
    this.flush();
    return this.chunks.join('');
  }
}

/** One match, after the space that separates it from what precedes it (each case writes it with
 *  its first constant, which halves the sink calls of a rule line). */
function writeMatch(w: TextSink, m: Match): void {
  switch (m.kind) {
    case 'comment':
      w.str(' -m comment --comment ');
      return writeArg(w, m.text);
    case 'module':
      w.str(' -m ');
      return w.str(m.name);
    case 'protocol':
      w.str(m.negate ? ' ! -p ' : ' -p ');
      return w.str(m.protocol);
    case 'source':
      w.str(m.negate ? ' ! -s ' : ' -s ');
      return w.str(m.cidr);
    case 'destination':
      w.str(m.negate ? ' ! -d ' : ' -d ');
      return w.str(m.cidr);
    case 'sport':
      w.str(m.negate ? ' ! --sport ' : ' --sport ');
      return w.num(m.port);
    case 'dport':
      w.str(m.negate ? ' ! --dport ' : ' --dport ');
      return w.num(m.port);
    default:
      return writeModuleMatch(w, m);
  }
}

const not = (negate: boolean | undefined): string => (negate ? '! ' : '');

/** The matches written as " -m <module> [!] --option value". */
function writeModuleMatch(w: TextSink, m: Match): void {
  switch (m.kind) {
    case 'addrtype':
      return w.str(` -m addrtype ${not(m.negate)}--${m.dir}-type ${m.type}`);
    case 'mark':
      return w.str(` -m mark ${not(m.negate)}--mark ${hex(m.value)}${m.mask === undefined ? '' : `/${hex(m.mask)}`}`);
    case 'conntrack':
      return w.str(` -m conntrack ${not(m.negate)}--ctstate ${m.states.join(',')}`);
    case 'statistic':
      w.str(' -m statistic --mode random --probability ');
      return w.str(m.probability);
    case 'recent':
      w.str(' -m recent --name ');
      w.str(m.name);
      if (m.op === 'set') return w.str(' --set');
      w.str(' --rcheck');
      if (m.seconds !== undefined) {
        w.str(' --seconds ');
        w.num(m.seconds);
      }
      return m.reap ? w.str(' --reap') : undefined;
    case 'nfacct':
      w.str(' -m nfacct --nfacct-name ');
      return w.str(m.name);
    case 'set':
      return w.str(` -m set ${not(m.negate)}--match-set ${m.name} ${m.flags.join(',')}`);
    case 'multiport':
      return w.str(` -m multiport ${not(m.negate)}--${m.dir} ${m.ports.join(',')}`);
    case 'comment':
    case 'module':
    case 'protocol':
    case 'source':
    case 'destination':
    case 'sport':
    case 'dport':
      return writeMatch(w, m);
    default:
      return assertNever(m, 'match');
  }
}

export function renderMatch(m: Match): string {
  const w = new StringSink();
  writeMatch(w, m);
  return w.s.slice(1);
}

/** "ip[:port]" */
function writeHostPort(w: TextSink, ip: string, port: number | undefined): void {
  w.str(ip);
  if (port === undefined) return;
  w.str(':');
  w.num(port);
}

/** The target part of a rule line after its separating space; nothing for a rule without `-j`. */
function writeTarget(w: TextSink, t: Target): void {
  switch (t.kind) {
    case 'jump':
      w.str(' -j ');
      return w.str(t.chain);
    case 'goto':
      w.str(' -g ');
      return w.str(t.chain);
    case 'ACCEPT':
    case 'DROP':
    case 'RETURN':
      w.str(' -j ');
      return w.str(t.kind);
    case 'REJECT':
      return w.str(t.rejectWith ? ` -j REJECT --reject-with ${t.rejectWith}` : ' -j REJECT');
    case 'DNAT':
      w.str(' -j DNAT --to-destination ');
      return writeHostPort(w, t.ip, t.port);
    case 'SNAT':
      w.str(' -j SNAT --to-source ');
      writeHostPort(w, t.ip, t.port);
      return t.randomFully ? w.str(' --random-fully') : undefined;
    case 'REDIRECT':
      return w.str(t.toPorts === undefined ? ' -j REDIRECT' : ` -j REDIRECT --to-ports ${t.toPorts}`);
    case 'MASQUERADE':
      return w.str(t.randomFully ? ' -j MASQUERADE --random-fully' : ' -j MASQUERADE');
    case 'MARK': {
      const v = t.mask === undefined ? hex(t.value) : `${hex(t.value)}/${hex(t.mask)}`;
      // libxt_MARK saves "--set-xmark v/mask" (the option has no "-mark" suffix), "--or-mark v", "--xor-mark v".
      return w.str(t.op === 'set-xmark' ? ` -j MARK --set-xmark ${v}` : ` -j MARK --${t.op}-mark ${v}`);
    }
    case 'none':
      return;
    default:
      return assertNever(t, 'target');
  }
}

/** The target part of a rule line, or '' for a rule without `-j`. */
export function renderTarget(t: Target): string {
  const w = new StringSink();
  writeTarget(w, t);
  return w.s.slice(1);
}

/** "-A CHAIN <matches> <target>", exactly as iptables-restore reads it (one space between parts). */
function writeRule(w: TextSink, chain: string, rule: Rule): void {
  w.str('-A ');
  w.str(chain);
  const { matches } = rule;
  for (let i = 0; i < matches.length; i++) writeMatch(w, matches[i]!);
  writeTarget(w, rule.target);
}

/** "-A CHAIN <matches> <target>", exactly as iptables-restore reads it. */
export function renderRule(chain: string, rule: Rule): string {
  const w = new StringSink();
  writeRule(w, chain, rule);
  return w.s;
}

/**
 * Lines already rendered for a node, by rule and by chain object: a sync makes new rule and chain
 * objects for what it rewrites and keeps the others, and neither is ever changed, so a kept rule in
 * the same chain prints the same line, and a kept chain in the same table the same declaration and
 * rule lines. The node's next iptables-save renders only what is new.
 */
export class RuleLines {
  readonly rules = new WeakMap<Rule, { chain: string; line: RenderedLine }>();
  readonly chains = new WeakMap<Chain, ChainLines>();
}

/** A chain's declaration line and rule lines, as rendered in table `table`. */
interface ChainLines {
  table: string;
  declaration: RenderedLine;
  rules: RenderedLine[];
}

function ruleLine(chain: string, r: Rule, kept: RuleLines | undefined): RenderedLine {
  if (!kept) return { text: renderRule(chain, r), ref: r.id };
  const k = kept.rules.get(r);
  if (k && k.chain === chain) return k.line;
  const line = { text: renderRule(chain, r), ref: r.id };
  kept.rules.set(r, { chain, line });
  return line;
}

function chainLines(table: string, c: Chain, kept: RuleLines | undefined): ChainLines {
  const k = kept?.chains.get(c);
  if (k && k.table === table) return k;
  const declaration = { text: `:${c.name} ${c.policy ?? '-'} [0:0]`, ref: chainRef(table, c.name) };
  const lines: ChainLines = { table, declaration, rules: c.rules.map((r) => ruleLine(c.name, r, kept)) };
  kept?.chains.set(c, lines);
  return lines;
}

function renderTable(t: Table, out: RenderedLine[], kept?: RuleLines): void {
  out.push({ text: `*${t.name}` });
  const chains = t.chains.map((c) => chainLines(t.name, c, kept));
  for (const c of chains) out.push(c.declaration);
  for (const c of chains) for (const l of c.rules) out.push(l);
  for (const x of t.deleteChains ?? []) out.push({ text: `-X ${x}`, ref: chainRef(t.name, x) });
  out.push({ text: 'COMMIT' });
}

/** The ruleset's lines, each rule line referring to its rule id (`kept`: lines of rules rendered before). */
export function renderRulesetLines(rs: Ruleset, kept?: RuleLines): RenderedLine[] {
  const out: RenderedLine[] = [];
  for (const name of rs.order) {
    const t = rs.tables[name];
    if (t) renderTable(t, out, kept);
  }
  return out;
}

/**
 * Where renderRulesetLines puts a rule's line, from the ruleset's shape alone: each table's
 * `*name` and chain declarations, then the rules of the chains before this one. A trace points at
 * a few dozen rules; this spares a pass over every line of the node's ruleset per lab. -1 when the
 * chain has no such rule.
 */
export function ruleLineIndexer(rs: Ruleset): (table: TableName, chain: string, rule: Rule) => number {
  let starts: Map<TableName, Map<string, ChainStart>> | undefined;
  return (table, chain, rule) => {
    starts ??= chainStarts(rs);
    const c = starts.get(table)?.get(chain);
    const i = c ? c.chain.rules.indexOf(rule) : -1;
    return i < 0 ? -1 : c!.start + i;
  };
}

type ChainStart = { start: number; chain: Chain };

/** Each chain's first rule line, by table and chain (the layout renderTable writes). */
function chainStarts(rs: Ruleset): Map<TableName, Map<string, ChainStart>> {
  const out = new Map<TableName, Map<string, ChainStart>>();
  let n = 0;
  for (const name of rs.order) {
    const t = rs.tables[name];
    if (!t) continue;
    n += 1 + t.chains.length;
    const chains = new Map<string, ChainStart>();
    if (!out.has(name)) out.set(name, chains);
    for (const c of t.chains) {
      if (!chains.has(c.name)) chains.set(c.name, { start: n, chain: c });
      n += c.rules.length;
    }
    n += (t.deleteChains?.length ?? 0) + 1;
  }
  return out;
}

export function renderRuleset(rs: Ruleset, a: { id: ArtifactId; title: string; header?: string[] }): RenderedArtifact {
  const lines: RenderedLine[] = (a.header ?? []).map((text) => ({ text }));
  lines.push(...renderRulesetLines(rs));
  return { id: a.id, kind: 'iptables-save', title: a.title, lines };
}

/** The text iptables-restore reads (one trailing newline). Same lines as renderRulesetLines, without the refs. */
export function rulesetText(rs: Ruleset): string {
  const bytes = new ByteSink();
  writeRulesetText(bytes, new ByteSink(), rs);
  if (bytes.high <= 0x7f) return bytes.text();
  // A name or comment beyond ASCII (none that kube-proxy writes): the same lines, as a string.
  const text = new StringSink();
  writeRulesetText(text, new StringSink(), rs);
  return text.s;
}

/** Each table: its chain declarations into `w` and, in the same pass over the chains, their rules
 *  into `rules`, which then follow the declarations (one visit of each chain, not two). */
function writeRulesetText(w: TextSink, rules: TextSink, rs: Ruleset): void {
  for (const name of rs.order) {
    const t = rs.tables[name];
    if (!t) continue;
    w.str('*');
    w.str(t.name);
    w.str('\n');
    for (const c of t.chains) {
      w.str(':');
      w.str(c.name);
      w.str(c.policy === undefined ? ' - [0:0]\n' : ` ${c.policy} [0:0]\n`);
      const list = c.rules;
      for (let i = 0; i < list.length; i++) {
        writeRule(rules, c.name, list[i]!);
        rules.str('\n');
      }
    }
    w.append(rules);
    for (const x of t.deleteChains ?? []) {
      w.str('-X ');
      w.str(x);
      w.str('\n');
    }
    w.str('COMMIT\n');
  }
}
