import { describe, expect, it } from 'vitest';
import { note, renderNote } from './notes';
import { LIST_GOES_ON } from './util/list';

describe('notes', () => {
  it('render a list parameter as a list of the reader\'s language', () => {
    const n = note('note.fault.lbNode.readyHere', { count: 4, pods: ['web-a', 'web-b', 'web-c', LIST_GOES_ON] });
    expect(renderNote('en', n)).toBe('the EndpointSlices list 4 ready endpoint(s) here: web-a, web-b, web-c, …');
    expect(renderNote('zh', n)).toBe('EndpointSlice 列出这个节点上的 4 个就绪端点：web-a、web-b、web-c 等');
  });
});
