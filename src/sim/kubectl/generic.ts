// kubectl's generic describer (describe.go genericDescriber, printUnstructuredContent, smartLabelFor)
// for kinds it has no describer of its own for, or whose own the lab does not reproduce; and two
// small built-in describers that read other objects: Namespace (its quotas and limit ranges) and
// EndpointSlice.

import type { Cluster } from '../cluster';
import { at, type Obj } from './printers';
import { annotationLines, labelLines, type EventLines } from './describers';

/** fatih/camelcase Split: runs of lower, upper, digit and other; an upper run gives its last letter to a lower run. */
function camelSplit(s: string): string[] {
  const classOf = (ch: string) => (/\p{Ll}/u.test(ch) ? 1 : /\p{Lu}/u.test(ch) ? 2 : /\p{Nd}/u.test(ch) ? 3 : 4);
  const runs: string[][] = [];
  let last = 0;
  for (const ch of s) {
    const c = classOf(ch);
    if (c === last) runs[runs.length - 1]!.push(ch);
    else runs.push([ch]);
    last = c;
  }
  for (let i = 0; i < runs.length - 1; i++) {
    if (/\p{Lu}/u.test(runs[i]![0]!) && /\p{Ll}/u.test(runs[i + 1]![0]!)) runs[i + 1]!.unshift(runs[i]!.pop()!);
  }
  return runs.filter((r) => r.length > 0).map((r) => r.join(''));
}

const ACRONYMS = new Set(['API', 'URL', 'UID', 'OSB', 'GUID']);

/**
 * smartLabelFor: `holderIdentity` -> `Holder Identity`, `apiVersion` -> `API Version`; a key with
 * characters other than letters and `-` as is.
 */
export function smartLabelFor(field: string): string {
  if (/[^\p{L}-]/u.test(field)) return field;
  return camelSplit(field)
    .filter((p) => p !== '_')
    .map((p) => (ACRONYMS.has(p.toUpperCase()) ? p.toUpperCase() : p.charAt(0).toUpperCase() + p.slice(1)))
    .join(' ');
}

/** Go's %v of a decoded JSON value. */
function goValue(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (Array.isArray(v)) return `[${v.map(goValue).join(' ')}]`;
  if (typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1));
    return `map[${entries.map(([k, x]) => `${k}:${goValue(x)}`).join(' ')}]`;
  }
  return String(v);
}

const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** printUnstructuredContent: fields sorted, maps and lists as headings over their indented contents. */
export function unstructuredContent(
  content: Record<string, unknown>,
  level: number,
  prefix: string,
  skip: ReadonlySet<string>,
  out: string[],
): void {
  const pad = '  '.repeat(level);
  for (const field of Object.keys(content).sort()) {
    const value = content[field];
    const path = `${prefix}.${field}`;
    if (value === undefined || skip.has(path)) continue;
    if (isMap(value)) {
      out.push(`${pad}${smartLabelFor(field)}:`);
      unstructuredContent(value, level + 1, path, skip, out);
    } else if (Array.isArray(value)) {
      out.push(`${pad}${smartLabelFor(field)}:`);
      for (const child of value) {
        if (isMap(child)) unstructuredContent(child, level + 1, path, skip, out);
        else out.push(`${pad}  ${goValue(child)}`);
      }
    } else out.push(`${pad}${smartLabelFor(field)}:\t${goValue(value)}`);
  }
}

const SKIP = new Set(['.metadata.managedFields', '.metadata.name', '.metadata.namespace', '.metadata.labels',
  '.metadata.annotations']);

/** genericDescriber: the object as the API serves it, under its name, namespace, labels and annotations. */
export function describeGeneric(o: Obj, events: EventLines): string[] {
  const meta = o.metadata as { labels?: unknown; annotations?: unknown };
  const lines = [
    `Name:\t${o.metadata.name}`,
    `Namespace:\t${o.metadata.namespace ?? ''}`,
    ...labelLines('Labels', meta.labels),
    ...annotationLines(meta.annotations),
  ];
  unstructuredContent(o, 0, '', SKIP, lines);
  return [...lines, ...events(o.kind, o.metadata.namespace, o.metadata.name)];
}

const rec = (v: unknown): Record<string, unknown> => (isMap(v) ? v : {});
const str = (v: unknown, dflt = ''): string => (typeof v === 'string' ? v : dflt);
const q = (v: unknown, dflt: string): string => (typeof v === 'string' || typeof v === 'number' ? String(v) : dflt);

/** DescribeResourceQuotas: each quota's used and hard amounts, by resource name. */
function quotaLines(quotas: Obj[]): string[] {
  if (quotas.length === 0) return ['No resource quota.'];
  const out = ['Resource Quotas'];
  for (const rq of [...quotas].sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : 1))) {
    out.push(`  Name:\t${rq.metadata.name}`);
    const scopes = (Array.isArray(at(rq, 'spec', 'scopes')) ? at(rq, 'spec', 'scopes') as unknown[] : []).map(String);
    if (scopes.length > 0) out.push(`  Scopes:\t${scopes.sort().join(', ')}`);
    out.push('  Resource\tUsed\tHard', '  --------\t---\t---');
    const hard = rec(at(rq, 'status', 'hard'));
    for (const r of Object.keys(hard).sort()) {
      out.push(`  ${r}\t${q(at(rq, 'status', 'used', r), '0')}\t${q(hard[r], '0')}`);
    }
  }
  return out;
}

/** DescribeLimitRanges: one row per limit type and resource. */
function limitLines(ranges: Obj[]): string[] {
  if (ranges.length === 0) return ['No LimitRange resource.'];
  const out = [
    'Resource Limits',
    ' Type\tResource\tMin\tMax\tDefault Request\tDefault Limit\tMax Limit/Request Ratio',
    ' ----\t--------\t---\t---\t---------------\t-------------\t-----------------------',
  ];
  const fields = ['min', 'max', 'defaultRequest', 'default', 'maxLimitRequestRatio'];
  for (const lr of ranges) {
    for (const item of (Array.isArray(at(lr, 'spec', 'limits')) ? at(lr, 'spec', 'limits') as unknown[] : [])) {
      const names = new Set(fields.flatMap((f) => Object.keys(rec(at(item, f)))));
      for (const r of [...names].sort()) {
        const cells = fields.map((f) => q(at(item, f, r), '-'));
        out.push(` ${str(at(item, 'type'))}\t${r}\t${cells.join('\t')}`);
      }
    }
  }
  return out;
}

/** describeNamespace: status, then the namespace's resource quotas and limit ranges. */
export function describeNamespace(c: Cluster, o: Obj): string[] {
  const meta = o.metadata as { labels?: unknown; annotations?: unknown };
  const inNs = (kind: string) => c.others.filter((x) => x.kind === kind && x.metadata.namespace === o.metadata.name);
  return [
    `Name:\t${o.metadata.name}`,
    ...labelLines('Labels', meta.labels),
    ...annotationLines(meta.annotations),
    `Status:\t${str(at(o, 'status', 'phase'), 'Active')}`,
    '',
    ...quotaLines(inNs('ResourceQuota') as Obj[]),
    '',
    ...limitLines(inNs('LimitRange') as Obj[]),
  ];
}

/** describeEndpointSliceV1: ports as a table, then each endpoint's addresses, conditions and place. */
export function describeEndpointSlice(o: Obj, events: EventLines): string[] {
  const meta = o.metadata as { labels?: unknown; annotations?: unknown };
  const ports = (Array.isArray(o['ports']) ? o['ports'] : []).map(rec);
  const endpoints = (Array.isArray(o['endpoints']) ? o['endpoints'] : []).map(rec);
  const lines = [
    `Name:\t${o.metadata.name}`,
    `Namespace:\t${o.metadata.namespace ?? ''}`,
    ...labelLines('Labels', meta.labels),
    ...annotationLines(meta.annotations),
    `AddressType:\t${str(o['addressType'])}`,
  ];
  if (ports.length === 0) lines.push('Ports: <unset>');
  else {
    lines.push('Ports:', '  Name\tPort\tProtocol', '  ----\t----\t--------');
    for (const p of ports) {
      lines.push(`  ${str(p['name']) || '<unset>'}\t${q(p['port'], '<unset>')}\t${str(p['protocol'], 'TCP')}`);
    }
  }
  if (endpoints.length === 0) lines.push('Endpoints: <none>');
  else lines.push('Endpoints:');
  for (const e of endpoints) {
    const addrs = (Array.isArray(e['addresses']) ? e['addresses'] : []).map(String).join(', ');
    const ready = at(e, 'conditions', 'ready');
    const ref = rec(e['targetRef']);
    lines.push(
      `  - Addresses:\t${addrs || '<none>'}`,
      '    Conditions:',
      `      Ready:\t${typeof ready === 'boolean' ? String(ready) : '<unset>'}`,
      `    Hostname:\t${str(e['hostname'], '<unset>')}`,
      ...(e['targetRef'] ? [`    TargetRef:\t${str(ref['kind'])}/${str(ref['name'])}`] : []),
      `    NodeName:\t${str(e['nodeName'], '<unset>')}`,
      `    Zone:\t${str(e['zone'], '<unset>')}`,
    );
  }
  return [...lines, ...events('EndpointSlice', o.metadata.namespace, o.metadata.name)];
}
