// Outside clients for anyone's YAML, requests people can repeat, and share links that keep the
// hop (issue 12, items 3-5). Plain manifests with no clients are dropped on the page as a user
// drags them from the file manager.
import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { LabPage } from './lab-page';

const COOKIE_AFFINITY = readFileSync(new URL('./scenarios/cookie-affinity.yaml', import.meta.url), 'utf8');
const PLAIN_NODEPORT = readFileSync(new URL('../src/cli/testdata/plain-nodeport.yaml', import.meta.url), 'utf8');

type Store = { getState(): { playback: { hop: number; run: number; playing: boolean; trace: { hops: unknown[] } | null; runs: { backendPod: string | null }[] }; scenario: { current: { clients: { name: string }[] } | null } } };
const state = (page: Page) => page.evaluate(() => (window as unknown as { __netlab: { store: Store } }).__netlab.store.getState());

async function openPlain(page: Page, name: string, text: string) {
  const lab = new LabPage(page);
  await lab.open('/');
  await expect(page.getByTestId('open-share')).toBeEnabled();
  await lab.dropFiles([{ name, text }]);
  await expect(page.getByTestId('scenario-title')).toContainText(name);
  await page.getByTestId('tab-request').click();
  return lab;
}

test('plain manifests: From offers the default outside client, and a request from it reaches the cluster', async ({ page }) => {
  await openPlain(page, 'plain-nodeport.yaml', PLAIN_NODEPORT);
  const from = page.getByTestId('composer-from');
  await expect(from).toHaveValue('external:internet');
  // The default scenario's laptop does not linger after another scenario opens.
  await expect(from.locator('option[value="external:laptop"]')).toHaveCount(0);
  await expect(from.locator('option[value="external:internet"]')).toHaveText('internet (203.0.113.100)');
  await page.getByTestId('composer-url').fill('http://192.168.49.2:30080/');
  await page.getByTestId('composer-send').click();
  await expect(page.getByTestId('trace-result')).toContainText('200');
  const s = await state(page);
  expect(s.playback.trace!.hops.length).toBeGreaterThan(2);
  // What was typed is still there after Send.
  await page.getByTestId('tab-request').click();
  await expect(page.getByTestId('composer-url')).toHaveValue('http://192.168.49.2:30080/');
  await expect(page.getByTestId('composer-response-status')).toHaveText('200');
});

test('a client added in the UI can send, travels with the scenario, and undo removes it', async ({ page }) => {
  await openPlain(page, 'plain-nodeport.yaml', PLAIN_NODEPORT);
  await page.getByTestId('clients').locator('summary').click();
  await page.getByTestId('client-add').click();
  await page.getByTestId('client-name').fill('office');
  await page.getByTestId('client-address').fill('not-an-ip');
  await page.getByTestId('client-save').click();
  await expect(page.getByTestId('client-error-address')).toContainText('not-an-ip is not an IPv4 address');
  await page.getByTestId('client-address').fill('198.51.100.20');
  await page.getByTestId('client-hosts').fill('hello.example.com 192.168.49.3');
  await page.getByTestId('client-save').click();
  await expect(page.getByTestId('client-row-office')).toContainText('198.51.100.20');
  await expect(page.getByTestId('composer-from')).toHaveValue('external:office');
  expect((await state(page)).scenario.current!.clients.map((c) => c.name)).toEqual(['office']);

  // The client's hosts entry resolves the name: the request goes to node-2's NodePort.
  await page.getByTestId('composer-url').fill('http://hello.example.com:30080/');
  await page.getByTestId('composer-send').click();
  await expect(page.getByTestId('trace-result')).toContainText('200');
  await expect(page.getByTestId('hop-explanation')).toContainText('office');

  await page.locator('body').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('Control+z');
  expect((await state(page)).scenario.current!.clients).toEqual([]);
  await page.getByTestId('tab-request').click();
  // The composer keeps what was typed, and says the client is gone instead of sending nothing.
  await expect(page.getByTestId('composer-from-error')).toContainText('No outside client "office" in this lab. Clients: internet.');
  await expect(page.getByTestId('composer-send')).toBeDisabled();
});

test('a connect target the lab does not have is an inline error naming the nodes there are', async ({ page }) => {
  await openPlain(page, 'plain-nodeport.yaml', PLAIN_NODEPORT);
  await page.getByTestId('composer-url').fill('http://hello.example.com:30080/');
  await page.getByTestId('composer-connect').fill('node:node-9');
  await expect(page.getByTestId('composer-connect-error')).toHaveText('No node node-9 in this lab. Nodes: node-1, node-2.');
  await expect(page.getByTestId('composer-connect')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByTestId('composer-send')).toBeDisabled();
  await page.getByTestId('composer-connect').fill('node:node-2');
  await expect(page.getByTestId('composer-connect-error')).toHaveCount(0);
  await expect(page.getByTestId('composer-send')).toBeEnabled();
});

test('repeat with a cookie jar on ingress-nginx cookie affinity: Set-Cookie, then every request on one pod', async ({ page }) => {
  await openPlain(page, 'cookie-affinity.yaml', COOKIE_AFFINITY);
  await page.getByTestId('composer-url').fill('http://shop.example.com/');
  await page.getByTestId('composer-connect').fill('ingress');
  await page.getByTestId('composer-repeat').fill('5');
  await page.getByTestId('composer-cookie-jar').check();
  await page.getByTestId('composer-send').click();
  await expect(page.getByTestId('trace-result')).toContainText('200');
  // The first answer sets the affinity cookie (shown in the hop inspector's response too).
  await page.getByTestId('playback-play').click();
  await page.keyboard.press('End');
  await expect(page.getByTestId('response-header-set-cookie')).toContainText(/route=\w+; Path=\/; HttpOnly/);
  await page.getByTestId('tab-request').click();
  await expect(page.getByTestId('run-1').getByTestId('run-set-cookie')).toContainText('route=');
  await expect(page.getByTestId('run-2').getByTestId('run-set-cookie')).toHaveText('');
  const pods = (await state(page)).playback.runs.map((r) => r.backendPod);
  expect(pods).toHaveLength(5);
  expect(new Set(pods).size).toBe(1);
  await expect(page.getByTestId('runs-sticky')).toContainText(`5 of 5 requests landed on ${pods[0]}`);
  await expect(page.getByTestId('response-backend')).toContainText('shop.example.com');

  // Runs: the same request many times with the cookie jar lands on one pod.
  await page.getByTestId('tab-distribution').click();
  await expect(page.getByTestId('dist-cookie-jar')).toBeChecked();
  await page.getByTestId('dist-size').selectOption('100');
  await page.getByTestId('dist-run').click();
  await expect(page.getByTestId('dist-sticky')).toContainText('100 of 100 requests', { timeout: 60_000 });
  await page.getByTestId('dist-cookie-jar').uncheck();
  await page.getByTestId('dist-run').click();
  await expect(page.getByTestId('dist-n')).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('dist-sticky')).toHaveCount(0);
  await expect(page.locator('[data-testid^="dist-row-default/shop-"]')).toHaveCount(3);
});

test('a share link opens on the hop that was shown, paused', async ({ page, browser }) => {
  await openPlain(page, 'plain-nodeport.yaml', PLAIN_NODEPORT);
  await page.getByTestId('composer-url').fill('http://192.168.49.2:30080/');
  await page.getByTestId('composer-send').click();
  await expect(page.getByTestId('trace-result')).toContainText('200');
  await page.keyboard.press('Home');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('hop-counter')).toContainText('3');
  await page.getByTestId('open-share').click();
  const link = await page.getByTestId('share-link').inputValue();
  expect(link).toContain('#s=2.');

  const other = await browser.newPage();
  const lab = new LabPage(other);
  await lab.open(`/${link.slice(link.indexOf('#'))}`);
  await expect(other.getByTestId('trace-result')).toContainText('200');
  await expect(other.getByTestId('hop-counter')).toContainText('3');
  const s = await state(other);
  expect(s.playback.hop).toBe(2);
  expect(s.playback.playing).toBe(false);
  // Still there a moment later: nothing plays on past it.
  await other.waitForTimeout(1500);
  expect((await state(other)).playback.hop).toBe(2);
  await other.close();
});

test('a share link of a repeated request with a cookie jar opens on the same request of the run and hop', async ({ page, browser }) => {
  await openPlain(page, 'cookie-affinity.yaml', COOKIE_AFFINITY);
  await page.getByTestId('composer-url').fill('http://shop.example.com/');
  await page.getByTestId('composer-connect').fill('ingress');
  await page.getByTestId('composer-repeat').fill('3');
  await page.getByTestId('composer-cookie-jar').check();
  await page.getByTestId('composer-send').click();
  await page.getByTestId('tab-request').click();
  await page.getByTestId('run-3').getByRole('button').click();
  await page.keyboard.press('End');
  await page.keyboard.press('ArrowLeft');
  const shown = await state(page);
  await page.getByTestId('open-share').click();
  const link = await page.getByTestId('share-link').inputValue();

  const other = await browser.newPage();
  await new LabPage(other).open(`/${link.slice(link.indexOf('#'))}`);
  await expect(other.getByTestId('trace-result')).toContainText('200');
  const s = await state(other);
  expect(s.playback.runs.map((r) => r.backendPod)).toEqual(shown.playback.runs.map((r) => r.backendPod));
  expect([s.playback.run, s.playback.hop, s.playback.playing]).toEqual([2, shown.playback.hop, false]);
  expect(s.playback.hop).toBeGreaterThan(0);
  // The composer holds the request the link sent, ready to send again.
  await other.getByTestId('tab-request').click();
  await expect(other.getByTestId('composer-url')).toHaveValue('http://shop.example.com/');
  await expect(other.getByTestId('composer-repeat')).toHaveValue('3');
  await expect(other.getByTestId('composer-cookie-jar')).toBeChecked();
  await expect(other.getByTestId('run-3')).toHaveClass(/is-shown/);
  await other.close();
});
