// The current hop: where it happened, what it did and why (an explanation rendered in the user's
// language from the tracer's key and parameters), the packet before and after with the changed
// fields marked, the source address the backend will log, and the artifact lines that decided.
// A hop of the reply is marked as such and shows the conntrack entries of the node it crossed.

import type { ArtifactRef, Fault, Hop, PacketView, TraceResult } from '../../sim';
import { selectCurrentHop, selectLang, selectRequests, selectTrace, type LabState } from '../../state';
import { labStore, useLab } from '../app-store';
import { useList, useT, type T } from '../i18n';
import { explain } from '../i18n/explain';
import { conntrackOf, isReplyHop } from '../reply-hops';
import { faultText } from './fault-text';
import { renderNote as renderSimNote } from '../../sim/notes';
import { FaultPods } from './FaultPods';
import { ResponseView } from './ResponseView';
import { pieces } from './tokens';
import { effectNote, renderNote, stepNote, walkKind } from './walk-marks';

const FIELDS: (keyof PacketView)[] = ['protocol', 'src', 'srcPort', 'dst', 'dstPort', 'host', 'method', 'path'];

function show(v: PacketView[keyof PacketView]): string {
  if (v === undefined) return '—';
  if (typeof v === 'object') return Object.entries(v).map(([k, x]) => `${k}=${x}`).join('; ');
  return String(v);
}

/** A value in a table cell: its addresses and ports never cut by a wrap, the rest wrapping where a URL's would. */
function Value({ text }: { text: string }) {
  return pieces(text).map((p, i) =>
    p.kind === 'addr' ? (
      <span key={i} className="nobr">
        {p.text}
      </span>
    ) : (
      <span key={i}>
        {p.text}
        <wbr />
      </span>
    ),
  );
}

export function placeLabel(hop: Hop, t: T): string {
  const p = hop.place;
  switch (p.kind) {
    case 'client':
      return `${p.name} (${p.address})`;
    case 'dns':
      // A DNS server's address; the resolver outside the lab is named for what it is, with its address.
      return p.id === 'dns:upstream' ? t('place.dns.upstream', { server: p.server }) : p.server;
    case 'load-balancer':
      return `${p.address} → ${p.service}`;
    case 'node':
      return p.iface ? `${p.node} ${p.iface}` : p.node;
    case 'pod':
      return p.pod;
    case 'controller':
      return `${p.controller} ${p.pod}`;
  }
}

/** Select the object a fault blames, when the canvas draws it. */
function openFault(f: Fault) {
  const ns = f.namespace ?? 'default';
  const target =
    f.kind === 'Service'
      ? { kind: 'service' as const, id: `service:${ns}/${f.name}` }
      : f.kind === 'Pod'
        ? { kind: 'pod' as const, id: `pod:${ns}/${f.name}` }
        : f.kind === 'Node'
          ? { kind: 'node' as const, id: `node:${f.name}` }
          : null;
  if (target) labStore.getState().select(target);
}

const selectRequest = (s: LabState) => s.playback.request;

/** `expect.backend` may name a pod with `*` wildcards ("default/web-*": any pod of the Deployment). */
function globMatch(pattern: string, value: string): boolean {
  const re = new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  return re.test(value);
}

/** What came back, and whether it is what the saved request (the lesson) says it should be. */
function Result({ trace }: { trace: TraceResult }) {
  const t = useT();
  const lang = useLab(selectLang);
  const list = useList();
  const request = useLab(selectRequest);
  const saved = useLab(selectRequests)?.find((r) => r.id === request?.savedId);
  const exp = saved?.expect;
  const mismatches: string[] = [];
  if (exp) {
    if (exp.outcome !== trace.outcome) mismatches.push(t('result.expect.outcome', { value: exp.outcome }));
    if (exp.status !== undefined && exp.status !== trace.status) {
      mismatches.push(t('result.expect.status', { value: exp.status }));
    }
    if (exp.service !== undefined && exp.service !== trace.service) {
      mismatches.push(t('result.expect.service', { value: exp.service }));
    }
    const { backend, sourceIP } = exp;
    if (backend !== undefined && !globMatch(backend, trace.backendPod ?? '')) {
      mismatches.push(t('result.expect.backend', { value: backend }));
    }
    if (sourceIP !== undefined && sourceIP !== trace.backend?.sourceIP) {
      mismatches.push(t('result.expect.source', { value: sourceIP }));
    }
  }
  const ok = trace.outcome === 'response';
  return (
    <div className={`result ${ok ? 'is-ok' : 'is-failed'}`} data-testid="trace-result">
      <strong>{t(`result.${trace.outcome}`)}</strong>
      {trace.status !== null && <span className="mono"> {trace.status}</span>}
      {trace.backendPod && (
        <span className="small">
          {' '}
          · {t('result.backend')} <span className="mono">{trace.backendPod}</span>
        </span>
      )}
      {trace.backend && (
        <span className="small">
          {' '}
          · {t('result.sourceIP')} <span className="mono">{trace.backend.sourceIP}</span>
        </span>
      )}
      {trace.caveats?.map((c, i) => (
        <div key={i} className="caveat small" data-testid="trace-caveat">
          {renderSimNote(lang, c)}
        </div>
      ))}
      {exp && (
        <div className={`expect ${mismatches.length ? 'is-unexpected' : 'is-expected'}`} data-testid="trace-expect">
          {mismatches.length ? t('result.unexpected', { expected: list(mismatches) }) : t('result.expected')}
        </div>
      )}
    </div>
  );
}

/**
 * Request headers before and after a proxy's filters (a Gateway's RequestHeaderModifier). The response
 * headers the client receives are in the ResponseView under the last hop.
 */
function HeaderTables({ hop }: { hop: Hop }) {
  const t = useT();
  const before = hop.before.headers;
  const after = hop.after.headers;
  const names = [...new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})])].sort();
  if (names.length === 0) return null;
  return (
    <table className="packet-table is-headers" data-testid="hop-request-headers">
      <caption>{t('hop.requestHeaders')}</caption>
      <thead>
        <tr>
          <th scope="col">{t('hop.header')}</th>
          <th scope="col">{t('hop.before')}</th>
          <th scope="col">{t('hop.after')}</th>
        </tr>
      </thead>
      <tbody>
        {names.map((n) => {
          const b = before?.[n];
          const a = after ? after[n] : b;
          return (
            <tr key={n} className={b !== a ? 'is-changed' : undefined}>
              <th scope="row" className="mono">
                {n}
              </th>
              <td className="mono">
                <Value text={b ?? '—'} />
              </td>
              <td className="mono">
                <Value text={a ?? '—'} />
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

const SIGN = { jump: '↳', match: '✓', miss: '✗' } as const;
/** Steps whose chain (or virtual server, socket) the note does not already name. */
const CHAINED = new Set(['raw', 'mangle', 'nat', 'filter', 'nft', 'ipvs', 'kube-proxy']);

/** The hop's walk as a numbered list (the same numbers as the viewer's gutter), folded by default. */
function WalkList({ t, hop }: { t: T; hop: Hop }) {
  const steps = hop.steps ?? [];
  return (
    <details className="walk-list" data-testid="walk-list">
      <summary>{t('walk.inspector', { count: steps.length })}</summary>
      <ol>
        {steps.map((s, i) => {
          const kind = walkKind(s);
          const note = stepNote(s) ?? effectNote(s);
          return (
            <li key={i} className={`is-walk-${kind}`}>
              <span className="walk-order">{i + 1}</span>
              <span className="walk-sign" aria-label={t(`walk.${kind}`)}>
                {SIGN[kind]}
              </span>{' '}
              <button
                type="button"
                className="ref-link"
                onClick={() => labStore.getState().openArtifact(s.ref.artifact)}
                title={t('hop.openArtifact')}
              >
                {CHAINED.has(s.table) && <span className="muted small mono">{s.chain} </span>}
                {note ? renderNote(t, note) : ''}
              </button>
            </li>
          );
        })}
      </ol>
    </details>
  );
}

/** The conntrack entries that decided a reply hop, as `conntrack -L` prints them, by node. */
function ConntrackList({ t, hop }: { t: T; hop: Hop }) {
  const entries = conntrackOf(hop);
  if (!entries) return null;
  return (
    <div className="conntrack" data-testid="hop-conntrack">
      <h4>{t('hop.conntrack')}</h4>
      {entries.length === 0 ? (
        <p className="muted small" data-testid="hop-conntrack-none">
          {t('hop.conntrack.none')}
        </p>
      ) : (
        <ol>
          {entries.map((e, i) => {
            const line = (
              <>
                <span className="muted small mono">{e.node}</span>
                <code className="mono" data-testid="hop-conntrack-entry">
                  {e.entry}
                </code>
              </>
            );
            const ref = e.ref;
            return (
              <li key={`${e.node}-${i}`}>
                {ref ? (
                  <button
                    type="button"
                    className="ref-link"
                    onClick={() => labStore.getState().openArtifact(ref.artifact)}
                    title={t('hop.openArtifact')}
                  >
                    {line}
                  </button>
                ) : (
                  <span className="ref-link is-static">{line}</span>
                )}
              </li>
            );
          })}
        </ol>
      )}
    </div>
  );
}

export function HopInspector() {
  const t = useT();
  const lang = useLab(selectLang);
  const hop = useLab(selectCurrentHop);
  const trace = useLab(selectTrace);
  if (!trace) return <p className="muted panel-hint">{t('hop.empty')}</p>;
  // A request that ended before its first hop (a sender the lab does not have): say why, never nothing.
  if (!hop) {
    return (
      <div className="hop-inspector" data-testid="hop-inspector">
        <Result trace={trace} />
        {trace.fault && (
          <div className="fault" role="note" data-testid="hop-fault">
            <p>{faultText(lang, trace.fault)}</p>
            <FaultPods fault={trace.fault} testId="fault-pods" />
          </div>
        )}
      </div>
    );
  }
  const isLast = hop.index === trace.hops.length - 1;
  return (
    <div className="hop-inspector" data-testid="hop-inspector">
      <Result trace={trace} />
      <div className="hop-head">
        {isReplyHop(hop) && (
          <span className="reply-tag" title={t('hop.reply.title')} data-testid="hop-reply-tag">
            {t('hop.reply')}
          </span>
        )}
        <span className={`action-tag action-${hop.action}`}>{t(`action.${hop.action}`)}</span>
        <span className="hop-place">
          <span className="muted">{t(`place.${hop.place.kind}`)}</span>{' '}
          <strong className="mono">{placeLabel(hop, t)}</strong>
        </span>
      </div>
      <p className="explanation" data-testid="hop-explanation">
        {explain(lang, hop.explanation)}
      </p>
      <div className="packet-tables">
        <PacketTable hop={hop} />
        <HeaderTables hop={hop} />
      </div>
      <ConntrackList t={t} hop={hop} />
      {hop.observedSource && (
        <p className="observed">
          {t('hop.observedSource')} <strong className="mono">{hop.observedSource}</strong>
        </p>
      )}
      {hop.refs.length > 0 && (
        <div className="refs">
          <h4>{t('hop.refs')}</h4>
          <RefLinks t={t} refs={hop.refs} decidingLast />
        </div>
      )}
      {isLast && <ResponseView trace={trace} />}
      {hop.steps && hop.steps.length > 0 && <WalkList t={t} hop={hop} />}
      {isLast && trace.fault && <FaultBox fault={trace.fault} />}
    </div>
  );
}

/** The packet before and after the hop, field by field, the rewritten ones marked. */
function PacketTable({ hop }: { hop: Hop }) {
  const t = useT();
  const changed = new Set(hop.changed);
  const fields = FIELDS.filter((f) => hop.before[f] !== undefined || hop.after[f] !== undefined);
  // A resolver's query leaves from a random port the lab does not draw (its packets carry 0): said so.
  const cell = (f: keyof PacketView, v: PacketView[keyof PacketView]) =>
    f === 'srcPort' && v === 0 ? t('hop.ephemeralPort') : show(v);
  return (
    <table className="packet-table">
      <thead>
        <tr>
          <th scope="col">{t('hop.field')}</th>
          <th scope="col">{t('hop.before')}</th>
          <th scope="col">{t('hop.after')}</th>
        </tr>
      </thead>
      <tbody>
        {fields.map((f) => (
          <tr
            key={f}
            className={changed.has(f) ? 'is-changed' : undefined}
            data-testid={changed.has(f) ? `changed-${f}` : undefined}
          >
            <th scope="row" className="mono">
              {f}
            </th>
            <td className="mono">
              <Value text={cell(f, hop.before[f])} />
            </td>
            <td className="mono">
              <Value text={cell(f, hop.after[f])} />
              {changed.has(f) && (
                <span className="changed-tag" data-testid="changed-tag">
                  {t('hop.changed')}
                </span>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Why the request failed: the object at fault, what is wrong in the reader's language, the lines it
 *  was read from, and a way to open the object. */
function FaultBox({ fault }: { fault: Fault }) {
  const t = useT();
  const lang = useLab(selectLang);
  const object = `${fault.kind} ${fault.namespace ? fault.namespace + '/' : ''}${fault.name}`;
  const blamed = `${object}${fault.field ? ' ' + fault.field : ''}`;
  return (
    <div className="fault" role="note" data-testid="hop-fault">
      <strong>{t('hop.fault')}</strong> <span className="mono">{blamed}</span>
      <p data-testid="hop-fault-message">{faultText(lang, fault)}</p>
      <FaultPods fault={fault} testId="fault-pods" />
      <FaultRefs t={t} fault={fault} />
      <button type="button" className="btn" onClick={() => openFault(fault)}>
        {t('hop.openObject')}
      </button>
    </div>
  );
}

/** Artifact lines as links that open the artifact; `decidingLast`: the last one is the line that decided. */
function RefLinks({ t, refs, decidingLast = false }: { t: T; refs: readonly ArtifactRef[]; decidingLast?: boolean }) {
  return (
    <ol>
      {refs.map((r, i) => (
        <li
          key={`${r.artifact}-${r.lineIndex}-${i}`}
          className={decidingLast && i === refs.length - 1 ? 'is-deciding' : undefined}
        >
          <button
            type="button"
            className="ref-link"
            onClick={() => labStore.getState().openArtifact(r.artifact)}
            title={t('hop.openArtifact')}
          >
            <span className="muted small">
              {r.artifact}:{r.lineIndex + 1}
            </span>
            <code className="mono">{r.line}</code>
          </button>
        </li>
      ))}
    </ol>
  );
}

/** The artifact lines a fault was read from (the EndpointSlice endpoints kube-proxy passed over), as links. */
function FaultRefs({ t, fault }: { t: T; fault: Fault }) {
  if (!fault.refs || fault.refs.length === 0) return null;
  return (
    <div className="refs" data-testid="fault-refs">
      <h4>{t('hop.faultRefs')}</h4>
      <RefLinks t={t} refs={fault.refs} />
    </div>
  );
}
