// What the share branch adds to the page, mounted by App in three places: toolbar buttons, the
// overlays (gallery, share, export, paste, edit forms, console; each lazy) with the notice and
// restore banners, and the lesson player over the canvas.

import { Suspense, type ReactNode } from 'react';
import { useLab } from '../app-store';
import { useT } from '../i18n';
import { lazyPart, PartBoundary } from '../parts';
import { setSession, useSession, type Overlay } from './session';
import './extras.css';

// Each part loads on first use; one that cannot be downloaded shows an error with Retry (../parts.tsx).
const Gallery = lazyPart(() => import('../gallery/Gallery'));
const LessonPlayer = lazyPart(() => import('../gallery/LessonPlayer'));
const Console = lazyPart(() => import('../console/Console'));
const EditForms = lazyPart(() => import('../edit/EditForms'));
const ShareDialog = lazyPart(() => import('./ShareDialog'));
const ExportDialog = lazyPart(() => import('./FilesDialogs').then((m) => ({ default: m.ExportDialog })));
const PasteDialog = lazyPart(() => import('./FilesDialogs').then((m) => ({ default: m.PasteDialog })));

export function ExtrasToolbar() {
  const t = useT();
  const hasLab = useLab((s) => s.scenario.current !== null && s.engines.trace);
  const consoleOpen = useSession((s) => s.console);
  const open = (overlay: Overlay) => () => setSession({ overlay });
  return (
    <>
      <button type="button" className="btn x-tool" onClick={open('gallery')} data-testid="open-gallery">
        {t('gallery.open')}
      </button>
      <button type="button" className="btn x-tool" onClick={open('paste')} data-testid="open-paste">
        {t('paste.button')}
      </button>
      <button
        type="button"
        className="btn x-tool"
        onClick={open('export')}
        disabled={!hasLab}
        data-testid="open-export"
      >
        {t('export.button')}
      </button>
      <button type="button" className="btn x-tool" onClick={open('edit')} disabled={!hasLab} data-testid="open-edit">
        {t('edit.button')}
      </button>
      <button
        type="button"
        className={`btn x-tool${consoleOpen ? ' is-on' : ''}`}
        aria-pressed={consoleOpen}
        onClick={() => setSession({ console: !consoleOpen })}
        disabled={!hasLab}
        data-testid="open-console"
      >
        {t('console.button')}
      </button>
      <button
        type="button"
        className="btn btn-primary x-tool"
        onClick={open('share')}
        disabled={!hasLab}
        data-testid="open-share"
      >
        {t('share.button')}
      </button>
    </>
  );
}

function Banners() {
  const t = useT();
  const notice = useSession((s) => s.notice);
  const restore = useSession((s) => s.restore);
  return (
    <>
      {notice && (
        <div className={`x-banner ${notice.kind === 'error' ? 'is-error' : ''}`} role="alert" data-testid="notice">
          <span>{notice.text}</span>
          <button type="button" className="btn btn-ghost" onClick={() => setSession({ notice: null })}>
            {t('dialog.close')}
          </button>
        </div>
      )}
      {restore && (
        <div className="x-banner" role="alert" data-testid="restore">
          <span>{t('autosave.offer', { title: restore.title || '—', time: new Date(restore.savedAt).toLocaleString() })}</span>
          <button
            type="button"
            className="btn btn-primary"
            onClick={() => void import('./start').then((m) => m.restoreAutosave())}
            data-testid="restore-yes"
          >
            {t('autosave.restore')}
          </button>
          <button
            type="button"
            className="btn"
            onClick={() => void import('./start').then((m) => { m.clearAutosave(); setSession({ restore: null }); })}
            data-testid="restore-no"
          >
            {t('autosave.discard')}
          </button>
        </div>
      )}
    </>
  );
}

/** One overlay in its own boundary: a part that fails to load says so, and Close leaves it. */
function Overlay({ children, part, onClose }: { children: ReactNode; part: string; onClose(): void }) {
  return (
    <PartBoundary part={part} onClose={onClose}>
      <Suspense fallback={null}>{children}</Suspense>
    </PartBoundary>
  );
}

export function ExtrasOverlays() {
  const overlay = useSession((s) => s.overlay);
  const consoleOpen = useSession((s) => s.console);
  const hasLab = useLab((s) => s.scenario.current !== null && s.engines.trace);
  const t = useT();
  const close = () => setSession({ overlay: null });
  return (
    <>
      <Banners />
      {overlay === 'gallery' && <Overlay part={t('gallery.open')} onClose={close}><Gallery /></Overlay>}
      {overlay === 'share' && hasLab && <Overlay part={t('share.button')} onClose={close}><ShareDialog /></Overlay>}
      {overlay === 'export' && hasLab && <Overlay part={t('export.button')} onClose={close}><ExportDialog /></Overlay>}
      {overlay === 'paste' && <Overlay part={t('paste.button')} onClose={close}><PasteDialog /></Overlay>}
      {overlay === 'edit' && hasLab && <Overlay part={t('edit.button')} onClose={close}><EditForms /></Overlay>}
      {consoleOpen && hasLab && <Overlay part={t('console.button')} onClose={() => setSession({ console: false })}><Console /></Overlay>}
    </>
  );
}

export function ExtrasStage() {
  const t = useT();
  const hasLesson = useLab((s) => (s.scenario.current?.lesson.length ?? 0) > 0);
  if (!hasLesson) return null;
  return (
    <PartBoundary part={t('lesson.title')}>
      <Suspense fallback={null}>
        <LessonPlayer />
      </Suspense>
    </PartBoundary>
  );
}
