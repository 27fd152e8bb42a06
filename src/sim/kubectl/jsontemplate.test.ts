import { describe, expect, it } from 'vitest';
import { columnCell, parseColumns, parseTemplate, runTemplate } from './jsontemplate';

const run = (t: string, o: unknown) => {
  const parts = parseTemplate(t);
  if (!Array.isArray(parts)) throw new Error(parts.error);
  return runTemplate(parts, o);
};

const list = {
  kind: 'List',
  items: [
    { metadata: { name: 'a', labels: { app: 'web' } }, status: { podIP: '10.0.0.1' }, spec: { ports: [{ port: 80 }] } },
    { metadata: { name: 'b' }, status: { podIP: '10.0.0.2' } },
  ],
};

describe('-o jsonpath', () => {
  it('prints text, paths (several values a space apart), strings and ranges', () => {
    expect(run('{.items[*].metadata.name}', list)).toBe('a b');
    expect(run('{range .items[*]}{.metadata.name}{"\\t"}{.status.podIP}{"\\n"}{end}', list))
      .toBe('a\t10.0.0.1\nb\t10.0.0.2\n');
    expect(run("ip={.items[0].status.podIP}{'!'}", list)).toBe('ip=10.0.0.1!');
    expect(run('{.items[0].spec.ports[0].port}', list)).toBe('80');
    expect(run('{.items[?(@.metadata.name=="b")].status.podIP}', list)).toBe('10.0.0.2');
    // A map prints as JSON; a missing key prints nothing.
    expect(run('{.items[0].metadata.labels}', list)).toBe('{"app":"web"}');
    expect(run('[{.items[1].metadata.labels}]', list)).toBe('[]');
    expect(run('{@.kind} {$.kind}', list)).toBe('List List');
  });

  it('refuses a template it cannot parse', () => {
    expect(parseTemplate('{.items[0')).toEqual({ error: 'unclosed action' });
    expect(parseTemplate('{end}')).toEqual({ error: 'not in range, nothing to end' });
    expect(parseTemplate('{range .items[*]}{.x}')).toEqual({ error: 'unclosed range' });
  });
});

describe('-o custom-columns', () => {
  it('reads HEADER:path pairs, relaxed as kubectl relaxes them; a cell with nothing is <none>', () => {
    const cols = parseColumns('NAME:.metadata.name,IP:{.status.podIP},APP:metadata.labels.app');
    expect(cols).toEqual([
      { header: 'NAME', path: '.metadata.name' },
      { header: 'IP', path: '.status.podIP' },
      { header: 'APP', path: '.metadata.labels.app' },
    ]);
    expect(columnCell(list.items[1], '.metadata.labels.app')).toBe('<none>');
    expect(columnCell(list, '.items[*].metadata.name')).toBe('a,b');
    expect(parseColumns('NAME'))
      .toEqual({ error: 'unexpected custom-columns spec: NAME, expected <header>:<json-path-expr>' });
  });
});
