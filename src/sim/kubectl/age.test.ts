import { describe, expect, it } from 'vitest';
import { reconcile } from '../controllers/reconcile';
import { defaultLabSettings } from '../lab';
import type { AnyObject } from '../api/store';
import { humanDuration, LAB_EPOCH } from './age';
import { kubectlGet } from './get';

describe('humanDuration (k8s.io/apimachinery/pkg/util/duration)', () => {
  // Cases from apimachinery's duration_test.go boundaries: each unit up to its threshold, then the next.
  it.each([
    [-2, '<invalid>'],
    [-1, '0s'],
    [0, '0s'],
    [119, '119s'],
    [120, '2m'],
    [121, '2m1s'],
    [9 * 60 + 59, '9m59s'],
    [10 * 60, '10m'],
    [10 * 60 + 59, '10m'],
    [3 * 3600 - 1, '179m'],
    [3 * 3600, '3h'],
    [3 * 3600 + 60, '3h1m'],
    [8 * 3600 - 1, '7h59m'],
    [8 * 3600, '8h'],
    [48 * 3600 - 1, '47h'],
    [48 * 3600, '2d'],
    [49 * 3600, '2d1h'],
    [8 * 86400 - 1, '7d23h'],
    [8 * 86400, '8d'],
    [2 * 365 * 86400 - 1, '729d'],
    [2 * 365 * 86400, '2y'],
    [2 * 365 * 86400 + 86400, '2y1d'],
    [8 * 365 * 86400 - 1, '7y364d'],
    [8 * 365 * 86400, '8y'],
  ])('%i s -> %s', (s, want) => expect(humanDuration(s)).toBe(want));
});

describe('AGE on the lab clock', () => {
  const pod = (name: string, creationTimestamp?: string) =>
    ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, ...(creationTimestamp ? { creationTimestamp } : {}) },
      spec: { nodeName: 'node-1', containers: [{ name: 'c', image: 'nginx' }] },
      status: { podIP: '10.244.0.9' },
    }) as AnyObject;

  it('reads declared creation times against the newest one plus one second per event', () => {
    const objects = [pod('old', '2026-03-01T10:00:00Z'), pod('new', '2026-03-01T12:30:00Z'), pod('none')];
    const cluster = reconcile({ settings: defaultLabSettings(), objects }, { builtins: false }).cluster;
    const last = cluster.events.reduce((m, e) => Math.max(m, e.seq), 0);
    const r = kubectlGet(cluster, { kind: 'pods' });
    const text = r.ok ? r.text : r.error;
    const ageOf = (name: string) => text.split('\n').find((l) => l.startsWith(`${name} `))!.trim().split(/ +/).at(-1);
    expect(ageOf('new')).toBe(humanDuration(last));
    expect(ageOf('old')).toBe(humanDuration(2.5 * 3600 + last));
    // No creationTimestamp: the store records when it created it (after the default nodes' events).
    const born = cluster.createdAt?.('Pod', 'default/none');
    expect(born).toBeGreaterThan(0);
    expect(born).toBeLessThanOrEqual(last);
    expect(ageOf('none')).toBe(humanDuration(last - born!));
    // The declared timestamp is kept as declared: the store records times beside the objects.
    expect(cluster.pods.find((p) => p.metadata.name === 'none')!.metadata.creationTimestamp).toBeUndefined();
  });

  it('ages objects a controller creates by the events before them', () => {
    const deploy = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web' },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: 'web' } },
        template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } },
      },
    } as AnyObject;
    const cluster = reconcile({ settings: defaultLabSettings(), objects: [deploy] }, { builtins: false }).cluster;
    const rs = cluster.replicaSets[0]!;
    const created = cluster.events.find((e) => e.reason === 'ScalingReplicaSet')!;
    // The ReplicaSet exists before the Deployment controller reports scaling it up.
    expect(cluster.createdAt?.('ReplicaSet', `default/${rs.metadata.name}`)).toBe(created.seq - 1);
    expect(cluster.createdAt?.('Deployment', 'default/web')).toBeLessThanOrEqual(created.seq - 1);
    const ageRow = (k: string) => {
      const { text } = kubectlGet(cluster, { kind: k }) as { text: string };
      return text.split('\n')[1]!.trim().split(/ +/).at(-1);
    };
    expect(ageRow('replicasets')).toBe(humanDuration(cluster.events.at(-1)!.seq - (created.seq - 1)));
  });

  it('starts at a fixed instant when nothing is declared, so the same lab prints the same ages', () => {
    expect(new Date(LAB_EPOCH * 1000).toISOString()).toBe('2025-01-01T00:00:00.000Z');
    const run = () =>
      kubectlGet(reconcile({ settings: defaultLabSettings(), objects: [pod('a')] }, { builtins: false }).cluster, {
        kind: 'events',
      });
    expect(run()).toEqual(run());
  });
});
