// The Gateway API CRDs' validation as the loader reports it: the apiserver's words with file:line:col.

import { describe, expect, it } from 'vitest';
import { loadScenarioText } from './load';

describe('CRD validation in the apiserver words', () => {
  it('refuses a path that does not start with / and says where', () => {
    const r = loadScenarioText('bad.yaml', 'apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: {name: x}\nspec:\n  rules:\n  - matches:\n    - path: {value: foo}\n');
    const p = r.problems.find((x) => x.severity === 'error')!;
    expect(p.message).toContain(`HTTPRoute.gateway.networking.k8s.io "x" is invalid: spec.rules[0].matches[0].path: Invalid value: "object": value must be an absolute path and start with '/'`);
    expect(p.line).toBe(7);
  });
  it('enums, patterns and the backendRef port rule', () => {
    const r = loadScenarioText('bad.yaml', 'apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: {name: x}\nspec:\n  hostnames: [Foo.com]\n  rules:\n  - matches: [{method: FETCH}]\n    backendRefs: [{name: web}]\n');
    const text = r.problems.map((p) => p.message).join('\n');
    expect(text).toContain('spec.hostnames[0]: Invalid value: "Foo.com": spec.hostnames[0] in body should match');
    expect(text).toContain('spec.rules[0].matches[0].method: Unsupported value: "FETCH": supported values: "GET"');
    expect(text).toContain('spec.rules[0].backendRefs[0]: Invalid value: "object": Must have port for Service reference');
  });
  it('RequestMirror fraction and CORS limits (Fraction and HTTPCORSFilter in apis/v1)', () => {
    const head = 'apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: {name: x}\nspec:\n  rules:\n  - filters:\n';
    const mirror = (fraction: string) => `    - {type: RequestMirror, requestMirror: {backendRef: {name: m, port: 80}, fraction: ${fraction}}}\n`;
    const messages = (text: string) => loadScenarioText('bad.yaml', head + text).problems.map((p) => p.message).join('\n');
    expect(messages(mirror('{numerator: 3, denominator: 2}'))).toContain('spec.rules[0].filters[0].requestMirror.fraction: Invalid value: "object": numerator must be less than or equal to denominator');
    expect(messages(mirror('{numerator: 101}'))).toContain('numerator must be less than or equal to denominator');
    expect(messages(mirror('{numerator: 1, denominator: 0}'))).toContain('spec.rules[0].filters[0].requestMirror.fraction.denominator: Invalid value: 0');
    expect(messages(mirror('{numerator: 1, denominator: 3}'))).toBe('');
    expect(messages('    - {type: CORS, cors: {maxAge: 0}}\n')).toContain('spec.rules[0].filters[0].cors.maxAge: Invalid value: 0');
  });
  it('ReferenceGrant loads at v1beta1 and v1 and exports unchanged', () => {
    const text = 'apiVersion: gateway.networking.k8s.io/v1beta1\nkind: ReferenceGrant\nmetadata: {name: g, namespace: other}\nspec:\n  from: [{group: gateway.networking.k8s.io, kind: HTTPRoute, namespace: default}]\n  to: [{group: "", kind: Service}]\n';
    const r = loadScenarioText('g.yaml', text);
    expect(r.ok && r.scenario.objects[0]).toEqual({ apiVersion: 'gateway.networking.k8s.io/v1beta1', kind: 'ReferenceGrant', metadata: { name: 'g', namespace: 'other' }, spec: { from: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: 'default' }], to: [{ group: '', kind: 'Service' }] } });
  });
});
