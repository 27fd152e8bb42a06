import { describe, expect, it } from 'vitest';
import { labelsMatch, parseLabelSelector } from './labelselector';

const parsed = (s: string) => {
  const p = parseLabelSelector(s);
  if (!p.ok) throw new Error(p.error);
  return p.requirements;
};
const errorOf = (s: string) => {
  const p = parseLabelSelector(s);
  return p.ok ? 'parsed' : p.error;
};
const matches = (s: string, labels: Record<string, string>) => labelsMatch(parsed(s), labels);

describe('label selectors as labels.Parse reads them', () => {
  it('reads every operator, sorts requirements by key and values as a set', () => {
    expect(parsed('tier!=db, app = web,env in (b,a,b),!canary,x notin (),y,n>3,m<7,k==v')).toEqual([
      { key: 'app', op: '=', values: ['web'] },
      { key: 'canary', op: '!', values: [] },
      { key: 'env', op: 'in', values: ['a', 'b'] },
      { key: 'k', op: '==', values: ['v'] },
      { key: 'm', op: 'lt', values: ['7'] },
      { key: 'n', op: 'gt', values: ['3'] },
      { key: 'tier', op: '!=', values: ['db'] },
      { key: 'x', op: 'notin', values: [''] },
      { key: 'y', op: 'exists', values: [] },
    ]);
    // `in` and `notin` are values where a value may stand; empty entries are the empty value.
    expect(parsed('a in (in,notin,,c)')).toEqual([{ key: 'a', op: 'in', values: ['', 'c', 'in', 'notin'] }]);
    expect(parsed('a=')).toEqual([{ key: 'a', op: '=', values: [''] }]);
    expect(parsed('   ')).toEqual([]);
  });

  it('matches as Requirement.Matches does', () => {
    const l = { app: 'web', env: 'prod', n: '10' };
    expect(matches('app=web', l)).toBe(true);
    expect(matches('app=web,env=dev', l)).toBe(false);
    expect(matches('app!=db', l)).toBe(true);
    expect(matches('missing!=x', l)).toBe(true);
    expect(matches('missing notin (x)', l)).toBe(true);
    expect(matches('env in (dev,prod)', l)).toBe(true);
    expect(matches('env notin (dev,prod)', l)).toBe(false);
    expect(matches('app', l)).toBe(true);
    expect(matches('!app', l)).toBe(false);
    expect(matches('n>9,n<11', l)).toBe(true);
    expect(matches('app>1', l)).toBe(false);
    expect(matches('missing>1', l)).toBe(false);
    expect(matches('', l)).toBe(true);
  });

  it('refuses what the apiserver refuses, in its words', () => {
    expect(errorOf('app in web')).toBe("unable to parse requirement: found 'web' expected: '('");
    expect(errorOf('a,')).toBe("found '', expected: identifier after ','");
    expect(errorOf('a=b c')).toBe("found 'c', expected: ',' or 'end of string'");
    expect(errorOf('a b')).toBe("unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt");
    expect(errorOf('=a')).toBe("found '=', expected: !, identifier, or 'end of string'");
    expect(errorOf('a (b)')).toBe("unable to parse requirement: found '(', expected: in, notin, =, ==, !=, gt, lt");
    expect(errorOf('a in (b c)')).toBe("unable to parse requirement: found 'c', expected: ',' or ')'");
    expect(errorOf('a in (=)')).toBe("unable to parse requirement: found '=', expected: ',', ')' or identifier");
    expect(errorOf('a=(')).toBe("unable to parse requirement: found '(', expected: identifier");
    expect(errorOf('!=a')).toBe("found '!=', expected: !, identifier, or 'end of string'");
    expect(errorOf('! =a')).toBe("unable to parse requirement: found '=', expected: identifier");
    expect(errorOf('x>a')).toBe(
      'unable to parse requirement: values[0]: Invalid value: "a": '
        + "for 'Gt', 'Lt' operators, the value must be an integer",
    );
    expect(errorOf('run:tmp')).toMatch(
      /^unable to parse requirement: <nil>: Invalid value: "run:tmp": name part must consist of alphanumeric/,
    );
    expect(errorOf('app=a@b')).toMatch(
      /^unable to parse requirement: values\[0\]\[app\]: Invalid value: "a@b": a valid label must be an empty/,
    );
  });
});
