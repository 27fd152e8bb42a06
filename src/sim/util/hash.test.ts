import { describe, expect, it } from 'vitest';
import { sha256Base32, sha512Hex } from './hash';

describe('chain-name hashes', () => {
  it('base32 of sha256 as Go encodes it', () => {
    // sha256("") = e3b0c442...; base32 (RFC 4648) of those bytes starts 4OYMIQUY7QOBJGX3.
    expect(sha256Base32('', 16)).toBe('4OYMIQUY7QOBJGX3');
    expect(sha256Base32('', 8)).toBe('4OYMIQUY');
    // kube-proxy's own expected output (pkg/proxy/iptables/proxier_test.go): ns1/svc1:p80 + tcp.
    expect(`KUBE-SVC-${sha256Base32('ns1/svc1:p80tcp', 16)}`).toBe('KUBE-SVC-XPGD46QRK7WJZT7O');
  });

  it('sha512 in hex (FIPS 180-2 "abc")', () => {
    expect(sha512Hex('abc')).toBe('ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f');
  });
});
