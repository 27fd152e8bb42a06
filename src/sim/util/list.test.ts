import { describe, expect, it } from 'vitest';
import { joinList, LIST_GOES_ON } from './list';

describe('joinList', () => {
  it('writes a list as each language does, and says when it goes on', () => {
    expect(joinList('en', ['node-1', 'node-2', 'node-3'])).toBe('node-1, node-2, node-3');
    expect(joinList('zh', ['node-1', 'node-2', 'node-3'])).toBe('node-1、node-2、node-3');
    expect(joinList('en', ['a', 'b', LIST_GOES_ON])).toBe('a, b, …');
    expect(joinList('zh', ['a', 'b', LIST_GOES_ON])).toBe('a、b 等');
    expect(joinList('zh', ['a'])).toBe('a');
    expect(joinList('en', [])).toBe('');
  });
});
