// The Spec section of `kubectl describe networkpolicy` (describe.go describeNetworkPolicySpec,
// printNetworkPolicySpecIngressFrom / EgressTo), read from the policy as written with the
// apiserver's default for spec.policyTypes (Ingress, plus Egress when there are egress rules).

import { formatLabelSelector } from './selectors';

type Rec = Record<string, unknown>;
const rec = (v: unknown): Rec => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Rec) : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** SetDefaults_NetworkPolicy. */
export function policyTypes(spec: Rec): string[] {
  const given = arr(spec['policyTypes']).filter((t): t is string => typeof t === 'string');
  if (given.length > 0) return given;
  return arr(spec['egress']).length > 0 ? ['Ingress', 'Egress'] : ['Ingress'];
}

function portLines(rule: Rec, indent: string): string[] {
  const ports = arr(rule['ports']).map(rec);
  if (ports.length === 0) return [`${indent}To Port: <any> (traffic allowed to all ports)`];
  return ports.map((p) => {
    const port = typeof p['port'] === 'number' || typeof p['port'] === 'string' ? String(p['port']) : '<nil>';
    const proto = typeof p['protocol'] === 'string' ? p['protocol'] : 'TCP';
    return typeof p['endPort'] === 'number'
      ? `${indent}To Port Range: ${port}-${p['endPort']}/${proto}`
      : `${indent}To Port: ${port}/${proto}`;
  });
}

/** One peer (from or to): its selectors, or its IPBlock. */
function peerLines(peer: Rec, indent: string, word: string): string[] {
  const lines = [`${indent}${word}:`];
  const ns = peer['namespaceSelector'];
  const pods = peer['podSelector'];
  const inner = `  ${indent}`;
  if (ns !== undefined && pods !== undefined) {
    lines.push(`${inner}NamespaceSelector: ${formatLabelSelector(ns)}`);
    lines.push(`${inner}PodSelector: ${formatLabelSelector(pods)}`);
  } else if (pods !== undefined) lines.push(`${inner}PodSelector: ${formatLabelSelector(pods)}`);
  else if (ns !== undefined) lines.push(`${inner}NamespaceSelector: ${formatLabelSelector(ns)}`);
  else if (peer['ipBlock'] !== undefined) {
    const b = rec(peer['ipBlock']);
    const except = arr(b['except']).map(String).join(', ');
    lines.push(`${inner}IPBlock:`, `    ${indent}CIDR: ${String(b['cidr'] ?? '')}`, `    ${indent}Except: ${except}`);
  }
  return lines;
}

function ruleLines(rules: unknown[], ingress: boolean): string[] {
  const indent = '    ';
  const dir = ingress ? 'ingress' : 'egress';
  if (rules.length === 0) return [`${indent}<none> (Selected pods are isolated for ${dir} connectivity)`];
  const out: string[] = [];
  rules.map(rec).forEach((rule, i) => {
    out.push(...portLines(rule, indent));
    const peers = arr(rule[ingress ? 'from' : 'to']).map(rec);
    if (peers.length === 0) {
      out.push(ingress
        ? `${indent}From: <any> (traffic not restricted by source)`
        : `${indent}To: <any> (traffic not restricted by destination)`);
    }
    for (const p of peers) out.push(...peerLines(p, indent, ingress ? 'From' : 'To'));
    if (i !== rules.length - 1) out.push(`${indent}----------`);
  });
  return out;
}

export function describeNetworkPolicySpec(specValue: unknown): string[] {
  const spec = rec(specValue);
  const sel = rec(spec['podSelector']);
  const empty = Object.keys(rec(sel['matchLabels'])).length === 0 && arr(sel['matchExpressions']).length === 0;
  const types = policyTypes(spec);
  const selected = empty
    ? '<none> (Allowing the specific traffic to all pods in this namespace)'
    : formatLabelSelector(sel);
  // "  PodSelector: " then the selector at the next level's indent, on the same line.
  const lines = ['Spec:', `  PodSelector:     ${selected}`];
  if (types.includes('Ingress')) lines.push('  Allowing ingress traffic:', ...ruleLines(arr(spec['ingress']), true));
  else lines.push('  Not affecting ingress traffic');
  if (types.includes('Egress')) lines.push('  Allowing egress traffic:', ...ruleLines(arr(spec['egress']), false));
  else lines.push('  Not affecting egress traffic');
  lines.push(`  Policy Types: ${types.join(', ')}`);
  return lines;
}
