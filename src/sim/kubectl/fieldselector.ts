// Field selectors (`kubectl get pods --field-selector spec.nodeName=node-1`), as the apiserver reads
// `?fieldSelector=`: k8s.io/apimachinery/pkg/fields ParseSelector (terms split at unescaped commas,
// `!=`, `==` or `=`, values unescaped), then each kind's field label conversion (which fields it
// serves; the rest are refused in its words), then the object's selectable fields compared as text.

import type { ClusterEvent } from '../events';
import type { Listed } from './resources';

export interface FieldTerm {
  field: string;
  negate: boolean;
  value: string;
}

/** fields.splitTerms: commas split terms unless a backslash escapes them (kept in the term). */
function splitTerms(s: string): string[] {
  if (s === '') return [];
  const terms: string[] = [];
  let start = 0;
  let escaped = false;
  for (let i = 0; i < s.length; i++) {
    if (escaped) escaped = false;
    else if (s[i] === '\\') escaped = true;
    else if (s[i] === ',') {
      terms.push(s.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(s.slice(start));
  return terms;
}

/** fields.UnescapeValue: `\\`, `\,` and `\=` are the characters; a bare `,` or `=` is an error (its code point). */
function unescape(v: string): string | { error: string } {
  let out = '';
  for (let i = 0; i < v.length; i++) {
    const c = v[i]!;
    if (c === '\\') {
      const next = v[i + 1];
      if (next === undefined) return { error: 'invalid field selector: invalid escape sequence: \\' };
      if (next !== '\\' && next !== ',' && next !== '=') {
        return { error: `invalid field selector: invalid escape sequence: \\${next}` };
      }
      out += next;
      i++;
    } else if (c === ',' || c === '=') {
      return { error: `invalid field selector: unescaped character in value: ${c.codePointAt(0)}` };
    } else out += c;
  }
  return out;
}

/** fields.ParseSelector: the terms (sorted as the parser sorts them), or its error. */
export function parseFieldSelector(text: string): { terms: FieldTerm[] } | { error: string } {
  const terms: FieldTerm[] = [];
  for (const part of splitTerms(text).sort()) {
    if (part === '') continue;
    const at = [...part].findIndex((_, i) => /^(!=|==|=)/.test(part.slice(i)));
    if (at < 0) return { error: `invalid selector: '${text}'; can't understand '${part}'` };
    const op = /^(!=|==|=)/.exec(part.slice(at))![1]!;
    const value = unescape(part.slice(at + op.length));
    if (typeof value !== 'string') return value;
    terms.push({ field: part.slice(0, at), negate: op === '!=', value });
  }
  return { terms };
}

/** The fields each kind's field label conversion serves beyond metadata.name and metadata.namespace. */
const SERVED: Record<string, readonly string[]> = {
  Pod: [
    'spec.nodeName', 'spec.restartPolicy', 'spec.schedulerName', 'spec.serviceAccountName', 'spec.hostNetwork',
    'status.phase', 'status.podIP', 'status.podIPs', 'status.nominatedNodeName',
  ],
  Node: ['spec.unschedulable'],
  ReplicationController: ['status.replicas'],
  Event: [
    'involvedObject.kind', 'involvedObject.namespace', 'involvedObject.name', 'involvedObject.uid',
    'involvedObject.apiVersion', 'involvedObject.resourceVersion', 'involvedObject.fieldPath', 'reason',
    'reportingComponent', 'source', 'type',
  ],
  Namespace: ['status.phase'],
  Secret: ['type'],
  Service: ['spec.clusterIP', 'spec.type'],
};

/** The conversion's refusal of a field `kind` does not serve, or undefined. */
export function unsupportedField(kind: string, field: string): string | undefined {
  const served = SERVED[kind];
  // Nodes and Namespaces are cluster-scoped: their conversions serve metadata.name alone.
  const meta = kind === 'Node' || kind === 'Namespace' ? ['metadata.name'] : ['metadata.name', 'metadata.namespace'];
  if (meta.includes(field) || served?.includes(field)) return undefined;
  if (kind === 'Pod' && field === 'spec.host') return undefined; // old clients' name for spec.nodeName
  if (served) return `field label not supported: ${field}`;
  return `"${field}" is not a known field selector: only "metadata.name", "metadata.namespace"`;
}

type Fields = Record<string, unknown>;

const str = (v: unknown): string => (v === undefined || v === null ? '' : String(v));

/** The selectable fields of an object, as its registry's GetAttrs gives them (text). */
function fieldsOf(kind: string, o: Listed): Record<string, string> {
  const x = o as unknown as { metadata: Fields; spec?: Fields; status?: Fields; type?: string };
  const base = { 'metadata.name': str(x.metadata['name']), 'metadata.namespace': str(x.metadata['namespace']) };
  const spec = x.spec ?? {};
  const status = x.status ?? {};
  switch (kind) {
    case 'Pod': {
      const ips = Array.isArray(status['podIPs']) ? (status['podIPs'] as { ip?: string }[]).map((p) => str(p.ip)) : [];
      const nodeName = str(spec['nodeName']);
      return {
        ...base,
        'spec.nodeName': nodeName,
        'spec.host': nodeName,
        'spec.restartPolicy': str(spec['restartPolicy']),
        'spec.schedulerName': str(spec['schedulerName']),
        // The ServiceAccount admission plugin gives every pod one.
        'spec.serviceAccountName': str(spec['serviceAccountName'] ?? 'default'),
        'spec.hostNetwork': String(spec['hostNetwork'] === true),
        'status.phase': str(status['phase']),
        'status.podIP': str(status['podIP']),
        'status.podIPs': ips.join(','),
        'status.nominatedNodeName': str(status['nominatedNodeName']),
      };
    }
    case 'Node':
      return { ...base, 'spec.unschedulable': String(spec['unschedulable'] === true) };
    case 'Namespace':
      return { ...base, 'status.phase': str(status['phase'] ?? 'Active') };
    case 'Secret':
      return { ...base, type: str(x.type ?? 'Opaque') };
    case 'Service':
      return { ...base, 'spec.clusterIP': str(spec['clusterIP']), 'spec.type': str(spec['type'] ?? 'ClusterIP') };
    case 'ReplicationController':
      return { ...base, 'status.replicas': str(status['replicas'] ?? 0) };
    default:
      return base;
  }
}

/** An event of the lab's log as the Event registry's fields read it. */
function eventFields(e: ClusterEvent, name: string): Record<string, string> {
  return {
    'metadata.name': name,
    'metadata.namespace': e.object.namespace ?? 'default',
    'involvedObject.kind': e.object.kind,
    'involvedObject.namespace': e.object.namespace ?? '',
    'involvedObject.name': e.object.name,
    reason: e.reason,
    type: e.type,
    source: e.source,
    reportingComponent: e.source,
  };
}

const holds = (terms: readonly FieldTerm[], f: Record<string, string>) =>
  terms.every((t) => ((f[t.field] ?? '') === t.value) !== t.negate);

export function fieldsMatch(kind: string, terms: readonly FieldTerm[], o: Listed): boolean {
  return terms.length === 0 || holds(terms, fieldsOf(kind, o));
}

export function eventFieldsMatch(terms: readonly FieldTerm[], e: ClusterEvent, name: string): boolean {
  return terms.length === 0 || holds(terms, eventFields(e, name));
}
