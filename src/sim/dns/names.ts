// Domain-name helpers. DNS compares names case-insensitively (RFC 4343; the Kubernetes DNS spec
// says so explicitly), so everything is folded to lower case and made absolute once, here.

import { isIPv4 } from '../net/ip';

/** Lower-case, absolute (trailing dot) form of a name. "" and "." are the root. */
export function fqdn(name: string): string {
  const n = name.trim().toLowerCase();
  if (n === '' || n === '.') return '.';
  return n.endsWith('.') ? n : `${n}.`;
}

/** The name without its trailing dot, as nslookup prints it. */
export function relative(name: string): string {
  return name.length > 1 && name.endsWith('.') ? name.slice(0, -1) : name;
}

/** Whether `name` is `zone` or below it (both absolute). */
export function isSubdomain(name: string, zone: string): boolean {
  if (zone === '.') return true;
  return name === zone || name.endsWith(`.${zone}`);
}

/** Labels of `name` left of `zone` ("a.b.cluster.local.", "cluster.local." -> ["a", "b"]). */
export function labelsBelow(name: string, zone: string): string[] {
  if (name === zone) return [];
  const rest = name.slice(0, name.length - zone.length - 1);
  return rest === '' ? [] : rest.split('.');
}

/** "10.96.0.10" -> "10.0.96.10.in-addr.arpa." */
export function reverseName(ip: string): string {
  return `${ip.split('.').reverse().join('.')}.in-addr.arpa.`;
}

/** "10.0.96.10.in-addr.arpa." -> "10.96.0.10", or null when the name is not a full IPv4 reverse name. */
export function addressFromReverse(name: string): string | null {
  const suffix = '.in-addr.arpa.';
  if (!name.endsWith(suffix)) return null;
  const ip = name.slice(0, -suffix.length).split('.').reverse().join('.');
  return isIPv4(ip) ? ip : null;
}

/** CoreDNS names an endpoint without hostname by its dashed address: 10.244.1.5 -> 10-244-1-5. */
export function dashedIP(ip: string): string {
  return ip.replace(/\./g, '-');
}

/** The inverse of dashedIP for pod names (`pods insecure`): "10-244-1-5" -> "10.244.1.5" or null. */
export function ipFromDashed(label: string): string | null {
  // CoreDNS treats exactly three dashes and no "--" as IPv4; anything else would be IPv6.
  if ((label.match(/-/g) ?? []).length !== 3 || label.includes('--')) return null;
  const ip = label.replace(/-/g, '.');
  return isIPv4(ip) ? ip : null;
}

export function countDots(name: string): number {
  return (name.match(/\./g) ?? []).length;
}
