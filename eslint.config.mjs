// Lint rules. The workflow rules encode Temporal's determinism contract: workflow code runs
// in a sandbox, so it may not touch Node built-ins, and activities reach it as types only.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];
/** Our process folders, as a workflow would reach them (relative paths). */
const ourProcesses = (message) => [
  { regex: '^(\\.\\./)+(worker|client|stack|config|codec|cluster|scripts)(/.*)?$', message },
];

/** Policies import no Node built-in, no Temporal, and nothing of ours outside policies/ (`outside`). */
function pureDomain(files, outside) {
  return {
    files: [files],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltins.map((name) => ({
            name,
            message: 'Policy code is pure domain: no Node built-ins.',
          })),
          patterns: [
            { regex: '^@temporalio/', message: 'Policy code is pure domain: no Temporal.' },
            { regex: outside, message: 'Policies import nothing of ours outside policies/.' },
          ],
        },
      ],
    },
  };
}

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', '.tools/', 'data/', 'ui/static/vendor/', 'test/replay/histories/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        console: 'readonly',
        process: 'readonly',
        require: 'readonly',
        module: 'writable',
        __dirname: 'readonly',
        Buffer: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        URL: 'readonly',
        fetch: 'readonly',
        AbortController: 'readonly',
        AbortSignal: 'readonly',
        TextEncoder: 'readonly',
        TextDecoder: 'readonly',
        structuredClone: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-require-imports': 'off',
    },
  },
  {
    // Type-aware checks: a promise nobody awaits (or handles) loses its failure; a promise where a
    // callback's return is ignored (an event handler, a forEach) does too.
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
    },
  },
  // The layers (DESIGN.md, "Layout"). One no-restricted-imports entry per folder: a later entry for
  // the same file replaces an earlier one, so each lists everything its folder may not import.
  {
    files: ['workflows/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltins.map((name) => ({
            name,
            message: 'Workflow code is deterministic: no Node built-ins.',
          })),
          patterns: [
            {
              // activities/contract is the plain contract (types and failure-type names), no activity code.
              regex: '(^|/)activities(/(?!contract$).*)?$|^@temporalio/(activity|worker|client)$',
              allowTypeImports: true,
              message: 'Workflows import activities as types only (proxyActivities<typeof ...>).',
            },
            ...ourProcesses('Workflows run in the sandbox: no worker, client, stack, config or codec code.'),
          ],
        },
      ],
    },
  },
  // Policy code is pure domain, at the top of policies/ and in its subfolders (one more `../`).
  pureDomain('policies/*.ts', '^\\.\\./'),
  pureDomain('policies/*/**/*.ts', '^\\.\\./\\.\\./'),
  {
    files: ['client/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(\\.\\./)+(worker|stack)(/.*)?$',
              message:
                'The client never imports the worker or the stack: shared code lives in config/ or codec/.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['ui/static/**/*.js'],
    languageOptions: {
      globals: {
        window: 'readonly',
        document: 'readonly',
        localStorage: 'readonly',
        sessionStorage: 'readonly',
        location: 'readonly',
        history: 'readonly',
        HTMLElement: 'readonly',
        customElements: 'readonly',
        Intl: 'readonly',
        FormData: 'readonly',
        Event: 'readonly',
        Node: 'readonly',
        URLSearchParams: 'readonly',
        crypto: 'readonly',
      },
    },
  },
);
