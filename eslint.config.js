import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '**/.turbo/**', '**/*.generated.*'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.mjs', '**/*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', URL: 'readonly' } },
  },
  {
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // The dependency rules of ARCHITECTURE.md: plugins see only the contract.
    files: ['plugins/*/src/**/*.ts'],
    ignores: ['plugins/*/src/**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        { group: ['@sluice/*', '!@sluice/core'], message: 'Plugins import only @sluice/core.' },
        { group: ['koa', 'koa/*', '@koa/*', 'bullmq', 'ioredis', 'yaml'], message: 'Plugins import only @sluice/core.' },
      ] }],
    },
  },
  {
    files: ['packages/core/src/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        { group: ['@sluice/*', 'koa', 'bullmq', 'ioredis', 'yaml'], message: '@sluice/core depends on typebox only.' },
      ] }],
    },
  },
  {
    files: ['packages/engine/src/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        { group: ['koa', 'koa/*', '@koa/*', 'bullmq', 'ioredis', '@sluice/runtime-*', '@sluice/server', '@sluice/plugin-*'], message: 'The engine is transport-free: ports only.' },
      ] }],
    },
  },
  {
    files: ['apps/server/src/**/*.ts'],
    ignores: ['apps/server/src/**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        { group: ['@sluice/plugin-*', '!@sluice/plugin-testing'], message: 'The server loads plugins through the loader, never statically.' },
      ] }],
    },
  },
);
