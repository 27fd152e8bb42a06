import { beforeAll, describe, expect, it } from 'vitest';
import { loadCatalog, translate } from './i18n';
import { readWholeNumber } from './whole-number';

describe('a count typed into a form', () => {
  beforeAll(() => loadCatalog('zh'));

  it('reads whole numbers in range, with spaces around them', () => {
    expect(readWholeNumber('2', 0, 1000)).toEqual({ value: 2 });
    expect(readWholeNumber(' 0 ', 0, 1000)).toEqual({ value: 0 });
    expect(readWholeNumber('50', 1, 50)).toEqual({ value: 50 });
  });

  it('an emptied field is not 0: it is empty, and says so (Number("") === 0 scaled web to 0)', () => {
    expect(readWholeNumber('', 0, 1000)).toEqual({
      problem: { key: 'form.number.empty', params: { value: '', min: 0, max: 1000 } },
    });
    expect(readWholeNumber('   ', 1, 50)).toMatchObject({ problem: { key: 'form.number.empty' } });
  });

  it('a fraction or text is not a whole number; 0, -3 or 51 is out of range', () => {
    const kinds = ['1.5', 'abc', '1e3', '2x', '0', '-3', '51'].map((x) => {
      const r = readWholeNumber(x, 1, 50);
      return 'problem' in r ? r.problem.key : r.value;
    });
    expect(kinds).toEqual([
      'form.number.notWhole', 'form.number.notWhole', 'form.number.notWhole', 'form.number.notWhole',
      'form.number.range', 'form.number.range', 'form.number.range',
    ]);
  });

  it('says what is wrong and which field, in either language', () => {
    const r = readWholeNumber('1.5', 1, 50);
    if (!('problem' in r)) throw new Error('1.5 read as a count');
    const field = { en: 'Send it … time(s)', zh: '发送次数' };
    expect(translate('en', r.problem.key, { ...r.problem.params, field: field.en })).toBe(
      'Send it … time(s): "1.5" is not a whole number; write one from 1 to 50.',
    );
    expect(translate('zh', r.problem.key, { ...r.problem.params, field: field.zh })).toBe(
      '发送次数：“1.5” 不是整数，请填写 1 到 50 之间的整数。',
    );
  });
});
