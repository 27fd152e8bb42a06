// Batch runs of the current request: N requests walked by the same tracer in a Web Worker (so
// 10,000 runs never block the page), a per-pod histogram of where they landed, and the shares the
// rules imply (iptables statistic probabilities, ipvs weights, nft numgen) as markers over it.

import { useEffect, useRef, useState } from 'react';
import type { Distribution } from '../../sim/trace/distribution';
import { selectLang, selectScenario, type LabState } from '../../state';
import { useLab } from '../app-store';
import { renderNote } from '../../sim/notes';
import { useT } from '../i18n';
import type { DistributionJob, DistributionReply } from './distribution-protocol';
import './panels.css';
import './runs.css';

export const RUN_SIZES = [100, 1_000, 10_000] as const;

type RunState =
  | { kind: 'idle' }
  | { kind: 'running'; done: number; n: number; partial: Distribution | null }
  | { kind: 'done'; result: Distribution }
  | { kind: 'cancelled'; done: number; n: number }
  | { kind: 'error'; message: string };

const selectRequest = (s: LabState) => s.playback.request;

/** Rows for the histogram: every pod that answered or that the rules give a share, by name. */
function rows(d: Distribution): { pod: string; count: number; implied: number | null }[] {
  const pods = new Set([...Object.keys(d.perPod), ...Object.keys(d.implied ?? {})]);
  const implied = (pod: string) => (d.implied ? (d.implied[pod] ?? 0) : null);
  return [...pods].sort().map((pod) => ({ pod, count: d.perPod[pod] ?? 0, implied: implied(pod) }));
}

/** The pod most requests landed on, when a cookie jar pinned them (ingress-nginx cookie affinity). */
function Sticky({ d }: { d: Distribution }) {
  const t = useT();
  const top = Object.entries(d.perPod).sort((a, b) => b[1] - a[1])[0];
  if (!top) return null;
  return (
    <p className="small" data-testid="dist-sticky">
      {t('dist.sticky', { count: top[1], n: d.n, pod: top[0] })}
    </p>
  );
}

/** One pod: its bar (the share observed), the marker of the share the rules imply, and the counts. */
function HistogramRow({ r, n, top, num, pct }: {
  r: ReturnType<typeof rows>[number];
  n: number;
  top: number;
  num: Intl.NumberFormat;
  pct: Intl.NumberFormat;
}) {
  const t = useT();
  const share = r.count / Math.max(1, n);
  return (
    <li className="dist-row" data-testid={`dist-row-${r.pod}`}>
      <span className="dist-pod mono" title={r.pod}>
        {r.pod.startsWith('default/') ? r.pod.slice('default/'.length) : r.pod}
      </span>
      <span className="dist-track">
        <span className="dist-bar" style={{ width: `${(share / top) * 100}%` }} data-testid="dist-bar" />
        {r.implied !== null && (
          <span
            className="dist-implied"
            style={{ left: `${(r.implied / top) * 100}%` }}
            title={t('dist.impliedShare', { p: pct.format(r.implied) })}
            data-testid="dist-implied"
          />
        )}
      </span>
      <span className="dist-count mono">
        {num.format(r.count)}{' '}
        <span className="muted">
          ({pct.format(share)}
          {r.implied !== null ? ` / ${pct.format(r.implied)}` : ''})
        </span>
      </span>
    </li>
  );
}

function Histogram({ d }: { d: Distribution }) {
  const t = useT();
  const lang = useLab(selectLang);
  const num = new Intl.NumberFormat(lang === 'zh' ? 'zh-CN' : 'en');
  const pct = new Intl.NumberFormat(lang === 'zh' ? 'zh-CN' : 'en', { style: 'percent', maximumFractionDigits: 1 });
  const rs = rows(d);
  // Bars and markers share one scale: the largest observed or implied share fills the track.
  const top = Math.max(1e-9, ...rs.map((r) => Math.max(r.count / Math.max(1, d.n), r.implied ?? 0)));
  const other = Object.entries(d.outcomes).filter(([k]) => k !== 'response');
  const impliedFrom = renderNote(lang, d.impliedNote);
  return (
    <div className="dist-result" data-testid="dist-result">
      <p className="dist-n" data-testid="dist-n">
        {t('dist.counted', { n: num.format(d.n) })}
      </p>
      <ul className="dist-hist" aria-label={t('dist.histogram')}>
        {rs.map((r) => (
          <HistogramRow key={r.pod} r={r} n={d.n} top={top} num={num} pct={pct} />
        ))}
      </ul>
      {rs.length === 0 && <p className="muted">{t('dist.noPods')}</p>}
      {other.length > 0 && (
        <p className="note" data-testid="dist-outcomes">
          {other.map(([k, v]) => `${t(`result.${k}` as 'result.refused')}: ${num.format(v ?? 0)}`).join(' · ')}
        </p>
      )}
      <p className="dist-legend small">
        <span className="dist-swatch" aria-hidden="true" /> {t('dist.legend.observed')}{' '}
        <span className="dist-swatch dist-swatch-implied" aria-hidden="true" /> {t('dist.legend.implied')}
      </p>
      <p className="small" data-testid="dist-implied-from">
        {d.implied ? t('dist.impliedFrom', { from: impliedFrom }) : t('dist.noImplied', { why: impliedFrom })}
      </p>
    </div>
  );
}

/** A batch in a Web Worker: its progress and partial counts, Cancel, and the counts it ended with. */
function useBatchRun() {
  const scenario = useLab(selectScenario);
  const request = useLab(selectRequest);
  const [run, setRun] = useState<RunState>({ kind: 'idle' });
  const [ranWithJar, setRanWithJar] = useState(false);
  const worker = useRef<Worker | null>(null);

  const stop = () => {
    worker.current?.terminate();
    worker.current = null;
  };
  // A new scenario or request makes the last counts stale; an open worker dies with the panel.
  useEffect(() => {
    setRun({ kind: 'idle' });
    return stop;
  }, [scenario, request]);

  const start = (n: number, cookieJar: boolean) => {
    if (!scenario || !request) return;
    stop();
    const w = new Worker(new URL('./distribution.worker.ts', import.meta.url), { type: 'module' });
    worker.current = w;
    setRun({ kind: 'running', done: 0, n, partial: null });
    w.onmessage = (e: MessageEvent<DistributionReply>) => {
      const m = e.data;
      if (m.kind === 'error') {
        setRun({ kind: 'error', message: m.message });
        stop();
      } else if (m.kind === 'progress') setRun({ kind: 'running', done: m.done, n, partial: m.result });
      else {
        setRun({ kind: 'done', result: m.result });
        stop();
      }
    };
    // A worker script that cannot be downloaded (offline) fails with an event that has no message.
    w.onerror = (e) => {
      setRun({ kind: 'error', message: e.message ?? '' });
      stop();
    };
    setRanWithJar(cookieJar);
    const { settings, objects, clients, edits } = scenario;
    const job: DistributionJob = {
      kind: 'run',
      input: { settings, objects, clients, edits },
      request: { ...request, cookieJar },
      n,
      seed: settings.seed,
      chunk: Math.max(50, Math.ceil(n / 50)),
    };
    w.postMessage(job);
  };
  const cancel = () => {
    stop();
    setRun((r) => (r.kind === 'running' ? { kind: 'cancelled', done: r.done, n: r.n } : r));
  };
  return { run, ranWithJar, start, cancel };
}

export default function DistributionPanel() {
  const t = useT();
  const request = useLab(selectRequest);
  const lang = useLab(selectLang);
  const num = new Intl.NumberFormat(lang === 'zh' ? 'zh-CN' : 'en');
  const [n, setN] = useState<number>(1_000);
  // Runs start with an empty jar; with it on, Set-Cookie answers ride on every later request.
  const [cookieJar, setCookieJar] = useState(false);
  useEffect(() => setCookieJar(request?.cookieJar === true), [request]);
  const { run, ranWithJar, start, cancel } = useBatchRun();

  if (!request) {
    return (
      <p className="muted panel-hint" data-testid="dist-no-request">
        {t('dist.noRequest')}
      </p>
    );
  }
  const running = run.kind === 'running';
  return (
    <section className="dist" aria-label={t('dist.title')} data-testid="distribution">
      <p className="small">
        {t('dist.intro')}{' '}
        <span className="mono">
          {request.method} {request.url}
        </span>{' '}
        <span className="muted">({request.from})</span>
      </p>
      <div className="dist-controls">
        <label className="field">
          <span>{t('dist.n')}</span>
          <select value={n} onChange={(e) => setN(Number(e.target.value))} disabled={running} data-testid="dist-size">
            {RUN_SIZES.map((x) => (
              <option key={x} value={x}>
                {num.format(x)}
              </option>
            ))}
          </select>
        </label>
        <label className="dist-jar">
          <input
            type="checkbox"
            checked={cookieJar}
            onChange={(e) => setCookieJar(e.target.checked)}
            disabled={running}
            data-testid="dist-cookie-jar"
          /> {t('dist.cookieJar')}
        </label>
        {running ? (
          <button type="button" className="btn" onClick={cancel} data-testid="dist-cancel">
            {t('dist.cancel')}
          </button>
        ) : (
          <button type="button" className="btn btn-primary" onClick={() => start(n, cookieJar)} data-testid="dist-run">
            {t('dist.run')}
          </button>
        )}
      </div>
      <RunStatus run={run} num={num} />
      {run.kind === 'running' && run.partial && <Histogram d={run.partial} />}
      {run.kind === 'done' && <Histogram d={run.result} />}
      {run.kind === 'done' && ranWithJar && <Sticky d={run.result} />}
    </section>
  );
}

/** How far a batch got: its progress, that it was cancelled, or why it failed. */
function RunStatus({ run, num }: { run: RunState; num: Intl.NumberFormat }) {
  const t = useT();
  if (run.kind === 'running') {
    return (
      <div className="dist-progress">
        <progress max={run.n} value={run.done} aria-label={t('dist.progress')} data-testid="dist-progress" />
        <span className="small mono">{t('dist.progressOf', { done: num.format(run.done), n: num.format(run.n) })}</span>
      </div>
    );
  }
  if (run.kind === 'cancelled') {
    return (
      <p className="note" data-testid="dist-cancelled">
        {t('dist.cancelled', { done: num.format(run.done), n: num.format(run.n) })}
      </p>
    );
  }
  if (run.kind === 'error') {
    return (
      <p className="note note-error" role="alert" data-testid="dist-error">
        {run.message ? t('dist.error', { message: run.message }) : t('dist.workerFailed')}
      </p>
    );
  }
  return null;
}
