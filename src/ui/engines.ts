// The engines below the UI that have landed, loaded after first paint so the YAML/zod loader and
// the simulation stay out of the initial bundle. An engine the lab does not have yet stays
// undefined, and the UI shows that part as "not yet available" rather than inventing results.
// Still to wire (lead): compile (data-plane artifacts per node, ingress, DNS) and trace (src/sim/trace).

import { loadScenarioFiles } from '../scenario';
import { reconcile } from '../sim/controllers/reconcile';
import type { Engines } from '../state';

export const engines: Engines = {
  loadScenarioFiles,
  reconcile,
};
