import { describe, expect, it } from 'vitest';
import { runFilter, splitPipeline } from './pipe';
import { proseText } from './shell';

const text = [
  '-A KUBE-SERVICES -j KUBE-SVC-AAA',
  '-A KUBE-SVC-AAA -j KUBE-SEP-1',
  '-A KUBE-SEP-1 -j DNAT',
  '',
].join('\n');
const out = (words: string[], input = text) => {
  const r = runFilter(words, input);
  if (!('out' in r)) throw new Error('err' in r ? r.err : proseText(r.errProse));
  return r.out;
};

describe('splitPipeline', () => {
  it.each([
    ['iptables-save | grep KUBE', ['iptables-save ', ' grep KUBE']],
    [`grep 'a|b' | wc -l`, [`grep 'a|b' `, ' wc -l']],
    ['a "x|y" \\| b', ['a "x|y" \\| b']],
    ['a || b', ['a || b']],
  ])('%s', (line, parts) => expect(splitPipeline(line)).toEqual(parts));
});

describe('filters', () => {
  it('grep keeps matching lines; -v, -i, -c, -n and -F as GNU grep', () => {
    expect(out(['grep', 'SEP'])).toBe('-A KUBE-SVC-AAA -j KUBE-SEP-1\n-A KUBE-SEP-1 -j DNAT\n');
    expect(out(['grep', '-v', 'SEP'])).toBe('-A KUBE-SERVICES -j KUBE-SVC-AAA\n');
    expect(out(['grep', '-ic', 'dnat'])).toBe('1\n');
    expect(out(['grep', '-n', 'DNAT'])).toBe('3:-A KUBE-SEP-1 -j DNAT\n');
    expect(out(['grep', '-F', 'SVC-AAA -j'])).toBe('-A KUBE-SVC-AAA -j KUBE-SEP-1\n');
  });

  it('grep reads basic regular expressions unless -E: "+" and "|" are literal', () => {
    expect(out(['grep', 'SVC|SEP'])).toBe('');
    expect(out(['grep', 'SVC\\|DNAT'])).toBe(text.split('\n').slice(0, 3).join('\n') + '\n');
    expect(out(['grep', '-E', 'SERVICES|DNAT'])).toBe('-A KUBE-SERVICES -j KUBE-SVC-AAA\n-A KUBE-SEP-1 -j DNAT\n');
  });

  it('head and tail count lines as coreutils do', () => {
    expect(out(['head', '-n', '1'])).toBe('-A KUBE-SERVICES -j KUBE-SVC-AAA\n');
    expect(out(['head', '-2'])).toBe(text.split('\n').slice(0, 2).join('\n') + '\n');
    expect(out(['head', '-n', '-2'])).toBe('-A KUBE-SERVICES -j KUBE-SVC-AAA\n');
    expect(out(['tail', '-n1'])).toBe('-A KUBE-SEP-1 -j DNAT\n');
    expect(out(['tail', '-n', '+3'])).toBe('-A KUBE-SEP-1 -j DNAT\n');
  });

  it('wc, sort and uniq', () => {
    expect(out(['wc', '-l'])).toBe('3\n');
    expect(out(['wc'], 'a b\nc\n')).toBe('      2       3       6\n');
    expect(out(['sort', '-r'], 'a\nc\nb\n')).toBe('c\nb\na\n');
    expect(out(['sort', '-n'], '10\n9\n100\n')).toBe('9\n10\n100\n');
    expect(out(['uniq', '-c'], 'a\na\nb\n')).toBe('      2 a\n      1 b\n');
  });

  it('says what it cannot do: bash\'s words, then which filters the console runs, in the reader\'s language', () => {
    const awk = runFilter(['awk', '{print $1}'], text);
    if (!('errProse' in awk)) throw new Error('expected the console\'s words');
    expect(proseText(awk.errProse)).toBe(
      'bash: awk: command not found (after a |, the console runs grep, head, tail, wc, sort, uniq)',
    );
    expect(proseText(awk.errProse, 'zh')).toBe(
      'bash: awk: command not found（在 | 之后，控制台只运行 grep, head, tail, wc, sort, uniq）',
    );
    expect(runFilter([], text)).toEqual({ err: "bash: syntax error near unexpected token `|'" });
    expect(runFilter(['grep'], text)).toMatchObject({ err: expect.stringContaining('Usage: grep') });
    expect(runFilter(['head', '-n', 'x'], text)).toEqual({ err: 'head: invalid number of lines: ‘x’' });
    expect(runFilter(['grep', '-E', '('], text)).toEqual({ err: 'grep: invalid regular expression: (' });
  });
});
