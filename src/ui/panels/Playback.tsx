// Playback controls for the current trace: reset, step, play/pause, speed and "hop 3 of 9".
// Keys (Left, Right, Space, Home, End) are bound in usePlaybackKeys for the whole page.

import { useEffect, useMemo, useRef } from 'react';
import {
  SPEEDS,
  selectCurrentHop,
  selectHopCount,
  selectHopIndex,
  selectPlaying,
  selectSpeed,
  selectTrace,
} from '../../state';
import { labStore, useLab } from '../app-store';
import { useList, useT, type T } from '../i18n';
import { IconBack, IconFirst, IconForward, IconPause, IconPlay } from '../icons';
import { isReplyHop, replyPath } from '../reply-hops';

/** The canvas's key for a trace with a reply: the request's line, the reply's dots, and whether
 *  the reply comes back the way the request went (the nodes it never crosses when it does not). */
function ReplyLegend({ t, reply }: { t: T; reply: NonNullable<ReturnType<typeof replyPath>> }) {
  const list = useList();
  const [text, title] = reply.retraces
    ? [t('canvas.route.legend.retraces'), t('canvas.route.legend.retraces.title')]
    : [reply.skipped.length > 0 ? t('canvas.route.legend.skips', { nodes: list(reply.skipped) }) : t('canvas.route.legend.differs'), t('canvas.route.legend.differs.title')];
  return (
    <span className="route-legend" data-testid="route-legend" data-retraces={String(reply.retraces)}>
      <span className="route-legend-key">
        <svg width="26" height="10" aria-hidden="true">
          <line x1="3" y1="5" x2="23" y2="5" className="route-legend-request" />
        </svg>
        {t('canvas.route.legend.request')}
      </span>
      <span className="route-legend-key">
        <svg width="26" height="10" aria-hidden="true">
          <line x1="3" y1="5" x2="23" y2="5" className="route-legend-reply" />
        </svg>
        {t('canvas.route.legend.reply')}
      </span>
      <span
        className={`route-legend-path${reply.retraces ? '' : ' is-differs'}`}
        title={title}
        data-testid="route-legend-path"
      >
        {text}
      </span>
    </span>
  );
}

export function Playback() {
  const t = useT();
  const n = useLab(selectHopCount);
  const hop = useLab(selectHopIndex);
  const playing = useLab(selectPlaying);
  const speed = useLab(selectSpeed);
  const current = useLab(selectCurrentHop);
  const trace = useLab(selectTrace);
  const reply = useMemo(() => (trace ? replyPath(trace.hops) : null), [trace]);
  const onReply = current !== null && isReplyHop(current);
  const s = labStore.getState();
  const none = n === 0;
  return (
    <div className="playback" role="toolbar" aria-label={t('playback.title')} data-testid="playback">
      <button
        type="button"
        className="btn btn-icon"
        onClick={() => s.reset()}
        disabled={none}
        aria-label={t('playback.reset')}
        title={`${t('playback.reset')} (Home)`}
      >
        <IconFirst />
      </button>
      <button
        type="button"
        className="btn btn-icon"
        onClick={() => s.step(-1)}
        disabled={none || hop === 0}
        aria-label={t('playback.back')}
        title={`${t('playback.back')} (←)`}
      >
        <IconBack />
      </button>
      <button
        type="button"
        className="btn btn-icon btn-play"
        onClick={() => s.togglePlay()}
        disabled={none}
        aria-label={playing ? t('playback.pause') : t('playback.play')}
        title={`${playing ? t('playback.pause') : t('playback.play')} (${t('playback.key.space')})`}
        data-testid="playback-play"
      >
        {playing ? <IconPause /> : <IconPlay />}
      </button>
      <button
        type="button"
        className="btn btn-icon"
        onClick={() => s.step(1)}
        disabled={none || hop >= n - 1}
        aria-label={t('playback.forward')}
        title={`${t('playback.forward')} (→)`}
        data-testid="playback-forward"
      >
        <IconForward />
      </button>
      <span className={`hop-counter${onReply ? ' is-reply' : ''}`} aria-live="polite" data-testid="hop-counter">
        {none ? t('playback.noTrace') : t(onReply ? 'playback.hopOfReply' : 'playback.hopOf', { hop: hop + 1, count: n })}
      </span>
      {reply && <ReplyLegend t={t} reply={reply} />}
      <label className="speed">
        <span>{t('playback.speed')}</span>
        <select value={speed} onChange={(e) => s.setSpeed(Number(e.target.value))} aria-label={t('playback.speed')}>
          {SPEEDS.map((v) => (
            <option key={v} value={v}>
              {v}×
            </option>
          ))}
        </select>
      </label>
    </div>
  );
}

function isTyping(el: EventTarget | null): boolean {
  if (!(el instanceof HTMLElement)) return false;
  return el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName);
}

/** Page-wide playback keys, ignored while the user types in a field or when there is no trace. */
export function usePlaybackKeys() {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.altKey || e.ctrlKey || e.metaKey || isTyping(e.target)) return;
      const s = labStore.getState();
      const n = s.playback.trace?.hops.length ?? 0;
      if (n === 0) return;
      const act: Record<string, () => void> = {
        ArrowLeft: () => s.step(-1),
        ArrowRight: () => s.step(1),
        ' ': () => s.togglePlay(),
        Home: () => s.seek(0),
        End: () => s.seek(n - 1),
      };
      const f = act[e.key];
      if (!f) return;
      // Space on a focused button would also click it: handle it here only.
      if (e.key === ' ' && e.target instanceof HTMLButtonElement) return;
      e.preventDefault();
      f();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}

/** Keeps the current hop in the URL hash (`#step=3`, 1-based) and seeks to it when the page's first trace appears. */
export function useStepInHash() {
  const trace = useLab(selectTrace);
  const hop = useLab(selectHopIndex);
  // The address's step is the page's to open on: the first trace takes it, later ones start where
  // the store starts them (a new request at its first hop), not at the step the last one was on.
  const opened = useRef(false);
  useEffect(() => {
    if (!trace || opened.current) return;
    opened.current = true;
    const params = new URLSearchParams(location.hash.slice(1));
    const step = Number(params.get('step'));
    if (Number.isInteger(step) && step >= 1) labStore.getState().seek(step - 1);
  }, [trace]);
  useEffect(() => {
    if (!trace) return;
    const params = new URLSearchParams(location.hash.slice(1));
    params.set('step', String(hop + 1));
    history.replaceState(null, '', `#${params.toString()}`);
  }, [trace, hop]);
}
