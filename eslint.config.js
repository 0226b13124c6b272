import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import pluginVue from 'eslint-plugin-vue';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '**/.turbo/**', '**/*.generated.*'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  // The web UI's single-file components: Vue's rules, with TypeScript parsing the scripts.
  ...pluginVue.configs['flat/recommended'].map((config) => ({ ...config, files: ['apps/ui/src/**/*.vue'] })),
  {
    files: ['apps/ui/src/**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.vue'] } },
    rules: {
      // Layout rules the formatter-free code base does not follow elsewhere either.
      'vue/max-attributes-per-line': 'off',
      'vue/singleline-html-element-content-newline': 'off',
      'vue/html-self-closing': ['error', { html: { void: 'always', normal: 'always', component: 'always' } }],
      'vue/multi-word-component-names': 'off',
      // Optional props typed `T | undefined` need no default.
      'vue/require-default-prop': 'off',
      // TypeScript (vue-tsc) checks names; ESLint does not know the DOM globals.
      'no-undef': 'off',
    },
  },
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
