import { describe, expect, it } from 'vitest';
import { expandAddressPool } from './ip';

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
