// A --from or --connect the lab does not have is an input error (exit 1) that names what the lab has,
// found by the composer's request check before any request is sent; not curl's "connection refused".
import { describe, expect, it } from 'vitest';
import { readerOf, runCli } from './testing';

const cli = (argv: string[]) => runCli(argv, readerOf({}, { defaultScenario: true }));
const trace = (...flags: string[]) => cli(['trace', '--url', 'http://web/', ...flags]);

describe('trace from (or connecting to) something the lab does not have', () => {
  it.each([
    [['--from', 'external:nobody'], 'error: no external client "nobody" in this lab (clients: internet, laptop)'],
    [['--from', 'pod:default/nope'], 'Error from server (NotFound): pods "nope" not found (pods: default/web-'],
    [['--from', 'node:nope'], 'Error from server (NotFound): nodes "nope" not found (nodes: node-1, node-2, node-3)'],
    [
      ['--from', 'node:node-1', '--connect', 'node:nope'],
      'Error from server (NotFound): nodes "nope" not found (nodes: node-1, node-2, node-3)',
    ],
    [['--from', 'node:node-1', '--connect', 'ingress:nope'], 'error: no ingress controller serves class "nope"'],
  ])('%j exits 1 and names what there is', (flags, message) => {
    const r = trace(...flags);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr.startsWith(message)).toBe(true);
    const json = trace(...flags, '--json');
    expect(json.code).toBe(1);
    const doc = JSON.parse(json.stdout) as { ok: boolean; errors: { message: string }[] };
    expect(doc.ok).toBe(false);
    expect(doc.errors[0]!.message.startsWith(message)).toBe(true);
  });

  it('a pod named by its workload is still a sender', () => {
    expect(trace('--from', 'pod:default/web').code).toBe(0);
  });

  it('dig from a pod or node the lab does not have says the same', () => {
    const pod = cli(['dig', '--from', 'pod:default/nope', 'web']);
    expect(pod.code).toBe(1);
    expect(pod.stderr).toMatch(/^Error from server \(NotFound\): pods "nope" not found \(pods: default\/web-/);
    const node = cli(['dig', '--from', 'node:nope', 'web']);
    expect(node.code).toBe(1);
    expect(node.stderr).toBe('Error from server (NotFound): nodes "nope" not found (nodes: node-1, node-2, node-3)\n');
  });
});
