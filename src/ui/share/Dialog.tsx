// A modal dialog: the native <dialog> (focus trap, Escape, inert page behind it).
//
// The dialog is opened by its mount and closed by its unmount. Only a close the user asked for
// (Escape, the × button, a form's method=dialog) reports onClose; the close our own cleanup does
// must not. React StrictMode (the dev server) mounts, unmounts and mounts again: the cleanup's
// close() queues a `close` event that arrives after the second mount has reopened the dialog, and
// an `onClose` prop would take it for the user's and close the overlay (no dialog ever stayed open
// under `npm run dev`). So the listener is attached by the effect, removed before our own close,
// and ignores a close event for a dialog that is open again.

import { useEffect, useEffectEvent, useRef, type ReactNode } from 'react';
import { useT } from '../i18n';

export function Dialog({ title, onClose, children, testId, wide }: {
  title: string;
  onClose(): void;
  children: ReactNode;
  testId: string;
  wide?: boolean;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const t = useT();
  const closedByUser = useEffectEvent(() => onClose());
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (!d.open) d.showModal();
    const onNativeClose = () => {
      if (!d.open) closedByUser();
    };
    d.addEventListener('close', onNativeClose);
    return () => {
      d.removeEventListener('close', onNativeClose);
      if (d.open) d.close();
    };
  }, []);
  return (
    <dialog ref={ref} className={`x-dialog${wide ? ' x-dialog-wide' : ''}`} aria-label={title} data-testid={testId}>
      <header className="x-dialog-head">
        <h2>{title}</h2>
        <button type="button" className="btn btn-ghost" onClick={onClose} aria-label={t('dialog.close')}>
          ×
        </button>
      </header>
      <div className="x-dialog-body">{children}</div>
    </dialog>
  );
}
