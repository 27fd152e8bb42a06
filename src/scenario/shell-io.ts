// What the lab's shell (src/sim/shell) needs from the scenario layer: manifests read as a file is
// read (`kubectl apply -f -`), and kube-proxy settings parsed as `--set` parses them. Shared by the
// page's console and the CLI's exec.

import type { LabSettings } from '../sim/lab';
import type { ShellEnv } from '../sim/shell/shell';
import { loadScenarioText } from './load';
import { problemText } from './problem-text';
import { setLabSetting } from './settings';

export function shellLoaders(settings: LabSettings): Pick<ShellEnv, 'readManifests' | 'setKubeProxy'> {
  return {
    readManifests(text) {
      const loaded = loadScenarioText('STDIN', text);
      const problem = loaded.problems.find((x) => x.severity === 'error');
      if (!loaded.ok || problem) {
        if (!problem) return { ok: false, message: 'no objects' };
        // The loader's words in each language (the page shows the reader's), after where they are.
        const where = problem.path ? `${problem.path}: ` : '';
        const message = `${where}${problem.message}`;
        return { ok: false, message, inEachLanguage: { en: message, zh: `${where}${problemText('zh', problem)}` } };
      }
      return { ok: true, objects: loaded.scenario.objects };
    },
    setKubeProxy(config, path, value) {
      const r = setLabSetting({ ...settings, kubeProxy: config }, `kubeProxy.${path}`, value);
      if (r.ok) return { ok: true, config: r.settings.kubeProxy };
      return { ok: false, message: r.message, inEachLanguage: { en: r.message, zh: problemText('zh', r) } };
    },
  };
}
