// The Linux IPVS schedulers kube-proxy can ask for (--ipvs-scheduler), as the kernel implements
// them in net/netfilter/ipvs/ip_vs_{rr,wrr,lc,wlc,sh,dh,sed,nq}.c. Each picks one destination
// (real server) for a new connection from the per-destination connection counters.

import type { IpvsScheduler } from '../../lab';
import { assertNever } from '../../util/assert';

export interface SchedDest {
  /** "ip:port" of the real server. */
  key: string;
  weight: number;
  activeConns: number;
  inactConns: number;
}

/** Per-virtual-server scheduler memory (rr's cursor, wrr's current weight). */
export interface SchedulerMemory {
  /** Index of the last destination rr/wrr returned; -1 before the first pick. */
  last: number;
  /** wrr's current weight. */
  cw: number;
}

export function newSchedulerMemory(): SchedulerMemory {
  return { last: -1, cw: 0 };
}

export interface ScheduleInput {
  scheduler: IpvsScheduler;
  dests: readonly SchedDest[];
  memory: SchedulerMemory;
  /** The packet's source address (sh hashes it). */
  clientIP: string;
  /** The packet's destination address, the virtual IP (dh hashes it). */
  vip: string;
}

export interface ScheduleResult {
  /** Index into `dests`, or null when no destination is available ("no destination available"). */
  index: number | null;
  /** A one-line explanation in the kernel's terms. */
  why: string;
}

const TAB_BITS = 8;
const TAB_SIZE = 1 << TAB_BITS;
const GOLDEN_RATIO_32 = 0x61c88647;

function ipToUint(ip: string): number {
  return ip.split('.').reduce((acc, o) => ((acc << 8) | Number(o)) >>> 0, 0);
}

/** The kernel's hash_32(val, bits): multiply by the 32-bit golden ratio and keep the top bits. */
function hash32(val: number, bits: number): number {
  return Math.imul(val >>> 0, GOLDEN_RATIO_32) >>> (32 - bits);
}

/** ip_vs_conn overhead as lc/wlc see it: active connections weigh 256 times an inactive one. */
function connOverhead(d: SchedDest): number {
  return d.activeConns * 256 + d.inactConns;
}

/** The sh/dh lookup table: 256 buckets filled with the destinations in turn (sh repeats a
 *  destination `weight` times). */
function hashTable(dests: readonly SchedDest[], byWeight: boolean): (number | null)[] {
  const table: (number | null)[] = [];
  const live = dests.map((_, i) => i);
  if (live.length === 0) return new Array<null>(TAB_SIZE).fill(null);
  let p = 0;
  let count = 0;
  for (let i = 0; i < TAB_SIZE; i++) {
    table.push(live[p]!);
    count++;
    if (!byWeight || count >= Math.max(1, dests[live[p]!]!.weight)) {
      p = (p + 1) % live.length;
      count = 0;
    }
  }
  return table;
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/** The first usable destination, replaced only by a strictly better one: the kernel's lc, wlc, sed
 *  and nq loops all keep the earlier destination on a tie. -1 when none is usable. */
function firstBest(
  dests: readonly SchedDest[],
  usable: (d: SchedDest) => boolean,
  better: (d: SchedDest, best: SchedDest) => boolean,
): number {
  let best = -1;
  for (let i = 0; i < dests.length; i++) {
    const d = dests[i]!;
    if (usable(d) && (best < 0 || better(d, dests[best]!))) best = i;
  }
  return best;
}

const usable = (d: SchedDest) => d.weight > 0;
const none = (): ScheduleResult => ({ index: null, why: 'no destination available' });

/** One scheduling decision of the virtual server's scheduler, one kernel module each (ip_vs_rr.c,
 *  ip_vs_wrr.c, ...). */
export function schedule(input: ScheduleInput): ScheduleResult {
  const { scheduler, dests } = input;
  if (!dests.some(usable)) return none();
  switch (scheduler) {
    case 'rr':
      return roundRobin(dests, input.memory);
    case 'wrr':
      return weightedRoundRobin(dests, input.memory);
    case 'lc':
    case 'wlc':
      return leastConnections(dests, scheduler);
    case 'sed':
    case 'nq':
      return shortestExpectedDelay(dests, scheduler);
    case 'sh':
    case 'dh':
      return hashing(input, scheduler);
    default:
      return assertNever(scheduler, 'IPVS scheduler');
  }
}

// ip_vs_rr_schedule: continue after the last returned destination, skipping weight 0.
function roundRobin(dests: readonly SchedDest[], memory: ScheduleInput['memory']): ScheduleResult {
  for (let step = 1; step <= dests.length; step++) {
    const i = (memory.last + step + dests.length) % dests.length;
    if (usable(dests[i]!)) {
      memory.last = i;
      return { index: i, why: `round robin: the destination after the previous pick` };
    }
  }
  return none();
}

// ip_vs_wrr_schedule: step through the list; each lap lowers the current weight by gcd, so a
// destination is picked while its weight >= cw.
function weightedRoundRobin(dests: readonly SchedDest[], memory: ScheduleInput['memory']): ScheduleResult {
  const weights = dests.map((d) => d.weight);
  const mw = Math.max(...weights);
  const g = weights.filter((w) => w > 0).reduce(gcd);
  for (let guard = 0; guard < dests.length * (mw / g + 1) + 1; guard++) {
    memory.last = (memory.last + 1) % dests.length;
    if (memory.last === 0) {
      memory.cw -= g;
      if (memory.cw <= 0) memory.cw = mw;
    }
    if (weights[memory.last]! >= memory.cw) {
      return {
        index: memory.last,
        why: `weighted round robin: weight ${weights[memory.last]} >= current weight ${memory.cw}`,
      };
    }
  }
  return none();
}

// lc: the smallest overhead (active*256 + inactive); wlc divides it by the weight. The first
// destination wins ties, as the kernel only replaces on a strictly smaller value.
function leastConnections(dests: readonly SchedDest[], scheduler: 'lc' | 'wlc'): ScheduleResult {
  const best = firstBest(dests, usable, (d, b) =>
    scheduler === 'lc' ? connOverhead(d) < connOverhead(b) : connOverhead(b) * d.weight > connOverhead(d) * b.weight,
  );
  const d = dests[best]!;
  const name = scheduler === 'lc' ? 'least connections' : 'weighted least connections';
  return { index: best, why: `${name}: ${d.key} has ${d.activeConns} active, ${d.inactConns} inactive` };
}

// nq: an idle destination (no active connection) is taken at once; otherwise, like sed, the
// smallest (active+1)/weight wins.
function shortestExpectedDelay(dests: readonly SchedDest[], scheduler: 'sed' | 'nq'): ScheduleResult {
  if (scheduler === 'nq') {
    const idle = dests.findIndex((d) => usable(d) && d.activeConns === 0);
    if (idle >= 0) return { index: idle, why: `never queue: ${dests[idle]!.key} is idle` };
  }
  const best = firstBest(dests, usable, (d, b) => (b.activeConns + 1) * d.weight > (d.activeConns + 1) * b.weight);
  const d = dests[best]!;
  return { index: best, why: `shortest expected delay: (${d.activeConns}+1)/${d.weight} is the smallest` };
}

// ip_vs_sh: 256 buckets, bucket = hash_32(source address) (port not hashed without the sh-port
// flag). ip_vs_dh hashes the packet's destination, which for kube-proxy is always the virtual IP:
// every client of one virtual server lands on the same real server.
function hashing(input: ScheduleInput, scheduler: 'sh' | 'dh'): ScheduleResult {
  const { dests } = input;
  const bucket =
    scheduler === 'sh'
      ? hash32(ipToUint(input.clientIP), TAB_BITS) & (TAB_SIZE - 1)
      : (Math.imul(ipToUint(input.vip), 2654435761) >>> 0) & (TAB_SIZE - 1);
  const index = hashTable(dests, scheduler === 'sh')[bucket] ?? null;
  if (index === null) return none();
  const why =
    scheduler === 'sh'
      ? `source hashing: ${input.clientIP} falls in bucket ${bucket}`
      : `destination hashing: ${input.vip} falls in bucket ${bucket}`;
  return { index, why };
}
