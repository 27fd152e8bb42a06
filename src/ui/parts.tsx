// Parts of the page that load on first use (React.lazy chunks: the gallery, the lesson player,
// the dialogs, the console, the Rules viewer, Runs and A/B) and what happens when one cannot be
// downloaded: classroom Wi-Fi drops, or a new deploy removed the old chunk. The part shows a
// translated error with a Retry button inside an error boundary; the rest of the page, and the
// lab that was open, stay as they were.
//
// React.lazy keeps a rejected load for good, so a part that failed gets a fresh lazy component
// on Retry. Chromium also used to keep a failed dynamic import()'s result in its module map
// (whatwg/html#6768); when the same URL fails again at once, the retry fetches it with a query
// that makes it a new module request.

import { Component, lazy, type ComponentProps, type ComponentType, type ErrorInfo, type ReactNode } from 'react';
import { useT } from './i18n';

/** A lazily loaded module that could not be fetched (network, a missing chunk). */
export class PartLoadError extends Error {
  constructor(cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause), { cause });
    this.name = 'PartLoadError';
  }
}

/** Failed parts, reset together by any Retry (a lost network loses them all). */
const failed = new Set<() => void>();
let attempt = 0;

/** The module URL an import() failure names, e.g. "Failed to fetch dynamically imported module: <url>". */
function failedUrl(e: unknown): string | null {
  const m = e instanceof Error ? /(https?:\/\/\S+\.js)\b/.exec(e.message) : null;
  return m ? m[1]! : null;
}

async function loadAgain<M>(load: () => Promise<M>): Promise<M> {
  try {
    return await load();
  } catch (e) {
    const url = failedUrl(e);
    // The browser may answer from its record of the failure without asking the network again.
    if (!url) throw e;
    return (await import(/* @vite-ignore */ `${url}?retry=${attempt}`)) as M;
  }
}

/** React.lazy for a part of the page, with a load error the boundary below recognises and can retry. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the same bound as React.lazy's own
export function lazyPart<T extends ComponentType<any>>(load: () => Promise<{ default: T }>): ComponentType<ComponentProps<T>> {
  let retried = false;
  const tracked = () =>
    (retried ? loadAgain(load) : load()).catch((e: unknown) => {
      failed.add(reset);
      throw e instanceof PartLoadError ? e : new PartLoadError(e);
    });
  let Lazy = lazy(tracked);
  function reset() {
    retried = true;
    Lazy = lazy(tracked);
  }
  function Part(props: ComponentProps<T>) {
    return <Lazy {...props} />;
  }
  return Part;
}

/** Gives every part that failed to load a fresh start; the next render loads them again. */
export function retryFailedParts() {
  attempt++;
  for (const reset of failed) reset();
  failed.clear();
}

/** The error a part shows in place of itself, with Retry (and Close for an overlay). */
export function PartError({ error, onRetry, onClose, message, part }: {
  error?: unknown;
  onRetry(): void;
  onClose?: () => void;
  message?: string;
  part?: string;
}) {
  const t = useT();
  const loadFailed = part ? t('part.loadFailedNamed', { part }) : t('part.loadFailed');
  const text = message ?? (error instanceof PartLoadError || !(error instanceof Error) ? loadFailed : t('part.failed', { message: error.message }));
  return (
    <div className="part-error" role="alert" data-testid="part-error">
      <p>{text}</p>
      <div className="part-error-actions">
        <button type="button" className="btn btn-primary" onClick={onRetry} data-testid="part-retry">
          {t('part.retry')}
        </button>
        {onClose && (
          <button type="button" className="btn" onClick={onClose} data-testid="part-close">
            {t('dialog.close')}
          </button>
        )}
      </div>
    </div>
  );
}

/**
 * Catches what a part throws while loading or rendering. Retry resets the failed loads and renders
 * the part again; `onClose` (overlays) gives the user a way out without retrying. `part` names it
 * (translated), as the toolbar or the tab does.
 */
export class PartBoundary extends Component<{ children: ReactNode; part?: string; onClose?: () => void }, { error: unknown }> {
  override state = { error: null as unknown };

  static getDerivedStateFromError(error: unknown) {
    return { error };
  }

  override componentDidCatch(error: unknown, info: ErrorInfo) {
    // Kept in the console for whoever debugs it; the user sees the translated message.
    console.warn('a part of the page failed', error, info.componentStack);
  }

  retry = () => {
    retryFailedParts();
    this.setState({ error: null });
  };

  override render() {
    if (this.state.error === null) return this.props.children;
    return <PartError error={this.state.error} part={this.props.part} onRetry={this.retry} onClose={this.props.onClose} />;
  }
}
