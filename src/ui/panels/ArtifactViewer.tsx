// Rendered artifacts (iptables-save, ipvsadm, nft, nginx.conf, zone, dig), virtualised so a
// kube-proxy scale ruleset of tens of thousands of lines scrolls smoothly. The current hop's
// deciding line is highlighted and scrolled into view. Find-in-artifact marks every match and
// steps through them; after an edit, the diff view shows what the controllers rewrote (the nginx
// "reload", kube-proxy's resync). Every line the hop's evaluator looked at is marked in place with
// its evaluation order and how it went (walk-marks.ts). Loaded lazily, with the diff library.

import { useVirtualizer, type Virtualizer } from '@tanstack/react-virtual';
import { useDeferredValue, useEffect, useMemo, useRef, useState, type KeyboardEvent, type RefObject } from 'react';
import type { ArtifactKind, Hop, RenderedArtifact } from '../../sim';
import { selectCompilerState, selectCurrentHop, selectPresenter, selectTrace, type LabState } from '../../state';
import { labStore, useLab } from '../app-store';
import { useList, useShownLang, useT, type Lang, type T } from '../i18n';
import { renderNote as renderSimNote } from '../../sim/notes';
import { artifactDiff, rowText, type ArtifactDiff, type DiffRow, type LineDiff } from './artifact-diff';
import {
  findMatches,
  firstMatchFrom,
  markTokens,
  searchIndex,
  stepMatch,
  type Mark,
  type MarkedToken,
  type SearchMatch,
  type SearchResult,
} from './artifact-search';
import { tokenize } from './highlight';
import { shownArtifactId } from './shown-artifact';
import { renderNote, walkMarks, walkSummary, type WalkMark } from './walk-marks';
import './panels.css';
import './artifact.css';

const EMPTY: Record<string, RenderedArtifact> = {};
const selectArtifacts = (s: LabState) => s.lab?.artifacts ?? EMPTY;
const selectBefore = (s: LabState) => s.lab?.before ?? null;
const selectOpenArtifact = (s: LabState) => s.playback.artifact;
/** Row heights match the CSS line-height of .artifact-line (presenter mode reads from the back of the room). */
const LINE_H = 22;
const LINE_H_PRESENTER = 28;

/** One row of the view: an artifact line, or a diff row. */
type ViewRow = { kind: 'line'; text: string; newLine: number } | DiffRow;

export default function ArtifactViewer() {
  const t = useT();
  const list = useList();
  const lang = useShownLang();
  const artifacts = useLab(selectArtifacts);
  const before = useLab(selectBefore);
  const hop = useLab(selectCurrentHop);
  const chosen = useLab(selectOpenArtifact);
  const presenter = useLab(selectPresenter);
  const compiler = useLab(selectCompilerState);
  const ids = useMemo(() => Object.keys(artifacts).sort(), [artifacts]);
  const deciding = hop?.refs[hop.refs.length - 1];
  // The banner above (ArtifactBanner) reads the same choice, so it describes what is shown here.
  const id = shownArtifactId(artifacts, chosen, deciding);
  const art = id ? artifacts[id] : undefined;
  const { highlight, decidingLine, marks, walked, gutter } = useHopMarks(hop, id);

  const { diff, shownDiff, rows, unfold, setDiffWanted } = useDiffRows(art, before);
  const search = useArtifactSearch(rows);

  // Every row as wide as the longest, so highlighted and diff rows colour the full width when scrolled sideways.
  const widest = useMemo(
    () => rows.reduce((w, r) => Math.max(w, r.kind === 'skipped' ? 0 : r.text.length), 0),
    [rows],
  );
  const lineH = presenter ? LINE_H_PRESENTER : LINE_H;
  const scroller = useRef<HTMLDivElement>(null);
  const searchBox = useRef<HTMLInputElement>(null);
  const v = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => lineH,
    overscan: 20,
  });
  useViewerScroll({ v, lineH, decidingLine, id, shownDiff, currentMatch: search.currentMatch, scroller });

  if (ids.length === 0 || !art || !diff) return <NoArtifacts loading={compiler === 'loading'} />;

  const onViewerKey = (e: KeyboardEvent) => {
    // Find inside the viewer searches the artifact (the browser's own find cannot see virtualised rows).
    if ((e.ctrlKey || e.metaKey) && !e.altKey && e.key.toLowerCase() === 'f') {
      e.preventDefault();
      searchBox.current?.focus();
      searchBox.current?.select();
    }
  };
  const topRow = () => v.getVirtualItems().find((r) => r.start >= (v.scrollOffset ?? 0))?.index ?? 0;
  const rowView: RowView = { t, list, art, rows, lineH, decidingLine, highlight, marks, gutter, search, unfold };
  const artTitle = titleOf(lang, art);
  const scrollClass = `artifact-scroll mono${shownDiff ? ' is-diff' : ''}${gutter ? ' has-walk' : ''}`;

  return (
    <div className="artifact-viewer" data-testid="artifact-viewer" onKeyDown={onViewerKey}>
      <div className="artifact-bar">
        <ArtifactPick id={id} ids={ids} artifacts={artifacts} />
        <span className="muted small">{t('artifacts.lines', { count: art.lines.length })}</span>
        <DiffToggle t={t} diff={diff} on={!!shownDiff} onToggle={() => setDiffWanted(!shownDiff)} />
        <SearchBar t={t} search={search} searchBox={searchBox} scroller={scroller} topRow={topRow} />
      </div>
      {gutter && walked && <WalkLegend t={t} {...walked} />}
      <div
        ref={scroller}
        className={scrollClass}
        tabIndex={0}
        aria-label={shownDiff ? t('artifacts.diff.aria', { title: artTitle }) : artTitle}
        role="region"
        data-testid="artifact-scroll"
      >
        <div style={{ height: v.getTotalSize(), position: 'relative', minWidth: `calc(${widest}ch + 12em)` }}>
          {v.getVirtualItems().map((vr) => (
            <ArtifactRow key={vr.key} view={rowView} index={vr.index} start={vr.start} />
          ))}
        </div>
      </div>
    </div>
  );
}

/** What the viewer marks for the current hop in the artifact shown: the lines it (or its fault) read,
 *  the deciding one, and the chain walked with its numbered steps. */
function useHopMarks(hop: Hop | null, id: string | undefined) {
  // A fault read from an artifact (the no-endpoints fault from the Service's EndpointSlices) marks its lines too.
  const faultRefs = useLab(selectTrace)?.fault?.refs;
  const deciding = hop?.refs[hop.refs.length - 1];
  const highlight = useMemo(() => {
    const s = new Set<number>();
    for (const r of hop?.refs ?? []) if (r.artifact === id) s.add(r.lineIndex);
    for (const r of faultRefs ?? []) if (r.artifact === id) s.add(r.lineIndex);
    return s;
  }, [hop, id, faultRefs]);
  const faultLine = faultRefs?.find((r) => r.artifact === id)?.lineIndex ?? -1;
  const decidingLine = deciding && deciding.artifact === id ? deciding.lineIndex : faultLine;
  // The chain walked for this hop: every evaluated line of this artifact, numbered.
  const marks = useMemo(() => (id ? walkMarks(hop?.steps, id) : new Map<number, WalkMark>()), [hop, id]);
  const walked = useMemo(() => (id ? walkSummary(hop?.steps, id) : null), [hop, id]);
  const gutter = !!walked && walked.here > 0;
  return { highlight, decidingLine, marks, walked, gutter };
}

/** An artifact's title in the page's language (a command stays as it is typed). */
function titleOf(lang: Lang, art: RenderedArtifact): string {
  return art.titleNote ? renderSimNote(lang, art.titleNote) : art.title;
}

/** The picker's groups, in the order they are listed: where each artifact lives. */
const GROUPS = ['nodes', 'controllers', 'lb', 'dns', 'slices', 'files', 'clients'] as const;
type Group = (typeof GROUPS)[number];

function groupOf(a: RenderedArtifact): Group {
  switch (a.kind) {
    case 'hosts':
    case 'resolv.conf':
      return a.id.startsWith('client/') ? 'clients' : 'files';
    case 'nginx.conf':
    case 'traefik':
      return 'controllers';
    case 'load-balancer':
      return 'lb';
    case 'dns-zone':
    case 'dig':
      return 'dns';
    case 'endpointslice':
      return 'slices';
    default:
      // kube-proxy's rules, ipsets and the node's routes and addresses.
      return 'nodes';
  }
}

/** Which artifact to show, by title, grouped by where it lives (a pod's files after the rules). */
function ArtifactPick({ id, ids, artifacts }: {
  id: string | undefined;
  ids: readonly string[];
  artifacts: Readonly<Record<string, RenderedArtifact>>;
}) {
  const t = useT();
  const lang = useShownLang();
  // One pass over the ids (two files per pod: thousands in a big lab), each group in the ids' order.
  const grouped = useMemo(() => {
    const m = new Map<Group, string[]>();
    for (const x of ids) {
      const g = groupOf(artifacts[x]!);
      const list = m.get(g);
      if (list) list.push(x);
      else m.set(g, [x]);
    }
    return m;
  }, [ids, artifacts]);
  return (
    <select
      value={id}
      onChange={(e) => labStore.getState().openArtifact(e.target.value)}
      aria-label={t('artifacts.choose')}
      data-testid="artifact-select"
    >
      {GROUPS.map((g) => {
        const inGroup = grouped.get(g);
        if (!inGroup) return null;
        return (
          <optgroup key={g} label={t(`artifacts.group.${g}`)}>
            {inGroup.map((x) => (
              <option key={x} value={x}>
                {titleOf(lang, artifacts[x]!)}
              </option>
            ))}
          </optgroup>
        );
      })}
    </select>
  );
}

/** No artifact yet: the engines are loading, or this build has none. */
function NoArtifacts({ loading }: { loading: boolean }) {
  const t = useT();
  if (loading) {
    return (
      <p className="muted panel-hint" role="status" data-testid="artifacts-loading">
        {t('artifacts.loading')}
      </p>
    );
  }
  return (
    <p className="muted panel-hint" data-testid="artifacts-unavailable">
      {t('artifacts.unavailable')}
    </p>
  );
}

/** The rows shown: the artifact's lines, or its diff against the lab before the last edit (computed
 *  once per pair, for the toggle's counts as well as the view), with folds the reader opened. */
function useDiffRows(art: RenderedArtifact | undefined, before: Record<string, RenderedArtifact> | null) {
  const texts = useMemo(() => art?.lines.map((l) => l.text) ?? [], [art]);
  const diff = useMemo(
    () => (art ? artifactDiff({ after: art, afterTexts: texts, before }) : null),
    [art, before, texts],
  );
  const [diffWanted, setDiffWanted] = useState(false);
  const [unfolded, setUnfolded] = useState<{ diff: LineDiff; at: ReadonlySet<number> } | null>(null);
  const shownDiff = diffWanted && diff?.kind === 'changed' ? diff.diff : null;
  const rows: ViewRow[] = useMemo(() => {
    if (!shownDiff) return texts.map((text, i) => ({ kind: 'line', text, newLine: i }));
    const open = unfolded?.diff === shownDiff ? unfolded.at : null;
    if (!open) return shownDiff.rows;
    const context = (r: { oldLine: number; newLine: number }, k: number): DiffRow => ({
      kind: 'context',
      text: texts[r.newLine + k]!,
      oldLine: r.oldLine + k,
      newLine: r.newLine + k,
    });
    return shownDiff.rows.flatMap((r): DiffRow[] =>
      r.kind === 'skipped' && open.has(r.newLine) ? Array.from({ length: r.count }, (_, k) => context(r, k)) : [r],
    );
  }, [shownDiff, unfolded, texts]);
  const unfold = (fold: { newLine: number }) => {
    if (!shownDiff) return;
    const at = new Set(unfolded?.diff === shownDiff ? unfolded.at : []);
    at.add(fold.newLine);
    setUnfolded({ diff: shownDiff, at });
  };
  return { diff, shownDiff, rows, unfold, setDiffWanted };
}

type ArtifactSearch = ReturnType<typeof useArtifactSearch>;

/** Search: the index is built once per row list, each query scans it once; rows look up their own
 *  matches. The query is deferred so typing stays smooth on a big ruleset. */
function useArtifactSearch(rows: readonly ViewRow[]) {
  const [query, setQuery] = useState('');
  const deferredQuery = useDeferredValue(query);
  const index = useMemo(() => searchIndex(rows.map((r) => (r.kind === 'line' ? r.text : rowText(r)))), [rows]);
  const result = useMemo(() => findMatches(index, deferredQuery), [index, deferredQuery]);
  // A new query starts at the first match from where the reader is (the top row when they typed).
  const [anchorRow, setAnchorRow] = useState(0);
  const [picked, setPicked] = useState<{ result: SearchResult; at: number } | null>(null);
  const current = picked?.result === result ? picked.at : firstMatchFrom(result.matches, anchorRow);
  const currentMatch: SearchMatch | undefined = result.matches[current];
  const step = (by: number) => setPicked({ result, at: stepMatch(current, by, result.matches.length) });
  return { query, setQuery, deferredQuery, result, current, currentMatch, step, setAnchorRow };
}

/** Keeps the right row in view: the deciding line, the diff's first change, the current match. */
function useViewerScroll(p: {
  v: Virtualizer<HTMLDivElement, Element>;
  lineH: number;
  decidingLine: number;
  id: string | undefined;
  shownDiff: LineDiff | null;
  currentMatch: SearchMatch | undefined;
  scroller: RefObject<HTMLDivElement | null>;
}) {
  const { v, lineH, decidingLine, id, shownDiff, currentMatch, scroller } = p;
  useEffect(() => {
    v.measure();
  }, [lineH, v]);
  useEffect(() => {
    if (decidingLine >= 0 && !shownDiff) v.scrollToIndex(decidingLine, { align: 'center' });
  }, [decidingLine, id, v, shownDiff]);
  // Opening the diff shows its first change, a few lines of context above it.
  useEffect(() => {
    if (!shownDiff) return;
    const first = shownDiff.rows.findIndex((r) => r.kind === 'added' || r.kind === 'removed');
    v.scrollToIndex(Math.max(0, first - 4), { align: 'start' });
  }, [shownDiff, v]);
  useEffect(() => {
    if (!currentMatch) return;
    v.scrollToIndex(currentMatch.row, { align: 'center' });
    // Rules lines are long: bring the match into view sideways too, once its row is rendered.
    let frame = requestAnimationFrame(() => {
      frame = requestAnimationFrame(() => revealCurrentMark(scroller.current));
    });
    return () => cancelAnimationFrame(frame);
  }, [currentMatch, v, scroller]);
}

function SearchBar({ t, search, searchBox, scroller, topRow }: {
  t: T;
  search: ArtifactSearch;
  searchBox: RefObject<HTMLInputElement | null>;
  scroller: RefObject<HTMLDivElement | null>;
  topRow: () => number;
}) {
  const { query, setQuery, deferredQuery, result, current, step } = search;
  const onSearchKey = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'Enter') {
      e.preventDefault();
      step(e.shiftKey ? -1 : 1);
    } else if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      if (query) setQuery('');
      else scroller.current?.focus();
    }
  };
  const count = result.matches.length;
  const countKey = result.truncated ? 'artifacts.search.countMore' : 'artifacts.search.count';
  const found = count === 0 ? t('artifacts.search.none') : t(countKey, { current: current + 1, count });
  const status = deferredQuery === '' ? '' : found;
  const empty = deferredQuery && count === 0;
  return (
    <div className="artifact-search" role="search">
      <input
        ref={searchBox}
        type="search"
        value={query}
        onChange={(e) => {
          if (query === '') search.setAnchorRow(topRow());
          setQuery(e.target.value);
        }}
        onKeyDown={onSearchKey}
        placeholder={t('artifacts.search.placeholder')}
        title={t('artifacts.search.hint')}
        aria-label={t('artifacts.search')}
        aria-describedby="artifact-search-status"
        aria-keyshortcuts="Control+F Meta+F"
        className={empty ? 'is-empty' : undefined}
        data-testid="artifact-search"
      />
      <span
        id="artifact-search-status"
        className={`search-status small${empty ? ' is-empty' : ''}`}
        role="status"
        data-testid="artifact-search-status"
      >
        {status}
      </span>
      <button
        type="button"
        className="btn btn-icon"
        onClick={() => step(-1)}
        disabled={count === 0}
        aria-label={t('artifacts.search.prev')}
        title={t('artifacts.search.prev')}
        aria-keyshortcuts="Shift+Enter"
        data-testid="artifact-search-prev"
      >
        <IconUp />
      </button>
      <button
        type="button"
        className="btn btn-icon"
        onClick={() => step(1)}
        disabled={count === 0}
        aria-label={t('artifacts.search.next')}
        title={t('artifacts.search.next')}
        aria-keyshortcuts="Enter"
        data-testid="artifact-search-next"
      >
        <IconDown />
      </button>
    </div>
  );
}

/** What every visible row needs from the viewer. */
interface RowView {
  t: T;
  list: (items: readonly string[]) => string;
  art: RenderedArtifact;
  rows: readonly ViewRow[];
  lineH: number;
  decidingLine: number;
  highlight: ReadonlySet<number>;
  marks: ReadonlyMap<number, WalkMark>;
  gutter: boolean;
  search: ArtifactSearch;
  unfold: (fold: { newLine: number }) => void;
}

/** One virtual row: a fold button, or a line with its numbers, diff sign, walk mark and search marks. */
function ArtifactRow({ view, index, start }: { view: RowView; index: number; start: number }) {
  const { t, list, rows, lineH, decidingLine, highlight, marks, gutter, search } = view;
  const row = rows[index]!;
  const newLine = row.kind === 'line' || row.kind === 'added' || row.kind === 'context' ? row.newLine : -1;
  const deciding = newLine >= 0 && newLine === decidingLine;
  const cls = deciding ? ' is-deciding' : newLine >= 0 && highlight.has(newLine) ? ' is-ref' : '';
  const style = { transform: `translateY(${start}px)`, height: lineH, lineHeight: `${lineH}px` };
  if (row.kind === 'skipped') {
    return (
      <div className="artifact-line diff-fold" style={style} data-row={index} data-testid="diff-fold">
        <button
          type="button"
          className="btn-ghost fold-button"
          onClick={() => view.unfold(row)}
          title={t('artifacts.diff.unfold')}
        >
          {t('artifacts.diff.folded', { count: row.count })}
        </button>
      </div>
    );
  }
  const kindCls = row.kind === 'added' ? ' diff-added' : row.kind === 'removed' ? ' diff-removed' : '';
  const mark = newLine >= 0 ? marks.get(newLine) : undefined;
  const walkCls = mark ? ` is-walk-${mark.kind}` : '';
  const diffId = row.kind === 'added' ? 'diff-added' : row.kind === 'removed' ? 'diff-removed' : undefined;
  const testId = deciding ? 'deciding-line' : diffId;
  return (
    <div
      className={`artifact-line${kindCls}${cls}${walkCls}`}
      style={style}
      data-row={index}
      data-line={newLine >= 0 ? newLine : undefined}
      data-testid={testId}
      data-walk={mark?.kind}
      data-walk-order={mark?.orders.join(',')}
    >
      {gutter && <WalkGutter t={t} list={list} mark={mark} />}
      {row.kind === 'line' ? (
        <span className="ln">{row.newLine + 1}</span>
      ) : (
        <>
          <span className="ln ln-old">{row.kind === 'added' ? '' : row.oldLine + 1}</span>
          <span className="ln ln-new">{row.kind === 'removed' ? '' : row.newLine + 1}</span>
          <span className="sign" aria-hidden={row.kind === 'context'}>
            {row.kind === 'added' ? '+' : row.kind === 'removed' ? '-' : ' '}
          </span>
        </>
      )}
      <Code kind={view.art.kind} text={row.text} matches={search.result} row={index} current={search.current} />
      {mark && mark.notes.length > 0 && (
        <span className="walk-note" data-testid="walk-note">
          {mark.notes.map((n) => renderNote(t, n)).join(' · ')}
        </span>
      )}
    </div>
  );
}

function Code({ kind, text, matches, row, current }: {
  kind: ArtifactKind;
  text: string;
  matches: SearchResult;
  row: number;
  current: number;
}) {
  const hits = matches.byRow.get(row);
  const ranges = [];
  if (hits) {
    for (let i = hits.first; i < hits.first + hits.count; i++) {
      ranges.push({ ...matches.matches[i]!, current: i === current });
    }
  }
  // A match may cover several coloured tokens: one <mark> around all of them.
  const groups: { range?: number; mark?: Mark; tokens: MarkedToken[] }[] = [];
  for (const tok of markTokens(tokenize(kind, text), ranges)) {
    const last = groups[groups.length - 1];
    if (tok.range !== undefined && last?.range === tok.range) last.tokens.push(tok);
    else groups.push({ range: tok.range, mark: tok.mark, tokens: [tok] });
  }
  const span = (tok: MarkedToken, key: number) => (
    <span key={key} className={`tok-${tok.cls}`}>
      {tok.text}
    </span>
  );
  return (
    <span className="code">
      {groups.map((g, i) =>
        g.mark ? (
          <mark
            key={i}
            className={`hit${g.mark === 'current' ? ' is-current' : ''}`}
            data-testid={g.mark === 'current' ? 'search-current' : undefined}
          >
            {g.tokens.map(span)}
          </mark>
        ) : (
          span(g.tokens[0]!, i)
        ),
      )}
    </span>
  );
}

const WALK_SIGN = { jump: '↳', match: '✓', miss: '✗' } as const;

/** The legend above a walked artifact: what the gutter marks mean, and how much was walked here. */
function WalkLegend({ t, here, matched, elsewhere }: { t: T; here: number; matched: number; elsewhere: number }) {
  return (
    <div className="walk-legend small" data-testid="walk-legend" role="note">
      <strong>{t('walk.legend')}</strong>
      <span data-testid="walk-summary">{t('walk.summary', { here, matched, count: here })}</span>
      <span className="walk-key">
        <span className="walk-order">1</span> {t('walk.order')}
      </span>
      {(['jump', 'match', 'miss'] as const).map((k) => (
        <span key={k} className={`walk-key is-walk-${k}`}>
          <span className="walk-sign" aria-hidden="true">
            {WALK_SIGN[k]}
          </span>{' '}
          {t(`walk.${k}`)}
        </span>
      ))}
      {elsewhere > 0 && <span className="muted">{t('walk.elsewhere', { count: elsewhere })}</span>}
    </div>
  );
}

/** A line's walk mark: its step number(s) and how it went; empty (same width) for lines not walked. */
function WalkGutter({ t, list, mark }: {
  t: T;
  list: (items: readonly string[]) => string;
  mark: WalkMark | undefined;
}) {
  if (!mark) return <span className="walk-gutter" aria-hidden="true" />;
  const shown = mark.orders.length > 2 ? `${mark.orders[0]},…` : mark.orders.join(',');
  const label = t('walk.line', { orders: list(mark.orders.map(String)), kind: t(`walk.${mark.kind}`) });
  return (
    <span className="walk-gutter" title={label} aria-label={label} data-testid="walk-mark">
      <span className="walk-order">{shown}</span>
      <span className="walk-sign" aria-hidden="true">
        {WALK_SIGN[mark.kind]}
      </span>
    </span>
  );
}

function DiffToggle({ t, diff, on, onToggle }: { t: T; diff: ArtifactDiff; on: boolean; onToggle: () => void }) {
  if (diff.kind !== 'changed') {
    const reason = t(`artifacts.diff.${diff.kind}`);
    // A disabled button gets no hover events: the wrapper carries the tooltip, the button the description.
    return (
      <span className="diff-toggle-off" title={reason}>
        <button
          type="button"
          className="btn small"
          disabled
          aria-describedby="artifact-diff-reason"
          data-testid="artifact-diff-toggle"
        >
          {t('artifacts.diff.toggle')}
        </button>
        <span id="artifact-diff-reason" className="sr-only" data-testid="artifact-diff-reason">
          {reason}
        </span>
      </span>
    );
  }
  const { added, removed } = diff.diff;
  return (
    <button
      type="button"
      className={`btn small diff-toggle${on ? ' is-on' : ''}`}
      aria-pressed={on}
      onClick={onToggle}
      aria-label={`${t('artifacts.diff.toggle')}: ${t('artifacts.diff.counts', { added, removed })}`}
      data-testid="artifact-diff-toggle"
    >
      {t('artifacts.diff.toggle')}{' '}
      <span className="diff-count" aria-hidden="true">
        <span className="diff-count-added">+{added}</span> <span className="diff-count-removed">−{removed}</span>
      </span>
    </button>
  );
}

/** Scrolls the viewer sideways (only) so the current match is visible, leaving the page alone. */
function revealCurrentMark(scroller: HTMLElement | null) {
  const mark = scroller?.querySelector('mark.is-current');
  if (!scroller || !mark) return;
  const box = scroller.getBoundingClientRect();
  const m = mark.getBoundingClientRect();
  // Line numbers scroll with the text: keep them in view when the match allows it.
  const gutter = (mark.closest('.artifact-line')?.querySelector('.code') as HTMLElement | null)?.offsetLeft ?? 0;
  const margin = 48;
  const left = m.left - box.left - gutter;
  const right = m.right - box.right;
  if (left < 0) scroller.scrollLeft += left - margin;
  else if (right > 0) scroller.scrollLeft += Math.min(right + margin, left);
}

const ARROW = {
  width: 16,
  height: 16,
  viewBox: '0 0 24 24',
  fill: 'none',
  stroke: 'currentColor',
  strokeWidth: 2.2,
  strokeLinecap: 'round',
  strokeLinejoin: 'round',
  'aria-hidden': true,
} as const;
const IconUp = () => (
  <svg {...ARROW}>
    <path d="M6 15l6-6 6 6" />
  </svg>
);
const IconDown = () => (
  <svg {...ARROW}>
    <path d="M6 9l6 6 6-6" />
  </svg>
);
