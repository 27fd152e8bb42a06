// The composer's request (text fields, as a saved request writes them) to the tracer's request.
// Shared by the engines (main thread) and the distribution worker, both loaded lazily.

import { parseConnect, parseSource, type TraceRequest as SimTraceRequest } from '../sim/trace/trace';
import type { TraceRequest } from '../state';

export function toSimRequest(r: TraceRequest): SimTraceRequest {
  const from = parseSource(r.from);
  if ('error' in from) throw new Error(from.error);
  const connect = r.connect.trim() ? parseConnect(r.connect.trim()) : undefined;
  if (connect && 'error' in connect) throw new Error(connect.error);
  return { from, method: r.method, url: r.url, headers: r.headers, connect, useCookieJar: r.cookieJar === true };
}
