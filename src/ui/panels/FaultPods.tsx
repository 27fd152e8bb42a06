// The pods behind a "no ready endpoints" fault: which pods the Service's selector matches and why
// none is a ready endpoint, as each pod's status says (the scheduler's Unschedulable message, the
// kubelet's Ready=False), or that the selector matches no pod. Pods whose status says the same
// thing are one line naming them. A load balancer's "no node passes the health check" fault lists
// the nodes first: what each one's check answered and which endpoints the EndpointSlices place
// there. A pod's or node's name selects it on the canvas; an artifact line opens the artifact.

import type { ArtifactRef, Fault } from '../../sim';
import { selectLang } from '../../state';
import { labStore, useLab } from '../app-store';
import { useT } from '../i18n';
import { faultNodeLines, faultPodLines, type FaultNodeLine, type FaultPodLine } from './fault-text';

function RefLink({ at }: { at: ArtifactRef }) {
  const t = useT();
  return (
    <button
      type="button"
      className="ref-link"
      onClick={() => labStore.getState().openArtifact(at.artifact)}
      title={t('hop.openArtifact')}
    >
      <span className="muted small">
        {at.artifact}:{at.lineIndex + 1}
      </span>
    </button>
  );
}

function PodLink({ pod, children }: { pod: string; children: string }) {
  const t = useT();
  return (
    <button
      type="button"
      className="ref-link pod-link"
      title={t('hop.faultPodSelect')}
      onClick={() => labStore.getState().select({ kind: 'pod', id: `pod:${pod}` })}
    >
      {children}
    </button>
  );
}

/** A group's shared status once, then each pod's name (selects it), then "and N more". */
function GroupLine({ line, testId }: { line: FaultPodLine; testId: string }) {
  const group = line.group!;
  return (
    <li data-testid={`${testId}-line`} data-group={group.pods.length}>
      <span>{line.text}</span>
      <span className="fault-group-pods" data-testid={`${testId}-group-pods`}>
        {group.pods.map((p) => (
          <span key={p} className="fault-group-pod">
            <PodLink pod={p}>{p}</PodLink>
          </span>
        ))}
        {group.more && <span className="muted small">{group.more}</span>}
      </span>
    </li>
  );
}

function PodLine({ line, testId, compact }: { line: FaultPodLine; testId: string; compact: boolean }) {
  if (line.group) return <GroupLine line={line} testId={testId} />;
  return (
    <li data-testid={`${testId}-line`}>
      {line.pod ? <PodLink pod={line.pod}>{line.text}</PodLink> : <span>{line.text}</span>}
      {line.ref && !compact && <RefLink at={line.ref} />}
    </li>
  );
}

function NodeLine({ line, testId, compact }: { line: FaultNodeLine; testId: string; compact: boolean }) {
  const t = useT();
  return (
    <li data-testid={`${testId}-node`}>
      <button
        type="button"
        className="ref-link pod-link"
        title={t('hop.faultNodeSelect')}
        onClick={() => labStore.getState().select({ kind: 'node', id: `node:${line.node}` })}
      >
        {line.text}
      </button>
      {line.ref && !compact && <RefLink at={line.ref} />}
    </li>
  );
}

export function FaultPods({ fault, testId, compact = false }: { fault: Fault; testId: string; compact?: boolean }) {
  const t = useT();
  const lang = useLab(selectLang);
  const lines = faultPodLines(lang, fault);
  const nodes = faultNodeLines(lang, fault);
  if (lines.length === 0 && nodes.length === 0) return null;
  const pods = fault.pods!;
  const podsTitle = nodes.length > 0 ? 'hop.faultPodsLb' : 'hop.faultPods';
  return (
    <div className={`fault-pods${compact ? ' small' : ''}`} data-testid={testId}>
      {!compact && nodes.length > 0 && <h4>{t('hop.faultNodes')}</h4>}
      {nodes.length > 0 && (
        <ul data-testid={`${testId}-nodes`}>
          {nodes.map((l) => <NodeLine key={l.node} line={l} testId={testId} compact={compact} />)}
        </ul>
      )}
      {!compact && pods.matched > 0 && <h4>{t(podsTitle, { selector: pods.selector })}</h4>}
      <ul>
        {lines.map((l, i) => (
          <PodLine key={l.pod ?? l.group?.pods[0] ?? `summary-${i}`} line={l} testId={testId} compact={compact} />
        ))}
      </ul>
    </div>
  );
}
