// The lesson player over the canvas: the step's text in the UI language, its request to run,
// a predict-then-reveal question, and a jump to the hop the step is about.

import type { LocalizedText } from '../../scenario';
import type { Lang } from '../../state';
import { labStore, useLab } from '../app-store';
import { useT } from '../i18n';
import { savedRequest } from '../share/start';
import { session, setSession, useSession } from '../share/session';
import { writeLessonStep } from '../share/routes';

const text = (x: LocalizedText | undefined, lang: Lang) => (x ? (lang === 'zh' ? (x.zh ?? x.en) : x.en) : '');

export default function LessonPlayer() {
  const t = useT();
  const lang = useLab((s) => s.ui.lang);
  const scenario = useLab((s) => s.scenario.current);
  const hops = useLab((s) => s.playback.trace?.hops.length ?? 0);
  const stepIndex = useSession((s) => s.lessonStep);
  const open = useSession((s) => s.lessonOpen);
  const picked = useSession((s) => s.predictions[s.lessonStep]);
  const lesson = scenario?.lesson ?? [];
  if (!scenario || lesson.length === 0) return null;
  if (!open) {
    return (
      <button type="button" className="btn lesson-reopen" onClick={() => setSession({ lessonOpen: true })} data-testid="lesson-reopen">
        {t('lesson.show', { n: stepIndex + 1, total: lesson.length })}
      </button>
    );
  }
  const i = Math.min(stepIndex, lesson.length - 1);
  const step = lesson[i]!;
  const request = step.request ? savedRequest(scenario, step.request) : null;
  const goTo = (n: number) => {
    const next = Math.max(0, Math.min(lesson.length - 1, n));
    setSession({ lessonStep: next });
    writeLessonStep(next);
  };
  const runStep = () => {
    if (!request) return;
    labStore.getState().sendRequest(request);
    if (step.hop !== undefined) labStore.getState().seek(step.hop);
  };
  const revealed = picked !== undefined;
  return (
    <section className="lesson" aria-label={t('lesson.title')} data-testid="lesson">
      <header className="lesson-head">
        <strong>{t('lesson.step', { n: i + 1, total: lesson.length })}</strong>
        <button type="button" className="btn btn-ghost" onClick={() => setSession({ lessonOpen: false })} aria-label={t('lesson.hide')}>
          ×
        </button>
      </header>
      <p className="lesson-text" data-testid="lesson-text" lang={lang === 'zh' && step.text.zh ? 'zh-CN' : 'en'}>
        {text(step.text, lang)}
      </p>
      {step.predict && (
        <div className="predict" data-testid="predict">
          <p className="predict-q">{text(step.predict.question, lang)}</p>
          <div className="predict-choices" role="group">
            {step.predict.choices.map((c, k) => {
              const state = !revealed ? '' : k === step.predict!.answer ? ' is-right' : k === picked ? ' is-wrong' : '';
              return (
                <button key={k} type="button" className={`btn predict-choice${state}`} disabled={revealed} onClick={() => setSession({ predictions: { ...session.getState().predictions, [i]: k } })} data-testid={`predict-choice-${k}`}>
                  {text(c, lang)}
                </button>
              );
            })}
          </div>
          {revealed && (
            <p className="predict-answer" data-testid="predict-answer">
              {picked === step.predict.answer ? t('lesson.right') : t('lesson.wrong', { answer: text(step.predict.choices[step.predict.answer], lang) })} {text(step.predict.explanation, lang)}
            </p>
          )}
        </div>
      )}
      <div className="lesson-actions">
        <button type="button" className="btn" onClick={() => goTo(i - 1)} disabled={i === 0} data-testid="lesson-prev">
          {t('lesson.prev')}
        </button>
        {request && (
          <button type="button" className="btn btn-primary" onClick={runStep} data-testid="lesson-run">
            {t('lesson.run')}
          </button>
        )}
        {step.hop !== undefined && (
          <button type="button" className="btn" onClick={() => labStore.getState().seek(step.hop!)} disabled={hops <= step.hop} data-testid="lesson-hop">
            {t('lesson.hop', { n: step.hop + 1 })}
          </button>
        )}
        <button type="button" className="btn" onClick={() => goTo(i + 1)} disabled={i >= lesson.length - 1} data-testid="lesson-next">
          {t('lesson.next')}
        </button>
      </div>
    </section>
  );
}
