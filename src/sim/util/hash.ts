// The hashes real components name their chains with: kube-proxy (sha256, base32) and the CNI
// portmap plugin (sha512, hex). @noble/hashes is synchronous and runs the same in Node and browsers.

import { sha512 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

// sha256 (FIPS 180-4) over one reused block buffer. kube-proxy hashes every service port and every
// endpoint into a chain name (60,000 names at 10k Services x 5 endpoints); @noble/hashes' general
// hasher allocates a hasher, its buffers and views per call, which made hashing a fifth of a full
// compile. hash.test.ts checks this against @noble/hashes on every length class.
const K256 = Int32Array.from([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);
const H256 = Int32Array.from([
  0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
]);
const shaState = new Int32Array(8);
const shaW = new Int32Array(64);
/** The padded message as big-endian 32-bit words, 16 a block (written in place, no byte buffer). */
let shaWords = new Int32Array(64);

/** The message (the parts one after the other, as UTF-8) padded to whole 64-byte blocks in
 *  `shaWords`; returns the number of blocks. Parts spare the caller a concatenated string to hash.
 *  A name is ASCII: its code units are its bytes, written straight into the words in one pass. */
function padMessage(parts: readonly string[]): number {
  let n = 0;
  for (let k = 0; k < parts.length; k++) n += parts[k]!.length;
  const m = messageWords(n);
  let at = 0;
  let high = 0;
  for (let k = 0; k < parts.length; k++) {
    const p = parts[k]!;
    for (let i = 0; i < p.length; i++, at++) {
      const c = p.charCodeAt(i);
      high |= c;
      m[at >>> 2] |= c << (24 - ((at & 3) << 3));
    }
  }
  if (high > 0x7f) return padBytes(utf8ToBytes(parts.join('')));
  return endMessage(m, n);
}

/** Zeroed words for an n-byte message and its padding. */
function messageWords(n: number): Int32Array {
  const words = ((n + 9 + 63) >>> 6) << 4;
  if (shaWords.length < words) shaWords = new Int32Array(words * 2);
  const m = shaWords;
  for (let i = 0; i < words; i++) m[i] = 0;
  return m;
}

/** A message beyond ASCII, as its UTF-8 bytes. */
function padBytes(bytes: Uint8Array): number {
  const m = messageWords(bytes.length);
  for (let at = 0; at < bytes.length; at++) m[at >>> 2] |= bytes[at]! << (24 - ((at & 3) << 3));
  return endMessage(m, bytes.length);
}

/** The 0x80 after the message and its length in bits in the last block's last two words. */
function endMessage(m: Int32Array, n: number): number {
  m[n >>> 2] |= 0x80 << (24 - ((n & 3) << 3));
  const blocks = (n + 9 + 63) >>> 6;
  const last = (blocks << 4) - 1;
  m[last - 1] = Math.floor(n / 0x20000000);
  m[last] = (n * 8) | 0;
  return blocks;
}

/** One 64-byte block (16 words at `off`) into `shaState`. */
function compressBlock(words: Int32Array, off: number): void {
  const w = shaW;
  for (let i = 0; i < 16; i++) w[i] = words[off + i]!;
  for (let i = 16; i < 64; i++) {
    const x = w[i - 15]!;
    const y = w[i - 2]!;
    const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
    const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
    w[i] = (w[i - 16]! + s0 + w[i - 7]! + s1) | 0;
  }
  const h = shaState;
  let a = h[0]!, b = h[1]!, c = h[2]!, d = h[3]!, e = h[4]!, f = h[5]!, g = h[6]!, k = h[7]!;
  for (let i = 0; i < 64; i++) {
    const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
    const t1 = (k + S1 + ((e & f) ^ (~e & g)) + K256[i]! + w[i]!) | 0;
    const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
    const t2 = (S0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
    k = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + t2) | 0;
  }
  h[0] = (h[0]! + a) | 0;
  h[1] = (h[1]! + b) | 0;
  h[2] = (h[2]! + c) | 0;
  h[3] = (h[3]! + d) | 0;
  h[4] = (h[4]! + e) | 0;
  h[5] = (h[5]! + f) | 0;
  h[6] = (h[6]! + g) | 0;
  h[7] = (h[7]! + k) | 0;
}

const BASE32_CODES = Array.from(BASE32, (c) => c.charCodeAt(0));
/** Scratch arrays of character codes, one per name length, written in place: emptying and refilling
 *  one array (as a push loop needs) frees and regrows its backing store on every name. */
const nameCodes: number[][] = [];

/** `prefix` and the first `chars` characters of RFC 4648 base32 (Go's base32.StdEncoding) of
 *  sha256(text) (`text` given whole or as parts to hash one after the other), as one flat string: a
 *  name concatenated piece by piece is a tree of string pieces that the payload's name order, map
 *  lookups and rendering would each walk or flatten again. */
export function sha256Base32(text: string | readonly string[], chars: number, prefix = ''): string {
  const blocks = padMessage(typeof text === 'string' ? [text] : text);
  shaState.set(H256);
  for (let b = 0; b < blocks; b++) compressBlock(shaWords, b << 4);
  const end = prefix.length + chars;
  const codes = (nameCodes[end] ??= new Array<number>(end).fill(0));
  let n = 0;
  for (; n < prefix.length; n++) codes[n] = prefix.charCodeAt(n);
  let bits = 0;
  let value = 0;
  for (let i = 0; i < 32 && n < end; i++) {
    const byte = (shaState[i >>> 2]! >>> (24 - 8 * (i & 3))) & 255;
    value = ((value << 8) | byte) & 0xffff;
    bits += 8;
    while (bits >= 5 && n < end) {
      codes[n++] = BASE32_CODES[(value >>> (bits - 5)) & 31]!;
      bits -= 5;
    }
  }
  // 256 bits make 51 characters: a longer request gets what there is, as before.
  return String.fromCharCode.apply(null, n < end ? codes.slice(0, n) : codes);
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

/**
 * 32-bit FNV-1 (multiply, then xor: Go's hash/fnv New32, not New32a), unsigned, over the UTF-8 bytes
 * of `text`: what history.HashControllerRevision hashes a StatefulSet's revision with.
 */
export function fnv132(text: string): number {
  let h = FNV32_OFFSET;
  let ascii = true;
  for (let i = 0; i < text.length && ascii; i++) ascii = text.charCodeAt(i) < 0x80;
  if (ascii) {
    for (let i = 0; i < text.length; i++) h = Math.imul(h, FNV32_PRIME) ^ text.charCodeAt(i);
  } else {
    for (const b of utf8ToBytes(text)) h = Math.imul(h, FNV32_PRIME) ^ b;
  }
  return h >>> 0;
}

/** The FNV-1a state after one extra unit `n` (e.g. a length) before the text: a seed for `fnv1a32`. */
export function fnv1a32Mix(n: number, seed = FNV32_OFFSET): number {
  return Math.imul(seed ^ n, FNV32_PRIME) >>> 0;
}
