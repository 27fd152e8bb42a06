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
