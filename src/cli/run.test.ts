import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadScenarioText, type Scenario } from '../scenario';
import type { Command } from './command';
import { COMMANDS } from './commands';
import type { CliIo } from './io';
import { emptyGlobals, parseGlobalOptions } from './options';
import { applyGlobalOptions } from './scenario-input';
import { memoryIo as memoryIoOver, readerOf } from './testing';
import { run as runWith } from './run';

const run = (argv: readonly string[], io: CliIo, commands: readonly Command[] = COMMANDS) =>
  runWith(argv, io, commands);

const repo = (p: string) => fileURLToPath(new URL(`../../${p}`, import.meta.url));

/** An Io over in-memory files (and the default scenario); what the command printed is collected. */
const memoryIo = (files: Record<string, string>) => memoryIoOver(readerOf(files, { defaultScenario: true }));

const DEFAULT = readFileSync(repo('scenarios/default.json'), 'utf8');
const BROKEN = 'apiVersion: v1\nkind: Service\nmetadata:\n  namespace: default\nspec:\n  ports:\n  - port: 80\n';
const WARNING_ONLY = 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n  __proto__: {x: 1}\n';

function defaultScenario(): Scenario {
  const r = loadScenarioText('default.json', DEFAULT);
  if (!r.ok) throw new Error('default scenario does not load');
  return r.scenario;
}

describe('netlab validate', () => {
  it('prints a one-line summary and exits 0 for a good scenario', () => {
    const { io, out } = memoryIo({ 'default.json': DEFAULT });
    expect(run(['validate', 'default.json'], io)).toBe(0);
    expect(out.stdout).toBe(
      'ok: 1 file, 8 objects (3 Node, 1 Deployment, 2 Service, 1 Namespace, 1 Ingress), 1 client, 4 requests; ' +
        'kube-proxy iptables; 0 warnings\n',
    );
  });

  it('prints each problem as file:line:col: path: message and exits 1 when one is an error', () => {
    const { io, out } = memoryIo({ 'default.json': DEFAULT, 'svc.yaml': BROKEN });
    expect(run(['validate', 'default.json', 'svc.yaml'], io)).toBe(1);
    expect(out.stdout).toBe(
      'svc.yaml:4:3: /metadata/name: Service is invalid, not loaded: metadata.name: Required value\n',
    );
  });

  it('prints warnings and still exits 0 when nothing is an error', () => {
    const { io, out } = memoryIo({ 'ns.yaml': WARNING_ONLY });
    expect(run(['validate', 'ns.yaml'], io)).toBe(0);
    const first = out.stdout.split('\n')[0];
    expect(first).toMatch(/^ns\.yaml:5:14: \/metadata\/__proto__: warning: key "__proto__" ignored/);
    expect(out.stdout).toContain('; 1 warning\n');
  });

  it('exits 1 and says so when a file cannot be read', () => {
    const { io, out } = memoryIo({});
    expect(run(['validate', 'missing.yaml'], io)).toBe(1);
    expect(out.stdout).toContain(
      "missing.yaml: /: cannot read the file: ENOENT: no such file or directory, open 'missing.yaml'",
    );
  });

  it('checks the global options too: the mode reaches the lab, a bad --set exits 2 naming the key', () => {
    const { io, out } = memoryIo({ 'default.json': DEFAULT });
    expect(run(['--mode', 'ipvs', 'validate', 'default.json'], io)).toBe(0);
    expect(out.stdout).toContain('kube-proxy ipvs');
    const bad = memoryIo({ 'default.json': DEFAULT });
    expect(run(['validate', 'default.json', '--set', 'kubeProxy.masqueradeBit=40'], bad.io)).toBe(2);
    expect(bad.out.stdout).toBe(
      'error: --set kubeProxy.masqueradeBit: Invalid value: 40: must be less than or equal to 31\n',
    );
  });

  it('prints the result as JSON with --json', () => {
    const { io, out } = memoryIo({ 'svc.yaml': BROKEN });
    expect(run(['--json', 'validate', 'svc.yaml'], io)).toBe(1);
    const parsed = JSON.parse(out.stdout);
    expect(parsed.ok).toBe(false);
    const where = { file: 'svc.yaml', line: 4, column: 3, path: '/metadata/name' };
    expect(parsed.problems[0]).toMatchObject({ ...where, severity: 'error' });
  });

  it('exits 2 with usage when no file is given', () => {
    const { io, out } = memoryIo({});
    expect(run(['validate'], io)).toBe(2);
    expect(out.stderr).toContain('usage: netlab validate <files...>');
  });
});

describe('the command line shell', () => {
  it.each([
    [[], 2, /no command given/],
    [['frobnicate'], 2, /unknown command "frobnicate"/],
    [['--colour', 'validate', 'x'], 2, /unknown option --colour/],
    [['--mode', 'ebpf', 'validate', 'x'], 2, /--mode: Unsupported value: "ebpf"/],
    [['--mode'], 2, /option --mode needs a value/],
    [['validate', '--frobnicate', 'x'], 2, /Unknown option '--frobnicate'/],
    [['--set', 'nokey', 'validate', 'x'], 2, /expected key=value/],
  ])('refuses %j with exit %i', (argv, code, message) => {
    const { io, out } = memoryIo({});
    expect(run(argv, io)).toBe(code);
    expect(out.stderr).toMatch(message);
  });

  it('lists every command and the global options for --help', () => {
    const { io, out } = memoryIo({});
    expect(run(['--help'], io)).toBe(0);
    for (const c of COMMANDS) expect(out.stdout).toContain(`  ${c.name}`);
    expect(out.stdout).toContain('--set <key=value>');
  });

  it("shows a command's own usage for `<command> --help` and `help <command>`", () => {
    const a = memoryIo({});
    expect(run(['validate', '--help'], a.io)).toBe(0);
    expect(a.out.stdout).toMatch(/^usage: netlab validate <files\.\.\.>/);
    const b = memoryIo({});
    expect(run(['help', 'validate'], b.io)).toBe(0);
    expect(b.out.stdout).toBe(a.out.stdout);
  });

  it('hands a command its own options, positionals and the global options from either side of its name', () => {
    let seen: unknown;
    const echo: Command = {
      name: 'echo',
      summary: 'test',
      usage: 'echo',
      options: { output: { type: 'string', short: 'o' } },
      run: (ctx) => {
        seen = { args: ctx.args, options: ctx.options, globals: ctx.globals };
        return 0;
      },
    };
    const { io } = memoryIo({});
    expect(run(['--seed', 's1', 'echo', 'a', '-o', 'wide', '--set', 'seed=x', '--json', 'b'], io, [echo])).toBe(0);
    expect(seen).toEqual({
      args: ['a', 'b'],
      options: { output: 'wide' },
      globals: { seed: 's1', set: [{ key: 'seed', value: 'x' }], json: true, help: false },
    });
  });
});

describe('global options applied to a scenario', () => {
  const apply = (argv: string[]) => {
    const parsed = parseGlobalOptions(argv);
    if (!parsed.ok) throw new Error(parsed.message);
    return applyGlobalOptions(defaultScenario(), parsed.globals);
  };

  it.each([
    [['--mode', 'nftables'], 'kubeProxy.mode', 'nftables'],
    [['--mode=ipvs'], 'kubeProxy.mode', 'ipvs'],
    [['--seed', 'lesson-3'], 'seed', 'lesson-3'],
    [['--set', 'kubeProxy.clusterCIDR=10.0.0.0/8'], 'kubeProxy.clusterCIDR', '10.0.0.0/8'],
    [['--set', 'kubeProxy.masqueradeBit=15'], 'kubeProxy.masqueradeBit', 15],
    [['--set', 'kubeProxy.masqueradeAll=true'], 'kubeProxy.masqueradeAll', true],
    [['--set', 'kubeProxy.ipvs.scheduler=wrr'], 'kubeProxy.ipvs.scheduler', 'wrr'],
    [['--set=nodePortRange.max=31000'], 'nodePortRange.max', 31000],
    [
      ['--set', 'loadBalancerPool=192.168.49.200/29,192.168.49.240'],
      'loadBalancerPool',
      ['192.168.49.200/29', '192.168.49.240'],
    ],
    [['--set', 'kubeProxy.nodePortAddresses='], 'kubeProxy.nodePortAddresses', []],
    [['--mode', 'ipvs', '--set', 'kubeProxy.mode=userspace'], 'kubeProxy.mode', 'userspace'],
  ])('%j sets %s', (argv, key, value) => {
    const r = apply(argv);
    if (!r.ok) throw new Error(r.errors.join('; '));
    const got = key.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], r.scenario.settings);
    expect(got).toEqual(value);
  });

  it('turns --set ingress=nginx into a default nginx addon', () => {
    const r = apply(['--set', 'ingress=nginx']);
    expect(r.ok && r.scenario.settings.ingress).toEqual([
      {
        className: 'nginx',
        controller: 'nginx',
        topology: 'nodeport',
        namespace: 'ingress-nginx',
        replicas: 1,
        legacyReloadOnEndpointChange: false,
        isDefaultClass: false,
      },
    ]);
  });

  it.each([
    ['kubeProxy.bogus=1', /^unknown setting "kubeProxy.bogus"; settings are: clusterName, /],
    ['kubeProxy=ipvs', /^"kubeProxy" is a group of settings; set one of: kubeProxy.mode, /],
    [
      'kubeProxy.masqueradeBit=fourteen',
      /^--set kubeProxy.masqueradeBit: Invalid value: "fourteen": must be a number$/,
    ],
    ['kubeProxy.nfacct=yes', /^--set kubeProxy.nfacct: Invalid value: "yes": must be true or false$/],
    ['podCIDR=10.0.0.0/40', /^--set podCIDR: Invalid value: "10.0.0.0\/40": must be a valid IPv4 CIDR/],
    ['ingress=haproxy', /^--set ingress: Unsupported value: "haproxy"/],
  ])('refuses --set %s with a message naming the key', (set, message) => {
    const r = apply(['--set', set]);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[0]).toMatch(message);
  });

  it('leaves the scenario it was given untouched', () => {
    const s = defaultScenario();
    const before = structuredClone(s);
    const set = [{ key: 'kubeProxy.ipvs.scheduler', value: 'sh' }];
    const r = applyGlobalOptions(s, { ...emptyGlobals(), mode: 'ipvs', set });
    expect(r.ok).toBe(true);
    expect(s).toEqual(before);
  });
});

describe('loadScenarioForCommand', () => {
  it('loads the default scenario when no file is given and applies the global options', async () => {
    const { loadScenarioForCommand } = await import('./scenario-input');
    const { io } = memoryIo({});
    const r = loadScenarioForCommand({ files: [], globals: { ...emptyGlobals(), mode: 'ipvs', seed: 's' }, io });
    expect(r.ok && r.scenario.settings.kubeProxy).toMatchObject({ mode: 'ipvs' });
    expect(r.ok && r.scenario.settings.seed).toBe('s');
  });

  it('goes on without a bad object, printing the problem, as kubectl apply does', async () => {
    const { loadScenarioForCommand } = await import('./scenario-input');
    const { io, out } = memoryIo({ 'default.json': DEFAULT, 'svc.yaml': BROKEN });
    const r = loadScenarioForCommand({ files: ['default.json', 'svc.yaml'], globals: emptyGlobals(), io });
    expect(r.ok && r.scenario.objects).toHaveLength(8);
    expect(out.stderr).toContain('svc.yaml:4:3: /metadata/name:');
  });

  it('stops with exit 1 when a named file cannot be read, and 2 for a bad --set', async () => {
    const { loadScenarioForCommand } = await import('./scenario-input');
    const missing = loadScenarioForCommand({ files: ['nope.yaml'], globals: emptyGlobals(), io: memoryIo({}).io });
    expect(missing).toEqual({ ok: false, exitCode: 1 });
    const bad = { ...emptyGlobals(), set: [{ key: 'seed', value: '' }, { key: 'x', value: '1' }] };
    const badSet = loadScenarioForCommand({ files: [], globals: bad, io: memoryIo({}).io });
    expect(badSet).toEqual({ ok: false, exitCode: 2 });
  });
});

describe('the lazy catalog main.ts loads from', () => {
  it('lists every command, in order, with its summary, and loads that command', async () => {
    const { CATALOG } = await import('./catalog');
    expect(CATALOG.map((c) => [c.name, c.summary])).toEqual(COMMANDS.map((c) => [c.name, c.summary]));
    for (const entry of CATALOG) expect((await entry.load()).name).toBe(entry.name);
  });
});
