// The engines below the UI that have landed. Each one the lab does not have yet stays undefined,
// and the UI shows that part as "not yet available" rather than inventing results.
// The lead wires: loadScenarioFiles (src/scenario), reconcile (src/sim/controllers), trace (src/sim/trace).

import type { Engines } from '../state';

export const engines: Engines = {};
