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
