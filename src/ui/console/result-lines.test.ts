import { beforeAll, describe, expect, it } from 'vitest';
import { loadCatalog, translate, type T } from '../i18n';
import { note } from '../../sim/notes';
import { proseText } from '../../sim/shell/shell';
import { resultLines } from './result-lines';

describe("the console's lines: a program's output verbatim, the lab's words in the reader's language", () => {
  beforeAll(() => loadCatalog('zh'));
  const en: T = (k, p) => translate('en', k, p);
  const zh: T = (k, p) => translate('zh', k, p);
  const row = 'Normal\tScalingReplicaSet\tdeployment/web\tScaled up replica set web-6b7f to 5';

  it("a change's events: kubectl's English rows, in Chinese each with its gloss under it", () => {
    const r = { out: 'deployment.apps/web scaled\n', err: '', events: [row] };
    expect(resultLines(en, 'en', r)).toEqual([
      { kind: 'out', text: 'deployment.apps/web scaled' },
      { kind: 'event', text: 'Events:\n  Normal  ScalingReplicaSet  deployment/web  Scaled up replica set web-6b7f to 5' },
    ]);
    expect(resultLines(zh, 'zh', r)[1]).toEqual({
      kind: 'event',
      text:
        '事件：\n  Normal  ScalingReplicaSet  deployment/web  Scaled up replica set web-6b7f to 5\n'
        + '    ↳ ScalingReplicaSet：Deployment 控制器调整了 ReplicaSet 的副本数。',
    });
  });

  it('kubectl get events: the table as kubectl prints it, then in Chinese what its reasons mean', () => {
    const table = 'LAST SEEN   TYPE     REASON              OBJECT           MESSAGE\n'
      + '<unknown>   Normal   ScalingReplicaSet   deployment/web   Scaled up replica set web-6b7f to 5\n';
    const r = { out: table, err: '', events: [], eventReasons: ['ScalingReplicaSet', 'NoGlossForThis'] };
    expect(resultLines(en, 'en', r)).toEqual([{ kind: 'out', text: table.trimEnd() }]);
    expect(resultLines(zh, 'zh', r)).toEqual([
      { kind: 'out', text: table.trimEnd() },
      { kind: 'info', text: '这些事件的含义：\n  ScalingReplicaSet：Deployment 控制器调整了 ReplicaSet 的副本数。' },
    ]);
  });

  it("ping's note is the lab's: in Chinese in the zh page", () => {
    const prose = [{ note: note('note.shell.ping', {}) }];
    const r = { out: '', err: `${proseText(prose)}\n`, events: [], errProse: prose };
    expect(resultLines(en, 'en', r)[0]!.text).toMatch(/^ping: the lab traces TCP/);
    const [line] = resultLines(zh, 'zh', r);
    expect(line!.kind).toBe('err');
    expect(line!.text).toMatch(/^ping：实验追踪的是 TCP/);
    expect(line!.text).not.toMatch(/the lab|nobody|Try:/);
  });
});
