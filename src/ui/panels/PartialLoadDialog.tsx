// A file whose objects parse but some of which the apiserver refuses (admission) does not replace
// the lab by itself: this dialog lists each refusal where it is in the file (file:line:col), in the
// apiserver's words, and lets the user choose to open the file without those objects or to keep
// the lab that is open. Closing it (Escape, ×) keeps the current lab: nothing is lost by default.

import { labStore, useLab } from '../app-store';
import { useT } from '../i18n';
import { Dialog } from '../share/Dialog';

export function PartialLoadDialog() {
  const t = useT();
  const pending = useLab((s) => s.pendingLoad);
  if (!pending) return null;
  const keep = () => labStore.getState().resolvePendingLoad('keep');
  const objects = new Set(pending.refusals.flatMap((r) => (r.objectIndex === undefined ? [] : [r.objectIndex]))).size;
  return (
    <Dialog title={t('partial.title')} onClose={keep} testId="partial-load" wide>
      <p>{t('partial.intro', { files: pending.files.join(', '), count: pending.refusals.length })}</p>
      <ol className="problems partial-refusals" data-testid="partial-refusals">
        {pending.refusals.map((r, i) => {
          const p = r.problem;
          return (
            <li key={i} className="problem problem-error" data-testid="partial-refusal">
              <span className="mono where" data-testid="partial-where">
                {p.file}
                {p.line !== undefined ? `:${p.line}:${p.column ?? 1}` : ''}
              </span>{' '}
              <span className="mono">
                {r.ref.kind} {r.ref.namespace ? `${r.ref.namespace}/` : ''}
                {r.ref.name}
              </span>
              <span className="message mono" lang="en">
                {p.message}
              </span>
            </li>
          );
        })}
      </ol>
      <p className="muted">{t('partial.choose', { count: objects })}</p>
      <div className="dialog-actions">
        <button type="button" className="btn" onClick={keep} data-testid="partial-keep">
          {t('partial.keep')}
        </button>
        <button
          type="button"
          className="btn btn-primary"
          onClick={() => labStore.getState().resolvePendingLoad('open')}
          data-testid="partial-open"
        >
          {t('partial.open')}
        </button>
      </div>
    </Dialog>
  );
}
