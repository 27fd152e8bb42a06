// `netlab trace`: one request (or --repeat N of them, sharing kube-proxy's and the ingress
// controllers' state), hop by hop. The JSON form is a public contract: keep it stable.

import type { ArtifactRef } from '../../sim/artifact';
import type { Lab } from '../../sim/assembly/lab';
import { renderTraceMessage } from '../../sim/trace/messages';
import { renderNote } from '../../sim/notes';
import { distribution, type Distribution } from '../../sim/trace/distribution';
import { checkRequest } from '../../sim/trace/request-check';
import { newTraceSession, parseConnect, parseSource, trace, type TraceRequest } from '../../sim/trace/trace';
import type { Fault, Hop, PacketView, TraceResult } from '../../sim/trace/types';
import { SUMMARIES } from '../summaries';
import { EXIT, type Command, type CommandContext } from '../command';
import { loadLab, opt, optList } from '../lab-input';
import { requestIssueLine } from '../request-issues';

export const traceCommand: Command = {
  name: 'trace',
  summary: SUMMARIES.trace,
  usage: `netlab trace [files...] --from external[:<client or ip>]|pod:<ns>/<name>|node:<name> --url <url>
            [--method M] [-H 'Name: value']... \
[--connect ingress[:<class>]|gateway:<ns>/<name>[:<port>]|node:<name>|<ip>:<port>]
            [--repeat N] [--cookie-jar] [--distribution N] [--json]

--from external is the lab's default outside client, internet at 203.0.113.100 (every lab has it,
even plain manifests with no clients); external:<name> a client the scenario declares;
external:<ip> a machine on the Internet at that address.
--connect works like curl's --connect-to: the TCP connection goes there while the URL's host stays
the Host header. --method (-X) is sent as typed, as curl -X does: nginx (the ingress controller, a
Gateway, a pod running nginx) answers 400 to a method with anything but A-Z, '_' and '-' ("get"),
other servers to one that is not an HTTP token. --repeat sends N requests that share kube-proxy's state (recent, IPVS schedulers,
userspace round-robin) and the ingress balancers; --cookie-jar keeps Set-Cookie answers between them.
--distribution N sends N requests through the same evaluators and prints how many each pod answered
next to the share the rules imply (iptables statistic probabilities, IPVS weights, nft numgen).
--json prints \
{"results":[{"outcome","status","service","services","backendPod","backend","responseHeaders","fault","hops","caveats"?}]}:
service is the Service the request was routed or addressed to (null when none, or when the ingress
controller answered by itself), services every Service it passed through in order, and backend
{sourceIP, host, path, method, headers} what the backend received. The hops of the reply, walked
back from the server through the nodes' routes and conntrack, follow the request's with
"direction":"reply" and "conntrack":[{node, entry}] (the entry as conntrack -L prints it).
Each hop's "rules" and the fault's "rules" are the artifact lines read: {artifact, line, text}
(line 1-based, as netlab rules prints the artifact; EndpointSlice lines with
netlab rules --format endpointslices --service <ns>/<name>). A "no ready endpoints" fault also has
"pods": the pods the Service's selector matches (the first three, "more" the rest), each with its
phase and the condition its status has False (the scheduler's Unschedulable, the kubelet's Ready).
"caveats" (present only when there are any; the text output prints them as "note:" lines) are
[{key, params, text}]: a NetworkPolicy that selects a pod the request left or reached, which the
lab keeps but does not enforce.
Exit status: 0 when every request got an HTTP answer (whatever its status); otherwise curl's code for the
first that did not: 6 name not resolved, 7 connection refused or unreachable, 28 timeout. A --from or
--connect naming a client, pod, node or ingress class the lab does not have exits 1 before any request,
naming the ones there are (a pod or node in kubectl's words: Error from server (NotFound): ...). An input error
(a file that does not load, an object the apiserver refused; printed as file:line:col: path: message,
in --json as "problems") exits 1 after the trace, whatever it got: it ran without those objects.`,
  options: {
    from: { type: 'string' },
    url: { type: 'string' },
    method: { type: 'string', short: 'X' },
    header: { type: 'string', short: 'H', multiple: true },
    connect: { type: 'string' },
    repeat: { type: 'string' },
    'cookie-jar': { type: 'boolean' },
    distribution: { type: 'string' },
  },
  run(ctx) {
    const fromText = opt(ctx, 'from');
    const url = opt(ctx, 'url');
    if (!fromText || !url) {
      return ctx.report.fail(EXIT.usage, 'error: trace needs --from and --url', `usage: ${traceCommand.usage}\n`);
    }
    const from = parseSource(fromText);
    if ('error' in from) return usageError(ctx, from.error);
    const connectText = opt(ctx, 'connect');
    const connect = connectText === undefined ? undefined : parseConnect(connectText);
    if (connect && 'error' in connect) return usageError(ctx, connect.error);
    const headers: Record<string, string> = {};
    for (const h of optList(ctx, 'header')) {
      const i = h.indexOf(':');
      if (i <= 0) return usageError(ctx, `-H takes 'Name: value', not ${JSON.stringify(h)}`);
      headers[h.slice(0, i).trim()] = h.slice(i + 1).trim();
    }
    const repeatText = opt(ctx, 'repeat') ?? '1';
    const repeat = Number(repeatText);
    if (!Number.isInteger(repeat) || repeat < 1 || repeat > 100000) {
      return usageError(ctx, `--repeat must be a whole number from 1 to 100000, not ${JSON.stringify(repeatText)}`);
    }

    const distText = opt(ctx, 'distribution');
    const distN = distText === undefined ? 0 : Number(distText);
    if (distText !== undefined && (!Number.isInteger(distN) || distN < 1 || distN > 10_000_000)) {
      const not = JSON.stringify(distText);
      return usageError(ctx, `--distribution must be a whole number from 1 to 10000000, not ${not}`);
    }

    const l = loadLab(ctx);
    if (!l.ok) return l.exitCode;
    // A sender or connect target the lab does not have is the input's error, not a failed connection:
    // the composer's own check, naming what there is.
    const issues = checkRequest(l.lab, { from: fromText, url, connect: connectText ?? '' }).map(requestIssueLine);
    if (issues.length > 0) {
      for (const i of issues) ctx.report.fail(i.code, i.line);
      return Math.max(...issues.map((i) => i.code));
    }
    const useCookieJar = ctx.options['cookie-jar'] === true;
    const request: TraceRequest = { from, url, method: opt(ctx, 'method'), headers, connect, useCookieJar };
    if (distN > 0) {
      const d = distribution({ lab: l.lab, request, n: distN, seed: l.scenario.settings.seed });
      if (ctx.globals.json) ctx.report.printJson(d);
      else ctx.io.stdout(renderDistribution(d));
      return EXIT.ok;
    }
    const session = newTraceSession(l.scenario.settings.seed);
    const results: TraceResult[] = [];
    for (let i = 0; i < repeat; i++) results.push(trace(l.lab, request, session));

    if (ctx.globals.json) {
      ctx.report.printJson({ results: results.map(publicResult) });
    } else {
      const via = connectText ? ` (connect ${connectText})` : '';
      const { kubeProxy, seed } = l.scenario.settings;
      ctx.io.stdout(`trace ${fromText} -> ${url}${via}; kube-proxy ${kubeProxy.mode}, seed ${JSON.stringify(seed)}\n`);
      results.forEach((r, i) => {
        if (repeat > 1) ctx.io.stdout(`\n--- request ${i + 1} of ${repeat}\n`);
        ctx.io.stdout(renderResult(r, l.lab));
      });
    }
    const failed = results.find((r) => r.outcome !== 'response');
    return failed && failed.outcome !== 'response' ? CURL_EXIT[failed.outcome] : EXIT.ok;
  },
};

/**
 * A request that got no HTTP answer exits like curl does for the same failure (an HTTP error status
 * is still an answer: exit 0, as curl without --fail): 6 could not resolve host, 7 failed to
 * connect (refused, or nothing routes there), 28 timed out.
 */
export const CURL_EXIT: Record<Exclude<TraceResult['outcome'], 'response'>, number> = {
  nxdomain: 6,
  refused: 7,
  unreachable: 7,
  timeout: 28,
};

export function renderDistribution(d: Distribution): string {
  const out = [`${d.n} requests: ${Object.entries(d.outcomes).map(([k, v]) => `${v} ${k}`).join(', ')}`];
  const pods = Object.keys({ ...d.perPod, ...(d.implied ?? {}) }).sort();
  const width = Math.max(3, ...pods.map((p) => p.length));
  out.push(`${'POD'.padEnd(width)}  ${'COUNT'.padStart(8)}  ${'SHARE'.padStart(7)}  ${'IMPLIED'.padStart(7)}`);
  for (const p of pods) {
    const c = d.perPod[p] ?? 0;
    const implied = d.implied?.[p];
    const share = `${((100 * c) / d.n).toFixed(1).padStart(6)}%`;
    const impliedShare = implied === undefined ? '      -' : `${(100 * implied).toFixed(1).padStart(6)}%`;
    out.push(`${p.padEnd(width)}  ${String(c).padStart(8)}  ${share}  ${impliedShare}`);
  }
  out.push(`implied by: ${d.impliedFrom}`);
  return `${out.join('\n')}\n`;
}

function usageError(ctx: CommandContext, message: string): number {
  return ctx.report.fail(EXIT.usage, `error: ${message}`);
}

/** The JSON contract of `trace --json` (documented in README). */
export function publicResult(r: TraceResult) {
  return {
    outcome: r.outcome,
    status: r.status,
    service: r.service,
    services: r.services,
    backendPod: r.backendPod,
    backend: r.backend,
    responseHeaders: r.responseHeaders,
    // Additive: `rules`, the lines the fault was read from, in the hops' shape (the raw `refs` stay as they were).
    fault: r.fault ? publicFault(r.fault) : null,
    hops: r.hops.map((h) => ({
      index: h.index,
      // Reply hops (the answer walked back, issue 17) follow the request's; request hops have no direction.
      ...(h.direction ? { direction: h.direction, conntrack: h.conntrack ?? [] } : {}),
      place: h.place,
      action: h.action,
      before: h.before,
      after: h.after,
      changed: h.changed,
      observedSource: h.observedSource ?? null,
      explanation: { ...h.explanation, text: renderTraceMessage('en', h.explanation.key, h.explanation.params) },
      rules: h.refs.map(ruleOf),
    })),
    // Additive, and only when there are any: what the lab does not model but a cluster may apply.
    ...(r.caveats ? { caveats: r.caveats.map((c) => ({ ...c, text: renderNote('en', c) })) } : {}),
  };
}

/**
 * The fault as the JSON contract gives it, additively: `rules`, the lines it was read from, in the hops'
 * shape (the raw `refs` stay as they were); a no-endpoints fault's `pods`, each with its endpoint line
 * as `rule` where a slice lists the pod.
 */
function publicFault(f: Fault) {
  const withRule = <T extends { ref?: ArtifactRef }>(x: T) => ({ ...x, ...(x.ref ? { rule: ruleOf(x.ref) } : {}) });
  // A load balancer fault's nodes: each one's health-check line (and its endpoints' lines) as `rule`, additively.
  const nodes = f.pods?.nodes?.map((n) => ({ ...withRule(n), endpoints: n.endpoints.map(withRule) }));
  const pods = f.pods
    ? { ...f.pods, shown: f.pods.shown.map(withRule), ...(nodes ? { nodes } : {}) }
    : undefined;
  return { ...f, ...(f.refs ? { rules: f.refs.map(ruleOf) } : {}), ...(pods ? { pods } : {}) };
}

/** An artifact line as the JSON contract gives it: artifact id, 1-based line, the line's text. */
function ruleOf(ref: ArtifactRef) {
  return { artifact: ref.artifact, line: ref.lineIndex + 1, text: ref.line };
}

/** `<artifact>:<line>: <text>`, the line number as `netlab rules` (and the page's viewer) count it. */
function refLine(ref: ArtifactRef): string {
  return `${ref.artifact}:${ref.lineIndex + 1}: ${ref.line.trim()}`;
}

/**
 * A fault's pods (the page's list under the fault): a load balancer's nodes first (what each one's check
 * answered, and the line that says it), then each pod as its status says, then "and N more". Pods whose
 * status says the same thing are told once, with their names on the next line.
 */
function podLines(f: Fault | undefined): string[] {
  if (!f?.pods) return [];
  const at = (r: ArtifactRef | undefined) => (r ? ` (${r.artifact}:${r.lineIndex + 1})` : '');
  const lines = (f.pods.nodes ?? []).map((n) => `     ${n.text}${at(n.ref)}`);
  const grouped = f.pods.grouped;
  if (!grouped) {
    lines.push(...f.pods.shown.map((p) => `     ${p.text}`));
    if (f.pods.summaryText) lines.push(`     ${f.pods.summaryText}`);
    return lines;
  }
  for (const g of grouped.groups) {
    lines.push(`     ${g.text}`);
    if (g.count === 1) continue;
    const rest = g.count - g.pods.length;
    lines.push(`       ${g.pods.join(', ')}${rest > 0 ? `, and ${rest} more` : ''}`);
  }
  if (grouped.summaryText) lines.push(`     ${grouped.summaryText}`);
  return lines;
}

function placeLabel(h: Hop): string {
  const p = h.place;
  switch (p.kind) {
    case 'client':
      return `client ${p.name}`;
    case 'dns':
      return `dns ${p.server}`;
    case 'load-balancer':
      return `lb ${p.address}`;
    case 'node':
      return `node ${p.node}`;
    case 'pod':
      return `pod ${p.pod}`;
    case 'controller':
      return `${p.controller} ${p.pod}`;
  }
}

/** ip:port; a DNS question's unset source port (0) is left out, a TCP connection's port 0 (curl http://web:0/) is not. */
function endpoint(ip: string, port: number, protocol: PacketView['protocol']): string {
  return port || protocol === 'TCP' ? `${ip}:${port}` : ip;
}

export function renderResult(r: TraceResult, _lab: Lab): string {
  const out: string[] = [];
  let replying = false;
  for (const h of r.hops) {
    if (h.direction === 'reply' && !replying) {
      replying = true;
      out.push('     --- the reply, walked back');
    }
    const arrow = h.direction === 'reply' ? ' (reply)' : '';
    out.push(`${String(h.index + 1).padStart(3)}. ${placeLabel(h).padEnd(34)} ${h.action.toUpperCase()}${arrow}`);
    out.push(`     ${renderTraceMessage('en', h.explanation.key, h.explanation.params)}`);
    const b = h.before;
    const a = h.after;
    if (h.changed.length > 0) {
      const path = a.path !== b.path ? `  path ${b.path} -> ${a.path}` : '';
      const from = `${endpoint(b.src, b.srcPort, b.protocol)} -> ${endpoint(b.dst, b.dstPort, b.protocol)}`;
      const to = `${endpoint(a.src, a.srcPort, a.protocol)} -> ${endpoint(a.dst, a.dstPort, a.protocol)}`;
      out.push(`     ${from}  becomes  ${to}${path}`);
    } else if (h.action !== 'resolve') {
      out.push(`     ${endpoint(b.src, b.srcPort, b.protocol)} -> ${endpoint(b.dst, b.dstPort, b.protocol)}`);
    }
    // Every line the hop read, as the page's hop inspector lists them: the last one decided.
    for (const ref of h.refs.slice(0, -1)) out.push(`     read from ${refLine(ref)}`);
    const decider = h.refs.at(-1);
    if (decider) out.push(`     decided by ${refLine(decider)}`);
    for (const c of h.conntrack ?? []) out.push(`     conntrack -L on ${c.node}: ${c.entry}`);
  }
  const via = r.service ? ` via Service ${r.service}` : '';
  if (r.outcome === 'response') {
    const who = r.backendPod ? ` from pod ${r.backendPod}` : '';
    const src = r.backend ? `; the backend saw the client as ${r.backend.sourceIP}` : '';
    const hdrs = Object.entries(r.responseHeaders).map(([k, v]) => `\n     ${k}: ${v}`).join('');
    out.push(`result: HTTP ${r.status}${who}${via}${src}${hdrs}`);
  } else {
    out.push(`result: ${r.outcome}${via}${r.fault ? `: ${r.fault.message}` : ''}`);
  }
  // The lines the fault was read from (the page's "Read from"), e.g. the EndpointSlice endpoints
  // kube-proxy could not use; `netlab rules --format endpointslices --service <ns>/<name>` prints them whole.
  for (const ref of r.fault?.refs ?? []) out.push(`     read from ${refLine(ref)}`);
  out.push(...podLines(r.fault));
  // What a real cluster may apply that the lab does not (a NetworkPolicy selecting a pod on the way).
  for (const c of r.caveats ?? []) out.push(`note: ${renderNote('en', c)}`);
  return `${out.join('\n')}\n`;
}
