import { describe, expect, it } from 'vitest';
import { faultText } from './fault-text';

const noReady = {
  message: 'Service default/api has no ready endpoints: selector app=api matches 0 ready pods',
  note: { key: 'note.fault.noReady' as const, params: { service: 'default/api', selector: 'app=api', ready: 0 } },
};

describe('a fault in the reader\'s language', () => {
  it('renders the note in Chinese in the Chinese UI, with identifiers kept', () => {
    const zh = faultText('zh', noReady);
    expect(zh).toContain('default/api');
    expect(zh).not.toContain('has no ready endpoints');
    expect(zh).toMatch(/[\u4e00-\u9fff]/);
  });

  it('renders the same note in English, and falls back to the message when there is no note', () => {
    expect(faultText('en', noReady)).toBe('Service default/api has no ready endpoints: selector app=api matches 0 ready pods');
    expect(faultText('zh', { message: 'plain' })).toBe('plain');
  });
});
