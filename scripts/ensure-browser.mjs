// Makes sure the e2e tests have a Chromium to drive. On Debian as root it installs Debian's
// chromium and a CJK font (Chinese UI text renders as boxes without one); elsewhere it stops
// and says exactly what to install.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { findChromium } from './browser.mjs';

function isDebianRoot() {
  const osRelease = existsSync('/etc/os-release') ? readFileSync('/etc/os-release', 'utf8') : '';
  return process.getuid?.() === 0 && /ID(_LIKE)?=.*debian/i.test(osRelease) && existsSync('/usr/bin/apt-get');
}

function hasCjkFont() {
  try {
    return execFileSync('fc-list', [':lang=zh'], { encoding: 'utf8' }).trim().length > 0;
  } catch {
    return false;
  }
}

function aptInstall(pkgs) {
  console.log(`[netlab] installing Debian packages: ${pkgs.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...pkgs], { stdio: 'inherit', env });
}

const need = [];
if (!findChromium()) need.push('chromium');
if (!hasCjkFont()) need.push('fonts-noto-cjk');
if (need.length > 0) {
  if (isDebianRoot()) aptInstall(need);
  else if (need.includes('chromium')) {
    console.error(
      '[netlab] No Chromium found for the browser tests. Install one of:\n' +
        '  - Debian/Ubuntu: sudo apt-get install chromium fonts-noto-cjk\n' +
        '  - any OS with downloads allowed: npx playwright install chromium\n' +
        '  - or point NETLAB_CHROMIUM at a Chromium/Chrome binary.',
    );
    process.exit(1);
  } else console.warn('[netlab] No CJK font installed: Chinese text will show as boxes in screenshots (apt-get install fonts-noto-cjk).');
}
const found = findChromium();
console.log(`[netlab] browser tests use ${found?.path ?? "Playwright's own Chromium"} (${found?.source})`);
