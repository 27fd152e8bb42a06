// A list of names inside a sentence, written as each language writes one.

/** Where a list stops short: its last item, read as "and more". */
export const LIST_GOES_ON = '…';

/** "a, b, c" in English, "a、b、c" in Chinese (the enumeration comma); LIST_GOES_ON last: ", …" / " 等". */
export function joinList(lang: 'en' | 'zh', items: readonly string[]): string {
  const more = items[items.length - 1] === LIST_GOES_ON;
  const shown = more ? items.slice(0, -1) : items;
  if (lang === 'zh') return shown.join('、') + (more ? ' 等' : '');
  return shown.join(', ') + (more ? `, ${LIST_GOES_ON}` : '');
}
