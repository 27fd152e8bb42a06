// The route on the canvas (#12 item 6), presenter mode on a projector (item 8) and names shown
// whole (item 12), asserted as geometry: boxes that must not overlap, text that must not be cut,
// type that must not be small. Runs against the default scenario's real trace.
import { expect, test, type Locator, type Page } from '@playwright/test';
import { LabPage } from './lab-page';

type Rect = { x: number; y: number; width: number; height: number };
const intersects = (a: Rect, b: Rect) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
const inside = (a: Rect, b: Rect, slack = 1) => a.x >= b.x - slack && a.y >= b.y - slack && a.x + a.width <= b.x + b.width + slack && a.y + a.height <= b.y + b.height + slack;

async function box(l: Locator): Promise<Rect> {
  const b = await l.boundingBox();
  expect(b, 'element has a box').not.toBeNull();
  return b!;
}

/** Sends the scenario's request and stops on hop `hop` (0-based), paused. */
async function sendAndSeek(lab: LabPage, hop: number) {
  await lab.page.getByTestId('composer-send').click();
  await expect(lab.page.getByTestId('route-layer')).toBeAttached();
  await lab.setState('store.getState().seek(arg)', hop);
}

/**
 * Hops of the current trace that travel between two different places: the segments to draw. A
 * reply hop on the same edge as the hop before it (the reply's route out of a node, then its
 * delivery at the end of that edge) does not travel again.
 */
async function travellingHops(page: Page): Promise<number[]> {
  return page.evaluate(() => {
    type H = { index: number; direction?: 'reply'; edge?: { from: string; to: string } };
    type S = { getState(): { playback: { trace: { hops: H[] } } } };
    const store = (window as unknown as { __netlab: { store: S } }).__netlab.store;
    const same = (a?: H['edge'], b?: H['edge']) => !!a && !!b && a.from === b.from && a.to === b.to;
    return store
      .getState()
      .playback.trace.hops.filter((h, i, all) => h.edge && h.edge.from !== h.edge.to && !(h.direction === 'reply' && same(all[i - 1]?.edge, h.edge)))
      .map((h) => h.index + 1);
  });
}

const zoomOf = (page: Page) => page.locator('.react-flow__viewport').evaluate((el) => new DOMMatrix(getComputedStyle(el).transform).a);

test('the whole route is drawn: numbered directed segments, the current one emphasised, hover names the hop', async ({ page }) => {
  const lab = new LabPage(page);
  await lab.open();
  await sendAndSeek(lab, 0);
  const travelling = await travellingHops(page);
  expect(travelling.length).toBeGreaterThanOrEqual(2);
  const segs = page.getByTestId('route-seg');
  await expect(segs).toHaveCount(travelling.length);
  expect(await segs.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-hop'))))).toEqual(travelling);
  // Each carries its number (in its own badge, or in the pill it shares with a neighbouring hop's
  // or a stop's where no spot near its segment was free: route.ts) and an arrowhead.
  const labels = page.locator('[data-testid="route-num"] .route-badge text:not(.route-reply-label), [data-testid="route-stop"] text');
  const shown = (await labels.allTextContents()).flatMap((t) => t.split(' · ').map(Number));
  for (let i = 0; i < travelling.length; i++) {
    expect(shown.filter((n) => n === travelling[i]), `the number ${travelling[i]}`).toHaveLength(1);
    await expect(segs.nth(i).locator('.route-head')).toHaveAttribute('d', /Z$/);
  }
  // Hop 1 is current: drawn in the packet's colour and thicker than the future ones (dashed).
  await expect(segs.first()).toHaveAttribute('data-state', 'current');
  await expect(segs.last()).toHaveAttribute('data-state', 'future');
  const stroke = (l: Locator) => l.locator('.route-line').evaluate((e) => ({ w: parseFloat(e.getAttribute('stroke-width')!), colour: getComputedStyle(e).stroke, dash: e.getAttribute('stroke-dasharray') }));
  const current = await stroke(segs.first());
  const future = await stroke(segs.last());
  expect(current.w).toBeGreaterThan(future.w);
  expect(current.colour).not.toBe(future.colour);
  expect(future.dash).not.toBeNull();
  // At the last hop every segment before it is past (still drawn), none is gone; the last hop's own
  // segment, when it travels (the reply reaching the client), is the current one.
  await page.keyboard.press('End');
  await expect(segs).toHaveCount(travelling.length);
  const lastHop = await page.evaluate(() => {
    type S = { getState(): { playback: { trace: { hops: unknown[] } } } };
    return (window as unknown as { __netlab: { store: S } }).__netlab.store.getState().playback.trace.hops.length;
  });
  const states = travelling.map((n) => (n === lastHop ? 'current' : 'past'));
  expect(await segs.evaluateAll((els) => els.map((e) => e.getAttribute('data-state')))).toEqual(states);
  expect(await stroke(segs.first())).toMatchObject({ dash: null });

  // Hovering a segment names its hop, in the user's language, as the hop inspector words it.
  await page.keyboard.press('Home');
  const firstNumber = page.locator(`[data-testid="route-num"][data-hop="${travelling[0]}"] .route-badge`);
  await firstNumber.hover();
  const tip = page.getByTestId('route-tip');
  await expect(tip).toBeVisible();
  const explained = (await page.getByTestId('hop-explanation').textContent())!.trim();
  await expect(tip).toHaveText(`${travelling[0]}. ${explained}`);
  await page.getByTestId('lang-select').selectOption('zh');
  await firstNumber.hover();
  const zh = (await page.getByTestId('hop-explanation').textContent())!.trim();
  expect(zh).toMatch(/[\u4e00-\u9fff]/);
  await expect(tip).toHaveText(`${travelling[0]}. ${zh}`);
  // The laptop's own DNS resolver is outside the lab: named for what it is, in the reader's language.
  await expect(page.getByTestId('route-ghost')).toHaveText('实验室之外的 DNS 解析器');
  await page.getByTestId('lang-select').selectOption('en');
  await expect(page.getByTestId('route-ghost')).toHaveText('DNS resolver outside the lab');
  // The stops number the hops that decide in place (kube-proxy on the node, the pod answering).
  await expect(page.getByTestId('route-stop').first()).toBeVisible();
});

/** Screen boxes of every number the route draws: segments' badges (or a pill neighbouring hops share) and stops' pills. */
async function numberBoxes(page: Page): Promise<{ label: string; box: Rect }[]> {
  const sel = '[data-testid="route-num"] .route-badge circle, [data-testid="route-num"] .route-badge rect, [data-testid="route-stop"] rect';
  return page.locator(sel).evaluateAll((els) =>
    els.map((e) => {
      const r = e.getBoundingClientRect();
      const g = e.closest('[data-hop], [data-hops]')!;
      return { label: g.getAttribute('data-hops') ?? g.getAttribute('data-hop')!, box: { x: r.x, y: r.y, width: r.width, height: r.height } };
    }),
  );
}

/** Screen boxes of the objects' name rows (a node frame's, a pod's, a Service's, a client's, a load balancer's). */
async function nameBoxes(page: Page): Promise<{ text: string; box: Rect }[]> {
  const rows = ['.lab-frame-head', '.lab-pod-name', '.lab-service-name'].map((c) => `.react-flow__node ${c}`);
  return page.locator(rows.join(', ')).evaluateAll((els) =>
    els.map((e) => {
      const r = e.getBoundingClientRect();
      return { text: e.textContent ?? '', box: { x: r.x, y: r.y, width: r.width, height: r.height } };
    }),
  );
}

for (const size of [
  { width: 1280, height: 720 },
  { width: 1440, height: 900 },
]) {
  test(`fitted at ${size.width}x${size.height}, the route's numbers never pile up on each other`, async ({ page }) => {
    await page.setViewportSize(size);
    const lab = new LabPage(page);
    await lab.open();
    await page.getByTestId('composer-send').click();
    await expect(page.getByTestId('route-layer')).toBeAttached();
    // The whole cluster in view: zoomed out, the numbers keep their screen size and crowd the places.
    await page.locator('.react-flow__controls-fitview').click();
    await expect.poll(() => zoomOf(page)).toBeLessThan(0.75);
    for (const key of ['Home', 'End']) {
      await page.keyboard.press(key);
      await expect(page.getByTestId('route-num').first()).toBeVisible();
      const labels = await numberBoxes(page);
      expect(labels.length).toBeGreaterThan(8);
      const piled = labels.flatMap((a, i) => labels.slice(i + 1).filter((b) => intersects(a.box, b.box)).map((b) => `${a.label} over ${b.label}`));
      expect(piled, `numbers over each other at ${key}`).toEqual([]);
      // Nor over an object's name: the places a hop joins (the client it leaves, a pod next to the
      // one it reaches) included.
      const names = await nameBoxes(page);
      const hidden = labels.flatMap((a) =>
        names.filter((n) => intersects(a.box, n.box)).map((n) => `${a.label} over "${n.text}"`),
      );
      expect(hidden, `numbers over names at ${key}`).toEqual([]);
    }
  });
}

test('headless and ExternalName Services are drawn as the DNS records they are, not as rules on every node', async ({ page }) => {
  const lab = new LabPage(page);
  await lab.open('/#lesson=headless-service-dns');
  const headless = page.getByTestId('canvas-service-default-web-headless');
  await expect(headless).toHaveAttribute('data-form', 'dns');
  await expect(headless.getByTestId('service-form')).toHaveText('DNS only: no kube-proxy rules');
  await expect(headless).not.toContainText('rules on every node');
  await expect(headless).not.toContainText('None');
  await expect(headless).toContainText('web-headless.default.svc');

  await lab.open('/#lesson=externalname-service');
  const alias = page.locator('[data-form="cname"]');
  await expect(alias).toHaveCount(1);
  await expect(alias.getByTestId('service-cname')).toHaveText('CNAME → db.data.svc.cluster.local');
  await expect(alias).not.toContainText('rules on every node');
});

test('a LoadBalancer Service is drawn with its load balancer while the address is <pending>', async ({ page }) => {
  const lab = new LabPage(page);
  await lab.open('/#lesson=loadbalancer-pending');
  const lb = page.getByTestId('canvas-lb-pending-default/shop');
  await expect(lb).toBeVisible();
  await expect(lb).toContainText('<pending>');
});

/** No name on the canvas is cut: each is whole in its own box, and its box inside its object's. */
async function expectNamesWhole(page: Page) {
  const problems = await page.locator('.react-flow__node .lab-name').evaluateAll((els) =>
    els
      .map((e) => {
        const host = e.closest('.lab-pod, .lab-service, .lab-client, .lab-lb') as HTMLElement;
        const r = e.getBoundingClientRect();
        const h = host.getBoundingClientRect();
        const cut = e.scrollWidth > e.clientWidth + 1 || getComputedStyle(e).textOverflow === 'ellipsis';
        const spills = r.bottom > h.bottom + 1 || r.right > h.right + 1;
        return cut || spills ? `${e.textContent} (${cut ? 'cut' : 'spills'})` : '';
      })
      .filter(Boolean),
  );
  expect(problems).toEqual([]);
}

test('pod and Service names are shown whole, in the normal view and in presenter mode', async ({ page }) => {
  const lab = new LabPage(page);
  // ingress-nginx-controller-5b96c666bd-fm5pn and default-http-backend-77488b6bc9-jc9qp live here.
  await lab.open('/#lesson=ingress-nodeport-hosts');
  await expect(page.locator('.lab-name', { hasText: /^ingress-nginx-controller-[\w-]+$/ })).toHaveCount(1);
  await expectNamesWhole(page);
  await lab.setState('store.getState().setPresenter(true)');
  await expect(page.locator('html')).toHaveAttribute('data-presenter', 'on');
  await expectNamesWhole(page);
});

for (const size of [
  { width: 1280, height: 720 },
  { width: 1024, height: 768 },
]) {
  for (const lang of ['en', 'zh'] as const) {
    test(`presenter mode at ${size.width}x${size.height} (${lang}): one toolbar row, caption clear of the route, readable route`, async ({ page }) => {
      await page.setViewportSize(size);
      const lab = new LabPage(page);
      await lab.open();
      await lab.setState('store.getState().setLang(arg); store.getState().setPresenter(true)', lang);
      await sendAndSeek(lab, 2);
      const caption = page.getByTestId('caption');
      await expect(caption).toBeVisible();

      // One toolbar row: every tool shown sits on the same line, and the bar is one control high.
      const toolbar = page.getByTestId('toolbar');
      const tops = await toolbar.evaluate((bar) => [...bar.children].filter((c) => (c as HTMLElement).offsetWidth > 0).map((c) => Math.round(c.getBoundingClientRect().top)));
      expect(tops.length).toBeGreaterThan(2);
      expect(Math.max(...tops) - Math.min(...tops)).toBeLessThanOrEqual(4);
      const presenterButton = await box(page.getByTestId('presenter-toggle'));
      expect((await box(toolbar)).height).toBeLessThanOrEqual(presenterButton.height + 8);
      expect((await box(page.locator('.topbar'))).height).toBeLessThanOrEqual(presenterButton.height + 24);
      // Every side-panel tab in view: none past the panel's edge.
      const tabs = await page.getByRole('tablist').evaluate((l) => [l.clientWidth, l.scrollWidth]);
      expect(tabs[1], 'side-panel tabs wider than the panel').toBeLessThanOrEqual(tabs[0]!);

      // The caption is a band above the canvas, so it covers no part of the route; the current hop's
      // segment is on the canvas, whole. (A route larger than the canvas at a readable zoom is
      // followed hop by hop rather than shrunk: the first screen's load-balancer route is such a one.)
      await expect.poll(async () => (await page.getByTestId('route-seg').count()) > 0).toBe(true);
      const cap = await box(caption);
      const canvas = await box(page.getByTestId('canvas'));
      expect(intersects(cap, canvas), 'caption over the canvas').toBe(false);
      await expect.poll(() => zoomOf(page), { timeout: 10_000 }).toBeGreaterThanOrEqual(0.874);
      const current = page.locator('[data-testid="route-seg"].is-current');
      await expect(current).toHaveCount(1);
      await expect.poll(async () => inside(await box(current), canvas, 2), { message: 'the current hop is on the canvas' }).toBe(true);

      // No text on the route under 14 px on the screen: the route's objects and its numbers.
      const zoom = await zoomOf(page);
      const sizes = await page.locator('.react-flow__node .on-route').evaluateAll((els) =>
        els.flatMap((host) =>
          [host, ...host.querySelectorAll('*')]
            .filter((e) => [...e.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && n.textContent!.trim() !== ''))
            .filter((e) => (e as HTMLElement).offsetWidth > 0 && getComputedStyle(e).visibility !== 'hidden')
            .map((e) => ({ text: e.textContent!.trim().slice(0, 30), px: parseFloat(getComputedStyle(e).fontSize) })),
        ),
      );
      expect(sizes.length).toBeGreaterThan(4);
      expect(sizes.filter((s) => s.px * zoom < 14)).toEqual([]);
      const badgeSizes = await page.locator('.route-badge text, .route-stop text').evaluateAll((els) => els.map((e) => parseFloat(e.getAttribute('font-size')!)));
      expect(badgeSizes.filter((px) => px * zoom < 14)).toEqual([]);

      // What did not fit is in the More menu, and works from there: a tool's stand-in acts on it.
      const more = page.getByTestId('toolbar-more');
      await expect(more).toBeVisible();
      await more.click();
      const menu = page.getByTestId('toolbar-menu');
      await expect(menu.locator('button, select')).not.toHaveCount(0);
      await expect(menu.getByTestId('more-open-console')).toBeVisible();
      await menu.getByTestId('more-open-console').click();
      await expect(menu).toHaveCount(0);
      await expect(page.getByTestId('open-console')).toHaveAttribute('aria-pressed', 'true');
    });
  }
}

test('presenter mode with Rules open: the deciding line is shown whole, wrapped, to --to-destination', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 720 });
  const lab = new LabPage(page);
  await lab.open();
  await lab.setState('store.getState().setPresenter(true)');
  await page.getByTestId('composer-send').click();
  // The hop whose deciding line is the DNAT rule.
  const dnat = await page.evaluate(() => {
    type S = { getState(): { playback: { trace: { hops: { action: string }[] } } } };
    return (window as unknown as { __netlab: { store: S } }).__netlab.store.getState().playback.trace.hops.findIndex((h) => h.action === 'dnat');
  });
  expect(dnat).toBeGreaterThan(0);
  await lab.setState('store.getState().seek(arg)', dnat);
  await page.getByTestId('artifacts-toggle').click();
  const text = page.getByTestId('deciding-rule-text');
  await expect(text).toContainText('--to-destination 10.244.');
  const fits = await text.evaluate((e) => e.scrollWidth <= e.clientWidth + 1);
  expect(fits).toBe(true);
  // Wrapped between words: "--to-destination" is never split at its dashes.
  const words = await text.locator('.deciding-word').evaluateAll((els) => els.map((e) => ({ t: e.textContent, lines: e.getClientRects().length, h: e.getBoundingClientRect().height })));
  const dest = words.find((w) => w.t === '--to-destination');
  expect(dest).toBeDefined();
  const oneLine = Math.min(...words.map((w) => w.h));
  expect(dest!.h).toBeLessThanOrEqual(oneLine + 1);
  // The whole line is on the screen, inside the drawer.
  const line = await box(text);
  expect(inside(line, await box(page.locator('.drawer')))).toBe(true);
  expect(line.y + line.height).toBeLessThanOrEqual(720);
  // The canvas keeps a usable height beside the open drawer.
  expect((await box(page.getByTestId('canvas'))).height).toBeGreaterThanOrEqual(240);
});

test('presenter mode with a lesson open: the lesson text and the caption are both readable', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 720 });
  const lab = new LabPage(page);
  await lab.open('/#lesson=ingress-nodeport-hosts');
  await lab.setState('store.getState().setPresenter(true); store.getState().setSideTab("request")');
  await page.getByTestId('composer-saved').selectOption('dev');
  await page.getByTestId('composer-send').click();
  const caption = page.getByTestId('caption');
  const lesson = page.getByTestId('lesson-text');
  await expect(caption).toBeVisible();
  await expect(lesson).toBeVisible();
  expect(intersects(await box(caption), await box(lesson))).toBe(false);
  // Nothing is drawn over the lesson's text: the point at its centre belongs to the lesson card.
  const onTop = await lesson.evaluate((e) => {
    const r = e.getBoundingClientRect();
    return e.contains(document.elementFromPoint(r.x + r.width / 2, r.y + Math.min(r.height / 2, 20)));
  });
  expect(onTop).toBe(true);
});
