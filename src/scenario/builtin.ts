// The built-in scenarios, in teaching order, as the gallery lists them. The scenario files
// themselves are scenarios/<id>.json; scenarios/index.json is their catalogue.

import index from '../../scenarios/index.json';

export interface BuiltinScenario {
  /** Stable id: the file name without .json, used in links. */
  id: string;
  /** File name inside scenarios/. */
  file: string;
  title: string;
  titleZh: string;
  tags: string[];
  description: string;
  descriptionZh: string;
}

export const BUILTIN_SCENARIOS: readonly BuiltinScenario[] = index;
