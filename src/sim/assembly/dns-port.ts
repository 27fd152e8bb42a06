// Binds the tracer's DNS port to cluster DNS: every lookup runs the real resolver over the zone,
// and the lines it points at are the zone listing's lines.

import { findLine, lazyArtifact, type ArtifactRef, type RenderedArtifact } from '../artifact';
import type { Cluster, ExternalClient } from '../cluster';
import * as dns from '../dns/index';
import type { EvalStep, StepEffect } from '../step';
import type { DnsLookup, DnsPort } from '../trace/ports';

/** What a record says, as the answer's typed effect (lines that are not a record: the rcode). */
function answerEffect(rr: dns.RR | undefined, final: dns.DnsAnswer): StepEffect {
  if (!rr) return { kind: 'dns-answer', name: final.question.name, type: final.rcode, value: '' };
  const value = 'address' in rr ? rr.address : 'target' in rr ? rr.target : rr.type === 'TXT' ? rr.text : '';
  return { kind: 'dns-answer', name: rr.name, type: rr.type, value };
}

/** `artifact`: where the answer's records are listed (CoreDNS's zone, the public resolver's table, /etc/hosts). */
function toLookup(r: dns.ResolveResult, artifact: RenderedArtifact): DnsLookup {
  const final = r.final;
  const records = new Map([...final.answers, ...final.authority, ...final.additional].map((rr) => [rr.id, rr]));
  const steps: EvalStep[] = [];
  for (const id of final.ref ?? []) {
    const ref = findLine(artifact, id);
    if (!ref) continue;
    const effect = answerEffect(records.get(id), final);
    const type = effect.kind === 'dns-answer' ? effect.type : '';
    steps.push({ outcome: 'matched', table: 'dns', chain: artifact.id, effect, ref, where: 'dns', action: type });
  }
  const refs: ArtifactRef[] = steps.map((s) => s.ref);
  const server =
    final.origin === 'hosts' ? 'hosts' : final.origin === 'upstream' && !r.server ? 'upstream' : r.server || 'upstream';
  return {
    rcode: final.origin === 'timeout' ? 'TIMEOUT' : final.rcode,
    addresses: final.answers.flatMap((rr) => (rr.type === 'A' ? [rr.address] : [])),
    cnames: final.answers.flatMap((rr) => (rr.type === 'CNAME' ? [rr.target] : [])),
    queries: r.queriesSent.map((q) => ({ name: q.name, type: q.type, rcode: q.rcode })),
    refs,
    steps,
    server,
  };
}

export interface LabDns {
  /** The kubernetes plugin's view of the cluster, built when first asked (a lookup, the zone viewer, the shell). */
  readonly zone: dns.Zone;
  zoneArtifact: RenderedArtifact;
  /** What the DNS resolver outside the lab answers (outside clients ask it, not CoreDNS). */
  publicArtifact: RenderedArtifact;
  port: DnsPort;
}

/** Each outside client's /etc/hosts that has entries, by artifact id (a few short lines each). */
export function hostsArtifacts(clients: readonly ExternalClient[]): Record<string, RenderedArtifact> {
  const out: Record<string, RenderedArtifact> = {};
  for (const c of clients) {
    if (Object.keys(c.hosts ?? {}).length === 0) continue;
    const a = dns.renderHosts(c);
    out[a.id] = a;
  }
  return out;
}

/**
 * CoreDNS for the lab. The zone is built on the first lookup or when its listing is opened, not on
 * every edit: CoreDNS answers from its informer cache when asked, and an edit that nobody resolves a
 * name after should not pay for it.
 */
export function buildLabDns(cluster: Cluster, externalRecords: Record<string, string>): LabDns {
  let zone: dns.Zone | undefined;
  const zoneOf = () => (zone ??= dns.buildZone(cluster, { externalRecords }));
  let nodeRc: dns.ResolvConf | undefined;
  // Rendered when the zone viewer opens or a lookup points at a record's line.
  const head = dns.zoneArtifactHead(dns.zoneOrigin(cluster));
  const zoneArtifact = lazyArtifact(head, () => dns.renderZone(zoneOf()).lines);
  const outside = dns.publicDnsArtifactHead(dns.OUTSIDE_RESOLVER);
  const publicArtifact = lazyArtifact(outside, () => dns.renderPublicDns(zoneOf(), dns.OUTSIDE_RESOLVER).lines);
  return {
    get zone() {
      return zoneOf();
    },
    zoneArtifact,
    publicArtifact,
    port: {
      fromPod: (pod, name) => {
        const resolvConf = dns.resolverFor(cluster, pod);
        return toLookup(dns.resolve({ zone: zoneOf(), resolvConf, name }), zoneArtifact);
      },
      fromNode: (_node, name) => {
        const resolvConf = (nodeRc ??= dns.nodeResolvConf(cluster));
        return toLookup(dns.resolve({ zone: zoneOf(), resolvConf, name }), zoneArtifact);
      },
      // An outside client asks its /etc/hosts, then its own resolver: the lines that decide are there.
      fromClient: (client: ExternalClient, name) => {
        const r = dns.resolveExternal({ zone: zoneOf(), client, name });
        if (r.final.origin === 'hosts') return toLookup(r, dns.renderHosts(client));
        return { ...toLookup(r, publicArtifact), outside: true };
      },
    },
  };
}
