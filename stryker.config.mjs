// Mutation testing of the code the product's promises rest on: the core (wire codec,
// decryption, formats, the store, the service's caching, versioning and clear rules, the
// fetch limiter, errors, options) and the worker's logic, run against the Node tests.
// Equivalent mutants are marked where they occur, with `// Stryker disable next-line …: why`.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutation.config.ts' },
  plugins: ['@stryker-mutator/vitest-runner'],
  mutate: [
    'src/core/**/*.ts',
    '!src/core/index.ts',
    // Fixtures a backend would own, moving to a testing entry: not a promise of the kit.
    '!src/core/createMemoryBackend.ts',
    '!src/core/encryptImage.ts',
    '!src/core/encodeWirePayload.ts',
    // pixstore 3's frontend API, module state and all: proven against pixstore 3 in Chromium.
    '!src/core/pixstoreFrontend.ts',
    'src/sw/imageUrl.ts',
    'src/sw/messages.ts',
    'src/sw/EncryptedCache.ts',
    'src/sw/LruMap.ts',
    'src/sw/PixstoreWorker.ts',
  ],
  coverageAnalysis: 'perTest',
  concurrency: 2,
  timeoutMS: 10_000,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  // Kept between runs, so `--incremental` tests only what changed since the last run.
  incrementalFile: 'reports/mutation/stryker-incremental.json',
  tempDirName: 'reports/.stryker-tmp',
  cleanTempDir: 'always',
  // The goal is 85 (docs/mutation.md); the break threshold is today's floor, raised as tests are added.
  thresholds: { high: 90, low: 85, break: 74 },
}
