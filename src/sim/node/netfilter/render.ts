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
  if (s !== '' && !/[\s"'\\]/.test(s)) return s;
  return `"${s.replace(/["\\]/g, (c) => `\\${c}`)}"`;
}

function hex(n: number): string {
  return `0x${(n >>> 0).toString(16)}`;
}

function not(negate: boolean | undefined): string {
  return negate ? '! ' : '';
}

export function renderMatch(m: Match): string {
  switch (m.kind) {
    case 'comment':
      return `-m comment --comment ${quoteArg(m.text)}`;
    case 'module':
      return `-m ${m.name}`;
    case 'protocol':
      return `${not(m.negate)}-p ${m.protocol}`;
    case 'source':
      return `${not(m.negate)}-s ${m.cidr}`;
    case 'destination':
      return `${not(m.negate)}-d ${m.cidr}`;
    case 'sport':
      return `${not(m.negate)}--sport ${m.port}`;
    case 'dport':
      return `${not(m.negate)}--dport ${m.port}`;
    case 'addrtype':
      return `-m addrtype ${not(m.negate)}--${m.dir}-type ${m.type}`;
    case 'mark':
      return `-m mark ${not(m.negate)}--mark ${hex(m.value)}${m.mask === undefined ? '' : `/${hex(m.mask)}`}`;
    case 'conntrack':
      return `-m conntrack ${not(m.negate)}--ctstate ${m.states.join(',')}`;
    case 'statistic':
      return `-m statistic --mode random --probability ${m.probability}`;
    case 'recent':
      return m.op === 'set'
        ? `-m recent --name ${m.name} --set`
        : `-m recent --name ${m.name} --rcheck` +
            `${m.seconds === undefined ? '' : ` --seconds ${m.seconds}`}${m.reap ? ' --reap' : ''}`;
    case 'nfacct':
      return `-m nfacct --nfacct-name ${m.name}`;
    case 'set':
      return `-m set ${not(m.negate)}--match-set ${m.name} ${m.flags.join(',')}`;
    case 'multiport':
      return `-m multiport ${not(m.negate)}--${m.dir} ${m.ports.join(',')}`;
    default:
      return assertNever(m, 'match');
  }
}

function hostPort(ip: string, port: number | undefined): string {
  return port === undefined ? ip : `${ip}:${port}`;
}

/** The target part of a rule line, or '' for a rule without `-j`. */
export function renderTarget(t: Target): string {
  switch (t.kind) {
    case 'jump':
      return `-j ${t.chain}`;
    case 'goto':
      return `-g ${t.chain}`;
    case 'ACCEPT':
    case 'DROP':
    case 'RETURN':
      return `-j ${t.kind}`;
    case 'REJECT':
      return t.rejectWith ? `-j REJECT --reject-with ${t.rejectWith}` : '-j REJECT';
    case 'DNAT':
      return `-j DNAT --to-destination ${hostPort(t.ip, t.port)}`;
    case 'SNAT':
      return `-j SNAT --to-source ${hostPort(t.ip, t.port)}${t.randomFully ? ' --random-fully' : ''}`;
    case 'REDIRECT':
      return t.toPorts === undefined ? '-j REDIRECT' : `-j REDIRECT --to-ports ${t.toPorts}`;
    case 'MASQUERADE':
      return t.randomFully ? '-j MASQUERADE --random-fully' : '-j MASQUERADE';
    case 'MARK': {
      const v = t.mask === undefined ? hex(t.value) : `${hex(t.value)}/${hex(t.mask)}`;
      // libxt_MARK saves "--set-xmark v/mask" (the option has no "-mark" suffix), "--or-mark v", "--xor-mark v".
      return t.op === 'set-xmark' ? `-j MARK --set-xmark ${v}` : `-j MARK --${t.op}-mark ${v}`;
    }
    case 'none':
      return '';
    default:
      return assertNever(t, 'target');
  }
}

/** "-A CHAIN <matches> <target>", exactly as iptables-restore reads it. */
export function renderRule(chain: string, rule: Rule): string {
  const parts = [`-A ${chain}`];
  for (const m of rule.matches) parts.push(renderMatch(m));
  const t = renderTarget(rule.target);
  if (t) parts.push(t);
  return parts.join(' ');
}

/**
 * Rule lines already rendered for a node, by rule object: a sync makes new rule objects for what it
 * rewrites and keeps the others, and a rule object is never changed, so a kept rule in the same
 * chain prints the same line. The node's next iptables-save renders only the rules that are new.
 */
export type RuleLines = WeakMap<Rule, { chain: string; line: RenderedLine }>;

function ruleLine(chain: string, r: Rule, kept: RuleLines | undefined): RenderedLine {
  if (!kept) return { text: renderRule(chain, r), ref: r.id };
  const k = kept.get(r);
  if (k && k.chain === chain) return k.line;
  const line = { text: renderRule(chain, r), ref: r.id };
  kept.set(r, { chain, line });
  return line;
}

function renderTable(t: Table, out: RenderedLine[], kept?: RuleLines): void {
  out.push({ text: `*${t.name}` });
  for (const c of t.chains) out.push({ text: `:${c.name} ${c.policy ?? '-'} [0:0]`, ref: chainRef(t.name, c.name) });
  for (const c of t.chains) for (const r of c.rules) out.push(ruleLine(c.name, r, kept));
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
  const out: string[] = [];
  for (const name of rs.order) {
    const t = rs.tables[name];
    if (!t) continue;
    out.push(`*${t.name}`);
    for (const c of t.chains) out.push(`:${c.name} ${c.policy ?? '-'} [0:0]`);
    for (const c of t.chains) for (const r of c.rules) out.push(renderRule(c.name, r));
    for (const x of t.deleteChains ?? []) out.push(`-X ${x}`);
    out.push('COMMIT');
  }
  out.push('');
  return out.join('\n');
}
