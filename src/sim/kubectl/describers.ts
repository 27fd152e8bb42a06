// kubectl describe for the kinds the lab keeps (k8s.io/kubectl/pkg/describe/describe.go), in
// kubectl's own layout for ConfigMap, Secret, ServiceAccount, NetworkPolicy, PodDisruptionBudget,
// RoleBinding and ClusterRoleBinding; and the Labels and Annotations lines every describer starts
// with. The generic describer, Namespace and EndpointSlice are in generic.ts. Lines are
// "Key:\tvalue" through the describe tab writer, as describe.ts' are.

import type { Cluster } from '../cluster';
import { creationSeconds, labClock } from './age';
import { at, secretKeys, type Obj } from './printers';
import { formatLabelSelector } from './selectors';
import { describeNetworkPolicySpec } from './netpol';

export type EventLines = (kind: string, ns: string | undefined, name: string) => string[];

/** printLabelsMultiline: `Labels:\tk=v`, each further label on its own line under the first. */
export function labelLines(title: string, m: unknown): string[] {
  const entries = Object.entries((m ?? {}) as Record<string, string>).sort(([a], [b]) => (a < b ? -1 : 1));
  if (entries.length === 0) return [`${title}:\t<none>`];
  return entries.map(([k, v], i) => `${i === 0 ? `${title}:` : ''}\t${k}=${v}`);
}

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';
const MAX_ANNOTATION_LEN = 140;

/**
 * printAnnotationsMultiline: `key: value` (not `key=value`), the last-applied configuration left out;
 * a value with a line break or longer than 140 with its key goes under it, each line cut at 138 and marked `...`.
 */
export function annotationLines(m: unknown): string[] {
  const entries = Object.entries((m ?? {}) as Record<string, string>)
    .filter(([k]) => k !== LAST_APPLIED).sort(([a], [b]) => (a < b ? -1 : 1));
  if (entries.length === 0) return ['Annotations:\t<none>'];
  const out: string[] = [];
  entries.forEach(([k, raw], i) => {
    const lead = i === 0 ? 'Annotations:\t' : '\t';
    const value = String(raw).replace(/\n$/, '');
    if (value.length + k.length + 2 > MAX_ANNOTATION_LEN || value.includes('\n')) {
      out.push(`${lead}${k}:`);
      const cut = (s: string) => (s.length > MAX_ANNOTATION_LEN - 2 ? `${s.slice(0, MAX_ANNOTATION_LEN - 2)}...` : s);
      for (const line of value.split('\n')) out.push(`\t  ${cut(line)}`);
    } else out.push(`${lead}${k}: ${value}`);
  });
  return out;
}

const meta = (o: Obj) => o.metadata as { labels?: unknown; annotations?: unknown; uid?: unknown };
const str = (v: unknown, dflt = ''): string => (typeof v === 'string' ? v : dflt);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** The bytes a base64 value decodes to (a Secret's data). */
function decodedLength(b64: string): number {
  const clean = b64.replace(/\s/g, '');
  const pad = clean.endsWith('==') ? 2 : clean.endsWith('=') ? 1 : 0;
  return Math.max(0, Math.floor((clean.length * 3) / 4) - pad);
}

function decodeBase64(b64: string): string {
  const bytes = Uint8Array.from(atob(b64.replace(/\s/g, '')), (ch) => ch.charCodeAt(0));
  return new TextDecoder().decode(bytes);
}

export function describeSecret(o: Obj): string[] {
  const data = (o['data'] ?? {}) as Record<string, unknown>;
  const stringData = (o['stringData'] ?? {}) as Record<string, unknown>;
  const type = str(o['type'], 'Opaque');
  const lines = header(o, true);
  lines.push('', `Type:\t${type}`, '', 'Data', '====');
  for (const k of secretKeys(o)) {
    // The apiserver merges stringData into data (stringData wins); the describer counts decoded bytes.
    const text = Object.hasOwn(stringData, k) ? String(stringData[k]) : undefined;
    const b64 = str(data[k]);
    if (k === 'token' && type === 'kubernetes.io/service-account-token') {
      lines.push(`${k}:\t${text ?? safeDecode(b64)}`);
    } else {
      const bytes = text !== undefined ? new TextEncoder().encode(text).length : decodedLength(b64);
      lines.push(`${k}:\t${bytes} bytes`);
    }
  }
  return lines;
}

function safeDecode(b64: string): string {
  try {
    return decodeBase64(b64);
  } catch {
    return b64;
  }
}

/** Name, Namespace (when asked), Labels, Annotations: how most describers start. */
function header(o: Obj, withNamespace: boolean): string[] {
  return [
    `Name:\t${o.metadata.name}`,
    ...(withNamespace ? [`Namespace:\t${o.metadata.namespace ?? ''}`] : []),
    ...labelLines('Labels', meta(o).labels),
    ...annotationLines(meta(o).annotations),
  ];
}

export function describeConfigMap(o: Obj, events: EventLines): string[] {
  const data = (o['data'] ?? {}) as Record<string, unknown>;
  const binary = (o['binaryData'] ?? {}) as Record<string, unknown>;
  const lines = [...header(o, true), '', 'Data', '===='];
  for (const k of Object.keys(data).sort()) lines.push(`${k}:`, '----', String(data[k]), '');
  lines.push('', 'BinaryData', '====');
  for (const k of Object.keys(binary).sort()) lines.push(`${k}: ${decodedLength(str(binary[k]))} bytes`);
  lines.push('');
  return [...lines, ...events('ConfigMap', o.metadata.namespace, o.metadata.name)];
}

/** Image pull secrets, mountable secrets and tokens, `(not found)` beside a name the namespace lacks. */
export function describeServiceAccount(c: Cluster, o: Obj, events: EventLines): string[] {
  const ns = o.metadata.namespace ?? 'default';
  const secrets = c.secrets.filter((s) => (s.metadata.namespace ?? 'default') === ns);
  const exists = new Set(secrets.map((s) => s.metadata.name));
  const uid = str(meta(o).uid);
  const tokens = secrets.filter((s) => s.type === 'kubernetes.io/service-account-token'
    && s.metadata.annotations?.['kubernetes.io/service-account.name'] === o.metadata.name
    && (s.metadata.annotations?.['kubernetes.io/service-account.uid'] ?? '') === uid).map((s) => s.metadata.name);
  const names = (v: unknown) => list(v).map((r) => str(at(r, 'name')));
  const groups: [string, string[], boolean][] = [
    ['Image pull secrets:', names(o['imagePullSecrets']), true],
    ['Mountable secrets: ', names(o['secrets']), true],
    ['Tokens:            ', tokens, false],
  ];
  const lines = header(o, true);
  for (const [title, items, check] of groups) {
    if (items.length === 0) lines.push(`${title}\t<none>`);
    items.forEach((n, i) => lines.push(
      `${i === 0 ? title : ' '.repeat(title.length)}\t${n}${check && !exists.has(n) ? ' (not found)' : ''}`,
    ));
  }
  return [...lines, ...events('ServiceAccount', ns, o.metadata.name)];
}

/** Go's time.Time String(): `2025-01-01 00:00:02 +0000 UTC`. */
function goTime(s: number | undefined): string {
  const iso = new Date((s ?? -62135596800) * 1000).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)} +0000 UTC`;
}

export function describeNetworkPolicy(c: Cluster, o: Obj): string[] {
  return [
    `Name:\t${o.metadata.name}`,
    `Namespace:\t${o.metadata.namespace ?? ''}`,
    `Created on:\t${goTime(creationSeconds(labClock(c), o.kind, o))}`,
    ...labelLines('Labels', meta(o).labels),
    ...annotationLines(meta(o).annotations),
    ...describeNetworkPolicySpec(o['spec']),
  ];
}

export function describePodDisruptionBudget(o: Obj, events: EventLines): string[] {
  const min = at(o, 'spec', 'minAvailable');
  const max = at(o, 'spec', 'maxUnavailable');
  const sel = at(o, 'spec', 'selector');
  const n = (f: string) => String(typeof at(o, 'status', f) === 'number' ? at(o, 'status', f) : 0);
  return [
    `Name:\t${o.metadata.name}`,
    `Namespace:\t${o.metadata.namespace ?? ''}`,
    ...(min !== undefined
      ? [`Min available:\t${String(min)}`]
      : max !== undefined ? [`Max unavailable:\t${String(max)}`] : []),
    `Selector:\t${sel ? formatLabelSelector(sel) : '<unset>'}`,
    'Status:',
    `    Allowed disruptions:\t${n('disruptionsAllowed')}`,
    `    Current:\t${n('currentHealthy')}`,
    `    Desired:\t${n('desiredHealthy')}`,
    `    Total:\t${n('expectedPods')}`,
    ...events('PodDisruptionBudget', o.metadata.namespace, o.metadata.name),
  ];
}

/** RoleBinding and ClusterRoleBinding: the role, then a table of subjects (no Namespace line). */
export function describeBinding(o: Obj): string[] {
  return [
    ...header(o, false),
    'Role:',
    `  Kind:\t${str(at(o, 'roleRef', 'kind'))}`,
    `  Name:\t${str(at(o, 'roleRef', 'name'))}`,
    'Subjects:',
    '  Kind\tName\tNamespace',
    '  ----\t----\t---------',
    ...list(o['subjects']).map((s) => `  ${str(at(s, 'kind'))}\t${str(at(s, 'name'))}\t${str(at(s, 'namespace'))}`),
  ];
}
