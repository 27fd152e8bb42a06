import { describe, expect, it } from 'vitest';
import type { Service } from '../api/types';
import { buildLab } from '../build/lab';
import type { ProxyMode } from '../lab';
import { classroomObjects, classroomSettings } from './classroom';
import { distribution } from './distribution';
import { newTraceSession, trace, type TraceRequest } from './trace';

function labFor(mode: ProxyMode, affinity = false) {
  const objects = classroomObjects().map((o) =>
    affinity && o.kind === 'Service' ? ({ ...o, spec: { ...(o as Service).spec, sessionAffinity: 'ClientIP' } } as Service) : o,
  );
  const lab = buildLab({ settings: classroomSettings(mode), objects });
  expect(lab.problems).toEqual([]);
  return lab;
}

const byName: TraceRequest = { from: { kind: 'pod', pod: 'default/client' }, url: 'http://app-3' };

/** The same requests traced one by one with full recording. */
function oneByOne(lab: ReturnType<typeof labFor>, request: TraceRequest, n: number, seed: string) {
  const session = newTraceSession(seed);
  const outcomes: Record<string, number> = {};
  const perPod: Record<string, number> = {};
  for (let i = 0; i < n; i++) {
    const r = trace(lab, request, session);
    outcomes[r.outcome] = (outcomes[r.outcome] ?? 0) + 1;
    if (r.backendPod) perPod[r.backendPod] = (perPod[r.backendPod] ?? 0) + 1;
  }
  return { outcomes, perPod, session };
}

describe('distribution', () => {
  it.each([
    ['iptables', false, /^iptables statistic rules in KUBE-SVC-\w+ on node-1$/],
    ['ipvs', false, /^ipvs rr on node-1$/],
    ['nftables', false, /^nft numgen random mod 3 on node-1$/],
    ['iptables', true, /^ClientIP affinity: one endpoint per client/],
    ['ipvs', true, /^ClientIP affinity: one endpoint per client/],
    ['nftables', true, /^ClientIP affinity: one endpoint per client/],
  ] as const)('%s (affinity %s): the same counts and end state as tracing n times', (mode, affinity, from) => {
    const lab = labFor(mode, affinity);
    for (const seed of ['a', 'b']) {
      const ref = oneByOne(lab, byName, 60, seed);
      const session = newTraceSession(seed);
      const d = distribution({ lab, request: byName, n: 60, seed, session });
      expect(d.outcomes).toEqual(ref.outcomes);
      expect(d.perPod).toEqual(ref.perPod);
      expect(session).toEqual(ref.session);
      expect(d.impliedFrom).toMatch(from);
      if (affinity) {
        expect(d.implied).toBeNull();
        expect(Object.values(d.perPod)).toEqual([60]);
      } else {
        const implied = d.implied!;
        expect(Object.keys(implied).sort()).toEqual(lab.cluster.pods.filter((p) => p.metadata.labels?.['app'] === 'app-3').map((p) => `default/${p.metadata.name}`).sort());
        for (const p of Object.values(implied)) expect(p).toBeCloseTo(1 / 3, 6);
      }
    }
  });

  it('iptables: p_i = prob_i * prod(1 - prob_j) reads the statistic probabilities of the chain', () => {
    const lab = buildLab({ settings: classroomSettings('iptables'), objects: classroomObjects({ deployments: 1, replicas: 4 }) });
    const d = distribution({ lab, request: { from: { kind: 'pod', pod: 'default/client' }, url: 'http://app-0' }, n: 4000, seed: 's' });
    const shares = Object.values(d.implied!);
    expect(shares).toHaveLength(4);
    for (const p of shares) expect(p).toBeCloseTo(0.25, 6);
    // The draws follow the rules: each pod gets about a quarter of 4000 (binomial sd ~27).
    for (const c of Object.values(d.perPod)) expect(Math.abs(c - 1000)).toBeLessThan(150);
    expect(d.outcomes).toEqual({ response: 4000 });
  });

  it('no balancing on the path: no implied shares', () => {
    const lab = labFor('iptables');
    const pod = lab.cluster.pods.find((p) => p.metadata.name.startsWith('app-1-'))!;
    const d = distribution({ lab, request: { from: { kind: 'pod', pod: 'default/client' }, url: `http://${pod.status!.podIP}/` }, n: 5, seed: 'x' });
    expect(d.perPod).toEqual({ [`default/${pod.metadata.name}`]: 5 });
    expect(d.implied).toBeNull();
    expect(d.impliedFrom).toBe('no kube-proxy load-balancing decision on the path');
  });

  it('failures are counted as outcomes', () => {
    const lab = labFor('iptables');
    const d = distribution({ lab, request: { from: { kind: 'pod', pod: 'default/client' }, url: 'http://nope' }, n: 3, seed: 'x' });
    expect(d.outcomes).toEqual({ nxdomain: 3 });
    expect(d.perPod).toEqual({});
  });
});
