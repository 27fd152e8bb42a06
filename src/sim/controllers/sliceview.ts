// A Service's EndpointSlices as `kubectl get endpointslices -l kubernetes.io/service-name=<svc> -n <ns>
// -o yaml` prints them: a v1 List whose items are the slices, every map's keys in alphabetical order
// (kubectl marshals the JSON object through sigs.k8s.io/yaml, which sorts keys). An empty endpoint
// list prints `endpoints: null` (the API's nil slice). Each endpoint's first line carries a ref, so a
// fault can point at the endpoint kube-proxy could not use.

import { lazyArtifact, type RenderedArtifact, type RenderedLine } from '../artifact';
import type { EndpointSlice } from '../api/types';

/** The artifact id of the slices of Service `namespace/service`. */
export function sliceArtifactId(namespace: string, service: string): string {
  return `endpointslices/${namespace}/${service}`;
}

/** Slices in the order the artifact lists them (by name), as a new array. */
export function inListOrder(slices: readonly EndpointSlice[]): EndpointSlice[] {
  const byName = (a: EndpointSlice, b: EndpointSlice) => (a.metadata.name < b.metadata.name ? -1 : 1);
  return [...slices].sort((a, b) => (a.metadata.name === b.metadata.name ? 0 : byName(a, b)));
}

/** The ref on the `endpoints:` line of slice `slice`. */
export function sliceEndpointsRef(slice: string): string {
  return `slice/${slice}/endpoints`;
}

/** The ref on the first line of endpoint `index` of slice `slice`. */
export function sliceEndpointRef(slice: string, index: number): string {
  return `slice/${slice}/endpoint/${index}`;
}

type Json = string | number | boolean | null | undefined | Json[] | { [k: string]: Json };

// A plain scalar YAML would read as something else (a number, a bool, null, a flow token) is quoted.
const PLAIN = /^[A-Za-z0-9_./][A-Za-z0-9_./\-=+@ ]*$/;
const NOT_STRING = /^(true|false|null|yes|no|on|off|~|[-+]?(\d[\d_]*)?\.?\d+([eE][-+]?\d+)?|0x[0-9a-fA-F]+)$/i;

function scalar(v: string | number | boolean | null | undefined): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v !== 'string') return String(v);
  return PLAIN.test(v) && !NOT_STRING.test(v) && !v.endsWith(' ') ? v : JSON.stringify(v);
}

function isScalar(v: Json): v is string | number | boolean | null | undefined {
  return v === null || v === undefined || typeof v !== 'object';
}

/** Where a line is written: its indent, and the ref of the first line a value writes (if any). */
interface Emit {
  out: RenderedLine[];
  /** The ref for the line that writes `path` (a list item's first line, a key's line). */
  refAt: (path: string) => string | undefined;
}

function push(e: Emit, text: string, path: string): void {
  const ref = e.refAt(path);
  e.out.push(ref ? { text, ref } : { text });
}

/** `key: value` or `key:` and the value below it, at `indent`; `lead` prefixes the first line ("- "). */
function emitEntry(e: Emit, indent: string, lead: string, key: string, v: Json, path: string): void {
  const head = `${indent}${lead}${key}:`;
  if (isScalar(v)) return push(e, `${head} ${scalar(v)}`, path);
  if (Array.isArray(v) && v.length === 0) return push(e, `${head} []`, path);
  if (!Array.isArray(v) && Object.keys(v).length === 0) return push(e, `${head} {}`, path);
  push(e, head, path);
  // sigs.k8s.io/yaml writes a list under a key at the key's own indent; a map one level deeper.
  const inner = indent + ' '.repeat(lead.length);
  emitValue(e, Array.isArray(v) ? inner : inner + '  ', v, path);
}

function emitValue(e: Emit, indent: string, v: Json, path: string): void {
  if (Array.isArray(v)) {
    v.forEach((item, i) => emitItem(e, indent, item, `${path}/${i}`));
    return;
  }
  if (isScalar(v)) return;
  for (const k of Object.keys(v).sort()) if (v[k] !== undefined) emitEntry(e, indent, '', k, v[k]!, `${path}/${k}`);
}

/** One list item: "- " before its first line, the rest indented under it. */
function emitItem(e: Emit, indent: string, item: Json, path: string): void {
  if (isScalar(item)) return push(e, `${indent}- ${scalar(item)}`, path);
  if (Array.isArray(item)) {
    push(e, `${indent}-`, path);
    return emitValue(e, indent + '  ', item, path);
  }
  const keys = Object.keys(item).sort().filter((k) => item[k] !== undefined);
  if (keys.length === 0) return push(e, `${indent}- {}`, path);
  keys.forEach((k, i) => {
    const first = i === 0;
    // The item's first line carries the item's ref (the key's own ref only when the item has none).
    const at = first && e.refAt(path) ? path : `${path}/${k}`;
    emitEntry(e, first ? indent : indent + '  ', first ? '- ' : '', k, item[k]!, at);
  });
}

/** The slice as the API returns it: `endpoints` null when the slice holds none. */
function sliceJson(s: EndpointSlice): Json {
  const json = JSON.parse(JSON.stringify(s)) as { [k: string]: Json };
  if (s.endpoints.length === 0) json.endpoints = null;
  return json;
}

/** The lines of the List holding `slices` (in the order given), refs on every endpoint's first line. */
export function renderSliceList(slices: readonly EndpointSlice[]): RenderedLine[] {
  const refs = new Map<string, string>();
  slices.forEach((s, i) => {
    refs.set(`/items/${i}/endpoints`, sliceEndpointsRef(s.metadata.name));
    s.endpoints.forEach((_, j) => refs.set(`/items/${i}/endpoints/${j}`, sliceEndpointRef(s.metadata.name, j)));
  });
  const e: Emit = { out: [], refAt: (p) => refs.get(p) };
  const items = slices.map(sliceJson);
  const list: Json = { apiVersion: 'v1', items, kind: 'List', metadata: { resourceVersion: '' } };
  emitValue(e, '', list, '');
  return e.out;
}

/** The slices of Service `namespace/service`, rendered when first read. */
export function sliceArtifact(namespace: string, service: string, slices: () => EndpointSlice[]): RenderedArtifact {
  const id = sliceArtifactId(namespace, service);
  const title = `kubectl get endpointslices -l kubernetes.io/service-name=${service} -n ${namespace} -o yaml`;
  return lazyArtifact({ id, kind: 'endpointslice', title }, () => renderSliceList(slices()));
}
