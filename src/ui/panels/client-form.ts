// The client editor's form to an ExternalClient, with each mistake as an i18n key beside its
// field. Hosts entries are written as /etc/hosts is, one "name address" per line (the address
// first, as in the real file, is accepted too).

import { DEFAULT_CLIENT, isIPv4 } from '../../sim/clients';
import type { ExternalClient } from '../../sim/cluster';
import type { MessageKey } from '../i18n';

export interface ClientFormText {
  name: string;
  address: string;
  hosts: string;
}

export type ClientFormError = { field: keyof ClientFormText; key: MessageKey; params: Record<string, string | number> };

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export function hostsText(hosts: Record<string, string> | undefined): string {
  return Object.entries(hosts ?? {}).map(([name, ip]) => `${name} ${ip}`).join('\n');
}

/** A hosts line's [name, address], in either order; null when it is not one name and one address. */
function hostsPair(line: string): [string, string] | null {
  const [a, b, ...rest] = line.split(/\s+/);
  if (rest.length > 0 || !a || !b) return null;
  if (isIPv4(b) && !isIPv4(a)) return [a, b];
  if (isIPv4(a) && !isIPv4(b)) return [b, a];
  return null;
}

/** The client the form describes, or the errors; `others` are the names already taken. */
export function readClientForm(form: ClientFormText, others: readonly string[]): { client: ExternalClient } | { errors: ClientFormError[] } {
  const errors: ClientFormError[] = [];
  const name = form.name.trim();
  const address = form.address.trim();
  if (!NAME.test(name)) errors.push({ field: 'name', key: 'clients.err.name', params: {} });
  else if (name === DEFAULT_CLIENT.name) errors.push({ field: 'name', key: 'clients.err.reserved', params: { name } });
  else if (others.includes(name)) errors.push({ field: 'name', key: 'clients.err.taken', params: { name } });
  if (!isIPv4(address)) errors.push({ field: 'address', key: 'clients.err.address', params: { address: address || '""' } });
  const hosts: Record<string, string> = {};
  form.hosts.split('\n').forEach((raw, i) => {
    const line = raw.replace(/#.*/, '').trim();
    if (!line) return;
    const pair = hostsPair(line);
    // The line's number and what it says: two bad lines are two errors a reader can tell apart.
    const params = { line: i + 1, text: JSON.stringify(raw.trim()) };
    if (!pair) errors.push({ field: 'hosts', key: 'clients.err.hosts', params });
    else hosts[pair[0].toLowerCase()] = pair[1];
  });
  if (errors.length > 0) return { errors };
  return { client: Object.keys(hosts).length > 0 ? { name, address, hosts } : { name, address } };
}
