// The gallery of built-in scenarios: search (titles, descriptions and tags in both languages),
// tag filters, the language the cards are shown in. Each card is a link (#lesson=<id>). The card
// of the lesson already open says so and its step; clicking it goes back to the lesson where it
// was (its step, predictions and edits kept), as a teacher back from browsing would expect, rather
// than starting it over.

import { useMemo, useState, type MouseEvent } from 'react';
import { BUILTIN_SCENARIOS, type BuiltinScenario } from '../../scenario/builtin';
import type { Lang, Scenario } from '../../state';
import { useLab } from '../app-store';
import { LANGS, useT } from '../i18n';
import { Dialog } from '../share/Dialog';
import { lessonHref, routeLessonId } from '../share/routes';
import { setSession, useSession } from '../share/session';
import { openLesson } from '../share/start';

const ALL_TAGS = [...new Set(BUILTIN_SCENARIOS.flatMap((b) => b.tags))].sort();

function matches(b: BuiltinScenario, query: string): boolean {
  const q = query.trim().toLowerCase();
  if (!q) return true;
  return [b.id, b.title, b.titleZh, b.description, b.descriptionZh, ...b.tags].some((x) => x.toLowerCase().includes(q));
}

/** The built-in lesson open now: the one the address names, when the lab open is still that lesson. */
function openLessonId(scenario: Scenario | null): string | null {
  const id = routeLessonId();
  const b = BUILTIN_SCENARIOS.find((x) => x.id === id);
  return b && scenario && scenario.lesson.length > 0 && scenario.meta.title === b.title ? b.id : null;
}

/** Other cards change the address, and the address opens their lesson. The address already names this one:
 *  back to it as it was, or (another lab was opened over it) open it again, since the address cannot change. */
function choose(b: BuiltinScenario, isOpen: boolean, e: MouseEvent) {
  if (routeLessonId() !== b.id) return;
  e.preventDefault();
  if (isOpen) setSession({ overlay: null, lessonOpen: true });
  else void openLesson(b.id);
}

/** A built-in scenario's card, in the gallery's language; the open lesson's card says so, at its step. */
function GalleryCard({ b, lang, isOpen }: { b: BuiltinScenario; lang: Lang; isOpen: boolean }) {
  const t = useT();
  const uiLang = useLab((s) => s.ui.lang);
  const steps = useLab((s) => s.scenario.current?.lesson.length ?? 0);
  const step = useSession((s) => s.lessonStep);
  return (
    <li className={`gallery-card${isOpen ? ' is-open' : ''}`}>
      <a
        href={lessonHref(b.id)}
        onClick={(e) => choose(b, isOpen, e)}
        aria-current={isOpen ? 'true' : undefined}
        data-testid={`gallery-card-${b.id}`}
        lang={lang === 'zh' ? 'zh-CN' : 'en'}
      >
        <strong>{lang === 'zh' ? b.titleZh : b.title}</strong>
        {isOpen && (
          <span className="gallery-card-open" data-testid="gallery-card-open" lang={uiLang === 'zh' ? 'zh-CN' : 'en'}>
            {t('gallery.current', { n: Math.min(step, steps - 1) + 1, total: steps })}
          </span>
        )}
        <span className="muted">{lang === 'zh' ? b.descriptionZh : b.description}</span>
        <span className="gallery-card-tags">
          {b.tags.map((x) => (
            <span key={x} className="tag">
              {x}
            </span>
          ))}
        </span>
      </a>
    </li>
  );
}

export default function Gallery() {
  const t = useT();
  const uiLang = useLab((s) => s.ui.lang);
  const [query, setQuery] = useState('');
  const [tags, setTags] = useState<string[]>([]);
  const [lang, setLang] = useState<Lang>(uiLang);
  const shown = useMemo(
    () => BUILTIN_SCENARIOS.filter((b) => matches(b, query) && tags.every((x) => b.tags.includes(x))),
    [query, tags],
  );
  const openId = useLab((s) => openLessonId(s.scenario.current));
  const toggle = (tag: string) => setTags((xs) => (xs.includes(tag) ? xs.filter((x) => x !== tag) : [...xs, tag]));
  return (
    <Dialog title={t('gallery.title')} onClose={() => setSession({ overlay: null })} testId="gallery" wide>
      <div className="gallery-filters">
        <input
          type="search"
          className="gallery-search"
          placeholder={t('gallery.search')}
          aria-label={t('gallery.search')}
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          data-testid="gallery-search"
        />
        <label className="select-inline">
          <span>{t('gallery.language')}</span>
          <select value={lang} onChange={(e) => setLang(e.target.value as Lang)} data-testid="gallery-lang">
            {LANGS.map((l) => (
              <option key={l} value={l}>
                {t(`lang.${l}`)}
              </option>
            ))}
          </select>
        </label>
      </div>
      <div className="gallery-tags" role="group" aria-label={t('gallery.tags')}>
        {ALL_TAGS.map((tag) => (
          <button
            key={tag}
            type="button"
            className={`chip${tags.includes(tag) ? ' is-on' : ''}`}
            aria-pressed={tags.includes(tag)}
            onClick={() => toggle(tag)}
            data-testid={`gallery-tag-${tag}`}
          >
            {tag}
          </button>
        ))}
      </div>
      <p className="muted" data-testid="gallery-count">
        {t('gallery.count', { count: shown.length, total: BUILTIN_SCENARIOS.length })}
      </p>
      <ul className="gallery-grid" data-testid="gallery-list">
        {shown.map((b) => (
          <GalleryCard key={b.id} b={b} lang={lang} isOpen={b.id === openId} />
        ))}
      </ul>
    </Dialog>
  );
}
