// Lint rules that earn their keep: promise safety, exhaustive switches, and the import direction of STYLE.md 2.1.
import tseslint from 'typescript-eslint'

const nodeOnly = ['ws', 'express', 'better-sqlite3', 'node:*', 'fs', 'path', 'http', 'net', 'os']

// The packages src/ may import (STYLE.md 2.1). Keep the header of src/index.ts true to it.
const corePackages = ['yjs', 'lib0', 'y-protocols', 'fractional-indexing']

/** The import rules of each layer; test/lint.test.ts checks that they fail where they should. */
const layerRules = {
  src: [
    {
      regex: `^(?!\\.|(?:${corePackages.join('|')})(?:/|$))`,
      message: `src/ is isomorphic: it imports only ${corePackages.join(', ')} and itself.`,
    },
    {
      regex: '^(?:\\.\\.?/)+(?:[^/]+/)*?(?:client|server|test)(?:/|$)',
      message: 'src/ is below client/ and server/ and never imports them.',
    },
  ],
  deepCore: {
    // Any depth: ../src/table.js, ../../src/query/live-query.js, ../src/ports/store.js, ...
    regex: '^(?:\\.\\.?/)+src/(?!(?:index|internal)\\.js$)',
    message: 'Import the core through src/index.js (its public API) or src/internal.js.',
  },
  client: {
    group: [...nodeOnly, '**/server/**'],
    message: 'client/ runs in browsers: no Node modules, no server/.',
  },
  server: { regex: '^(?:\\.\\./)+client(?:/|$)', message: 'server/ never imports client/.' },
}

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'coverage/**',
      'docs/api/**',
      'data/**',
      'client/demo/dist/**',
      'test/fixtures/formats/**',
    ],
  },
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['*.config.ts'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      '@typescript-eslint/no-unnecessary-condition': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      'no-console': 'error',
    },
  },
  {
    files: ['src/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: layerRules.src }] },
  },
  {
    files: ['client/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [layerRules.client, layerRules.deepCore] }],
    },
  },
  {
    files: ['server/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [layerRules.server, layerRules.deepCore] }],
    },
  },
  {
    // Rules and checks, and the ports, know nothing of HTTP, adapters or how options are read
    // (docs/architecture.md, "Server").
    files: ['server/access/**/*.ts', 'server/ports/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            layerRules.server,
            layerRules.deepCore,
            {
              group: ['../http/*', '../adapters/*', '../options.js', '../create-server.js'],
              message: 'access/ and ports/ know nothing of HTTP, adapters or how options are read.',
            },
          ],
        },
      ],
    },
  },
  { files: ['server/main.ts', 'test/**/*.ts'], rules: { 'no-console': 'off' } },
  {
    files: ['test/**/*.ts', '*.config.ts', '*.config.js'],
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-confusing-void-expression': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  { files: ['*.js'], ...tseslint.configs.disableTypeChecked },
  { files: ['client/demo/*.js'], ...tseslint.configs.disableTypeChecked },
)
