// kube-proxy's iptables chain names and probability strings (pkg/proxy/iptables/proxier.go:
// portProtoHash, servicePortEndpointChainName, computeProbability). SEMANTICS.md 2.2 and 2.4.

import { sha256Base32 } from '../../util/hash';

/** The first 16 characters of RFC 4648 base32 (Go's base32.StdEncoding) of sha256(text). */
const hash16 = (text: string): string => sha256Base32(text, 16);

/** portProtoHash: 16 base32 characters of sha256(servicePortName + lower-case protocol). */
export function portProtoHash(servicePortName: string, protocol: string): string {
  return hash16(servicePortName + protocol.toLowerCase());
}

export interface ServiceChainNames {
  /** KUBE-SVC-: endpoints for Cluster traffic policy. */
  svc: string;
  /** KUBE-SVL-: endpoints for Local traffic policy. */
  svl: string;
  /** KUBE-EXT-: external destinations (NodePort, LB, externalIPs). */
  ext: string;
  /** KUBE-FW-: loadBalancerSourceRanges. */
  fw: string;
}

export function serviceChainNames(servicePortName: string, protocol: string): ServiceChainNames {
  const h = portProtoHash(servicePortName, protocol);
  return { svc: `KUBE-SVC-${h}`, svl: `KUBE-SVL-${h}`, ext: `KUBE-EXT-${h}`, fw: `KUBE-FW-${h}` };
}

/** KUBE-SEP-: sha256(servicePortName + protocol + "ip:port"), so it changes with the pod IP or target port. */
export function endpointChainName(servicePortName: string, protocol: string, endpoint: string): string {
  return sha256Base32([servicePortName, protocol.toLowerCase(), endpoint], 16, 'KUBE-SEP-');
}

/** computeProbability: fmt.Sprintf("%0.10f", 1.0/n); Go rounds to nearest, like toFixed for these values. */
export function computeProbability(n: number): string {
  return (1 / n).toFixed(10);
}

/** A service port's chain that chooses the endpoint: KUBE-SVC- (Cluster traffic policy) or KUBE-SVL- (Local). */
export function isPolicyChain(name: string): boolean {
  return name.startsWith('KUBE-SVC-') || name.startsWith('KUBE-SVL-');
}

/** A KUBE-SEP- chain: one endpoint's DNAT (and its hairpin masquerade mark). */
export function isEndpointChain(name: string): boolean {
  return name.startsWith('KUBE-SEP-');
}
