// One toolbar row in presenter mode: the tools that do not fit are hidden from the row and offered
// in a "More" menu instead of wrapping to a second row (a projector at 1280x720 or 1024x768).
//
// The row's children are measured in the DOM (they come from several components, some not ours);
// hiding is an attribute CSS reads, set before paint in a ResizeObserver callback, so the row never
// flashes two lines. The menu holds stand-ins that act on the hidden originals: a button is clicked,
// a select is set and sent a change event, so every tool keeps one implementation.

import { useCallback, useEffect, useLayoutEffect, useRef, useState, type RefObject } from 'react';
import { useT } from './i18n';

const HIDDEN = 'data-overflowed';
/** Room for the More button before it is drawn (it is measured once it is). */
const MORE_RESERVE = 110;

/**
 * Lower goes into the menu first; `data-overflow-priority="keep"` never does. Tools drawn by other
 * components get theirs from `byTestId`; unmarked tools: 1.
 */
function priorityOf(el: HTMLElement, byTestId: Readonly<Record<string, number>>): number {
  const p = el.dataset.overflowPriority ?? byTestId[el.dataset.testid ?? ''];
  return p === 'keep' ? Infinity : Number(p ?? 1);
}

/**
 * Which children of `bar` overflow it. `bar` must be allowed to shrink (min-width: 0) and must not
 * wrap; `enabled` false shows every child (the normal, wrapping top bar).
 */
function measure(bar: HTMLElement, enabled: boolean, byTestId: Readonly<Record<string, number>>): HTMLElement[] {
  const items = [...bar.children] as HTMLElement[];
  for (const el of items) el.removeAttribute(HIDDEN);
  if (!enabled) return [];
  const gap = parseFloat(getComputedStyle(bar).columnGap) || 0;
  const shown = items.filter((el) => el.offsetWidth > 0);
  const width = (els: HTMLElement[]) => els.reduce((sum, el) => sum + el.offsetWidth, 0) + gap * Math.max(0, els.length - 1);
  // With every tool shown the row is squeezed to the space it has (min-width: 0). The More button
  // beside it takes part of that space when it is there, or will when it appears.
  const more = bar.nextElementSibling instanceof HTMLElement && bar.nextElementSibling.classList.contains('toolbar-more') ? bar.nextElementSibling : null;
  const moreW = more ? more.offsetWidth + gap : 0;
  if (width(shown) <= bar.clientWidth + moreW + 1) return [];
  const avail = more ? bar.clientWidth : bar.clientWidth - MORE_RESERVE;
  // Hide the lowest priority first; among equals, the last in the row first.
  const order = shown
    .map((el, i) => ({ el, i, p: priorityOf(el, byTestId) }))
    .filter((x) => Number.isFinite(x.p))
    .sort((a, b) => a.p - b.p || b.i - a.i);
  const hidden = new Set<HTMLElement>();
  for (const { el } of order) {
    if (width(shown.filter((x) => !hidden.has(x))) <= avail + 1) break;
    hidden.add(el);
  }
  for (const el of hidden) el.setAttribute(HIDDEN, '');
  return shown.filter((el) => hidden.has(el));
}

function useOverflow(bar: RefObject<HTMLElement | null>, enabled: boolean, byTestId: Readonly<Record<string, number>>): HTMLElement[] {
  const [hidden, setHidden] = useState<HTMLElement[]>([]);
  const run = useCallback(() => {
    const el = bar.current;
    if (!el) return;
    const next = measure(el, enabled, byTestId);
    setHidden((prev) => (prev.length === next.length && prev.every((x, i) => x === next[i]) ? prev : next));
  }, [bar, enabled, byTestId]);
  useLayoutEffect(run, [run]);
  // Presenter mode changes the type size in an effect of the page: measure again once it applied.
  useEffect(() => {
    const id = requestAnimationFrame(run);
    return () => cancelAnimationFrame(id);
  }, [run]);
  useEffect(() => {
    const el = bar.current;
    if (!el) return;
    // The space the row gets changes with the window and with the title beside it; its content
    // with the language (our own attribute writes are not watched: no loop).
    const ro = new ResizeObserver(run);
    ro.observe(el.parentElement ?? el);
    const mo = new MutationObserver(run);
    mo.observe(el, { childList: true, subtree: true, characterData: true });
    return () => {
      ro.disconnect();
      mo.disconnect();
    };
  }, [bar, run]);
  return hidden;
}

/** Sets a select the way a user does, so React's onChange runs (its value setter is the native one). */
function choose(select: HTMLSelectElement, value: string) {
  const set = Object.getOwnPropertyDescriptor(HTMLSelectElement.prototype, 'value')?.set;
  set?.call(select, value);
  select.dispatchEvent(new Event('change', { bubbles: true }));
}

function labelOf(el: HTMLElement): string {
  return el.getAttribute('aria-label') ?? el.getAttribute('title') ?? el.textContent?.trim() ?? '';
}

const NONE: Readonly<Record<string, number>> = {};

function StandIn({ el, close, onChanged }: { el: HTMLElement; close: () => void; onChanged: () => void }) {
  const testid = el.dataset.testid ?? el.querySelector<HTMLElement>('[data-testid]')?.dataset.testid;
  const select = el instanceof HTMLSelectElement ? el : el.querySelector('select');
  if (select) {
    // The tool's own label (visible or for screen readers), never the options' text.
    const text = el.querySelector('span')?.textContent?.trim() || select.getAttribute('aria-label') || '';
    return (
      <label className="more-item more-select" role="none">
        <span>{text}</span>
        <select
          value={select.value}
          disabled={select.disabled}
          onChange={(e) => {
            choose(select, e.target.value);
            onChanged();
          }}
          data-testid={testid ? `more-${testid}` : undefined}
        >
          {[...select.options].map((o) => (
            <option key={o.value} value={o.value}>
              {o.text}
            </option>
          ))}
        </select>
      </label>
    );
  }
  const button = el instanceof HTMLButtonElement ? el : el.querySelector('button');
  if (!button) return null;
  const pressed = button.getAttribute('aria-pressed');
  return (
    <button
      type="button"
      role="menuitem"
      className={`btn more-item${pressed === 'true' ? ' is-on' : ''}`}
      disabled={button.disabled}
      aria-pressed={pressed === null ? undefined : pressed === 'true'}
      onClick={() => {
        close();
        button.click();
      }}
      data-testid={testid ? `more-${testid}` : undefined}
    >
      {labelOf(button)}
    </button>
  );
}

/**
 * The toolbar row. In `oneRow` mode what does not fit goes into the More menu; otherwise the row
 * wraps as before. Children may mark `data-overflow-priority` (lower leaves first, "keep" stays).
 */
export function OverflowToolbar({ oneRow, label, priorities = NONE, children }: {
  oneRow: boolean;
  label: string;
  priorities?: Readonly<Record<string, number>>;
  children: React.ReactNode;
}) {
  const t = useT();
  const bar = useRef<HTMLDivElement>(null);
  const hidden = useOverflow(bar, oneRow, priorities);
  const [open, setOpen] = useState(false);
  const [, setTick] = useState(0);
  const menu = useRef<HTMLDivElement>(null);
  const close = useCallback(() => setOpen(false), []);
  useEffect(() => {
    if (!open) return;
    const onDown = (e: PointerEvent) => {
      if (!menu.current?.contains(e.target as Node)) setOpen(false);
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') setOpen(false);
    };
    document.addEventListener('pointerdown', onDown);
    document.addEventListener('keydown', onKey);
    menu.current?.querySelector<HTMLElement>('button:not(:disabled), select')?.focus();
    return () => {
      document.removeEventListener('pointerdown', onDown);
      document.removeEventListener('keydown', onKey);
    };
  }, [open]);
  const more = oneRow && hidden.length > 0;
  return (
    <>
      <div
        ref={bar}
        className={`toolbar${oneRow ? ' is-one-row' : ''}`}
        role="toolbar"
        aria-label={label}
        data-testid="toolbar"
      >
        {children}
      </div>
      {more && (
        <div className="toolbar-more" ref={menu}>
          <button
            type="button"
            className="btn"
            aria-haspopup="menu"
            aria-expanded={open}
            aria-label={t('toolbar.more.aria')}
            onClick={() => setOpen(!open)}
            data-testid="toolbar-more"
          >
            {t('toolbar.more')} ▾
          </button>
          {open && (
            <div className="toolbar-menu" role="menu" aria-label={t('toolbar.more.aria')} data-testid="toolbar-menu">
              {hidden.map((el, i) => (
                <StandIn key={i} el={el} close={close} onChanged={() => setTick((n) => n + 1)} />
              ))}
            </div>
          )}
        </div>
      )}
    </>
  );
}
