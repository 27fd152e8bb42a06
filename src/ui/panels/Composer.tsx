// The request composer: who sends (an external client, a pod or a node), what (method, URL,
// headers) and where the connection goes (like curl --connect-to). Send calls the tracer the app
// wired in; until one exists the button is disabled and says so.

import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { selectLang, selectRequests, selectTracerReady, selectTraceStatus, type LabState, type TraceRequest } from '../../state';
import { labStore, useLab } from '../app-store';
import { useT } from '../i18n';

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE'] as const;

/** Every possible sender, as the `from` strings SavedRequest uses. */
const selectSenders = (s: LabState): string[] => {
  const out: string[] = [];
  for (const c of s.scenario.current?.clients ?? []) out.push(`external:${c.name}`);
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

const selectPreferredRequest = (s: { scenario: { current?: { view?: { selectedRequest?: string } } | null } }) => s.scenario.current?.view?.selectedRequest;

const formatHeaders = (h: Record<string, string> | undefined) => Object.entries(h ?? {}).map(([k, v]) => `${k}: ${v}`).join('\n');

export function Composer() {
  const t = useT();
  const senders = useLab(useShallow(selectSenders));
  const saved = useLab(selectRequests);
  const status = useLab(selectTraceStatus);
  const lang = useLab(selectLang);
  const [form, setForm] = useState<TraceRequest>({ from: '', method: 'GET', url: '', headers: {}, connect: '' });
  const [headerText, setHeaderText] = useState('');
  const [savedId, setSavedId] = useState('');
  const from = form.from || senders[0] || '';
  const tracerReady = useLab(selectTracerReady);

  const groups = useMemo(() => {
    const g: Record<'external' | 'pod' | 'node', string[]> = { external: [], pod: [], node: [] };
    // A saved request may name a sender the cluster does not have (yet): keep it visible, not silently swapped.
    const all = from && !senders.includes(from) ? [...senders, from] : senders;
    for (const s of all) g[s.slice(0, s.indexOf(':')) as keyof typeof g]?.push(s);
    return g;
  }, [senders, from]);

  // The scenario's own choice (view.selectedRequest) is ready to send when it opens.
  const preferred = useLab(selectPreferredRequest);
  useEffect(() => {
    const r = preferred ? saved?.find((x) => x.id === preferred) : undefined;
    if (!r) return;
    setSavedId(r.id);
    setForm({ from: r.from, method: r.method ?? 'GET', url: r.url, headers: r.headers ?? {}, connect: r.connect ?? '' });
    setHeaderText(formatHeaders(r.headers));
  }, [preferred, saved]);

  const pick = (id: string) => {
    setSavedId(id);
    const r = saved?.find((x) => x.id === id);
    if (!r) return;
    setForm({ from: r.from, method: r.method ?? 'GET', url: r.url, headers: r.headers ?? {}, connect: r.connect ?? '' });
    setHeaderText(formatHeaders(r.headers));
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    labStore.getState().sendRequest({ ...form, from, headers: parseHeaders(headerText), savedId: savedId || undefined });
  };

  return (
    <form className="composer" onSubmit={submit} data-testid="composer" aria-label={t('composer.title')}>
      {saved && saved.length > 0 && (
        <label className="field field-wide">
          <span>{t('composer.saved')}</span>
          <select value={savedId} onChange={(e) => pick(e.target.value)} data-testid="composer-saved">
            <option value="">{t('composer.saved.none')}</option>
            {saved.map((r) => (
              <option key={r.id} value={r.id}>
                {(lang === 'zh' ? r.zh?.title : undefined) ?? r.title ?? r.id}
              </option>
            ))}
          </select>
        </label>
      )}
      <label className="field">
        <span>{t('composer.from')}</span>
        <select value={from} onChange={(e) => setForm({ ...form, from: e.target.value })} data-testid="composer-from">
          {(['external', 'pod', 'node'] as const).map((k) =>
            groups[k].length > 0 ? (
              <optgroup key={k} label={t(`composer.from.${k}`)}>
                {groups[k].map((s) => (
                  <option key={s} value={s}>
                    {s.slice(s.indexOf(':') + 1)}
                  </option>
                ))}
              </optgroup>
            ) : null,
          )}
        </select>
      </label>
      <div className="field-row">
        <label className="field field-method">
          <span>{t('composer.method')}</span>
          <select value={form.method} onChange={(e) => setForm({ ...form, method: e.target.value })}>
            {METHODS.map((m) => (
              <option key={m}>{m}</option>
            ))}
          </select>
        </label>
        <label className="field field-grow">
          <span>{t('composer.url')}</span>
          <input className="mono" value={form.url} onChange={(e) => setForm({ ...form, url: e.target.value })} placeholder="http://shop.example.com/cart" spellCheck={false} data-testid="composer-url" />
        </label>
      </div>
      <label className="field">
        <span>{t('composer.headers')}</span>
        <textarea className="mono" rows={2} value={headerText} onChange={(e) => setHeaderText(e.target.value)} placeholder="Host: shop.example.com" spellCheck={false} />
      </label>
      <label className="field">
        <span>{t('composer.connect')}</span>
        <input className="mono" value={form.connect} onChange={(e) => setForm({ ...form, connect: e.target.value })} placeholder="ingress | node:worker-1 | 192.168.49.2:30080" spellCheck={false} />
      </label>
      <div className="composer-actions">
        <button type="submit" className="btn btn-primary" disabled={!tracerReady || !form.url} data-testid="composer-send" aria-describedby={!tracerReady ? 'tracer-note' : undefined}>
          {t('composer.send')}
        </button>
        {!tracerReady && (
          <span id="tracer-note" className="note" data-testid="tracer-unavailable">
            {t('composer.tracerUnavailable')}
          </span>
        )}
        {status.kind === 'error' && <span className="note note-error">{t('composer.traceError', { message: status.message })}</span>}
      </div>
    </form>
  );
}
