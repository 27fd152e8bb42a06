// A file whose objects parse but some of which the apiserver refuses (admission) does not replace
// the lab by itself: this dialog lists each refusal where it is in the file (file:line:col), in the
// apiserver's words, and lets the user choose to open the file without those objects or to keep
// the lab that is open. Closing it (Escape, ×) keeps the current lab: nothing is lost by default.
// kubectl's line stays as kubectl prints it; the lab's framing around it is in the reader's language.

import type { Problem } from '../../scenario';
import { pendingLoadCounts, selectLang } from '../../state';
import { labStore, useLab } from '../app-store';
import { useList, useT } from '../i18n';
import { Dialog } from '../share/Dialog';
import { forgetOpenedPaste } from '../share/files-io';
import { useProblemTexts } from './problem-texts';

const HOLE = '\u0000';

/**
 * A refusal: kubectl's line (`Error from server (Invalid): The Service "web" is invalid: ...`) as
 * kubectl prints it, marked as English, inside the lab's framing in the reader's language (nothing
 * around it in English, "apiserver 拒绝了此对象：" in Chinese). The English message until the loader's
 * text table is here.
 */
function RefusalText({ problem: p }: { problem: Problem }) {
  const lang = useLab(selectLang);
  const texts = useProblemTexts();
  const detail = p.note?.params.detail;
  const kubectl = (text: string) => (
    <span className="mono" lang="en" data-testid="partial-kubectl">
      {text}
    </span>
  );
  if (!texts || !p.note || typeof detail !== 'string') return <span className="message">{kubectl(p.message)}</span>;
  const framing = texts.renderProblemNote(lang, { ...p.note, params: { ...p.note.params, detail: HOLE } });
  const [before, after = ''] = framing.split(HOLE);
  return (
    <span className="message">
      {before}
      {kubectl(detail)}
      {after}
    </span>
  );
}

export function PartialLoadDialog() {
  const t = useT();
  const list = useList();
  const pending = useLab((s) => s.pendingLoad);
  if (!pending) return null;
  const keep = () => labStore.getState().resolvePendingLoad('keep');
  // Objects and problems counted apart: one Service can carry five field errors.
  const counts = pendingLoadCounts(pending);
  const files = list(pending.files);
  return (
    <Dialog title={t('partial.title')} onClose={keep} testId="partial-load" wide>
      <p data-testid="partial-intro">
        {t('partial.intro', { files, objects: counts.refused, total: counts.total, problems: counts.problems })}
      </p>
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
              <RefusalText problem={p} />
            </li>
          );
        })}
      </ol>
      {/* Nothing left once the refused objects go: no offer to replace the lab with an empty one. */}
      <p className="muted" data-testid="partial-choose">
        {counts.left === 0
          ? t('partial.nothingLeft', { files })
          : t('partial.choose', { objects: counts.refused, left: counts.left })}
      </p>
      <div className="dialog-actions">
        <button type="button" className="btn" onClick={keep} data-testid="partial-keep">
          {t('partial.keep')}
        </button>
        {counts.left > 0 && (
          <button
            type="button"
            className="btn btn-primary"
            onClick={() => {
              labStore.getState().resolvePendingLoad('open');
              forgetOpenedPaste(pending.sources);
            }}
            data-testid="partial-open"
          >
            {t('partial.open')}
          </button>
        )}
      </div>
    </Dialog>
  );
}
