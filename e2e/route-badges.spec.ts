// The route's numbers on a projector (1280x720) and a laptop (1440x900): at the last reply hop,
// with the whole route drawn, no number (a segment's badge, a stop's pill, the reply's caption)
// covers any text on the canvas (a node's name, address or port chips, a pod's, a Service's, a
// client's or a load balancer's label, a place outside the lab), and each is whole in view. Measured as the boxes the browser
// draws (the text's own line boxes, the chips' pills), in English and Chinese. Runs on the build and
// on the dev server (playwright.config.ts): it drives the page as a user does, without the test API.
import { expect, test, type Page } from '@playwright/test';
import { LabPage } from './lab-page';

type Rect = { x: number; y: number; width: number; height: number };

/**
 * Built-in scenarios with long routes: ingress behind an external load balancer, a Gateway, a
 * load balancer sending to NodePorts (a wide cluster fitted small beside its lesson's card).
 */
const SCENARIOS = [
  { name: 'default (ingress-nginx behind a load balancer)', path: '/', request: '' },
  // The lesson's own first step ("Run this step's request"), as a class starts it.
  { name: 'gateway-httproute-paths (its lesson\'s first step)', path: '/#lesson=gateway-httproute-paths', request: 'lesson' },
  { name: 'nodeport-loadbalancer-ingress (the Ingress request)', path: '/#lesson=nodeport-loadbalancer-ingress', request: 'ingress' },
  { name: 'gateway-httproute-paths (through the Gateway)', path: '/#lesson=gateway-httproute-paths', request: 'app' },
  { name: 'lb-direct-vs-nodeport (the NodePort load balancer)', path: '/#lesson=lb-direct-vs-nodeport', request: 'nodeport' },
] as const;

const SIZES = [
  { width: 1280, height: 720 },
  { width: 1440, height: 900 },
] as const;

/**
 * What the route draws as numbers: segments' badges (or the pill neighbouring hops share), stops'
 * pills, the current reply hop's caption.
 */
async function numberBoxes(page: Page): Promise<{ label: string; box: Rect }[]> {
  const sel = [
    '[data-testid="route-num"] .route-badge circle',
    '[data-testid="route-num"] .route-badge rect',
    '[data-testid="route-stop"] rect',
    '[data-testid="route-reply-label"]',
  ].join(', ');
  return page.locator(sel).evaluateAll((els) =>
    els.map((e) => {
      const r = e.getBoundingClientRect();
      const g = e.closest('[data-hop], [data-hops]')!;
      const hop = (g.getAttribute('data-hops') ?? g.getAttribute('data-hop')!).replaceAll(',', ' · ');
      const label = e.getAttribute('data-testid') === 'route-reply-label' ? `caption of ${hop}` : hop;
      return { label, box: { x: r.x, y: r.y, width: r.width, height: r.height } };
    }),
  );
}

/**
 * Every text the canvas shows, as the boxes of its lines (not its element's whole row: the free end
 * of a node's header is room for a number), and every chip and kind tag as its pill.
 */
async function textBoxes(page: Page): Promise<{ text: string; box: Rect }[]> {
  return page.locator('[data-testid="canvas"]').evaluate((canvas) => {
    const out: { text: string; box: Rect }[] = [];
    const add = (text: string, r: DOMRect) => {
      if (r.width > 0 && r.height > 0) out.push({ text, box: { x: r.x, y: r.y, width: r.width, height: r.height } });
    };
    const hosts = canvas.querySelectorAll('.react-flow__node, .react-flow__edgelabel-renderer, .react-flow__edge-textwrapper, .route-ghost');
    for (const host of hosts) {
      const walker = document.createTreeWalker(host, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        const text = n.textContent!.trim();
        if (!text || getComputedStyle(n.parentElement!).visibility === 'hidden') continue;
        const range = document.createRange();
        range.selectNodeContents(n);
        for (const r of range.getClientRects()) add(text, r);
      }
    }
    for (const chip of canvas.querySelectorAll('.react-flow__node .badge, .react-flow__node .kind-tag')) {
      add(chip.textContent!.trim(), chip.getBoundingClientRect());
    }
    return out;
  });
}

const inside = (a: Rect, b: Rect) => a.x >= b.x && a.y >= b.y && a.x + a.width <= b.x + b.width && a.y + a.height <= b.y + b.height;
const intersects = (a: Rect, b: Rect) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

/** Numbers over text, as "8 · 9 · 15 over \"NodePort 30080\"". */
async function covered(page: Page): Promise<string[]> {
  const numbers = await numberBoxes(page);
  const texts = await textBoxes(page);
  expect(numbers.length, 'the route draws its numbers').toBeGreaterThan(4);
  expect(texts.length, 'the canvas shows its text').toBeGreaterThan(10);
  const over = numbers.flatMap((n) => texts.filter((t) => intersects(n.box, t.box)).map((t) => `${n.label} over "${t.text}"`));
  // Nor over each other (a caption over another hop's number).
  const piled = numbers.flatMap((a, i) => numbers.slice(i + 1).filter((b) => intersects(a.box, b.box)).map((b) => `${a.label} over ${b.label}`));
  // And each is whole on the visible canvas: not cut by its edges (the side panel), not under the
  // lesson's card, the minimap or the zoom buttons drawn over it.
  const canvas = (await page.getByTestId('canvas').boundingBox())!;
  const overCanvas = '[data-testid="lesson"], .react-flow__controls, .react-flow__minimap';
  const covers = await page.locator(overCanvas).evaluateAll((els) =>
    els.map((e) => {
      const r = e.getBoundingClientRect();
      const what = e.getAttribute('data-testid') ?? [...e.classList].find((c) => c.startsWith('react-flow__'))!;
      return { what, box: { x: r.x, y: r.y, width: r.width, height: r.height } };
    }),
  );
  const hidden = numbers.flatMap((n) => [
    ...(inside(n.box, canvas) ? [] : [`${n.label} cut by the canvas's edge`]),
    ...covers.filter((c) => intersects(n.box, c.box)).map((c) => `${n.label} under ${c.what}`),
  ]);
  return [...new Set([...over, ...piled, ...hidden])];
}

const viewportOf = (page: Page) => page.locator('.react-flow__viewport').evaluate((el) => getComputedStyle(el).transform);

/** Opens the scenario, sends its request and steps to the last hop (the reply's last), as a user does. */
async function lastReplyHop(page: Page, s: (typeof SCENARIOS)[number]) {
  const lab = new LabPage(page);
  await lab.open(s.path);
  if (s.request === 'lesson') {
    await page.getByTestId('lesson-run').click();
  } else {
    if (s.request) await page.getByTestId('composer-saved').selectOption(s.request);
    await page.getByTestId('composer-send').click();
  }
  await expect(page.getByTestId('route-layer')).toBeAttached();
  await page.keyboard.press('End');
  await expect(page.getByTestId('playback-forward')).toBeDisabled();
  await expect(page.getByTestId('hop-counter')).toHaveClass(/is-reply/);
  // The fitted view settled (the scenario's fit runs in an animation frame).
  let before = '';
  await expect.poll(async () => {
    const now = await viewportOf(page);
    const same = now === before;
    before = now;
    return same;
  }, { intervals: [300] }).toBe(true);
  // The numbers are placed again for the settled view (what it shows, what is drawn over it).
  await expect(page.getByTestId('route-layer')).toHaveAttribute('data-placed-for-view', 'true');
}

for (const size of SIZES) {
  for (const s of SCENARIOS) {
    test(`${size.width}x${size.height}, ${s.name}: at the last reply hop no number covers any text, in English and Chinese`, async ({ page }) => {
      await page.setViewportSize(size);
      await lastReplyHop(page, s);
      await page.getByTestId('lang-select').selectOption('en');
      expect(await covered(page), 'numbers over text (en)').toEqual([]);
      await page.getByTestId('lang-select').selectOption('zh');
      await expect(page.getByTestId('hop-counter')).toContainText('回包');
      expect(await covered(page), 'numbers over text (zh)').toEqual([]);
    });
  }
}
