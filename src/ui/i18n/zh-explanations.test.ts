// Chinese as good as English: every hop explanation of every built-in scenario's saved requests,
// and of a set of representative requests against each scenario (a Service's ClusterIP from
// outside, each Service by name and by ClusterIP from a pod, an unknown name, an unknown host on
// each ingress, a port nothing serves), is rendered in zh-CN the way the lab renders it. After
// removing what may stay as it is (interpolated parameters, quoted or code-like tokens, Kubernetes
// identifiers, addresses and numbers), no Latin word may remain: a zh sentence that still carries
// English words ("(exact server_name)", "round_robin picks ... of 1") fails here.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenarioText, type Scenario } from '../../scenario';
import { buildEditedLab } from '../../sim/assembly/edits';
import { buildLab, type Lab } from '../../sim/assembly/lab';
import { eventGloss, eventGlossesZh } from './event-glosses';
import { renderExplanation, traceMessagesZh, type TraceMessageKey } from '../../sim/trace/messages';
import { noteMessagesZh, renderNoteWith, type Note, type NoteParam } from '../../sim/notes';
import { newTraceSession, parseConnect, parseSource, trace, type TraceRequest } from '../../sim/trace/trace';
import type { Fault, Hop } from '../../sim/trace/types';

const DIR = join(__dirname, '../../../scenarios');
const files = readdirSync(DIR).filter((f) => f.endsWith('.json') && f !== 'index.json');

/**
 * Words a Chinese technical text keeps as they are, each for a reason: Kubernetes kinds and
 * components, the programs the lab models (their names are not translated), the nginx directives a
 * reader finds in nginx.conf, the HTTP header and the loanword 看 in every Chinese web text.
 */
const KEPT = new Set([
  // Kubernetes kinds and components
  'Pod', 'Service', 'Ingress', 'Node', 'Endpoints', 'Deployment', 'Secret', 'Gateway', 'HTTPRoute', 'apiserver', 'kubelet',
  // a NetworkPolicy's directions, as policyTypes spells them, and network plugins by their names
  'Egress', 'Calico', 'Cilium',
  // Gateway API's own values, as the HTTPRoute spells them (pathType Exact), and a product's name
  'Exact', 'NGINX', 'Fabric',
  // programs and plugins, by their names
  'nginx', 'Lua', 'Traefik', 'conntrack', 'iptables', 'ipvs', 'nftables', 'portmap', 'localhost', 'ping', 'curl',
  // nginx directives, as nginx.conf spells them
  'server', 'location', 'upstream', 'http',
  // HTTP headers, and a loanword
  'Host', 'Cookie', 'Location',
]);

/** What may stay in Latin script inside a zh sentence, removed before looking for English words. */
function stripAllowed(text: string): string {
  return (
    text
      // quoted literals and code: "connection refused", `x`, “…”
      .replace(/"[^"]*"|`[^`]*`|“[^”]*”/g, ' ')
      // field: value pairs as in YAML (externalTrafficPolicy: Local)
      .replace(/\b[a-z]+[A-Z]\w*: ?\w+/g, ' ')
      // identifiers: anything with a digit, dot, slash, colon, underscore, hyphen, $ or =
      .replace(/[\w$.:/=-]*[\d./:_=$-][\w$.:/=-]*/g, (m) => (/[A-Za-z]{2,}/.test(m) || /\d/.test(m) ? ' ' : m))
      // CamelCase (ClusterIP, ExternalName, hostPort) and ALL-CAPS (DNAT, TCP, KUBE)
      .replace(/\b[A-Za-z]*[a-z][A-Z][A-Za-z]*\b|\b[A-Z]{2,}[a-z]?s?\b/g, ' ')
      .replace(/[A-Za-z]+/g, (w) => (KEPT.has(w) ? ' ' : w))
  );
}

const HOLE = '\u2060';

/** The explanation rendered in zh with every interpolated parameter (its own and its notes') left out. */
function withoutParams(e: Hop['explanation']): string {
  const blank = (params: Record<string, NoteParam>) => Object.fromEntries(Object.keys(params).map((k) => [k, HOLE]));
  const parts = e.parts ? Object.fromEntries(Object.entries(e.parts).map(([k, notes]) => [k, notes.map((n): Note => ({ key: n.key, params: blank(n.params) }))])) : undefined;
  return renderExplanation('zh', { key: e.key, params: blank(e.params), ...(parts ? { parts } : {}) });
}

/** The Latin words left in a zh explanation once parameters and allowed tokens are gone. */
export function englishLeft(hop: Pick<Hop, 'explanation'>): string[] {
  return stripAllowed(withoutParams(hop.explanation)).match(/[A-Za-z]{2,}/g) ?? [];
}

/**
 * A parameter that is an English sentence shown as it is (not a note rendered in the reader's
 * language) mixes English into the zh text as surely as the template would.
 */
export function englishProseParams(hop: Pick<Hop, 'explanation'>): string[] {
  const e = hop.explanation;
  return Object.entries(e.params)
    .filter(([k, v]) => !(k in (e.parts ?? {})) && typeof v === 'string' && (stripAllowed(v).match(/\b[a-z]{2,}\b/g) ?? []).length >= 3)
    .map(([k, v]) => `${k}=${String(v)}`);
}

function load(file: string): Scenario {
  const r = loadScenarioText(file, readFileSync(join(DIR, file), 'utf8'));
  if (!r.ok) throw new Error(r.problems.map((p) => p.message).join('\n'));
  return r.scenario;
}

function toRequest(r: { from: string; url: string; method?: string; headers?: Record<string, string>; connect?: string }): TraceRequest | null {
  const from = parseSource(r.from);
  if ('error' in from) return null;
  const connect = r.connect === undefined ? undefined : parseConnect(r.connect);
  if (connect && 'error' in connect) return null;
  return { from, url: r.url, method: r.method, headers: r.headers, connect };
}

/** Requests that reach the hop kinds a scenario's own saved requests may not: failures above all. */
function representative(s: Scenario, lab: Lab): TraceRequest[] {
  const out: (TraceRequest | null)[] = [];
  const client = s.clients[0];
  const pod = lab.cluster.pods.find((p) => p.status?.podIP && !p.spec.hostNetwork);
  const podRef = pod ? `pod:${pod.metadata.namespace ?? 'default'}/${pod.metadata.name}` : null;
  for (const svc of lab.cluster.services.slice(0, 6)) {
    const ns = svc.metadata.namespace ?? 'default';
    const port = svc.spec.ports?.[0]?.port ?? 80;
    const ip = svc.spec.clusterIP;
    if (client && ip && ip !== 'None') out.push(toRequest({ from: `external:${client.name}`, url: `http://${ip}:${port}/` }));
    if (podRef) {
      out.push(toRequest({ from: podRef, url: `http://${svc.metadata.name}.${ns}:${port}/` }));
      if (ip && ip !== 'None') out.push(toRequest({ from: podRef, url: `http://${ip}:${port + 1}/` }));
    }
  }
  if (podRef) out.push(toRequest({ from: podRef, url: 'http://no-such-name/' }));
  if (client) {
    out.push(toRequest({ from: `external:${client.name}`, url: 'http://unknown.example.com/', connect: 'ingress' }));
    out.push(toRequest({ from: `external:${client.name}`, url: 'http://203.0.113.250/' }));
    for (const n of lab.cluster.nodes.slice(0, 1)) out.push(toRequest({ from: `external:${client.name}`, url: 'http://x/', connect: `node:${n.metadata.name}` }));
  }
  return out.filter((r): r is TraceRequest => r !== null);
}

/** A fault in zh with its parameters left out; faults without a note are English as a whole. */
function faultEnglishLeft(f: Fault): string[] {
  if (!f.note) return ['(no note: English message) ' + f.message];
  const blank = (params: Record<string, NoteParam>) => Object.fromEntries(Object.keys(params).map((k) => [k, HOLE]));
  const parts = f.parts ? Object.fromEntries(Object.entries(f.parts).map(([k, ns]) => [k, ns.map((n) => ({ key: n.key, params: blank(n.params) }))])) : undefined;
  return stripAllowed(renderNoteWith('zh', { key: f.note.key, params: blank(f.note.params) }, parts)).match(/[A-Za-z]{2,}/g) ?? [];
}

const faults: { label: string; fault: Fault }[] = [];

function hopsOf(file: string): { label: string; hop: Hop }[] {
  const s = load(file);
  const lab = buildLab({ settings: s.settings, objects: s.objects, clients: s.clients });
  const session = newTraceSession(s.settings.seed);
  const saved = s.requests.map((r) => ({ label: r.id, req: toRequest(r) }));
  const more = representative(s, lab).map((req, i) => ({ label: `representative #${i} ${req.url}`, req }));
  const out: { label: string; hop: Hop }[] = [];
  for (const { label, req } of [...saved, ...more]) {
    if (!req) continue;
    let result;
    try {
      result = trace(lab, req, session);
    } catch {
      continue; // a request the tracer refuses to start is not an explanation
    }
    for (const hop of result.hops) out.push({ label: `${label} hop ${hop.index} ${hop.explanation.key}`, hop });
    if (result.fault) faults.push({ label: `${file} ${label}`, fault: result.fault });
  }
  return out;
}

describe('zh-CN hop explanations carry no untranslated English', () => {
  it.each(files)('%s: every hop of its saved and representative requests', (file) => {
    const hops = hopsOf(file);
    expect(hops.length).toBeGreaterThan(0);
    const mixed = hops.flatMap(({ label, hop }) => {
      const words = englishLeft(hop);
      const prose = englishProseParams(hop);
      return words.length > 0 || prose.length > 0 ? [`${label}: ${renderExplanation('zh', hop.explanation)} [${[...words, ...prose].join(', ')}]`] : [];
    });
    expect(mixed).toEqual([]);
  }, 60_000);

  it('the faults of those requests (the hop inspector\'s fault box) are Chinese too', () => {
    expect(faults.length).toBeGreaterThan(10);
    const mixed = faults.flatMap(({ label, fault }) => {
      const words = faultEnglishLeft(fault);
      return words.length > 0 ? [`${label}: ${fault.note ? renderNoteWith('zh', fault.note, fault.parts) : fault.message} [${words.join(', ')}]`] : [];
    });
    expect(mixed).toEqual([]);
  });

  it('every zh hop and note template, with its parameters left out, is Chinese', () => {
    const templates: [string, string][] = [...Object.entries(traceMessagesZh), ...Object.entries(noteMessagesZh)];
    const mixed = templates.flatMap(([key, text]) => {
      const words = stripAllowed(text.replace(/\{\w+\}/g, ' ')).match(/[A-Za-z]{2,}/g) ?? [];
      return words.length > 0 ? [`${key}: ${text} [${words.join(', ')}]`] : [];
    });
    expect(mixed).toEqual([]);
  });

  it('the checker itself catches the English the issue saw', () => {
    const hop = (key: TraceMessageKey, params: Record<string, string | number>) => ({ explanation: { key, params } });
    // The old nginx hop: the reason was an English sentence passed as a parameter.
    expect(englishProseParams(hop('hop.ingress.match', { controller: 'nginx', host: 'a', path: '/', reason: 'server a (exact server_name); round_robin picks 10.0.0.1:80 of 1' }))).not.toEqual([]);
    // An English word inside the Chinese text itself.
    expect(stripAllowed('数据包 picks 了 10.0.0.1').match(/[A-Za-z]{2,}/g)).toEqual(['picks']);
    // What may stay: identifiers, addresses, kinds, quoted literals.
    expect(stripAllowed('Pod web-1 的 KUBE-SVC-ABC 链把 10.0.0.1:80 改写（externalTrafficPolicy: Local，"connection refused"）').match(/[A-Za-z]{2,}/g)).toBeNull();
  });
});

describe('Kubernetes events in zh-CN: the English message as kubectl prints it, and a gloss beside it', () => {
  it('every event reason the built-in labs emit, in every kube-proxy mode, has a Chinese gloss', () => {
    const missing = new Set<string>();
    for (const file of files) {
      const s = load(file);
      for (const mode of ['iptables', 'ipvs', 'nftables', 'userspace'] as const) {
        const settings = { ...s.settings, kubeProxy: { ...s.settings.kubeProxy, mode } };
        const lab = buildEditedLab({ settings, objects: s.objects, clients: s.clients, edits: s.edits });
        for (const e of lab.events) if (!eventGloss('zh', e.reason)) missing.add(`${e.reason} (${e.message})`);
      }
    }
    expect([...missing]).toEqual([]);
  }, 120_000);

  it('glosses are Chinese, and English readers get none (the message is already theirs)', () => {
    for (const [reason, gloss] of Object.entries(eventGlossesZh)) {
      expect([reason, stripAllowed(gloss).match(/[A-Za-z]{2,}/g)]).toEqual([reason, null]);
    }
    expect(eventGloss('en', 'ScalingReplicaSet')).toBeNull();
  });
});
