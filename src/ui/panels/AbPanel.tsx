// A/B: the current request traced twice, in the scenario as it is (A) and with one setting flipped
// (B): kube-proxy mode, a Service's externalTrafficPolicy or sessionAffinity, an Ingress's
// service-upstream annotation, or a Deployment's replicas; or the Ingresses converted to Gateway API
// (B sends the request through the converted HTTPRoute, with what does not carry over listed). Both hop
// lists side by side, the hops `compareTraces` found different marked, and a one-line summary of what
// changed for the client.

import { useEffect, useMemo, useState } from 'react';
import type { Deployment, Service } from '../../sim/api/types';
import { abTrace, SERVICE_UPSTREAM_ANNOTATION, type Flip, type TraceComparison } from '../../sim/analysis/compare';
import { convertAbTrace } from '../../sim/analysis/convert-ab';
import type { ConvertNote } from '../../sim/gateway/convert';
import { renderConvertMessage } from '../../sim/gateway/convert-messages';
import { PROXY_MODES, type ProxyMode } from '../../sim/lab';
import { LB_ANNOTATIONS } from '../../sim/lb/behaviour';

const LB_MODEL_ANNOTATION = LB_ANNOTATIONS.model;
import type { TraceResult } from '../../sim/trace/types';
import type { ScenarioObject } from '../../scenario';
import { selectLang, selectScenario, type LabState, type Scenario } from '../../state';
import { useLab } from '../app-store';
import { useT, type T } from '../i18n';
import { explain } from '../i18n/explain';
import { toSimRequest } from '../trace-request';
import { isReplyHop } from '../reply-hops';
import { placeLabel } from './HopInspector';
import './panels.css';
import './runs.css';

export const FLIP_KINDS = [
  'proxyMode',
  'externalTrafficPolicy',
  'sessionAffinity',
  'serviceUpstream',
  'replicas',
  'loadBalancerModel',
  'gatewayApi',
] as const;
type FlipKind = (typeof FLIP_KINDS)[number];

const selectRequest = (s: LabState) => s.playback.request;
const selectTraceService = (s: LabState) => s.playback.trace?.service ?? null;

const keyOf = (o: { metadata: { name: string; namespace?: string } }) =>
  `${o.metadata.namespace ?? 'default'}/${o.metadata.name}`;

/** The kind of object each flip targets (none: the flip is the whole lab's). */
const TARGET_KINDS: Record<FlipKind, string> = {
  proxyMode: '',
  externalTrafficPolicy: 'Service',
  sessionAffinity: 'Service',
  serviceUpstream: 'Ingress',
  replicas: 'Deployment',
  loadBalancerModel: 'Service',
  gatewayApi: '',
};

/** Objects of one kind the flip can target, by "ns/name". */
function targets(objects: readonly ScenarioObject[], kind: FlipKind): string[] {
  const k = TARGET_KINDS[kind];
  if (kind === 'loadBalancerModel') {
    return objects.filter((o) => o.kind === 'Service' && (o as Service).spec.type === 'LoadBalancer').map(keyOf);
  }
  return k ? objects.filter((o) => o.kind === k).map(keyOf) : [];
}

/** The flip that changes the chosen setting away from what the scenario says now. */
function flipFor(
  objects: readonly ScenarioObject[],
  kind: Exclude<FlipKind, 'gatewayApi'>,
  target: string,
  mode: ProxyMode,
  replicas: number,
): Flip {
  const obj = objects.find((o) => keyOf(o) === target);
  const svc = obj as Service | undefined;
  switch (kind) {
    case 'proxyMode':
      return { kind, mode };
    case 'externalTrafficPolicy':
      return { kind, service: target, value: svc?.spec.externalTrafficPolicy === 'Local' ? 'Cluster' : 'Local' };
    case 'sessionAffinity':
      return { kind, service: target, value: svc?.spec.sessionAffinity === 'ClientIP' ? 'None' : 'ClientIP' };
    case 'serviceUpstream':
      return { kind, ingress: target, value: obj?.metadata.annotations?.[SERVICE_UPSTREAM_ANNOTATION] !== 'true' };
    case 'replicas':
      return { kind, deployment: target, value: replicas };
    case 'loadBalancerModel': {
      const nodeport = obj?.metadata.annotations?.[LB_MODEL_ANNOTATION] === 'nodeport';
      return { kind, service: target, value: nodeport ? 'direct' : 'nodeport' };
    }
  }
}

/** What B is: one setting flipped, or the Ingresses converted (B connects to that Gateway). */
type AbChange = Flip | { kind: 'gatewayApi'; gateway: string; notes: ConvertNote[] };

function flipText(t: T, f: AbChange): string {
  switch (f.kind) {
    case 'gatewayApi':
      return t('ab.flip.gatewayApi.to', { target: f.gateway });
    case 'proxyMode':
      return t('ab.flip.proxyMode.to', { value: f.mode });
    case 'externalTrafficPolicy':
    case 'sessionAffinity':
      return t(`ab.flip.${f.kind}.to`, { target: f.service, value: f.value });
    case 'serviceUpstream':
      return t('ab.flip.serviceUpstream.to', { target: f.ingress, value: String(f.value) });
    case 'replicas':
      return t('ab.flip.replicas.to', { target: f.deployment, value: f.value });
    case 'loadBalancerModel':
      return t('ab.flip.loadBalancerModel.to', { target: f.service, value: f.value });
  }
}

function resultText(t: T, r: TraceResult): string {
  const head = r.outcome === 'response' ? `${t('result.response')} ${r.status ?? ''}` : t(`result.${r.outcome}`);
  return r.backendPod ? `${head} ${t('result.backend')} ${r.backendPod}` : head;
}

/** The one-line summary in the UI language: what the client and the backend see differently, and how many
 *  hops differ. */
function summary(t: T, a: TraceResult, b: TraceResult, c: TraceComparison): string {
  const parts: string[] = [];
  if (a.outcome !== b.outcome || a.status !== b.status || a.backendPod !== b.backendPod) {
    parts.push(t('ab.sum.result', { a: resultText(t, a), b: resultText(t, b) }));
  }
  const sa = a.backend?.sourceIP;
  const sb = b.backend?.sourceIP;
  if (sa !== sb) parts.push(t('ab.sum.source', { a: sa ?? '—', b: sb ?? '—' }));
  const hops = { count: c.differing.length, a: a.hops.length, b: b.hops.length };
  parts.push(c.differing.length === 0 ? t('ab.sum.same') : t('ab.sum.hops', hops));
  return parts.join(t('ab.sum.sep'));
}

/** compareTraces' field paths ("after.src", "refs", "only in A") in the UI language. */
function whatText(t: T, w: string): string {
  if (w === 'only in A') return t('ab.onlyA');
  if (w === 'only in B') return t('ab.onlyB');
  const m = /^(before|after)\.(\w+)$/.exec(w);
  if (m) return `${t(m[1] === 'before' ? 'hop.before' : 'hop.after')} ${m[2]}`;
  if (w === 'refs') return t('ab.what.refs');
  if (w === 'explanation') return t('ab.what.explanation');
  if (w === 'observedSource') return t('hop.observedSource');
  if (w === 'edge') return t('ab.what.edge');
  return w;
}

function HopList({ side, trace, diffs }: { side: 'a' | 'b'; trace: TraceResult; diffs: Map<number, string[]> }) {
  const t = useT();
  const lang = useLab(selectLang);
  return (
    <ol className="ab-hops" data-testid={`ab-hops-${side}`}>
      {trace.hops.map((h) => {
        const what = diffs.get(h.index);
        return (
          <li
            key={h.index}
            className={`ab-hop${what ? ' is-diff' : ''}`}
            data-testid={`ab-hop-${side}-${h.index}`}
            data-action={h.action}
            data-diff={what ? 'true' : 'false'}
          >
            <div className="ab-hop-head">
              <span className="ab-hop-n">{h.index + 1}</span>
              {isReplyHop(h) && <span className="reply-tag">{t('hop.reply')}</span>}
              <span className={`badge action-${h.action}`}>{t(`action.${h.action}`)}</span>
              <span className="mono small">{placeLabel(h, t)}</span>
            </div>
            <div className="small">{explain(lang, h.explanation)}</div>
            {what && (
              <div className="ab-what small" data-testid="ab-what">
                {what.map((w) => whatText(t, w)).join(t('ab.sum.sep'))}
              </div>
            )}
          </li>
        );
      })}
    </ol>
  );
}

interface AbView {
  a: TraceResult;
  b: TraceResult;
  comparison: TraceComparison;
  flip: AbChange;
}

/** What the conversion left behind, in the UI language, one line per Ingress finding. */
function ConvertNotes({ notes }: { notes: readonly ConvertNote[] }) {
  const t = useT();
  const lang = useLab(selectLang);
  if (notes.length === 0) {
    return (
      <p className="small muted" data-testid="ab-convert-notes-none">
        {t('ab.convert.none')}
      </p>
    );
  }
  return (
    <div data-testid="ab-convert-notes">
      <p className="small">{t('ab.convert.notes')}</p>
      <ul className="small">
        {notes.map((n, i) => (
          <li key={i} data-testid="ab-convert-note">
            <span className="mono">{n.kind === 'Ingress' ? `${n.namespace}/${n.name}` : n.name}</span>
            {t('ab.sum.colon')}
            {renderConvertMessage(lang, n.key, n.params)}
          </li>
        ))}
      </ul>
    </div>
  );
}

/** The setting B flips, on which object and to what; the defaults follow the lab and the request. */
function useAbSetting(objects: readonly ScenarioObject[], currentMode: ProxyMode) {
  const traceService = useLab(selectTraceService);
  const [kind, setKind] = useState<FlipKind>('externalTrafficPolicy');
  const [target, setTarget] = useState('');
  const [mode, setMode] = useState<ProxyMode>(currentMode === 'iptables' ? 'ipvs' : 'iptables');
  const [replicas, setReplicas] = useState(1);
  const options = useMemo(() => targets(objects, kind), [objects, kind]);
  // Default target: the Service the request went through, else the first object of that kind.
  const traced = kind !== 'replicas' && traceService && options.includes(traceService) ? traceService : null;
  const chosen = options.includes(target) ? target : (traced ?? options[0] ?? '');
  useEffect(() => {
    const d = objects.find((o) => o.kind === 'Deployment' && keyOf(o) === chosen) as Deployment | undefined;
    if (d) setReplicas((d.spec.replicas ?? 1) + 1);
  }, [objects, chosen]);
  const needsTarget = kind !== 'proxyMode' && kind !== 'gatewayApi';
  return { kind, setKind, setTarget, mode, setMode, replicas, setReplicas, options, chosen, needsTarget, currentMode };
}

type AbSetting = ReturnType<typeof useAbSetting>;

/** A and B traced, or why they could not be. */
function runComparison(
  scenario: Scenario,
  request: Parameters<typeof toSimRequest>[0],
  objects: readonly ScenarioObject[],
  s: AbSetting,
): AbView | { error: string } {
  const { kind } = s;
  try {
    if (kind === 'gatewayApi') {
      const r = convertAbTrace({ input: scenario, request: toSimRequest(request), seed: scenario.settings.seed });
      if ('error' in r) return r;
      return { a: r.a, b: r.b, comparison: r.comparison, flip: { kind, gateway: r.gateway, notes: r.notes } };
    }
    const flip = flipFor(objects, kind, s.chosen, s.mode, s.replicas);
    const r = abTrace({ input: scenario, request: toSimRequest(request), flip, seed: scenario.settings.seed });
    return 'error' in r ? r : { a: r.a, b: r.b, comparison: r.comparison, flip };
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e) };
  }
}

export default function AbPanel() {
  const t = useT();
  const scenario = useLab(selectScenario);
  const request = useLab(selectRequest);
  // The cluster as it runs now: the scenario's objects and settings as edited.
  const lab = useLab((s) => s.lab);
  const objects = useMemo(() => lab?.applied ?? scenario?.objects ?? [], [lab, scenario]);
  const currentMode = lab?.cluster.settings.kubeProxy.mode ?? scenario?.settings.kubeProxy.mode ?? 'iptables';
  const setting = useAbSetting(objects, currentMode);
  const [view, setView] = useState<AbView | { error: string } | null>(null);
  useEffect(() => setView(null), [scenario, request]);

  if (!request || !scenario) {
    return (
      <p className="muted panel-hint" data-testid="ab-no-request">
        {t('dist.noRequest')}
      </p>
    );
  }
  const { kind, needsTarget, options } = setting;
  return (
    <section className="ab" aria-label={t('ab.title')} data-testid="ab">
      <p className="small">
        {t(kind === 'gatewayApi' ? 'ab.intro.convert' : 'ab.intro')}{' '}
        <span className="mono">
          {request.method} {request.url}
        </span>
      </p>
      <AbControls setting={setting} onRun={() => setView(runComparison(scenario, request, objects, setting))} />
      {needsTarget && options.length === 0 && <p className="muted small">{t('ab.noTarget')}</p>}
      {view && 'error' in view && <p className="note note-error">{t('ab.error', { message: view.error })}</p>}
      {view && !('error' in view) && <AbResult view={view} />}
    </section>
  );
}

/** The setting to flip, its target and B's value, and Compare. */
function AbControls({ setting, onRun }: { setting: AbSetting; onRun: () => void }) {
  const t = useT();
  const { kind, options, chosen, needsTarget, mode, replicas, currentMode } = setting;
  return (
    <div className="ab-controls">
      <label className="field">
        <span>{t('ab.setting')}</span>
        <select value={kind} onChange={(e) => setting.setKind(e.target.value as FlipKind)} data-testid="ab-kind">
          {FLIP_KINDS.map((k) => (
            <option key={k} value={k}>
              {t(`ab.flip.${k}`)}
            </option>
          ))}
        </select>
      </label>
      {needsTarget && (
        <label className="field">
          <span>{t('ab.target')}</span>
          <select
            value={chosen}
            onChange={(e) => setting.setTarget(e.target.value)}
            disabled={options.length === 0}
            data-testid="ab-target"
          >
            {options.map((o) => (
              <option key={o} value={o}>
                {o}
              </option>
            ))}
          </select>
        </label>
      )}
      {kind === 'proxyMode' && (
        <label className="field">
          <span>{t('ab.value')}</span>
          <select value={mode} onChange={(e) => setting.setMode(e.target.value as ProxyMode)} data-testid="ab-mode">
            {PROXY_MODES.filter((m) => m !== currentMode).map((m) => (
              <option key={m} value={m}>
                {m}
              </option>
            ))}
          </select>
        </label>
      )}
      {kind === 'replicas' && (
        <label className="field">
          <span>{t('ab.value')}</span>
          <input
            type="number"
            min={0}
            max={50}
            value={replicas}
            onChange={(e) => setting.setReplicas(Math.max(0, Math.min(50, Number(e.target.value) || 0)))}
            data-testid="ab-replicas"
          />
        </label>
      )}
      <button
        type="button"
        className="btn btn-primary"
        onClick={onRun}
        disabled={needsTarget && !chosen}
        data-testid="ab-run"
      >
        {t('ab.run')}
      </button>
    </div>
  );
}

/** The summary, the conversion's notes, and A's and B's hops side by side with the differing ones marked. */
function AbResult({ view }: { view: AbView }) {
  const t = useT();
  const diffA = new Map<number, string[]>();
  const diffB = new Map<number, string[]>();
  for (const d of view.comparison.differing) {
    if (d.indexA !== null) diffA.set(d.indexA, d.what);
    if (d.indexB !== null) diffB.set(d.indexB, d.what);
  }
  return (
    <>
      <p className="ab-summary" data-testid="ab-summary">
        <strong>{flipText(t, view.flip)}</strong>
        {t('ab.sum.colon')}
        {summary(t, view.a, view.b, view.comparison)}
      </p>
      {view.flip.kind === 'gatewayApi' && <ConvertNotes notes={view.flip.notes} />}
      <div className="ab-columns">
        <div>
          <h3 className="ab-head">{t('ab.sideA')}</h3>
          <p className="small muted">{resultText(t, view.a)}</p>
          <HopList side="a" trace={view.a} diffs={diffA} />
        </div>
        <div>
          <h3 className="ab-head">{t(view.flip.kind === 'gatewayApi' ? 'ab.sideB.convert' : 'ab.sideB')}</h3>
          <p className="small muted">{resultText(t, view.b)}</p>
          <HopList side="b" trace={view.b} diffs={diffB} />
        </div>
      </div>
    </>
  );
}
