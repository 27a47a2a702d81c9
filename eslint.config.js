// Lint, including the layer rules of docs/architecture.md: a wrong import
// between src-main, src-renderer and src-shared fails `npm test`.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import { builtinModules } from 'node:module';

// Exact names (not gitignore patterns: a pattern `constants` would also forbid './constants').
const nodeBuiltinPaths = (where) =>
  builtinModules.map((name) => ({
    name,
    message: `${where} runs in the browser too: no Node built-ins (inject what you need through an interface).`,
  }));

const layer = (message, group) => ({ group, message });

const mainOnly = layer('src-main is Node-only: the renderer and src-shared reach it through src-shared/ipc.', [
  '**/src-main',
  '**/src-main/**',
]);
const rendererOnly = layer('src-renderer is browser-only: main must not import it.', [
  '**/src-renderer',
  '**/src-renderer/**',
]);
const noNode = (where) =>
  layer(`${where} runs in the browser too: no Node built-ins (inject what you need through an interface).`, ['node:*']);
const noElectron = (where) => layer(`${where} must not import Electron.`, ['electron', 'electron/*']);

export default tseslint.config(
  {
    ignores: ['out/**', 'dist/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', 'scratch/**', 'coverage/**'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-constant-condition': ['error', { checkLoops: false }],
      eqeqeq: ['error', 'always', { null: 'ignore' }],
    },
  },
  {
    files: ['src-shared/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: nodeBuiltinPaths('src-shared'), patterns: [mainOnly, rendererOnly, noNode('src-shared'), noElectron('src-shared')] },
      ],
      'no-restricted-globals': ['error', 'Buffer', 'process', 'window', 'document', '__dirname', 'require'],
    },
  },
  {
    files: ['src-shared/**/*.test.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [mainOnly, rendererOnly] }] },
  },
  {
    files: ['src-renderer/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    languageOptions: { globals: globals.browser },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': [
        'error',
        { paths: nodeBuiltinPaths('src-renderer'), patterns: [mainOnly, noNode('src-renderer'), noElectron('src-renderer')] },
      ],
    },
  },
  {
    files: ['src-renderer/**/*.test.{ts,tsx}'],
    rules: { 'no-restricted-imports': ['error', { patterns: [mainOnly] }] },
  },
  {
    files: ['src-main/**/*.ts'],
    languageOptions: { globals: globals.node },
    rules: { 'no-restricted-imports': ['error', { patterns: [rendererOnly] }] },
  },
  {
    files: ['**/*.d.ts'],
    rules: { 'no-var': 'off' },
  },
  {
    files: ['**/*.{js,mjs,cjs}', 'scripts/**', 'bench/**', 'e2e/**', '*.config.ts', 'test-support/**'],
    languageOptions: { globals: globals.node },
  },
);
