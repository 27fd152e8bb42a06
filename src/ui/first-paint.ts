// The page's first frame and what waits for it. The entry script holds what the first frame shows
// (the toolbar, the side panel's tabs, the canvas with the default scenario's known layout); the
// rest of the page (./later.ts) is imported once that frame has been painted, so its download,
// parsing and running never hold back the first picture. Until it has arrived, each of its parts
// shows its loading state in place (the side panel says "Loading"; the others have nothing to show
// before a lab is open). The engines are asked for once that frame is painted (main.tsx): their
// download and parsing would otherwise compete with the frame for the machine's cores.
//
// index.html holds a hidden line of text in each font the first frame's text uses (family, weight,
// size): the page lays it out while the scripts download, so the first frame finds those fonts at
// hand. Chromium on Linux asks the browser process for each font a page uses, one blocking call
// each, in the layout that first needs it: a dozen of them made the first frame's layout several
// times longer than the rest of its work. Removed once the first frame is painted.
// e2e/first-frame.spec.ts checks that the list still covers every font the first frame uses.

type Later = typeof import('./later');

let painted: () => void = () => {};
/** The first frame has been painted (or the page is in a background tab, which paints nothing). */
export const firstPaint = new Promise<void>((resolve) => (painted = resolve));

let paintedYet = false;
void firstPaint.then(() => {
  paintedYet = true;
  document.getElementById('font-warmup')?.remove();
});
/** Whether the first frame has been painted already: what mounts after it need not wait for it. */
export const firstPaintDone = () => paintedYet;

/**
 * Called from the first commit's layout effect (App): the frame after it is the page's first paint,
 * and a task queued from that frame's animation callbacks runs after its rendering. A page opened in
 * a background tab paints no frame until it is shown: nothing waits for one there.
 */
export function afterFirstCommit() {
  if (document.visibilityState === 'hidden') return painted();
  requestAnimationFrame(() => setTimeout(painted, 0));
}

let later: Promise<Later> | null = null;
/** The rest of the page, once the first frame is painted (one import, shared by every part). */
export function loadLater(): Promise<Later> {
  return (later ??= firstPaint.then(() => import('./later')).catch((e: unknown) => {
    later = null; // a failed download is tried again by the part's Retry
    throw e;
  }));
}
