// Kubernetes by version in the lab: the version selector, the mode selector saying what each
// release offers, userspace running 1.25 with a badge; and a real cluster's snapshot opening with
// the settings inferred from it listed in the load report.
import { expect, test } from '@playwright/test';
import { LabPage } from './lab-page';

test('the version selector defaults to the newest release and the mode selector follows it', async ({ page }) => {
  const lab = new LabPage(page);
  await lab.open();
  const version = page.getByTestId('kubernetes-version');
  const mode = page.getByTestId('proxy-mode');
  await expect(version).toHaveValue('1.35');
  await expect(mode.locator('option[value="ipvs"]')).toHaveText('ipvs (deprecated)');
  await expect(mode.locator('option[value="userspace"]')).toHaveText('userspace (removed in 1.26: runs Kubernetes 1.25)');
  await expect(mode.locator('option[value="nftables"]')).toHaveText('nftables');

  await version.selectOption('1.30');
  await expect(version).toHaveValue('1.30');
  await expect(mode.locator('option[value="nftables"]')).toHaveText('nftables (alpha: needs the NFTablesProxyMode feature gate)');
  await expect(mode.locator('option[value="ipvs"]')).toHaveText('ipvs');
  await version.selectOption('1.28');
  await expect(mode.locator('option[value="nftables"]')).toHaveText('nftables (not in 1.28: from 1.29)');

  // userspace on a release without it: the lab runs 1.25 and says so.
  await version.selectOption('1.35');
  await mode.selectOption('userspace');
  await expect(version).toHaveValue('1.25');
  await expect(page.getByTestId('userspace-badge')).toHaveText('Kubernetes 1.25: the last release with userspace');
  await expect(mode.locator('option[value="userspace"]')).toHaveText('userspace (deprecated)');

  await page.getByTestId('lang-select').selectOption('zh');
  await expect(page.getByTestId('userspace-badge')).toHaveText('Kubernetes 1.25：最后一个带 userspace 模式的版本');
});

test('a k3s snapshot opens with the settings read from it in the load report', async ({ page }) => {
  const lab = new LabPage(page);
  await lab.open();
  await page.getByTestId('file-input').setInputFiles('scenarios/snapshots/k3s.yaml');
  const report = page.getByTestId('load-inferred');
  await expect(report).toBeVisible();
  await expect(report.locator('[data-setting="serviceCIDR"]')).toContainText('serviceCIDR = 10.43.0.0/16: Service default/kubernetes has ClusterIP 10.43.0.1');
  await expect(report.locator('[data-setting="podCIDR"]')).toContainText('podCIDR = 10.42.0.0/16');
  await expect(report.locator('[data-setting="ingress"]')).toContainText('run by Deployment kube-system/traefik');
  await expect(page.getByTestId('load-errors')).toContainText('namespace "prod" is not in the snapshot');
  await expect(lab.canvasNode('k3s-server')).toBeVisible();
  await expect(page.getByTestId('kubernetes-version')).toHaveValue('1.30');
});
