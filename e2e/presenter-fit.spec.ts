// Presenter mode on a 1280x720 projector: what the side panel and the lesson card show must stay
// readable and reachable. An address or a port is one token (a learner copies it, reads it aloud):
// the hop's packet table wraps between tokens, never inside one, and still fits its panel. A lesson
// card whose step runs long scrolls its text, not its buttons out of view.
import { expect, test, type Page } from '@playwright/test';
import { LabPage } from './lab-page';

/**
 * Addresses and ports (IPv4, with an optional :port) in the cells of the panel's tables, each with
 * the number of lines it is drawn on: a token cut by a wrap is drawn on two.
 */
async function addressLines(page: Page): Promise<{ text: string; lines: number }[]> {
  return page.getByTestId('hop-inspector').evaluate((root) => {
    const out: { text: string; lines: number }[] = [];
    const re = /\b\d{1,3}(?:\.\d{1,3}){3}(?::\d+)?\b/g;
    for (const cell of root.querySelectorAll('.packet-table td')) {
      const text = cell.textContent ?? '';
      for (const m of text.matchAll(re)) {
        // The token's range over the cell's text nodes, wherever spans split it.
        const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
        let at = 0;
        const range = document.createRange();
        let started = false;
        for (let n = walker.nextNode(); n; n = walker.nextNode()) {
          const len = n.textContent!.length;
          if (!started && m.index! < at + len) {
            range.setStart(n, m.index! - at);
            started = true;
          }
          if (started && m.index! + m[0].length <= at + len) {
            range.setEnd(n, m.index! + m[0].length - at);
            break;
          }
          at += len;
        }
        const tops = new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top)));
        out.push({ text: m[0], lines: tops.size });
      }
    }
    return out;
  });
}

for (const lang of ['en', 'zh'] as const) {
  test(`presenter mode at 1280x720 (${lang}): the packet table keeps addresses and ports whole and fits its panel`, async ({
    page,
  }) => {
    await page.setViewportSize({ width: 1280, height: 720 });
    const lab = new LabPage(page);
    await lab.open();
    await lab.setState('store.getState().setLang(arg); store.getState().setPresenter(true)', lang);
    await page.getByTestId('composer-send').click();
    const hops = await page.evaluate(() => {
      type S = { getState(): { playback: { trace: { hops: unknown[] } } } };
      return (window as unknown as { __netlab: { store: S } }).__netlab.store.getState().playback.trace.hops.length;
    });
    expect(hops).toBeGreaterThan(5);
    await lab.setState('store.getState().setSideTab("hop")');
    let seen = 0;
    for (let hop = 0; hop < hops; hop++) {
      await lab.setState('store.getState().seek(arg)', hop);
      const table = page.locator('[data-testid="hop-inspector"] .packet-table').first();
      await expect(table).toBeVisible();
      const cut = (await addressLines(page)).filter((a) => a.lines !== 1);
      seen += (await addressLines(page)).length;
      expect(cut, `hop ${hop + 1}: addresses drawn on more than one line`).toEqual([]);
      // The table fits its panel: nothing past its right edge, no sideways scroll.
      const fits = await page.getByTestId('hop-inspector').evaluate((root) => {
        const panel = root.getBoundingClientRect();
        return [...root.querySelectorAll('.packet-table, .packet-table td, .packet-table th')]
          // A heading kept only for screen readers is a clipped 1px box.
          .filter((e) => e.getBoundingClientRect().width > 1)
          .every((e) => e.getBoundingClientRect().right <= panel.right + 1 && e.scrollWidth <= e.clientWidth + 1);
      });
      expect(fits, `hop ${hop + 1}: the packet table is wider than its panel`).toBe(true);
    }
    expect(seen, 'the tables showed addresses').toBeGreaterThan(10);
  });

  test(`presenter mode at 1280x720 (${lang}): a long lesson step scrolls its text, its buttons stay in view`, async ({
    page,
  }) => {
    await page.setViewportSize({ width: 1280, height: 720 });
    const lab = new LabPage(page);
    // A step with a long prediction and a long answer; the Rules drawer open takes the canvas's height.
    await lab.open('/#lesson=userspace-retry');
    await lab.setState('store.getState().setLang(arg); store.getState().setPresenter(true)', lang);
    await page.getByTestId('predict-choice-0').click();
    await page.getByTestId('predict-reveal').click();
    await expect(page.getByTestId('predict-answer')).toBeVisible();
    await page.getByTestId('artifacts-toggle').click();
    const card = page.getByTestId('lesson');
    await expect(card).toBeVisible();
    const canvas = (await page.getByTestId('canvas').boundingBox())!;
    const c = (await card.boundingBox())!;
    expect(c.y + c.height, 'the card ends on the canvas').toBeLessThanOrEqual(canvas.y + canvas.height + 1);
    // The buttons are whole in the card and on the screen, without scrolling anything.
    for (const id of ['lesson-prev', 'lesson-run', 'lesson-next']) {
      const b = (await page.getByTestId(id).boundingBox())!;
      expect(b.y, `${id} below the card's top`).toBeGreaterThanOrEqual(c.y);
      expect(b.y + b.height, `${id} above the card's bottom`).toBeLessThanOrEqual(c.y + c.height);
      expect(b.y + b.height).toBeLessThanOrEqual(720);
      // Nothing is drawn over it: the point at its centre is the button.
      const onTop = await page
        .getByTestId(id)
        .evaluate((e) => {
          const r = e.getBoundingClientRect();
          return e.contains(document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2));
        });
      expect(onTop, `${id} is visible`).toBe(true);
    }
    // The text scrolls inside the card: it is longer than the room it has here.
    const body = page.getByTestId('lesson-body');
    const [scroll, client] = await body.evaluate((e) => [e.scrollHeight, e.clientHeight]);
    expect(scroll, 'the step is longer than the card here (else this tests nothing)').toBeGreaterThan(client);
    expect(await card.evaluate((e) => e.scrollHeight <= e.clientHeight + 1), 'the card itself does not scroll').toBe(true);
  });
}
