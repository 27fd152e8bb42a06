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
  it('ReferenceGrant loads at v1beta1 and v1 and exports unchanged', () => {
    const text = 'apiVersion: gateway.networking.k8s.io/v1beta1\nkind: ReferenceGrant\nmetadata: {name: g, namespace: other}\nspec:\n  from: [{group: gateway.networking.k8s.io, kind: HTTPRoute, namespace: default}]\n  to: [{group: "", kind: Service}]\n';
    const r = loadScenarioText('g.yaml', text);
    expect(r.ok && r.scenario.objects[0]).toEqual({ apiVersion: 'gateway.networking.k8s.io/v1beta1', kind: 'ReferenceGrant', metadata: { name: 'g', namespace: 'other' }, spec: { from: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: 'default' }], to: [{ group: '', kind: 'Service' }] } });
  });
});
