// `trace --from external*` on plain manifests that declare no clients: the lab's default outside
// client, a named one, and a machine at an address (issue: plain manifests gave
// `unreachable: no external client ""`).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readerOf, runCli } from './testing';

const PLAIN = readFileSync(fileURLToPath(new URL('./testdata/plain-nodeport.yaml', import.meta.url)), 'utf8');

interface JsonResult {
  outcome: string;
  status: number | null;
  backend: { sourceIP: string } | null;
  hops: { place: { kind: string; name?: string; address?: string } }[];
  fault: { message: string } | null;
}

function traceJson(...args: string[]) {
  const argv = ['trace', 'plain.yaml', '--json', '--url', 'http://192.168.49.2:30080/', ...args];
  const out = runCli(argv, readerOf({ 'plain.yaml': PLAIN }));
  const { code } = out;
  const results = out.stdout ? (JSON.parse(out.stdout) as { results: JsonResult[] }).results : [];
  return { code, results, stderr: out.stderr };
}

describe('netlab trace --from external on plain manifests (no clients in the file)', () => {
  it('--from external sends from the default outside client and reaches the NodePort', () => {
    const { code, results } = traceJson('--from', 'external');
    expect(code).toBe(0);
    expect(results[0]!.outcome).toBe('response');
    expect(results[0]!.status).toBe(200);
    expect(results[0]!.hops[0]!.place).toMatchObject({ kind: 'client', name: 'internet', address: '203.0.113.100' });
  });

  it('--from external:internet names the same default client', () => {
    const { results } = traceJson('--from', 'external:internet');
    expect(results[0]!.hops[0]!.place).toMatchObject({ kind: 'client', name: 'internet' });
  });

  it('--from external:<ip> sends from a machine at that address, which the backend sees (or its node, after ' +
    'SNAT)', () => {
    const { code, results } = traceJson('--from', 'external:198.51.100.23');
    expect(code).toBe(0);
    const machine = { kind: 'client', name: '198.51.100.23', address: '198.51.100.23' };
    expect(results[0]!.hops[0]!.place).toMatchObject(machine);
    expect(results[0]!.outcome).toBe('response');
  });

  it('--from external:<name> of a client the lab does not have fails and names the clients there are', () => {
    const argv = ['trace', 'plain.yaml', '--json', '--url', 'http://192.168.49.2:30080/', '--from', 'external:laptop'];
    const out = runCli(argv, readerOf({ 'plain.yaml': PLAIN }));
    // An input error (exit 1), not a connection that failed: no request is sent.
    expect(out.code).toBe(1);
    const message = 'error: no external client "laptop" in this lab (clients: internet)';
    expect(JSON.parse(out.stdout)).toEqual({ ok: false, problems: [], errors: [{ message }] });
  });

  it('--from external: with nothing after the colon is a usage error', () => {
    const { code, stderr } = traceJson('--from', 'external:');
    expect(code).toBe(2);
    expect(stderr).toContain('--from must be external[:<client or ip>]');
  });
});
