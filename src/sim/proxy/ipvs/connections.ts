// The IPVS connection table and persistence templates of one node (the kernel's ip_vs_conn and its
// templates): what ipvsadm -Lnc lists, what the schedulers count (ActiveConn / InActConn) and what a
// `persistent` virtual server reuses. Kept in ProxyRuntimeState so it can be saved and copied.

import type { ProxyRuntimeState } from '../types';
import type { IpvsVirtualServer } from './model';
import type { ConnCounts } from './render';
import type { SchedulerMemory } from './schedulers';

/** IPVS connection timeouts (ipvsadm --set defaults): ESTABLISHED TCP 15 minutes, TIME_WAIT 2 minutes,
 *  UDP 5 minutes. */
export const IPVS_TCP_ESTABLISHED_SECONDS = 900;
export const IPVS_TCP_TIME_WAIT_SECONDS = 120;
export const IPVS_UDP_TIMEOUT_SECONDS = 300;

export interface IpvsConnection {
  id: number;
  /** The virtual server's key ("TCP 10.96.0.10:53"). */
  vs: string;
  /** The real server ("10.244.1.5:8080"). */
  rs: string;
  client: string;
  clientPort: number;
  /** Active connections are ESTABLISHED TCP; closed TCP (TIME_WAIT) and all UDP count as inactive. */
  state: 'active' | 'inactive';
  /** Simulated time at which the entry disappears (an idle established connection times out too). */
  expiresAt: number;
}

/** A persistence template: client -> real server for `persistent <timeout>` virtual servers. */
export interface IpvsTemplate {
  vs: string;
  client: string;
  rs: string;
  expiresAt: number;
}

export interface IpvsRuntime {
  sched: Record<string, SchedulerMemory>;
  conns: IpvsConnection[];
  templates: IpvsTemplate[];
  nextId: number;
}

/** This node's IPVS state inside ProxyRuntimeState.perNode[node] (other modes use other keys). */
export function ipvsRuntime(state: ProxyRuntimeState, nodeName: string): IpvsRuntime {
  const slot = (state.perNode[nodeName] ??= {}) as { ipvs?: IpvsRuntime };
  return (slot.ipvs ??= { sched: {}, conns: [], templates: [], nextId: 1 });
}

export function expire(rt: IpvsRuntime, now: number): void {
  rt.conns = rt.conns.filter((c) => c.expiresAt > now);
  rt.templates = rt.templates.filter((t) => t.expiresAt > now);
}

/** Closes active connections (all of them, or one client's): they move to InActConn, then expire. */
export function closeIpvsConnections(args: {
  state: ProxyRuntimeState;
  nodeName: string;
  client?: string;
}): number {
  const rt = ipvsRuntime(args.state, args.nodeName);
  let n = 0;
  for (const c of rt.conns) {
    if (c.state !== 'active' || (args.client && c.client !== args.client)) continue;
    c.state = 'inactive';
    c.expiresAt = args.state.now + IPVS_TCP_TIME_WAIT_SECONDS;
    n++;
  }
  return n;
}

export function connectionCounts(
  rt: IpvsRuntime | undefined,
  vs: Pick<IpvsVirtualServer, 'key'>,
  rs: string,
): ConnCounts {
  const c = { active: 0, inactive: 0 };
  for (const conn of rt?.conns ?? []) {
    if (conn.vs !== vs.key || conn.rs !== rs) continue;
    if (conn.state === 'active') c.active++;
    else c.inactive++;
  }
  return c;
}

