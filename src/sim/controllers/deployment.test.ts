import { describe, expect, it } from 'vitest';
import { podTemplateHash } from './deployment';
import { applyChange, reconcile } from './reconcile';
import { defaultLabSettings } from '../lab';
import { fnv1a32 } from '../util/hash';
import { SAFE_ALPHABET } from '../api/store';
import type { Deployment, PodTemplateSpec } from '../api/types';

/** The canonical text as it was first written: keys sorted, undefined fields left out. */
function canonicalText(v: unknown, missing = 'undefined'): string {
  if (Array.isArray(v)) return `[${v.map((x) => canonicalText(x, '')).join(',')}]`;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    const keys = Object.keys(o).sort().filter((k) => o[k] !== undefined);
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalText(o[k])}`).join(',')}}`;
  }
  return JSON.stringify(v) ?? missing;
}

/** controller.ComputeHash over that text: FNV-32a, decimal digits through SafeEncodeString's alphabet. */
function expectedHash(t: unknown, collisionCount = 0): string {
  const h = fnv1a32(canonicalText(t) + (collisionCount ? String(collisionCount) : ''));
  return [...String(h)].map((c) => SAFE_ALPHABET[c.charCodeAt(0) % SAFE_ALPHABET.length]).join('');
}

describe('podTemplateHash', () => {
  const templates: unknown[] = [
    { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', ports: [{ containerPort: 80 }] }] } },
    { spec: { containers: [], dnsPolicy: 'ClusterFirst', terminationGracePeriodSeconds: 30, hostNetwork: false } },
    // Keys out of order, characters JSON escapes, undefined and null values, nested arrays, numbers.
    {
      spec: { containers: [{ name: 'é"\\\n', args: ['a', undefined, null, [1.5, -2, 1e21]] }], z: undefined },
      metadata: { annotations: { 'b/x': 'ü', a: '' }, labels: {} },
    },
    { metadata: {}, spec: { containers: [{ name: 'c', env: [{ name: 'K', value: '\u0001' }] }], f: () => 1 } },
  ];

  it('hashes the canonical text of a template, whatever order its keys came in', () => {
    for (const t of templates) {
      expect(podTemplateHash(t as PodTemplateSpec)).toBe(expectedHash(t));
      expect(podTemplateHash(t as PodTemplateSpec, 2)).toBe(expectedHash(t, 2));
    }
    const reordered = {
      spec: { containers: [{ ports: [{ containerPort: 80 }], name: 'c' }] },
      metadata: { labels: { app: 'web' } },
    };
    expect(podTemplateHash(reordered as PodTemplateSpec)).toBe(podTemplateHash(templates[0] as PodTemplateSpec));
  });
});

describe('FindNewReplicaSet', () => {
  const deployment = (template: PodTemplateSpec): Deployment => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web' },
    spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template },
  });
  const template = (image: string): PodTemplateSpec => ({
    metadata: { labels: { app: 'web' } },
    spec: { containers: [{ name: 'c', image }] },
  });

  it('adopts a ReplicaSet whose template equals the Deployment\'s but for pod-template-hash', () => {
    const d = deployment(template('nginx'));
    const rs = {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: 'web-given',
        labels: { app: 'web', 'pod-template-hash': 'given' },
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: 'u', controller: true }],
      },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'web', 'pod-template-hash': 'given' } },
        template: { metadata: { labels: { app: 'web', 'pod-template-hash': 'given' } }, spec: template('nginx').spec },
      },
    };
    const { cluster } = reconcile({ settings: defaultLabSettings(), objects: [d, rs] as never });
    const mine = cluster.replicaSets.filter((r) => r.metadata.name.startsWith('web-'));
    expect(mine.map((r) => r.metadata.name)).toEqual(['web-given']);
  });

  it('makes a new ReplicaSet for a changed template and scales the old one to 0', () => {
    const first = reconcile({ settings: defaultLabSettings(), objects: [deployment(template('nginx'))] });
    const replicas = (c: typeof first.cluster) => Object.fromEntries(
      c.replicaSets.filter((r) => r.metadata.name.startsWith('web-')).map((r) => [r.metadata.name, r.spec.replicas]),
    );
    const [old] = Object.keys(replicas(first.cluster));
    expect(Object.values(replicas(first.cluster))).toEqual([2]);
    // The same template again (a new object): the same ReplicaSet, nothing scaled.
    const same = applyChange(first.state, { kind: 'apply', object: deployment(template('nginx')) });
    expect(replicas(same.cluster)).toEqual(replicas(first.cluster));
    const changed = applyChange(same, { kind: 'apply', object: deployment(template('httpd')) });
    const after = replicas(changed.cluster);
    expect(after[old!]).toBe(0);
    expect(Object.values(after).sort()).toEqual([0, 2]);
  });
});
