// A modal dialog: the native <dialog> (focus trap, Escape, inert page behind it).

import { useEffect, useRef, type ReactNode } from 'react';
import { useT } from '../i18n';

export function Dialog({ title, onClose, children, testId, wide }: { title: string; onClose(): void; children: ReactNode; testId: string; wide?: boolean }) {
  const ref = useRef<HTMLDialogElement>(null);
  const t = useT();
  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
    return () => d?.close();
  }, []);
  return (
    <dialog ref={ref} className={`x-dialog${wide ? ' x-dialog-wide' : ''}`} aria-label={title} data-testid={testId} onClose={onClose} onCancel={onClose}>
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
