// `npm test`: every check netlab has, in order, with one closing line `N passed, N failed`.
// Type check and lint count as one check each; unit, fidelity and browser tests count per test.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';

const env = { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' };
const only = process.argv.slice(2);
let passed = 0;
let failed = 0;
let skipped = 0;
const summary = [];

function run(name, cmd, args) {
  console.log(`\n=== ${name}: ${cmd} ${args.join(' ')}`);
  const t0 = Date.now();
  const r = spawnSync(cmd, args, { stdio: 'inherit', env, shell: false });
  const secs = ((Date.now() - t0) / 1000).toFixed(1);
  return { ok: r.status === 0, secs };
}

function check(name, cmd, args) {
  if (only.length && !only.includes(name)) return;
  const r = run(name, cmd, args);
  if (r.ok) passed++;
  else failed++;
  summary.push(`${name}: ${r.ok ? 'ok' : 'FAILED'} (${r.secs}s)`);
}


function suite(name, cmd, args, jsonFile, parse) {
  if (only.length && !only.includes(name)) return;
  rmSync(jsonFile, { force: true });
  const r = run(name, cmd, args);
  const counts = existsSync(jsonFile) ? parse(jsonFile) : null;
  if (!counts) {
    failed++;
    summary.push(`${name}: FAILED to report (exit ${r.ok ? 0 : 'non-zero'}, ${r.secs}s)`);
    return;
  }
  passed += counts.passed;
  failed += counts.failed;
  skipped += counts.skipped;
  // A runner that exits non-zero with no failed test (a crashed suite, a load error) still fails the run.
  if (!r.ok && counts.failed === 0) failed++;
  summary.push(`${name}: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped (${r.secs}s)`);
}

function playwrightJson(file) {
  const j = JSON.parse(readFileSync(file, 'utf8'));
  const s = j.stats ?? {};
  return { passed: (s.expected ?? 0) + (s.flaky ?? 0), failed: s.unexpected ?? 0, skipped: s.skipped ?? 0 };
}

function unitJson(file) {
  const j = JSON.parse(readFileSync(file, 'utf8'));
  const suitesBroken = (j.testResults ?? []).filter((t) => t.status === 'failed' && (t.assertionResults ?? []).every((a) => a.status !== 'failed')).length;
  return { passed: j.numPassedTests ?? 0, failed: (j.numFailedTests ?? 0) + suitesBroken, skipped: (j.numPendingTests ?? 0) + (j.numTodoTests ?? 0) };
}

mkdirSync('test-results', { recursive: true });
check('typecheck', 'npx', ['tsc', '-b']);
check('lint', 'npx', ['eslint', '.', '--max-warnings=0']);
suite('unit', 'npx', ['vitest', 'run', '--reporter=default', '--reporter=json', '--outputFile.json=test-results/unit.json'], 'test-results/unit.json', unitJson);
suite('fidelity', 'npx', ['vitest', 'run', '--config', 'vitest.fidelity.config.ts', '--passWithNoTests', '--reporter=default', '--reporter=json', '--outputFile.json=test-results/fidelity.json'], 'test-results/fidelity.json', unitJson);
if (!only.length || only.includes('e2e')) {
  const ensure = run('browser set-up', 'node', ['scripts/ensure-browser.mjs']);
  if (!ensure.ok) {
    failed++;
    summary.push('e2e: FAILED (no browser; see the message above)');
  } else suite('e2e', 'npx', ['playwright', 'test'], 'test-results/e2e.json', playwrightJson);
}

console.log('\n=== summary');
for (const line of summary) console.log(`  ${line}`);
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed === 0 ? 0 : 1);
