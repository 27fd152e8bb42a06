// The EndpointSliceMirroring controller: for a Service without a selector, Endpoints a user wrote
// are mirrored to EndpointSlices (addresses ready, notReadyAddresses not ready), named
// <endpoints>-<5 chars> and labelled as managed by endpointslicemirroring-controller.k8s.io.
// EndpointSlices a user wrote directly are left alone.

import type { EndpointSlice, Endpoints, Service, SliceEndpoint } from '../api/types';
import type { Ctx } from './context';
import { MANAGED_BY, SERVICE_NAME_LABEL, SKIP_MIRROR, writeSlices } from './endpointslice';

export const MIRRORING_CONTROLLER = 'endpointslicemirroring-controller.k8s.io';

export function syncMirroring(ctx: Ctx, key: string): void {
  const [ns, name] = key.split('/') as [string, string];
  const svc = ctx.store.get<Service>('Service', key);
  const ep = ctx.store.get<Endpoints>('Endpoints', key);
  const mirror = !!svc && !!ep && Object.keys(svc.spec.selector ?? {}).length === 0 && ep.metadata.labels?.[SKIP_MIRROR] !== 'true';
  const wanted: Omit<EndpointSlice, 'metadata'>[] = [];
  if (mirror) {
    for (const s of ep!.subsets ?? []) {
      const endpoints: SliceEndpoint[] = [];
      for (const [list, ready] of [[s.addresses, true], [s.notReadyAddresses, false]] as const) {
        for (const a of list ?? []) {
          endpoints.push({
            addresses: [a.ip],
            conditions: { ready },
            ...(a.hostname ? { hostname: a.hostname } : {}),
            ...(a.nodeName ? { nodeName: a.nodeName } : {}),
            ...(a.targetRef ? { targetRef: a.targetRef } : {}),
          });
        }
      }
      wanted.push({
        apiVersion: 'discovery.k8s.io/v1',
        kind: 'EndpointSlice',
        addressType: 'IPv4',
        endpoints,
        ports: (s.ports ?? []).map((p) => ({ name: p.name ?? '', port: p.port, protocol: p.protocol ?? 'TCP' })),
      });
    }
  }
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
      ownerReferences: svc ? [{ apiVersion: 'v1', kind: 'Endpoints', name, uid: ep?.metadata.uid, controller: true }] : [],
    }),
  });
}
