// The pods behind a "no ready endpoints" fault: which pods the Service's selector matches and why
// none is a ready endpoint, as each pod's status says (the scheduler's Unschedulable message, the
// kubelet's Ready=False), or that the selector matches no pod. A pod's name selects it on the
// canvas; its EndpointSlice line, when a slice lists it, opens the artifact there.

import type { Fault } from '../../sim';
import { selectLang } from '../../state';
import { labStore, useLab } from '../app-store';
import { useT } from '../i18n';
import { faultPodLines } from './fault-text';

export function FaultPods({ fault, testId, compact = false }: { fault: Fault; testId: string; compact?: boolean }) {
  const t = useT();
  const lang = useLab(selectLang);
  const lines = faultPodLines(lang, fault);
  if (lines.length === 0) return null;
  return (
    <div className={`fault-pods${compact ? ' small' : ''}`} data-testid={testId}>
      {!compact && fault.pods!.matched > 0 && <h4>{t('hop.faultPods', { selector: fault.pods!.selector })}</h4>}
      <ul>
        {lines.map((l, i) => (
          <li key={l.pod ?? `summary-${i}`} data-testid={`${testId}-line`}>
            {l.pod ? (
              <button
                type="button"
                className="ref-link pod-link"
                title={t('hop.faultPodSelect')}
                onClick={() => labStore.getState().select({ kind: 'pod', id: `pod:${l.pod}` })}
              >
                {l.text}
              </button>
            ) : (
              <span>{l.text}</span>
            )}
            {l.ref && !compact && (
              <button
                type="button"
                className="ref-link"
                onClick={() => labStore.getState().openArtifact(l.ref!.artifact)}
                title={t('hop.openArtifact')}
              >
                <span className="muted small">
                  {l.ref.artifact}:{l.ref.lineIndex + 1}
                </span>
              </button>
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}
