// The Paste dialog keeps what the user pasted until it opens or they clear it: a paste that does not
// load (the report says where) or that the user keeps out in the partial-load dialog is still there.
import { expect, test, type Page } from '@playwright/test';
import { LabPage } from './lab-page';

const TABS = 'apiVersion: v1\nkind: Service\nmetadata:\n\tname: web\nspec:\n  ports:\n  - port: 80\n';
const PARTIAL = `apiVersion: v1
kind: Node
metadata:
  name: beta
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  type: NodePort
  ports:
    - port: 80
      nodePort: 8888
`;

async function paste(page: Page, text: string) {
  await page.getByTestId('open-paste').click();
  await page.getByTestId('paste-text').fill(text);
  await page.getByTestId('paste-open').click();
}

test('a paste that does not load is still in the dialog when it opens again', async ({ page }) => {
  const lab = new LabPage(page);
  await lab.open();
  await paste(page, TABS);
  await expect(page.getByTestId('load-errors')).toContainText('pasted.yaml:4:1');
  await page.getByTestId('open-paste').click();
  await expect(page.getByTestId('paste-text')).toHaveValue(TABS);
  await page.getByTestId('paste-clear').click();
  await expect(page.getByTestId('paste-text')).toHaveValue('');
});

test('"keep the current lab" on a partly refused paste keeps the pasted text', async ({ page }) => {
  const lab = new LabPage(page);
  await lab.open();
  await paste(page, PARTIAL);
  await page.getByTestId('partial-keep').click();
  await page.getByTestId('open-paste').click();
  await expect(page.getByTestId('paste-text')).toHaveValue(PARTIAL);
});

// An Ingress written for a cluster that runs ingress-nginx names class nginx; the lab installs that
// controller and says so once (the report's heading is the only title when nothing else is reported).
const PLAIN_INGRESS = `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
spec:
  ingressClassName: nginx
  defaultBackend:
    service: {name: web, port: {number: 80}}
`;

test('a pasted Ingress naming class nginx gets ingress-nginx, and the report says why', async ({ page }) => {
  const lab = new LabPage(page);
  await lab.open();
  await paste(page, PLAIN_INGRESS);
  const report = page.getByTestId('load-errors');
  await expect(report.locator('[data-setting="ingress"]')).toContainText('the lab installs ingress-nginx');
  await expect(report.getByText('Lab settings read from the files')).toHaveCount(1);
  await expect(page.getByText('ingress-nginx-controller', { exact: false }).first()).toBeVisible();
});
