// The lesson player over the canvas: the step's text in the UI language, its request to run,
// a predict-then-reveal question, and a jump to the hop the step is about.
// Predict-then-reveal is a question: the learner picks a choice, then reveals; nothing shows the
// answer before a prediction is made (the reveal, the step's request and hop, and Next wait for it).
// What was predicted, the score and the step are kept per lesson in localStorage (progress.ts);
// the last step leads to a short summary.

import { useEffect, useRef, useState } from 'react';
import type { LessonStep, LocalizedText } from '../../scenario';
import type { Lang } from '../../state';
import { labStore, useLab } from '../app-store';
import { useT, type T } from '../i18n';
import { savedRequest } from '../share/start';
import { session, setSession, useSession } from '../share/session';
import { routeLessonId, writeLessonStep } from '../share/routes';
import { clearProgress, lessonKey, readProgress, score, writeProgress } from './progress';

const text = (x: LocalizedText | undefined, lang: Lang) => (x ? (lang === 'zh' ? (x.zh ?? x.en) : x.en) : '');
const langOf = (x: LocalizedText | undefined, lang: Lang) => (lang === 'zh' && x?.zh ? 'zh-CN' : 'en');

/** Restores a lesson's saved progress when it opens, and saves it on every change after that. */
function useLessonProgress(key: string | null, steps: number) {
  const [finished, setFinished] = useState(false);
  const hydrated = useRef<string | null>(null);
  const stepIndex = useSession((s) => s.lessonStep);
  const predictions = useSession((s) => s.predictions);
  useEffect(() => {
    if (!key || hydrated.current === key) return;
    hydrated.current = key;
    const saved = readProgress(key, steps);
    setFinished(saved?.finished ?? false);
    if (!saved) return;
    // A step named in the address (a copied link, a reload) wins over the saved one.
    const step = session.getState().lessonStep > 0 ? session.getState().lessonStep : saved.step;
    setSession({ predictions: saved.predictions, lessonStep: step });
    writeLessonStep(step);
  }, [key, steps]);
  useEffect(() => {
    if (key && hydrated.current === key) writeProgress(key, { step: stepIndex, predictions, finished });
  }, [key, stepIndex, predictions, finished]);
  const restart = () => {
    if (key) clearProgress(key);
    setFinished(false);
    setSession({ predictions: {}, lessonStep: 0 });
    writeLessonStep(0);
  };
  return { finished, setFinished, restart };
}

export default function LessonPlayer() {
  const t = useT();
  const lang = useLab((s) => s.ui.lang);
  const scenario = useLab((s) => s.scenario.current);
  const hops = useLab((s) => s.playback.trace?.hops.length ?? 0);
  const stepIndex = useSession((s) => s.lessonStep);
  const open = useSession((s) => s.lessonOpen);
  const predictions = useSession((s) => s.predictions);
  const lesson = scenario?.lesson ?? [];
  const key = scenario && lesson.length > 0 ? lessonKey(routeLessonId(), scenario.meta.title, lesson.length) : null;
  const { finished, setFinished, restart } = useLessonProgress(key, lesson.length);
  // The choice picked but not yet revealed, per step.
  const [chosen, setChosen] = useState<{ step: number; choice: number } | null>(null);
  if (!scenario || lesson.length === 0) return null;
  if (!open) return <LessonReopen n={stepIndex + 1} total={lesson.length} />;
  const i = Math.min(stepIndex, lesson.length - 1);
  const step = lesson[i]!;
  const picked = predictions[i];
  const revealed = picked !== undefined;
  const mustPredict = step.predict !== undefined && !revealed;
  const request = step.request ? savedRequest(scenario, step.request) : null;
  const sc = score(lesson, predictions);
  const reveal = () => {
    if (!chosen || chosen.step !== i) return;
    setSession({ predictions: { ...session.getState().predictions, [i]: chosen.choice } });
    setChosen(null);
  };
  const last = i >= lesson.length - 1;
  return (
    <section className="lesson" aria-label={t('lesson.title')} data-testid="lesson">
      <LessonHead i={i} total={lesson.length} score={sc} onRestart={restart} />
      {finished ? (
        <LessonSummary
          t={t}
          lang={lang}
          lesson={lesson}
          predictions={predictions}
          onReview={() => setFinished(false)}
          onRestart={restart}
        />
      ) : (
        <>
          {/* The step's text and prediction scroll; the card's head and buttons stay in view. */}
          <div className="lesson-body" data-testid="lesson-body">
            <p className="lesson-text" data-testid="lesson-text" lang={langOf(step.text, lang)}>
              {text(step.text, lang)}
            </p>
            {step.predict && (
              <Prediction
                t={t}
                lang={lang}
                predict={step.predict}
                picked={picked}
                chosen={chosen?.step === i ? chosen.choice : undefined}
                onChoose={(choice) => setChosen({ step: i, choice })}
                onReveal={reveal}
              />
            )}
          </div>
          <StepActions
            i={i}
            last={last}
            step={step}
            total={lesson.length}
            request={request}
            canSeek={hops > (step.hop ?? Infinity)}
            mustPredict={mustPredict}
            onFinish={() => setFinished(true)}
          />
          {mustPredict && (
            <p className="muted small" data-testid="lesson-predict-first">
              {t('lesson.predictFirst')}
            </p>
          )}
        </>
      )}
    </section>
  );
}

/** The hidden lesson's way back, with the step it is on. */
function LessonReopen({ n, total }: { n: number; total: number }) {
  const t = useT();
  return (
    <button
      type="button"
      className="btn lesson-reopen"
      onClick={() => setSession({ lessonOpen: true })}
      data-testid="lesson-reopen"
    >
      {t('lesson.show', { n, total })}
    </button>
  );
}

/** The step counter, the score so far, Start over and Hide. */
function LessonHead({ i, total, score: sc, onRestart }: {
  i: number;
  total: number;
  score: ReturnType<typeof score>;
  onRestart(): void;
}) {
  const t = useT();
  return (
    <header className="lesson-head">
      <strong data-testid="lesson-progress">{t('lesson.step', { n: i + 1, total })}</strong>
      {sc.answered > 0 && (
        <span className="lesson-score muted" data-testid="lesson-score">
          {t('lesson.score', { right: sc.right, answered: sc.answered })}
        </span>
      )}
      <span className="lesson-head-actions">
        <button type="button" className="btn btn-ghost btn-small" onClick={onRestart} data-testid="lesson-restart">
          {t('lesson.restart')}
        </button>
        <button
          type="button"
          className="btn btn-ghost"
          onClick={() => setSession({ lessonOpen: false })}
          aria-label={t('lesson.hide')}
        >
          ×
        </button>
      </span>
    </header>
  );
}

/** Back, the step's request, its hop, and Next (or Finish on the last step): all wait for a prediction. */
function StepActions(p: {
  i: number;
  last: boolean;
  step: LessonStep;
  total: number;
  request: ReturnType<typeof savedRequest>;
  canSeek: boolean;
  mustPredict: boolean;
  onFinish(): void;
}) {
  const t = useT();
  const { i, step, mustPredict, request } = p;
  const goTo = (n: number) => {
    const next = Math.max(0, Math.min(p.total - 1, n));
    setSession({ lessonStep: next });
    writeLessonStep(next);
  };
  const runStep = () => {
    if (!request) return;
    labStore.getState().sendRequest(request);
    if (step.hop !== undefined) labStore.getState().seek(step.hop);
  };
  return (
    <div className="lesson-actions">
      <button
        type="button"
        className="btn"
        onClick={() => goTo(i - 1)}
        disabled={i === 0}
        data-testid="lesson-prev"
      >
        {t('lesson.prev')}
      </button>
      {request && (
        <button
          type="button"
          className="btn btn-primary"
          onClick={runStep}
          disabled={mustPredict}
          data-testid="lesson-run"
        >
          {t('lesson.run')}
        </button>
      )}
      {step.hop !== undefined && (
        <button
          type="button"
          className="btn"
          onClick={() => labStore.getState().seek(step.hop!)}
          disabled={mustPredict || !p.canSeek}
          data-testid="lesson-hop"
        >
          {t('lesson.hop', { n: step.hop + 1 })}
        </button>
      )}
      {p.last ? (
        <button
          type="button"
          className="btn"
          onClick={p.onFinish}
          disabled={mustPredict}
          data-testid="lesson-finish"
        >
          {t('lesson.finish')}
        </button>
      ) : (
        <button
          type="button"
          className="btn"
          onClick={() => goTo(i + 1)}
          disabled={mustPredict}
          data-testid="lesson-next"
        >
          {t('lesson.next')}
        </button>
      )}
    </div>
  );
}

function Prediction(p: {
  t: T;
  lang: Lang;
  predict: NonNullable<LessonStep['predict']>;
  picked: number | undefined;
  chosen: number | undefined;
  onChoose(choice: number): void;
  onReveal(): void;
}) {
  const { t, lang, predict, picked } = p;
  const revealed = picked !== undefined;
  const right = picked === predict.answer;
  return (
    <div className="predict" data-testid="predict">
      <p className="predict-q" lang={langOf(predict.question, lang)}>
        {text(predict.question, lang)}
      </p>
      <div className="predict-choices" role="radiogroup" aria-label={text(predict.question, lang)}>
        {predict.choices.map((c, k) => {
          const after = k === predict.answer ? ' is-right' : k === picked ? ' is-wrong' : '';
          const state = revealed ? after : k === p.chosen ? ' is-chosen' : '';
          const checked = revealed ? k === picked : k === p.chosen;
          return (
            <button
              key={k}
              type="button"
              role="radio"
              aria-checked={checked}
              className={`btn predict-choice${state}`}
              disabled={revealed}
              onClick={() => p.onChoose(k)}
              data-testid={`predict-choice-${k}`}
            >
              {text(c, lang)}
              {revealed && k === picked && <span className="predict-mine"> {t('lesson.yourPrediction')}</span>}
            </button>
          );
        })}
      </div>
      {!revealed && (
        <button
          type="button"
          className="btn btn-primary predict-reveal"
          disabled={p.chosen === undefined}
          onClick={p.onReveal}
          data-testid="predict-reveal"
        >
          {t('lesson.reveal')}
        </button>
      )}
      {revealed && (
        <p
          className={`predict-answer ${right ? 'is-right' : 'is-wrong'}`}
          data-testid="predict-answer"
          data-right={right}
        >
          <strong>
            {right ? t('lesson.right') : t('lesson.wrong', { answer: text(predict.choices[predict.answer], lang) })}
          </strong>{' '}
          {predict.explanation && (
            <span lang={langOf(predict.explanation, lang)}>
              {t('lesson.because', { reason: text(predict.explanation, lang) })}
            </span>
          )}
        </p>
      )}
    </div>
  );
}

function LessonSummary(p: {
  t: T;
  lang: Lang;
  lesson: readonly LessonStep[];
  predictions: Record<number, number>;
  onReview(): void;
  onRestart(): void;
}) {
  const { t, lang, lesson, predictions } = p;
  const sc = score(lesson, predictions);
  return (
    <>
      {/* The list scrolls; the buttons stay in view below it. */}
      <div className="lesson-body lesson-summary" data-testid="lesson-summary">
        <p>
          <strong>{t('lesson.done')}</strong>
        </p>
        <p data-testid="lesson-summary-score">
          {t('lesson.summary', { steps: lesson.length, right: sc.right, questions: sc.questions })}
        </p>
        {sc.questions > 0 && (
          <ol className="lesson-summary-list">
            {lesson.map((step, i) => {
              if (!step.predict) return null;
              const picked = predictions[i];
              const mark = picked === undefined ? t('lesson.skipped') : picked === step.predict.answer ? '✓' : '✗';
              return (
                <li key={i} data-testid="lesson-summary-item">
                  <span lang={langOf(step.predict.question, lang)}>{text(step.predict.question, lang)}</span>{' '}
                  <strong>{mark}</strong>{' '}
                  <span className="muted">
                    {t('lesson.answerWas', { answer: text(step.predict.choices[step.predict.answer], lang) })}
                  </span>
                </li>
              );
            })}
          </ol>
        )}
      </div>
      <div className="lesson-actions">
        <button type="button" className="btn" onClick={p.onReview} data-testid="lesson-review">
          {t('lesson.review')}
        </button>
        <button
          type="button"
          className="btn btn-primary"
          onClick={p.onRestart}
          data-testid="lesson-summary-restart"
        >
          {t('lesson.restart')}
        </button>
      </div>
    </>
  );
}
