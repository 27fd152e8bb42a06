// Chinese as good as English at a projector's 1280x720: no toolbar text is clipped (语言 and 主题
// were visually hidden labels cut to 1px; the selects now carry them as their accessible names and
// their options name themselves), the hop inspector's "已改变" marks are shown whole, and the hop
// explanation and the events read in Chinese with Kubernetes' own English kept where kubectl prints it.
import { expect, test, type Locator } from '@playwright/test';
import { LabPage } from './lab-page';

/** Shown, inside the viewport, and with no text cut off by its own box. */
async function expectWhole(el: Locator) {
  await expect(el).toBeVisible();
  const m = await el.evaluate((n) => {
    const r = n.getBoundingClientRect();
    return { sw: n.scrollWidth, cw: n.clientWidth, sh: n.scrollHeight, ch: n.clientHeight, left: r.left, right: r.right, w: r.width, h: r.height };
  });
  expect(m.w).toBeGreaterThan(8);
  expect(m.h).toBeGreaterThan(8);
  expect(m.sw).toBeLessThanOrEqual(m.cw + 1);
  expect(m.sh).toBeLessThanOrEqual(m.ch + 1);
  expect(m.left).toBeGreaterThanOrEqual(0);
  expect(m.right).toBeLessThanOrEqual(1280);
}

test('zh-CN at 1280x720: toolbar labels and hop marks are whole; explanations and events read in Chinese', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 720 });
  const lab = new LabPage(page);
  await lab.open();
  await page.getByTestId('lang-select').selectOption('zh');
  await expect(page.getByRole('combobox', { name: '语言' })).toHaveValue('zh');
  await expect(page.getByRole('combobox', { name: '主题' })).toContainText('跟随系统主题');
  await expectWhole(page.getByTestId('lang-select'));
  await expectWhole(page.getByTestId('theme-select'));
  // Nothing in the toolbar clips its own text.
  const clipped = await page.locator('.toolbar').evaluate((bar) =>
    [...bar.querySelectorAll<HTMLElement>('button, label, span, select')]
      .filter((n) => n.textContent?.trim() && (n.scrollWidth > n.clientWidth + 1 || n.getBoundingClientRect().width < 4))
      .map((n) => n.textContent),
  );
  expect(clipped).toEqual([]);
  // One row, as in English.
  const wrapped = await page.locator('.toolbar').evaluate((bar) => {
    const boxes = [...bar.children].map((c) => c.getBoundingClientRect()).filter((r) => r.width > 0 && r.height > 0);
    const firstBottom = Math.min(...boxes.map((r) => r.bottom));
    return boxes.filter((r) => r.top >= firstBottom).length;
  });
  expect(wrapped).toBe(0);
  await page.locator('.topbar').screenshot({ path: 'test-results/screens/toolbar-zh-1280.png' });

  // A trace with an address rewrite: the inspector marks the changed fields in words.
  await lab.setState(`
    const s = store.getState();
    const r = s.scenario.current.requests[0];
    s.sendRequest({ from: r.from, method: r.method ?? 'GET', url: r.url, headers: r.headers ?? {}, connect: r.connect ?? '' });
    const t = store.getState().playback.trace;
    const i = t.hops.findIndex((h) => h.changed.length > 0);
    store.getState().pause();
    store.getState().seek(i);
    store.getState().setSideTab('hop');
  `);
  const tag = page.getByTestId('changed-tag').first();
  await expect(tag).toHaveText('已改变');
  await expectWhole(tag);
  const explanation = await page.getByTestId('hop-explanation').innerText();
  expect(explanation).toMatch(/[\u4e00-\u9fff]/);

  await lab.setState(`store.getState().setSideTab('events')`);
  const gloss = page.getByTestId('event-gloss').first();
  await expect(gloss).toBeVisible();
  expect(await gloss.innerText()).toMatch(/[\u4e00-\u9fff]/);
  await page.screenshot({ path: 'test-results/screens/events-zh-1280.png' });
});
