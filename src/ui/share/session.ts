// The page's extras around the lab: which overlay is open (gallery, console, edit forms, share,
// export, paste), the lesson step, a notice (a refused link), the autosave offer. Kept apart from
// the lab store: none of it is part of a scenario or its undo history.

import { useStore } from 'zustand';
import { createStore } from 'zustand/vanilla';

export type Overlay = 'gallery' | 'share' | 'export' | 'paste' | 'edit' | null;

export interface Session {
  overlay: Overlay;
  console: boolean;
  /** Lesson step shown, and the choice picked in each step's prediction (index by step). */
  lessonStep: number;
  lessonOpen: boolean;
  predictions: Record<number, number>;
  /** A message over the lab, e.g. why a link did not open (nothing changed). */
  notice: { kind: 'error' | 'info'; text: string } | null;
  /** An autosaved lab found at start-up, offered back. */
  restore: { text: string; savedAt: number; title: string } | null;
  /** The scenario identity last saved (opened, exported or shared): anything else is unsaved work. */
  baseline: unknown;
  /**
   * The text in the Paste dialog: kept while the dialog is closed (a failed paste, "keep the current
   * lab"), until it opens or the user clears it. Nothing the user typed is lost by a failed load.
   */
  paste: string;
}

export const session = createStore<Session>()(() => ({
  overlay: null,
  console: false,
  lessonStep: 0,
  lessonOpen: true,
  predictions: {},
  notice: null,
  restore: null,
  baseline: null,
  paste: '',
}));

export const setSession = (patch: Partial<Session>) => session.setState(patch);

export function useSession<T>(selector: (s: Session) => T): T {
  return useStore(session, selector);
}
