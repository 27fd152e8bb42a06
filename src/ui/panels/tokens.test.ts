import { describe, expect, it } from 'vitest';
import { pieces } from './tokens';

const shown = (v: string) => pieces(v).map((p) => (p.kind === 'addr' ? `[${p.text}]` : p.text)).join('|');

describe('pieces: where a packet value may wrap', () => {
  it.each([
    // value, pieces (an address in brackets, | where a line may break)
    ['10.244.1.5', '[10.244.1.5]'],
    ['10.244.1.5:8080', '[10.244.1.5:8080]'],
    ['8080', '[8080]'],
    ['[fd00::5]:8080', '[[fd00::5]:8080]'],
    ['fd00:10:244::5', '[fd00:10:244::5]'],
    ['web.example.com', 'web|.example|.com'],
    ['/api/v1/items?x=1&y=2', '/|api/|v1/|items?|x=|[1]|&|y=|[2]'],
    ['http://10.244.1.5:8080/api', 'http://|[10.244.1.5:8080]|/|api'],
    ['x-forwarded-for=203.0.113.7, 10.244.1.3; host=web', 'x-forwarded-for=|[203.0.113.7]|, |[10.244.1.3]|; |host=web'],
    ['TCP', 'TCP'],
    ['node-2', 'node-2'],
  ])('%s -> %s', (value, expected) => {
    expect(shown(value)).toBe(expected);
    expect(pieces(value).map((p) => p.text).join('')).toBe(value);
  });
});
