// The Service registry's allocators (pkg/registry/core/service/ipallocator and portallocator):
// ClusterIPs from --service-cluster-ip-range and nodePorts from --service-node-port-range, both
// split into a static lower band (for addresses users pick) and a dynamic upper band that random
// allocation prefers (ServiceIPStaticSubrange / ServiceNodePortStaticSubrange, GA in 1.26 / 1.29).
// "Random" comes from the lab's seeded generator, keyed by the object, so a scenario always gets
// the same addresses.

import { SeededRandom } from '../net/rand';
import { cidrSize, intToIp, ipToInt, type Cidr } from '../net/ip';

export type AllocResult<T> = { ok: true; value: T } | { ok: false; error: 'out-of-range' | 'allocated' | 'full'; message: string };

/** A bitmap allocator over [0, max) with a static lower band of `offset` slots. */
class BandAllocator {
  private bitmap: Set<number>;
  /** False while the set is shared with the allocator this one was cloned from (copied on first write). */
  private owned: boolean;
  constructor(
    readonly max: number,
    readonly offset: number,
    used?: Set<number>,
  ) {
    this.bitmap = used ?? new Set();
    this.owned = !used;
  }

  /** O(1): a store fork for one pod's change must not copy ten thousand allocated addresses. */
  clone(): BandAllocator {
    return new BandAllocator(this.max, this.offset, this.bitmap);
  }

  /** The slots in use, for reading. */
  get used(): ReadonlySet<number> {
    return this.bitmap;
  }

  /** The slots in use, for writing: the shared set is copied first. */
  private writable(): Set<number> {
    if (!this.owned) {
      this.bitmap = new Set(this.bitmap);
      this.owned = true;
    }
    return this.bitmap;
  }

  add(slot: number): void {
    this.writable().add(slot);
  }

  remove(slot: number): void {
    if (this.bitmap.has(slot)) this.writable().delete(slot);
  }

  /** Random start in the upper band, scan up (wrapping inside the band), then the lower band. */
  next(rand: SeededRandom): number | null {
    const tryBand = (lo: number, hi: number): number | null => {
      const n = hi - lo;
      if (n <= 0) return null;
      const start = rand.int(n);
      for (let i = 0; i < n; i++) {
        const c = lo + ((start + i) % n);
        if (!this.used.has(c)) return c;
      }
      return null;
    };
    const c = tryBand(this.offset, this.max) ?? tryBand(0, this.offset);
    if (c !== null) this.add(c);
    return c;
  }
}

/** min(max(16, size/16), 256) addresses for IPs; min(max(16, size/32), 128) ports for nodePorts. */
export function staticBandSize(size: number, divisor: number, cap: number): number {
  return Math.min(Math.max(16, Math.floor(size / divisor)), cap);
}

export class ClusterIPAllocator {
  private constructor(
    readonly cidr: Cidr,
    private readonly bits: BandAllocator,
  ) {}

  static create(cidr: Cidr): ClusterIPAllocator {
    // The network and broadcast addresses are never handed out; slot 0 is base+1.
    const max = Math.max(0, cidrSize(cidr) - 2);
    return new ClusterIPAllocator(cidr, new BandAllocator(max, Math.min(max, staticBandSize(cidrSize(cidr), 16, 256))));
  }

  clone(): ClusterIPAllocator {
    return new ClusterIPAllocator(this.cidr, this.bits.clone());
  }

  private slot(ip: string): number | null {
    const n = ipToInt(ip);
    if (n === null) return null;
    const s = n - this.cidr.base - 1;
    return s >= 0 && s < this.bits.max ? s : null;
  }

  allocate(ip: string): AllocResult<string> {
    const s = this.slot(ip);
    if (s === null) {
      return {
        ok: false,
        error: 'out-of-range',
        message: `failed to allocate IP ${ip}: the provided IP (${ip}) is not in the valid range. The range of valid IPs is ${this.cidr.text}`,
      };
    }
    if (this.bits.used.has(s)) return {
      ok: false,
      error: 'allocated',
      message: `failed to allocate IP ${ip}: provided IP is already allocated`,
    };
    this.bits.add(s);
    return { ok: true, value: ip };
  }

  allocateNext(rand: SeededRandom): AllocResult<string> {
    const s = this.bits.next(rand);
    if (s === null) return { ok: false, error: 'full', message: 'range is full' };
    return { ok: true, value: intToIp(this.cidr.base + 1 + s) };
  }

  release(ip: string): void {
    const s = this.slot(ip);
    if (s !== null) this.bits.remove(s);
  }

  isAllocated(ip: string): boolean {
    const s = this.slot(ip);
    return s !== null && this.bits.used.has(s);
  }
}

export class NodePortAllocator {
  private constructor(
    readonly min: number,
    readonly maxPort: number,
    private readonly bits: BandAllocator,
  ) {}

  static create(range: { min: number; max: number }): NodePortAllocator {
    const size = range.max - range.min + 1;
    return new NodePortAllocator(
      range.min,
      range.max,
      new BandAllocator(size, Math.min(size, staticBandSize(size, 32, 128))),
    );
  }

  clone(): NodePortAllocator {
    return new NodePortAllocator(this.min, this.maxPort, this.bits.clone());
  }

  allocate(port: number): AllocResult<number> {
    if (port < this.min || port > this.maxPort) {
      return {
        ok: false,
        error: 'out-of-range',
        message: `provided port is not in the valid range. The range of valid ports is ${this.min}-${this.maxPort}`,
      };
    }
    const s = port - this.min;
    if (this.bits.used.has(s)) return { ok: false, error: 'allocated', message: 'provided port is already allocated' };
    this.bits.add(s);
    return { ok: true, value: port };
  }

  allocateNext(rand: SeededRandom): AllocResult<number> {
    const s = this.bits.next(rand);
    if (s === null) return { ok: false, error: 'full', message: 'range is full' };
    return { ok: true, value: this.min + s };
  }

  release(port: number): void {
    if (port >= this.min && port <= this.maxPort) this.bits.remove(port - this.min);
  }

  isAllocated(port: number): boolean {
    return this.bits.used.has(port - this.min);
  }
}
