import { useSyncExternalStore } from 'react';
import { selectTheme } from '../state';
import { useLab } from './app-store';

const query = '(prefers-color-scheme: dark)';
function subscribe(cb: () => void) {
  const m = matchMedia(query);
  m.addEventListener('change', cb);
  return () => m.removeEventListener('change', cb);
}
const systemDark = () => matchMedia(query).matches;

/** The theme in effect: the user's choice, or the system's when they chose "system". */
export function useEffectiveTheme(): 'light' | 'dark' {
  const pref = useLab(selectTheme);
  const dark = useSyncExternalStore(subscribe, systemDark, () => false);
  return pref === 'system' ? (dark ? 'dark' : 'light') : pref;
}
