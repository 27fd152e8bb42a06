import { beforeAll, describe, expect, it } from 'vitest';
import type { EvalStep } from '../../sim';
import { loadCatalog, translate, type MessageKey, type Params } from '../i18n';
import { renderNote, walkMarks, walkSummary } from './walk-marks';

// The Chinese messages are downloaded by a page that speaks Chinese (../i18n/catalogs.ts).
beforeAll(() => loadCatalog('zh'));

const step = (lineIndex: number, s: Partial<EvalStep>, artifact = 'ipt'): EvalStep => ({
  outcome: 'matched',
  table: 'nat',
  chain: 'C',
  effect: { kind: 'no-match' },
  ref: { artifact, ref: `r${lineIndex}`, line: '', lineIndex },
  where: '',
  action: '',
  ...s,
});

const en = (k: MessageKey, p?: Params) => translate('en', k, p);
const zh = (k: MessageKey, p?: Params) => translate('zh', k, p);

describe('walk marks', () => {
  const steps: EvalStep[] = [
    step(3, { effect: { kind: 'jump', chain: 'KUBE-SERVICES' } }),
    step(7, { outcome: 'skipped' }),
    step(9, { outcome: 'skipped', detail: { kind: 'statistic', probability: 0.3333333333, draw: 0.71 } }),
    step(10, { effect: { kind: 'jump', chain: 'KUBE-SEP-X' }, detail: { kind: 'statistic', probability: 0.5, draw: 0.2 } }),
    step(0, { table: 'ipvs', effect: { kind: 'ipvs-forward', method: 'masq', to: '10.0.0.1:80' } }, 'ipvsadm'),
    step(12, { effect: { kind: 'dnat', to: '10.244.0.4:80' } }),
    step(3, { effect: { kind: 'jump', chain: 'KUBE-SERVICES' } }),
  ];

  it('numbers every line of one artifact in evaluation order, with how it went', () => {
    const m = walkMarks(steps, 'ipt');
    expect([...m.keys()].sort((a, b) => a - b)).toEqual([3, 7, 9, 10, 12]);
    expect(m.get(3)).toMatchObject({ orders: [1, 7], kind: 'jump' });
    expect(m.get(7)).toMatchObject({ orders: [2], kind: 'miss', notes: [] });
    expect(m.get(12)).toMatchObject({ orders: [6], kind: 'match' });
    expect(walkSummary(steps, 'ipt')).toEqual({ here: 6, matched: 4, elsewhere: 1 });
  });

  it('says what each statistic draw gave, in English and Chinese', () => {
    const m = walkMarks(steps, 'ipt');
    expect(renderNote(en, m.get(9)!.notes[0]!)).toBe('statistic 0.333 → drew 0.710, no');
    expect(renderNote(en, m.get(10)!.notes[0]!)).toBe('statistic 0.500 → drew 0.200, yes');
    expect(renderNote(zh, m.get(9)!.notes[0]!)).toBe('statistic 概率 0.333 → 抽到 0.710，未命中');
  });

  it("translates nginx's match kinds and the balancer's method inside a note", () => {
    const m = walkMarks(
      [
        step(1, { table: 'nginx', effect: { kind: 'server', name: 'a.com', match: 'exact' } }, 'conf'),
        step(2, { table: 'nginx', outcome: 'skipped', effect: { kind: 'location-considered', args: '/api', matched: false } }, 'conf'),
        step(3, { table: 'nginx', effect: { kind: 'location', args: '/', match: 'prefix' } }, 'conf'),
        step(4, { table: 'nginx', effect: { kind: 'upstream', upstream: 'u', peer: '10.0.0.1:80', how: 'round_robin' } }, 'conf'),
      ],
      'conf',
    );
    expect(renderNote(en, m.get(1)!.notes[0]!)).toBe('server chosen: a.com (exact name)');
    expect(renderNote(zh, m.get(1)!.notes[0]!)).toBe('选中的 server：a.com（精确名称）');
    expect(renderNote(en, m.get(2)!.notes[0]!)).toBe('location /api: does not match');
    expect(renderNote(zh, m.get(3)!.notes[0]!)).toBe('选中的 location：/（前缀匹配）');
    expect(renderNote(zh, m.get(4)!.notes[0]!)).toBe('上游 u：轮询 → 10.0.0.1:80');
  });
});
