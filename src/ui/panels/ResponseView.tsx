// What came back and what the backend saw: the status, the response headers (Set-Cookie,
// Location, ...) and the request as the backend pod received it (method, Host, path, and the
// source address it would log). Shown in the composer and the hop inspector. When the reply never
// reached the client (a timeout with a backend: the handshake failed on the way back), there is
// no response, and the backend saw only the connection attempt and its source.

import type { TraceResult } from '../../sim';
import { useT } from '../i18n';

export function ResponseView({ trace }: { trace: TraceResult }) {
  const t = useT();
  const headers = Object.entries(trace.responseHeaders);
  const b = trace.backend;
  if (b && trace.outcome === 'timeout') {
    return (
      <div className="response" data-testid="response">
        <h4>{t('response.headers')}</h4>
        <p className="muted small">{t('response.none')}</p>
        <h4>{t('response.backendSaw')}</h4>
        <p className="muted small" data-testid="response-handshake-only">
          {t('response.handshakeOnly')}
        </p>
        <dl className="response-backend" data-testid="response-backend">
          <dt>{t('response.source')}</dt>
          <dd className="mono" data-testid="response-source">
            {b.sourceIP}
          </dd>
        </dl>
      </div>
    );
  }
  return (
    <div className="response" data-testid="response">
      <h4>{t('response.headers')}</h4>
      {headers.length > 0 ? (
        <dl className="response-headers mono" data-testid="response-headers">
          {headers.map(([k, v]) => (
            <div key={k} className="response-header" data-testid={`response-header-${k.toLowerCase()}`}>
              <dt>{k}:</dt>
              <dd>{v}</dd>
            </div>
          ))}
        </dl>
      ) : (
        <p className="muted small">{t('response.noHeaders')}</p>
      )}
      <h4>{t('response.backendSaw')}</h4>
      {b ? (
        <dl className="response-backend" data-testid="response-backend">
          <dt>{t('response.method')}</dt>
          <dd className="mono">{b.method}</dd>
          <dt>{t('response.host')}</dt>
          <dd className="mono">{b.host}</dd>
          <dt>{t('response.path')}</dt>
          <dd className="mono">{b.path}</dd>
          <dt>{t('response.source')}</dt>
          <dd className="mono" data-testid="response-source">{b.sourceIP}</dd>
        </dl>
      ) : (
        <p className="muted small">{t('response.noBackend')}</p>
      )}
    </div>
  );
}
