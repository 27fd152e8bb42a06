import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

// The pure core may not reach up into the app or into UI libraries (ARCHITECTURE.md, "A pure core").
const uiLibraries = ['react', 'react-dom', 'react-dom/*', 'zustand', 'zustand/*', 'immer', '@xyflow/*'];
const coreBoundary = {
  'no-restricted-imports': ['error', {
    patterns: [
      { group: uiLibraries, message: 'src/sim and src/scenario are pure: no UI or store libraries.' },
      { group: ['**/state/**', '**/state', '**/ui/**', '**/ui', '**/cli/**', '**/cli'], message: 'src/sim and src/scenario may not import from state, ui or cli.' },
    ],
  }],
  'no-restricted-globals': ['error',
    { name: 'window', message: 'The core runs in Node and workers: no window.' },
    { name: 'document', message: 'The core runs in Node and workers: no document.' },
    { name: 'localStorage', message: 'The core has no storage.' },
    { name: 'setTimeout', message: 'The core has no timers: time is simulated.' },
    { name: 'setInterval', message: 'The core has no timers: time is simulated.' },
  ],
  'no-restricted-properties': ['error', { object: 'Math', property: 'random', message: 'Use the scenario seeded generator (src/sim/net/rand.ts).' }],
};

export default tseslint.config(
  { ignores: ['dist', 'build', 'node_modules', 'test-results', 'playwright-report', 'coverage', 'public/*.json'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  { files: ['scripts/**', 'bench/**', 'bin/**', 'e2e/**', 'fidelity/**', 'src/cli/**', '*.config.*'], languageOptions: { globals: globals.node } },
  { files: ['src/ui/**'], languageOptions: { globals: globals.browser } },
  { files: ['src/sim/**/*.ts', 'src/scenario/**/*.ts'], rules: coreBoundary },
  {
    files: ['src/sim/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          ...coreBoundary['no-restricted-imports'][1].patterns,
          { group: ['**/scenario/**', '**/scenario'], message: 'src/sim sits below src/scenario.' },
        ],
      }],
    },
  },
  {
    files: ['src/ui/**/*.{ts,tsx}', 'src/state/**/*.ts'],
    plugins: { 'react-hooks': reactHooks },
    rules: { 'react-hooks/rules-of-hooks': 'error', 'react-hooks/exhaustive-deps': 'warn' },
  },
  {
    files: ['src/state/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [{ group: ['**/ui/**', '**/ui'], message: 'state sits below ui.' }] }] },
  },
);
