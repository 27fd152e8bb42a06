// The outcome of opening files: located problems (file:line:col, JSON pointer, message), dismissible.
// A failed load says so, and says that the scenario already open was kept.

import { selectLang, selectLoadReport } from '../../state';
import { labStore, useLab } from '../app-store';
import { useList, useT, type MessageKey } from '../i18n';
import type { Inference, Problem } from '../../scenario';
import { IconClose } from '../icons';
import { useProblemTexts } from './problem-texts';

/** A problem's text in `lang`: its note rendered once the table is here, its English message until then. */
function useProblemText(): (lang: 'en' | 'zh', p: Problem) => string {
  const texts = useProblemTexts();
  return texts ? texts.problemText : (_lang, p) => p.message;
}

export function LoadErrors() {
  const t = useT();
  const list = useList();
  const report = useLab(selectLoadReport);
  const lang = useLab(selectLang);
  if (!report) return null;
  const errors = report.problems.filter((p) => p.severity === 'error').length;
  // Files opened before the engines arrived wait for them (nothing is wrong yet): said, not alarmed.
  const waiting = report.queued && report.loading;
  const files = list(report.files);
  return (
    <section
      className={`load-errors ${report.applied || waiting ? 'is-warning' : 'is-error'}`}
      data-testid="load-errors"
      data-state={waiting ? 'waiting' : report.queued ? 'kept' : undefined}
      role={waiting ? 'status' : 'alert'}
      aria-label={t('load.title')}
    >
      <header>
        <strong>
          {report.unavailable
            ? report.queued
              ? t(waiting ? 'load.waiting' : 'load.waitFailed', { files })
              : t('load.unavailable')
            : report.applied
              ? report.problems.length === 0
                ? t('load.inferred.title')
                : t('load.warnings', { count: report.problems.length })
              : t('load.failed', { files, count: errors })}
        </strong>
        {!report.applied && !report.unavailable && <span className="muted"> {t('load.kept')}</span>}
        <button
          type="button"
          className="btn btn-ghost"
          onClick={() => labStore.getState().dismissLoadReport()}
          aria-label={t('load.dismiss')}
          data-testid="load-errors-dismiss"
        >
          <IconClose />
        </button>
      </header>
      {report.problems.length > 0 && <ProblemList problems={report.problems} lang={lang} />}
      {report.inferred && report.inferred.length > 0 && (
        // The header already says it when the settings are all there is to report.
        <InferredSettings inferred={report.inferred} titled={!report.applied || report.problems.length > 0} />
      )}
    </section>
  );
}

/** Each problem where it is (file:line:col, document, JSON pointer) and what it is, in the reader's language. */
function ProblemList({ problems, lang }: { problems: readonly Problem[]; lang: 'en' | 'zh' }) {
  const t = useT();
  const text = useProblemText();
  return (
    <ol className="problems">
      {problems.map((p, i) => (
        <li key={i} className={`problem problem-${p.severity}`}>
          <span className="mono where">
            {p.file}
            {p.line !== undefined ? `:${p.line}:${p.column ?? 1}` : ''}
            {/* Counted from 1, like the line numbers beside it. */}
            {p.document !== undefined ? ` [${t('load.document')} ${p.document + 1}]` : ''}
          </span>
          {p.path && <code className="mono path">{p.path}</code>}
          <span className="message">{text(lang, p)}</span>
        </li>
      ))}
    </ol>
  );
}

/** The lab settings a cluster snapshot implied, each with what it was read from (as `validate` prints them). */
function InferredSettings({ inferred, titled }: { inferred: readonly Inference[]; titled: boolean }) {
  const t = useT();
  return (
    <div className="inferred" data-testid="load-inferred">
      {titled && <strong>{t('load.inferred.title')}</strong>}
      <ul>
        {inferred.map((i, n) => (
          <li key={n} className="mono" data-setting={i.setting}>
            {t(...inferenceText(i))}
          </li>
        ))}
      </ul>
    </div>
  );
}

/** An inference as an i18n key and its parameters: the setting, its value, and what it was read from. */
function inferenceText(i: Inference): [MessageKey, Record<string, string | number>] {
  const b = i.basis;
  const missing = b.kind === 'ingress-class' && !b.workload;
  const key = (missing ? 'load.inferred.ingress-class-missing' : `load.inferred.${b.kind}`) as MessageKey;
  const params: Record<string, string | number> = { setting: i.setting, value: i.value };
  for (const [k, v] of Object.entries(b)) {
    if (k !== 'kind' && v !== undefined) params[k] = typeof v === 'number' ? v : String(v);
  }
  return [key, params];
}
