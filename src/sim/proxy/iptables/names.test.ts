import { describe, expect, it } from 'vitest';
import { computeProbability, endpointChainName, portProtoHash, serviceChainNames } from './names';

describe('kube-proxy chain names (SEMANTICS.md 2.2)', () => {
  it.each([
    ['default/kubernetes:https', 'tcp', 'NPX46M4PTMTKRN6Y'],
    ['kube-system/kube-dns:dns', 'udp', 'TCOU7JCQXEZGVUNU'],
    ['kube-system/kube-dns:dns-tcp', 'tcp', 'ERIFXISQEP7F7OF4'],
    ['kube-system/kube-dns:metrics', 'tcp', 'JD5MR3NA4I4DYORP'],
    ['ns1/svc1:p80', 'tcp', 'XPGD46QRK7WJZT7O'],
    ['ns1/svc1', 'tcp', 'AQI2S6QIMU7PVVRP'],
    ['ns5/svc5:p80', 'TCP', 'NUKIZ6OKUXPJNT4C'],
  ])('portProtoHash(%s, %s) = %s', (spn, proto, want) => {
    expect(portProtoHash(spn, proto)).toBe(want);
  });

  it('lower-cases the protocol, as kube-proxy does (upper-case TCP would give K3MJT43CHHU6KRST)', () => {
    expect(portProtoHash('default/kubernetes:https', 'TCP')).toBe('NPX46M4PTMTKRN6Y');
  });

  it('names the four per-service chains with one hash', () => {
    expect(serviceChainNames('ns1/svc1:p80', 'tcp')).toEqual({
      svc: 'KUBE-SVC-XPGD46QRK7WJZT7O',
      svl: 'KUBE-SVL-XPGD46QRK7WJZT7O',
      ext: 'KUBE-EXT-XPGD46QRK7WJZT7O',
      fw: 'KUBE-FW-XPGD46QRK7WJZT7O',
    });
  });

  it.each([
    ['ns1/svc1:p80', '10.180.0.1:80', 'KUBE-SEP-SXIVWICOYRO3J4NJ'],
    ['ns1/svc1:p80', '10.0.1.1:80', 'KUBE-SEP-SNQ3ZNILQDEJNDQO'],
    ['ns1/svc1', '10.0.1.1:80', 'KUBE-SEP-3JOIVZTXZZRGORX4'],
  ])('endpoint chain of %s -> %s is %s', (spn, ep, want) => {
    expect(endpointChainName(spn, 'tcp', ep)).toBe(want);
  });

  it.each([
    [1, '1.0000000000'],
    [2, '0.5000000000'],
    [3, '0.3333333333'],
    [10, '0.1000000000'],
    [100001, '0.0000099999'],
  ])('computeProbability(%i) = %s', (n, want) => {
    expect(computeProbability(n)).toBe(want);
  });
});
