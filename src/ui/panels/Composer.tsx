// The request composer: who sends (an outside client, a pod or a node), what (method, URL,
// headers) and where the connection goes (like curl --connect-to); how many times in a row, and
// whether a cookie jar carries Set-Cookie answers from one request to the next. What was typed
// is the store's draft for the open scenario (it survives Send and tab switches, and goes when
// another scenario opens). Every choice is checked against the current lab as it is typed: a
// client, pod, node or connect target the lab does not have is an error beside its field that
// names what the lab has, and Send waits until it is fixed.

import { useMemo, type FormEvent, type ReactNode } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { TraceResult } from '../../sim';
import {
  MAX_REPEAT,
  selectClients,
  selectComposer,
  selectLang,
  selectRequests,
  selectRunIndex,
  selectRuns,
  selectScenario,
  selectTracerState,
  selectTraceStatus,
  type ComposerDraft,
  type LabState,
  type Lang,
  type RequestIssue,
  type Scenario,
} from '../../state';
import { DEFAULT_CLIENT } from '../../sim/clients';
import { labStore, useLab } from '../app-store';
import { CountError } from '../CountError';
import { useT, type T } from '../i18n';
import { readWholeNumber, type WholeNumber } from '../whole-number';
import { ClientEditor } from './ClientEditor';
import { existingText, faultText, syntaxText } from './fault-text';
import { FaultPods } from './FaultPods';
import { ResponseView } from './ResponseView';
import './composer.css';

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE'] as const;

/** Pods and nodes that can send, as the `from` strings SavedRequest uses (clients come with their
 *  addresses). */
const selectClusterSenders = (s: LabState): string[] => {
  const out: string[] = [];
  for (const p of s.lab?.cluster.pods ?? []) out.push(`pod:${p.metadata.namespace ?? 'default'}/${p.metadata.name}`);
  for (const n of s.lab?.cluster.nodes ?? []) out.push(`node:${n.metadata.name}`);
  return out;
};

export function parseHeaders(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const i = line.indexOf(':');
    if (i <= 0) continue;
    out[line.slice(0, i).trim()] = line.slice(i + 1).trim();
  }
  return out;
}

const formatHeaders = (h: Record<string, string> | undefined) =>
  Object.entries(h ?? {})
    .map(([k, v]) => `${k}: ${v}`)
    .join('\n');

/** A saved request of the scenario as a draft. */
function draftOf(scenario: Scenario, id: string): ComposerDraft | null {
  const r = scenario.requests.find((x) => x.id === id);
  if (!r) return null;
  const { from, url, id: savedId } = r;
  const request = { from, method: r.method ?? 'GET', url, headers: r.headers ?? {}, connect: r.connect ?? '', savedId };
  return { request, headerText: formatHeaders(r.headers), repeat: 1 };
}

/** Before the user types: the scenario's own choice (view.selectedRequest), else an empty request from the
 *  default client. */
function initialDraft(scenario: Scenario | null): ComposerDraft {
  const preferred = scenario?.view.selectedRequest;
  const saved = scenario && preferred ? draftOf(scenario, preferred) : null;
  const empty = { from: `external:${DEFAULT_CLIENT.name}`, method: 'GET', url: '', headers: {}, connect: '' };
  return saved ?? { request: empty, headerText: '', repeat: 1 };
}

function issueText(t: T, lang: Lang, i: RequestIssue): string {
  if (i.kind === 'syntax') {
    // The parser's own words (request.ts): what the field must be and what was written, in the reader's language.
    return i.note ? syntaxText(lang, i.note) : t(`composer.check.${i.field}.syntax`);
  }
  const existing = existingText(t, lang, i.existing);
  if (i.kind === 'no-ingress') {
    if (!i.name) return t('composer.check.no-ingress-any');
    return t('composer.check.no-ingress', { name: i.name, existing });
  }
  return t(`composer.check.${i.kind}`, { name: i.name, existing });
}

function FieldIssues({ issues, field }: { issues: readonly RequestIssue[]; field: RequestIssue['field'] }) {
  const t = useT();
  const lang = useLab(selectLang);
  const mine = issues.filter((i) => i.field === field);
  if (mine.length === 0) return null;
  return (
    <span
      className="field-error"
      role="alert"
      id={`composer-${field}-error`}
      data-testid={`composer-${field}-error`}
    >
      {mine.map((i) => issueText(t, lang, i)).join(' ')}
    </span>
  );
}

/** The most frequent backend pod of a run of requests: how sticky it was. */
export function stickiness(runs: readonly TraceResult[]): { pod: string; count: number } | null {
  const counts = new Map<string, number>();
  for (const r of runs) if (r.backendPod) counts.set(r.backendPod, (counts.get(r.backendPod) ?? 0) + 1);
  let best: { pod: string; count: number } | null = null;
  for (const [pod, count] of counts) if (!best || count > best.count) best = { pod, count };
  return best;
}

function Runs({ runs, shown }: { runs: readonly TraceResult[]; shown: number }) {
  const t = useT();
  const sticky = stickiness(runs);
  return (
    <div className="runs" data-testid="runs">
      <h4>{t('composer.runs')}</h4>
      <table className="runs-table">
        <thead>
          <tr>
            <th scope="col">{t('composer.runs.n')}</th>
            <th scope="col">{t('composer.runs.status')}</th>
            <th scope="col">{t('composer.runs.pod')}</th>
            <th scope="col">{t('composer.runs.setCookie')}</th>
          </tr>
        </thead>
        <tbody>
          {runs.map((r, i) => (
            <tr key={i} className={i === shown ? 'is-shown' : undefined} data-testid={`run-${i + 1}`}>
              <td>
                <button
                  type="button"
                  className="btn btn-ghost mono"
                  onClick={() => labStore.getState().showRun(i)}
                  aria-label={t('composer.runs.show', { n: i + 1 })}
                  aria-pressed={i === shown}
                >
                  {i + 1}
                </button>
              </td>
              <td className="mono">{r.status ?? t(`result.${r.outcome}`)}</td>
              <td className="mono" data-testid="run-pod" title={r.backendPod ?? undefined}>
                {r.backendPod?.replace(/^default\//, '') ?? '—'}
              </td>
              <td
                className="mono"
                data-testid="run-set-cookie"
              >{r.responseHeaders['Set-Cookie']?.split(';')[0] ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {sticky && runs.length > 1 && (
        <p className="small" data-testid="runs-sticky">
          {t('composer.sticky', { count: sticky.count, n: runs.length, pod: sticky.pod })}
        </p>
      )}
    </div>
  );
}

function LastResponse() {
  const t = useT();
  const lang = useLab(selectLang);
  const runs = useLab(selectRuns);
  const shown = useLab(selectRunIndex);
  const trace = runs[shown];
  if (!trace) return null;
  return (
    <section className="composer-response" aria-label={t('composer.lastResponse')} data-testid="composer-response">
      <h3>{t('composer.lastResponse')}</h3>
      <div className={`result ${trace.outcome === 'response' ? 'is-ok' : 'is-failed'}`}>
        <strong>{t(`result.${trace.outcome}`)}</strong>
        {trace.status !== null && <span className="mono" data-testid="composer-response-status"> {trace.status}</span>}
        {trace.backendPod && (
          <span className="small">
            {' '}
            · {t('result.backend')} <span className="mono">{trace.backendPod}</span>
          </span>
        )}
        {trace.fault && <p className="small" data-testid="composer-fault">{faultText(lang, trace.fault)}</p>}
        {trace.fault && <FaultPods fault={trace.fault} testId="composer-fault-pods" compact />}
      </div>
      <ResponseView trace={trace} />
      {runs.length > 1 && <Runs runs={runs} shown={shown} />}
    </section>
  );
}

type Draft = ReturnType<typeof useComposerDraft>;
type SenderGroup = 'external' | 'pod' | 'node';

/** The draft being typed (the store keeps it for the open scenario), and how a field changes it. */
function useComposerDraft() {
  const scenario = useLab(selectScenario);
  const stored = useLab(selectComposer);
  const draft = useMemo(() => stored ?? initialDraft(scenario), [stored, scenario]);
  const form = draft.request;
  const update = (patch: Partial<ComposerDraft>) => labStore.getState().setComposer({ ...draft, ...patch });
  const setRequest = (patch: Partial<ComposerDraft['request']>) => update({ request: { ...form, ...patch } });
  // A saved request replaces the draft (keeping the repeat count and the cookie jar); none: the draft, unlinked.
  const pick = (id: string) => {
    const d = scenario && id ? draftOf(scenario, id) : null;
    const picked = d ? { ...d, repeat: draft.repeat, request: { ...d.request, cookieJar: form.cookieJar } } : null;
    update(picked ?? { request: { ...form, savedId: undefined } });
  };
  return { draft, form, update, setRequest, pick };
}

/** The field's errors' id, for aria-describedby, when it has any. */
const describedBy = (issues: readonly RequestIssue[], field: RequestIssue['field']) =>
  issues.some((i) => i.field === field) ? `composer-${field}-error` : undefined;

export function Composer() {
  const t = useT();
  const lab = useLab((s) => s.lab);
  const d = useComposerDraft();
  const { draft, form, setRequest } = d;

  // Checked against the lab as it is now: every edit, undo or client change derives a new lab.
  const issues = useMemo(
    () => (lab ? labStore.getState().checkRequest({ from: form.from, url: form.url, connect: form.connect }) : []),
    [lab, form.from, form.url, form.connect],
  );

  // What the repeat field says, read again: a count that is not 1 to MAX_REPEAT is refused, never clamped.
  const repeat = readWholeNumber(draft.repeatText ?? String(draft.repeat), 1, MAX_REPEAT);
  const repeatWrong = 'problem' in repeat;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (issues.length > 0 || repeatWrong) return;
    const request = { ...form, headers: parseHeaders(draft.headerText), savedId: form.savedId || undefined };
    labStore.getState().sendRequest(request, { repeat: draft.repeat });
  };

  return (
    <div className="composer-panel">
      <form className="composer" onSubmit={submit} data-testid="composer" aria-label={t('composer.title')}>
        <SavedRequestPick value={form.savedId ?? ''} onPick={d.pick} />
        <SenderField from={form.from} issues={issues} onChange={(from) => setRequest({ from, savedId: undefined })} />
        <ClientEditor
          onSaved={(name, replaces) => {
            // A new client is chosen to send; an edited one stays chosen under its new name.
            if (replaces === undefined || form.from === `external:${replaces}`) {
              setRequest({ from: `external:${name}`, savedId: undefined });
            }
          }}
        />
        <WhatIsSent d={d} issues={issues} />
        <RepeatAndCookies d={d} read={repeat} />
        <SendActions
          blocked={!form.url || issues.length > 0 || repeatWrong}
          noUrl={!form.url}
          repeatWrong={repeatWrong}
        />
      </form>
      <LastResponse />
    </div>
  );
}

/** The scenario's saved requests, in the reader's language; choosing one fills the form. */
function SavedRequestPick({ value, onPick }: { value: string; onPick: (id: string) => void }) {
  const t = useT();
  const saved = useLab(selectRequests);
  const lang = useLab(selectLang);
  if (!saved || saved.length === 0) return null;
  return (
    <label className="field field-wide">
      <span>{t('composer.saved')}</span>
      <select value={value} onChange={(e) => onPick(e.target.value)} data-testid="composer-saved">
        <option value="">{t('composer.saved.none')}</option>
        {saved.map((r) => (
          <option key={r.id} value={r.id}>
            {(lang === 'zh' ? r.zh?.title : undefined) ?? r.title ?? r.id}
          </option>
        ))}
      </select>
    </label>
  );
}

/** Who can send, grouped: outside clients (with their addresses), pods, nodes. */
function useSenderGroups(from: string) {
  const t = useT();
  const clients = useLab(selectClients);
  const clusterSenders = useLab(useShallow(selectClusterSenders));
  return useMemo(() => {
    const g: Record<SenderGroup, { value: string; label: string }[]> = { external: [], pod: [], node: [] };
    for (const c of clients ?? []) {
      const label = t('composer.clientOption', { name: c.name, address: c.address });
      g.external.push({ value: `external:${c.name}`, label });
    }
    for (const s of clusterSenders) {
      g[s.startsWith('pod:') ? 'pod' : 'node'].push({ value: s, label: s.slice(s.indexOf(':') + 1) });
    }
    // A sender the lab does not have stays visible (its error says so), never silently swapped.
    const all = Object.values(g).flat();
    if (from && !all.some((o) => o.value === from)) {
      const k = from.slice(0, from.indexOf(':')) as keyof typeof g;
      (g[k] ?? g.external).push({ value: from, label: from.slice(from.indexOf(':') + 1) });
    }
    return g;
  }, [clients, clusterSenders, from, t]);
}

/** The sender, with its error when the lab has no such client, pod or node. */
function SenderField({ from, issues, onChange }: {
  from: string;
  issues: readonly RequestIssue[];
  onChange: (from: string) => void;
}) {
  const t = useT();
  const groups = useSenderGroups(from);
  const group = (k: SenderGroup): ReactNode =>
    groups[k].length > 0 ? (
      <optgroup key={k} label={t(`composer.from.${k}`)}>
        {groups[k].map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </optgroup>
    ) : null;
  return (
    <label className="field">
      <span>{t('composer.from')}</span>
      <select
        value={from}
        onChange={(e) => onChange(e.target.value)}
        data-testid="composer-from"
        aria-invalid={!!describedBy(issues, 'from')}
        aria-describedby={describedBy(issues, 'from')}
      >
        {group('external')}
        {group('pod')}
        {group('node')}
      </select>
      <FieldIssues issues={issues} field="from" />
    </label>
  );
}

/** Method, URL, headers and where the connection goes (like curl --connect-to). */
function WhatIsSent({ d, issues }: { d: Draft; issues: readonly RequestIssue[] }) {
  const t = useT();
  const { draft, form, update, setRequest } = d;
  return (
    <>
      <div className="field-row">
        <label className="field field-method">
          <span>{t('composer.method')}</span>
          <select value={form.method} onChange={(e) => setRequest({ method: e.target.value, savedId: undefined })}>
            {METHODS.map((m) => (
              <option key={m}>{m}</option>
            ))}
          </select>
        </label>
        <label className="field field-grow">
          <span>{t('composer.url')}</span>
          <input
            className="mono"
            value={form.url}
            onChange={(e) => setRequest({ url: e.target.value, savedId: undefined })}
            placeholder="http://shop.example.com/cart"
            spellCheck={false}
            data-testid="composer-url"
            aria-invalid={!!describedBy(issues, 'url')}
            aria-describedby={describedBy(issues, 'url')}
          />
          <FieldIssues issues={issues} field="url" />
        </label>
      </div>
      <label className="field">
        <span>{t('composer.headers')}</span>
        <textarea
          className="mono"
          rows={2}
          value={draft.headerText}
          onChange={(e) => update({ headerText: e.target.value, request: { ...form, savedId: undefined } })}
          placeholder="Host: shop.example.com"
          spellCheck={false}
          data-testid="composer-headers"
        />
      </label>
      <label className="field">
        <span>{t('composer.connect')}</span>
        <input
          className="mono"
          value={form.connect}
          onChange={(e) => setRequest({ connect: e.target.value, savedId: undefined })}
          placeholder="ingress | node:node-1 | 192.168.49.2:30080"
          spellCheck={false}
          data-testid="composer-connect"
          aria-invalid={!!describedBy(issues, 'connect')}
          aria-describedby={describedBy(issues, 'connect')}
        />
        <FieldIssues issues={issues} field="connect" />
      </label>
    </>
  );
}

/** How many times in a row (a count that is not 1 to MAX_REPEAT is an error beside the field), and whether a
 *  cookie jar carries Set-Cookie from one request to the next. */
function RepeatAndCookies({ d, read }: { d: Draft; read: WholeNumber }) {
  const t = useT();
  const { draft, form, update, setRequest } = d;
  const text = draft.repeatText ?? String(draft.repeat);
  // A usable count is the draft's repeat; anything else is kept as typed, with its error.
  const change = (v: string) => {
    const r = readWholeNumber(v, 1, MAX_REPEAT);
    update('value' in r ? { repeat: r.value, repeatText: undefined } : { repeatText: v });
  };
  return (
    <div className="composer-repeat">
      <label className="inline-field">
        <span>{t('composer.repeat')}</span>
        <input
          type="text"
          inputMode="numeric"
          value={text}
          onChange={(e) => change(e.target.value)}
          data-testid="composer-repeat"
          aria-invalid={'problem' in read}
          aria-describedby={'problem' in read ? 'composer-repeat-error' : undefined}
        />
        <span>{t('composer.repeat.times')}</span>
      </label>
      {'problem' in read && (
        <CountError problem={read.problem} field={t('composer.repeat.field')} id="composer-repeat-error" />
      )}
      <label className="inline-field">
        <input
          type="checkbox"
          checked={form.cookieJar === true}
          onChange={(e) => setRequest({ cookieJar: e.target.checked })}
          data-testid="composer-cookie-jar"
        />
        <span>{t('composer.cookieJar')}</span>
      </label>
    </div>
  );
}

/** The note that says why Send waits: the tracer, a missing URL, or the repeat count's error. */
const sendNote = (tracerReady: boolean, noUrl: boolean, repeatWrong: boolean) =>
  !tracerReady ? 'tracer-note' : noUrl ? 'url-note' : repeatWrong ? 'composer-repeat-error' : undefined;

/** Send (waiting for the tracer and for a request without errors), and why it waits. */
function SendActions({ blocked, noUrl, repeatWrong }: { blocked: boolean; noUrl: boolean; repeatWrong: boolean }) {
  const t = useT();
  const status = useLab(selectTraceStatus);
  const tracerState = useLab(selectTracerState);
  const tracerReady = tracerState === 'ready';
  return (
    <div className="composer-actions">
      <button
        type="submit"
        className="btn btn-primary"
        disabled={!tracerReady || blocked}
        data-testid="composer-send"
        aria-describedby={sendNote(tracerReady, noUrl, repeatWrong)}
      >
        {t('composer.send')}
      </button>
      {tracerState !== 'ready' && (
        <span
          id="tracer-note"
          className="note"
          role="status"
          data-testid={tracerState === 'loading' ? 'tracer-loading' : 'tracer-unavailable'}
        >
          {tracerState === 'loading' ? t('composer.tracerLoading') : t('composer.tracerUnavailable')}
        </span>
      )}
      {/* A disabled Send says why: with the tracer ready, only the URL is missing. */}
      {tracerReady && noUrl && (
        <span id="url-note" className="note" role="status" data-testid="composer-url-needed">
          {t('composer.urlNeeded')}
        </span>
      )}
      {status.kind === 'error' && (
        <span className="note note-error">{t('composer.traceError', { message: status.message })}</span>
      )}
    </div>
  );
}
