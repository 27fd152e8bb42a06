import { describe, expect, it } from 'vitest';
import { sha256 } from '@noble/hashes/sha2.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { fnv132, fnv1a32, fnv1a32Mix, sha256Base32, sha512Hex } from './hash';

describe('chain-name hashes', () => {
  it('base32 of sha256 as Go encodes it', () => {
    // sha256("") = e3b0c442...; base32 (RFC 4648) of those bytes starts 4OYMIQUY7QOBJGX3.
    expect(sha256Base32('', 16)).toBe('4OYMIQUY7QOBJGX3');
    expect(sha256Base32('', 8)).toBe('4OYMIQUY');
    // kube-proxy's own expected output (pkg/proxy/iptables/proxier_test.go): ns1/svc1:p80 + tcp.
    expect(`KUBE-SVC-${sha256Base32('ns1/svc1:p80tcp', 16)}`).toBe('KUBE-SVC-XPGD46QRK7WJZT7O');
  });

  it('sha256 agrees with @noble/hashes at every padding boundary, ASCII and UTF-8', () => {
    // Go's base32 of the digest's first bytes, from the library's digest.
    const base32 = (bytes: Uint8Array, chars: number) => {
      let bits = '';
      for (const b of bytes) bits += b.toString(2).padStart(8, '0');
      let out = '';
      const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
      for (let i = 0; i < chars; i++) out += alphabet[parseInt(bits.slice(i * 5, i * 5 + 5), 2)];
      return out;
    };
    const texts: string[] = [];
    for (let n = 0; n <= 200; n++) texts.push('k'.repeat(n), `ns-${n}/svc:${'x'.repeat(n)}`);
    texts.push('ns/caf\u00e9:http', '\u4e2d\u6587/\u670d\u52a1:80tcp', '\ud83d\ude00'.repeat(40));
    for (const t of texts) expect(sha256Base32(t, 51)).toBe(base32(sha256(utf8ToBytes(t)), 51));
    // In parts, one after the other, split anywhere (a surrogate pair included): the same digest.
    for (const t of texts) {
      const at = t.length >> 1;
      expect(sha256Base32([t.slice(0, at), '', t.slice(at)], 51, 'P-')).toBe(`P-${base32(sha256(utf8ToBytes(t)), 51)}`);
    }
  });

  it('sha512 in hex (FIPS 180-2 "abc")', () => {
    expect(sha512Hex('abc')).toBe(
      'ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a' +
        '2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f',
    );
  });
});

describe('FNV-1, 32-bit', () => {
  it('matches the published test vectors (Go hash/fnv New32), over UTF-8 bytes', () => {
    expect(fnv132('')).toBe(0x811c9dc5);
    expect(fnv132('a')).toBe(0x050c5d7e);
    expect(fnv132('foobar')).toBe(0x31f0b262);
    // 'ü' is two bytes in UTF-8 (0xc3 0xbc), as Go writes a string into the hash.
    expect(fnv132('\u00fc')).toBe(3463954920);
  });
});

describe('FNV-1a, 32-bit', () => {
  it('matches the published test vectors (Go hash/fnv New32a)', () => {
    expect(fnv1a32('')).toBe(0x811c9dc5);
    expect(fnv1a32('a')).toBe(0xe40c292c);
    expect(fnv1a32('foobar')).toBe(0xbf9cf968);
  });

  it('keeps the values pod names and load-balancer choices were made with', () => {
    expect(fnv1a32('10.0.0.1:40000>203.0.113.10:80')).toBe(839387190);
    expect(fnv1a32('Pod/default/web-7d4b9c6f5-abcde')).toBe(254132308);
    // Over UTF-16 code units, not UTF-8 bytes: 'ü' is one unit, 0xfc.
    expect(fnv1a32('\u00fc')).toBe(2030796987);
  });

  it('hashes a suffix after a mixed-in length (the store\'s shard key)', () => {
    const shardKey = (k: string) => fnv1a32(k, Math.max(0, k.length - 12), fnv1a32Mix(k.length));
    expect(shardKey('')).toBe(84696351);
    expect(shardKey('a')).toBe(1282717207);
    expect(shardKey('foobar')).toBe(3633395908);
    expect(shardKey('Pod/default/web-7d4b9c6f5-abcde')).toBe(3212985181);
  });
});
