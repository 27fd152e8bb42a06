// Messages between the distribution panel and its worker (types only: no code crosses).

import type { LabInput } from '../../sim/build/lab';
import type { Distribution } from '../../sim/trace/distribution';
import type { TraceRequest } from '../../state';

export interface DistributionJob {
  kind: 'run';
  input: LabInput;
  request: TraceRequest;
  n: number;
  seed: string;
  /** Requests per progress message. */
  chunk: number;
}

export type DistributionReply =
  | { kind: 'progress' | 'done'; done: number; result: Distribution }
  | { kind: 'error'; message: string };
