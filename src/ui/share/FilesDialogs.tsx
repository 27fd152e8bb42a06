// Export (scenario JSON; plain manifests with the lab-only settings in a file of their own) and paste.

import { useLab } from '../app-store';
import { useT } from '../i18n';
import { serializeScenario, toManifests } from '../../scenario/export';
import { Dialog } from './Dialog';
import { baseName, download, labOnlyPart, openPasted } from './files-io';
import { setSession, useSession } from './session';

export function ExportDialog() {
  const t = useT();
  const scenario = useLab((s) => s.scenario.current);
  const lab = useLab((s) => s.lab);
  if (!scenario) return null;
  const name = baseName(scenario);
  const saved = () => setSession({ baseline: scenario });
  return (
    <Dialog title={t('export.title')} onClose={() => setSession({ overlay: null })} testId="export-dialog">
      <div className="export-choices">
        <section>
          <h3>{t('export.scenario')}</h3>
          <p className="muted">{t('export.scenario.hint')}</p>
          <button
            type="button"
            className="btn btn-primary"
            data-testid="export-json"
            onClick={() => { download(`${name}.json`, serializeScenario(scenario), 'application/json'); saved(); }}
          >
            {t('export.download', { name: `${name}.json` })}
          </button>
        </section>
        <section>
          <h3>{t('export.manifests')}</h3>
          <p className="muted">{t('export.manifests.hint')}</p>
          <button
            type="button"
            className="btn"
            data-testid="export-yaml"
            onClick={() => { download(`${name}.yaml`, toManifests(lab?.applied ?? scenario.objects), 'application/yaml'); saved(); }}
          >
            {t('export.download', { name: `${name}.yaml` })}
          </button>{' '}
          <button
            type="button"
            className="btn"
            data-testid="export-lab"
            onClick={() => download(`${name}.lab.json`, labOnlyPart(scenario, lab?.cluster.settings.kubeProxy), 'application/json')}
          >
            {t('export.download', { name: `${name}.lab.json` })}
          </button>
        </section>
      </div>
    </Dialog>
  );
}

export function PasteDialog() {
  const t = useT();
  // The text lives in the session, not in this dialog: closing the dialog (to read a failed load's
  // report, or to choose in the partial-load dialog) keeps it for the next time it opens.
  const text = useSession((s) => s.paste);
  const open = () => {
    // The dialog closes so that the load report (where and why) or the partial-load dialog shows;
    // a failed load leaves the lab and the pasted text as they were.
    openPasted(text);
    setSession({ overlay: null });
  };
  return (
    <Dialog title={t('paste.title')} onClose={() => setSession({ overlay: null })} testId="paste-dialog" wide>
      <p className="muted">{t('paste.hint')}</p>
      <textarea
        className="paste-text mono"
        rows={16}
        value={text}
        onChange={(e) => setSession({ paste: e.target.value })}
        data-testid="paste-text"
        aria-label={t('paste.title')}
        spellCheck={false}
      />
      <div className="dialog-actions">
        <button
          type="button"
          className="btn"
          disabled={!text}
          onClick={() => setSession({ paste: '' })}
          data-testid="paste-clear"
        >
          {t('paste.clear')}
        </button>
        <button
          type="button"
          className="btn btn-primary"
          disabled={!text.trim()}
          onClick={open}
          data-testid="paste-open"
        >
          {t('paste.open')}
        </button>
      </div>
    </Dialog>
  );
}
