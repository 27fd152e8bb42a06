// A share link opened as the page and the CLI open it: its scenario's lab (edit log replayed, the
// scenario's clients) and its saved request as the tracer takes it. Used by the tests that trace
// the frozen random share links (share-golden, batch-agrees).

import { buildEditedLab } from '../sim/assembly/edits';
import type { LabPorts } from '../sim/trace/ports';
import { parseConnect, parseSource, type TraceRequest } from '../sim/trace/trace';
import { decodeShare } from './share';

export function openShareLink(link: string): { lab: LabPorts; req: TraceRequest; seed: string } {
  const decoded = decodeShare(link);
  if (!decoded.ok) throw new Error(`link does not decode: ${decoded.message}`);
  const { scenario, request } = decoded.lab;
  const saved = scenario.requests.find((r) => r.id === request);
  if (!saved) throw new Error(`link names no saved request (${String(request)})`);
  const from = parseSource(saved.from);
  if ('error' in from) throw new Error(from.error);
  const connect = saved.connect ? parseConnect(saved.connect) : undefined;
  if (connect && 'error' in connect) throw new Error(connect.error);
  const method = saved.method ?? 'GET';
  const req: TraceRequest = { from, method, url: saved.url, headers: saved.headers ?? {}, connect };
  const lab = buildEditedLab(scenario);
  return { lab: { ...lab, clients: [...scenario.clients] }, req, seed: lab.settings.seed };
}
