import { describe, expect, it } from 'vitest';
import { reconcile } from './reconcile';
import { defaultLabSettings } from '../lab';
import type { AnyObject } from '../api/store';

// Loaded scenarios are hostile: each malformed object becomes a problem, never an exception, and the
// rest of the scenario still reconciles.
const malformed: [string, unknown, string | RegExp][] = [
  [
    'Deployment without spec',
    { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' } },
    'The Deployment "d" is invalid: spec.selector: Required value',
  ],
  [
    'DaemonSet without spec',
    { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'ds' } },
    'The DaemonSet "ds" is invalid: spec.selector: Required value',
  ],
  [
    'ReplicaSet with empty spec',
    { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'rs' }, spec: {} },
    'The ReplicaSet "rs" is invalid: spec.selector: Required value',
  ],
  [
    'Service without spec',
    { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' } },
    'The Service "s" is invalid: spec.ports: Required value',
  ],
  [
    'Service port without number',
    { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { ports: [{}] } },
    'The Service "s" is invalid: spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive',
  ],
  [
    'ports not a list',
    { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { ports: 'x' } },
    'error validating data: ValidationError(Service.spec.ports): ' +
      'invalid type for io.k8s.api.core.v1.ServiceSpec.ports: got "string", expected "array"',
  ],
  [
    'Pod without spec',
    { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' } },
    'The Pod "p" is invalid: spec.containers: Required value',
  ],
  [
    'container without name',
    { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{}] } },
    'The Pod "p" is invalid: spec.containers[0].name: Required value',
  ],
  [
    'object without metadata',
    { apiVersion: 'v1', kind: 'Pod' },
    'error validating data: ValidationError(Pod): missing required field "metadata"',
  ],
  [
    'Ingress without spec',
    { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'i' } },
    /either `defaultBackend` or `rules` must be specified/,
  ],
  [
    'Ingress rule without paths',
    { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'i' }, spec: { rules: [{ http: {} }] } },
    'The Ingress "i" is invalid: spec.rules[0].http.paths: Required value',
  ],
  [
    'Endpoints address without ip',
    { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'e' }, subsets: [{ addresses: [{}] }] },
    /subsets\[0\]\.addresses\[0\]\.ip: Invalid value/,
  ],
  [
    'EndpointSlice without addressType',
    { apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { name: 'es' } },
    'The EndpointSlice "es" is invalid: addressType: Required value',
  ],
  [
    'Node addresses not a list',
    { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n' }, status: { addresses: 'x' } },
    /ValidationError\(Node\.status\.addresses\)/,
  ],
  [
    'IngressClass without controller',
    { apiVersion: 'networking.k8s.io/v1', kind: 'IngressClass', metadata: { name: 'ic' } },
    'The IngressClass "ic" is invalid: spec.controller: Required value',
  ],
  [
    'Namespace without name',
    { apiVersion: 'v1', kind: 'Namespace', metadata: {} },
    'The Namespace "" is invalid: metadata.name: Required value: name or generateName is required',
  ],
];

describe('malformed objects', () => {
  it.each(malformed)('%s is reported, the rest reconciles', (_name, obj, message) => {
    const good = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'ok' }, spec: { ports: [{ port: 80 }] } };
    const r = reconcile({ settings: defaultLabSettings(), objects: [obj as AnyObject, good as AnyObject] });
    const messages = r.problems.map((p) => p.message);
    if (typeof message === 'string') expect(messages).toContain(message);
    else expect(messages.some((m) => message.test(m))).toBe(true);
    expect(r.cluster.services.map((s) => s.metadata.name)).toContain('ok');
  });
});
