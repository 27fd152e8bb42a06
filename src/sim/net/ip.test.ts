import { describe, expect, it } from 'vitest';
import { expandAddressPool, formatIPv6, ipv6Groups, isIPv6 } from './ip';

describe('expandAddressPool', () => {
  it('takes addresses, CIDRs and ranges, in order, without duplicates', () => {
    expect(expandAddressPool(['198.51.100.7', '192.168.49.240/30', '10.0.0.9-10.0.0.10', '198.51.100.7'])).toEqual([
      '198.51.100.7', '192.168.49.240', '192.168.49.241', '192.168.49.242', '192.168.49.243', '10.0.0.9', '10.0.0.10',
    ]);
  });
  it('skips what is not an address and caps the size', () => {
    expect(expandAddressPool(['nonsense', '10.0.0.0/8'], 3)).toEqual(['10.0.0.0', '10.0.0.1', '10.0.0.2']);
  });
});

describe('IPv6 text', () => {
  it.each([
    ['::1', [0, 0, 0, 0, 0, 0, 0, 1], '::1'],
    ['fe00::0', [0xfe00, 0, 0, 0, 0, 0, 0, 0], 'fe00::'],
    ['FF02:0:0:0:0:0:0:0002', [0xff02, 0, 0, 0, 0, 0, 0, 2], 'ff02::2'],
    ['::ffff:10.0.0.1', [0, 0, 0, 0, 0, 0xffff, 0x0a00, 1], '::ffff:10.0.0.1'],
    ['::10.0.0.1', [0, 0, 0, 0, 0, 0, 0x0a00, 1], '::10.0.0.1'],
    ['1:0:0:2:0:0:0:3', [1, 0, 0, 2, 0, 0, 0, 3], '1:0:0:2::3'],
    ['1:0:1:0:1:0:1:0', [1, 0, 1, 0, 1, 0, 1, 0], '1:0:1:0:1:0:1:0'],
    ['::', [0, 0, 0, 0, 0, 0, 0, 0], '::'],
  ])('%s reads as inet_pton does and prints as inet_ntop does', (text, groups, printed) => {
    expect(ipv6Groups(text)).toEqual(groups);
    expect(isIPv6(text)).toBe(true);
    expect(formatIPv6(groups)).toBe(printed);
  });

  it.each(['1.2.3.4::', '1::2::3', ':1', '1:2:3:4:5:6:7:8:9', '1:2:3:4:5:6:7::8', '::010.0.0.1', '12345::', 'g::'])(
    '%s is not an IPv6 address',
    (text) => {
      expect(ipv6Groups(text)).toBeNull();
      expect(isIPv6(text)).toBe(false);
    },
  );
});
