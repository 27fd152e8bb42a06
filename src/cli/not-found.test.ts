// A missing object is reported in the apiserver's words, as kubectl prints them, by every command
// (and by the trace walk and the console's resolver underneath): `Error from server (NotFound):
// pods "nope" not found`, never a variant with the namespace appended.
import { describe, expect, it } from 'vitest';
import { buildLab } from '../sim/assembly/lab';
import { defaultLabSettings } from '../sim/lab';
import { digFrom } from '../sim/shell/shell';
import { newTraceSession, trace } from '../sim/trace/trace';
import { readerOf, runCli } from './testing';

const cli = (...argv: string[]) => runCli(argv, readerOf({}, { defaultScenario: true }));
const POD = 'Error from server (NotFound): pods "nope" not found';

describe('NotFound in kubectl\'s words', () => {
  it.each([
    ['get', ['get', 'pods', 'nope']],
    ['describe', ['describe', 'pod', 'nope']],
    ['trace', ['trace', '--from', 'pod:default/nope', '--url', 'http://web/']],
    ['dig', ['dig', '--from', 'pod:default/nope', 'web']],
    ['exec', ['exec', 'pod:default/nope', '--', 'cat', '/etc/resolv.conf']],
  ])('%s names a missing pod as kubectl does', (_name, argv) => {
    const r = cli(...argv);
    expect(r.code).toBe(1);
    expect(r.stderr.startsWith(POD)).toBe(true);
    expect(r.stderr).not.toContain('in namespace');
  });

  it('rules --format endpointslices names a missing Service as kubectl does', () => {
    const r = cli('rules', '--format', 'endpointslices', '--service', 'shop/web');
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('Error from server (NotFound): services "web" not found\n');
  });

  it('the trace walk and the console resolver underneath use the same words', () => {
    const lab = buildLab({ settings: defaultLabSettings(), objects: [], clients: [] });
    const walked = trace(lab, { from: { kind: 'pod', pod: 'default/nope' }, url: 'http://x/' }, newTraceSession('s'));
    expect(walked.fault?.message).toBe('pods "nope" not found');
    const dug = digFrom(lab, { kind: 'pod', pod: 'default/nope' }, { name: 'x', type: 'A', search: false });
    expect(dug).toEqual({ error: POD });
  });
});
