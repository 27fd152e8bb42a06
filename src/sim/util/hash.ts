// The hashes real components name their chains with: kube-proxy (sha256, base32) and the CNI
// portmap plugin (sha512, hex). @noble/hashes is synchronous and runs the same in Node and browsers.

import { sha256, sha512 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** The first `chars` characters of RFC 4648 base32 (Go's base32.StdEncoding) of sha256(text). */
export function sha256Base32(text: string, chars: number): string {
  const bytes = sha256(utf8ToBytes(text));
  let out = '';
  let bits = 0;
  let value = 0;
  for (const b of bytes) {
    value = ((value << 8) | b) & 0xffff;
    bits += 8;
    while (bits >= 5 && out.length < chars) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    if (out.length >= chars) break;
  }
  return out;
}

/** sha512(text) in lower-case hex. */
export function sha512Hex(text: string): string {
  return bytesToHex(sha512(utf8ToBytes(text)));
}

/** FNV-1a's 32-bit offset basis and prime (draft-eastlake-fnv). */
const FNV32_OFFSET = 0x811c9dc5;
const FNV32_PRIME = 0x01000193;

/**
 * 32-bit FNV-1a, unsigned, over the UTF-16 code units of `text[start..]` (for ASCII, the same as
 * FNV-1a over its bytes, which is what Go's hash/fnv New32a computes), continuing from `seed`.
 * Pod-template hashes (so pod names), load-balancer flow hashing and the store's shards all use it;
 * its values must never change, or names and load-balancing choices in saved labs would.
 */
export function fnv1a32(text: string, start = 0, seed = FNV32_OFFSET): number {
  let h = seed;
  for (let i = start; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), FNV32_PRIME);
  return h >>> 0;
}

/** The FNV-1a state after one extra unit `n` (e.g. a length) before the text: a seed for `fnv1a32`. */
export function fnv1a32Mix(n: number, seed = FNV32_OFFSET): number {
  return Math.imul(seed ^ n, FNV32_PRIME) >>> 0;
}
