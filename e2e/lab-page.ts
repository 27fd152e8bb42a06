// Page object for the lab: stable data-testids and the test API (window.__netlab, test builds only).
import { expect, type Page } from '@playwright/test';

export class LabPage {
  constructor(readonly page: Page) {}

  async open(path = '/') {
    await this.page.goto(path);
    await expect(this.page.getByTestId('app')).toBeVisible();
    await expect(this.page.getByTestId('canvas')).toHaveAttribute('data-laid-out', 'true');
  }

  canvasNode(name: string) {
    return this.page.getByTestId(`canvas-node-${name}`);
  }

  /** Drops files on the page the way a user drags them from the file manager. */
  async dropFiles(files: { name: string; text: string; type?: string }[]) {
    await this.page.evaluate((fs) => {
      const dt = new DataTransfer();
      for (const f of fs) dt.items.add(new File([f.text], f.name, { type: f.type ?? 'application/yaml' }));
      const target = document.querySelector('[data-testid="app"]')!;
      target.dispatchEvent(new DragEvent('dragover', { bubbles: true, cancelable: true, dataTransfer: dt }));
      target.dispatchEvent(new DragEvent('drop', { bubbles: true, cancelable: true, dataTransfer: dt }));
    }, files);
  }

  /** A snapshot of what the canvas shows: every node and pod label, in document order. */
  async canvasText(): Promise<string[]> {
    return this.page.locator('.react-flow__node').allInnerTexts();
  }

  async setState(js: string, arg?: unknown) {
    await this.page.evaluate(
      ([code, a]) => {
        const api = (window as unknown as { __netlab: { store: unknown } }).__netlab;
        return new Function('store', 'arg', code)(api.store, a);
      },
      [js, arg] as const,
    );
  }
}
