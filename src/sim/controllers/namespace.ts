// The namespace controller (kube-controller-manager's namespace-controller): a deleted namespace's
// content is deleted with it, every namespaced object in it, before the namespace itself goes. The
// real namespace passes through phase Terminating while its content is deleted (creates into it are
// refused meanwhile); the lab deletes it all in one step. The kubelet stops each deleted pod's
// containers, as for any pod deletion (kubelet.ts).

import type { Pod } from '../api/types';
import { NAMESPACED_KINDS } from '../api/types';
import type { AnyObject } from '../api/store';
import type { Ctx } from './context';
import { stopContainers } from './kubelet';

/** Whether `o` lives in namespace `ns` (a namespaced kind without one lives in "default"). */
export function inNamespace(o: AnyObject, ns: string): boolean {
  const own = o.metadata.namespace ?? (NAMESPACED_KINDS.has(o.kind) ? 'default' : undefined);
  return own === ns;
}

/** Deletes every object of namespace `ns`, kind by kind in the store's order. */
export function deleteNamespaceContent(ctx: Ctx, ns: string): void {
  for (const kind of ctx.store.kindsPresent()) {
    if (kind === 'Namespace' || kind === 'Node') continue;
    for (const o of ctx.store.list(kind).filter((x) => inNamespace(x, ns))) {
      const res = ctx.store.delete({ kind, namespace: ns, name: o.metadata.name });
      if (res.ok && kind === 'Pod') stopContainers(ctx, o as Pod);
    }
  }
}
