// One timeline: the control plane's events (kubectl get events) then the hops of the current
// trace. Filterable by type; a hop row seeks playback there, an event row selects its object.

import { useEffect, useMemo, useRef, useState } from 'react';
import type { ClusterEvent, Hop } from '../../sim';
import {
  selectApiRejections,
  selectCluster,
  selectHopIndex,
  selectLang,
  selectTrace,
  type EditMark,
  type LabState,
} from '../../state';
import { labStore, useLab } from '../app-store';
import { explain, useT } from '../i18n';
import { eventGloss } from '../i18n/event-glosses';

type Row = { kind: 'event'; e: ClusterEvent } | { kind: 'hop'; h: Hop } | { kind: 'edit'; n: number; label: string };
type Filter = 'hops' | 'Normal' | 'Warning';
const FILTERS: Filter[] = ['hops', 'Normal', 'Warning'];

const NO_MARKS: readonly EditMark[] = [];
const selectEditMarks = (s: LabState) => s.lab?.editMarks ?? NO_MARKS;

function selectEventObject(e: ClusterEvent) {
  const ns = e.object.namespace ?? 'default';
  const sel = e.object.kind === 'Pod' ? { kind: 'pod' as const, id: `pod:${ns}/${e.object.name}` } : e.object.kind === 'Service' ? { kind: 'service' as const, id: `service:${ns}/${e.object.name}` } : e.object.kind === 'Node' ? { kind: 'node' as const, id: `node:${e.object.name}` } : null;
  if (sel) labStore.getState().select(sel);
}

export function EventList() {
  const t = useT();
  const lang = useLab(selectLang);
  const cluster = useLab(selectCluster);
  const trace = useLab(selectTrace);
  const current = useLab(selectHopIndex);
  const rejected = useLab(selectApiRejections);
  const [shown, setShown] = useState<Record<Filter, boolean>>({ hops: true, Normal: true, Warning: true });

  const marks = useLab(selectEditMarks);
  const rows = useMemo<Row[]>(() => {
    const out: Row[] = [];
    // Each edit opens with a divider naming it, so a teacher can point at what one change set off.
    let m = 0;
    const dividersUpTo = (seq: number) => {
      for (; m < marks.length && marks[m]!.afterSeq < seq; m++) out.push({ kind: 'edit', n: m + 1, label: marks[m]!.label });
    };
    for (const e of cluster?.events ?? []) {
      dividersUpTo(e.seq);
      if (shown[e.type]) out.push({ kind: 'event', e });
    }
    dividersUpTo(Infinity);
    if (shown.hops) for (const h of trace?.hops ?? []) out.push({ kind: 'hop', h });
    return out;
  }, [cluster, trace, shown, marks]);

  // The last edit's divider is scrolled into view (when the timeline opens, and after each edit,
  // undo or redo): what the latest change set off is the news.
  const lastEdit = useRef<HTMLLIElement>(null);
  useEffect(() => {
    lastEdit.current?.scrollIntoView({ block: 'start' });
  }, [marks]);

  return (
    <div className="event-list" data-testid="event-list">
      <div className="filters" role="group" aria-label={t('events.filter')}>
        {FILTERS.map((f) => (
          <label key={f} className="chip">
            <input type="checkbox" checked={shown[f]} onChange={(e) => setShown({ ...shown, [f]: e.target.checked })} />
            {t(`events.filter.${f}`)}
          </label>
        ))}
      </div>
      {rejected.length > 0 && (
        <ul className="rejections" data-testid="api-rejections" aria-label={t('events.rejected')}>
          {rejected.map((p, i) => (
            <li key={i} className="rejection">
              <span className="mono small">
                Error from server ({p.reason}):
              </span>{' '}
              {p.message}
            </li>
          ))}
        </ul>
      )}
      {rows.length === 0 ? (
        <p className="muted panel-hint">{t('events.empty')}</p>
      ) : (
        <ol className="timeline">
          {rows.map((r) =>
            r.kind === 'edit' ? (
              <li
                key={`m${r.n}`}
                className="row row-edit"
                ref={r.n === marks.length ? lastEdit : undefined}
                data-testid={`event-edit-${r.n}`}
              >
                <span className="row-n mono" aria-hidden="true">
                  ✎
                </span>
                <span className="row-text">
                  <span className="small muted">{t('events.edit', { n: r.n })}</span> <code className="mono small">{r.label}</code>
                </span>
              </li>
            ) : r.kind === 'hop' ? (
              <li key={`h${r.h.index}`} className={`row row-hop${r.h.index === current ? ' is-current' : ''}`}>
                <button
                  type="button"
                  onClick={() => labStore.getState().seek(r.h.index)}
                  aria-current={r.h.index === current ? 'step' : undefined}
                  data-testid={`event-hop-${r.h.index}`}
                >
                  <span className="row-n mono">{r.h.index + 1}</span>
                  <span className={`action-tag action-${r.h.action}`}>{t(`action.${r.h.action}`)}</span>
                  <span className="row-text">{explain(lang, r.h.explanation)}</span>
                </button>
              </li>
            ) : (
              <li key={`e${r.e.seq}`} className={`row row-event row-${r.e.type}`}>
                <button type="button" onClick={() => selectEventObject(r.e)}>
                  <span className="row-n mono">{r.e.type === 'Warning' ? '!' : '·'}</span>
                  <span className="row-text">
                    <span className="row-title">
                      <strong className="small">{r.e.reason}</strong>{' '}
                      <span className="mono small muted">
                        {r.e.object.kind}/{r.e.object.namespace ? `${r.e.object.namespace}/` : ''}
                        {r.e.object.name}
                      </span>
                    </span>
                    <span className="row-message" lang="en">
                      {r.e.message}
                    </span>
                    {eventGloss(lang, r.e.reason) && (
                      <span className="row-gloss small muted" data-testid="event-gloss">
                        {eventGloss(lang, r.e.reason)}
                      </span>
                    )}
                  </span>
                </button>
              </li>
            ),
          )}
        </ol>
      )}
    </div>
  );
}
