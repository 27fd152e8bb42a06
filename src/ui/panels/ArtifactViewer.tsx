// Rendered artifacts (iptables-save, ipvsadm, nft, nginx.conf, zone, dig), virtualised so a
// kube-proxy scale ruleset of tens of thousands of lines scrolls smoothly. The current hop's
// deciding line is highlighted and scrolled into view. Loaded lazily.

import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useMemo, useRef } from 'react';
import type { RenderedArtifact } from '../../sim';
import { selectCurrentHop, type LabState } from '../../state';
import { labStore, useLab } from '../app-store';
import { useT } from '../i18n';
import { tokenize } from './highlight';

const EMPTY: Record<string, RenderedArtifact> = {};
const selectArtifacts = (s: LabState) => s.lab?.artifacts ?? EMPTY;
const selectOpenArtifact = (s: LabState) => s.playback.artifact;
const LINE_H = 22;

export default function ArtifactViewer() {
  const t = useT();
  const artifacts = useLab(selectArtifacts);
  const hop = useLab(selectCurrentHop);
  const chosen = useLab(selectOpenArtifact);
  const ids = useMemo(() => Object.keys(artifacts).sort(), [artifacts]);
  const deciding = hop?.refs[hop.refs.length - 1];
  const id = chosen && artifacts[chosen] ? chosen : deciding && artifacts[deciding.artifact] ? deciding.artifact : ids[0];
  const art = id ? artifacts[id] : undefined;
  const highlight = useMemo(() => {
    const s = new Set<number>();
    for (const r of hop?.refs ?? []) if (r.artifact === id) s.add(r.lineIndex);
    return s;
  }, [hop, id]);
  const decidingLine = deciding && deciding.artifact === id ? deciding.lineIndex : -1;

  const scroller = useRef<HTMLDivElement>(null);
  const v = useVirtualizer({ count: art?.lines.length ?? 0, getScrollElement: () => scroller.current, estimateSize: () => LINE_H, overscan: 20 });
  useEffect(() => {
    if (decidingLine >= 0) v.scrollToIndex(decidingLine, { align: 'center' });
  }, [decidingLine, id, v]);

  if (ids.length === 0 || !art) return <p className="muted panel-hint" data-testid="artifacts-unavailable">{t('artifacts.unavailable')}</p>;
  return (
    <div className="artifact-viewer" data-testid="artifact-viewer">
      <div className="artifact-bar">
        <select value={id} onChange={(e) => labStore.getState().openArtifact(e.target.value)} aria-label={t('artifacts.choose')} data-testid="artifact-select">
          {ids.map((x) => (
            <option key={x} value={x}>
              {artifacts[x]!.title}
            </option>
          ))}
        </select>
        <span className="muted small">{t('artifacts.lines', { count: art.lines.length })}</span>
      </div>
      <div ref={scroller} className="artifact-scroll mono" tabIndex={0} aria-label={art.title} role="region">
        <div style={{ height: v.getTotalSize(), position: 'relative' }}>
          {v.getVirtualItems().map((row) => {
            const line = art.lines[row.index]!;
            const cls = row.index === decidingLine ? ' is-deciding' : highlight.has(row.index) ? ' is-ref' : '';
            return (
              <div key={row.key} className={`artifact-line${cls}`} style={{ transform: `translateY(${row.start}px)`, height: LINE_H }} data-line={row.index} data-testid={row.index === decidingLine ? 'deciding-line' : undefined}>
                <span className="ln">{row.index + 1}</span>
                <span className="code">
                  {tokenize(art.kind, line.text).map((tok, i) => (
                    <span key={i} className={`tok-${tok.cls}`}>
                      {tok.text}
                    </span>
                  ))}
                </span>
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}
