// The cloud provider's service controller (or MetalLB on bare metal): gives each LoadBalancer
// Service an address from the lab's pool and writes it to status.loadBalancer.ingress. With no
// provider (an empty pool) or an exhausted one the Service stays <pending>, as on a bare cluster.
// An address a manifest already gives in status is honoured as the provider's.

import type { Service } from '../api/types';
import type { Ctx } from './context';
import { expandAddressPool } from '../net/ip';

export function syncLoadBalancer(ctx: Ctx, key: string): void {
  const svc = ctx.store.get<Service>('Service', key);
  // Release what a gone or no-longer-LoadBalancer Service held.
  for (const [ip, owner] of [...ctx.state.lbInUse]) {
    if (owner === key && (!svc || svc.spec.type !== 'LoadBalancer')) ctx.state.lbInUse.delete(ip);
  }
  if (!svc) return;
  const ns = svc.metadata.namespace ?? 'default';
  const object = { kind: 'Service', namespace: ns, name: svc.metadata.name };
  if (svc.spec.type !== 'LoadBalancer') {
    if (svc.status?.loadBalancer?.ingress?.length) ctx.store.put({
      ...svc,
      status: { ...svc.status, loadBalancer: {} },
    });
    return;
  }
  const given = svc.status?.loadBalancer?.ingress ?? [];
  if (given.length > 0) {
    for (const g of given) if (g.ip) ctx.state.lbInUse.set(g.ip, key);
    return;
  }
  const pool = expandAddressPool(ctx.settings.loadBalancerPool);
  ctx.events.push({
    type: 'Normal',
    reason: 'EnsuringLoadBalancer',
    object,
    message: 'Ensuring load balancer',
    source: 'service-controller',
  });
  if (pool.length === 0) {
    ctx.events.push({
      type: 'Warning',
      reason: 'SyncLoadBalancerFailed',
      object,
      message: 'Error syncing load balancer: failed to ensure load balancer: ' +
        'no load-balancer provider in this cluster (the lab\'s address pool is empty)',
      source: 'service-controller',
    });
    return;
  }
  const wanted = svc.spec.loadBalancerIP;
  const candidates = wanted ? [wanted] : pool;
  const ip = candidates.find((a) => pool.includes(a) && !ctx.state.lbInUse.has(a));
  if (!ip) {
    ctx.events.push({
      type: 'Warning',
      reason: 'SyncLoadBalancerFailed',
      object,
      message: wanted
        ? 'Error syncing load balancer: failed to ensure load balancer: ' +
          `requested IP ${wanted} is not available in the pool`
        : 'Error syncing load balancer: failed to ensure load balancer: no available IPs in the pool',
      source: 'service-controller',
    });
    return;
  }
  ctx.state.lbInUse.set(ip, key);
  ctx.store.put({ ...svc, status: { ...svc.status, loadBalancer: { ingress: [{ ip, ipMode: 'VIP' }] } } });
  ctx.events.push({
    type: 'Normal',
    reason: 'EnsuredLoadBalancer',
    object,
    message: 'Ensured load balancer',
    source: 'service-controller',
  });
}
