// Batch runs (distribution), A/B comparison, and the artifact viewer's deciding line for ipvs and
// ingress-nginx, all on the real engines.
import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { LabPage } from './lab-page';

async function sendSaved(page: Page, id: string) {
  await page.getByTestId('tab-request').click();
  await page.getByTestId('composer-saved').selectOption(id);
  await page.getByTestId('composer-send').click();
  await expect(page.getByTestId('tab-hop')).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('Space'); // pause the animation: the tests step by hand
}

/** The index of the first hop matching a condition, read from the store (test builds only). */
async function hopWhere(page: Page, cond: string): Promise<number> {
  return page.evaluate((c) => {
    const store = (window as unknown as { __netlab: { store: { getState(): { playback: { trace: { hops: unknown[] } | null } } } } }).__netlab.store;
    const hops = store.getState().playback.trace?.hops ?? [];
    return hops.findIndex(new Function('h', `return ${c}`) as (h: unknown) => boolean);
  }, cond);
}

test('a distribution of 1,000 requests runs in a worker and draws a histogram with the implied shares', async ({ page }) => {
  const lab = new LabPage(page);
  await lab.open();
  await page.getByTestId('tab-distribution').click();
  await expect(page.getByTestId('dist-no-request')).toBeVisible();
  await sendSaved(page, 'laptop-nodeport');
  await page.getByTestId('tab-distribution').click();
  await page.getByTestId('dist-size').selectOption('1000');
  await page.getByTestId('dist-run').click();
  await expect(page.getByTestId('dist-n')).toHaveText('1,000 requests counted');
  const rows = page.locator('[data-testid^="dist-row-default/web-"]');
  // The default scenario's web Deployment has two pods.
  await expect(rows).toHaveCount(2);
  await expect(page.getByTestId('dist-implied')).toHaveCount(2);
  await expect(page.getByTestId('dist-implied-from')).toContainText('iptables statistic rules in KUBE-SVC-');
  // The counts add up to N.
  const counts = await rows.locator('.dist-count').allInnerTexts();
  expect(counts.map((c) => Number(c.split(' ')[0]!.replace(/,/g, ''))).reduce((a, b) => a + b, 0)).toBe(1000);
  await page.getByTestId('lang-select').selectOption('zh');
  await expect(page.getByTestId('dist-n')).toHaveText('已统计 1,000 个请求');
  await expect(page.getByTestId('dist-implied-from')).toContainText('推算份额的依据');
  await page.getByTestId('lang-select').selectOption('en');
  await expect(page.getByTestId('tab-distribution')).toHaveText('Runs');
});

test('a run of 10,000 shows progress and can be cancelled', async ({ page }) => {
  // The worker's final message is held back, so the run is still going when Cancel is clicked however fast
  // the machine runs 10,000 requests (an idle one finishes them before a click could land).
  await page.addInitScript(() => {
    const Real = window.Worker;
    window.Worker = class extends Real {
      override set onmessage(f: ((e: MessageEvent) => void) | null) {
        super.onmessage = (e: MessageEvent) => {
          if ((e.data as { kind?: string } | null)?.kind !== 'done') f?.call(this, e);
        };
      }
    };
  });
  const lab = new LabPage(page);
  await lab.open();
  await sendSaved(page, 'laptop-nodeport');
  await page.getByTestId('tab-distribution').click();
  await page.getByTestId('dist-size').selectOption('10000');
  await page.getByTestId('dist-run').click();
  await expect(page.getByTestId('dist-progress')).toBeVisible();
  await expect(page.getByTestId('dist-progress')).not.toHaveAttribute('value', '0');
  await page.getByTestId('dist-cancel').click();
  await expect(page.getByTestId('dist-cancelled')).toContainText('Cancelled after');
  await expect(page.getByTestId('dist-run')).toBeVisible();
});

test('A/B with externalTrafficPolicy flipped to Local shows the SNAT hop only in A', async ({ page }) => {
  const lab = new LabPage(page);
  await lab.open();
  await sendSaved(page, 'laptop-nodeport');
  await page.getByTestId('tab-ab').click();
  await page.getByTestId('ab-kind').selectOption('externalTrafficPolicy');
  await expect(page.getByTestId('ab-target')).toHaveValue('default/web');
  await page.getByTestId('ab-run').click();
  await expect(page.getByTestId('ab-summary')).toContainText('externalTrafficPolicy Local');
  await expect(page.getByTestId('ab-summary')).toContainText('hop(s) differ');
  const snatA = page.locator('[data-testid="ab-hops-a"] [data-action="snat"]');
  await expect(snatA.first()).toHaveAttribute('data-diff', 'true');
  await expect(page.locator('[data-testid="ab-hops-b"] [data-action="snat"]')).toHaveCount(0);
  await page.getByTestId('lang-select').selectOption('zh');
  await expect(page.getByTestId('ab-summary')).toContainText('跳不同');
  await expect(snatA.first().getByTestId('ab-what')).toHaveText('仅 A 有');
  await page.getByTestId('lang-select').selectOption('en');
  await expect(page.getByTestId('ab-summary')).toContainText('hop(s) differ');
});

test('in ipvs mode the DNAT hop highlights the ipvsadm real-server line', async ({ page }) => {
  const lab = new LabPage(page);
  await lab.open();
  await page.getByTestId('proxy-mode').selectOption('ipvs');
  await sendSaved(page, 'laptop-nodeport');
  const dnat = await hopWhere(page, `h.action === 'dnat' && h.refs.some((r) => r.artifact.endsWith('/ipvsadm'))`);
  expect(dnat).toBeGreaterThan(0);
  await lab.setState('store.getState().seek(arg)', dnat);
  await page.getByTestId('artifacts-toggle').click();
  await expect(page.getByTestId('artifact-select')).toHaveValue(/\/ipvsadm$/);
  await expect(page.getByTestId('deciding-line')).toBeVisible();
  await expect(page.getByTestId('deciding-line')).toContainText(/->\s+10\.244\.\d+\.\d+:80\s+Masq/);
});

test('an ingress-nginx controller hop highlights the nginx.conf location line', async ({ page }) => {
  const lab = new LabPage(page);
  await lab.open();
  await page.getByTestId('file-input').setInputFiles({ name: 'ingress-fanout-default-backend.json', mimeType: 'application/json', buffer: readFileSync('scenarios/ingress-fanout-default-backend.json') });
  await expect(page.getByTestId('scenario-title')).not.toContainText('A small teaching cluster');
  await sendSaved(page, 'foo');
  const ctl = await hopWhere(page, `h.place.kind === 'controller' && h.refs.some((r) => /location/.test(r.line))`);
  expect(ctl).toBeGreaterThan(0);
  await lab.setState('store.getState().seek(arg)', ctl);
  await page.getByTestId('artifacts-toggle').click();
  await expect(page.getByTestId('artifact-select')).toHaveValue(/nginx/);
  await expect(page.getByTestId('deciding-line')).toContainText(/location\b/);
});

test('A/B "Convert to Gateway API" sends the request through the Ingress and the converted HTTPRoute', async ({ page }) => {
  const lab = new LabPage(page);
  await lab.open();
  await page.getByTestId('file-input').setInputFiles({ name: 'ingress-fanout-default-backend.json', mimeType: 'application/json', buffer: readFileSync('scenarios/ingress-fanout-default-backend.json') });
  await expect(page.getByTestId('scenario-title')).not.toContainText('A small teaching cluster');
  await sendSaved(page, 'foo');
  await page.getByTestId('tab-ab').click();
  await page.getByTestId('ab-kind').selectOption('gatewayApi');
  await expect(page.getByTestId('ab-target')).toHaveCount(0);
  await expect(page.getByTestId('ab')).toContainText('through the HTTPRoute it converts to (B)');
  await page.getByTestId('ab-run').click();
  await expect(page.getByTestId('ab')).toContainText('B: as Gateway API');
  const summary = page.getByTestId('ab-summary');
  await expect(summary).toContainText('Gateway default/nginx');
  await expect(summary).toContainText('hop(s) differ');
  // Both sides end at the same pod with the same status (no "result A → B"); the backend sees
  // another client address (the Gateway's data plane pod instead of the ingress controller's).
  await expect(summary).not.toContainText('result');
  await expect(summary).toContainText('backend sees the client as');
  await expect(page.locator('[data-testid="ab-hops-b"] [data-diff="true"]').first()).toBeVisible();
  await expect(page.locator('[data-testid="ab-hops-a"] [data-diff="true"]').first()).toBeVisible();
  await expect(page.getByTestId('ab-convert-note')).toHaveCount(1);
  await expect(page.getByTestId('ab-convert-note')).toContainText('default/test: spec.defaultBackend became HTTPRoute test-default-backend');
  await page.getByTestId('lang-select').selectOption('zh');
  await expect(summary).toContainText('Ingress 已转换为 Gateway API');
  await expect(page.getByTestId('ab')).toContainText('B：转换为 Gateway API 之后');
  await expect(page.getByTestId('ab-convert-note')).toContainText('spec.defaultBackend 变成了没有 hostnames 的 HTTPRoute test-default-backend');
  await page.getByTestId('lang-select').selectOption('en');
});
