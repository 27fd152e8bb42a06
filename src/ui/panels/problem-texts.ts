// The loader's text table (src/scenario/problem-text.ts) comes with the loader (a report or a
// pending load exists only once it ran), not with the first screen's code; kept once loaded, so a
// later report renders in the reader's language at once. Shared by the load report and the
// partial-load dialog.

import { useEffect, useState } from 'react';

export type ProblemTexts = typeof import('../../scenario/problem-text');

let problemTexts: ProblemTexts | undefined;

/** The table, once loaded (undefined until then: callers show the English message meanwhile). */
export function useProblemTexts(): ProblemTexts | undefined {
  const [texts, setTexts] = useState(problemTexts);
  useEffect(() => {
    if (texts) return;
    let live = true;
    void import('../../scenario/problem-text').then((m) => {
      problemTexts = m;
      if (live) setTexts(m);
    });
    return () => {
      live = false;
    };
  }, [texts]);
  return texts;
}
