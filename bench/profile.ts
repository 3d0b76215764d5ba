// Where the milliseconds of one contender go: a Chromium CPU profile (through CDP) of one
// load, of the page's main thread or (`--thread worker`) the service worker's, self time
// summed by module (through the source maps) and by function. Writes the .cpuprofile for
// DevTools.
//   npx tsx bench/profile.ts --contender kit-object-url --scenario cold|warm|returning|refill [--thread page|worker] [--n 100] [--out dir]
import { readdir, readFile, writeFile, mkdir } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import type { Browser, CDPSession } from 'playwright-core'
import { launchBrowser, startBenchServer } from './benchServer.ts'
import { selfTime, sourceMap, type CpuProfile, type SourceMaps } from './cpuProfile.ts'
import type { PageResult } from './page/main.tsx'
import { loseWorkerCache, waitForResult, waitForWorkerCache } from './runBench.ts'

const { values } = parseArgs({
  options: {
    contender: { type: 'string', default: 'kit-object-url' },
    scenario: { type: 'string', default: 'warm' },
    thread: { type: 'string', default: 'page' },
    n: { type: 'string', default: '100' },
    out: { type: 'string', default: 'bench/results/profiles' },
    top: { type: 'string', default: '25' },
  },
})
const n = Number(values.n)
const worker = values.thread === 'worker'

/** The profiler of the service worker's thread, through a browser session attached to it. */
async function workerProfiler(browser: Browser) {
  const session: CDPSession = await browser.newBrowserCDPSession()
  const { targetInfos } = await session.send('Target.getTargets')
  const target = targetInfos.find((info) => info.type === 'service_worker')
  if (!target) throw new Error('No service worker to profile')
  const { sessionId } = await session.send('Target.attachToTarget', {
    targetId: target.targetId,
    flatten: false,
  })
  let id = 0
  const pending = new Map<number, (result: unknown) => void>()
  session.on('Target.receivedMessageFromTarget', (event) => {
    const message = JSON.parse(event.message) as { id?: number; result?: unknown }
    if (message.id !== undefined) pending.get(message.id)?.(message.result)
  })
  const send = (method: string, params: object = {}) =>
    new Promise<unknown>((done) => {
      pending.set(++id, done)
      void session.send('Target.sendMessageToTarget', {
        sessionId,
        message: JSON.stringify({ id, method, params }),
      })
    })
  return {
    start: async () => {
      await send('Profiler.enable')
      await send('Profiler.setSamplingInterval', { interval: 100 })
      await send('Profiler.start')
    },
    stop: async () => ((await send('Profiler.stop')) as { profile: CpuProfile }).profile,
  }
}

const server = await startBenchServer({
  n,
  gallery: 1,
  sizes: [
    [520, 390],
    [600, 450],
    [640, 480],
  ],
  profiling: true,
})
const browser = await launchBrowser()
try {
  const context = await browser.newContext({ viewport: { width: 1100, height: 900 } })
  const page = await context.newPage()
  const url = `${server.base}?contender=${values.contender}&scenario=${values.scenario}&n=${n}&gallery=1`
  const revisit = values.scenario !== 'cold'
  if (revisit || worker) {
    await page.goto(url)
    await waitForResult<PageResult>(page)
    if (values.contender === 'kit-worker' || values.contender.startsWith('sw-'))
      await page.waitForFunction(() => navigator.serviceWorker.controller !== null)
    // The first visit's hand-over done, so the profile holds the measured load alone.
    if (values.contender === 'kit-worker') await waitForWorkerCache(page, n)
    // The worker restarted without its Cache Storage, before the profile starts.
    if (values.scenario === 'refill') {
      await loseWorkerCache(context, page)
      await page.goto(`${server.base}?idle`)
    }
  } else {
    // Same origin first, so the profiled navigation stays in this renderer.
    await page.goto(`${server.base}?idle`)
  }
  const profiler = worker
    ? await workerProfiler(browser)
    : await (async () => {
        const cdp = await context.newCDPSession(page)
        await cdp.send('Profiler.enable')
        await cdp.send('Profiler.setSamplingInterval', { interval: 100 })
        return {
          start: () => cdp.send('Profiler.start').then(() => undefined),
          stop: async () => (await cdp.send('Profiler.stop')).profile as unknown as CpuProfile,
        }
      })()
  await profiler.start()
  if (values.scenario === 'returning') await page.goto(`${url}&from=${server.freshFrom}`)
  else if (values.scenario === 'refill') await page.goto(url)
  else if (revisit) await page.reload()
  else await page.goto(url)
  const result = await waitForResult<PageResult>(page)
  const profile = await profiler.stop()
  await mkdir(resolve(values.out!), { recursive: true })
  const file = join(
    resolve(values.out!),
    `${values.contender}-${values.scenario}-${values.thread}.cpuprofile`,
  )
  await writeFile(file, JSON.stringify(profile))

  const maps: SourceMaps = new Map()
  const assets = join(server.pageDir, 'assets')
  for (const name of await readdir(assets))
    if (name.endsWith('.js.map'))
      maps.set(name.slice(0, -4), sourceMap(await readFile(join(assets, name), 'utf8')))
  const workerMap = resolve(import.meta.dirname, '../dist/pixstore-sw.js.map')
  maps.set('pixstore-sw.js', sourceMap(await readFile(workerMap, 'utf8')))
  const { total, byModule, byFunction } = selfTime(profile, maps, Number(values.top))
  console.log(
    `${values.contender}, ${values.scenario}, ${values.thread} thread: all decoded ${result.allDecoded.toFixed(0)} ms, first ${Math.min(...result.perImage).toFixed(0)} ms; profile ${total.toFixed(0)} ms (${file})`,
  )
  console.log('\nself time by module\n' + byModule)
  console.log('\nself time by function\n' + byFunction)
  await context.close()
} finally {
  await browser.close()
  await server.close()
}
