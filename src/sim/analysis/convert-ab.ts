// A/B for leaving ingress-nginx: the request traced through the Ingress (A, the lab as it is) and
// through the converted HTTPRoute (B: the same running lab with the converted Ingresses deleted and
// the Gateway API objects applied, as `kubectl delete ingress` + `kubectl apply` would, so pods keep
// their names and addresses), connecting to the Gateway that took over the request's host.

import type { Gateway } from '../api/types';
import { applyEdit, buildEditedLab, type EditedLabInput, type LabEdit } from '../assembly/edits';
import type { Lab } from '../assembly/lab';
import { convertIngressesToGatewayAPI, type ConvertNote } from '../gateway/convert';
import { compareTraces, type TraceComparison } from './compare';
import { newTraceSession, trace, type TraceRequest } from '../trace/trace';
import type { TraceResult } from '../trace/types';

export interface ConvertAbResult {
  a: TraceResult;
  b: TraceResult;
  comparison: TraceComparison;
  labs: { a: Lab; b: Lab };
  /** The Gateway B connects to, "ns/name". */
  gateway: string;
  /** B's request: A's with `connect` set to that Gateway. */
  requestB: TraceRequest;
  notes: ConvertNote[];
}

const hostOf = (url: string): string => {
  try {
    return new URL(url).hostname;
  } catch {
    return '';
  }
};

/** A listener hostname matches like the Gateway API's: exact, or `*.` covering one or more labels. */
const listenerMatches = (hostname: string | undefined, host: string) =>
  hostname === undefined || hostname === host || (hostname.startsWith('*.') && host.endsWith(hostname.slice(1)));

export function convertAbTrace(args: { input: EditedLabInput; request: TraceRequest; seed: string }):
  ConvertAbResult | { error: string } {
  const labA = buildEditedLab(args.input);
  const { objects, notes } = convertIngressesToGatewayAPI(args.input.objects,
    { controllerName: args.input.settings.gatewayAPI.controllerName });
  const gateways = objects.filter((o): o is Gateway => o.kind === 'Gateway');
  if (gateways.length === 0) return { error: 'no ingress-nginx Ingress to convert' };
  const host = hostOf(args.request.url);
  const gw = gateways.find((g) => g.spec.listeners.some((l) => listenerMatches(l.hostname, host))) ?? gateways[0]!;
  const edits: LabEdit[] = [
    ...args.input.objects.filter((o) => o.kind === 'Ingress' && !objects.includes(o)).map((o): LabEdit => ({
      kind: 'remove-object',
      objectKind: 'Ingress',
      namespace: o.metadata.namespace ?? 'default',
      name: o.metadata.name,
    })),
    ...objects.filter((o) => ['GatewayClass', 'Gateway', 'HTTPRoute'].includes(o.kind as string)
      && !args.input.objects.includes(o as never)).map((o): LabEdit => ({ kind: 'apply-object', object: o })),
  ];
  let labB = labA;
  for (const e of edits) labB = applyEdit(labB, e);
  const refused = labB.problems.slice(labA.problems.length);
  if (refused.length > 0) return { error: refused.map((p) => p.message).join('\n') };
  const gateway = `${gw.metadata.namespace ?? 'default'}/${gw.metadata.name}`;
  const requestB: TraceRequest = { ...args.request,
    connect: { kind: 'gateway', namespace: gw.metadata.namespace ?? 'default', name: gw.metadata.name } };
  const a = trace(labA, args.request, newTraceSession(args.seed));
  const b = trace(labB, requestB, newTraceSession(args.seed));
  return { a, b, comparison: compareTraces(a, b), labs: { a: labA, b: labB }, gateway, requestB, notes };
}
