// Add, edit and remove the scenario's outside clients. Each change is a store command on the
// scenario's `clients` (so it is saved with the file, carried by share links and undone like any
// edit); the lab's default client is listed but not editable (it is lab derivation).

import { useState, type KeyboardEvent } from 'react';
import { DEFAULT_CLIENT } from '../../sim/clients';
import type { ExternalClient } from '../../sim/cluster';
import { selectScenarioClients } from '../../state';
import { labStore, useLab } from '../app-store';
import { useList, useT } from '../i18n';
import { hostsText, readClientForm, type ClientFormError, type ClientFormText } from './client-form';

const NO_CLIENTS: readonly ExternalClient[] = [];

/** A field's errors, in the reader's language (a hosts error per bad line, keyed by its line). */
function FieldErrors({ errors, field }: { errors: readonly ClientFormError[]; field: keyof ClientFormText }) {
  const t = useT();
  return errors
    .filter((x) => x.field === field)
    .map((x) => (
      <span
        key={`${x.key}:${x.params.line ?? ''}`}
        className="field-error"
        role="alert"
        data-testid={`client-error-${field}`}
      >
        {t(x.key, x.params)}
      </span>
    ));
}

/** The client's name or address: one line, its errors under it. */
function ClientField({ label, value, onChange, placeholder, testId, errors, field }: {
  label: string;
  value: string;
  onChange: (v: string) => void;
  placeholder: string;
  testId: string;
  errors: readonly ClientFormError[];
  field: keyof ClientFormText;
}) {
  return (
    <label className="field field-grow">
      <span>{label}</span>
      <input
        className="mono"
        value={value}
        onChange={(e) => onChange(e.target.value)}
        placeholder={placeholder}
        spellCheck={false}
        data-testid={testId}
        aria-invalid={errors.some((x) => x.field === field)}
      />
      <FieldErrors errors={errors} field={field} />
    </label>
  );
}

function ClientForm({ initial, others, onDone }: {
  initial: ExternalClient | null;
  others: readonly string[];
  onDone: (c: ExternalClient | null) => void;
}) {
  const t = useT();
  const [form, setForm] = useState<ClientFormText>({
    name: initial?.name ?? '',
    address: initial?.address ?? '',
    hosts: hostsText(initial?.hosts),
  });
  const [errors, setErrors] = useState<ClientFormError[]>([]);
  // A group, not a <form>: it sits inside the composer's form, and forms do not nest.
  const submit = () => {
    const r = readClientForm(form, others);
    if ('errors' in r) setErrors(r.errors);
    else onDone(r.client);
  };
  return (
    <div
      className="client-form"
      role="group"
      aria-label={t(initial ? 'clients.edit' : 'clients.add')}
      data-testid="client-form"
      onKeyDown={(e: KeyboardEvent) => {
        // Enter saves this client instead of sending the composer's request.
        if (e.key !== 'Enter' || (e.target as HTMLElement).tagName === 'TEXTAREA') return;
        e.preventDefault();
        submit();
      }}
    >
      <div className="field-row">
        <ClientField
          label={t('clients.name')}
          value={form.name}
          onChange={(name) => setForm({ ...form, name })}
          placeholder="laptop"
          testId="client-name"
          errors={errors}
          field="name"
        />
        <ClientField
          label={t('clients.address')}
          value={form.address}
          onChange={(address) => setForm({ ...form, address })}
          placeholder="198.51.100.20"
          testId="client-address"
          errors={errors}
          field="address"
        />
      </div>
      <label className="field">
        <span>{t('clients.hosts')}</span>
        <textarea
          className="mono"
          rows={2}
          value={form.hosts}
          onChange={(e) => setForm({ ...form, hosts: e.target.value })}
          placeholder="shop.example.com 192.168.49.2"
          spellCheck={false}
          data-testid="client-hosts"
        />
        <FieldErrors errors={errors} field="hosts" />
      </label>
      <div className="client-form-actions">
        <button type="button" className="btn btn-primary" onClick={submit} data-testid="client-save">
          {t('clients.save')}
        </button>
        <button type="button" className="btn" onClick={() => onDone(null)}>
          {t('clients.cancel')}
        </button>
      </div>
    </div>
  );
}

/** `onSaved` gets the saved client's name and, for an edit, the name it had (the composer follows it). */
export function ClientEditor({ onSaved }: { onSaved?: (name: string, replaces?: string) => void }) {
  const t = useT();
  const list = useList();
  const clients = useLab(selectScenarioClients) ?? NO_CLIENTS;
  // null: no form; '': adding; a name: editing that client.
  const [editing, setEditing] = useState<string | null>(null);
  const done = (replaces: string | undefined) => (c: ExternalClient | null) => {
    setEditing(null);
    if (!c) return;
    labStore.getState().run({ kind: 'put-client', client: c, replaces });
    onSaved?.(c.name, replaces);
  };
  const names = clients.map((c) => c.name);
  return (
    <details className="clients" data-testid="clients">
      <summary>
        {t('clients.title')} <span className="muted">({clients.length + 1})</span>
      </summary>
      <ul className="client-list">
        <li className="client-row" data-testid={`client-row-${DEFAULT_CLIENT.name}`}>
          <span className="mono">
            {DEFAULT_CLIENT.name} {DEFAULT_CLIENT.address}
          </span>
          <span className="muted small">{t('clients.default')}</span>
        </li>
        {clients.map((c) =>
          editing === c.name ? (
            <li key={c.name}>
              <ClientForm initial={c} others={names.filter((n) => n !== c.name)} onDone={done(c.name)} />
            </li>
          ) : (
            <li key={c.name} className="client-row" data-testid={`client-row-${c.name}`}>
              <span className="mono">
                {c.name} {c.address}
                {c.hosts && Object.keys(c.hosts).length > 0 && (
                  <span className="muted small">
                    {' · '}
                    {t('clients.row.hosts', { names: list(Object.keys(c.hosts)) })}
                  </span>
                )}
              </span>
              <span className="client-row-actions">
                <button
                  type="button"
                  className="btn btn-ghost"
                  onClick={() => setEditing(c.name)}
                  data-testid={`client-edit-${c.name}`}
                >
                  {t('clients.edit')}
                </button>
                <button
                  type="button"
                  className="btn btn-ghost"
                  onClick={() => labStore.getState().run({ kind: 'remove-client', name: c.name })}
                  data-testid={`client-remove-${c.name}`}
                >
                  {t('clients.remove')}
                </button>
              </span>
            </li>
          ),
        )}
      </ul>
      {editing === '' ? (
        <ClientForm initial={null} others={names} onDone={done(undefined)} />
      ) : (
        <button type="button" className="btn" onClick={() => setEditing('')} data-testid="client-add">
          {t('clients.add')}
        </button>
      )}
    </details>
  );
}
