// Runs one request n times off the main thread: builds the lab from the scenario (its edits
// replayed), then calls the
// tracer's `distribution` in chunks on one session (so kube-proxy's and the balancers' seeded
// state carries on across chunks exactly as in one long run), posting the running totals.
// Cancelling is terminating the worker.

import { buildEditedLab } from '../../sim/assembly/edits';
import { labClients } from '../../sim/clients';
import { distribution, emptyDistribution, type Distribution } from '../../sim/trace/distribution';
import { newTraceSession } from '../../sim/trace/trace';
import { toSimRequest } from '../trace-request';
import type { DistributionJob, DistributionReply } from './distribution-protocol';

const post = (m: DistributionReply) => (self as unknown as Worker).postMessage(m);

function add(total: Record<string, number>, more: Partial<Record<string, number>>) {
  for (const [k, v] of Object.entries(more)) total[k] = (total[k] ?? 0) + (v ?? 0);
}

function run(job: DistributionJob) {
  const lab = buildEditedLab(job.input);
  const ports = { ...lab, clients: labClients(job.input.clients) };
  const request = toSimRequest(job.request);
  const session = newTraceSession(job.seed);
  let total: Distribution | null = null;
  for (let done = 0; done < job.n; ) {
    const n = Math.min(job.chunk, job.n - done);
    const part = distribution({ lab: ports, request, n, seed: job.seed, session });
    if (!total) total = part;
    else {
      add(total.outcomes, part.outcomes);
      add(total.perPod, part.perPod);
      total.n += part.n;
    }
    done += n;
    post({ kind: done < job.n ? 'progress' : 'done', done, result: total });
  }
  if (!total) post({ kind: 'done', done: 0, result: emptyDistribution() });
}

self.onmessage = (e: MessageEvent<DistributionJob>) => {
  try {
    run(e.data);
  } catch (err) {
    post({ kind: 'error', message: err instanceof Error ? err.message : String(err) });
  }
};
