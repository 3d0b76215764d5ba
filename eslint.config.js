import js from '@eslint/js'
import globals from 'globals'
import tseslint from 'typescript-eslint'
import reactHooks from 'eslint-plugin-react-hooks'

const reactPackages = ['react', 'react-dom', '@tanstack/react-query', 'dexie-react-hooks']

export default tseslint.config(
  {
    ignores: [
      'dist',
      'storybook-static',
      'coverage',
      'bench/results',
      'reports',
      'examples/*/.next',
      'examples/*/public/pixstore-sw.js',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['src/core/**', 'src/sw/**', 'src/client/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: reactPackages.map((name) => ({
            name,
            message: 'The framework-free layers never import React.',
          })),
          patterns: [
            { group: ['react/*', 'react-dom/*'], message: 'The framework-free layers never import React.' },
            {
              group: ['**/react', '**/react/*'],
              message: 'The framework-free layers never import the React layer.',
            },
            {
              regex: '^(\\.\\./)+(core|sw)/(?!index\\.js$)',
              message: 'Import another layer through its index only.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/core/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: reactPackages.map((name) => ({ name, message: 'src/core never imports React.' })),
          patterns: [
            { group: ['react/*', 'react-dom/*'], message: 'src/core never imports React.' },
            {
              group: ['**/react', '**/react/*', '**/sw', '**/sw/*'],
              message: 'src/core imports no other layer.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/compat/**', 'src/testing/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: reactPackages.map((name) => ({
            name,
            message: 'src/compat and src/testing never import React.',
          })),
          patterns: [
            { group: ['react/*', 'react-dom/*'], message: 'src/compat and src/testing never import React.' },
            { regex: '^(\\.\\./)+(react|sw)(/|$)', message: 'src/compat and src/testing use the core only.' },
            { regex: '^(\\.\\./)+core/(?!index\\.js$)', message: 'Import the core through its index only.' },
          ],
        },
      ],
    },
  },
  {
    files: ['src/react/**', 'src/devtools/**'],
    plugins: { 'react-hooks': reactHooks },
    rules: reactHooks.configs.recommended.rules,
  },
  {
    files: ['src/react/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { regex: '^(\\.\\./)+core/(?!index\\.js$)', message: 'Import the core through its index only.' },
            {
              regex: '^(\\.\\./)+sw/(?!index\\.js$)',
              message: 'Import the worker layer through its index only.',
            },
            {
              regex: '^(\\.\\./)+client/(?!index\\.js$)',
              message: 'Import the client through its index only.',
            },
          ],
        },
      ],
    },
  },
  {
    // The devtools use the public React API only: what an app could build itself.
    files: ['src/devtools/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(\\.\\./)+react/(?!index\\.js$)',
              message: 'Import the React layer through its index only.',
            },
            {
              regex: '^(\\.\\./)+(core|sw|client)(/|$)',
              message: 'The devtools use the public React API only.',
            },
          ],
        },
      ],
    },
  },
)
