// The service account controller (kube-controller-manager's serviceaccount-controller): every
// namespace has a ServiceAccount named "default", made when the namespace comes and made again when
// it is deleted, for as long as the namespace lives. Pods that name no account run as it (the
// ServiceAccount admission plugin; `kubectl describe pod` prints it). Since 1.24 no token Secret comes
// with it: `kubectl get sa` shows SECRETS 0.

import type { Ctx } from './context';

export const DEFAULT_SERVICE_ACCOUNT = 'default';

/** `key`: a namespace's name. */
export function syncServiceAccount(ctx: Ctx, key: string): void {
  if (!ctx.store.get('Namespace', key)) return;
  if (ctx.store.get('ServiceAccount', `${key}/${DEFAULT_SERVICE_ACCOUNT}`)) return;
  ctx.store.create({
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { name: DEFAULT_SERVICE_ACCOUNT, namespace: key },
  });
}
