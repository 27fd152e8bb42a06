// The share dialog: the lab as a link (scenario, selected request, the hop shown, lesson step,
// seed), to copy.

import { useEffect, useMemo, useState } from 'react';
import type { Scenario, TraceRequest } from '../../state';
import { encodeShare, type SharedRequest } from '../../scenario/share';
import { useLab } from '../app-store';
import { useT } from '../i18n';
import { Dialog } from './Dialog';
import { session, setSession, useSession } from './session';

/** The selected request: a saved one by id when it is one, else as written. */
function sharedRequest(s: Scenario, r: TraceRequest | null): SharedRequest | undefined {
  if (!r) return undefined;
  const saved = s.requests.find((x) => x.from === r.from && x.url === r.url && (x.method ?? 'GET') === r.method && (x.connect ?? '') === r.connect && JSON.stringify(x.headers ?? {}) === JSON.stringify(r.headers));
  return saved ? saved.id : { from: r.from, method: r.method, url: r.url, headers: r.headers, connect: r.connect };
}

export default function ShareDialog() {
  const t = useT();
  const scenario = useLab((s) => s.scenario.current);
  const request = useLab((s) => s.playback.request);
  const step = useSession((s) => s.lessonStep);
  // The hop on screen travels too (lesson or not): the link opens there, paused.
  const hop = useLab((s) => (s.playback.trace ? s.playback.hop : undefined));
  // And how it was sent: N times, with a cookie jar, which of them is shown.
  const repeat = useLab((s) => s.playback.runs.length);
  const run = useLab((s) => s.playback.run);
  const [copied, setCopied] = useState(false);
  const link = useMemo(() => {
    if (!scenario) return '';
    const send = request ? { repeat: Math.max(1, repeat), run, cookieJar: request.cookieJar === true } : undefined;
    const fragment = encodeShare({ scenario, request: sharedRequest(scenario, request), step: scenario.lesson.length > 0 ? step : undefined, hop, send });
    return `${location.origin}${location.pathname}#${fragment}`;
  }, [scenario, request, step, hop, repeat, run]);
  useEffect(() => {
    // A shared lab is saved work: closing the tab no longer warns about it.
    if (link) setSession({ baseline: scenario });
  }, [link, scenario]);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(link);
      setCopied(true);
    } catch {
      setCopied(false);
    }
  };
  return (
    <Dialog title={t('share.title')} onClose={() => setSession({ overlay: null })} testId="share-dialog">
      <p className="muted">{t('share.what')}</p>
      {scenario && scenario.edits.length > 0 && (
        <p className="muted" data-testid="share-edits">
          {t('share.edits', { count: scenario.edits.length })}
        </p>
      )}
      <textarea
        className="share-link mono"
        readOnly
        value={link}
        rows={5}
        data-testid="share-link"
        onFocus={(e) => e.currentTarget.select()}
        aria-label={t('share.title')}
      />
      <p className="muted" data-testid="share-length">
        {t('share.length', { count: link.length })}
      </p>
      <div className="dialog-actions">
        <button type="button" className="btn btn-primary" onClick={() => void copy()} data-testid="share-copy">
          {copied ? t('share.copied') : t('share.copy')}
        </button>
        <button type="button" className="btn" onClick={() => session.setState({ overlay: null })}>
          {t('dialog.close')}
        </button>
      </div>
    </Dialog>
  );
}
