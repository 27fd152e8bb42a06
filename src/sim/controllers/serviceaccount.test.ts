import { describe, expect, it } from 'vitest';
import { defaultLabSettings } from '../lab';
import { applyChange, reconcile } from './reconcile';
import type { ReconcileState } from './reconcile';

const accounts = (s: ReconcileState) =>
  s.cluster.others.filter((o) => o.kind === 'ServiceAccount').map((o) => `${o.metadata.namespace}/${o.metadata.name}`);

describe('the service account controller', () => {
  const start = reconcile({ settings: defaultLabSettings(), objects: [] }).state;

  it('gives every namespace its default account', () => {
    expect(accounts(start).sort()).toEqual([
      'default/default', 'kube-node-lease/default', 'kube-public/default', 'kube-system/default',
    ]);
    // A controller's write makes no event of its own.
    expect(start.events.some((e) => e.object.kind === 'ServiceAccount')).toBe(false);
  });

  it('makes it for a new namespace, again when it is deleted, and lets it go with its namespace', () => {
    const ns = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } };
    const added = applyChange(start, { kind: 'apply', object: ns });
    expect(accounts(added)).toContain('shop/default');
    const ref = { kind: 'ServiceAccount', namespace: 'shop', name: 'default' };
    const deleted = applyChange(added, { kind: 'delete', ref });
    expect(accounts(deleted)).toContain('shop/default');
    const gone = applyChange(deleted, { kind: 'delete', ref: { kind: 'Namespace', name: 'shop' } });
    expect(accounts(gone)).not.toContain('shop/default');
  });
});
