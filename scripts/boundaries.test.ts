// The architecture's import boundaries are lint rules; this proves they fire, so a violation
// really fails `npm test` rather than being documented only.
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: new URL('..', import.meta.url).pathname });

async function ruleIds(code: string, filePath: string): Promise<string[]> {
  const [r] = await eslint.lintText(code, { filePath });
  return (r?.messages ?? []).map((m) => m.ruleId ?? 'fatal');
}

// The first lint loads the config, typescript-eslint and the parser cold: on a loaded 2-core
// machine that took longer than a test's 5 s. It is done once here, with time for it.
beforeAll(async () => {
  await eslint.lintText('export const warm = 1;\n', { filePath: 'src/sim/warm.ts' });
}, 120_000);

describe('import boundaries of the pure core', () => {
  it.each([
    ["import { create } from 'zustand';", 'src/sim/x.ts'],
    ["import { useState } from 'react';", 'src/scenario/x.ts'],
    ["import { ReactFlow } from '@xyflow/react';", 'src/sim/proxy/x.ts'],
    ["import { produce } from 'immer';", 'src/sim/x.ts'],
    ["import { useLab } from '../state/store';", 'src/sim/x.ts'],
    ["import { App } from '../ui/App';", 'src/scenario/x.ts'],
    ["import { loadScenarioText } from '../scenario';", 'src/sim/x.ts'],
  ])('refuses %s in %s', { timeout: 30_000 }, async (code, file) => {
    expect(await ruleIds(`${code}\nexport const x = 1;\n`, file)).toContain('no-restricted-imports');
  });

  it.each([
    ['export const r = Math.random();', 'no-restricted-properties'],
    ['export const w = window.location;', 'no-restricted-globals'],
    ['export const t = setTimeout(() => 0, 1);', 'no-restricted-globals'],
  ])('refuses %s in src/sim', { timeout: 30_000 }, async (code, rule) => {
    expect(await ruleIds(`${code}\n`, 'src/sim/x.ts')).toContain(rule);
  });

  it('lets the UI use what the core may not', { timeout: 30_000 }, async () => {
    expect(await ruleIds("import { create } from 'zustand';\nexport const s = create(() => ({}));\n", 'src/state/x.ts')).toEqual([]);
  });
});
