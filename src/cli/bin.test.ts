// The built `netlab` binary (bin/netlab.mjs over the build/cli bundle that `npm ci` builds): the
// commands README shows work through it as they do in-process.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const netlab = (args: string[], input?: string) =>
  spawnSync(process.execPath, ['bin/netlab.mjs', ...args], { encoding: 'utf8', input, timeout: 60_000 });

describe('the netlab binary', () => {
  it('is built (npm ci runs the prepare script; npm run build:cli rebuilds it)', () => {
    expect(existsSync('build/cli/main.js'), 'build/cli/main.js is missing: run npm run build:cli').toBe(true);
  });

  it('prints its help, runs a command on the default scenario, reads standard input and exits like curl', () => {
    const help = netlab(['--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/^usage: netlab/);
    for (const name of ['validate', 'get', 'trace', 'rules', 'dig', 'export']) {
      expect(help.stdout).toContain(`  ${name} `);
    }
    const svc = netlab(['get', 'svc', 'kubernetes', '-o', 'json']);
    expect(JSON.parse(svc.stdout)).toMatchObject({ kind: 'Service', spec: { clusterIP: '10.96.0.1' } });
    const stdin = netlab(['validate', '-'], 'kind: Service\nspec: [oops\n');
    expect(stdin.status).toBe(1);
    expect(stdin.stdout).toMatch(/^STDIN:2:7: /);
    const nx = netlab(['trace', '--from', 'node:node-1', '--url', 'http://no-such-name.invalid/']);
    expect(nx.status).toBe(6);
    // Four node processes in a row: on a busy 2-core machine that can take far longer than
    // vitest's 5 s default (each spawn has its own 60 s bound above).
  }, 240_000);

  it('ends quietly when its reader closes the pipe early (`netlab ... | head`)', () => {
    // `true` reads nothing and exits before node has started: every write meets a closed pipe.
    const line = 'set -o pipefail; node bin/netlab.mjs validate scenarios/snapshots/k3s.yaml | true';
    const r = spawnSync('bash', ['-c', line], { encoding: 'utf8', timeout: 60_000 });
    expect(r.stderr).not.toMatch(/EPIPE|Unhandled/);
    expect(r.status).toBe(0);
  }, 120_000);
});
