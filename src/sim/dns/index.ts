// Cluster DNS: the zone CoreDNS serves, its answers, a pod's resolver and dig/nslookup views.
export * from './types';
export { fqdn, reverseName, dashedIP } from './names';
export {
  buildZone,
  zoneOrigin,
  kubeDnsIP,
  nodeNameserver,
  srvWeight,
  COREDNS_TTL,
  DNS_SCHEMA_VERSION,
  UPSTREAM_TTL,
} from './zone';
export type { BuildZoneOptions } from './zone';
export { query, queryUpstream, PODS_INSECURE_REF, UPSTREAM_NXDOMAIN_REF } from './query';
export {
  resolverFor,
  nodeResolvConf,
  candidateNames,
  resolve,
  resolveExternal,
  OUTSIDE_RESOLVER,
  MAX_NAMESERVERS,
  MAX_SEARCH_PATHS,
} from './resolver';
export type { ResolveInput, ExternalResolveInput } from './resolver';
export {
  podHostsFile,
  nodeHostsFile,
  clientHostsFile,
  podHostname,
  lookupHosts,
  hostsEntryId,
} from './hosts';
export type { HostsFile, HostsLine, HostsEntry } from './hosts';
export {
  renderDig,
  renderNslookup,
  renderZone,
  zoneArtifactHead,
  renderPublicDns,
  publicDnsArtifactHead,
  renderHosts,
  renderHostsFile,
  hostsArtifactId,
  podHostsArtifactHead,
  podResolvConfArtifactHead,
  nodeHostsArtifactHead,
  nodeResolvConfArtifactHead,
  renderResolvConf,
  nameserverRef,
  digJson,
  rrLine,
  rdataText,
  messageSize,
  messageId,
  DIG_VERSION,
  DEFAULT_WHEN,
} from './render';
export type { DigOptions, NslookupOptions, DigJson, DigJsonRecord } from './render';
