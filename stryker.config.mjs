// Mutation testing of the code the product's promises rest on: the core (wire codec,
// decryption, formats, the store, the service's caching, versioning and clear rules, the
// fetch limiter, errors, options), the worker's logic (its own loads included), the page's
// side of the worker that Node reaches, and the display decisions of `src/client` (which path
// and src an image takes, preview then full, the clear hold, the query options, the object
// URLs and their ties to the query cache, the hand-over of a first visit's images to the
// worker), run against the Node tests.
// Equivalent mutants are marked where they occur, with `// Stryker disable next-line …: why`.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutation.config.ts' },
  plugins: ['@stryker-mutator/vitest-runner'],
  mutate: [
    'src/core/**/*.ts',
    '!src/core/index.ts',
    'src/protocol/**/*.ts',
    '!src/protocol/index.ts',
    'src/worker/**/*.ts',
    '!src/worker/index.ts',
    // The standalone script's listeners: test/worker/script.test.ts, on the built file's events.
    '!src/worker/script.ts',
    // The page side that Node tests reach; the bridge is proven in Chromium (hand-written mutants).
    'src/window/workerLoadSource.ts',
    'src/window/countWorkerAnswers.ts',
    'src/window/registerPixstoreWorker.ts',
    'src/window/createWorkerStatusStore.ts',
    'src/window/pingWorker.ts',
    'src/window/WorkerWarmer.ts',
    // The display decisions the hooks sit on and the observers that apply them, through their
    // Node tests; what only a browser shows (the React layer, the devtools panel) has
    // hand-written mutants, as has flushWhenHidden (page events).
    'src/client/ClientObserver.ts',
    'src/client/ImageObserver.ts',
    'src/client/ImageQueryObserver.ts',
    'src/client/ImagePath.ts',
    'src/client/ImageSwap.ts',
    'src/client/imageDecisions.ts',
    'src/client/ImageQuery.ts',
    'src/client/bindImageQueries.ts',
    'src/client/ObjectUrlRegistry.ts',
    'src/client/ProgressRegistry.ts',
    'src/client/PixstoreClient.ts',
  ],
  coverageAnalysis: 'perTest',
  concurrency: 2,
  timeoutMS: 10_000,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  // Out of git: it speeds a developer's next run; test/mutation/runStryker.ts chooses what CI mutates.
  incrementalFile: 'reports/stryker-incremental.json',
  tempDirName: 'reports/.stryker-tmp',
  cleanTempDir: 'always',
  // The floor of docs/mutation.md; test/mutation/scores.ts holds each folder and file to theirs.
  thresholds: { high: 90, low: 85, break: 85 },
}
