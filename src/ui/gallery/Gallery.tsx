// The gallery of built-in scenarios: search (titles, descriptions and tags in both languages),
// tag filters, the language the cards are shown in. Each card is a link (#lesson=<id>).

import { useMemo, useState } from 'react';
import { BUILTIN_SCENARIOS, type BuiltinScenario } from '../../scenario/builtin';
import type { Lang } from '../../state';
import { useLab } from '../app-store';
import { LANGS, useT } from '../i18n';
import { Dialog } from '../share/Dialog';
import { lessonHref } from '../share/routes';
import { setSession } from '../share/session';

const ALL_TAGS = [...new Set(BUILTIN_SCENARIOS.flatMap((b) => b.tags))].sort();

function matches(b: BuiltinScenario, query: string): boolean {
  const q = query.trim().toLowerCase();
  if (!q) return true;
  return [b.id, b.title, b.titleZh, b.description, b.descriptionZh, ...b.tags].some((x) => x.toLowerCase().includes(q));
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
          <li key={b.id} className="gallery-card">
            <a href={lessonHref(b.id)} data-testid={`gallery-card-${b.id}`} lang={lang === 'zh' ? 'zh-CN' : 'en'}>
              <strong>{lang === 'zh' ? b.titleZh : b.title}</strong>
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
        ))}
      </ul>
    </Dialog>
  );
}
