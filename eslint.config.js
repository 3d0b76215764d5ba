import js from '@eslint/js'
import globals from 'globals'
import tseslint from 'typescript-eslint'
import reactHooks from 'eslint-plugin-react-hooks'

const reactPackages = ['react', 'react-dom', '@tanstack/react-query', 'dexie-react-hooks']

/**
 * The layers of src/, and which others each may import, through that layer's index. With `coreInternals`, src/core/internal.ts too: what the kit's
 * layers under the React one share beyond the public core. Everything else is refused, and
 * React too unless `react` is set.
 */
const layers = [
  { folders: ['core'], uses: [] },
  // What the page and the worker both speak: message types, the image URL, the option query.
  { folders: ['protocol'], uses: ['core'] },
  // Code of one runtime never imports the other's: the worker runs in the service worker...
  { folders: ['worker'], uses: ['core', 'protocol'], coreInternals: true },
  // ...the window layer in the page (the bridge to the worker, its registration and status).
  { folders: ['window'], uses: ['core', 'protocol'], coreInternals: true },
  { folders: ['client'], uses: ['core', 'protocol', 'window'], coreInternals: true },
  { folders: ['testing'], uses: ['core'], coreInternals: true },
  { folders: ['compat'], uses: ['core'] },
  // The Vite plugin runs in Node: it takes the script's URL from the protocol, no browser code.
  { folders: ['vite'], uses: ['protocol'] },
  { folders: ['react'], uses: ['core', 'window', 'client'], react: true },
  // The devtools use the public React API only: what an app could build itself.
  { folders: ['devtools'], uses: ['react'], react: true },
]
const allFolders = layers.flatMap((layer) => layer.folders)
const anyOf = (folders) => `^(\\.\\./)+(${folders.join('|')})`

/** The import rule of one layer, from the table above. */
function importRules({ folders, uses, react = false, coreInternals = false }) {
  const name = `src/${folders.join(' and src/')}`
  const refused = allFolders.filter((folder) => !folders.includes(folder) && !uses.includes(folder))
  const noReact = `${name} never imports React.`
  return {
    files: folders.map((folder) => `src/${folder}/**`),
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: react ? [] : reactPackages.map((pkg) => ({ name: pkg, message: noReact })),
          patterns: [
            ...(react ? [] : [{ group: ['react/*', 'react-dom/*'], message: noReact }]),
            ...(refused.length > 0
              ? [
                  {
                    regex: `${anyOf(refused)}(/|$)`,
                    message:
                      uses.length > 0
                        ? `${name} may import ${uses.join(', ')} only.`
                        : `${name} imports no other layer.`,
                  },
                ]
              : []),
            ...uses.map((folder) => ({
              regex: `${anyOf([folder])}/(?!${folder === 'core' && coreInternals ? '(index|internal)' : 'index'}\\.js$)`,
              message: 'Import another layer through its index only.',
            })),
          ],
        },
      ],
    },
  }
}

export default tseslint.config(
  {
    ignores: [
      'dist',
      'storybook-static',
      'coverage',
      'bench/results',
      'reports',
      'examples/*/.next',
      'examples/*/dist',
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
    files: ['src/react/**', 'src/devtools/**'],
    plugins: { 'react-hooks': reactHooks },
    rules: reactHooks.configs.recommended.rules,
  },
  ...layers.map(importRules),
)
