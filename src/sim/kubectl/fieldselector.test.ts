import { describe, expect, it } from 'vitest';
import { fieldsMatch, parseFieldSelector, unsupportedField } from './fieldselector';
import type { Listed } from './resources';

const terms = (s: string) => {
  const p = parseFieldSelector(s);
  if ('error' in p) throw new Error(p.error);
  return p.terms;
};
const errorOf = (s: string) => {
  const p = parseFieldSelector(s);
  return 'error' in p ? p.error : 'parsed';
};

describe('field selectors as fields.ParseSelector reads them', () => {
  it('splits at unescaped commas, takes !=, == and =, and unescapes values', () => {
    expect(terms('status.phase!=Running,spec.nodeName==node-1')).toEqual([
      { field: 'spec.nodeName', negate: false, value: 'node-1' },
      { field: 'status.phase', negate: true, value: 'Running' },
    ]);
    expect(terms('metadata.name=a\\,b\\=c\\\\d'))
      .toEqual([{ field: 'metadata.name', negate: false, value: 'a,b=c\\d' }]);
    expect(terms('metadata.name=')).toEqual([{ field: 'metadata.name', negate: false, value: '' }]);
    expect(terms('')).toEqual([]);
  });

  it('refuses in the package\'s words', () => {
    expect(errorOf('nonsense')).toBe("invalid selector: 'nonsense'; can't understand 'nonsense'");
    expect(errorOf('a=b=c')).toBe('invalid field selector: unescaped character in value: 61');
    expect(errorOf('a=b\\x')).toBe('invalid field selector: invalid escape sequence: \\x');
  });

  it('serves the fields each kind\'s conversion serves', () => {
    expect(unsupportedField('Pod', 'spec.nodeName')).toBeUndefined();
    expect(unsupportedField('Pod', 'foo')).toBe('field label not supported: foo');
    expect(unsupportedField('Node', 'metadata.namespace')).toBe('field label not supported: metadata.namespace');
    expect(unsupportedField('Deployment', 'spec.replicas')).toBe(
      '"spec.replicas" is not a known field selector: only "metadata.name", "metadata.namespace"',
    );
    expect(unsupportedField('Service', 'spec.type')).toBeUndefined();
  });

  it('compares the selectable fields as text, defaults included', () => {
    const pod = {
      kind: 'Pod',
      metadata: { name: 'p', namespace: 'default' },
      spec: { nodeName: 'node-1', hostNetwork: false },
      status: { phase: 'Running', podIP: '10.0.0.5', podIPs: [{ ip: '10.0.0.5' }] },
    } as unknown as Listed;
    expect(fieldsMatch('Pod', terms('spec.nodeName=node-1,status.phase=Running'), pod)).toBe(true);
    expect(fieldsMatch('Pod', terms('spec.hostNetwork=false,spec.serviceAccountName=default'), pod)).toBe(true);
    expect(fieldsMatch('Pod', terms('spec.host=node-2'), pod)).toBe(false);
    expect(fieldsMatch('Pod', terms('status.podIP!=10.0.0.5'), pod)).toBe(false);
    const svc = { kind: 'Service', metadata: { name: 's' }, spec: {} } as unknown as Listed;
    expect(fieldsMatch('Service', terms('spec.type=ClusterIP'), svc)).toBe(true);
  });
});
