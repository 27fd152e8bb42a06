// nginx.conf as data: directives, blocks and comments. The renderer turns it into text whose every
// line carries the id of the server / location / upstream block it belongs to, and the matcher
// (match.ts) evaluates requests over this same structure, so the viewer and the evaluator cannot
// disagree (ARCHITECTURE.md principles 3 and 4).

import type { RenderedArtifact, RenderedLine } from '../../artifact';
import { assertNever } from '../../util/assert';

export interface NginxDirective {
  kind: 'directive';
  name: string;
  /** Arguments as written in the file (quoted where nginx needs quotes). */
  args: string[];
}

export interface NginxComment {
  kind: 'comment';
  text: string;
}

/** What ingress-nginx's Lua balancer does for a location: rendered as comments, evaluated by the matcher. */
export interface LuaBalancerInfo {
  /** Upstream the balancer picks a peer from (the main backend). */
  upstream: string;
  algorithm: 'round_robin' | 'ewma';
  affinity: { cookieName: string; mode: 'balanced' | 'persistent'; cookiePath: string } | null;
  canary: {
    upstream: string;
    /** The canary Service has no endpoints: requests that choose it get 503. */
    noEndpoints: boolean;
    byHeader: string;
    byHeaderValue: string;
    byCookie: string;
    weight: number;
    weightTotal: number;
  } | null;
}

export interface NginxBlock {
  kind: 'block';
  /** Stable id, used as the `ref` of every line the block renders: "server:foo.bar.com",
   *  "location:foo.bar.com:= /foo". */
  id: string;
  name: string;
  args: string[];
  children: NginxNode[];
  /** Only on locations proxied by the modelled Lua balancer. */
  lua?: LuaBalancerInfo;
}

export type NginxNode = NginxDirective | NginxComment | NginxBlock;

export const d = (name: string, ...args: string[]): NginxDirective => ({ kind: 'directive', name, args });
export const c = (text: string): NginxComment => ({ kind: 'comment', text });
export const b = (
  id: string,
  name: string,
  args: string[],
  children: NginxNode[],
): NginxBlock => ({ kind: 'block', id, name, args, children });

/** Quotes an argument the way nginx.tmpl does for regexes and values with special characters. */
export function quoteArg(s: string): string {
  const needsQuotes = s === '' || /[\s;{}"'\\]/.test(s) || /\$\{|^\^|\(/.test(s);
  if (needsQuotes) return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  return s;

}

export function unquoteArg(s: string): string {
  if (s.length >= 2 && ((s.startsWith('"') && s.endsWith('"')) || (s.startsWith("'") && s.endsWith("'")))) {
    return s.slice(1, -1).replace(/\\(["'\\])/g, '$1');
  }
  return s;
}

export function renderNodes(nodes: readonly NginxNode[], ref: string, indent: number, out: RenderedLine[]): void {
  const pad = '    '.repeat(indent);
  for (const n of nodes) {
    switch (n.kind) {
      case 'directive':
        out.push({ text: `${pad}${[n.name, ...n.args].join(' ')};`, ref });
        break;
      case 'comment':
        // A comment whose text starts with '#' renders as ingress-nginx's "## start server" markers.
        out.push({ text: n.text === '' ? '' : n.text.startsWith('#') ? `${pad}#${n.text}` : `${pad}# ${n.text}`, ref });
        break;
      case 'block':
        out.push({ text: `${pad}${[n.name, ...n.args].join(' ')} {`, ref: n.id });
        renderNodes(n.children, n.id, indent + 1, out);
        out.push({ text: `${pad}}`, ref: n.id });
        break;
      default:
        assertNever(n, 'nginx node');
    }
  }
}

export function renderConf(id: string, title: string, nodes: readonly NginxNode[]): RenderedArtifact {
  const lines: RenderedLine[] = [];
  renderNodes(nodes, 'main', 0, lines);
  return { id, kind: 'nginx.conf', title, lines };
}

export function childBlocks(block: { children: readonly NginxNode[] }, name: string): NginxBlock[] {
  return block.children.filter((n): n is NginxBlock => n.kind === 'block' && n.name === name);
}

export function childDirectives(block: { children: readonly NginxNode[] }, name: string): NginxDirective[] {
  return block.children.filter((n): n is NginxDirective => n.kind === 'directive' && n.name === name);
}
