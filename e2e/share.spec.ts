// The share branch in the browser: gallery and lesson player, share links (same trace after
// opening), the console, edit forms, undo, autosave, hostile links and files, and script payloads
// under the preview server's Content-Security-Policy. Every test that opens the lab says what it
// shows; none takes a screenshot nobody compares.
import { readFileSync } from 'node:fs';
import { deflateRawSync } from 'node:zlib';
import { expect, test, type Page } from '@playwright/test';
import { encodeShare } from '../src/scenario/share';
import { loadScenarioText } from '../src/scenario';
import { LabPage } from './lab-page';

type Obj = { kind: string; metadata: { name: string }; spec?: { replicas?: number } };
type Api = { __netlab: { store: { getState(): { playback: { trace: unknown; hop: number }; scenario: { current: { meta: { title?: string }; objects: Obj[] } | null; past: unknown[] }; lab: { applied: Obj[] } | null } } } };

/**
 * Every page error, console error and CSP violation, so each test can say there were none. The
 * violations are reported by the page itself (securitypolicyviolation), not read from message text.
 */
async function watch(page: Page) {
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' || /Content Security Policy/i.test(m.text())) problems.push(`console: ${m.text()}`);
  });
  await page.exposeFunction('__reportCspViolation', (v: string) => problems.push(`csp: ${v}`));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      void (window as unknown as { __reportCspViolation(v: string): Promise<void> }).__reportCspViolation(`${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  return problems;
}

const traceJson = (page: Page) => page.evaluate(() => JSON.stringify((window as unknown as Api).__netlab.store.getState().playback.trace));
const title = (page: Page) => page.evaluate(() => (window as unknown as Api).__netlab.store.getState().scenario.current?.meta.title ?? null);
const replicas = (page: Page) =>
  // The Deployment as the running lab has it (the scenario's, changed by the edit log).
  page.evaluate(() => (window as unknown as Api).__netlab.store.getState().lab?.applied.find((o) => o.kind === 'Deployment')?.spec?.replicas ?? null);

async function ready(page: Page, path = '/') {
  const lab = new LabPage(page);
  await lab.open(path);
  await expect(page.getByTestId('open-share')).toBeEnabled();
  return lab;
}

test('gallery: search, tags, language; a card opens its lesson by URL', async ({ page }) => {
  const problems = await watch(page);
  await ready(page);
  await page.getByTestId('open-gallery').click();
  const gallery = page.getByTestId('gallery');
  await expect(gallery).toBeVisible();
  const all = await page.locator('.gallery-card').count();
  expect(all).toBeGreaterThanOrEqual(22);
  // The search narrows the gallery to the lessons that speak of it (the hairpin lesson, and the
  // masquerade lesson whose last step is a hairpin).
  await page.getByTestId('gallery-search').fill('hairpin');
  await expect(page.getByTestId('gallery-card-hairpin')).toBeVisible();
  await expect(page.getByTestId('gallery-card-why-masquerade')).toBeVisible();
  await expect(page.locator('.gallery-card')).toHaveCount(2);
  await page.getByTestId('gallery-search').fill('');
  await page.getByTestId('gallery-tag-ipvs').click();
  const tagged = await page.locator('.gallery-card').count();
  expect(tagged).toBeGreaterThan(0);
  expect(tagged).toBeLessThan(all);
  await page.getByTestId('gallery-lang').selectOption('zh');
  await expect(page.locator('.gallery-card a').first()).toHaveAttribute('lang', 'zh-CN');
  await page.getByTestId('gallery-tag-ipvs').click();
  await page.getByTestId('gallery-search').fill('hairpin');
  await page.getByTestId('gallery-card-hairpin').click();
  await expect(gallery).toBeHidden();
  await expect(page.getByTestId('lesson')).toBeVisible();
  expect(page.url()).toContain('#lesson=hairpin');
  expect(problems).toEqual([]);
});

test('lesson player: step text in the UI language, run, predict then reveal, jump to the hop', async ({ page }) => {
  const problems = await watch(page);
  await ready(page, '/#/lesson/hairpin');
  const lesson = page.getByTestId('lesson');
  await expect(lesson).toBeVisible();
  const enText = await page.getByTestId('lesson-text').innerText();
  await page.getByTestId('predict-choice-0').click();
  await page.getByTestId('predict-reveal').click();
  await expect(page.getByTestId('predict-answer')).toBeVisible();
  await page.getByTestId('lesson-run').click();
  await expect.poll(() => traceJson(page)).not.toBe('null');
  await page.getByTestId('lesson-hop').click();
  await expect.poll(() => page.evaluate(() => (window as unknown as Api).__netlab.store.getState().playback.hop)).toBe(3);
  await page.getByTestId('lang-select').selectOption('zh');
  await expect(page.getByTestId('lesson-text')).not.toHaveText(enText);
  await expect(page.getByTestId('lesson-text')).toHaveAttribute('lang', 'zh-CN');
  await page.getByTestId('lang-select').selectOption('en');
  expect(problems).toEqual([]);
});

test('a share link reproduces the exact trace in a fresh page', async ({ page, browser }) => {
  const problems = await watch(page);
  await ready(page, '/#lesson=hairpin');
  // The first step asks for a prediction before its request runs.
  await page.getByTestId('predict-choice-1').click();
  await page.getByTestId('predict-reveal').click();
  await page.getByTestId('lesson-run').click();
  await expect.poll(() => traceJson(page)).not.toBe('null');
  const original = await traceJson(page);
  await page.getByTestId('lesson-next').click();
  await page.getByTestId('open-share').click();
  await expect(page.getByTestId('share-dialog')).toBeVisible();
  const link = await page.getByTestId('share-link').inputValue();
  expect(link).toContain('#s=2.');
  expect(link.split('#')[1]!.length).toBeLessThanOrEqual(2000);

  const other = await browser.newPage();
  const otherProblems = await watch(other);
  await other.goto(link);
  await expect(other.getByTestId('lesson')).toBeVisible();
  await expect.poll(() => traceJson(other)).toBe(original);
  await expect(other.getByTestId('lesson')).toContainText('Step 2');
  expect(await title(other)).toBe(await title(page));
  await other.close();
  expect([...problems, ...otherProblems]).toEqual([]);
});

test('a lesson address keeps its step: opened again, the lesson is where it was', async ({ page }) => {
  const problems = await watch(page);
  await ready(page, '/#lesson=hairpin&lesson-step=2');
  await expect(page.getByTestId('lesson')).toContainText('Step 2');
  await page.getByTestId('lesson-next').click();
  await expect(page.getByTestId('lesson')).toContainText('Step 3');
  expect(page.url()).toContain('lesson-step=3');
  await page.reload();
  await expect(page.getByTestId('lesson')).toContainText('Step 3');
  expect(problems).toEqual([]);
});

test("a Deployment's pod deleted and another marked not ready: the link carries the edits and reproduces the trace", async ({ page, browser }) => {
  const problems = await watch(page);
  await ready(page);
  const pods = () =>
    page.evaluate(() =>
      ((window as unknown as { __netlab: { store: { getState(): { lab: { cluster: { pods: { metadata: { name: string; namespace?: string; ownerReferences?: { kind: string }[] } }[] } } | null } } } }).__netlab.store.getState().lab?.cluster.pods ?? [])
        .filter((p) => p.metadata.namespace === 'default' && p.metadata.ownerReferences?.[0]?.kind === 'ReplicaSet')
        .map((p) => p.metadata.name),
    );
  const [victim, sick] = await pods();
  await page.getByTestId('open-edit').click();
  await page.getByTestId('edit-pod-name').selectOption(`default/${victim}`);
  await page.getByTestId('edit-pod-delete').click();
  await expect(page.getByTestId('edit-outcome')).toContainText('Created pod');
  expect(await pods()).not.toContain(victim);
  await page.getByTestId('edit-pod-name').selectOption(`default/${sick}`);
  await page.getByTestId('edit-pod-unready').click();
  await expect(page.getByTestId('edit-outcome')).toContainText('partial sync: 1 of');
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('edit-dialog')).toHaveCount(0);
  // The timeline opens each edit with the command it stands for, its events under it.
  await page.getByTestId('tab-events').click();
  await expect(page.getByTestId('event-edit-1')).toContainText(`kubectl delete pod/${victim}`);
  await expect(page.getByTestId('event-edit-2')).toContainText(`kubectl annotate pod/${sick} netlab.io/ready=false`);
  await expect(page.getByTestId('event-edit-2')).toBeInViewport();
  await page.getByTestId('tab-request').click();
  await page.getByTestId('composer-send').click();
  await expect.poll(() => traceJson(page)).not.toBe('null');
  const original = await traceJson(page);
  expect(original).not.toContain(`${sick}"`);
  await page.getByTestId('open-share').click();
  await expect(page.getByTestId('share-edits')).toContainText('2 change(s)');
  const link = await page.getByTestId('share-link').inputValue();
  const other = await browser.newPage();
  const otherProblems = await watch(other);
  await other.goto(link);
  await expect.poll(() => traceJson(other)).toBe(original);
  await other.close();
  expect([...problems, ...otherProblems]).toEqual([]);
});

test('links made in Node open with the same trace the page computes', async ({ page }) => {
  const text = readFileSync('scenarios/session-affinity-clientip.json', 'utf8');
  const r = loadScenarioText('x.json', text);
  if (!r.ok) throw new Error('load');
  const req = r.scenario.requests[0]!;
  await ready(page, `/#${encodeShare({ scenario: r.scenario, request: req.id })}`);
  await expect.poll(() => traceJson(page)).not.toBe('null');
  const fromLink = await traceJson(page);
  expect(fromLink).toContain('"outcome":"response"');
  // The same request sent again from the page's own composer, after a reload of the same link, traces the same.
  await page.reload();
  await expect.poll(() => traceJson(page)).toBe(fromLink);
});

test('console: kubectl, curl with a prompt, a change with its events, undo', async ({ page }) => {
  const problems = await watch(page);
  await ready(page);
  await page.getByTestId('open-console').click();
  const input = page.getByTestId('console-input');
  await expect(input).toBeVisible();
  await expect(page.getByTestId('console-prompt')).toHaveText(/^root@web-[\w-]+:\/#$/);
  await input.fill('kubectl get po');
  await input.press('Tab');
  await expect(input).toHaveValue('kubectl get pods ');
  await input.press('Enter');
  await expect(page.getByTestId('console-out')).toContainText('READY');
  await input.fill('curl http://web.default.svc.cluster.local/');
  await input.press('Enter');
  await expect(page.getByTestId('console-out')).toContainText('answered by pod default/web-');
  await input.fill('kubectl scale deployment web --replicas=4');
  await input.press('Enter');
  await expect(page.getByTestId('console-out')).toContainText('deployment.apps/web scaled');
  await expect(page.getByTestId('console-out')).toContainText('ScalingReplicaSet');
  expect(await replicas(page)).toBe(4);
  await input.fill('kubectl get svc nope');
  await input.press('Enter');
  await expect(page.getByTestId('console-out')).toContainText('Error from server (NotFound): services "nope" not found');
  await input.press('ArrowUp');
  await expect(input).toHaveValue('kubectl get svc nope');
  await input.fill('');
  await page.getByRole('button', { name: 'Undo' }).click();
  expect(await replicas(page)).not.toBe(4);
  await page.getByRole('button', { name: 'Redo' }).click();
  expect(await replicas(page)).toBe(4);
  expect(problems).toEqual([]);
});

test('a lesson opened over an edited lab: Undo brings the edited lab back, and the address no longer names the lesson', async ({ page }) => {
  const problems = await watch(page);
  await ready(page);
  await page.getByTestId('open-console').click();
  const input = page.getByTestId('console-input');
  await input.fill('kubectl scale deployment web --replicas=4');
  await input.press('Enter');
  await expect(page.getByTestId('console-out')).toContainText('deployment.apps/web scaled');
  await page.evaluate(() => (location.hash = '#lesson=hairpin'));
  await expect(page.getByTestId('lesson-progress')).toHaveText('Step 1 of 3');
  await page.getByRole('button', { name: /^Undo: back to “.+”, the lab open before this one$/ }).click();
  await expect(page.getByTestId('lesson')).toHaveCount(0);
  expect(await replicas(page)).toBe(4);
  expect(await page.evaluate(() => location.hash)).not.toContain('lesson');
  // Undo goes on through that lab's own edits; Redo walks forward again, to the lesson.
  await page.getByRole('button', { name: 'Undo', exact: true }).click();
  expect(await replicas(page)).not.toBe(4);
  await page.getByRole('button', { name: 'Redo', exact: true }).click();
  expect(await replicas(page)).toBe(4);
  await page.getByRole('button', { name: /^Redo: open “.+” again$/ }).click();
  await expect(page.getByTestId('lesson-progress')).toHaveText('Step 1 of 3');
  expect(problems).toEqual([]);
});

test('edit forms: scale; a refused change says so in the apiserver\'s words and changes nothing', async ({ page }) => {
  const problems = await watch(page);
  await ready(page);
  await page.getByTestId('open-edit').click();
  await page.getByTestId('edit-scale-replicas').fill('5');
  await page.getByTestId('edit-scale').getByRole('button', { name: 'Apply' }).click();
  await expect(page.getByTestId('edit-outcome')).toContainText('ScalingReplicaSet');
  expect(await replicas(page)).toBe(5);
  await page.getByTestId('edit-add-pod-name').fill('Bad_Name');
  const before = await page.evaluate(() => (window as unknown as Api).__netlab.store.getState().scenario.past.length);
  await page.getByTestId('edit-add-pod').getByRole('button', { name: 'Apply' }).click();
  await expect(page.getByTestId('edit-outcome')).toContainText('Error from server (Invalid)');
  expect(await page.evaluate(() => (window as unknown as Api).__netlab.store.getState().scenario.past.length)).toBe(before);
  expect(problems).toEqual([]);
});

test('autosave: an edited lab is offered back after a reload; closing warns first', async ({ page }) => {
  await ready(page);
  await page.getByTestId('open-console').click();
  await page.getByTestId('console-input').fill('kubectl scale deployment web --replicas=5');
  await page.getByTestId('console-input').press('Enter');
  await expect.poll(() => page.evaluate(() => localStorage.getItem('netlab.autosave.v1') !== null)).toBe(true);
  let warned = false;
  page.on('dialog', (d) => {
    warned = d.type() === 'beforeunload';
    void d.accept();
  });
  await page.reload();
  await expect.poll(() => warned).toBe(true);
  await expect(page.getByTestId('restore')).toBeVisible();
  expect(await replicas(page)).not.toBe(5);
  await page.getByTestId('restore-yes').click();
  await expect.poll(() => replicas(page)).toBe(5);
});

const HOSTILE_LINKS = [
  '#s=1.',
  '#s=9.AAAA',
  '#s=1.@@@@',
  '#s=1.' + 'A'.repeat(70_000),
  '#s=1.' + Buffer.from('not deflate at all').toString('base64url'),
  '#s=1.' + Buffer.from(deflateRawSync(Buffer.alloc(40 * 1024 * 1024, 32))).toString('base64url'),
  '#s=1.' + Buffer.from(deflateRawSync(JSON.stringify({ scenario: { version: 99, objects: [] } }))).toString('base64url'),
  '#lesson=does-not-exist',
];

// Each link is a full page load: on a loaded 2-core machine twenty of them take longer than one
// test's default time, so the hostile links and the fuzzed ones are two tests, each marked slow.
test('hostile links say why and change nothing', async ({ page }) => {
  test.slow();
  const problems = await watch(page);
  for (const link of HOSTILE_LINKS) {
    await page.goto('about:blank');
    await page.goto(`/${link}`);
    await expect(page.getByTestId('app')).toBeVisible();
    if (link.startsWith('#s=') || link.startsWith('#lesson')) await expect(page.getByTestId('notice')).toBeVisible();
    await expect.poll(() => title(page)).not.toBeNull();
  }
  expect(problems).toEqual([]);
});

test('fuzzed links never crash the page', async ({ page }) => {
  test.slow();
  const problems = await watch(page);
  const def = loadScenarioText('d.json', readFileSync('scenarios/default.json', 'utf8'));
  if (!def.ok) throw new Error('default scenario');
  const good = encodeShare({ scenario: def.scenario });
  let seed = 7;
  const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
  for (let i = 0; i < 12; i++) {
    const at = rnd(good.length);
    const chars = 'AZaz09-_.=%<>"\'';
    const mutated = good.slice(0, at) + chars[rnd(chars.length)]! + good.slice(at + rnd(4));
    await page.goto('about:blank');
    await page.goto(`/#${mutated}`);
    await expect(page.getByTestId('app')).toBeVisible();
    await expect.poll(() => title(page)).not.toBeNull();
  }
  expect(problems).toEqual([]);
});

test('hostile files and pastes are reported and change nothing', async ({ page }) => {
  test.slow();
  const errors = await watch(page);
  const lab = await ready(page);
  const t0 = await title(page);
  const bad = ['{', 'a: [', '- - - -', `objects:\n${'  '.repeat(300)}x: 1`, 'x: &a [*a]', '\u0000\u0001\u0002', JSON.stringify({ format: 'netlab.scenario', version: 1, objects: [{ kind: 'Service' }] })];
  for (const text of bad) {
    await lab.dropFiles([{ name: 'bad.yaml', text }]);
    await expect(page.getByTestId('app')).toBeVisible();
    expect(await title(page)).toBe(t0);
  }
  await page.getByTestId('open-paste').click();
  await page.getByTestId('paste-text').fill('kind: Service\nmetadata: {name: x}\nspec: {ports: [{port: "nope"}]}');
  await page.getByTestId('paste-open').click();
  expect(await title(page)).toBe(t0);
  // Fuzzed (some mutations still load; none may crash the page): a real lesson file with bytes cut, repeated and replaced, as JSON and as YAML.
  const base = readFileSync('scenarios/ingress-nodeport-hosts.json', 'utf8');
  let seed = 11;
  const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
  for (let i = 0; i < 10; i++) {
    const at = rnd(base.length);
    const junk = ['{', '}', '[', ']', '"', ':', '&a', '*a', '<<', '\n  - ', '\u0000', '9'.repeat(40)][rnd(12)]!;
    const text = base.slice(0, at) + junk.repeat(1 + rnd(50)) + base.slice(at + rnd(30));
    await lab.dropFiles([{ name: i % 2 ? 'fuzz.yaml' : 'fuzz.json', text }]);
    await expect(page.getByTestId('app')).toBeVisible();
  }
  expect(errors).toEqual([]);
});

const XSS = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>';

test('script payloads in names, labels, lesson text and URLs never run (CSP, no violations from our code)', async ({ page }) => {
  const problems = await watch(page);
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => ((window as unknown as { __csp: string[] }).__csp ??= []).push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  const doc = {
    format: 'netlab.scenario',
    version: 1,
    meta: { title: XSS, description: XSS, tags: [XSS] },
    objects: [
      { apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-1', labels: { note: XSS.slice(0, 60) } } },
      { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', labels: { app: 'web' }, annotations: { x: XSS } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } },
    ],
    clients: [{ name: 'laptop', address: '192.168.49.100' }],
    requests: [{ id: 'r', title: XSS, from: 'external:laptop', url: `javascript:alert(1)//${XSS}` }],
    lesson: [{ text: { en: XSS, zh: XSS }, request: 'r', predict: { question: { en: XSS }, choices: [{ en: XSS }, { en: 'b' }], answer: 0, explanation: { en: XSS } } }],
  };
  const r = loadScenarioText('xss.json', JSON.stringify(doc));
  if (!r.ok) throw new Error(r.problems.map((p) => p.message).join('; '));
  await ready(page, `/#${encodeShare({ scenario: r.scenario, request: 'r' })}`);
  await expect(page.getByTestId('lesson-text')).toContainText('<img src=x');
  await page.getByTestId('predict-choice-0').click();
  // Escape only once the gallery is open (it loads lazily), and the next click only once it closed.
  await page.getByTestId('open-gallery').click();
  await expect(page.getByTestId('gallery')).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('gallery')).toHaveCount(0);
  await page.getByTestId('open-console').click();
  await page.getByTestId('console-input').fill(`curl "http://x/${XSS}"`);
  await page.getByTestId('console-input').press('Enter');
  await page.getByTestId('open-share').click();
  await expect(page.getByTestId('share-link')).not.toHaveValue('');
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('share-dialog')).toHaveCount(0);
  const lab = new LabPage(page);
  await lab.dropFiles([{ name: `${XSS}.json`, text: JSON.stringify(doc) }]);
  expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
  expect(await page.evaluate(() => (window as unknown as { __csp?: string[] }).__csp ?? [])).toEqual([]);
  expect(await page.locator('script:not([src])').count()).toBe(0);
  expect(problems).toEqual([]);
});

test('the preview server sends a Content-Security-Policy that forbids inline scripts', async ({ request }) => {
  const res = await request.get('/');
  const csp = res.headers()['content-security-policy'] ?? '';
  expect(csp).toContain("script-src 'self'");
  expect(csp).not.toContain('unsafe-inline\'; script');
});
