// The benchmark: this kit against pixstore 3's frontend and plain <img>, side by side in one
// run in real Chromium, contenders interleaved round by round; medians reported.
import { mkdir, writeFile } from 'node:fs/promises'
import { cpus, totalmem } from 'node:os'
import { join, resolve } from 'node:path'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { SW_CACHE_NAME } from '../src/protocol/index.ts'
import { launchBrowser, startBenchServer } from './benchServer.ts'
import { browserCpuMs } from './browserCpu.ts'
import type { PageResult, ScaleResult } from './page/main.tsx'
import { renderChart } from './renderChart.ts'
import { report, SCENARIOS, type BenchResults, type ScenarioName, type ContenderName } from './report.ts'

export interface BenchOptions {
  /** Scenarios to run. @default all of SCENARIOS */
  scenarios?: ScenarioName[]
  /** Images. @default 100 */
  n?: number
  /** Images in the first-screen gallery (distinct records, 100 distinct pictures). @default 1000 */
  gallery?: number
  /** Contenders to run, for a quick comparison of a few. @default all of CONTENDERS */
  contenders?: ContenderName[]
  /** Rounds of every contender and scenario. @default 5 */
  rounds?: number
  /** Store sizes for the eviction test. @default [2500, 10000] */
  scaleEntries?: number[]
  /** Image sizes [width, height] cycled over the images. @default 520x390, 600x450, 640x480 */
  sizes?: Array<[number, number]>
  /** Where results go. @default bench/results */
  out?: string
  log?: (line: string) => void
}

const ROOT = resolve(import.meta.dirname, '..')
export const CONTENDERS: ContenderName[] = [
  'kit-object-url',
  'kit-worker',
  'kit-core',
  'react-floor',
  'react-query-floor',
  'pixstore3',
  'object-url-floor',
  'sw-floor',
  'sw-encrypted-floor',
  'plain',
]
/** The floors (the bare core, the least React and React Query bindings, the least object URL and worker code) run where the React paths are compared with them. */
export const FLOORS: ContenderName[] = [
  'kit-core',
  'react-floor',
  'react-query-floor',
  'object-url-floor',
  'sw-floor',
  'sw-encrypted-floor',
]
/** Contenders each scenario compares; the floors run where a kit path is measured against them. */
const comparedIn = (scenario: ScenarioName, contender: ContenderName) => {
  const kit = contender === 'kit-worker' || contender === 'kit-object-url'
  switch (scenario) {
    case 'refill':
      return kit
    case 'returning':
    case 'early':
      return (
        kit ||
        contender === 'pixstore3' ||
        contender === 'sw-floor' ||
        contender === 'sw-encrypted-floor' ||
        contender === 'plain'
      )
    default:
      return !FLOORS.includes(contender) || scenario === 'cold' || scenario === 'warm'
  }
}

/** A first visit settles before a returning visit: its images shown, and the worker's hand-over done. */
const FIRST_VISIT_SETTLED: ScenarioName[] = ['warm', 'returning', 'refill']
/** How long after the first visit showed its images the `early` reload comes. */
const EARLY_RELOAD_MS = 500

export async function waitForResult<T>(page: Page): Promise<T> {
  const handle = await page
    .waitForFunction(() => window.__result, null, { timeout: 60_000, polling: 20 })
    .catch(async (error: unknown) => {
      const state = await page.evaluate(() => ({
        images: document.querySelectorAll('img').length,
        complete: [...document.querySelectorAll('img')].filter((i) => i.complete && i.naturalWidth > 0)
          .length,
        sources: [
          ...new Set(
            [...document.querySelectorAll('img')].map((i) => (i.getAttribute('src') ?? '').slice(0, 6)),
          ),
        ],
        controlled: navigator.serviceWorker.controller !== null,
        errors: [...document.querySelectorAll('[data-error]')].map((e) => e.getAttribute('data-error')),
        busy: document.querySelectorAll('[aria-busy]').length,
      }))
      throw new Error(`No result from ${page.url()}: ${JSON.stringify(state)}`, { cause: error })
    })
  const result = (await handle.jsonValue()) as T | { error: string }
  if (result && typeof result === 'object' && 'error' in result) throw new Error(result.error)
  return result as T
}

/** Deletes the page's Cache Storage and stops its service worker, which forgets what it held. */
export async function loseWorkerCache(context: BrowserContext, page: Page): Promise<void> {
  await page.evaluate(async () => {
    for (const name of await caches.keys()) await caches.delete(name)
  })
  const cdp = await context.newCDPSession(page)
  await cdp.send('ServiceWorker.enable')
  await cdp.send('ServiceWorker.stopAllWorkers')
  await cdp.detach()
}

/** Waits until the worker's Cache Storage holds `count` images. */
export async function waitForWorkerCache(page: Page, count: number): Promise<void> {
  const deadline = Date.now() + 60_000
  const held = () =>
    page.evaluate(async (name) => (await (await caches.open(name)).keys()).length, SW_CACHE_NAME)
  // Polled from here: a `waitForFunction` predicate's promise counts as truthy at once.
  while ((await held()) < count) {
    if (Date.now() > deadline) throw new Error(`The worker kept ${await held()} of ${count} images`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

async function heapAfter(context: BrowserContext, page: Page): Promise<number> {
  const cdp = await context.newCDPSession(page)
  await cdp.send('HeapProfiler.collectGarbage')
  const { usedSize } = await cdp.send('Runtime.getHeapUsage')
  await cdp.detach()
  return usedSize
}

export async function runBench(options: BenchOptions = {}): Promise<BenchResults> {
  const n = options.n ?? 100
  const rounds = options.rounds ?? 5
  const sizes = options.sizes ?? [
    [520, 390],
    [600, 450],
    [640, 480],
  ]
  const out = resolve(options.out ?? join(ROOT, 'bench/results'))
  const log = options.log ?? ((line: string) => console.log(line))

  log(`Generating ${n} photo-like images…`)
  const { base, samples, tiles, freshFrom, requests, resetRequests, close } = await startBenchServer({
    n,
    gallery: options.gallery,
    sizes,
  })
  const galleryCount = tiles.length
  const browser: Browser = await launchBrowser()

  const runs: BenchResults['runs'] = []
  try {
    for (let round = 0; round < rounds; round++) {
      for (const scenario of options.scenarios ?? SCENARIOS) {
        // Interleaved, and rotated each round so no contender always goes first.
        const contenders = options.contenders ?? CONTENDERS
        const order = contenders.map((_, i) => contenders[(i + round) % contenders.length]!)
        for (const contender of order.filter((name) => comparedIn(scenario, name))) {
          const context = await browser.newContext({ viewport: { width: 1100, height: 900 } })
          const page = await context.newPage()
          page.on(
            'console',
            (message) =>
              message.type() === 'error' && log(`  console (${contender}, ${scenario}): ${message.text()}`),
          )
          page.on('pageerror', (error) => log(`  page error (${contender}, ${scenario}): ${error.message}`))
          const url = `${base}?contender=${contender}&scenario=${scenario}&n=${n}&gallery=${galleryCount}`
          const revisited = scenario !== 'cold' && scenario !== 'grid' && scenario !== 'screen'
          if (revisited) {
            await page.goto(url)
            await waitForResult<PageResult>(page)
            if (FIRST_VISIT_SETTLED.includes(scenario)) {
              if (contender === 'kit-worker' || contender.startsWith('sw-')) {
                // Measure the worker path itself: a visit the worker already controls.
                await page.waitForFunction(() => navigator.serviceWorker.controller !== null)
              }
              // A first visit shows through object URLs and then hands the worker each image:
              // "caches full" includes the worker's.
              if (contender === 'kit-worker') await waitForWorkerCache(page, n)
            } else await page.waitForTimeout(EARLY_RELOAD_MS)
            if (scenario === 'refill') await loseWorkerCache(context, page)
          }
          // The page's main thread: its busy time counts from the measured document's start.
          const cdp = await context.newCDPSession(page)
          await cdp.send('Performance.enable')
          resetRequests()
          const cpuBefore = browserCpuMs()
          if (scenario === 'returning') await page.goto(`${url}&from=${freshFrom}`)
          else if (revisited) await page.reload()
          else await page.goto(url)
          const result = await waitForResult<PageResult>(page)
          const cpu = browserCpuMs() - cpuBefore
          const { metrics } = await cdp.send('Performance.getMetrics')
          const mainThread = 1000 * (metrics.find((m) => m.name === 'TaskDuration')?.value ?? NaN)
          await cdp.detach()
          const backendRequests = requests()
          const heap = await heapAfter(context, page)
          runs.push({ round, scenario, contender, ...result, backendRequests, heap, cpu, mainThread })
          log(
            `round ${round + 1}/${rounds} ${scenario.padEnd(5)} ${contender.padEnd(15)} ` +
              `${result.allDecoded.toFixed(0).padStart(6)} ms (first ${Math.min(...result.perImage).toFixed(0)} ms; ` +
              `asked ${result.phases.firstAsked.toFixed(0)}, answered ${result.phases.firstAnswered.toFixed(0)})  ${backendRequests} requests, ` +
              `main thread ${mainThread.toFixed(0)} ms`,
          )
          await context.close()
        }
      }
    }
    const scale: ScaleResult[] = []
    const scaleRuns: Array<ScaleResult & { contender: 'kit' | 'pixstore3' }> = []
    for (const entries of options.scaleEntries ?? [2500, 10_000]) {
      for (const contender of ['kit', 'pixstore3'] as const) {
        const context = await browser.newContext()
        const page = await context.newPage()
        await page.goto(`${base}?scale=${contender}&entries=${entries}`)
        const result = await waitForResult<ScaleResult>(page)
        scaleRuns.push({ ...result, contender })
        scale.push(result)
        log(
          `eviction ${contender.padEnd(9)} ${entries} entries: ${result.ms.toFixed(0)} ms, peak heap +${(result.peakHeap / 1048576).toFixed(1)} MiB`,
        )
        await context.close()
      }
    }
    const results: BenchResults = {
      date: new Date().toISOString(),
      machine: {
        cpus: cpus().length,
        cpuModel: cpus()[0]?.model ?? 'unknown',
        memoryGiB: Math.round(totalmem() / 2 ** 30),
        chromium: browser.version(),
        node: process.version,
      },
      config: {
        n,
        rounds,
        imageBytes: {
          min: Math.min(...samples.map((s) => s.bytes.length)),
          max: Math.max(...samples.map((s) => s.bytes.length)),
          mean: Math.round(samples.reduce((a, s) => a + s.bytes.length, 0) / n),
        },
        gallery: {
          count: galleryCount,
          meanBytes: Math.round(tiles.reduce((a, s) => a + s.bytes.length, 0) / Math.max(1, galleryCount)),
        },
      },
      runs,
      scale: scaleRuns,
    }
    const markdown = report(results)
    await mkdir(out, { recursive: true })
    await writeFile(join(out, 'latest.json'), JSON.stringify(results, null, 2))
    await writeFile(join(out, 'latest.md'), markdown)
    await renderChart(browser, results, join(out, 'chart.png'))
    log('')
    log(markdown)
    return results
  } finally {
    await browser.close()
    await close()
  }
}
