// Which Chromium the browser tests drive, in the order TOOLCHAIN.md gives: an explicit
// NETLAB_CHROMIUM, Playwright's own download (developer laptops), then a system Chromium.
import { existsSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

const SYSTEM_CANDIDATES = ['/usr/lib/chromium/chromium', '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

function playwrightOwnBrowser() {
  const root = process.env.PLAYWRIGHT_BROWSERS_PATH || join(homedir(), '.cache', 'ms-playwright');
  if (!existsSync(root)) return null;
  for (const dir of readdirSync(root).filter((d) => d.startsWith('chromium-')).sort().reverse()) {
    for (const rel of ['chrome-linux/chrome', 'chrome-linux64/chrome', 'chrome-mac/Chromium.app/Contents/MacOS/Chromium']) {
      const p = join(root, dir, rel);
      if (existsSync(p)) return { path: p, source: 'playwright' };
    }
  }
  return null;
}

/** @returns {{path: string | undefined, source: string} | null} */
export function findChromium() {
  const explicit = process.env.NETLAB_CHROMIUM;
  if (explicit) return existsSync(explicit) ? { path: explicit, source: 'NETLAB_CHROMIUM' } : null;
  const own = playwrightOwnBrowser();
  if (own) return { path: undefined, source: own.source };
  for (const p of SYSTEM_CANDIDATES) if (existsSync(p)) return { path: p, source: 'system' };
  return null;
}
