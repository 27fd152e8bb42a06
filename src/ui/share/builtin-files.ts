// The built-in scenario files, each its own lazy chunk: the gallery lists them from
// scenarios/index.json and fetches one only when it is opened.

import { BUILTIN_SCENARIOS } from '../../scenario/builtin';

const files = import.meta.glob<string>('../../../scenarios/*.json', { query: '?raw', import: 'default' });

export async function builtinText(id: string): Promise<{ name: string; text: string } | null> {
  const entry = BUILTIN_SCENARIOS.find((b) => b.id === id);
  const load = entry ? files[`../../../scenarios/${entry.file}`] : undefined;
  if (!entry || !load) return null;
  return { name: entry.file, text: await load() };
}
