// Hand-written mutants for the promises of the Guarantees table and the React layer (what
// only a browser can show): each breaks one line of a copy of the project, runs the test that
// guards it, and expects that test to fail. Run by `npm run test:mutation` after StrykerJS;
// writes reports/mutation/hand-written.json. `--changed` (CI) runs only the mutants whose file
// or test changed since test/mutation/baseline, or all of them when the test support, the
// test set-up or this file did.
//   npx tsx test/mutation/mutants.ts [--changed] [name-filter]
import { spawnSync } from 'node:child_process'
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { changedSinceBaseline, ROOT as root } from './changedFiles.ts'

interface Mutant {
  /** The Guarantees row (or test claim) the mutant breaks. */
  name: string
  file: string
  /** A line of `file`, found exactly once; `replace` takes its place. */
  find: string
  replace: string
  project: 'unit' | 'e2e' | 'browser' | 'interop'
  test: string
  /** Only the tests whose name matches. */
  filter?: string
}

export const MUTANTS: Mutant[] = [
  {
    name: 'At rest: the default fetcher lets the HTTP cache keep Updated answers',
    file: 'src/core/createEndpointFetcher.ts',
    find: "cache: 'no-store',",
    replace: '',
    project: 'e2e',
    test: 'test/privacy/atRest.e2e.test.ts',
  },
  {
    name: 'Logout in flight: clear() leaves the service’s loads running',
    file: 'src/core/SharedLoads.ts',
    find: 'for (const load of this.loads.values()) load.controller.abort(reason)',
    replace: '',
    project: 'e2e',
    test: 'test/privacy/logout.e2e.test.ts',
    filter: 'in flight',
  },
  {
    name: 'Logout with images mounted: shown images fetch themselves back',
    file: 'src/client/imageDecisions.ts',
    find: 'return what !== undefined && what === hold.what && clearEpoch > hold.since',
    replace: 'return false',
    project: 'e2e',
    test: 'test/privacy/logout.e2e.test.ts',
    // The gallery stays mounted after this test's clear, so the images that would fetch
    // themselves back surely do; after the README's logout they are unmounted a moment later,
    // and whether one refetched first depends on the machine's speed.
    filter: 'in flight',
  },
  {
    name: 'Tabs together: the service fetches without its Web Lock',
    file: 'src/core/createImageService.ts',
    find: 'if (!locks) return fetchAndCache(record, request)',
    replace: 'return fetchAndCache(record, request)',
    project: 'e2e',
    test: 'test/engines/engines.e2e.test.ts',
    // Firefox joins requests for one URL itself (docs/browser-support.md).
    filter: 'in chromium.*once',
  },
  {
    name: 'Bridge: clear() does not tell the worker',
    file: 'src/window/WorkerBridge.ts',
    find: 'this.channel?.postMessage(clear)',
    replace: '',
    project: 'browser',
    test: 'test/window/WorkerBridge.browser.test.ts',
  },
  {
    name: 'Bridge: an answer prepared before a clear is posted after it',
    file: 'src/window/WorkerBridge.ts',
    find: 'if (epoch === this.epoch) this.channel?.postMessage(answer)',
    replace: 'this.channel?.postMessage(answer)',
    project: 'browser',
    test: 'test/window/WorkerBridge.browser.test.ts',
  },
  {
    name: 'Worker: a request asked before CLEAR is answered after it',
    file: 'src/worker/SharedFlights.ts',
    find: 'if (flight.epoch !== this.options.epoch()) throw clearedError()',
    replace: '',
    project: 'unit',
    test: 'test/worker/PixstoreWorker.test.ts',
  },
  {
    name: 'Worker: a Cache Storage write runs while an answer is being found',
    file: 'src/worker/IdleWrites.ts',
    find: 'if (this.answering > 0 && this.waitingBytes <= this.maxBytes) return',
    replace: '',
    project: 'unit',
    test: 'test/worker/PixstoreWorker.test.ts',
    filter: 'no other answer is being found',
  },
  {
    name: 'Full disk: a QuotaExceededError is not evicted for and retried',
    file: 'src/core/ForwardWrites.ts',
    find: 'if (!isQuotaError(error)) throw error',
    replace: 'throw error',
    project: 'interop',
    test: 'test/interop/storageFaults.test.tsx',
    filter: 'disk is full',
  },
  {
    name: 'At rest: a view is stored with its whole buffer',
    file: 'src/core/ForwardWrites.ts',
    find: 'return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice()',
    replace: 'return bytes',
    project: 'browser',
    test: 'test/core/ImageStore.browser.test.ts',
    filter: 'buffer around it',
  },
  {
    name: 'Hidden page: the cache writes still waiting are not landed',
    file: 'src/client/flushWhenHidden.ts',
    find: 'const flush = () => void service.flush().catch(() => undefined)',
    replace: 'const flush = () => undefined',
    project: 'browser',
    test: 'test/client/PixstoreClient.browser.test.ts',
  },
  {
    name: 'Logout: a prefetch whose idle time comes in the task of the logout starts loading',
    file: 'src/react/usePrefetchImages.ts',
    find: 'const stopOnClear = bridge.onClear(() => controller.abort())',
    replace: 'const stopOnClear = () => undefined',
    project: 'browser',
    test: 'test/react/cacheHooks.browser.test.tsx',
    filter: 'task of the logout',
  },
  {
    name: 'Load: object URLs outlive the provider',
    file: 'src/client/ObjectUrlRegistry.ts',
    find: 'for (const url of this.urls.values()) URL.revokeObjectURL(url)',
    replace: '',
    project: 'interop',
    test: 'test/interop/load.test.tsx',
  },
  {
    name: 'Load: an object URL is revoked when its image unmounts, not when its query leaves the cache',
    file: 'src/client/bindImageQueries.ts',
    find: "if (event.type === 'removed' && isImageQuery(event.query.queryKey))",
    replace: "if (event.type === 'observerRemoved' && isImageQuery(event.query.queryKey))",
    project: 'browser',
    test: 'test/react/objectUrls.browser.test.tsx',
  },
  {
    name: 'Load: a refetch leaves the object URL it replaces live',
    file: 'src/client/ObjectUrlRegistry.ts',
    find: 'if (previous) URL.revokeObjectURL(previous)',
    replace: '',
    project: 'browser',
    test: 'test/react/objectUrls.browser.test.tsx',
  },
  {
    name: '<SecureImage>: the app’s own onLoad is not called',
    file: 'src/react/SecureImage.tsx',
    find: 'onLoad={(event) => (img.onLoad(event), onLoad?.(event))}',
    replace: 'onLoad={(event) => img.onLoad(event)}',
    project: 'browser',
    test: 'test/react/SecureImage.browser.test.tsx',
  },
  {
    name: '<SecureImage>: the app’s own onError is not called',
    file: 'src/react/SecureImage.tsx',
    find: 'onError={(event) => (img.onError(event), onError?.(event))}',
    replace: 'onError={(event) => img.onError(event)}',
    project: 'browser',
    test: 'test/react/SecureImage.browser.test.tsx',
  },
  {
    name: 'Devtools: a source’s row shows its bytes as its answers',
    file: 'src/devtools/PixstoreDevtools.tsx',
    find: '<td align="right">{count}</td>',
    replace: '<td align="right">{kib(bytes)}</td>',
    project: 'browser',
    test: 'test/devtools/PixstoreDevtools.browser.test.tsx',
  },
  {
    name: 'Devtools: a source’s row carries another source’s label',
    file: 'src/devtools/PixstoreDevtools.tsx',
    find: "dexie: 'encrypted cache (Dexie)',",
    replace: "dexie: 'network',",
    project: 'browser',
    test: 'test/devtools/PixstoreDevtools.browser.test.tsx',
  },
  {
    name: 'The page-API at-rest scan skips strings',
    file: 'test/support/scanIndexedDB.ts',
    find: "if (typeof value === 'string') {",
    replace: "if (typeof value === 'symbol') {",
    project: 'browser',
    test: 'test/privacy/scanners.browser.test.ts',
  },
]

/** A copy of the project's tracked files, sharing its node_modules. */
function copyProject(): string {
  const dir = mkdtempSync(join(tmpdir(), 'pixstore-mutant-'))
  const files = spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: root,
    encoding: 'utf8',
  })
    .stdout.split('\0')
    .filter(Boolean)
  for (const file of files) {
    mkdirSync(dirname(join(dir, file)), { recursive: true })
    cpSync(join(root, file), join(dir, file))
  }
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'))
  return dir
}

function apply(dir: string, mutant: Mutant): void {
  const path = join(dir, mutant.file)
  const source = readFileSync(path, 'utf8')
  const at = source.indexOf(mutant.find)
  if (at < 0 || source.indexOf(mutant.find, at + 1) >= 0)
    throw new Error(`${mutant.file}: the line to break is not there exactly once: ${mutant.find}`)
  writeFileSync(path, source.replace(mutant.find, mutant.replace))
}

const { base, changed } = changedSinceBaseline()
/** Whether a mutant's line or test may have changed since the baseline; every one without a baseline. */
function touched(mutant: Mutant): boolean {
  if (!base) return true
  const everyMutant = ['test/mutation/mutants.ts', 'vite.config.ts', 'package.json', 'package-lock.json']
  return changed.some(
    (file) =>
      file === mutant.file ||
      file === mutant.test ||
      file.startsWith('test/support/') ||
      everyMutant.includes(file),
  )
}

const only = process.argv.slice(2).find((arg) => !arg.startsWith('--'))
const chosen = MUTANTS.filter(
  (m) => (!only || m.name.includes(only)) && (!process.argv.includes('--changed') || touched(m)),
)
if (chosen.length < MUTANTS.length)
  console.log(`${chosen.length} of ${MUTANTS.length} hand-written mutants chosen.`)
const results: Array<{ name: string; test: string; killed: boolean; seconds: number }> = []
for (const mutant of chosen) {
  const dir = copyProject()
  const started = Date.now()
  try {
    apply(dir, mutant)
    const outcome = join(dir, 'mutant-outcome.json')
    const args = [
      'vitest',
      'run',
      '--project',
      mutant.project,
      mutant.test,
      '--reporter=json',
      `--outputFile=${outcome}`,
    ]
    if (mutant.filter) args.push('-t', mutant.filter)
    const run = spawnSync('npx', args, { cwd: dir, encoding: 'utf8', env: process.env })
    // Killed only by a test that ran and failed: a mutant that breaks the build or the run proves nothing.
    const tests = existsSync(outcome)
      ? (JSON.parse(readFileSync(outcome, 'utf8')) as { numFailedTests: number; numTotalTests: number })
      : { numFailedTests: 0, numTotalTests: 0 }
    const killed = tests.numFailedTests > 0
    const seconds = Math.round((Date.now() - started) / 1000)
    results.push({ name: mutant.name, test: mutant.test, killed, seconds })
    console.log(`${killed ? 'killed  ' : 'SURVIVED'} ${String(seconds).padStart(4)} s  ${mutant.name}`)
    // A survivor says why: how many tests ran, and the end of their output.
    if (!killed)
      console.log(
        `  ${tests.numTotalTests} test(s) ran, none failed\n` +
          `${run.stdout}\n${run.stderr}`.trim().split('\n').slice(-40).join('\n'),
      )
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
mkdirSync(join(root, 'reports/mutation'), { recursive: true })
writeFileSync(join(root, 'reports/mutation/hand-written.json'), JSON.stringify(results, null, 2))
const survived = results.filter((r) => !r.killed)
console.log(`${results.length - survived.length} of ${results.length} hand-written mutants killed`)
process.exitCode = survived.length > 0 ? 1 : 0
