// kube-proxy's iptables chain names and probability strings (pkg/proxy/iptables/proxier.go:
// portProtoHash, servicePortEndpointChainName, computeProbability). SEMANTICS.md 2.2 and 2.4.

import { sha256Words } from './sha256';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** The first 16 characters of RFC 4648 base32 (Go's base32.StdEncoding) of sha256(text): 80 bits, the first 10 bytes. */
function hash16(text: string): string {
  const w = sha256Words(text);
  // 80 bits = w[0] (32) + w[1] (32) + the top 16 bits of w[2], read 5 bits at a time.
  const hi = w[0]!;
  const mid = w[1]!;
  const lo = w[2]! >>> 16;
  let out = '';
  for (let i = 0; i < 16; i++) {
    const bit = i * 5; // offset from the most significant bit
    let v: number;
    if (bit + 5 <= 32) v = (hi >>> (27 - bit)) & 31;
    else if (bit < 32) v = ((hi << (bit - 27)) | (mid >>> (59 - bit))) & 31;
    else if (bit + 5 <= 64) v = (mid >>> (59 - bit)) & 31;
    else if (bit < 64) v = ((mid << (bit - 59)) | (lo >>> (75 - bit))) & 31;
    else v = (lo >>> (75 - bit)) & 31;
    out += BASE32[v];
  }
  return out;
}

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
  return `KUBE-SEP-${hash16(servicePortName + protocol.toLowerCase() + endpoint)}`;
}

/** computeProbability: fmt.Sprintf("%0.10f", 1.0/n); Go rounds to nearest, like toFixed for these values. */
export function computeProbability(n: number): string {
  return (1 / n).toFixed(10);
}
