import { beforeAll, describe, expect, it } from 'vitest';
import { loadCatalog, translate } from '../i18n';
import { hostsText, readClientForm } from './client-form';

describe('the client editor form', () => {
  beforeAll(() => loadCatalog('zh'));

  it('reads a name, an address and hosts lines in either order, as /etc/hosts allows', () => {
    const r = readClientForm({ name: 'laptop', address: '192.168.49.100', hosts: 'shop.example.com 192.168.49.2\n192.168.49.3  API.example.com\n# a comment\n' }, []);
    expect(r).toEqual({ client: { name: 'laptop', address: '192.168.49.100', hosts: { 'shop.example.com': '192.168.49.2', 'api.example.com': '192.168.49.3' } } });
    expect(hostsText({ 'shop.example.com': '192.168.49.2' })).toBe('shop.example.com 192.168.49.2');
  });

  it('says which field is wrong and why', () => {
    const r = readClientForm({ name: 'laptop', address: '300.1.1.1', hosts: 'shop.example.com\nok.example.com 10.0.0.1' }, ['laptop']);
    expect('errors' in r && r.errors.map((e) => [e.field, e.key, e.params])).toEqual([
      ['name', 'clients.err.taken', { name: 'laptop' }],
      ['address', 'clients.err.address', { address: '300.1.1.1' }],
      ['hosts', 'clients.err.hosts', { line: 1, text: '"shop.example.com"' }],
    ]);
  });

  it('names each bad hosts line by its number and its text, so two bad lines are two different errors', () => {
    const r = readClientForm({ name: 'c3', address: '198.51.100.9', hosts: 'garbage line here\n\n  foo  ' }, []);
    expect('errors' in r && r.errors.map((e) => [e.field, e.key, e.params])).toEqual([
      ['hosts', 'clients.err.hosts', { line: 1, text: '"garbage line here"' }],
      ['hosts', 'clients.err.hosts', { line: 3, text: '"foo"' }],
    ]);
    expect(translate('en', 'clients.err.hosts', { line: 3, text: '"foo"' })).toBe(
      'Line 3, "foo": write "name address", e.g. "shop.example.com 192.168.49.2".',
    );
    expect(translate('zh', 'clients.err.hosts', { line: 3, text: '"foo"' })).toContain('第 3 行 "foo"');
  });

  it("refuses an empty name and the default client's name", () => {
    expect('errors' in readClientForm({ name: ' ', address: '198.51.100.1', hosts: '' }, []) && true).toBe(true);
    const r = readClientForm({ name: 'internet', address: '198.51.100.1', hosts: '' }, []);
    expect('errors' in r && r.errors[0]!.key).toBe('clients.err.reserved');
  });
});
