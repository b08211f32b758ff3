// @ts-check
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';

export default tseslint.config(
  { ignores: ['scratch/', 'bin/', 'dist/', 'node_modules/', '.kfed/', 'tools/', 'test/histories/', 'bench/results*', 'chaos/results*'] },
  eslint.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  ...tseslint.configs.stylisticTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true }],
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
      // @kubernetes/client-node's models are classes that the library itself expects to be
      // passed as plain object literals (it serializes by attribute map, not by prototype).
      '@typescript-eslint/no-unsafe-class-instance-assignment': 'off',
    },
  },
  {
    // Workflow code runs in Temporal's deterministic sandbox: no Node builtins, no I/O modules.
    files: ['src/workflows/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            ...builtinModules,
            ...builtinModules.map((m) => `node:${m}`),
            '@kubernetes/client-node',
            '@google-cloud/dns',
            '@google-cloud/container',
            '@temporalio/client',
            '@temporalio/worker',
            '@temporalio/activity',
          ],
          // Types from providers are fine (plain data shapes); their code is not.
          patterns: [{ group: ['**/providers/**', '**/emulator/**', '**/local/**'], message: 'Workflows orchestrate only; import activity types instead.', allowTypeImports: true }],
        },
      ],
    },
  },
  {
    files: ['eslint.config.js'],
    ...tseslint.configs.disableTypeChecked,
  },
);
