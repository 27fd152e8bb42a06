// The chain walked, in place (issue 12 item 7): at a kube-proxy hop the Rules viewer marks every
// rule the netfilter walker evaluated for this packet, numbered in evaluation order, with the
// statistic draws' outcomes; at the nginx hop, the server chosen, the locations compared and the
// one chosen. What the page shows is checked against the hop's own typed steps in the store.
import { expect, test, type Page } from '@playwright/test';
import type { EvalStep, Hop } from '../src/sim';
import { LabPage } from './lab-page';

type Api = { __netlab: { store: { getState(): { playback: { trace: { hops: Hop[] } | null; hop: number } } } } };

const currentHop = (page: Page) =>
  page.evaluate(() => {
    const s = (window as unknown as Api).__netlab.store.getState();
    return s.playback.trace!.hops[s.playback.hop]!;
  });

/** Steps forward until the hop's explanation key is `key` (hop numbers depend on the scenario). */
async function goToHop(page: Page, key: string) {
  await page.keyboard.press('Space');
  await page.keyboard.press('Home');
  for (let i = 0; i < 12; i++) {
    if ((await currentHop(page)).explanation.key === key) return;
    await page.keyboard.press('ArrowRight');
  }
  throw new Error(`no hop ${key}`);
}

/** The rendered line of one step, scrolled into the virtualised viewer first. */
async function lineOf(page: Page, s: EvalStep) {
  await page.getByTestId('artifact-scroll').evaluate((el, i) => {
    el.scrollTop = Math.max(0, i * 22 - 100);
  }, s.ref.lineIndex);
  const line = page.locator(`.artifact-line[data-line="${s.ref.lineIndex}"]`);
  await expect(line).toBeVisible();
  return line;
}

async function send(page: Page, saved: string) {
  await page.getByTestId('composer-saved').selectOption(saved);
  await page.getByTestId('composer-send').click();
  await expect(page.getByTestId('tab-hop')).toHaveAttribute('aria-selected', 'true');
}

test('kube-proxy hop: every rule the walker evaluated is marked in place, in order, with the statistic draws', async ({ page }) => {
  const lab = new LabPage(page);
  await lab.open();
  await send(page, 'laptop-nodeport');
  await goToHop(page, 'hop.proxy.dnatMasq');
  await expect(page.getByTestId('hop-explanation')).toContainText('kube-proxy (iptables) on node-1');
  const hop = await currentHop(page);
  const steps = hop.steps!.filter((s) => s.ref.artifact === hop.refs.at(-1)!.artifact);
  expect(steps.length).toBeGreaterThan(8);
  await page.getByTestId('artifacts-toggle').click();
  const legend = page.getByTestId('walk-legend');
  await expect(legend).toContainText('Walked for this hop');
  const matched = steps.filter((s) => s.outcome === 'matched').length;
  await expect(page.getByTestId('walk-summary')).toHaveText(`${steps.length} lines evaluated here, ${matched} matched`);

  // The chain walked: PREROUTING -> KUBE-SERVICES -> ... -> KUBE-SVC-... -> KUBE-SEP-..., each jump numbered.
  const jumps = steps.filter((s) => s.effect.kind === 'jump').map((s) => s.ref.line.split(' ')[1]);
  expect(jumps[0]).toBe('PREROUTING');
  expect(jumps).toContain('KUBE-SERVICES');
  expect(jumps.some((c) => c!.startsWith('KUBE-SVC-'))).toBe(true);
  const order = (s: EvalStep) => hop.steps!.indexOf(s) + 1;
  for (const s of steps) {
    const line = await lineOf(page, s);
    const kind = s.outcome === 'skipped' ? 'miss' : s.effect.kind === 'jump' ? 'jump' : 'match';
    await expect(line).toHaveAttribute('data-walk', kind);
    expect((await line.getAttribute('data-walk-order'))!.split(',')).toContain(String(order(s)));
    await expect(line.getByTestId('walk-mark')).toBeVisible();
  }
  // Every statistic rule tried shows its probability, the draw and whether it matched.
  const draws = steps.filter((s) => s.detail?.kind === 'statistic');
  expect(draws.length).toBeGreaterThan(0);
  for (const s of draws) {
    const d = s.detail as { probability: number; draw: number };
    const note = (await lineOf(page, s)).getByTestId('walk-note');
    await expect(note).toHaveText(`statistic ${d.probability.toFixed(3)} → drew ${d.draw.toFixed(3)}, ${s.outcome === 'matched' ? 'yes' : 'no'}`);
  }
  // A rule not evaluated for this packet carries no mark (another Service's chain).
  const walked = new Set(steps.map((s) => s.ref.lineIndex));
  const unwalked = await page.locator('.artifact-line[data-line]').evaluateAll(
    (els, w) => els.filter((e) => !w.includes(Number(e.getAttribute('data-line')))).map((e) => e.getAttribute('data-walk')),
    [...walked],
  );
  expect(unwalked.length).toBeGreaterThan(0);
  expect(unwalked.every((x) => x === null)).toBe(true);

  // The hop inspector lists the same walk.
  await page.getByTestId('walk-list').locator('summary').click();
  await expect(page.getByTestId('walk-list').locator('li')).toHaveCount(hop.steps!.length);

  await page.getByTestId('lang-select').selectOption('zh');
  await expect(legend).toContainText('这一跳走过的规则');
  const first = draws[0]!;
  await expect((await lineOf(page, first)).getByTestId('walk-note')).toContainText('抽到');
});

test('nginx hop: the server chosen, every location compared, the location chosen and the upstream peer', async ({ page }) => {
  const lab = new LabPage(page);
  await lab.open('/#lesson=ingress-lanqiao-paths');
  await send(page, 'courses');
  await goToHop(page, 'hop.ingress.match');
  const hop = await currentHop(page);
  expect(hop.place.kind).toBe('controller');
  const steps = hop.steps!;
  const kinds = steps.map((s) => s.effect.kind);
  expect(kinds[0]).toBe('server');
  expect(kinds.filter((k) => k === 'location-considered').length).toBeGreaterThan(1);
  expect(kinds).toContain('location');
  expect(kinds.at(-1)).toBe('upstream');
  await page.getByTestId('artifacts-toggle').click();
  await expect(page.getByTestId('artifact-select')).toHaveValue(steps[0]!.ref.artifact);
  for (const s of steps) {
    const line = await lineOf(page, s);
    await expect(line).toHaveAttribute('data-walk', s.outcome === 'matched' ? 'match' : 'miss');
    const note = line.getByTestId('walk-note');
    if (s.effect.kind === 'location-considered') await expect(note).toContainText(`location ${s.effect.args}:`);
    if (s.effect.kind === 'location') await expect(note).toContainText(`location chosen: ${s.effect.args}`);
    if (s.effect.kind === 'server') await expect(note).toContainText(`server chosen: ${s.effect.name}`);
  }
});
