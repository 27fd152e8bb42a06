// Binds the tracer's DNS port to cluster DNS: every lookup runs the real resolver over the zone,
// and the lines it points at are the zone listing's lines.

import { findLine, type ArtifactRef, type RenderedArtifact } from '../artifact';
import type { Cluster, ExternalClient } from '../cluster';
import * as dns from '../dns/index';
import type { DnsLookup, DnsPort } from '../trace/ports';

function toLookup(r: dns.ResolveResult, zoneArtifact: RenderedArtifact): DnsLookup {
  const final = r.final;
  const refs: ArtifactRef[] = (final.ref ?? []).map((id) => findLine(zoneArtifact, id)).filter((x): x is ArtifactRef => !!x);
  const server = final.origin === 'hosts' ? 'hosts' : final.origin === 'upstream' && !r.server ? 'upstream' : r.server || 'upstream';
  return {
    rcode: final.origin === 'timeout' ? 'TIMEOUT' : final.rcode,
    addresses: final.answers.flatMap((rr) => (rr.type === 'A' ? [rr.address] : [])),
    cnames: final.answers.flatMap((rr) => (rr.type === 'CNAME' ? [rr.target] : [])),
    queries: r.queriesSent.map((q) => ({ name: q.name, type: q.type, rcode: q.rcode })),
    refs,
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
      fromPod: (pod, name) => toLookup(dns.resolve({ zone, resolvConf: dns.resolverFor(cluster, pod), name }), zoneArtifact),
      fromNode: (_node, name) => toLookup(dns.resolve({ zone, resolvConf: nodeRc, name }), zoneArtifact),
      fromClient: (client: ExternalClient, name) => toLookup(dns.resolveExternal({ zone, client, name }), zoneArtifact),
    },
  };
}
