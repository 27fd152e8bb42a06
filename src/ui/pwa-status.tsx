// What the page says about itself, outside any scenario: whether it works offline (the service
// worker has every part cached), whether the network is gone, whether a new version is waiting,
// and whether the lab's engines failed to download at start-up (with Retry).

import { useSyncExternalStore } from 'react';
import { useStore } from 'zustand';
import { createStore } from 'zustand/vanilla';
import { showLanguage } from './app-store';
import { useT } from './i18n';
import { catalogFailure } from './i18n/catalogs';
import { PartError } from './parts';

export interface PageStatus {
  /** The service worker is active: every chunk, lesson and icon is in its cache. */
  offlineReady: boolean;
  /** A new version's service worker is installed and waiting; calling it activates it and reloads. */
  update: (() => void) | null;
  /** The engines or the start-up code could not be downloaded; calling it tries again. */
  startupRetry: (() => void) | null;
}

export const pageStatus = createStore<PageStatus>()(() => ({ offlineReady: false, update: null, startupRetry: null }));

const usePageStatus = <T,>(select: (s: PageStatus) => T) => useStore(pageStatus, select);

function subscribeOnline(cb: () => void) {
  window.addEventListener('online', cb);
  window.addEventListener('offline', cb);
  return () => {
    window.removeEventListener('online', cb);
    window.removeEventListener('offline', cb);
  };
}

/** The toolbar's chip: "Available offline" once cached, "Offline" while the network is gone. */
export function OfflineStatus() {
  const t = useT();
  const ready = usePageStatus((s) => s.offlineReady);
  const online = useSyncExternalStore(subscribeOnline, () => navigator.onLine, () => true);
  if (!online)
    return (
      <span
        className="status-note status-offline"
        title={t('pwa.offline.hint')}
        data-testid="offline-status"
        data-state="offline"
      >
        {t('pwa.offline')}
      </span>
    );
  if (!ready) return null;
  return (
    <span
      className="status-note status-ok"
      title={t('pwa.offlineReady.hint')}
      data-testid="offline-status"
      data-state="ready"
    >
      {t('pwa.offlineReady')}
    </span>
  );
}

/** "A new version is available": Reload activates it (the lab in the URL and the autosave come back). */
export function UpdatePrompt() {
  const t = useT();
  const update = usePageStatus((s) => s.update);
  if (!update) return null;
  return (
    <div className="x-banner" role="status" data-testid="update-prompt">
      <span>{t('pwa.update')}</span>
      <button type="button" className="btn btn-primary" onClick={update} data-testid="update-reload">
        {t('pwa.reload')}
      </button>
      <button
        type="button"
        className="btn"
        onClick={() => pageStatus.setState({ update: null })}
        data-testid="update-later"
      >
        {t('pwa.later')}
      </button>
    </div>
  );
}

/** The engines load after first paint; when that download fails the page says so and can retry. */
export function StartupError() {
  const t = useT();
  const retry = usePageStatus((s) => s.startupRetry);
  if (!retry) return null;
  return <PartError message={t('part.startFailed')} onRetry={retry} />;
}

/**
 * A language's messages could not be downloaded: the page speaks English meanwhile and says so, and
 * Retry downloads them again (the page then switches).
 */
export function LanguageError() {
  const t = useT();
  const lang = useStore(catalogFailure, (s) => s.lang);
  if (!lang) return null;
  return <PartError message={t('part.langFailed')} onRetry={() => void showLanguage(lang)} />;
}
