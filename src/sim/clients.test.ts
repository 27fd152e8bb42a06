import { describe, expect, it } from 'vitest';
import { DEFAULT_CLIENT, findClient, labClients } from './clients';

const laptop = { name: 'laptop', address: '192.168.49.100' };

describe('the lab\'s outside clients', () => {
  it('a scenario with no clients still has the default one, on a documentation address', () => {
    expect(labClients([])).toEqual([{ name: 'internet', address: '203.0.113.100' }]);
    expect(DEFAULT_CLIENT.address).toMatch(/^203\.0\.113\./);
  });

  it("the scenario's own clients come in addition, and one named like the default replaces it", () => {
    expect(labClients([laptop]).map((c) => c.name)).toEqual(['internet', 'laptop']);
    const own = { name: 'internet', address: '198.51.100.1' };
    expect(labClients([own, laptop])).toEqual([own, laptop]);
  });

  it('is idempotent: a list that already has the default gets no second one', () => {
    expect(labClients(labClients([laptop]))).toEqual(labClients([laptop]));
  });

  it('external picks the default client, external:<name> a scenario client, ' +
    'external:<ip> a machine at that address', () => {
    expect(findClient([laptop], {})).toEqual({ ok: true, client: DEFAULT_CLIENT });
    expect(findClient([laptop], { client: 'laptop' })).toEqual({ ok: true, client: laptop });
    expect(findClient([laptop], { address: '192.168.49.100' })).toEqual({ ok: true, client: laptop });
    expect(findClient([], { address: '198.51.100.9' })).toEqual({
      ok: true,
      client: { name: '198.51.100.9', address: '198.51.100.9' },
    });
  });

  it('a client that does not exist is an error naming those that do', () => {
    expect(findClient([laptop], { client: 'phone' })).toEqual({
      ok: false,
      message: 'no external client "phone" in this lab (clients: internet, laptop)',
    });
  });
});
