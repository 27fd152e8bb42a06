// kube-proxy's iptables chain names and probability strings (pkg/proxy/iptables/proxier.go:
// portProtoHash, servicePortEndpointChainName, computeProbability). SEMANTICS.md 2.2 and 2.4.

import { sha256 } from './sha256';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** The first `n` characters of RFC 4648 base32 (Go's base32.StdEncoding) of sha256(text). */
function hashPrefix(text: string, n: number): string {
  const bytes = sha256(text);
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const b of bytes) {
    buffer = (buffer << 8) | b;
    bits += 8;
    while (bits >= 5 && out.length < n) {
      out += BASE32[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
    if (out.length >= n) break;
    buffer &= (1 << bits) - 1;
  }
  return out;
}

/** portProtoHash: 16 base32 characters of sha256(servicePortName + lower-case protocol). */
export function portProtoHash(servicePortName: string, protocol: string): string {
  return hashPrefix(servicePortName + protocol.toLowerCase(), 16);
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
  return `KUBE-SEP-${hashPrefix(servicePortName + protocol.toLowerCase() + endpoint, 16)}`;
}

/** computeProbability: fmt.Sprintf("%0.10f", 1.0/n); Go rounds to nearest, like toFixed for these values. */
export function computeProbability(n: number): string {
  return (1 / n).toFixed(10);
}
