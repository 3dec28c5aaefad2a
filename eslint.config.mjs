// Lint rules. The workflow rules encode Temporal's determinism contract: workflow code runs
// in a sandbox, so it may not touch Node built-ins, and activities reach it as types only.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', '.tools/', 'data/', 'ui/static/vendor/', 'test/replay/histories/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { console: 'readonly', process: 'readonly', require: 'readonly', module: 'writable', __dirname: 'readonly', Buffer: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', URL: 'readonly', fetch: 'readonly', AbortController: 'readonly', AbortSignal: 'readonly', TextEncoder: 'readonly', TextDecoder: 'readonly', structuredClone: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-require-imports': 'off',
    },
  },
  {
    files: ['workflows/**/*.ts', 'policies/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltins.map((name) => ({ name, message: 'Workflow and policy code is deterministic: no Node built-ins.' })),
          patterns: [
            {
              // activities/contract is the plain contract (types and failure-type names), no activity code.
              regex: '(^|/)activities(/(?!contract$).*)?$|^@temporalio/(activity|worker|client)$',
              allowTypeImports: true,
              message: 'Workflows import activities as types only (proxyActivities<typeof ...>).',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['ui/static/**/*.js'],
    languageOptions: { globals: { window: 'readonly', document: 'readonly', localStorage: 'readonly', sessionStorage: 'readonly', location: 'readonly', history: 'readonly', HTMLElement: 'readonly', customElements: 'readonly', Intl: 'readonly', FormData: 'readonly', Event: 'readonly', Node: 'readonly', URLSearchParams: 'readonly', crypto: 'readonly' } },
  },
);
