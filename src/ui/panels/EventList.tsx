// One timeline: the control plane's events (kubectl get events) then the hops of the current
// trace. Filterable by type; a hop row seeks playback there, an event row selects its object.

import { useEffect, useMemo, useRef, useState, type RefObject } from 'react';
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
import { useT } from '../i18n';
import { explain } from '../i18n/explain';
import { eventGloss } from '../i18n/event-glosses';

type Row =
  | { kind: 'event'; e: ClusterEvent }
  | { kind: 'hop'; h: Hop }
  | { kind: 'edit'; n: number; label: string };
type Filter = 'hops' | 'Normal' | 'Warning';
const FILTERS: Filter[] = ['hops', 'Normal', 'Warning'];

const NO_MARKS: readonly EditMark[] = [];
const selectEditMarks = (s: LabState) => s.lab?.editMarks ?? NO_MARKS;

type Target = { kind: 'pod' | 'service' | 'node'; id: string };

/** The object an event is about, as the canvas selects it (Pods, Services and Nodes are on the canvas). */
function eventTarget(e: ClusterEvent): Target | null {
  const ns = e.object.namespace ?? 'default';
  if (e.object.kind === 'Pod') return { kind: 'pod', id: `pod:${ns}/${e.object.name}` };
  if (e.object.kind === 'Service') return { kind: 'service', id: `service:${ns}/${e.object.name}` };
  if (e.object.kind === 'Node') return { kind: 'node', id: `node:${e.object.name}` };
  return null;
}

function selectEventObject(e: ClusterEvent) {
  const sel = eventTarget(e);
  if (sel) labStore.getState().select(sel);
}

/** The events in order with a divider before each edit's, then the trace's hops; filtered by type. */
function useTimelineRows(shown: Record<Filter, boolean>): { rows: Row[]; marks: readonly EditMark[] } {
  const cluster = useLab(selectCluster);
  const trace = useLab(selectTrace);
  const marks = useLab(selectEditMarks);
  const rows = useMemo<Row[]>(() => {
    const out: Row[] = [];
    // Each edit opens with a divider naming it, so a teacher can point at what one change set off.
    let m = 0;
    const dividersUpTo = (seq: number) => {
      for (; m < marks.length && marks[m]!.afterSeq < seq; m++) {
        out.push({ kind: 'edit', n: m + 1, label: marks[m]!.label });
      }
    };
    for (const e of cluster?.events ?? []) {
      dividersUpTo(e.seq);
      if (shown[e.type]) out.push({ kind: 'event', e });
    }
    dividersUpTo(Infinity);
    if (shown.hops) for (const h of trace?.hops ?? []) out.push({ kind: 'hop', h });
    return out;
  }, [cluster, trace, shown, marks]);
  return { rows, marks };
}

export function EventList() {
  const t = useT();
  const rejected = useLab(selectApiRejections);
  const [shown, setShown] = useState<Record<Filter, boolean>>({ hops: true, Normal: true, Warning: true });
  const { rows, marks } = useTimelineRows(shown);

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
            <input
              type="checkbox"
              checked={shown[f]}
              onChange={(e) => setShown({ ...shown, [f]: e.target.checked })}
            />
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
              <EditRow key={`m${r.n}`} n={r.n} label={r.label} lastRef={r.n === marks.length ? lastEdit : undefined} />
            ) : r.kind === 'hop' ? (
              <HopRow key={`h${r.h.index}`} h={r.h} />
            ) : (
              <EventRow key={`e${r.e.seq}`} e={r.e} />
            ),
          )}
        </ol>
      )}
    </div>
  );
}

/** The divider an edit opens: its number and what it changed. */
function EditRow({ n, label, lastRef }: { n: number; label: string; lastRef?: RefObject<HTMLLIElement | null> }) {
  const t = useT();
  return (
    <li className="row row-edit" ref={lastRef} data-testid={`event-edit-${n}`}>
      <span className="row-n mono" aria-hidden="true">
        ✎
      </span>
      <span className="row-text">
        <span className="small muted">{t('events.edit', { n })}</span> <code className="mono small">{label}</code>
      </span>
    </li>
  );
}

/** A hop of the current trace: it seeks playback there. */
function HopRow({ h }: { h: Hop }) {
  const t = useT();
  const lang = useLab(selectLang);
  const current = useLab(selectHopIndex);
  return (
    <li className={`row row-hop${h.index === current ? ' is-current' : ''}`}>
      <button
        type="button"
        onClick={() => labStore.getState().seek(h.index)}
        aria-current={h.index === current ? 'step' : undefined}
        data-testid={`event-hop-${h.index}`}
      >
        <span className="row-n mono">{h.index + 1}</span>
        <span className={`action-tag action-${h.action}`}>{t(`action.${h.action}`)}</span>
        <span className="row-text">{explain(lang, h.explanation)}</span>
      </button>
    </li>
  );
}

/** A control-plane event as kubectl prints it (in English), with a gloss in the reader's language; it
 *  selects its object. */
function EventRow({ e }: { e: ClusterEvent }) {
  const lang = useLab(selectLang);
  const gloss = eventGloss(lang, e.reason);
  return (
    <li className={`row row-event row-${e.type}`}>
      <button type="button" onClick={() => selectEventObject(e)}>
        <span className="row-n mono">{e.type === 'Warning' ? '!' : '·'}</span>
        <span className="row-text">
          <span className="row-title">
            <strong className="small">{e.reason}</strong>{' '}
            <span className="mono small muted">
              {e.object.kind}/{e.object.namespace ? `${e.object.namespace}/` : ''}
              {e.object.name}
            </span>
          </span>
          <span className="row-message" lang="en">
            {e.message}
          </span>
          {gloss && (
            <span className="row-gloss small muted" data-testid="event-gloss">
              {gloss}
            </span>
          )}
        </span>
      </button>
    </li>
  );
}
