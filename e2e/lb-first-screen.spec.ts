// The lab's first screen tells its story (issue 16): one Send of the default scenario's saved
// request goes laptop -> load balancer -> node:NodePort -> kube-proxy -> ingress-nginx -> a pod,
// the load balancer drawn outside the cluster with arrows to every node's NodePort badge, and its
// own configuration open in the Rules and configs viewer with the deciding target line.
import { expect, test, type Page } from '@playwright/test';
import { LabPage } from './lab-page';

async function hops(page: Page): Promise<{ place: { kind: string; id: string; node?: string }; action: string; after: { dst: string; dstPort: number }; edge?: { to: string } }[]> {
  return page.evaluate(() => {
    const store = (window as unknown as { __netlab: { store: { getState(): { playback: { trace: { hops: unknown[] } | null } } } } }).__netlab.store;
    return (store.getState().playback.trace?.hops ?? []) as never;
  });
}

test('the first Send goes through the load balancer to a node\'s NodePort, then kube-proxy, ingress-nginx and a web pod', async ({ page }) => {
  test.setTimeout(90_000);
  const lab = new LabPage(page);
  await lab.open();
  // The load balancer is its own box, with an arrow to the ingress controller's NodePort on each node.
  await expect(page.getByTestId('canvas-lb-192.168.49.240')).toBeVisible();
  await expect(page.locator('.react-flow__edge.lab-edge-lb-target')).toHaveCount(3);
  await expect(page.locator('.react-flow__edge.lab-edge-lb-target.is-unhealthy')).toHaveCount(0);

  await page.getByTestId('tab-request').click();
  await expect(page.getByTestId('composer-saved')).toHaveValue('laptop-ingress');
  await page.getByTestId('composer-send').click();
  await expect(page.getByTestId('tab-hop')).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('Space');

  const all = await hops(page);
  const lbAt = all.findIndex((h) => h.place.kind === 'load-balancer' && h.edge?.to.startsWith('node:'));
  expect(lbAt).toBeGreaterThan(0);
  const lbHop = all[lbAt]!;
  const node = lbHop.edge!.to.slice('node:'.length);
  // The order the lab is built to teach: LB -> node:NodePort -> DNAT -> the controller -> a web pod.
  const order = ['load-balancer', 'node', 'node', 'controller', 'pod'];
  const kinds = all.slice(lbAt).map((h) => h.place.kind);
  let i = 0;
  for (const k of kinds) if (k === order[i]) i++;
  expect(i).toBe(order.length);
  expect(lbHop.after.dstPort).toBeGreaterThanOrEqual(30000);
  const dnat = all.findIndex((h) => h.action === 'dnat');
  expect(dnat).toBeGreaterThan(lbAt);
  expect(all[dnat]!.place.node).toBe(node);
  await expect(page.getByTestId('trace-result')).toContainText('200');

  await lab.setState('store.getState().seek(arg)', lbAt);
  await expect(page.getByTestId('hop-explanation')).toContainText(`node ${node}`);
  await expect(page.getByTestId('hop-explanation')).toContainText(`:${lbHop.after.dstPort}`);
  // The arrow the hop travels is marked on the canvas.
  await expect(page.locator('.react-flow__edge.lab-edge-lb-target.is-current')).toHaveCount(1);
  await page.getByTestId('artifacts-toggle').click();
  await expect(page.getByTestId('artifact-select')).toHaveValue('lb/ingress-nginx/ingress-nginx-controller');
  await expect(page.getByTestId('deciding-line')).toContainText(`target ${node} ${lbHop.after.dst}:${lbHop.after.dstPort} in service`);
  await page.getByTestId('lang-select').selectOption('zh');
  await expect(page.getByTestId('hop-explanation')).toContainText('轮询');
  await page.getByTestId('lang-select').selectOption('en');
});

test('with externalTrafficPolicy Local, nodes without the controller pod are greyed with the health check\'s reason', async ({ page }) => {
  test.setTimeout(90_000);
  const lab = new LabPage(page);
  await lab.open();
  await page.getByTestId('open-console').click();
  const input = page.getByTestId('console-input');
  await input.fill(`kubectl patch svc ingress-nginx-controller -n ingress-nginx -p '{"spec":{"externalTrafficPolicy":"Local"}}'`);
  await input.press('Enter');
  await expect(page.getByTestId('console-out')).toContainText('patched');
  // One controller pod, three nodes: two arrows greyed, each with kube-proxy's health-check answer.
  const unhealthy = page.locator('.react-flow__edge.lab-edge-lb-target.is-unhealthy');
  await expect(unhealthy).toHaveCount(2);
  await expect(unhealthy.first()).toContainText(/healthCheckNodePort 3\d{4}: no local endpoints/);
  await expect(page.locator('.react-flow__edge.lab-edge-lb-target:not(.is-unhealthy)')).toHaveCount(1);
  // Each reason sits on its arrow where it covers no box: no Service's address, no node's name under it.
  const rects = (sel: string) => page.locator(sel).evaluateAll((els) => els.map((e) => {
    const r = e.getBoundingClientRect();
    return { x: r.x, y: r.y, w: r.width, h: r.height, what: e.textContent ?? '' };
  }));
  const labels = await rects('.react-flow__edge.lab-edge-lb-target.is-unhealthy .react-flow__edge-textwrapper');
  expect(labels).toHaveLength(2);
  const boxes = await rects('.react-flow__node-service, .react-flow__node-lb, .react-flow__node-client, .react-flow__node-frame');
  const covered = labels.flatMap((l) => boxes
    .filter((b) => l.x < b.x + b.w && b.x < l.x + l.w && l.y < b.y + b.h && b.y < l.y + l.h)
    .map((b) => `"${l.what}" over "${b.what.slice(0, 40)}"`));
  expect(covered).toEqual([]);
  // A request's numbers keep off the reasons too.
  await page.getByTestId('open-console').click();
  await page.getByTestId('composer-send').click();
  await page.keyboard.press('End');
  await expect(page.getByTestId('playback-forward')).toBeDisabled();
  await expect(page.getByTestId('route-layer')).toHaveAttribute('data-placed-for-view', 'true');
  const numbers = await rects('[data-testid="route-num"] .route-badge circle, [data-testid="route-num"] .route-badge rect, '
    + '[data-testid="route-stop"] rect, [data-testid="route-reply-label"]');
  const after = await rects('.react-flow__edge.lab-edge-lb-target.is-unhealthy .react-flow__edge-textwrapper');
  const hidden = after.flatMap((l) => numbers
    .filter((b) => l.x < b.x + b.w && b.x < l.x + l.w && l.y < b.y + b.h && b.y < l.y + l.h)
    .map(() => `a number over "${l.what}"`));
  expect(hidden).toEqual([]);
});
