// Binds the tracer's DNS port to cluster DNS: every lookup runs the real resolver over the zone,
// and the lines it points at are the zone listing's lines.

import { findLine, type ArtifactRef, type RenderedArtifact } from '../artifact';
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

function toLookup(r: dns.ResolveResult, zoneArtifact: RenderedArtifact): DnsLookup {
  const final = r.final;
  const records = new Map([...final.answers, ...final.authority, ...final.additional].map((rr) => [rr.id, rr]));
  const steps: EvalStep[] = [];
  for (const id of final.ref ?? []) {
    const ref = findLine(zoneArtifact, id);
    if (!ref) continue;
    const effect = answerEffect(records.get(id), final);
    const type = effect.kind === 'dns-answer' ? effect.type : '';
    steps.push({ outcome: 'matched', table: 'dns', chain: zoneArtifact.id, effect, ref, where: 'dns', action: type });
  }
  const refs: ArtifactRef[] = steps.map((s) => s.ref);
  const server = final.origin === 'hosts' ? 'hosts' : final.origin === 'upstream' && !r.server ? 'upstream' : r.server || 'upstream';
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
  zone: dns.Zone;
  zoneArtifact: RenderedArtifact;
  port: DnsPort;
}

export function buildLabDns(cluster: Cluster, externalRecords: Record<string, string>): LabDns {
  const zone = dns.buildZone(cluster, { externalRecords });
  const zoneArtifact = dns.renderZone(zone);
  const nodeRc = dns.nodeResolvConf(cluster);
  return {
    zone,
    zoneArtifact,
    port: {
      fromPod: (pod, name) => toLookup(
        dns.resolve({ zone, resolvConf: dns.resolverFor(cluster, pod), name }),
        zoneArtifact,
      ),
      fromNode: (_node, name) => toLookup(dns.resolve({ zone, resolvConf: nodeRc, name }), zoneArtifact),
      fromClient: (client: ExternalClient, name) => toLookup(dns.resolveExternal({ zone, client, name }), zoneArtifact),
    },
  };
}
