// Checks a request against the lab before it is walked: does its sender exist, does its connect
// target? The composer shows each problem beside its field, naming what the lab does have, so a
// typo is never a silent no-op. It reads the same parsers and indexes the walk uses (parseSource,
// parseConnect, findClient, the network index), so the check and the walk cannot disagree.

import { findClient, labClients } from '../clients';
import type { Note } from '../notes';
import type { LabPorts } from './ports';
import { networkIndexOf, parseConnect, parseSource, parseUrl } from './trace';

export type RequestField = 'from' | 'url' | 'connect';

export type RequestIssue =
  /** `message`: the parser's English (the CLI's words); `note`: the same as a key and parameters, for the page. */
  | { field: RequestField; kind: 'syntax'; message: string; note: Note }
  /** `existing`: what the lab has instead (every name; the reader's page shortens and joins the list). */
  | { field: 'from'; kind: 'no-client' | 'no-pod' | 'no-node'; name: string; existing: readonly string[] }
  | { field: 'connect'; kind: 'no-node' | 'no-ingress'; name: string; existing: readonly string[] };

export interface RequestText {
  from: string;
  url: string;
  connect: string;
}

const podKey = (p: { metadata: { namespace?: string; name: string } }) =>
  `${p.metadata.namespace ?? 'default'}/${p.metadata.name}`;

/** Every problem with the request's sender, URL and connect target in this lab; [] when it can be walked. */
export function checkRequest(lab: LabPorts, req: RequestText): RequestIssue[] {
  const issues: RequestIssue[] = [];
  const net = networkIndexOf(lab);
  const nodes = lab.cluster.nodes.map((n) => n.metadata.name);
  const from = parseSource(req.from.trim());
  if ('error' in from) issues.push({ field: 'from', kind: 'syntax', message: from.error, note: from.note });
  else if (from.kind === 'external') {
    if (!findClient(lab.clients, from).ok) {
      const existing = labClients(lab.clients).map((c) => c.name);
      issues.push({ field: 'from', kind: 'no-client', name: from.client ?? '', existing });
    }
  } else if (from.kind === 'pod') {
    if (!net.podByKey(from.pod)) {
      // The pods of the namespace asked for first: that is where the typo most likely is.
      const ns = `${from.pod.split('/')[0]}/`;
      const keys = lab.cluster.pods.map(podKey);
      const existing = [...keys.filter((k) => k.startsWith(ns)), ...keys.filter((k) => !k.startsWith(ns))];
      issues.push({ field: 'from', kind: 'no-pod', name: from.pod, existing });
    }
  } else if (!nodes.includes(from.node)) {
    issues.push({ field: 'from', kind: 'no-node', name: from.node, existing: nodes });
  }

  if (req.url.trim()) {
    const url = parseUrl(req.url);
    if ('error' in url) issues.push({ field: 'url', kind: 'syntax', message: url.error, note: url.note });
  }

  const connectText = req.connect.trim();
  if (connectText) {
    const c = parseConnect(connectText);
    if ('error' in c) issues.push({ field: 'connect', kind: 'syntax', message: c.error, note: c.note });
    else if (c.kind === 'node' && !nodes.includes(c.node)) {
      issues.push({ field: 'connect', kind: 'no-node', name: c.node, existing: nodes });
    } else if (c.kind === 'ingress' && !lab.ingress.some((i) => !c.className || i.className === c.className)) {
      const existing = lab.ingress.map((i) => i.className);
      issues.push({ field: 'connect', kind: 'no-ingress', name: c.className ?? '', existing });
    }
  }
  return issues;
}
