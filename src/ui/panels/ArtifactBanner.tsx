// The band above the artifact viewer: the line that decided the current hop, whole and wrapped (a
// long iptables rule is read to its end), or, when the viewer shows another artifact the hop read
// (a no-endpoints fault's EndpointSlice), those marked lines. It describes what the viewer shows.

import type { ArtifactRef, RenderedArtifact } from '../../sim';
import { selectCurrentHop, selectTrace, type LabState } from '../../state';
import { useLab } from '../app-store';
import { useT } from '../i18n';
import { shownArtifactId, shownLines } from './shown-artifact';

const EMPTY: Record<string, RenderedArtifact> = {};
const selectArtifacts = (s: LabState) => s.lab?.artifacts ?? EMPTY;
const selectOpenArtifact = (s: LabState) => s.playback.artifact;
/** The read lines the banner quotes; the viewer marks all of them. */
const QUOTED = 3;

export function ArtifactBanner() {
  const t = useT();
  const hop = useLab(selectCurrentHop);
  const artifacts = useLab(selectArtifacts);
  const chosen = useLab(selectOpenArtifact);
  const faultRefs = useLab(selectTrace)?.fault?.refs;
  if (!hop) return null;
  const shown = shownArtifactId(artifacts, chosen, hop.refs[hop.refs.length - 1]);
  const lines = shownLines(shown, hop.refs, faultRefs);
  if (!lines) return null;
  if (lines.kind === 'read') {
    const byLine = [...lines.refs].sort((a, b) => a.lineIndex - b.lineIndex);
    const more = byLine.length - QUOTED;
    return (
      <div className="deciding-line" data-testid="read-lines">
        <span className="deciding-label">
          {t('caption.read')} ·{' '}
          <span className="mono">
            {lines.artifact}:{byLine.map((r) => r.lineIndex + 1).join(', ')}
          </span>
        </span>
        {byLine.slice(0, QUOTED).map((r) => (
          <LineText key={r.lineIndex} line={r} testId="read-line-text" />
        ))}
        {more > 0 && <span className="muted small">{t('caption.readMore', { count: more })}</span>}
      </div>
    );
  }
  const label = lines.kind === 'deciding' ? t('caption.deciding') : t('caption.decidingElsewhere');
  return (
    <div className="deciding-line" data-testid="deciding-rule" data-shown={lines.kind}>
      <span className="deciding-label">
        {label} ·{' '}
        <span className="mono">
          {lines.ref.artifact}:{lines.ref.lineIndex + 1}
        </span>
      </span>
      <LineText line={lines.ref} testId="deciding-rule-text" />
    </div>
  );
}

/** A rule line, wrapped between words only: `--to-destination` is never split at its dashes. */
function LineText({ line, testId }: { line: ArtifactRef; testId: string }) {
  return (
    <code className="deciding-text" data-testid={testId}>
      {line.line.split(/(\s+)/).map((part, i) =>
        i % 2 === 1 ? part : <span key={i} className="deciding-word">{part}</span>,
      )}
    </code>
  );
}
