// The EndpointSliceMirroring controller: for a Service without a selector, Endpoints a user wrote
// are mirrored to EndpointSlices (addresses ready, notReadyAddresses not ready), named
// <endpoints>-<5 chars> and labelled as managed by endpointslicemirroring-controller.k8s.io.
// EndpointSlices a user wrote directly are left alone.

import type { Endpoints, Service } from '../api/types';
import type { Ctx } from './context';
import {
  hasManagedSlice,
  MANAGED_BY,
  SERVICE_NAME_LABEL,
  SKIP_MIRROR,
  slicesFromEndpoints,
  writeSlices,
  type SliceBody,
} from './endpointslice';
import { splitMetaNamespaceKey } from '../api/keys';
import { hasSelector } from './selection';

export const MIRRORING_CONTROLLER = 'endpointslicemirroring-controller.k8s.io';

export function syncMirroring(ctx: Ctx, key: string): void {
  const svc = ctx.store.get<Service>('Service', key);
  // A Service with a selector has the endpoints controller's Endpoints, never mirrored: not read.
  const ep = svc && !hasSelector(svc) ? ctx.store.get<Endpoints>('Endpoints', key) : undefined;
  const mirror = !!ep && ep.metadata.labels?.[SKIP_MIRROR] !== 'true';
  // A snapshot's EndpointSlices for this Service are what the real controller published: kept.
  if (ctx.preserve && (ctx.index.slicesByService.get(key)?.size ?? 0) > 0) return;
  // Nothing to mirror and no mirrored slice to delete (every Service with a selector, mostly).
  if (!mirror && !hasManagedSlice(ctx, key, MIRRORING_CONTROLLER)) return;
  const { namespace: ns, name } = splitMetaNamespaceKey(key);
  const wanted: SliceBody[] = mirror ? slicesFromEndpoints(ep!) : [];
  writeSlices(ctx, {
    serviceKey: key,
    managedBy: MIRRORING_CONTROLLER,
    wanted,
    nameOwner: `EndpointSliceMirror/${key}`,
    generateName: `${name}-`,
    meta: (sliceName) => ({
      name: sliceName,
      namespace: ns,
      generateName: `${name}-`,
      labels: { ...ep?.metadata.labels, [MANAGED_BY]: MIRRORING_CONTROLLER, [SERVICE_NAME_LABEL]: name },
      ownerReferences: svc ? [{
        apiVersion: 'v1',
        kind: 'Endpoints',
        name,
        uid: ep?.metadata.uid,
        controller: true,
      }] : [],
    }),
  });
}
