import { defineConfig } from 'vitest/config'

// What `npm run test:mutation` runs against each mutant: the Node tests of the core, the
// protocol, the worker, its page side and the client (no browser, no type checks). What only
// a browser can show is covered by the hand-written mutants in `test/mutation/mutants.ts`.
export default defineConfig({
  test: {
    environment: 'node',
    include: [
      'test/core/**/*.test.ts',
      'test/protocol/**/*.test.ts',
      'test/worker/**/*.test.ts',
      'test/window/*.test.ts',
      'test/client/*.test.ts',
    ],
    exclude: ['test/**/*.browser.test.ts', 'test/**/*.e2e.test.ts'],
  },
})
