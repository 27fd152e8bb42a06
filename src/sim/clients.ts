// Who stands outside the cluster. Every lab has one outside client on the Internet, even when
// the scenario declares none: `internet`, at 203.0.113.100 (TEST-NET-3, RFC 5737, a range kept
// for documentation, so it can never be a real machine's address). It is lab derivation, like the
// nodes a scenario without Node objects gets: never written into a scenario. The scenario's own
// clients (a laptop on the node network, an office NAT) come in addition; one the scenario names
// `internet` replaces the default.

import type { ExternalClient } from './cluster';

export const DEFAULT_CLIENT: Readonly<ExternalClient> = Object.freeze({ name: 'internet', address: '203.0.113.100' });

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

export const isIPv4 = (s: string): boolean => IPV4.test(s);

// Memoised on the declared list's identity: the canvas and the tracer see one array per scenario.
const derived = new WeakMap<readonly ExternalClient[], ExternalClient[]>();

/** The lab's outside clients: the default one first (unless the scenario has its own of that name), then the
 *  scenario's. */
export function labClients(declared: readonly ExternalClient[] = []): ExternalClient[] {
  const hit = derived.get(declared);
  if (hit) return hit;
  const out = declared.some((c) => c.name === DEFAULT_CLIENT.name) ? [...declared] : [DEFAULT_CLIENT, ...declared];
  derived.set(declared, out);
  return out;
}

/** Which outside client sends: `external` (no name), `external:<name>` or `external:<ip>`. */
export type ClientChoice = { client?: string; address?: string };

export type ClientLookup = { ok: true; client: ExternalClient } | { ok: false; message: string };

/**
 * The client a request comes from. No name: the default client. A name: that client, or an error
 * that lists the clients there are. An address: the client that has it, else an anonymous machine
 * on the Internet at that address (as `curl --interface` from anywhere would be).
 */
export function findClient(clients: readonly ExternalClient[], choice: ClientChoice): ClientLookup {
  if (choice.address) {
    const c = clients.find((x) => x.address === choice.address);
    return { ok: true, client: c ?? { name: choice.address, address: choice.address } };
  }
  const all = labClients(clients);
  const name = choice.client || DEFAULT_CLIENT.name;
  const c = all.find((x) => x.name === name);
  if (c) return { ok: true, client: c };
  return {
    ok: false,
    message: `no external client ${JSON.stringify(name)} in this lab (clients: ${all.map((x) => x.name).join(', ')})`,
  };
}
