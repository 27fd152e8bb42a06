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
  hostsEntryId,
  OUTSIDE_RESOLVER,
  MAX_NAMESERVERS,
  MAX_SEARCH_PATHS,
} from './resolver';
export type { ResolveInput, ExternalResolveInput } from './resolver';
export {
  renderDig,
  renderNslookup,
  renderZone,
  zoneArtifactHead,
  renderPublicDns,
  publicDnsArtifactHead,
  renderHosts,
  hostsArtifactId,
  renderResolvConf,
  digJson,
  rrLine,
  rdataText,
  messageSize,
  messageId,
  DIG_VERSION,
  DEFAULT_WHEN,
} from './render';
export type { DigOptions, NslookupOptions, DigJson, DigJsonRecord } from './render';
