import { selectCurrentHop, selectLang, selectPresenter } from '../state';
import { useLab } from './app-store';
import { explain } from './i18n/explain';
import './Caption.css';

/**
 * Presenter mode: the current hop's explanation, large, in a band above the canvas. It takes its
 * own rows instead of floating over the picture, so it never covers the route or a lesson's text.
 */
export function Caption() {
  const hop = useLab(selectCurrentHop);
  const lang = useLab(selectLang);
  const presenter = useLab(selectPresenter);
  if (!presenter || !hop) return null;
  return (
    <div className="caption" aria-live="polite" data-testid="caption">
      <span className="caption-n">{hop.index + 1}</span>
      <span className="caption-text">{explain(lang, hop.explanation)}</span>
    </div>
  );
}
