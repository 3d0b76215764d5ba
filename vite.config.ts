import { builtinModules } from 'node:module'
import { resolve } from 'node:path'
import react from '@vitejs/plugin-react'
import { storybookTest } from '@storybook/addon-vitest/vitest-plugin'
import { playwright } from '@vitest/browser-playwright'
import { defineConfig } from 'vitest/config'
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './dev/chromium.ts'
import { useClientDirective } from './dev/useClientDirective.ts'
import { backendCommands } from './test/support/backendCommands.ts'
import { HANG } from './test/support/hang.ts'

const chromium = playwright({ launchOptions: { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS } })

/** Sets testing-library's waits to end only on a hang, in every project that renders React. */
const WAIT_UNTIL_HANG = 'test/support/waitUntilHang.ts'

/**
 * A project run in Chromium, one file at a time: the files of a project share one origin
 * (IndexedDB, Cache Storage, the worker) and one backend, and some of them time their loads.
 * Vitest runs projects of another `maxWorkers` as a group of their own, after the Node ones.
 */
const inChromium = (commands?: typeof backendCommands) => ({
  maxWorkers: 1,
  browser: {
    enabled: true,
    headless: true,
    provider: chromium,
    instances: [{ browser: 'chromium' as const }],
    screenshotFailures: false,
    commands,
  },
})

/** React 18 for the `browser-react18` project: its own install under test/react18 (see `prepare`). */
const react18 = (name: string) => resolve(import.meta.dirname, 'test/react18/node_modules', name)
const onReact18 = [
  { find: /^react$/, replacement: react18('react') },
  { find: /^react\/(.*)$/, replacement: `${react18('react')}/$1` },
  { find: /^react-dom$/, replacement: react18('react-dom') },
  { find: /^react-dom\/(.*)$/, replacement: `${react18('react-dom')}/$1` },
]

const external = [
  'react',
  'react-dom',
  'react/jsx-runtime',
  '@tanstack/react-query',
  '@tanstack/query-core',
  'dexie',
  'dexie-react-hooks',
  'vite',
  ...builtinModules,
  ...builtinModules.map((name) => `node:${name}`),
]

export default defineConfig({
  plugins: [react(), useClientDirective(['/src/react/', '/src/devtools/'])],
  // Found late by the scan (only src/client imports it), it would reload a running browser test.
  optimizeDeps: { include: ['@tanstack/query-core'] },
  build: {
    target: 'es2022',
    sourcemap: true,
    minify: false,
    lib: {
      entry: {
        index: resolve(import.meta.dirname, 'src/index.ts'),
        core: resolve(import.meta.dirname, 'src/core/index.ts'),
        compat: resolve(import.meta.dirname, 'src/compat/index.ts'),
        testing: resolve(import.meta.dirname, 'src/testing/index.ts'),
        devtools: resolve(import.meta.dirname, 'src/devtools/index.ts'),
        vite: resolve(import.meta.dirname, 'src/vite/index.ts'),
        worker: resolve(import.meta.dirname, 'src/worker/index.ts'),
      },
      formats: ['es'],
    },
    rollupOptions: { external },
  },
  test: {
    // A poll waits for a condition; on a busy machine a browser may take more than the
    // default second to meet it. Only a failing poll waits this long.
    expect: { poll: { timeout: HANG } },
    // A test's budget catches a hang too: several waits of a slow machine fit in it.
    testTimeout: 3 * HANG,
    hookTimeout: 3 * HANG,
    // A worker per core, not one fewer: an end-to-end file's work is mostly in the browser it
    // drives, and the other file's browser fills the core that leaves.
    maxWorkers: '100%',
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          environment: 'node',
          typecheck: { enabled: true, include: ['test/**/*.test-d.{ts,tsx}'], tsconfig: './tsconfig.json' },
          include: ['test/**/*.test.{ts,tsx}'],
          exclude: ['test/**/*.browser.test.{ts,tsx}', 'test/**/*.e2e.test.{ts,tsx}', 'test/interop/**'],
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          environment: 'node',
          include: ['test/**/*.e2e.test.{ts,tsx}'],
        },
      },
      {
        extends: true,
        test: {
          name: 'browser',
          setupFiles: [WAIT_UNTIL_HANG],
          include: ['test/**/*.browser.test.{ts,tsx}'],
          exclude: ['test/interop/**'],
          ...inChromium(),
        },
      },
      {
        // The React layer's browser tests again on React 18, which the peer range promises.
        extends: true,
        resolve: { alias: onReact18 },
        cacheDir: 'node_modules/.vite-react18',
        test: {
          name: 'browser-react18',
          setupFiles: [WAIT_UNTIL_HANG],
          include: ['test/react/**/*.browser.test.tsx'],
          ...inChromium(),
        },
      },
      {
        // Every story's play function, in Chromium, through @storybook/addon-vitest.
        plugins: [storybookTest({ configDir: resolve(import.meta.dirname, '.storybook') })],
        test: {
          name: 'storybook',
          ...inChromium(),
          setupFiles: ['.storybook/vitest.setup.ts'],
          testTimeout: 3 * HANG,
        },
      },
      {
        extends: true,
        test: {
          name: 'interop',
          setupFiles: [WAIT_UNTIL_HANG],
          include: ['test/interop/**/*.test.{ts,tsx}'],
          ...inChromium(backendCommands),
        },
      },
    ],
  },
})
