// Build time only (the Vite plugin in vite.config.ts runs this in Node; the page
// never imports it): the default scenario's canvas as the page itself computes it once its engines
// have loaded. The same loader, control plane (deriveLab), topology and ELK layered layout, so the
// first frame the page draws is the scenario's real objects, placed where ELK places them.

import ELK from 'elkjs/lib/elk.bundled.js';
import { deriveLab, selectClients, type LabState } from '../../state';
import { engines } from '../engines';
import { layoutInput } from './layout';
import { placementOf, type FirstFrame } from './known-layouts';
import { buildTopology } from './topology';

export async function computeFirstFrame(file: { name: string; text: string }): Promise<FirstFrame> {
  const loaded = engines.loadScenarioFiles!([file]);
  if (!loaded.ok || loaded.problems.some((p) => p.severity === 'error')) {
    throw new Error(`${file.name} does not load: ${JSON.stringify(loaded.problems)}`);
  }
  const { scenario } = loaded;
  // Only the control plane: the canvas draws the reconciled cluster, not the compiled artifacts.
  const lab = deriveLab(scenario, { ...engines, compile: undefined });
  if (!lab) throw new Error(`${file.name}: no lab`);
  // As LabCanvas: selectCluster and selectClients of the store holding this scenario.
  const clients = selectClients({ scenario: { current: scenario } } as LabState) ?? [];
  const topology = buildTopology(lab.cluster, clients);
  const input = layoutInput(topology);
  const out = await new ELK().layout(input.graph);
  return { file: file.name, topology, key: input.key, placement: placementOf(out) };
}
