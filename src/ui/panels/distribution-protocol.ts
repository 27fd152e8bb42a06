// Messages between the distribution panel and its worker (types only: no code crosses).

import type { EditedLabInput } from '../../sim/assembly/edits';
import type { Distribution } from '../../sim/trace/distribution';
import type { TraceRequest } from '../../state';

export interface DistributionJob {
  kind: 'run';
  input: EditedLabInput;
  request: TraceRequest;
  n: number;
  seed: string;
  /** Requests per progress message. */
  chunk: number;
}

export type DistributionReply =
  | { kind: 'progress' | 'done'; done: number; result: Distribution }
  | { kind: 'error'; message: string };
