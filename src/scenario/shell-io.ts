// What the lab's shell (src/sim/shell) needs from the scenario layer: manifests read as a file is
// read (`kubectl apply -f -`), and kube-proxy settings parsed as `--set` parses them. Shared by the
// page's console and the CLI's exec.

import type { LabSettings } from '../sim/lab';
import type { ShellEnv } from '../sim/shell/shell';
import { loadScenarioText } from './load';
import { setLabSetting } from './settings';

export function shellLoaders(settings: LabSettings): Pick<ShellEnv, 'readManifests' | 'setKubeProxy'> {
  return {
    readManifests(text) {
      const loaded = loadScenarioText('STDIN', text);
      const problem = loaded.problems.find((x) => x.severity === 'error');
      if (!loaded.ok || problem) {
        const where = problem?.path ? `${problem.path}: ` : '';
        return { ok: false, message: problem ? `${where}${problem.message}` : 'no objects' };
      }
      return { ok: true, objects: loaded.scenario.objects };
    },
    setKubeProxy(config, path, value) {
      const r = setLabSetting({ ...settings, kubeProxy: config }, `kubeProxy.${path}`, value);
      return r.ok ? { ok: true, config: r.settings.kubeProxy } : { ok: false, message: r.message };
    },
  };
}
